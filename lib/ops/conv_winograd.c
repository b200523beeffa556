/* Winograd F(2x2,3x3) convolution (cl/conv_winograd.cl) for 3x3 stride-1
 * dilation-1 dense convolutions: weight transform, input transform, one
 * register-blocked product over channels per each of the 16 tile positions,
 * and an output transform fused with bias, residual and activation.
 * Everything lives in the caller's workspace (scl_conv_winograd_workspace_bytes):
 * nothing is allocated per call. The weight transform runs on every call (it
 * is C_in*C_out*9 work, small next to the product for the feature-map sizes
 * of the trackers). Shapes and buffers are checked by scl_conv2d_fwd.
 *
 * Not chosen by AUTO: on PoCL (2-core AVX-512, siamcl bench ciresnet22, 15 runs)
 * it is 2-3.5x slower than the direct kernel on every 3x3 layer, e.g. search
 * 3x128x56x56 24.2 ms vs 12.3 ms (input transform ~10 ms, product ~10 ms at
 * ~120 GFLOP/s, output transform ~3.5 ms), 3x64x62x62 12.0 vs 3.7 ms; whole
 * update 151 ms vs 102 ms. `tune` times it per layer (GPUs may differ). */
#include "ops/ops.h"

int scl_conv_winograd_applies(const scl_conv_params *p) {
    return p && p->kh == 3 && p->kw == 3 && p->stride_h == 1 && p->stride_w == 1 && p->dil_h == 1 &&
           p->dil_w == 1 && p->groups == 1;
}

typedef struct wgeom {
    size_t C, K, Kp, TH, TW, T, Tp;
} wgeom;

static wgeom geometry(const scl_view *x, const scl_view *y) {
    wgeom g;
    g.C = (size_t)x->c;
    g.K = (size_t)y->c;
    g.Kp = (g.K + 7) / 8 * 8;
    g.TH = ((size_t)y->h + 1) / 2;
    g.TW = ((size_t)y->w + 1) / 2;
    g.T = (size_t)x->n * g.TH * g.TW;
    g.Tp = (g.T + 15) / 16 * 16;
    return g;
}

static size_t ws_floats(const wgeom *g) {
    return 16 * (g->C * g->Kp + g->C * g->Tp + g->Kp * g->Tp);
}

size_t scl_conv_winograd_workspace_bytes(const scl_conv_params *p, const scl_view *x, const scl_view *y) {
    if (!scl_conv_winograd_applies(p) || !x || !y || x->n <= 0 || x->c <= 0 || y->c <= 0 || y->h <= 0 || y->w <= 0)
        return 0;
    wgeom g = geometry(x, y);
    return ws_floats(&g) * sizeof(float);
}

siamcl_status scl_conv_winograd_fwd(scl_device *dev, const scl_conv_params *p, const scl_conv_args *a,
                                    size_t workspace_floats) {
    if (!dev || !p || !a || !a->x || !a->y || !a->w)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv_winograd: NULL argument");
    const scl_view *x = a->x, *residual = a->residual;
    scl_view *y = a->y;
    cl_mem w = a->w, bias = a->bias, workspace = a->workspace;
    size_t woff = a->woff, boff = a->boff;
    if (!scl_conv_winograd_applies(p))
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv_winograd: needs a 3x3 stride-1 dilation-1 dense conv");
    wgeom g = geometry(x, y);
    size_t need = ws_floats(&g);
    if (!workspace)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d: the Winograd path needs a workspace of %zu bytes",
                        need * sizeof(float));
    if (workspace_floats < need)
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d: workspace of %zu bytes, %zu needed", workspace_floats * sizeof(float),
                        need * sizeof(float));
    if (workspace == x->mem || workspace == y->mem || (residual && workspace == residual->mem) || workspace == w ||
        (bias && workspace == bias))
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d: workspace aliases a tensor");
    if (g.T > 0x7fffffff || g.Tp > 0x7fffffff || g.C > 0x7fffffff || g.Kp > 0x7fffffff || (size_t)y->h > 0x7fffffff)
        return scl_fail(SIAMCL_ERR_SHAPE, "conv_winograd: sizes out of range");
    cl_int C = (cl_int)g.C, K = (cl_int)g.K, Kp = (cl_int)g.Kp, TH = (cl_int)g.TH, TW = (cl_int)g.TW, T = (cl_int)g.T,
           Tp = (cl_int)g.Tp, H = x->h, W = x->w, OH = y->h, OW = y->w, pt = p->pad_t, pl = p->pad_l;
    size_t u_off = 0, v_off = 16 * g.C * g.Kp, m_off = v_off + 16 * g.C * g.Tp;
    /* U, V and M are one workspace at element offsets uo, vo, mo. */
    cl_mem U = workspace, V = workspace, M = workspace;
    cl_ulong xo = x->off, wo = woff, yo = y->off, bo = boff, ro = residual ? residual->off : 0;
    cl_ulong uo = u_off, vo = v_off, mo = m_off;
    cl_kernel kw, ki, kg, ko;
    SCL_TRY(scl_kernel(dev, "conv_winograd", NULL, "wino_wtrans", &kw));
    SCL_TRY(scl_kernel(dev, "conv_winograd", NULL, "wino_itrans", &ki));
    SCL_TRY(scl_kernel(dev, "conv_winograd", NULL, "wino_gemm", &kg));
    SCL_TRY(scl_kernel(dev, "conv_winograd", NULL, "wino_otrans", &ko));

    int e = SCL_ARG(kw, 0, w) | SCL_ARG(kw, 1, wo) | SCL_ARG(kw, 2, U) | SCL_ARG(kw, 3, uo) | SCL_ARG(kw, 4, C) |
            SCL_ARG(kw, 5, K) | SCL_ARG(kw, 6, Kp);
    SCL_CL(e, "conv_winograd weight transform arguments");
    size_t gw[2] = {g.C, g.Kp};
    SCL_TRY(scl_launch(dev, kw, 2, gw, NULL, "conv_winograd_wtrans"));

    e = SCL_ARG(ki, 0, x->mem) | SCL_ARG(ki, 1, xo) | SCL_ARG(ki, 2, V) | SCL_ARG(ki, 3, vo) | SCL_ARG(ki, 4, C) |
        SCL_ARG(ki, 5, H) | SCL_ARG(ki, 6, W) | SCL_ARG(ki, 7, TH) | SCL_ARG(ki, 8, TW) | SCL_ARG(ki, 9, T) |
        SCL_ARG(ki, 10, Tp) | SCL_ARG(ki, 11, pt) | SCL_ARG(ki, 12, pl);
    SCL_CL(e, "conv_winograd input transform arguments");
    size_t gi[2] = {(size_t)x->n * g.TH, g.C};
    /* one row per work-group: PoCL would otherwise vectorise across rows (scatter) */
    const size_t l1[2] = {1, 1};
    SCL_TRY(scl_launch(dev, ki, 2, gi, l1, "conv_winograd_itrans"));

    e = SCL_ARG(kg, 0, U) | SCL_ARG(kg, 1, uo) | SCL_ARG(kg, 2, V) | SCL_ARG(kg, 3, vo) | SCL_ARG(kg, 4, M) |
        SCL_ARG(kg, 5, mo) | SCL_ARG(kg, 6, C) | SCL_ARG(kg, 7, Kp) | SCL_ARG(kg, 8, Tp);
    SCL_CL(e, "conv_winograd product arguments");
    size_t gg[3] = {g.Kp / 8, g.Tp / 16, 16};
    const size_t lg[3] = {1, 1, 1}; /* one 8x16 block per work-group: PoCL keeps the explicit vectors */
    SCL_TRY(scl_launch(dev, kg, 3, gg, lg, "conv_winograd_gemm"));

    cl_int hb = bias != NULL, hr = residual != NULL, act = (cl_int)p->act.act;
    cl_mem bm = bias ? bias : y->mem, rmem = residual ? residual->mem : y->mem;
    e = SCL_ARG(ko, 0, M) | SCL_ARG(ko, 1, mo) | SCL_ARG(ko, 2, y->mem) | SCL_ARG(ko, 3, yo) | SCL_ARG(ko, 4, bm) |
        SCL_ARG(ko, 5, bo) | SCL_ARG(ko, 6, hb) | SCL_ARG(ko, 7, rmem) | SCL_ARG(ko, 8, ro) | SCL_ARG(ko, 9, hr) |
        SCL_ARG(ko, 10, K) | SCL_ARG(ko, 11, Kp) | SCL_ARG(ko, 12, OH) | SCL_ARG(ko, 13, OW) | SCL_ARG(ko, 14, TH) |
        SCL_ARG(ko, 15, TW) | SCL_ARG(ko, 16, T) | SCL_ARG(ko, 17, Tp) | SCL_ARG(ko, 18, act) |
        SCL_ARG(ko, 19, p->act.a) | SCL_ARG(ko, 20, p->act.b);
    SCL_CL(e, "conv_winograd output transform arguments");
    size_t go[2] = {(size_t)x->n * g.TH, g.K};
    return scl_launch(dev, ko, 2, go, l1, "conv_winograd_otrans");
}
