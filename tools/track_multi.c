/* siamcl track with several targets (several --init, or --all-targets for every
 * groundtruth_rect.K.txt of an OTB sequence): one tracker group, one result
 * file per target. Reached from cmd_track.c. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MAX_INIT 256

static void usage(FILE *f) {
    fprintf(f, "usage: siamcl track --model M --seq DIR (--init x,y,w,h --init x,y,w,h ... | --all-targets)\n"
               "                    [--out PREFIX] [--frames N] [--models DIR] [--schedule S] [-q]\n\n"
               "Tracks several targets of one sequence together (one batched search pass per device\n"
               "and frame, devices from SIAMCL_DEVICE, e.g. 0,1). --all-targets takes the first box of\n"
               "every groundtruth_rect.K.txt. Writes PREFIX.K.txt per target K = 1, 2, ... (default\n"
               "PREFIX: the sequence name). --schedule: auto, single[:D], split, twin[:Z,X].\n");
}

/* --init, repeatable */
typedef struct init_list {
    const char *v[MAX_INIT];
    int n;
} init_list;

static int add_init(const char *opt, const char *v, void *dst) {
    init_list *l = dst;
    if (l->n == MAX_INIT) {
        fprintf(stderr, "siamcl track: at most %d %s\n", MAX_INIT, opt);
        return 0;
    }
    l->v[l->n++] = v;
    return 1;
}

int cli_track_multi(int argc, char **argv) {
    const char *model = NULL, *models = NULL, *seqdir = NULL, *prefix = NULL, *sched = NULL;
    init_list il = {{NULL}, 0};
    int alltargets = 0, frames_max = 0, quiet = 0;
    const cli_opt opts[] = {
        CLI_OPT_STR("--model", &model),      CLI_OPT_STR("--models", &models),
        CLI_OPT_STR("--seq", &seqdir),       CLI_OPT_FN("--init", &il, add_init),
        CLI_OPT_FLAG("--all-targets", &alltargets),
        CLI_OPT_INT("--frames", &frames_max, 1, 1 << 30),
        CLI_OPT_STR("--out", &prefix),       CLI_OPT_STR("--schedule", &sched),
        CLI_OPT_FLAG("-q", &quiet),          CLI_OPT_END,
    };
    int r = cli_parse_opts("track", argc, argv, opts, usage);
    if (r <= 0) return r < 0 ? 0 : 2;
    const char **inits = il.v;
    int ninit = il.n;
    if (!model || !seqdir || (!ninit && !alltargets) || (ninit && alltargets)) {
        fprintf(stderr, "siamcl track: several targets need --model, --seq and either --init boxes or --all-targets\n");
        usage(stderr);
        return 2;
    }
    siamcl_schedule sc, *scp = NULL;
    siamcl_status st;
    if (sched) {
        if ((st = siamcl_schedule_parse(sched, &sc)) != SIAMCL_OK) return cli_fail(st, "--schedule");
        scp = &sc;
    }
    siamcl_tracker_desc desc;
    if ((st = siamcl_tracker_desc_load(model, models, &desc)) != SIAMCL_OK) return cli_fail(st, "model description");
    siamcl_sequence *seq = NULL;
    if ((st = siamcl_sequence_open(seqdir, 0, &seq)) != SIAMCL_OK) return cli_fail(st, "opening the sequence");
    int nt = alltargets ? siamcl_sequence_target_count(seq) : ninit;
    siamcl_box *box0 = calloc(nt > 0 ? (size_t)nt : 1, sizeof *box0);
    int rc = 0;
    if (!box0) {
        siamcl_sequence_free(seq);
        return cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "track");
    }
    if (nt < 1) {
        fprintf(stderr, "siamcl track: %s has no ground truth\n", seqdir);
        rc = 1;
    }
    for (int k = 0; k < nt && rc == 0; k++) {
        if (!alltargets) {
            if (!cli_parse_box("--init", inits[k], &box0[k])) rc = 2;
            continue;
        }
        /* target K's ground truth; a lone groundtruth_rect.txt is target 1 */
        siamcl_sequence *sk = NULL;
        st = siamcl_sequence_open(seqdir, k + 1, &sk);
        if (st != SIAMCL_OK && nt == 1) st = siamcl_sequence_open(seqdir, 0, &sk);
        if (st != SIAMCL_OK || !siamcl_sequence_groundtruth(sk, 0, &box0[k])) {
            fprintf(stderr, "siamcl track: no first box for target %d of %s\n", k + 1, seqdir);
            rc = 1;
        }
        siamcl_sequence_free(sk);
    }
    int nf = siamcl_sequence_length(seq);
    if (frames_max > 0 && frames_max < nf) nf = frames_max;
    siamcl_box *boxes = rc == 0 ? calloc((size_t)nt * nf, sizeof *boxes) : NULL;
    siamcl_group_result *res = rc == 0 ? calloc((size_t)nt, sizeof *res) : NULL;
    int *ok = rc == 0 ? calloc((size_t)nt, sizeof *ok) : NULL;
    if (rc == 0 && (!boxes || !res || !ok)) rc = cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "track");
    siamcl_context *ctx = NULL;
    siamcl_group *g = NULL;
    if (rc == 0 && (st = siamcl_context_create(NULL, &ctx)) != SIAMCL_OK) rc = cli_fail(st, "OpenCL context");
    if (rc == 0 && (st = siamcl_group_create(ctx, &desc, scp, &g)) != SIAMCL_OK) rc = cli_fail(st, "tracker group");
    double t_track = 0;
    siamcl_image img = {0, 0, NULL};
    for (int f = 0; f < nf && rc == 0; f++) {
        if ((st = siamcl_sequence_load_frame(seq, f, &img)) != SIAMCL_OK) {
            rc = cli_fail(st, siamcl_sequence_frame_path(seq, f));
            break;
        }
        double t0 = cli_now_s();
        if (f == 0) {
            for (int k = 0; k < nt && rc == 0; k++) {
                int id;
                if ((st = siamcl_group_add(g, &img, box0[k], &id)) != SIAMCL_OK) rc = cli_fail(st, "adding a target");
                boxes[k] = box0[k];
                ok[k] = 1;
            }
        } else {
            int n = 0;
            siamcl_group_update(g, &img, res, nt, &n); /* per-target statuses below */
            for (int k = 0; k < n && k < nt; k++) {
                int id = res[k].id;
                if (res[k].status == SIAMCL_OK) {
                    boxes[(size_t)f * nt + id] = res[k].box;
                } else {
                    if (ok[id]) fprintf(stderr, "siamcl track: target %d lost at frame %d: %s\n", id + 1, f + 1,
                                        siamcl_status_string(res[k].status));
                    ok[id] = 0;
                    boxes[(size_t)f * nt + id] = (siamcl_box){NAN, NAN, NAN, NAN};
                }
            }
        }
        t_track += cli_now_s() - t0;
        siamcl_image_free(&img);
        if (!quiet) fprintf(stderr, "\rframe %d/%d", f + 1, nf);
    }
    if (!quiet && rc == 0) fprintf(stderr, "\n");
    for (int k = 0; k < nt && rc == 0; k++) {
        char path[1300];
        snprintf(path, sizeof path, "%s.%d.txt", prefix ? prefix : siamcl_sequence_name(seq), k + 1);
        siamcl_box *bk = malloc((size_t)nf * sizeof *bk);
        if (!bk) {
            rc = cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "track");
            break;
        }
        for (int f = 0; f < nf; f++) bk[f] = boxes[(size_t)f * nt + k];
        st = siamcl_boxes_write(path, bk, nf);
        free(bk);
        if (st != SIAMCL_OK) rc = cli_fail(st, path);
        else if (!quiet) fprintf(stderr, "target %d: %s%s\n", k + 1, path, ok[k] ? "" : " (lost: NaN boxes)");
    }
    if (rc == 0)
        printf("%d targets x %d frames: %.2f targets x frames/s (tracking only)\n", nt, nf,
               t_track > 0 ? nt * (nf - 1) / t_track : 0.0);
    siamcl_group_free(g);
    siamcl_context_free(ctx);
    siamcl_sequence_free(seq);
    free(box0);
    free(boxes);
    free(res);
    free(ok);
    return rc;
}
