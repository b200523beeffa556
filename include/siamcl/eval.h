/* siamcl OTB one-pass evaluation (OPE): overlap success, centre-error
 * precision, AUC, per-attribute breakdown, benchmark quirks, plots.
 *
 * Usage, one sequence:
 *     siamcl_eval_curves c;
 *     siamcl_eval_sequence(result, gt, n, NULL, &c);   // NULL = defaults
 *     printf("AUC %.3f  P@20 %.3f\n", c.auc, c.precision20);
 *
 * Usage, a whole benchmark (the files of one or more trackers):
 *     const char *dirs[] = {"results/SiamFC-3s", "results/SiamRPN++"};
 *     siamcl_eval_options o = {.gt_dir = "otb-anno", .result_dirs = dirs, .ntrackers = 2,
 *                              .set = "OTB2015"};
 *     siamcl_eval_report *r;
 *     if (siamcl_eval_benchmark(&o, &r) == SIAMCL_OK) {
 *         ... r->total[t].auc, r->seq[s].name, r->curves[t * r->nseq + s] ...
 *         siamcl_eval_report_free(r);
 *     }
 *
 * The conventions (which reproduce the published OTB numbers) are documented
 * at the top of lib/eval/metrics.c. */
#ifndef SIAMCL_EVAL_H
#define SIAMCL_EVAL_H

#include "siamcl/core.h"
#include "siamcl/image.h" /* siamcl_box */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- curves ---- */
#define SIAMCL_EVAL_IOU_BINS 21  /* overlap thresholds 0, 0.05, ..., 1 (success = IoU > t) */
#define SIAMCL_EVAL_ERR_BINS 51  /* centre-error thresholds 0, 1, ..., 50 px (precision = err <= t) */
#define SIAMCL_EVAL_NORM_BINS 51 /* normalised-error thresholds 0, 0.01, ..., 0.5 */

/* How frames whose ground truth is unusable are scored. */
typedef enum siamcl_eval_invalid_gt {
    /* GT with zero/negative width or height (or NaN): the frame stays in the
     * denominator and counts as a failure for success and for precision.
     * This is the rule that reproduces all published numbers (default). */
    SIAMCL_EVAL_GT_FAIL = 0,
    /* OTB toolkit calcSeqErrRobust.m: GT with ANY coordinate <= 0 (or NaN)
     * gets IoU = -1 (failure) and centre error = -1 (a hit at every
     * precision threshold). */
    SIAMCL_EVAL_GT_TOOLKIT = 1,
    /* Such frames are left out of numerator and denominator. */
    SIAMCL_EVAL_GT_SKIP = 2
} siamcl_eval_invalid_gt;

typedef struct siamcl_eval_params {
    siamcl_eval_invalid_gt invalid_gt;
    /* 0 (default, like the toolkit and got10k): result row 1 is replaced by the GT row 1. */
    int keep_first_row;
    /* 0 (default): a result row with a non-positive width/height takes the
     * previous row (like the toolkit); a row with NaN (a tracker's "lost") is a
     * failure. 1: every row is scored as it is (invalid ones fail). */
    int keep_invalid_rows;
    /* 0 (default, like the toolkit): a result with fewer rows than the ground truth
     * needs is scored with the missing frames as failures (a warning names the file
     * and the count). 1: refused (SIAMCL_ERR_FORMAT). */
    int strict_length;
} siamcl_eval_params;

typedef struct siamcl_eval_curves {
    int frames;        /* frames in the denominator (per sequence; summed in aggregates) */
    int invalid_gt;    /* frames whose ground truth was unusable */
    int sequences;     /* 1 for a sequence, N for an aggregate */
    double success[SIAMCL_EVAL_IOU_BINS];
    double precision[SIAMCL_EVAL_ERR_BINS];
    double norm_precision[SIAMCL_EVAL_NORM_BINS];
    double auc;            /* mean of success[] (the OTB "AUC") */
    double precision20;    /* precision[20] */
    double success50;      /* success[10]: IoU > 0.5 */
    double norm_precision20; /* norm_precision[20]: normalised error <= 0.2 (pysot) */
    double mean_iou;       /* mean IoU over frames with a valid GT */
    double mean_error;     /* mean centre error (px) over frames with a valid GT */
} siamcl_eval_curves;

/* Intersection over union of two (x, y, w, h) boxes (continuous extents, equal
 * to the toolkit's inclusive-pixel form). 0 when either box has NaN or a
 * non-positive width or height. */
SIAMCL_API double siamcl_eval_iou(siamcl_box a, siamcl_box b);
/* Euclidean distance between box centres (x + w/2, y + h/2; the toolkit's
 * x + (w-1)/2 gives the same distance). NaN if a coordinate is NaN. */
SIAMCL_API double siamcl_eval_center_error(siamcl_box a, siamcl_box b);
/* Centre distance with each axis divided by the GT size (gt = b). */
SIAMCL_API double siamcl_eval_norm_center_error(siamcl_box result, siamcl_box gt);

/* Score n result boxes against n ground-truth boxes. params may be NULL. */
SIAMCL_API siamcl_status siamcl_eval_sequence(const siamcl_box *result, const siamcl_box *gt, int n,
                                              const siamcl_eval_params *params, siamcl_eval_curves *out);
/* Average n sequence curves (each sequence weighs the same); AUC and
 * precision20 of the mean curves. Entries with sequences == 0 are skipped. */
SIAMCL_API siamcl_status siamcl_eval_aggregate(const siamcl_eval_curves *seqs, int n, siamcl_eval_curves *out);

/* ---- benchmark facts: names, sets, frame ranges, attributes ---- */
/* Sequence names compare case-insensitively, ignoring '-', '_', '.' and a
 * trailing ".txt" (Jogging-1 = jogging_1 = JOGGING.1.txt); "Human4" = "Human4-2". */
SIAMCL_API int siamcl_eval_name_equal(const char *a, const char *b);

typedef struct siamcl_eval_range {
    int first, last;  /* 1-based image indices the ground truth covers (0 = unknown / whole) */
    int init_omit;    /* OTB-2015 starts this many GT rows late (Tiger1: 5) */
} siamcl_eval_range;
/* The benchmark's special frame range of a sequence; returns 1 if it has one
 * (David 300-770, Football1 1-74, Freeman3 1-460, Freeman4 1-283, Diving 1-215,
 * BlurCar1 247-988, BlurCar3 3-359, BlurCar4 18-397, Tiger1 1-354 omit 5). */
SIAMCL_API int siamcl_eval_frame_range(const char *name, siamcl_eval_range *out);

/* Built-in sequence sets: "OTB2015" (= "OTB100", 100 targets) and "OTB2013"
 * ("OTB50" is NOT this set; 51 targets). Returns the number of names and points
 * *names at a static table, or 0 for an unknown set. */
SIAMCL_API int siamcl_eval_set_builtin(const char *set, const char *const **names);

/* The 11 OTB attributes (in the CVPR 2013 paper's order; the att/ files list
 * them as IV, OPR, SV, OCC, DEF, MB, FM, IPR, OV, BC, LR, see dataset.c). */
enum {
    SIAMCL_EVAL_ATTR_IV, SIAMCL_EVAL_ATTR_SV, SIAMCL_EVAL_ATTR_OCC, SIAMCL_EVAL_ATTR_DEF,
    SIAMCL_EVAL_ATTR_MB, SIAMCL_EVAL_ATTR_FM, SIAMCL_EVAL_ATTR_IPR, SIAMCL_EVAL_ATTR_OPR,
    SIAMCL_EVAL_ATTR_OV, SIAMCL_EVAL_ATTR_BC, SIAMCL_EVAL_ATTR_LR, SIAMCL_EVAL_ATTR_COUNT
};
SIAMCL_API const char *siamcl_eval_attr_name(int attr); /* "IV", ...; NULL if out of range */
SIAMCL_API const char *siamcl_eval_attr_title(int attr); /* "Illumination variation", ... */

/* ---- a benchmark run over result folders ---- */
typedef struct siamcl_eval_options {
    const char *gt_dir;              /* one <Seq>.txt per sequence, or OTB layout <Seq>/groundtruth_rect[.K].txt */
    const char *const *result_dirs;  /* one folder of <Seq>.txt per tracker */
    const char *const *tracker_names;/* display names; NULL = the folders' base names */
    int ntrackers;
    /* "OTB2015", "OTB2013", a file listing one name per line (first field), or
     * NULL: every sequence of gt_dir that the first result folder has. */
    const char *set;
    /* Attribute source: a folder with att/<Seq>.txt and/or OTB2013.txt.
     * NULL = gt_dir. Missing attributes leave the sequence out of attribute tables. */
    const char *attr_dir;
    siamcl_eval_params params;
} siamcl_eval_options;

typedef struct siamcl_eval_seq_info {
    char name[64];       /* canonical name (set table) or the GT file's name */
    int frames;          /* frames scored */
    unsigned attrs;      /* bit (1u << SIAMCL_EVAL_ATTR_x) per attribute; 0 if unknown */
    int has_attrs;
} siamcl_eval_seq_info;

typedef struct siamcl_eval_report {
    int ntrackers, nseq;
    char (*tracker)[64];            /* [ntrackers] display names */
    siamcl_eval_seq_info *seq;      /* [nseq] */
    siamcl_eval_curves *curves;     /* [ntrackers * nseq], tracker-major */
    siamcl_eval_curves *total;      /* [ntrackers] */
    siamcl_eval_curves *by_attr;    /* [ntrackers * SIAMCL_EVAL_ATTR_COUNT]; .sequences = 0 if none */
    int attr_count[SIAMCL_EVAL_ATTR_COUNT]; /* sequences carrying each attribute */
} siamcl_eval_report;

/* Load ground truth and every tracker's results, reconcile frame ranges,
 * score. Errors (missing file, malformed line, lengths that cannot be
 * reconciled) return a status with a message naming the file (and line). */
SIAMCL_API siamcl_status siamcl_eval_benchmark(const siamcl_eval_options *opt, siamcl_eval_report **out);
SIAMCL_API void siamcl_eval_report_free(siamcl_eval_report *r);

/* Find the box file of sequence `name` in dir: <dir>/<name>.txt matched as
 * siamcl_eval_name_equal does, else the OTB layout <dir>/<Seq>/groundtruth_rect[.K].txt
 * (Jogging-1 -> Jogging/groundtruth_rect.1.txt). Writes the path to out.
 * SIAMCL_ERR_IO if none. */
SIAMCL_API siamcl_status siamcl_eval_find_file(const char *dir, const char *name, char *out, size_t cap);

/* Bring a result and its ground truth to the same frames. gt/result are the
 * rows as read (counts ngt/nres); on success *gt_off, *res_off and *n say which
 * rows to compare. otb2013: score Tiger1 on all 354 frames when the result has
 * them (the OTB-2013 version) instead of OTB-2015's initOmit. Lengths that no
 * rule reconciles: SIAMCL_ERR_FORMAT with a message naming res_path. */
SIAMCL_API siamcl_status siamcl_eval_align(const char *name, int ngt, int nres, int otb2013, const char *res_path,
                                           int *gt_off, int *res_off, int *n);

/* ---- plots (PNG) ---- */
typedef enum siamcl_eval_plot_kind {
    SIAMCL_EVAL_PLOT_SUCCESS = 0,   /* x: overlap threshold 0..1, legend: AUC */
    SIAMCL_EVAL_PLOT_PRECISION = 1, /* x: location error 0..50 px, legend: precision at 20 px */
    SIAMCL_EVAL_PLOT_NORM_PRECISION = 2
} siamcl_eval_plot_kind;
/* One curve per tracker, legend sorted by score ("SiamRPN++ [0.696]").
 * title may be NULL (a default per kind). width/height <= 0: 800 x 600. */
SIAMCL_API siamcl_status siamcl_eval_plot(const char *path, siamcl_eval_plot_kind kind, const char *title,
                                          const siamcl_eval_curves *curves, const char *const *names, int n,
                                          int width, int height);

#ifdef __cplusplus
}
#endif
#endif
