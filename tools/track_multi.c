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

/* The first box of each target: --init (inits), or target K's ground truth (inits NULL;
 * a lone groundtruth_rect.txt is target 1). 0, or an exit code with a message. */
static int first_boxes(const char *seqdir, const char *const *inits, int nt, siamcl_box *box0) {
    for (int k = 0; k < nt; k++) {
        if (inits) {
            if (!cli_parse_box("--init", inits[k], &box0[k])) return 2;
            continue;
        }
        siamcl_sequence *sk = NULL;
        siamcl_status st = siamcl_sequence_open(seqdir, k + 1, &sk);
        if (st != SIAMCL_OK && nt == 1) st = siamcl_sequence_open(seqdir, 0, &sk);
        int found = st == SIAMCL_OK && siamcl_sequence_groundtruth(sk, 0, &box0[k]);
        siamcl_sequence_free(sk);
        if (!found) {
            fprintf(stderr, "siamcl track: no first box for target %d of %s\n", k + 1, seqdir);
            return 1;
        }
    }
    return 0;
}

/* A group tracking nt targets through nf frames; boxes[f * nt + k]. */
typedef struct multi_run {
    siamcl_sequence *seq;
    siamcl_group *g;
    const siamcl_box *box0;
    siamcl_box *boxes;
    siamcl_group_result *res;
    int *ok; /* target k not lost yet */
    int nt, nf, quiet;
} multi_run;

/* Frame 0 adds the targets, later frames update them (a lost target's boxes are NaN). */
static int track_frames(multi_run *m, double *t_track) {
    siamcl_image img = {0, 0, NULL};
    siamcl_status st;
    int rc = 0, nt = m->nt;
    for (int f = 0; f < m->nf && rc == 0; f++) {
        if ((st = siamcl_sequence_load_frame(m->seq, f, &img)) != SIAMCL_OK)
            return cli_fail(st, siamcl_sequence_frame_path(m->seq, f));
        double t0 = cli_now_s();
        if (f == 0) {
            for (int k = 0; k < nt && rc == 0; k++) {
                int id;
                if ((st = siamcl_group_add(m->g, &img, m->box0[k], &id)) != SIAMCL_OK) rc = cli_fail(st, "adding a target");
                m->boxes[k] = m->box0[k];
                m->ok[k] = 1;
            }
        } else {
            int n = 0;
            siamcl_group_update(m->g, &img, m->res, nt, &n); /* per-target statuses below */
            for (int k = 0; k < n && k < nt; k++) {
                int id = m->res[k].id;
                if (m->res[k].status == SIAMCL_OK) {
                    m->boxes[(size_t)f * nt + id] = m->res[k].box;
                    continue;
                }
                if (m->ok[id])
                    fprintf(stderr, "siamcl track: target %d lost at frame %d: %s\n", id + 1, f + 1,
                            siamcl_status_string(m->res[k].status));
                m->ok[id] = 0;
                m->boxes[(size_t)f * nt + id] = (siamcl_box){NAN, NAN, NAN, NAN};
            }
        }
        *t_track += cli_now_s() - t0;
        siamcl_image_free(&img);
        if (!m->quiet) fprintf(stderr, "\rframe %d/%d", f + 1, m->nf);
    }
    if (!m->quiet && rc == 0) fprintf(stderr, "\n");
    return rc;
}

/* PREFIX.K.txt for every target K = 1, 2, ... */
static int write_targets(const multi_run *m, const char *prefix) {
    siamcl_box *bk = malloc((size_t)m->nf * sizeof *bk);
    if (!bk) return cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "track");
    int rc = 0;
    for (int k = 0; k < m->nt && rc == 0; k++) {
        char path[1300];
        snprintf(path, sizeof path, "%s.%d.txt", prefix, k + 1);
        for (int f = 0; f < m->nf; f++) bk[f] = m->boxes[(size_t)f * m->nt + k];
        siamcl_status st = siamcl_boxes_write(path, bk, m->nf);
        if (st != SIAMCL_OK) rc = cli_fail(st, path);
        else if (!m->quiet) fprintf(stderr, "target %d: %s%s\n", k + 1, path, m->ok[k] ? "" : " (lost: NaN boxes)");
    }
    free(bk);
    return rc;
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
    if (rc == 0) rc = first_boxes(seqdir, alltargets ? NULL : inits, nt, box0);
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
    multi_run mr = {seq, g, box0, boxes, res, ok, nt, nf, quiet};
    if (rc == 0) rc = track_frames(&mr, &t_track);
    if (rc == 0) rc = write_targets(&mr, prefix ? prefix : siamcl_sequence_name(seq));
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
