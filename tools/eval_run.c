/* siamcl eval --run: track every sequence of a dataset that has no complete
 * result yet, then leave the evaluation to cmd_eval.c.
 *
 * Under mpirun the sequences are split over the ranks before any tracking:
 * largest first, each to the rank with the fewest frames so far (every rank
 * computes the same split from rank 0's list). A rank tracks its share on the
 * device of its local rank and sends each result, boxes or the reason it
 * failed, to rank 0, which writes the result files (the same bytes one process
 * writes: the boxes travel as they are) as they arrive, so that an interrupted
 * run resumes whichever rank had a sequence. One process is the case of one
 * rank. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dist.h"
#include "eval_cli.h"

enum { TAG_RESULT = 11 };

/* One tracked sequence on its way to rank 0; n boxes follow it. */
typedef struct shard_msg {
    int seq, ok, n, rank, device;
    double secs;
    char err[1024];
} shard_msg;

typedef struct shard {
    run_seq *seqs;
    int ns, otb2013, tty;
    char (*paths)[4200];
    int *owner;         /* [ns] the rank tracking it, -1 = already complete */
    int todo, arrived;  /* results expected and written / reported (rank 0) */
    int failed;
    double *rank_frames, *rank_secs; /* [ranks] */
    int *rank_device;                /* [ranks] */
    const char *model;
} shard;

/* A result file is complete when it reads and has as many rows as the
 * evaluation expects (checked by aligning it with the ground truth). */
static int result_complete(const char *path, const run_seq *rs, int otb2013) {
    struct stat sb;
    if (stat(path, &sb) != 0) return 0;
    siamcl_box *b = NULL, *g = NULL;
    int nb = 0, ng = 0, go, ro, n;
    siamcl_log_set(NULL, NULL, SIAMCL_LOG_ERROR); /* silence expected failures */
    int ok = 0;
    char gt[4200];
    if (rs->target) snprintf(gt, sizeof gt, "%s/groundtruth_rect.%d.txt", rs->dir, rs->target);
    else snprintf(gt, sizeof gt, "%s/groundtruth_rect.txt", rs->dir);
    if (siamcl_boxes_read(path, &b, &nb) == SIAMCL_OK && siamcl_boxes_read(gt, &g, &ng) == SIAMCL_OK &&
        siamcl_eval_align(rs->name, ng, nb, otb2013, path, &go, &ro, &n) == SIAMCL_OK)
        ok = 1;
    siamcl_boxes_free(b);
    siamcl_boxes_free(g);
    siamcl_log_set(cli_log, NULL, SIAMCL_LOG_WARN);
    return ok;
}

/* Written next to the target, then renamed: an interrupted run leaves no partial file. */
static int write_result(const char *path, const siamcl_box *rows, int n) {
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.part", path);
    siamcl_status st = siamcl_boxes_write(tmp, rows, n);
    if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error());
    if (rename(tmp, path) != 0) {
        fprintf(stderr, "siamcl eval: %s: %s\n", path, strerror(errno));
        remove(tmp);
        return 1;
    }
    return 0;
}

/* Rank 0: a result arrived (or is its own): write it, or report the failure. */
static void take_result(shard *sh, const shard_msg *m, const siamcl_box *rows) {
    const run_seq *rs = &sh->seqs[m->seq];
    sh->arrived++;
    if (sh->tty) fputs("\r\033[K", stderr);
    if (!m->ok || write_result(sh->paths[m->seq], rows, m->n)) {
        fprintf(stderr, "siamcl eval: rank %d (device %d) failed on %s: %s\n", m->rank, m->device, rs->name,
                m->ok ? "its result could not be written" : m->err);
        sh->failed++;
        return;
    }
    sh->rank_device[m->rank] = m->device;
    sh->rank_frames[m->rank] += m->n;
    sh->rank_secs[m->rank] += m->secs;
    fprintf(stderr, "[%d/%d] %s: %d frames, %.1f fps", sh->arrived, sh->todo, rs->name, m->n,
            m->secs > 0 ? m->n / m->secs : 0);
    if (dist_size() > 1) fprintf(stderr, " (rank %d)", m->rank);
    fputc('\n', stderr);
}

/* Rank 0: take the results that wait (wait_all: every result still to come). */
static void drain(shard *sh, int wait_all) {
    int from, tag;
    size_t bytes;
    while (sh->arrived < sh->todo && dist_poll(wait_all, &from, &tag, &bytes)) {
        char *buf = malloc(bytes > sizeof(shard_msg) ? bytes : sizeof(shard_msg));
        if (!buf) {
            fprintf(stderr, "siamcl eval: out of memory for a result of %zu bytes\n", bytes);
            exit(1); /* the command, not the library: nothing sane is left to do */
        }
        dist_recv(from, tag, buf, bytes);
        shard_msg m;
        memcpy(&m, buf, sizeof m);
        take_result(sh, &m, (const siamcl_box *)(buf + sizeof m));
        free(buf);
    }
}

typedef struct frame_state {
    shard *sh;
    const char *name;
    double t0, last;
} frame_state;

/* After each frame: rank 0 draws the bar and writes the results that arrived. */
static void on_frame(void *user, int k, int n) {
    frame_state *fs = user;
    if (dist_rank() != 0) return;
    drain(fs->sh, 0);
    double t = cli_now_s();
    if (!fs->sh->tty || (k < n && t - fs->last < 0.2)) return;
    fs->last = t;
    char b[64];
    cli_bar(b, 30, k, n);
    double dt = t - fs->t0;
    fprintf(stderr, "\r%-14.14s [%s] %5d/%-5d %6.1f fps ", fs->name, b, k, n, dt > 0 ? k / dt : 0);
    fflush(stderr);
}

/* The list with frame counts (rank 0's, on every rank) and what is complete. */
static int plan_list(shard *sh, const char *dataset, const char *out, const char *set) {
    int made = dist_rank() != 0 || cli_make_dirs(out);
    if (dist_max_int(!made)) return 1;
    if (eval_list_everywhere(dataset, set, sh->otb2013, &sh->seqs, &sh->ns)) return 1;
    int ns = sh->ns, ranks = dist_size();
    sh->paths = calloc((size_t)ns + 1, sizeof *sh->paths);
    sh->owner = calloc((size_t)ns + 1, sizeof *sh->owner);
    sh->rank_frames = calloc((size_t)ranks, sizeof(double));
    sh->rank_secs = calloc((size_t)ranks, sizeof(double));
    sh->rank_device = calloc((size_t)ranks, sizeof(int));
    int ok = sh->paths && sh->owner && sh->rank_frames && sh->rank_secs && sh->rank_device;
    if (dist_max_int(!ok)) return cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "eval --run");
    if (dist_rank() == 0)
        for (int i = 0; i < ns; i++) {
            snprintf(sh->paths[i], sizeof sh->paths[i], "%s/%s.txt", out, sh->seqs[i].name);
            sh->owner[i] = result_complete(sh->paths[i], &sh->seqs[i], sh->otb2013) ? -1 : 0;
        }
    dist_bcast(sh->owner, (size_t)ns * sizeof *sh->owner);
    return 0;
}

/* Largest first, each to the rank with the fewest frames (ties: the lower rank). */
static void split(shard *sh) {
    int ranks = dist_size(), n = sh->ns + 1, m = 0;
    int *todo = malloc((size_t)n * sizeof *todo), *order = malloc((size_t)n * sizeof *order);
    double *frames = calloc((size_t)n, sizeof *frames), *load = calloc((size_t)ranks, sizeof *load);
    for (int i = 0; i < sh->ns; i++) sh->todo += sh->owner[i] >= 0; /* the rest stays with rank 0 */
    for (int i = 0; todo && frames && order && load && i < sh->ns; i++)
        if (sh->owner[i] >= 0) todo[m] = i, frames[m++] = sh->seqs[i].frames;
    if (m) cli_order_desc(frames, m, order);
    for (int k = 0; k < m; k++) {
        int best = 0;
        for (int r = 1; r < ranks; r++)
            if (load[r] < load[best]) best = r;
        int i = todo[order[k]];
        sh->owner[i] = best;
        load[best] += sh->seqs[i].frames;
    }
    free(todo);
    free(order);
    free(frames);
    free(load);
}

/* This rank's tracker; on failure the reason goes to err. */
static siamcl_tracker *make_tracker(const char *model, int device, siamcl_context **ctx, int *dev, char *err,
                                    size_t cap) {
    siamcl_tracker_desc desc;
    siamcl_tracker *trk = NULL;
    siamcl_status st = siamcl_tracker_desc_load(model, NULL, &desc);
    if (st == SIAMCL_OK) st = siamcl_context_create(NULL, ctx);
    if (st == SIAMCL_OK) {
        *dev = dist_device(*ctx, device);
        st = siamcl_tracker_create(*ctx, *dev, &desc, &trk);
    }
    if (st != SIAMCL_OK) snprintf(err, cap, "%s", siamcl_last_error());
    return trk;
}

/* This rank's share: tracked in list order; results to rank 0 (or taken there). */
static void track_share(shard *sh, int device) {
    int me = dist_rank(), mine = 0;
    for (int i = 0; i < sh->ns; i++) mine += sh->owner[i] == me;
    if (!mine) return;
    shard_msg m = {.rank = me, .device = device < 0 ? 0 : device};
    siamcl_context *ctx = NULL;
    siamcl_tracker *trk = make_tracker(sh->model, device, &ctx, &m.device, m.err, sizeof m.err);
    for (int i = 0; i < sh->ns; i++) {
        if (sh->owner[i] != me) continue;
        eval_track_out r = {0};
        frame_state fs = {sh, sh->seqs[i].name, cli_now_s(), 0};
        m.seq = i;
        m.ok = trk && eval_track_seq(trk, &sh->seqs[i], sh->otb2013, 0, on_frame, &fs, &r, m.err, sizeof m.err) == 0;
        m.n = m.ok ? r.n : 0;
        m.secs = r.secs;
        if (me == 0) {
            take_result(sh, &m, r.rows);
        } else {
            size_t bytes = sizeof m + (size_t)m.n * sizeof(siamcl_box);
            char *buf = malloc(bytes);
            if (!buf) { /* still tell rank 0, without the boxes */
                m.ok = m.n = 0;
                snprintf(m.err, sizeof m.err, "out of memory for %zu bytes of results", bytes);
                dist_send(0, TAG_RESULT, &m, sizeof m);
            } else {
                memcpy(buf, &m, sizeof m);
                if (m.n) memcpy(buf + sizeof m, r.rows, (size_t)m.n * sizeof(siamcl_box));
                dist_send(0, TAG_RESULT, buf, bytes);
                free(buf);
            }
        }
        free(r.rows);
        free(r.gt);
    }
    siamcl_tracker_free(trk);
    siamcl_context_free(ctx);
}

/* Rank 0: how many ranks worked and which sequences each ran. */
static void summary(const shard *sh) {
    double frames = 0, secs = 0;
    for (int r = 0; r < dist_size(); r++) frames += sh->rank_frames[r], secs += sh->rank_secs[r];
    if (dist_size() == 1) {
        fprintf(stderr, "siamcl eval: tracked %.0f frames in %.1f s (%.1f fps)\n", frames, secs,
                secs > 0 ? frames / secs : 0);
        return;
    }
    fprintf(stderr, "siamcl eval: %d ranks tracked %.0f frames:\n", dist_size(), frames);
    for (int r = 0; r < dist_size(); r++) {
        fprintf(stderr, "  rank %d (device %d): %.0f frames in %.1f s (%.1f fps):", r, sh->rank_device[r],
                sh->rank_frames[r], sh->rank_secs[r],
                sh->rank_secs[r] > 0 ? sh->rank_frames[r] / sh->rank_secs[r] : 0);
        int any = 0;
        for (int i = 0; i < sh->ns; i++)
            if (sh->owner[i] == r) fprintf(stderr, " %s", sh->seqs[i].name), any = 1;
        fprintf(stderr, "%s\n", any ? "" : " (nothing)");
    }
}

int eval_run_tracking(const char *model, const char *dataset, const char *out, const char *set, int device,
                      int *worker) {
    shard sh = {0};
    sh.model = model;
    sh.otb2013 = set && siamcl_eval_set_builtin(set, NULL) == 51;
    sh.tty = isatty(2);
    *worker = dist_rank() != 0;
    int rc = plan_list(&sh, dataset, out, set);
    if (!rc) {
        split(&sh);
        if (!*worker)
            fprintf(stderr, "siamcl eval: %d sequence%s, %d already done, %d to track with %s%s\n", sh.ns,
                    sh.ns == 1 ? "" : "s", sh.ns - sh.todo, sh.todo, model,
                    dist_size() > 1 ? " over MPI ranks" : "");
        track_share(&sh, device);
        if (!*worker) {
            drain(&sh, 1);
            if (sh.todo) summary(&sh);
            if (sh.failed) {
                fprintf(stderr, "siamcl eval: %d of %d sequences failed; a rerun tracks only those\n", sh.failed,
                        sh.todo);
                rc = 1;
            }
        }
    }
    dist_settled(1);
    free(sh.seqs);
    free(sh.paths);
    free(sh.owner);
    free(sh.rank_frames);
    free(sh.rank_secs);
    free(sh.rank_device);
    return *worker ? 0 : rc;
}
