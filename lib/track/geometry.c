/* Tracking geometry shared by the trackers: rounding, windows, crop windows,
 * bicubic response upsampling, frame mean, init-box checks. */
#include <math.h>

#include "track/track.h"

double scl_round_half_even(double x) {
    double r = floor(x + 0.5);
    /* exactly halfway and rounded up to an odd number: go to the even one */
    if (r - x == 0.5 && fmod(r, 2.0) != 0.0) r -= 1.0;
    return r;
}

void scl_hann(int n, double *out) {
    if (n == 1) {
        out[0] = 1.0;
        return;
    }
    const double pi = 3.14159265358979323846;
    for (int k = 0; k < n; k++) out[k] = 0.5 - 0.5 * cos(2.0 * pi * k / (double)(n - 1));
}

/* Keys cubic weights with a = -0.75 for fractional offset t in [0, 1). */
static void cubic_weights(double t, double c[4]) {
    const double a = -0.75;
    double u = t + 1.0, v = 1.0 - t;
    c[0] = ((a * u - 5.0 * a) * u + 8.0 * a) * u - 4.0 * a;
    c[1] = ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0;
    c[2] = ((a + 2.0) * v - (a + 3.0)) * v * v + 1.0;
    c[3] = 1.0 - c[0] - c[1] - c[2];
}

static int clampi(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

void scl_resize_cubic(const float *src, int h, int w, double *dst, int oh, int ow, double *tmp) {
    double sx = (double)w / ow, sy = (double)h / oh;
    /* horizontal pass: every source row at every output column */
    for (int x = 0; x < ow; x++) {
        double fx = (x + 0.5) * sx - 0.5;
        int x0 = (int)floor(fx);
        double c[4];
        cubic_weights(fx - x0, c);
        int r[4];
        for (int k = 0; k < 4; k++) r[k] = clampi(x0 - 1 + k, 0, w - 1);
        for (int y = 0; y < h; y++) {
            const float *row = src + (size_t)y * w;
            tmp[(size_t)y * ow + x] = c[0] * row[r[0]] + c[1] * row[r[1]] + c[2] * row[r[2]] + c[3] * row[r[3]];
        }
    }
    /* vertical pass */
    for (int y = 0; y < oh; y++) {
        double fy = (y + 0.5) * sy - 0.5;
        int y0 = (int)floor(fy);
        double c[4];
        cubic_weights(fy - y0, c);
        const double *t[4];
        for (int k = 0; k < 4; k++) t[k] = tmp + (size_t)clampi(y0 - 1 + k, 0, h - 1) * ow;
        double *o = dst + (size_t)y * ow;
        for (int x = 0; x < ow; x++) o[x] = c[0] * t[0][x] + c[1] * t[1][x] + c[2] * t[2][x] + c[3] * t[3][x];
    }
}

/* Origins beyond +-2^30 would overflow an int: such a window is all padding
 * anyway, so it is pinned far outside any frame. */
static int to_origin(double v) {
    if (!(v > -1e9)) return -1000000000;
    if (v > 1e9) return 1000000000;
    return (int)v;
}

static int to_side(double v) {
    if (!(v >= 1.0)) return 1;
    if (v > 1e6) return 1000000;
    return (int)v;
}

scl_crop_req scl_window_siamfc(double cx, double cy, double side) {
    scl_crop_req r;
    r.side = to_side(floor(side + 0.5));
    double c = (r.side - 1) / 2.0;
    r.x0 = to_origin(floor(cx - c + 0.5));
    r.y0 = to_origin(floor(cy - c + 0.5));
    return r;
}

scl_crop_req scl_window_pysot(double cx, double cy, int side) {
    scl_crop_req r;
    r.side = to_side(side);
    double c = (r.side + 1) / 2.0;
    r.x0 = to_origin(floor(cx - c + 0.5));
    r.y0 = to_origin(floor(cy - c + 0.5));
    return r;
}

scl_crop_req scl_window_siamdw(double cx, double cy, int side) {
    scl_crop_req r;
    r.side = to_side(side);
    double c = (r.side + 1) / 2.0;
    r.x0 = to_origin(scl_round_half_even(cx - c));
    r.y0 = to_origin(scl_round_half_even(cy - c));
    return r;
}

void scl_frame_mean(const siamcl_image *img, int bgr, double mean[3]) {
    double s[3] = {0, 0, 0};
    size_t n = (size_t)img->width * (size_t)img->height;
    for (int y = 0; y < img->height; y++) {
        const uint8_t *p = img->data + (size_t)y * img->width * 3;
        /* per-row partial sums keep the double accumulation exact */
        unsigned long r = 0, g = 0, b = 0;
        for (int x = 0; x < img->width; x++, p += 3) {
            r += p[0];
            g += p[1];
            b += p[2];
        }
        s[0] += (double)r;
        s[1] += (double)g;
        s[2] += (double)b;
    }
    for (int c = 0; c < 3; c++) s[c] = n ? s[c] / (double)n : 0.0;
    if (bgr) {
        mean[0] = s[2];
        mean[1] = s[1];
        mean[2] = s[0];
    } else {
        mean[0] = s[0];
        mean[1] = s[1];
        mean[2] = s[2];
    }
}

siamcl_status scl_box_check(siamcl_box b, int width, int height) {
    if (!isfinite(b.x) || !isfinite(b.y) || !isfinite(b.w) || !isfinite(b.h))
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "tracker: init box has a non-finite value");
    if (!(b.w > 0) || !(b.h > 0))
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "tracker: init box %gx%g has no area", (double)b.w, (double)b.h);
    if (b.w > 1e6 || b.h > 1e6 || fabsf(b.x) > 1e6f || fabsf(b.y) > 1e6f)
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "tracker: init box %g,%g,%g,%g is absurdly large", (double)b.x,
                        (double)b.y, (double)b.w, (double)b.h);
    /* OTB box, 1-based: pixels x-1 .. x-1+w (exclusive) must meet 0 .. width */
    double x0 = b.x - 1.0, y0 = b.y - 1.0;
    if (x0 + b.w <= 0 || y0 + b.h <= 0 || x0 >= width || y0 >= height)
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "tracker: init box %g,%g,%g,%g lies outside the %dx%d frame",
                        (double)b.x, (double)b.y, (double)b.w, (double)b.h, width, height);
    return SIAMCL_OK;
}

void scl_pad_colour(const siamcl_image *img, int bgr, int u8, float pad[3]) {
    double mean[3];
    scl_frame_mean(img, bgr, mean);
    for (int c = 0; c < 3; c++) pad[c] = (float)(u8 ? floor(mean[c]) : mean[c]);
}
