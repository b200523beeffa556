/* siamcl bench --targets N: tracker-group throughput. For n = 1, 2, 4, ... N
 * targets (boxes on a grid over the first frame of a sequence) the group
 * tracks --frames frames after one warm-up frame; printed: targets x frames
 * per second and ms per frame. The device set is the context's
 * (SIAMCL_DEVICE=0,1 for two), the schedule --schedule or SIAMCL_SCHEDULE.
 * --async: frames go through the depth-2 pipeline (submit f+1 before waiting
 * for f) instead of siamcl_group_update. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define NFRAMES 4 /* distinct frames cycled through */

static siamcl_status run(siamcl_context *ctx, const siamcl_tracker_desc *d, const siamcl_schedule *sc, int n,
                         int frames, int async, const siamcl_image *img, double *tps, double *ms,
                         siamcl_schedule *used) {
    siamcl_group *g = NULL;
    siamcl_status st = siamcl_group_create(ctx, d, sc, &g);
    if (st != SIAMCL_OK) return st;
    siamcl_group_result *r = malloc((size_t)n * sizeof *r);
    if (!r) {
        siamcl_group_free(g);
        return SIAMCL_ERR_OUT_OF_MEMORY;
    }
    siamcl_group_schedule(g, used);
    int cols = 8, w = img[0].width, h = img[0].height;
    for (int k = 0; k < n && st == SIAMCL_OK; k++) {
        int gx = k % cols, gy = (k / cols) % 8;
        siamcl_box b = {(float)(1 + (w - 40) * gx / cols), (float)(1 + (h - 50) * gy / 8), 30, 40};
        int id;
        st = siamcl_group_add(g, &img[0], b, &id);
    }
    int cnt;
    if (st == SIAMCL_OK) st = siamcl_group_update(g, &img[1], r, n, &cnt); /* warm-up: builds the batch plans */
    double t0 = cli_now_ms();
    if (!async) {
        for (int f = 0; f < frames && st == SIAMCL_OK; f++) st = siamcl_group_update(g, &img[f % NFRAMES], r, n, &cnt);
    } else if (st == SIAMCL_OK) {
        st = siamcl_group_submit(g, &img[0]);
        for (int f = 0; f < frames && st == SIAMCL_OK; f++) {
            if (f + 1 < frames) st = siamcl_group_submit(g, &img[(f + 1) % NFRAMES]);
            siamcl_status w = siamcl_group_wait(g, r, n, &cnt);
            if (st == SIAMCL_OK) st = w;
        }
    }
    double t = cli_now_ms() - t0;
    *ms = t / frames;
    *tps = t > 0 ? n * frames * 1e3 / t : 0;
    free(r);
    siamcl_group_free(g);
    return st;
}

static void usage_targets(FILE *f) {
    fprintf(f, "usage: siamcl bench --targets N [--frames F] [--model NAME|FILE] [--models DIR] [--sequence DIR]\n"
               "                    [--schedule auto|single[:D]|split|twin[:Z,X]] [--async]\n"
               "Targets x frames per second for 1, 2, 4, ... N targets in one tracker group.\n");
}

int cli_bench_targets(int argc, char **argv) {
    int maxn = 64, frames = 5, async = 0;
    const char *model = "siamfc-alexnet", *models = NULL, *seq = NULL, *sched = NULL;
    const cli_opt opts[] = {
        CLI_OPT_INT("--targets", &maxn, 1, 4096), CLI_OPT_INT("--frames", &frames, 1, 1 << 20),
        CLI_OPT_STR("--model", &model),           CLI_OPT_STR("--models", &models),
        CLI_OPT_STR("--sequence", &seq),          CLI_OPT_STR("--schedule", &sched),
        CLI_OPT_FLAG("--async", &async),          CLI_OPT_END,
    };
    int r = cli_parse_opts("bench --targets", argc, argv, opts, usage_targets);
    if (r <= 0) return r < 0 ? 0 : 2;
    if (maxn < 1 || maxn > 4096 || frames < 1) {
        fprintf(stderr, "siamcl bench: --targets needs 1..4096 and --frames >= 1\n");
        return 2;
    }
    char sdir[1200];
    if (!seq) {
        snprintf(sdir, sizeof sdir, "%s/data/otb/Crossing", cli_shared_dir());
        seq = sdir;
    }
    siamcl_schedule sc, *scp = NULL;
    siamcl_status st;
    if (sched) {
        st = siamcl_schedule_parse(sched, &sc);
        if (st != SIAMCL_OK) return cli_fail(st, "--schedule");
        scp = &sc;
    }
    siamcl_tracker_desc d;
    st = siamcl_tracker_desc_load(model, models, &d);
    if (st != SIAMCL_OK) return cli_fail(st, "loading the model description");
    siamcl_sequence *s = NULL;
    st = siamcl_sequence_open(seq, 0, &s);
    if (st != SIAMCL_OK) return cli_fail(st, "opening the sequence");
    siamcl_image img[NFRAMES];
    memset(img, 0, sizeof img);
    for (int f = 0; f < NFRAMES && st == SIAMCL_OK; f++)
        st = siamcl_sequence_load_frame(s, f % siamcl_sequence_length(s), &img[f]);
    siamcl_sequence_free(s);
    siamcl_context *ctx = NULL;
    if (st == SIAMCL_OK) st = siamcl_context_create(NULL, &ctx);
    int rc = 0;
    if (st != SIAMCL_OK) {
        rc = cli_fail(st, "bench --targets");
    } else {
        printf("siamcl bench --targets: %s, %d device(s):", d.name, siamcl_context_device_count(ctx));
        for (int i = 0; i < siamcl_context_device_count(ctx); i++) {
            siamcl_device_info di;
            if (siamcl_context_device_info(ctx, i, &di) == SIAMCL_OK) printf(" [%d] %s", i, di.name);
        }
        printf("; %d timed frames after 1 warm-up%s\n%8s %10s %12s %12s\n", frames, async ? ", depth-2 pipeline" : "", "targets", "schedule",
               "ms/frame", "targets*fps");
        static const char *names[] = {"auto", "single", "split", "twin"};
        for (int n = 1; n <= maxn && rc == 0; n *= 2) {
            double tps = 0, ms = 0;
            siamcl_schedule used = {SIAMCL_SCHEDULE_AUTO, 0, 0, 0};
            st = run(ctx, &d, scp, n, frames, async, img, &tps, &ms, &used);
            if (st != SIAMCL_OK) {
                rc = cli_fail(st, "bench --targets");
                break;
            }
            printf("%8d %10s %12.1f %12.2f\n", n, names[used.policy & 3], ms, tps);
            fflush(stdout);
            if (n < maxn && n * 2 > maxn) n = maxn / 2; /* end on maxn itself */
        }
    }
    siamcl_context_free(ctx);
    for (int f = 0; f < NFRAMES; f++) siamcl_image_free(&img[f]);
    return rc;
}
