/* SiamFC / SiamFC+ tracking math: state, scale pyramid windows, response
 * decoding (bicubic upsampling, scale penalty, Hann window mixing, scale
 * damping). The original flavour follows ../shared/golden/tracking/README.md
 * (the SiamFC-3s reference), the SiamDW flavour ../shared/spec/SIAMFC.md §3. */
#include <math.h>
#include <string.h>

#include "track/track.h"

siamcl_status scl_sfc_alloc(scl_sfc *s, const siamcl_tracker_desc *d) {
    memset(s, 0, sizeof *s);
    s->d = *d;
    s->up = d->score_size * d->response_up;
    size_t uu = (size_t)s->up * (size_t)s->up;
    s->window = scl_malloc(uu * sizeof(double));
    s->maps = scl_malloc((size_t)d->scale_count * uu * sizeof(double));
    s->tmp = scl_malloc((size_t)d->score_size * s->up * sizeof(double));
    double *hann = scl_malloc((size_t)s->up * sizeof(double));
    if (!s->window || !s->maps || !s->tmp || !hann) {
        scl_free(hann);
        scl_sfc_release(s);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "siamfc: out of memory for %dx%d response maps", s->up, s->up);
    }
    scl_hann(s->up, hann);
    double sum = 0.0;
    for (int y = 0; y < s->up; y++)
        for (int x = 0; x < s->up; x++) sum += s->window[(size_t)y * s->up + x] = hann[y] * hann[x];
    if (sum > 0)
        for (size_t i = 0; i < uu; i++) s->window[i] /= sum;
    scl_free(hann);
    scl_sfc_set_desc(s, d);
    return SIAMCL_OK;
}

void scl_sfc_set_desc(scl_sfc *s, const siamcl_tracker_desc *d) {
    s->d = *d;
    int mid = d->scale_count / 2;
    for (int k = 0; k < d->scale_count; k++) s->scales[k] = pow(d->scale_step, (double)(k - mid));
}

void scl_sfc_release(scl_sfc *s) {
    scl_free(s->window);
    scl_free(s->maps);
    scl_free(s->tmp);
    s->window = s->maps = s->tmp = NULL;
}

void scl_sfc_start(scl_sfc *s, siamcl_box box, scl_crop_req *zreq) {
    const siamcl_tracker_desc *d = &s->d;
    double w = box.w, h = box.h;
    double ctx = d->context * (w + h);
    double sz = sqrt((w + ctx) * (h + ctx));
    s->w = w;
    s->h = h;
    if (d->flavour == SIAMCL_SIAMFC_SIAMDW) {
        s->cx = (box.x - 1.0) + w / 2.0;
        s->cy = (box.y - 1.0) + h / 2.0;
        s->s_z = scl_round_half_even(sz);
        if (s->s_z < 1) s->s_z = 1;
        *zreq = scl_window_siamdw(s->cx, s->cy, (int)s->s_z);
    } else {
        s->cx = (box.x - 1.0) + (w - 1.0) / 2.0;
        s->cy = (box.y - 1.0) + (h - 1.0) / 2.0;
        s->s_z = sz;
        *zreq = scl_window_siamfc(s->cx, s->cy, sz);
    }
    s->s_x = s->s_z * d->instance_size / (double)d->exemplar_size;
    s->s_x_min = d->scale_min * s->s_x;
    s->s_x_max = d->scale_max * s->s_x;
}

void scl_sfc_search(const scl_sfc *s, scl_crop_req *reqs) {
    for (int k = 0; k < s->d.scale_count; k++) {
        double side = s->s_x * s->scales[k];
        if (s->d.flavour == SIAMCL_SIAMFC_SIAMDW)
            reqs[k] = scl_window_siamdw(s->cx, s->cy, (int)fmin(scl_round_half_even(side), 1e6));
        else
            reqs[k] = scl_window_siamfc(s->cx, s->cy, side);
    }
}

static double clampd(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }

void scl_sfc_decode(scl_sfc *s, const float *resp, int width, int height, scl_track_debug *dbg) {
    const siamcl_tracker_desc *d = &s->d;
    const int n = d->score_size, U = s->up, mid = d->scale_count / 2;
    const size_t nn = (size_t)n * n, uu = (size_t)U * U;
    scl_track_debug dd;
    memset(&dd, 0, sizeof dd);
    dd.best = -1;
    /* a response with NaN/Inf (a broken device or model) leaves the state alone */
    for (size_t i = 0; i < nn * (size_t)d->scale_count; i++)
        if (!isfinite(resp[i])) {
            if (dbg) *dbg = dd;
            return;
        }
    /* upsample every scale; pick the best penalised peak (first on ties) */
    double t0 = scl_now_ms();
    for (int k = 0; k < d->scale_count; k++)
        scl_resize_cubic(resp + (size_t)k * nn, n, n, s->maps + (size_t)k * uu, U, U, s->tmp);
    s->upsample_ms += scl_now_ms() - t0;
    double best_val = -INFINITY, best_peak = 0.0;
    int best = mid;
    for (int k = 0; k < d->scale_count; k++) {
        double *m = s->maps + (size_t)k * uu;
        double peak = -INFINITY;
        for (size_t i = 0; i < uu; i++)
            if (m[i] > peak) peak = m[i];
        double v = k == mid ? peak : peak * d->scale_penalty;
        if (v > best_val) {
            best_val = v;
            best = k;
            best_peak = peak;
        }
    }
    /* normalise the chosen map, mix in the window, find its peak */
    double *m = s->maps + (size_t)best * uu;
    double mn = INFINITY, sum = 0.0;
    for (size_t i = 0; i < uu; i++)
        if (m[i] < mn) mn = m[i];
    for (size_t i = 0; i < uu; i++) sum += (m[i] -= mn);
    double inv = sum > 0 && isfinite(sum) ? 1.0 / sum : 0.0;
    double wi = d->window_influence, top = -INFINITY;
    size_t arg = 0;
    for (size_t i = 0; i < uu; i++) {
        double r = (1.0 - wi) * (m[i] * inv) + wi * s->window[i];
        if (r > top) {
            top = r;
            arg = i;
        }
    }
    int py = (int)(arg / (size_t)U), px = (int)(arg % (size_t)U);
    double k = s->scales[best], lr = d->scale_lr;
    double disp_scale = (double)d->stride / d->response_up / d->instance_size;
    double centre;
    if (d->flavour == SIAMCL_SIAMFC_SIAMDW) {
        centre = (double)((U + 1) / 2); /* ceil(U/2): SiamDW's 136 */
        disp_scale *= s->s_x;
    } else {
        centre = (U - 1) / 2.0; /* the true centre, 135.5 */
        disp_scale *= s->s_x * k;
    }
    s->cx += (px - centre) * disp_scale;
    s->cy += (py - centre) * disp_scale;
    s->s_x = clampd((1.0 - lr) * s->s_x + lr * s->s_x * k, s->s_x_min, s->s_x_max);
    s->w = (1.0 - lr) * s->w + lr * s->w * k;
    s->h = (1.0 - lr) * s->h + lr * s->h * k;
    if (d->flavour == SIAMCL_SIAMFC_SIAMDW) {
        s->cx = clampd(s->cx, 0, width);
        s->cy = clampd(s->cy, 0, height);
        s->w = fmax(d->min_size, fmin(s->w, width));
        s->h = fmax(d->min_size, fmin(s->h, height));
    } else {
        /* the reference never clamps; only keep the size from vanishing */
        if (!(s->w >= 1e-3)) s->w = 1e-3;
        if (!(s->h >= 1e-3)) s->h = 1e-3;
    }
    dd.best = best;
    dd.peak_x = px;
    dd.peak_y = py;
    dd.score = best_peak;
    dd.pscore = top;
    dd.penalty = best == mid ? 1.0 : d->scale_penalty;
    dd.lr = lr;
    dd.s_x = s->s_x;
    dd.scale_z = d->instance_size / s->s_x;
    if (dbg) *dbg = dd;
}

siamcl_box scl_sfc_box(const scl_sfc *s) {
    siamcl_box b;
    if (s->d.flavour == SIAMCL_SIAMFC_SIAMDW) {
        b.x = (float)(fmax(0.0, s->cx - s->w / 2.0) + 1.0);
        b.y = (float)(fmax(0.0, s->cy - s->h / 2.0) + 1.0);
    } else {
        b.x = (float)(s->cx + 1.0 - (s->w - 1.0) / 2.0);
        b.y = (float)(s->cy + 1.0 - (s->h - 1.0) / 2.0);
    }
    b.w = (float)s->w;
    b.h = (float)s->h;
    return b;
}
