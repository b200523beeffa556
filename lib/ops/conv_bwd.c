/* Convolution backward over chunks of images laid side by side:
 *   col  = im2col of the chunk as [C*kh*kw, n*P]
 *   dw  += dy * col^T, reduced by wgrad_part/wgrad_reduce straight from dy's
 *          layout (split over the n*P sum: a GEMM with a long reduction and a
 *          small output has too little parallel work otherwise)
 *   dx  += stride 1: the forward direct convolution of dy with the flipped,
 *          transposed weights (a "full" convolution), accumulating in place;
 *          strided: col = w^T * dyT (GEMM), then col2im
 *   db  += dy summed over images and pixels
 * with K = C/groups * kh * kw and P = oh * ow. Any stride, padding, dilation
 * and groups (depthwise included). The workspace holds col (and dyT) for
 * CHUNK_FLOATS worth of images (at least one), the partial sums and the
 * flipped weights. */
#include "ops/ops.h"

#define CHUNK_FLOATS ((size_t)8 << 20)
/* The weight-gradient reduction over q = (image, pixel) is split into slices
 * when the (m, n) blocks alone are too few to keep the device busy (the
 * embedding net's 20 x 25 conv1 over 147456 pixels); at most MAX_SLICES. */
#define MAX_SLICES 64

/* The transposed convolution is a stride-1 convolution with pads d*(k-1) - pad. */
static int dx_direct(const scl_conv_params *p) {
    return p->stride_h == 1 && p->stride_w == 1 && p->pad_t <= p->dil_h * (p->kh - 1) &&
           p->pad_b <= p->dil_h * (p->kh - 1) && p->pad_l <= p->dil_w * (p->kw - 1) &&
           p->pad_r <= p->dil_w * (p->kw - 1);
}

/* Slices of the nP sum for G groups' M x K weight gradients. */
static void wgrad_slices(int K, int M, int G, int nP, int *S, int *slice) {
    int blocks = ((K + 3) / 4) * ((M + 3) / 4) * G;
    int s = (256 + blocks - 1) / blocks, smax = (nP + 63) / 64;
    if (s > MAX_SLICES) s = MAX_SLICES;
    if (s > smax) s = smax;
    if (s < 1) s = 1;
    *S = s;
    *slice = (nP + s - 1) / s;
}

typedef struct bwd_layout {
    int chunk;              /* images per chunk */
    size_t col, dyt, part, wt, total; /* float offsets in the workspace, total floats */
} bwd_layout;

static bwd_layout layout(const scl_conv_params *p, const scl_view *x, const scl_view *dy) {
    bwd_layout l;
    size_t P = (size_t)dy->h * dy->w, rows = (size_t)x->c * p->kh * p->kw;
    size_t per = (rows + (dx_direct(p) ? 0 : (size_t)dy->c)) * P;
    size_t n = CHUNK_FLOATS / (per ? per : 1);
    if (n < 1) n = 1;
    if (n > (size_t)x->n) n = (size_t)x->n;
    size_t weights = (size_t)dy->c * (x->c / p->groups) * p->kh * p->kw;
    l.chunk = (int)n;
    l.col = 0;
    l.dyt = rows * n * P;
    l.part = n * per;
    int S, slice;
    wgrad_slices((x->c / p->groups) * p->kh * p->kw, dy->c / p->groups, p->groups, (int)n * dy->h * dy->w, &S, &slice);
    l.wt = l.part + (size_t)S * weights;
    l.total = l.wt + weights;
    return l;
}

size_t scl_conv2d_bwd_workspace_bytes(const scl_conv_params *p, const scl_view *x, const scl_view *dy) {
    return layout(p, x, dy).total * sizeof(float);
}

static siamcl_status run_col2im(scl_device *dev, const scl_conv_params *p, cl_mem dcol, size_t row_stride,
                                const scl_view *dx, int oh, int ow) {
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "conv_bwd", NULL, "col2im_acc", &k));
    cl_ulong xo = dx->off, rs = row_stride;
    cl_int C = dx->c, H = dx->h, W = dx->w, OH = oh, OW = ow, KH = p->kh, KW = p->kw, SH = p->stride_h,
           SW = p->stride_w, PT = p->pad_t, PL = p->pad_l, DH = p->dil_h, DW = p->dil_w;
    int e = SCL_ARG(k, 0, dcol) | SCL_ARG(k, 1, dx->mem) | SCL_ARG(k, 2, xo) | SCL_ARG(k, 3, C) | SCL_ARG(k, 4, H) |
            SCL_ARG(k, 5, W) | SCL_ARG(k, 6, OH) | SCL_ARG(k, 7, OW) | SCL_ARG(k, 8, KH) | SCL_ARG(k, 9, KW) |
            SCL_ARG(k, 10, SH) | SCL_ARG(k, 11, SW) | SCL_ARG(k, 12, PT) | SCL_ARG(k, 13, PL) | SCL_ARG(k, 14, DH) |
            SCL_ARG(k, 15, DW) | SCL_ARG(k, 16, rs);
    SCL_CL(e, "col2im_acc arguments");
    size_t g[3] = {(size_t)W, (size_t)H, (size_t)dx->n * C};
    return scl_launch(dev, k, 3, g, NULL, "col2im_acc");
}

static siamcl_status check_bwd(const scl_conv_params *p, const scl_view *x, cl_mem w, const scl_view *dy,
                               const scl_view *dx) {
    if (!p || !x || !w || !dy) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d_bwd: NULL argument");
    if (p->act.act != SCL_ACT_NONE)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d_bwd: a fused activation has its own backward pass");
    SCL_TRY(scl_view_check(x, "conv2d_bwd input", 0xffffffffu));
    SCL_TRY(scl_view_check(dy, "conv2d_bwd output gradient", 0xffffffffu));
    if (p->groups <= 0 || x->c % p->groups || dy->c % p->groups)
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d_bwd: %d groups do not divide %d -> %d channels", p->groups, x->c,
                        dy->c);
    int oh, ow;
    SCL_TRY(scl_conv2d_out_size(p, x->h, x->w, &oh, &ow));
    if (dy->n != x->n || dy->h != oh || dy->w != ow)
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d_bwd: output gradient %dx%dx%dx%d, expected %dx%dx%dx%d", dy->n,
                        dy->c, dy->h, dy->w, x->n, dy->c, oh, ow);
    if (dx && (dx->n != x->n || dx->c != x->c || dx->h != x->h || dx->w != x->w))
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d_bwd: input gradient shape differs from the input's");
    return SIAMCL_OK;
}

/* dw += dy * col^T for the chunk whose im2col is at ws + l->col. */
static siamcl_status wgrad(scl_device *dev, const scl_conv_params *p, const scl_view *x, const scl_view *dy,
                           size_t dyoff, int n, cl_mem dw, size_t dwoff, cl_mem ws, const bwd_layout *l) {
    const int G = p->groups, M = dy->c / G, N = x->c / G * p->kh * p->kw, P = dy->h * dy->w, NP = n * P;
    int S, slice;
    wgrad_slices(N, M, G, NP, &S, &slice);
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "conv_bwd", NULL, "wgrad_part", &k));
    cl_ulong ao = dyoff, ag = (cl_ulong)M * P, aimg = (cl_ulong)dy->c * P, bo = l->col, bg = (cl_ulong)N * NP;
    cl_ulong po = l->part;
    int e = SCL_ARG(k, 0, dy->mem) | SCL_ARG(k, 1, ao) | SCL_ARG(k, 2, ag) | SCL_ARG(k, 3, aimg) | SCL_ARG(k, 4, ws) |
            SCL_ARG(k, 5, bo) | SCL_ARG(k, 6, bg) | SCL_ARG(k, 7, ws) | SCL_ARG(k, 8, po) | SCL_ARG(k, 9, M) |
            SCL_ARG(k, 10, N) | SCL_ARG(k, 11, P) | SCL_ARG(k, 12, NP) | SCL_ARG(k, 13, S) | SCL_ARG(k, 14, slice);
    SCL_CL(e, "wgrad_part arguments");
    size_t g[3] = {(size_t)(N + 3) / 4, (size_t)(M + 3) / 4, (size_t)G * S}, l1[3] = {1, 1, 1};
    SCL_TRY(scl_launch(dev, k, 3, g, dev->info.type == SIAMCL_DEVICE_CPU ? l1 : NULL, "wgrad_part"));
    SCL_TRY(scl_kernel(dev, "conv_bwd", NULL, "wgrad_reduce", &k));
    cl_ulong wo = dwoff;
    e = SCL_ARG(k, 0, ws) | SCL_ARG(k, 1, po) | SCL_ARG(k, 2, dw) | SCL_ARG(k, 3, wo) | SCL_ARG(k, 4, M) |
        SCL_ARG(k, 5, N) | SCL_ARG(k, 6, S);
    SCL_CL(e, "wgrad_reduce arguments");
    size_t g2[3] = {(size_t)N, (size_t)M, (size_t)G};
    return scl_launch(dev, k, 3, g2, NULL, "wgrad_reduce");
}

/* The transposed convolution's weights (stride 1): flipped and transposed into the workspace once per call. */
static siamcl_status flip(scl_device *dev, const scl_conv_params *p, cl_mem w, size_t woff, int C, int OC, cl_mem ws,
                          const bwd_layout *l) {
    const int G = p->groups, Cg = C / G, OCg = OC / G;
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "conv_bwd", NULL, "flip_weights", &k));
    cl_ulong wo = woff, wto = l->wt;
    cl_int KH = p->kh, KW = p->kw;
    int e = SCL_ARG(k, 0, w) | SCL_ARG(k, 1, wo) | SCL_ARG(k, 2, ws) | SCL_ARG(k, 3, wto) | SCL_ARG(k, 4, Cg) |
            SCL_ARG(k, 5, OCg) | SCL_ARG(k, 6, KH) | SCL_ARG(k, 7, KW);
    SCL_CL(e, "flip_weights arguments");
    size_t g[3] = {(size_t)KH * KW, (size_t)OCg, (size_t)C};
    return scl_launch(dev, k, 3, g, NULL, "flip_weights");
}

/* dx += the transposed convolution of dy (stride 1): a direct convolution with the flipped weights. */
static siamcl_status dgrad_direct(scl_device *dev, const scl_conv_params *p, const scl_view *dyc,
                                  const scl_view *dxc, cl_mem ws, const bwd_layout *l) {
    scl_conv_params t = *p;
    t.pad_t = p->dil_h * (p->kh - 1) - p->pad_t;
    t.pad_b = p->dil_h * (p->kh - 1) - p->pad_b;
    t.pad_l = p->dil_w * (p->kw - 1) - p->pad_l;
    t.pad_r = p->dil_w * (p->kw - 1) - p->pad_r;
    t.algo = SCL_CONV_DIRECT;
    scl_view out = *dxc;
    return scl_conv2d_fwd(dev, &t, &(scl_conv_args){.x = dyc, .w = ws, .woff = l->wt, .residual = dxc, .y = &out});
}

/* dx += col2im(w^T * dyT) (strided convolutions). */
static siamcl_status dgrad_gemm(scl_device *dev, const scl_conv_params *p, cl_mem w, size_t woff,
                                const scl_view *dyc, const scl_view *dxc, cl_mem ws, const bwd_layout *l) {
    const int G = p->groups, OC = dyc->c, OCg = OC / G, P = dyc->h * dyc->w, K = dxc->c / G * p->kh * p->kw;
    const int nP = dyc->n * P;
    scl_view src = scl_view_make(dyc->mem, dyc->n, OC, P, 1), dst = scl_view_make(ws, OC, dyc->n, P, 1);
    src.off = dyc->off;
    dst.off = l->dyt;
    const int perm[4] = {1, 0, 2, 3};
    SCL_TRY(scl_transpose_fwd(dev, perm, &src, &dst));
    /* col_g (K x nP) = w_g^T (K x OCg) * dyT_g (OCg x nP) */
    SCL_TRY(scl_gemm_fwd(dev, 1, 0, K, nP, OCg, 1.0f, w, woff, K, (size_t)OCg * K, ws, l->dyt, nP, (size_t)OCg * nP,
                         0.0f, ws, l->col, nP, (size_t)K * nP, G));
    return run_col2im(dev, p, ws, (size_t)nP, dxc, dyc->h, dyc->w);
}

siamcl_status scl_conv2d_bwd(scl_device *dev, const scl_conv_params *p, const scl_view *x, cl_mem w, size_t woff,
                             const scl_view *dy, scl_view *dx, cl_mem dw, size_t dwoff, cl_mem db, size_t dboff,
                             cl_mem ws) {
    if (!dev) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d_bwd: NULL device");
    SCL_TRY(check_bwd(p, x, w, dy, dx));
    if ((dx || dw) && !ws) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d_bwd: no workspace");
    bwd_layout l = layout(p, x, dy);
    if (dx && dx_direct(p)) SCL_TRY(flip(dev, p, w, woff, x->c, dy->c, ws, &l));
    const size_t x_img = (size_t)x->c * x->h * x->w, y_img = (size_t)dy->c * dy->h * dy->w;
    for (int n0 = 0; (dx || dw) && n0 < x->n; n0 += l.chunk) {
        int n = x->n - n0 < l.chunk ? x->n - n0 : l.chunk;
        scl_view xc = *x, dyc = *dy;
        xc.n = dyc.n = n;
        xc.off += (size_t)n0 * x_img;
        dyc.off += (size_t)n0 * y_img;
        if (dw) {
            SCL_TRY(scl_conv_im2col(dev, p, &xc, ws, dy->h, dy->w, (size_t)dy->h * dy->w, (size_t)n * dy->h * dy->w));
            SCL_TRY(wgrad(dev, p, x, dy, dyc.off, n, dw, dwoff, ws, &l));
        }
        if (dx) {
            scl_view dxc = *dx;
            dxc.n = n;
            dxc.off += (size_t)n0 * x_img;
            SCL_TRY(dx_direct(p) ? dgrad_direct(dev, p, &dyc, &dxc, ws, &l)
                                 : dgrad_gemm(dev, p, w, woff, &dyc, &dxc, ws, &l));
        }
    }
    if (db) {
        scl_view dbt = scl_view_make(db, 1, dy->c, 1, 1);
        dbt.off = dboff;
        SCL_TRY(scl_reduce_acc(dev, dy, &dbt));
    }
    return SIAMCL_OK;
}
