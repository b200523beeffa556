/* siamcl tune, shared between its files: the search space and proposals
 * (tune_space.c), the trial table on disk (tune_csv.c), the tasks over MPI
 * ranks (tune_run.c) and the command (cmd_tune.c). */
#ifndef SIAMCL_TUNE_CLI_H
#define SIAMCL_TUNE_CLI_H

#include <stdint.h>

#include "eval_cli.h"

#define TUNE_MAX_PARAMS 4

/* The settings searched for a tracker kind and their ranges. */
typedef struct tune_space {
    int n;
    const char *name[TUNE_MAX_PARAMS]; /* description keys */
    double lo[TUNE_MAX_PARAMS], hi[TUNE_MAX_PARAMS];
} tune_space;

typedef enum tune_method { TUNE_RANDOM = 0, TUNE_EVOLVE } tune_method;

typedef struct tune_trial {
    double v[TUNE_MAX_PARAMS];
    const char *origin; /* "default", "random", "evolve" */
    int round;
    int done;
    double auc, precision; /* means over the tuning sequences (as written in the CSV) */
} tune_trial;

void tune_space_of(const siamcl_tracker_desc *d, tune_space *s);
void tune_get(const siamcl_tracker_desc *d, const tune_space *s, double *v);
void tune_apply(siamcl_tracker_desc *d, const tune_space *s, const double *v);
/* A value as the CSV writes it (4 decimals), so that a resumed search is the same search. */
double tune_q4(double v);
double tune_q6(double v);
/* Proposals for trials [first, first + count) of round `round`: trial 0 is the
 * description's own settings, the rest random or (evolve, round > 0) bred from
 * the best of trials [0, first), all done. Depends only on the seed and those
 * trials' scores. */
void tune_propose(const tune_space *s, tune_method m, uint64_t seed, const double *defaults, tune_trial *t, int first,
                  int count, int round);
/* The best done trial (highest AUC, then the earlier); -1 if none. */
int tune_best(const tune_trial *t, int n);
/* src: the description file; writes it with the settings v, name NAME-tuned
 * and absolute ONNX paths. 0 on success (message printed otherwise). */
int tune_write_model(const char *src, const siamcl_tracker_desc *d, const tune_space *s, const double *v,
                     const char *dst);

/* tune_csv.c: DIR/trials.csv, one header line, one row per trial. */
int tune_csv_write(const char *path, const tune_space *s, const tune_trial *t, int n);
/* Done trials of a previous run into t[0..n) (rows past n are ignored); *rows
 * = rows read. 0 on success or no file; 1 with a message for a CSV of another
 * search (header) or a malformed row. */
int tune_csv_read(const char *path, const tune_space *s, tune_trial *t, int n, int *rows);
int tune_plot(const char *path, const tune_trial *t, int n);

/* tune_run.c: one phase of tasks (every trial x every sequence), spread over
 * the ranks with dynamic distribution. Rank 0 calls tune_phase; the others
 * tune_serve until rank 0 calls tune_stop. */
typedef struct tune_job {
    const siamcl_tracker_desc *desc;
    const tune_space *space;
    const run_seq *sets[2]; /* 0: the tuning sequences, 1: the held-out ones */
    int nsets[2];
    int max_frames;
    siamcl_tracker *trk;    /* this rank's tracker (NULL: creating it failed, reason in err) */
    char err[1024];
    /* rank 0's bookkeeping */
    long *rank_tasks;       /* [ranks] tasks run */
    double *rank_secs;      /* [ranks] seconds tracking */
    long frames;            /* frames tracked by every rank */
    int *idle, nidle;       /* ranks waiting for a task */
} tune_job;
/* Scores of trials [first, first + count) of t over every sequence (held-out
 * phase: the same with other sequences). 0 on success; 1 after a failure was
 * reported (every rank waits for the next phase or the stop). */
int tune_phase(tune_job *j, tune_trial *t, int first, int count, int set_id);
int tune_serve(tune_job *j); /* ranks > 0 */
void tune_stop(tune_job *j);  /* rank 0: release the ranks waiting in tune_serve */

#endif
