/* siamcl tune's tasks over the MPI ranks: one task is one tracker run (a
 * trial's settings on one sequence). Rank 0 hands tasks out one at a time, the
 * longest sequences first, to whichever rank asks (dynamic distribution: a
 * slow sequence holds up only its rank), runs tasks itself in between and
 * answers requests between its own frames. Scores are filed by (trial,
 * sequence), so they do not depend on which rank ran what. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "tune_cli.h"

enum { TAG_TASK = 21, TAG_DONE = 22 };

typedef struct tune_task {
    int id; /* index in the phase; < 0: stop */
    int trial, set, seq;
    double v[TUNE_MAX_PARAMS];
} tune_task;

typedef struct tune_done {
    int id; /* < 0: ready for a first task */
    int ok, rank, frames;
    double secs;
    siamcl_eval_curves c;
    char err[1024];
} tune_done;

typedef struct phase {
    tune_job *j;
    tune_task *tasks;
    siamcl_eval_curves *curves; /* [count * nseqs], (trial - first) * nseqs + seq */
    int ntasks, next, issued, done, failed;
    int first, nseqs;
} phase;

/* One tracker run on this rank. */
static void run_task(tune_job *j, const tune_task *k, tune_done *d, eval_frame_fn cb, void *user) {
    memset(d, 0, sizeof *d);
    d->id = k->id;
    d->rank = dist_rank();
    if (!j->trk) {
        snprintf(d->err, sizeof d->err, "%s", j->err);
        return;
    }
    siamcl_tracker_desc desc = *j->desc;
    tune_apply(&desc, j->space, k->v);
    if (siamcl_tracker_set_params(j->trk, &desc) != SIAMCL_OK) {
        snprintf(d->err, sizeof d->err, "%s", siamcl_last_error());
        return;
    }
    eval_track_out r;
    if (eval_track_seq(j->trk, &j->sets[k->set][k->seq], 0, j->max_frames, cb, user, &r, d->err, sizeof d->err))
        return;
    if (siamcl_eval_sequence(r.rows, r.gt, r.n, NULL, &d->c) == SIAMCL_OK) d->ok = 1;
    else snprintf(d->err, sizeof d->err, "%s", siamcl_last_error());
    d->frames = r.n;
    d->secs = r.secs;
    free(r.rows);
    free(r.gt);
}

static void record(phase *ph, const tune_done *d) {
    tune_job *j = ph->j;
    ph->done++;
    const tune_task *k = &ph->tasks[d->id];
    if (!d->ok) {
        fprintf(stderr, "siamcl tune: rank %d failed on trial %d, %s: %s\n", d->rank, k->trial + 1,
                j->sets[k->set][k->seq].name, d->err);
        ph->failed = 1;
        ph->next = ph->ntasks; /* hand out no more: finish what runs, then report */
        return;
    }
    ph->curves[(size_t)(k->trial - ph->first) * ph->nseqs + k->seq] = d->c;
    j->rank_tasks[d->rank]++;
    j->rank_secs[d->rank] += d->secs;
    j->frames += d->frames;
}

/* A rank is free: its next task, or the idle list. */
static void give(phase *ph, int rank) {
    if (ph->next < ph->ntasks) {
        dist_send(rank, TAG_TASK, &ph->tasks[ph->next++], sizeof(tune_task));
        ph->issued++;
    } else {
        ph->j->idle[ph->j->nidle++] = rank;
    }
}

/* Results and requests that wait (block: at least one). */
static void service(phase *ph, int block) {
    int from, tag;
    size_t bytes;
    while (dist_poll(block, &from, &tag, &bytes)) {
        tune_done d;
        dist_recv(from, tag, &d, sizeof d);
        if (d.id >= 0) record(ph, &d);
        give(ph, from);
        block = 0;
    }
}

static void on_frame(void *user, int k, int n) {
    (void)k, (void)n;
    service(user, 0);
}

/* Tasks of the trials not done yet, longest sequences first (then in trial, sequence order). */
static int make_tasks(phase *ph, const tune_trial *t, int count, int set) {
    size_t cap = (size_t)count * ph->nseqs + 1;
    tune_task *all = malloc(cap * sizeof *all);
    double *frames = calloc(cap, sizeof *frames);
    int *order = malloc(cap * sizeof *order);
    ph->tasks = malloc(cap * sizeof *ph->tasks);
    ph->curves = calloc(cap, sizeof *ph->curves);
    int n = 0, ok = all && frames && order && ph->tasks && ph->curves;
    for (int i = ph->first; ok && i < ph->first + count; i++)
        for (int s = 0; s < ph->nseqs && !t[i].done; s++, n++) {
            all[n] = (tune_task){.trial = i, .set = set, .seq = s};
            memcpy(all[n].v, t[i].v, sizeof all[n].v);
            frames[n] = ph->j->sets[set][s].frames;
        }
    if (ok) cli_order_desc(frames, n, order);
    for (int k = 0; ok && k < n; k++) {
        ph->tasks[k] = all[order[k]];
        ph->tasks[k].id = k;
    }
    ph->ntasks = ok ? n : 0;
    free(all);
    free(frames);
    free(order);
    return ok ? 0 : cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "tune tasks");
}

/* The trials' scores: OTB averages over the sequences (fixed order). */
static int score(phase *ph, tune_trial *t, int count) {
    for (int i = ph->first; i < ph->first + count; i++) {
        if (t[i].done) continue;
        siamcl_eval_curves agg;
        if (siamcl_eval_aggregate(&ph->curves[(size_t)(i - ph->first) * ph->nseqs], ph->nseqs, &agg) != SIAMCL_OK)
            return cli_fail(SIAMCL_ERR_INVALID_ARGUMENT, siamcl_last_error());
        t[i].auc = tune_q6(agg.auc);
        t[i].precision = tune_q6(agg.precision20);
        t[i].done = 1;
    }
    return 0;
}

int tune_phase(tune_job *j, tune_trial *t, int first, int count, int set) {
    phase ph = {.j = j, .first = first, .nseqs = j->nsets[set]};
    int rc = make_tasks(&ph, t, count, set);
    while (!rc && j->nidle > 0 && ph.next < ph.ntasks) give(&ph, j->idle[--j->nidle]);
    while (!rc && (ph.next < ph.ntasks || ph.issued > ph.done)) {
        service(&ph, 0);
        if (ph.next < ph.ntasks) {
            const tune_task *k = &ph.tasks[ph.next++];
            ph.issued++;
            tune_done d;
            run_task(j, k, &d, on_frame, &ph);
            record(&ph, &d);
        } else if (ph.issued > ph.done) {
            service(&ph, 1);
        }
    }
    if (!rc && ph.failed) rc = 1;
    if (!rc) rc = score(&ph, t, count);
    free(ph.tasks);
    free(ph.curves);
    return rc;
}

int tune_serve(tune_job *j) {
    tune_done d;
    memset(&d, 0, sizeof d);
    d.id = -1;
    d.rank = dist_rank();
    dist_send(0, TAG_DONE, &d, sizeof d);
    for (;;) {
        tune_task k;
        dist_recv(0, TAG_TASK, &k, sizeof k);
        if (k.id < 0) return 0;
        run_task(j, &k, &d, NULL, NULL);
        dist_send(0, TAG_DONE, &d, sizeof d);
    }
}

void tune_stop(tune_job *j) {
    phase ph = {.j = j};
    while (j->nidle < dist_size() - 1) service(&ph, 1); /* late first requests */
    tune_task stop = {.id = -1};
    for (int i = 0; i < j->nidle; i++) dist_send(j->idle[i], TAG_TASK, &stop, sizeof stop);
    j->nidle = 0;
}
