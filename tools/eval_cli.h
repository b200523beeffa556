/* siamcl eval --run and siamcl tune, shared between their files: the
 * sequences of a dataset (eval_data.c), tracking one over the benchmark's
 * frames, and the sharded eval --run (eval_run.c). */
#ifndef SIAMCL_EVAL_CLI_H
#define SIAMCL_EVAL_CLI_H

#include "cli.h"

typedef struct run_seq {
    char name[128];  /* the result file's name (Jogging-1 for target 1 of Jogging) */
    char dir[4096];  /* the OTB folder */
    int target;      /* 0, or K of groundtruth_rect.K.txt */
    int frames;      /* benchmark frames (ground-truth rows in range); 0 until counted */
} run_seq;

int eval_is_dir(const char *p);
/* The sequences of `set` (OTB2013, OTB2015 or a list file, one name per line),
 * else every OTB folder of the dataset (every target), sorted by name. */
int eval_list_dataset(const char *dataset, const char *set, run_seq **out, int *count);
/* The same on every MPI rank: rank 0 lists (and, with several ranks, counts the
 * frames), the others receive it. 1 on every rank if rank 0 failed (it printed why). */
int eval_list_everywhere(const char *dataset, const char *set, int otb2013, run_seq **out, int *count);
/* rs->frames from its folder (the benchmark's range); 0 with a message in err. */
int eval_count_frames(run_seq *rs, int otb2013, char *err, size_t cap);

/* Called after every frame k (1-based) of n. */
typedef void (*eval_frame_fn)(void *user, int k, int n);

typedef struct eval_track_out {
    siamcl_box *rows; /* [n] boxes, row 0 = the initial ground truth */
    siamcl_box *gt;   /* [n] the matching ground-truth rows */
    int n;
    double secs;      /* tracking time */
} eval_track_out;

/* Track rs over its benchmark frames (the first max_frames when > 0).
 * 0 on success (free out->rows and out->gt); 1 with the reason in err. */
int eval_track_seq(siamcl_tracker *trk, const run_seq *rs, int otb2013, int max_frames, eval_frame_fn cb, void *user,
                   eval_track_out *out, char *err, size_t cap);

/* eval --run: track every sequence of the dataset that `out` has no complete
 * result for, split over the MPI ranks; rank 0 writes the result files. 0 on
 * success; *worker = 1 on ranks other than 0 (they leave the evaluation to rank 0). */
int eval_run_tracking(const char *model, const char *dataset, const char *out, const char *set, int device,
                      int *worker);

#endif
