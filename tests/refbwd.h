/* Plain-C float64 references of the forward ops and their backward passes,
 * for the backward-kernel tests and their finite-difference checks. Layouts
 * as the device ops (NCHW, weights OIHW). Backward functions accumulate. */
#ifndef SCL_REFBWD_H
#define SCL_REFBWD_H

#include <math.h>
#include <stddef.h>

#include "ops/ops.h"

typedef struct { int n, c, h, w; } rb_shape;

static inline size_t rb_count(rb_shape s) { return (size_t)s.n * s.c * s.h * s.w; }

/* conv: y = conv(x, w) + b; y shape from scl_conv2d_out_size */
static inline void rb_conv_fwd(const scl_conv_params *p, rb_shape xs, int oc, int oh, int ow, const double *x,
                               const double *w, const double *b, double *y) {
    int cg = xs.c / p->groups, ocg = oc / p->groups;
    for (int n = 0; n < xs.n; n++)
        for (int o = 0; o < oc; o++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double acc = b ? b[o] : 0.0;
                    for (int ci = 0; ci < cg; ci++)
                        for (int u = 0; u < p->kh; u++)
                            for (int v = 0; v < p->kw; v++) {
                                int iy = i * p->stride_h - p->pad_t + u * p->dil_h;
                                int ix = j * p->stride_w - p->pad_l + v * p->dil_w;
                                if (iy < 0 || iy >= xs.h || ix < 0 || ix >= xs.w) continue;
                                int c = (o / ocg) * cg + ci;
                                acc += w[(((size_t)o * cg + ci) * p->kh + u) * p->kw + v] *
                                       x[(((size_t)n * xs.c + c) * xs.h + iy) * xs.w + ix];
                            }
                    y[(((size_t)n * oc + o) * oh + i) * ow + j] = acc;
                }
}

static inline void rb_conv_bwd(const scl_conv_params *p, rb_shape xs, int oc, int oh, int ow, const double *x,
                               const double *w, const double *dy, double *dx, double *dw, double *db) {
    int cg = xs.c / p->groups, ocg = oc / p->groups;
    for (int n = 0; n < xs.n; n++)
        for (int o = 0; o < oc; o++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double g = dy[(((size_t)n * oc + o) * oh + i) * ow + j];
                    if (db) db[o] += g;
                    for (int ci = 0; ci < cg; ci++)
                        for (int u = 0; u < p->kh; u++)
                            for (int v = 0; v < p->kw; v++) {
                                int iy = i * p->stride_h - p->pad_t + u * p->dil_h;
                                int ix = j * p->stride_w - p->pad_l + v * p->dil_w;
                                if (iy < 0 || iy >= xs.h || ix < 0 || ix >= xs.w) continue;
                                int c = (o / ocg) * cg + ci;
                                size_t wi = (((size_t)o * cg + ci) * p->kh + u) * p->kw + v;
                                size_t xi = (((size_t)n * xs.c + c) * xs.h + iy) * xs.w + ix;
                                if (dw) dw[wi] += g * x[xi];
                                if (dx) dx[xi] += g * w[wi];
                            }
                }
}

/* max pool: y = max over the window (first maximum wins, padding never) */
static inline long rb_pool_arg(const scl_pool_params *p, rb_shape xs, const double *xp, int i, int j) {
    long best = -1;
    double m = 0;
    for (int u = 0; u < p->kh; u++)
        for (int v = 0; v < p->kw; v++) {
            int iy = i * p->stride_h - p->pad_t + u, ix = j * p->stride_w - p->pad_l + v;
            if (iy < 0 || iy >= xs.h || ix < 0 || ix >= xs.w) continue;
            if (best < 0 || xp[iy * xs.w + ix] > m) {
                m = xp[iy * xs.w + ix];
                best = iy * xs.w + ix;
            }
        }
    return best;
}

static inline void rb_maxpool_fwd(const scl_pool_params *p, rb_shape xs, int oh, int ow, const double *x, double *y) {
    for (int nc = 0; nc < xs.n * xs.c; nc++)
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                const double *xp = x + (size_t)nc * xs.h * xs.w;
                y[((size_t)nc * oh + i) * ow + j] = xp[rb_pool_arg(p, xs, xp, i, j)];
            }
}

static inline void rb_maxpool_bwd(const scl_pool_params *p, rb_shape xs, int oh, int ow, const double *x,
                                  const double *dy, double *dx) {
    for (int nc = 0; nc < xs.n * xs.c; nc++)
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                size_t base = (size_t)nc * xs.h * xs.w;
                dx[base + rb_pool_arg(p, xs, x + base, i, j)] += dy[((size_t)nc * oh + i) * ow + j];
            }
}

/* SiamFC xcorr: y[n,0,i,j] = s * sum z[zn,c,u,v] x[n,c,i+u,j+v] */
static inline void rb_xcorr_fwd(rb_shape zs, rb_shape xs, double s, const double *z, const double *x, double *y) {
    int oh = xs.h - zs.h + 1, ow = xs.w - zs.w + 1;
    for (int n = 0; n < xs.n; n++)
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                double acc = 0;
                const double *zp = z + (zs.n == 1 ? 0 : (size_t)n * zs.c * zs.h * zs.w);
                for (int c = 0; c < xs.c; c++)
                    for (int u = 0; u < zs.h; u++)
                        for (int v = 0; v < zs.w; v++)
                            acc += zp[((size_t)c * zs.h + u) * zs.w + v] *
                                   x[(((size_t)n * xs.c + c) * xs.h + i + u) * xs.w + j + v];
                y[((size_t)n * oh + i) * ow + j] = s * acc;
            }
}

static inline void rb_xcorr_bwd(rb_shape zs, rb_shape xs, double s, const double *z, const double *x,
                                const double *dy, double *dz, double *dx) {
    int oh = xs.h - zs.h + 1, ow = xs.w - zs.w + 1;
    for (int n = 0; n < xs.n; n++)
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                double g = s * dy[((size_t)n * oh + i) * ow + j];
                size_t zo = zs.n == 1 ? 0 : (size_t)n * zs.c * zs.h * zs.w;
                for (int c = 0; c < xs.c; c++)
                    for (int u = 0; u < zs.h; u++)
                        for (int v = 0; v < zs.w; v++) {
                            size_t zi = zo + ((size_t)c * zs.h + u) * zs.w + v;
                            size_t xi = (((size_t)n * xs.c + c) * xs.h + i + u) * xs.w + j + v;
                            dz[zi] += g * x[xi];
                            dx[xi] += g * z[zi];
                        }
            }
}

/* BatchNormalization, training mode, x as [N, C, P]: y = gamma (x - mean) / sqrt(var + eps) + beta
 * with the batch's mean and biased variance. */
static inline void rb_bn_fwd(int N, int C, int P, double eps, const double *x, const double *gamma,
                             const double *beta, double *y, double *mean, double *var) {
    double M = (double)N * P;
    for (int c = 0; c < C; c++) {
        double s = 0, q = 0;
        for (int n = 0; n < N; n++)
            for (int p = 0; p < P; p++) s += x[((size_t)n * C + c) * P + p];
        double m = s / M;
        for (int n = 0; n < N; n++)
            for (int p = 0; p < P; p++) {
                double d = x[((size_t)n * C + c) * P + p] - m;
                q += d * d;
            }
        double v = q / M, inv = 1 / sqrt(v + eps);
        if (mean) mean[c] = m;
        if (var) var[c] = v;
        for (int n = 0; n < N; n++)
            for (int p = 0; p < P; p++) {
                size_t i = ((size_t)n * C + c) * P + p;
                y[i] = gamma[c] * (x[i] - m) * inv + beta[c];
            }
    }
}

static inline void rb_bn_bwd(int N, int C, int P, double eps, const double *x, const double *gamma,
                             const double *dy, double *dx, double *dgamma, double *dbeta) {
    double M = (double)N * P;
    for (int c = 0; c < C; c++) {
        double s = 0, q = 0, sdy = 0, sdx = 0;
        for (int n = 0; n < N; n++)
            for (int p = 0; p < P; p++) s += x[((size_t)n * C + c) * P + p];
        double m = s / M;
        for (int n = 0; n < N; n++)
            for (int p = 0; p < P; p++) {
                double d = x[((size_t)n * C + c) * P + p] - m;
                q += d * d;
            }
        double inv = 1 / sqrt(q / M + eps);
        for (int n = 0; n < N; n++)
            for (int p = 0; p < P; p++) {
                size_t i = ((size_t)n * C + c) * P + p;
                sdy += dy[i];
                sdx += dy[i] * (x[i] - m) * inv;
            }
        dgamma[c] += sdx;
        dbeta[c] += sdy;
        for (int n = 0; n < N; n++)
            for (int p = 0; p < P; p++) {
                size_t i = ((size_t)n * C + c) * P + p;
                dx[i] += gamma[c] * inv * (dy[i] - sdy / M - (x[i] - m) * inv * sdx / M);
            }
    }
}

#endif
