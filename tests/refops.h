/* Plain-C references shared by the op tests: fused activations and a direct
 * convolution with double accumulation. */
#ifndef SCL_REFOPS_H
#define SCL_REFOPS_H

#include <math.h>
#include <stddef.h>

#include "ops/ops.h"

static inline float ref_act(float x, scl_act act, float a, float b) {
    switch (act) {
    case SCL_ACT_RELU: return x > 0 ? x : 0;
    case SCL_ACT_CLIP: return x < a ? a : (x > b ? b : x);
    case SCL_ACT_HARDSWISH: { float t = x / 6.0f + 0.5f; t = t < 0 ? 0 : (t > 1 ? 1 : t); return x * t; }
    case SCL_ACT_HARDSIGMOID: { float t = a * x + b; return t < 0 ? 0 : (t > 1 ? 1 : t); }
    case SCL_ACT_SIGMOID: return 1.0f / (1.0f + expf(-x));
    case SCL_ACT_EXP: return expf(x);
    default: return x;
    }
}

/* y [n,oc,oh,ow] = act(conv(x [n,c,h,w], w [oc,c/groups,kh,kw]) + bias + res),
 * p gives kernel, strides, pads, dilation, groups and the activation. */
static inline void ref_conv2d(const scl_conv_params *p, int n_, int c_, int h_, int w_, int oc_, int oh, int ow,
                              const float *x, const float *w, const float *bias, const float *res, float *y) {
    int cg = c_ / p->groups, ocg = oc_ / p->groups;
    for (int n = 0; n < n_; n++)
        for (int o = 0; o < oc_; o++) {
            int g = o / ocg;
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double acc = bias ? bias[o] : 0.0;
                    for (int ci = 0; ci < cg; ci++) {
                        int c = g * cg + ci;
                        for (int u = 0; u < p->kh; u++) {
                            int iy = i * p->stride_h - p->pad_t + u * p->dil_h;
                            if (iy < 0 || iy >= h_) continue;
                            for (int v = 0; v < p->kw; v++) {
                                int ix = j * p->stride_w - p->pad_l + v * p->dil_w;
                                if (ix < 0 || ix >= w_) continue;
                                acc += (double)x[(((size_t)n * c_ + c) * h_ + iy) * w_ + ix] *
                                       w[(((size_t)o * cg + ci) * p->kh + u) * p->kw + v];
                            }
                        }
                    }
                    size_t yi = (((size_t)n * oc_ + o) * oh + i) * ow + j;
                    if (res) acc += res[yi];
                    y[yi] = ref_act((float)acc, p->act.act, p->act.a, p->act.b);
                }
        }
}

#endif
