/* NanoTrack tracking math, [PY] flavour of ../shared/spec/NANOTRACK.md: crop
 * windows, cls softmax, ltrb decoding on the point grid, scale/ratio penalty,
 * cosine window, size smoothing and clamps. float64 like the reference. */
#include <math.h>
#include <string.h>

#include "track/track.h"

siamcl_status scl_nano_alloc(scl_nano *s, const siamcl_tracker_desc *d) {
    memset(s, 0, sizeof *s);
    s->d = *d;
    s->n = d->score_size;
    size_t nn = (size_t)s->n * s->n;
    s->window = scl_malloc(nn * sizeof(double));
    s->points = scl_malloc(2 * nn * sizeof(double));
    double *hann = scl_malloc((size_t)s->n * sizeof(double));
    if (!s->window || !s->points || !hann) {
        scl_free(hann);
        scl_nano_release(s);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "nanotrack: out of memory for the %dx%d grid", s->n, s->n);
    }
    scl_hann(s->n, hann);
    int half = s->n / 2;
    for (int i = 0; i < s->n; i++)
        for (int j = 0; j < s->n; j++) {
            size_t c = (size_t)i * s->n + j;
            s->window[c] = hann[i] * hann[j];
            s->points[c] = (double)((j - half) * d->stride);
            s->points[nn + c] = (double)((i - half) * d->stride);
        }
    scl_free(hann);
    return SIAMCL_OK;
}

void scl_nano_release(scl_nano *s) {
    scl_free(s->window);
    scl_free(s->points);
    s->window = s->points = NULL;
}

void scl_nano_start(scl_nano *s, siamcl_box box, scl_crop_req *zreq) {
    /* [PY] takes the box values as 0-based pixel coordinates */
    s->w = box.w;
    s->h = box.h;
    s->cx = box.x + (box.w - 1.0) / 2.0;
    s->cy = box.y + (box.h - 1.0) / 2.0;
    double ctx = s->d.context * (s->w + s->h);
    double s_z = scl_round_half_even(sqrt((s->w + ctx) * (s->h + ctx)));
    if (s_z < 1) s_z = 1;
    *zreq = scl_window_pysot(s->cx, s->cy, (int)fmin(s_z, 1e6));
}

void scl_nano_search(scl_nano *s, scl_crop_req *req) {
    double ctx = s->d.context * (s->w + s->h);
    double s_z = sqrt((s->w + ctx) * (s->h + ctx));
    s->scale_z = s->d.exemplar_size / s_z;
    s->s_x = s_z * s->d.instance_size / (double)s->d.exemplar_size;
    *req = scl_window_pysot(s->cx, s->cy, (int)fmin(scl_round_half_even(s->s_x), 1e6));
}

static double change(double r) { return r > 1.0 / r ? r : 1.0 / r; }

static double sz(double w, double h) {
    double pad = (w + h) * 0.5;
    return sqrt((w + pad) * (h + pad));
}

void scl_nano_decode(scl_nano *s, const float *cls, const float *loc, int width, int height,
                     scl_track_debug *dbg) {
    const siamcl_tracker_desc *d = &s->d;
    const size_t nn = (size_t)s->n * s->n;
    const double *px = s->points, *py = s->points + nn;
    double ref_sz = sz(s->w * s->scale_z, s->h * s->scale_z);
    double ref_ratio = s->w / s->h;
    double wi = d->window_influence;
    double top = -INFINITY;
    long best = -1;
    double b_score = 0, b_pen = 0, b_cx = 0, b_cy = 0, b_w = 0, b_h = 0;
    for (size_t i = 0; i < nn; i++) {
        /* softmax over the two logits, foreground channel */
        double l0 = cls[i], l1 = cls[nn + i];
        double score = 1.0 / (1.0 + exp(l0 - l1));
        double l = loc[i], t = loc[nn + i], r = loc[2 * nn + i], b = loc[3 * nn + i];
        double x1 = px[i] - l, y1 = py[i] - t, x2 = px[i] + r, y2 = py[i] + b;
        double cw = x2 - x1, ch = y2 - y1;
        double penalty = 0.0;
        if (cw > 0 && ch > 0 && ref_sz > 0 && ref_ratio > 0) {
            double s_c = change(sz(cw, ch) / ref_sz);
            double r_c = change(ref_ratio / (cw / ch));
            penalty = exp(-(r_c * s_c - 1.0) * d->penalty_k);
        }
        double pscore = penalty * score * (1.0 - wi) + s->window[i] * wi;
        if (isfinite(pscore) && pscore > top) {
            top = pscore;
            best = (long)i;
            b_score = score;
            b_pen = penalty;
            b_cx = (x1 + x2) / 2.0;
            b_cy = (y1 + y2) / 2.0;
            b_w = cw;
            b_h = ch;
        }
    }
    scl_track_debug dd;
    memset(&dd, 0, sizeof dd);
    dd.best = (int)best;
    dd.scale_z = s->scale_z;
    dd.s_x = s->s_x;
    if (best >= 0 && isfinite(b_cx) && isfinite(b_cy) && isfinite(b_w) && isfinite(b_h) && s->scale_z > 0) {
        double lr = b_pen * b_score * d->lr;
        double cx = s->cx + b_cx / s->scale_z, cy = s->cy + b_cy / s->scale_z;
        double w = s->w * (1.0 - lr) + (b_w / s->scale_z) * lr;
        double h = s->h * (1.0 - lr) + (b_h / s->scale_z) * lr;
        s->cx = fmax(0.0, fmin(cx, (double)width));
        s->cy = fmax(0.0, fmin(cy, (double)height));
        s->w = fmax(d->min_size, fmin(w, (double)width));
        s->h = fmax(d->min_size, fmin(h, (double)height));
        dd.score = b_score;
        dd.pscore = top;
        dd.penalty = b_pen;
        dd.lr = lr;
    }
    if (dbg) *dbg = dd;
}

siamcl_box scl_nano_box(const scl_nano *s) {
    siamcl_box b;
    b.x = (float)(s->cx - s->w / 2.0);
    b.y = (float)(s->cy - s->h / 2.0);
    b.w = (float)s->w;
    b.h = (float)s->h;
    return b;
}
