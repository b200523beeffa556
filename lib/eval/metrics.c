/* OTB one-pass evaluation metrics: IoU, centre error, success / precision
 * curves of one sequence, averages over sequences.
 *
 * Conventions, and where they come from
 * -------------------------------------
 * Checked against the published numbers in ../shared/data/README.md with the
 * released result files (tests/test-eval-otb.c). Every convention below
 * reproduces SiamFC-3s OTB-2015 0.582/0.770, OTB-2013 0.607/0.809 and
 * SiamRPN++ OTB-2015 0.696/0.905, OTB-2013 0.697/0.914 when rounded to three
 * decimals; the values we get are 0.58239/0.77049, 0.60729/0.80932,
 * 0.69552/0.90540, 0.69688/0.91439 (SiamRPN++ AUC with first-row replacement:
 * 0.69558 / 0.69696).
 *
 *  - Boxes are (x, y, w, h), x/y = top-left, 1-based (OTB files).
 *  - IoU: continuous extents, |A n B| / (|A| + |B| - |A n B|). The toolkit's
 *    calcRectInt.m uses inclusive pixels (right = x + w - 1, width + 1), which
 *    is algebraically the same; pysot overlap_ratio and got10k rect_iou use the
 *    continuous form. Clamped to [0, 1].
 *  - Success curve: 21 thresholds t_i = i / 20, i = 0..20 (the toolkit's
 *    0:0.05:1, pysot's np.arange(0, 1.05, 0.05)); a frame succeeds when IoU > t
 *    (strict). A sequence's curve is hits / frames; the overall curve is the
 *    plain mean over sequences; AUC = mean of the 21 overall points (= mean of
 *    per-sequence AUCs). The toolkit's plotDrawSave.m also drops sequences
 *    whose curve is all zero; pysot and got10k do not, and no sequence of the
 *    reference results has an all-zero curve, so we keep every sequence.
 *  - Centre: x + w/2. The toolkit, pysot and got10k use x + (w-1)/2 for both
 *    boxes; the -1/2 cancels in the distance, so both give identical errors.
 *  - Precision curve: thresholds 0..50 px; a frame is a hit when error <= t;
 *    the reported precision is the value at 20 px (toolkit rankIdx 21,
 *    pysot/got10k index 20).
 *  - Normalised precision (option): pysot eval_norm_precision: both centres
 *    divided by the GT width/height, thresholds 0..0.5 in steps of 0.01,
 *    reported at 0.2.
 *  - Ground truth with zero (or negative) width or height, or NaN (Board row
 *    698 and Twinnings row 472 are "0 0 0 0"): the frame stays in the
 *    denominator and is a failure for success AND precision. This is what
 *    pysot does for success (mask w > 0 and h > 0, IoU = -1 otherwise) and
 *    what got10k gets for both (IoU 0, centre error to a (-0.5, -0.5) centre).
 *    The toolkit's calcSeqErrRobust.m rule (GT with ANY coordinate <= 0 ->
 *    IoU -1 and centre error -1, which counts as a precision hit) is available
 *    as SIAMCL_EVAL_GT_TOOLKIT but does NOT reproduce the published numbers:
 *    it drops Biker rows 72-78 (y <= 0, a visible target) from success, giving
 *    SiamRPN++ OTB-2015 AUC 0.69525 -> 0.695, and counts the two "0 0 0 0"
 *    rows as hits, giving SiamFC-3s OTB-2015 precision 0.77053 -> 0.771.
 *  - Result row 1 is replaced by GT row 1 (toolkit calcSeqErrRobust.m
 *    rectMat(1,:) = rect_anno(1,:); got10k boxes[0] = anno[0]); pysot does not
 *    (both reproduce). Result rows with a non-positive size take the previous
 *    row (toolkit calcSeqErrRobust.m); a row with NaN (what trackers write for a
 *    lost target) is a failure (IoU 0, no centre); none occur in the references.
 *  - Frame ranges and Tiger1 are the business of dataset.c (siamcl_eval_align).
 */
#include <math.h>
#include <string.h>

#include "io/io.h"
#include "runtime/runtime.h"

static int box_valid(siamcl_box b) {
    return !scl_box_has_nan(b) && b.w > 0 && b.h > 0;
}

double siamcl_eval_iou(siamcl_box a, siamcl_box b) {
    if (!box_valid(a) || !box_valid(b)) return 0.0;
    double l = fmax((double)a.x, (double)b.x);
    double r = fmin((double)a.x + a.w, (double)b.x + b.w);
    double t = fmax((double)a.y, (double)b.y);
    double d = fmin((double)a.y + a.h, (double)b.y + b.h);
    double inter = fmax(0.0, r - l) * fmax(0.0, d - t);
    double uni = (double)a.w * a.h + (double)b.w * b.h - inter;
    if (!(uni > 0)) return 0.0;
    double iou = inter / uni;
    return iou < 0 ? 0 : iou > 1 ? 1 : iou;
}

double siamcl_eval_center_error(siamcl_box a, siamcl_box b) {
    double dx = ((double)a.x + 0.5 * a.w) - ((double)b.x + 0.5 * b.w);
    double dy = ((double)a.y + 0.5 * a.h) - ((double)b.y + 0.5 * b.h);
    return sqrt(dx * dx + dy * dy);
}

double siamcl_eval_norm_center_error(siamcl_box result, siamcl_box gt) {
    if (!(gt.w > 0) || !(gt.h > 0)) return NAN;
    double dx = (((double)result.x + 0.5 * result.w) - ((double)gt.x + 0.5 * gt.w)) / gt.w;
    double dy = (((double)result.y + 0.5 * result.h) - ((double)gt.y + 0.5 * gt.h)) / gt.h;
    return sqrt(dx * dx + dy * dy);
}

static void finish(siamcl_eval_curves *c) {
    double s = 0;
    for (int i = 0; i < SIAMCL_EVAL_IOU_BINS; i++) s += c->success[i];
    c->auc = s / SIAMCL_EVAL_IOU_BINS;
    c->precision20 = c->precision[20];
    c->success50 = c->success[10];
    c->norm_precision20 = c->norm_precision[20];
}

siamcl_status siamcl_eval_sequence(const siamcl_box *result, const siamcl_box *gt, int n,
                                   const siamcl_eval_params *params, siamcl_eval_curves *out) {
    if (!out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_eval_sequence: out is NULL");
    memset(out, 0, sizeof *out);
    if (!result || !gt) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_eval_sequence: NULL boxes");
    if (n <= 0) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_eval_sequence: %d frames", n);
    siamcl_eval_params p = {0};
    if (params) p = *params;
    if (p.invalid_gt < SIAMCL_EVAL_GT_FAIL || p.invalid_gt > SIAMCL_EVAL_GT_SKIP)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_eval_sequence: invalid_gt policy %d", (int)p.invalid_gt);

    long hit_s[SIAMCL_EVAL_IOU_BINS] = {0}, hit_p[SIAMCL_EVAL_ERR_BINS] = {0}, hit_n[SIAMCL_EVAL_NORM_BINS] = {0};
    long frames = 0, nvalid = 0, ninvalid = 0;
    double sum_iou = 0, sum_err = 0;
    siamcl_box prev = gt[0];
    for (int i = 0; i < n; i++) {
        siamcl_box r = result[i], g = gt[i];
        if (i == 0 && !p.keep_first_row) r = g;
        /* a NaN row is a tracker's "lost": a failure (IoU 0, no centre); other invalid rows
         * (non-positive size) take the previous row as the toolkit does */
        int lost = i > 0 && scl_box_has_nan(r);
        if (!p.keep_invalid_rows && !lost && !box_valid(r) && i > 0) r = prev;
        if (!lost) prev = r;

        int gt_ok = box_valid(g);
        if (p.invalid_gt == SIAMCL_EVAL_GT_TOOLKIT) gt_ok = gt_ok && g.x > 0 && g.y > 0;
        if (!gt_ok) {
            ninvalid++;
            if (p.invalid_gt == SIAMCL_EVAL_GT_SKIP) continue;
            frames++;
            if (p.invalid_gt == SIAMCL_EVAL_GT_TOOLKIT) { /* centre error -1: a hit at every threshold */
                for (int t = 0; t < SIAMCL_EVAL_ERR_BINS; t++) hit_p[t]++;
                for (int t = 0; t < SIAMCL_EVAL_NORM_BINS; t++) hit_n[t]++;
            }
            continue;
        }
        frames++;
        nvalid++;
        double iou = siamcl_eval_iou(r, g);
        double err = siamcl_eval_center_error(r, g);
        double nerr = siamcl_eval_norm_center_error(r, g);
        sum_iou += iou;
        if (!isnan(err)) sum_err += err;
        for (int t = 0; t < SIAMCL_EVAL_IOU_BINS; t++) hit_s[t] += iou > t / 20.0;
        for (int t = 0; t < SIAMCL_EVAL_ERR_BINS; t++) hit_p[t] += err <= (double)t;
        for (int t = 0; t < SIAMCL_EVAL_NORM_BINS; t++) hit_n[t] += nerr <= t / 100.0;
    }
    out->sequences = 1;
    out->frames = (int)frames;
    out->invalid_gt = (int)ninvalid;
    if (frames > 0) {
        for (int t = 0; t < SIAMCL_EVAL_IOU_BINS; t++) out->success[t] = (double)hit_s[t] / frames;
        for (int t = 0; t < SIAMCL_EVAL_ERR_BINS; t++) out->precision[t] = (double)hit_p[t] / frames;
        for (int t = 0; t < SIAMCL_EVAL_NORM_BINS; t++) out->norm_precision[t] = (double)hit_n[t] / frames;
    }
    out->mean_iou = nvalid ? sum_iou / nvalid : 0;
    out->mean_error = nvalid ? sum_err / nvalid : 0;
    finish(out);
    return SIAMCL_OK;
}

siamcl_status siamcl_eval_aggregate(const siamcl_eval_curves *seqs, int n, siamcl_eval_curves *out) {
    if (!out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_eval_aggregate: out is NULL");
    memset(out, 0, sizeof *out);
    if (!seqs || n < 0) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_eval_aggregate: no sequences");
    int m = 0;
    for (int s = 0; s < n; s++) {
        const siamcl_eval_curves *c = &seqs[s];
        if (c->sequences <= 0) continue;
        m++;
        out->frames += c->frames;
        out->invalid_gt += c->invalid_gt;
        for (int t = 0; t < SIAMCL_EVAL_IOU_BINS; t++) out->success[t] += c->success[t];
        for (int t = 0; t < SIAMCL_EVAL_ERR_BINS; t++) out->precision[t] += c->precision[t];
        for (int t = 0; t < SIAMCL_EVAL_NORM_BINS; t++) out->norm_precision[t] += c->norm_precision[t];
        out->mean_iou += c->mean_iou;
        out->mean_error += c->mean_error;
    }
    out->sequences = m;
    if (m > 0) {
        for (int t = 0; t < SIAMCL_EVAL_IOU_BINS; t++) out->success[t] /= m;
        for (int t = 0; t < SIAMCL_EVAL_ERR_BINS; t++) out->precision[t] /= m;
        for (int t = 0; t < SIAMCL_EVAL_NORM_BINS; t++) out->norm_precision[t] /= m;
        out->mean_iou /= m;
        out->mean_error /= m;
    }
    finish(out);
    return SIAMCL_OK;
}
