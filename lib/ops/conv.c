/* 2-D convolution launchers: a direct kernel (cl/conv.cl) and im2col + CLBlast
 * SGEMM (cl/im2col.cl, ops/gemm.c), with bias, residual and activation fused.
 * Nothing is allocated per call: the GEMM path uses the caller's workspace. */
#include <stdio.h>
#include <stdlib.h>

#include "ops/ops.h"

/* ---- parameter and shape checks ---- */

static siamcl_status check_params(const scl_conv_params *p) {
    if (!p) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d: NULL params");
    if (p->kh < 1 || p->kw < 1 || p->stride_h < 1 || p->stride_w < 1 || p->dil_h < 1 || p->dil_w < 1 ||
        p->groups < 1 || p->pad_t < 0 || p->pad_l < 0 || p->pad_b < 0 || p->pad_r < 0)
        return scl_fail(SIAMCL_ERR_SHAPE,
                        "conv2d: invalid parameters kernel %dx%d stride %dx%d dilation %dx%d pads %d,%d,%d,%d groups %d",
                        p->kh, p->kw, p->stride_h, p->stride_w, p->dil_h, p->dil_w, p->pad_t, p->pad_l, p->pad_b,
                        p->pad_r, p->groups);
    if (p->algo != SCL_CONV_AUTO && p->algo != SCL_CONV_DIRECT && p->algo != SCL_CONV_GEMM &&
        p->algo != SCL_CONV_WINOGRAD)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d: unknown algorithm %d", (int)p->algo);
    if ((int)p->act.act < SCL_ACT_NONE || (int)p->act.act > SCL_ACT_EXP)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d: unknown activation %d", (int)p->act.act);
    return SIAMCL_OK;
}

/* floor((in + pads - dil*(k-1) - 1) / stride) + 1, computed without overflow
 * and with a floor that is right for negative numerators. */
static long out_dim(long in, long pa, long pb, long k, long s, long d) {
    long span = in + pa + pb - d * (k - 1) - 1;
    if (span < 0) return 0;
    return span / s + 1;
}

siamcl_status scl_conv2d_out_size(const scl_conv_params *p, int h, int w, int *oh, int *ow) {
    SCL_TRY(check_params(p));
    if (!oh || !ow) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d_out_size: NULL output");
    long H = out_dim(h, p->pad_t, p->pad_b, p->kh, p->stride_h, p->dil_h);
    long W = out_dim(w, p->pad_l, p->pad_r, p->kw, p->stride_w, p->dil_w);
    if (h <= 0 || w <= 0 || H <= 0 || W <= 0 || H > 0x7fffffff || W > 0x7fffffff)
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d: input %dx%d with kernel %dx%d gives a non-positive output %ldx%ld", h,
                        w, p->kh, p->kw, H, W);
    *oh = (int)H;
    *ow = (int)W;
    return SIAMCL_OK;
}

/* The algorithm SCL_CONV_AUTO resolves to. Measured on PoCL (2-core AVX-512
 * CPU, see direct_config; best of interleaved runs, same load): the direct
 * kernel runs the networks' dense 3x3/5x5/7x7/11x11 layers at ~160-280
 * GFLOP/s and their 1x1 layers at ~190-240, where im2col + CLBlast SGEMM
 * reached 15-30 with CLBlast's default tuning and 15-90 with gemm.c's CPU
 * parameters (CLBlast adds pad/copy passes and a 100-200 us fixed cost). So:
 *  - depthwise (C_in/groups == 1): direct, on every device (a GEMM with
 *    K = kh*kw per group is all overhead);
 *  - 1x1 stride-1 unpadded: direct on CPU devices, CLBlast GEMM straight on x
 *    elsewhere (GPUs, where CLBlast is tuned and the CPU-shaped register
 *    blocks of the direct kernel are not);
 *  - everything else: direct. AUTO therefore never needs a workspace, on any
 *    device, and scl_conv2d_workspace_bytes (which has no device) stays exact. */
static scl_conv_algo resolve(const scl_conv_params *p, const scl_device *dev) {
    if (p->algo == SCL_CONV_WINOGRAD) return scl_conv_winograd_applies(p) ? SCL_CONV_WINOGRAD : SCL_CONV_DIRECT;
    if (p->algo != SCL_CONV_AUTO) return p->algo;
    if (scl_conv_is_pointwise(p) && dev && dev->info.type != SIAMCL_DEVICE_CPU) return SCL_CONV_GEMM;
    return SCL_CONV_DIRECT;
}

static size_t im2col_floats(const scl_conv_params *p, const scl_view *x, int oh, int ow) {
    return (size_t)x->n * (size_t)x->c * (size_t)p->kh * (size_t)p->kw * (size_t)oh * (size_t)ow;
}

size_t scl_conv2d_workspace_bytes(const scl_conv_params *p, const scl_view *x, const scl_view *y) {
    (void)y;
    if (!p || !x || x->n <= 0 || x->c <= 0) return 0;
    int oh, ow;
    if (check_params(p) != SIAMCL_OK || scl_conv2d_out_size(p, x->h, x->w, &oh, &ow) != SIAMCL_OK) return 0;
    if (resolve(p, NULL) == SCL_CONV_WINOGRAD) return scl_conv_winograd_workspace_bytes(p, x, y);
    if (resolve(p, NULL) != SCL_CONV_GEMM || scl_conv_is_pointwise(p)) return 0;
    return im2col_floats(p, x, oh, ow) * sizeof(float);
}

/* Size in floats of a buffer, or 0 if it cannot be queried. */
static size_t buf_floats(cl_mem m) {
    return scl_buffer_size(m) / sizeof(float);
}

static siamcl_status check_tensor(const scl_view *t, const char *what) {
    if (!t || !t->mem) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d: NULL %s", what);
    if (t->n <= 0 || t->c <= 0 || t->h <= 0 || t->w <= 0)
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d: invalid %s shape %dx%dx%dx%d", what, t->n, t->c, t->h, t->w);
    size_t have = buf_floats(t->mem);
    if (t->off + scl_view_count(t) > have)
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d: %s %dx%dx%dx%d at offset %zu exceeds its buffer (%zu floats)",
                        what, t->n, t->c, t->h, t->w, t->off, have);
    return SIAMCL_OK;
}

static int overlaps(const scl_view *a, const scl_view *b) {
    if (a->mem != b->mem) return 0;
    size_t a1 = a->off + scl_view_count(a), b1 = b->off + scl_view_count(b);
    return a->off < b1 && b->off < a1;
}

static int same_view(const scl_view *a, const scl_view *b) {
    return a->mem == b->mem && a->off == b->off && a->n == b->n && a->c == b->c && a->h == b->h && a->w == b->w;
}

/* ---- direct path ---- */

/* Register blocking of the direct kernel for one shape (see cl/conv.cl), chosen
 * from measurements on PoCL (2-core AVX-512 CPU; scratch timing loops, best
 * of interleaved rounds). 8 channels x 2 vectors of 16 columns (16 zmm
 * accumulators) was the best block for every dense shape measured: 3x3
 * 64..256 ch at 27..62 px, 1x1 64..512 ch, 7x7/11x11 stride 2 on 3 ch and
 * AlexNet's grouped 5x5. Larger blocks (12 ch, 3-4 vectors) spill or waste
 * lanes; 2 rows x 1 vector compiled worse. Pointwise and deep-K layers run
 * channel blocks fastest (OCF) so consecutive work-groups share the input
 * tile in cache: 1x1 went from ~115 to ~210 GFLOP/s. Depthwise has no
 * channel reuse and blocks 16 rows instead (NanoTrack's 5x5 on 240 x 16x16:
 * 0.12 ms with 4 rows and a load per tap, 0.05 ms with 16 rows loaded once);
 * 8 at stride 2, as fast and a 5x5 program compiles in ~3 s instead of ~7. */
#define SPECIALISE_MACS (1 << 21)

typedef struct direct_cfg {
    int vw, ocb, rb, xb, ocf;
} direct_cfg;

static direct_cfg direct_config(int ocg, int cg, int kk, int sh, int spec, int oh, int ow, int res) {
    /* Few distinct blockings, so few programs to compile (~1.5 s each on
     * PoCL): 8 channels, or 1 for depthwise; a channel count that is not a
     * multiple of 8 runs its last block through the kernel's general loop. */
    direct_cfg c = {16, 8, 1, 2, 0};
    if (ocg == 1 && cg == 1) { /* depthwise: 16 rows (8 at stride 2), each input row loaded once */
        c.ocb = 1;
        c.rb = !spec ? 4 : sh == 1 ? 16 : 8; /* the row-reusing body needs a specialised program */
        c.xb = 1;
    }
    c.ocf = oh == 1 || cg * kk >= 2048;
    /* ...except a pointwise conv with a fused residual and a short reduction
     * (CIResNet's 64/128 -> 256/512 expansions + Add): its time goes to the
     * residual read and the output write, which stream along each channel
     * plane only when pixel tiles run fastest (3x256x60x60, K = 64: 3.5 ->
     * 2.3 ms; K = 128 at 23..27 px: ~6 % faster); 1x1s without a residual and
     * the dual form are 2x slower that way. */
    if (res && oh == 1 && cg * kk <= 256) c.ocf = 0;
    if (ow <= 16) c.xb = 1;
    if (ow <= 8) c.vw = 8;
    return c;
}

/* The direct kernel for a's tensors (a->residual with row/plane strides
 * rrow/rplane, 0 = y's; a->x2: the dual form). */
static siamcl_status run_direct(scl_device *dev, const scl_conv_params *p, const scl_conv_args *a, int rrow,
                                int rplane) {
    const scl_view *x = a->x, *res = a->residual, *x2 = a->x2;
    scl_view *y = a->y;
    cl_mem w = a->w, bias = a->bias, w2 = a->w2, bias2 = a->bias2;
    size_t woff = a->woff, boff = a->boff, w2off = a->w2off, b2off = a->b2off;
    /* a 1x1 stride-1 unpadded conv is a conv on the 1 x (H*W) image (a
     * windowed residual then maps each flat pixel back to its window row) */
    int windowed = res && ((rrow && rrow != y->w) || (rplane && rplane != y->h * y->w));
    int flat = scl_conv_is_pointwise(p);
    cl_int N = x->n, C = x->c, H = flat ? 1 : x->h, W = flat ? x->h * x->w : x->w, OC = y->c, OH = flat ? 1 : y->h,
           OW = flat ? y->h * y->w : y->w, KH = p->kh, KW = p->kw, SH = p->stride_h, SW = p->stride_w,
           PT = p->pad_t, PL = p->pad_l, DH = p->dil_h, DW = p->dil_w, G = p->groups, act = (cl_int)p->act.act;
    /* Layers with real work get a program specialised to their geometry and
     * channels per group (the loops unroll, weight offsets become immediates:
     * ~1.5-2x), and so do depthwise layers (few geometries; the row-reusing
     * body needs it). Small ones share one generic program per blocking: each
     * specialisation costs a compile (~0.5-4 s on PoCL, then cached on disk). */
    const cl_int C2 = x2 ? x2->c : 0;
    double macs = (double)N * OC * OH * OW * (C / G + C2) * KH * KW;
    int dw = C == G && OC == G;
    int spec = macs >= SPECIALISE_MACS || (dw && DH == 1 && DW == 1);
    direct_cfg cfg = direct_config(OC / G, C / G + C2, KH * KW, SH, spec, OH, OW, res != NULL);
#ifdef SCL_CONV_TUNING /* scratch benchmarks only: CONV_CFG=vw,ocb,rb,xb,ocf */
    const char *ce = getenv("CONV_CFG");
    if (ce) sscanf(ce, "%d,%d,%d,%d,%d", &cfg.vw, &cfg.ocb, &cfg.rb, &cfg.xb, &cfg.ocf);
#endif
    char defs[384];
    int n = snprintf(defs, sizeof defs, "#define VW %d\n#define OCB %d\n#define RB %d\n#define XB %d\n",
                     cfg.vw, cfg.ocb, cfg.rb, cfg.xb);
    if (x2) n += snprintf(defs + n, sizeof defs - (size_t)n, "#define DUAL 1\n");
    if (spec) {
        n += snprintf(defs + n, sizeof defs - (size_t)n,
                      "#define FKH %d\n#define FKW %d\n#define FSH %d\n#define FSW %d\n#define FDH %d\n"
                      "#define FDW %d\n#define FCG %d\n",
                      KH, KW, SH, SW, DH, DW, C / G);
        if (x2) snprintf(defs + n, sizeof defs - (size_t)n, "#define FCG2 %d\n", C2);
    }
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "conv", defs, "conv2d_direct", &k));
    cl_ulong xo = x->off, wo = woff, bo = boff, ro = res ? res->off : 0, yo = y->off;
    cl_int hb = bias != NULL, hr = res != NULL, ocf = cfg.ocf;
    cl_mem bm = bias ? bias : x->mem, rm = res ? res->mem : x->mem; /* unused placeholders */
    int e = SCL_ARG(k, 0, x->mem) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, w) | SCL_ARG(k, 3, wo) | SCL_ARG(k, 4, bm) |
            SCL_ARG(k, 5, bo) | SCL_ARG(k, 6, hb) | SCL_ARG(k, 7, rm) | SCL_ARG(k, 8, ro) | SCL_ARG(k, 9, hr) |
            SCL_ARG(k, 10, y->mem) | SCL_ARG(k, 11, yo) | SCL_ARG(k, 12, N) | SCL_ARG(k, 13, C) | SCL_ARG(k, 14, H) |
            SCL_ARG(k, 15, W) | SCL_ARG(k, 16, OC) | SCL_ARG(k, 17, OH) | SCL_ARG(k, 18, OW) | SCL_ARG(k, 19, KH) |
            SCL_ARG(k, 20, KW) | SCL_ARG(k, 21, SH) | SCL_ARG(k, 22, SW) | SCL_ARG(k, 23, PT) | SCL_ARG(k, 24, PL) |
            SCL_ARG(k, 25, DH) | SCL_ARG(k, 26, DW) | SCL_ARG(k, 27, G) | SCL_ARG(k, 28, act) |
            SCL_ARG(k, 29, p->act.a) | SCL_ARG(k, 30, p->act.b) | SCL_ARG(k, 31, ocf);
    cl_int rr = windowed && rrow ? rrow : windowed ? y->w : OW, rp = windowed && rplane ? rplane : OH * OW,
           rc = windowed && flat ? y->w : 0;
    if (windowed && flat && rr == rc) rc = 0; /* rows contiguous: only the planes are apart */
    e |= SCL_ARG(k, 32, rr) | SCL_ARG(k, 33, rp) | SCL_ARG(k, 34, rc);
    if (x2) {
        cl_ulong x2o = x2->off, w2o = w2off, b2o = b2off;
        cl_int hb2 = bias2 != NULL;
        cl_mem b2m = bias2 ? bias2 : x2->mem;
        e |= SCL_ARG(k, 35, x2->mem) | SCL_ARG(k, 36, x2o) | SCL_ARG(k, 37, C2) | SCL_ARG(k, 38, w2) |
             SCL_ARG(k, 39, w2o) | SCL_ARG(k, 40, b2m) | SCL_ARG(k, 41, b2o) | SCL_ARG(k, 42, hb2);
    }
    SCL_CL(e, "conv2d_direct arguments");
    size_t xt = (size_t)cfg.vw * cfg.xb, ocg = (size_t)(OC / G);
    size_t xtiles = ((size_t)OW + xt - 1) / xt, rblocks = ((size_t)OH + cfg.rb - 1) / cfg.rb,
           ocblocks = (ocg + cfg.ocb - 1) / cfg.ocb;
    size_t g[3] = {xtiles, rblocks, (size_t)N * G * ocblocks};
    if (cfg.ocf) {
        g[0] = ocblocks;
        g[1] = xtiles;
        g[2] = (size_t)N * G * rblocks;
    }
    /* One work-item per work-group on CPUs: each already owns a register block
     * of whole vectors, and PoCL's work-item loops around it only cost (and
     * with big driver-chosen groups, crashed on a 3x3x255x255 input). GPUs
     * keep the driver's choice. */
    if (dev->info.type == SIAMCL_DEVICE_CPU) {
        const size_t l[3] = {1, 1, 1};
        return scl_launch(dev, k, 3, g, l, "conv2d_direct");
    }
    return scl_launch(dev, k, 3, g, NULL, "conv2d_direct");
}

/* ---- GEMM path ---- */

siamcl_status scl_conv_im2col(scl_device *dev, const scl_conv_params *p, const scl_view *x, cl_mem col, int oh,
                               int ow, size_t img_stride, size_t row_stride) {
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "im2col", NULL, "im2col", &k));
    cl_ulong xo = x->off;
    cl_int C = x->c, H = x->h, W = x->w, OH = oh, OW = ow, KH = p->kh, KW = p->kw, SH = p->stride_h,
           SW = p->stride_w, PT = p->pad_t, PL = p->pad_l, DH = p->dil_h, DW = p->dil_w;
    cl_int rows = x->n * C * KH * KW;
    int e = SCL_ARG(k, 0, x->mem) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, col) | SCL_ARG(k, 3, C) | SCL_ARG(k, 4, H) |
            SCL_ARG(k, 5, W) | SCL_ARG(k, 6, OH) | SCL_ARG(k, 7, OW) | SCL_ARG(k, 8, KH) | SCL_ARG(k, 9, KW) |
            SCL_ARG(k, 10, SH) | SCL_ARG(k, 11, SW) | SCL_ARG(k, 12, PT) | SCL_ARG(k, 13, PL) | SCL_ARG(k, 14, DH) |
            SCL_ARG(k, 15, DW) | SCL_ARG(k, 16, rows);
    cl_ulong is = img_stride, rs = row_stride;
    e |= SCL_ARG(k, 17, is) | SCL_ARG(k, 18, rs);
    SCL_CL(e, "im2col arguments");
    size_t g[2] = {(size_t)oh, (size_t)rows};
    return scl_launch(dev, k, 2, g, NULL, "im2col");
}

static siamcl_status run_epilogue(scl_device *dev, const scl_act_params *act, cl_mem bias, size_t boff,
                                  const scl_view *res, scl_view *y) {
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "im2col", NULL, "conv_epilogue", &k));
    cl_ulong yo = y->off, bo = boff, ro = res ? res->off : 0;
    cl_int hb = bias != NULL, hr = res != NULL, C = y->c, P = y->h * y->w, a = (cl_int)act->act;
    cl_mem bm = bias ? bias : y->mem, rm = res ? res->mem : y->mem;
    int e = SCL_ARG(k, 0, y->mem) | SCL_ARG(k, 1, yo) | SCL_ARG(k, 2, bm) | SCL_ARG(k, 3, bo) | SCL_ARG(k, 4, hb) |
            SCL_ARG(k, 5, rm) | SCL_ARG(k, 6, ro) | SCL_ARG(k, 7, hr) | SCL_ARG(k, 8, C) | SCL_ARG(k, 9, P) |
            SCL_ARG(k, 10, a) | SCL_ARG(k, 11, act->a) | SCL_ARG(k, 12, act->b);
    SCL_CL(e, "conv_epilogue arguments");
    size_t g[3] = {(size_t)P, (size_t)y->c, (size_t)y->n};
    return scl_launch(dev, k, 3, g, NULL, "conv_epilogue");
}

static siamcl_status run_gemm(scl_device *dev, const scl_conv_params *p, const scl_view *x, cl_mem w, size_t woff,
                              cl_mem bias, size_t boff, const scl_view *res, cl_mem ws, scl_view *y) {
    const int G = p->groups, N = x->n, Cg = x->c / G, OCg = y->c / G;
    const size_t P = (size_t)y->h * y->w, K = (size_t)Cg * p->kh * p->kw;
    /* B operand: x itself for pointwise convs, else the im2col matrix */
    cl_mem bm;
    size_t b0, b_img, b_grp;
    if (scl_conv_is_pointwise(p)) {
        bm = x->mem;
        b0 = x->off;
        b_img = (size_t)x->c * x->h * x->w;
        b_grp = (size_t)Cg * x->h * x->w;
    } else {
        b_img = (size_t)x->c * p->kh * p->kw * P;
        SCL_TRY(scl_conv_im2col(dev, p, x, ws, y->h, y->w, b_img, P));
        bm = ws;
        b0 = 0;
        b_grp = K * P;
    }
    /* a residual that is y itself is added by the GEMM (beta = 1) */
    float beta = 0.0f;
    if (res && same_view(res, y)) {
        beta = 1.0f;
        res = NULL;
    }
    const size_t a_grp = (size_t)OCg * K, c_img = (size_t)y->c * P, c_grp = (size_t)OCg * P;
    if (N == 1 && G > 1) { /* one batched call over the groups */
        SCL_TRY(scl_gemm_fwd(dev, 0, 0, OCg, (int)P, (int)K, 1.0f, w, woff, (int)K, a_grp, bm, b0, (int)P, b_grp, beta,
                             y->mem, y->off, (int)P, c_grp, G));
    } else { /* per group, batched over the images (A shared: stride 0) */
        for (int g = 0; g < G; g++)
            SCL_TRY(scl_gemm_fwd(dev, 0, 0, OCg, (int)P, (int)K, 1.0f, w, woff + g * a_grp, (int)K, 0, bm,
                                 b0 + g * b_grp, (int)P, b_img, beta, y->mem, y->off + g * c_grp, (int)P, c_img, N));
    }
    if (bias || res || p->act.act != SCL_ACT_NONE) SCL_TRY(run_epilogue(dev, &p->act, bias, boff, res, y));
    return SIAMCL_OK;
}

/* The checks every single-input launcher makes: parameters, input and output
 * views, groups, the output size (*oh, *ow), no output over the input, weights
 * and bias inside their buffers. */
static siamcl_status check_args(const scl_conv_params *p, const scl_view *x, cl_mem w, size_t woff, cl_mem bias,
                                size_t boff, const scl_view *y, int *oh, int *ow) {
    SCL_TRY(check_params(p));
    SCL_TRY(check_tensor(x, "input"));
    SCL_TRY(check_tensor(y, "output"));
    const int G = p->groups;
    if (x->c % G || y->c % G)
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d: channels %d -> %d not divisible by groups %d", x->c, y->c, G);
    SCL_TRY(scl_conv2d_out_size(p, x->h, x->w, oh, ow));
    if (y->n != x->n || y->h != *oh || y->w != *ow)
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d: output %dx%dx%dx%d, expected %dx%dx%dx%d", y->n, y->c, y->h, y->w,
                        x->n, y->c, *oh, *ow);
    if (overlaps(x, y)) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d: output overlaps the input");
    size_t wn = (size_t)y->c * (x->c / G) * p->kh * p->kw;
    if (woff + wn > buf_floats(w))
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d: weights [%d,%d,%d,%d] at offset %zu exceed their buffer (%zu floats)",
                        y->c, x->c / G, p->kh, p->kw, woff, buf_floats(w));
    if (bias && boff + (size_t)y->c > buf_floats(bias))
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d: bias [%d] at offset %zu exceeds its buffer (%zu floats)", y->c, boff,
                        buf_floats(bias));
    return SIAMCL_OK;
}

siamcl_status scl_conv2d_fwd(scl_device *dev, const scl_conv_params *p, const scl_conv_args *a) {
    if (!dev || !a || !a->w) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d: NULL device or weights");
    if (a->x2 || a->res_row || a->res_plane)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d: a second input or a residual window needs "
                                                     "scl_conv2d_dual_fwd / scl_conv2d_reswin_fwd");
    const scl_view *x = a->x, *residual = a->residual;
    scl_view *y = a->y;
    cl_mem w = a->w, bias = a->bias, workspace = a->workspace;
    size_t woff = a->woff, boff = a->boff;
    int oh, ow;
    SCL_TRY(check_args(p, x, w, woff, bias, boff, y, &oh, &ow));
    const int G = p->groups;
    if (residual) {
        SCL_TRY(check_tensor(residual, "residual"));
        if (residual->n != y->n || residual->c != y->c || residual->h != y->h || residual->w != y->w)
            return scl_fail(SIAMCL_ERR_SHAPE, "conv2d: residual %dx%dx%dx%d does not match output %dx%dx%dx%d",
                            residual->n, residual->c, residual->h, residual->w, y->n, y->c, y->h, y->w);
        if (overlaps(residual, y) && !same_view(residual, y))
            return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d: residual partially overlaps the output");
    }
    scl_conv_algo algo = resolve(p, dev);
    if (algo == SCL_CONV_GEMM) {
        size_t need = scl_conv_is_pointwise(p) ? 0 : im2col_floats(p, x, oh, ow);
        if (need && !workspace)
            return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d: the GEMM path needs a workspace of %zu bytes",
                            need * sizeof(float));
        if (need && buf_floats(workspace) < need)
            return scl_fail(SIAMCL_ERR_SHAPE, "conv2d: workspace of %zu bytes, %zu needed",
                            buf_floats(workspace) * sizeof(float), need * sizeof(float));
        if (need && (workspace == x->mem || workspace == y->mem || (residual && workspace == residual->mem)))
            return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d: workspace aliases a tensor");
        size_t kk = (size_t)(x->c / G) * p->kh * p->kw, pp = (size_t)oh * ow;
        if (kk > 0x7fffffff || pp > 0x7fffffff)
            return scl_fail(SIAMCL_ERR_SHAPE, "conv2d: GEMM sizes out of range");
        return run_gemm(dev, p, x, w, woff, bias, boff, residual, workspace, y);
    }
    if (algo == SCL_CONV_WINOGRAD)
        return scl_conv_winograd_fwd(dev, p, a, buf_floats(workspace));
    return run_direct(dev, p, a, 0, 0);
}

siamcl_status scl_conv2d_dual_fwd(scl_device *dev, const scl_conv_params *p, const scl_conv_args *a) {
    if (!dev || !a || !a->w || !a->w2)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d dual: NULL device or weights");
    if (a->residual) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d dual: no residual");
    const scl_view *x = a->x, *x2 = a->x2;
    const scl_view *y = a->y;
    cl_mem w = a->w, bias = a->bias, w2 = a->w2, bias2 = a->bias2;
    size_t woff = a->woff, boff = a->boff, w2off = a->w2off, b2off = a->b2off;
    SCL_TRY(check_params(p));
    if (!scl_conv_is_pointwise(p) || p->dil_h != 1 || p->dil_w != 1 || p->groups != 1)
        return scl_fail(SIAMCL_ERR_UNSUPPORTED,
                        "conv2d dual: only 1x1 stride-1 unpadded groups-1 convolutions (kernel %dx%d stride %dx%d "
                        "groups %d)",
                        p->kh, p->kw, p->stride_h, p->stride_w, p->groups);
    SCL_TRY(check_tensor(x, "input"));
    SCL_TRY(check_tensor(x2, "second input"));
    SCL_TRY(check_tensor(y, "output"));
    if (x2->n != x->n || x2->h != x->h || x2->w != x->w || y->n != x->n || y->h != x->h || y->w != x->w)
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d dual: inputs %dx%dx%dx%d and %dx%dx%dx%d, output %dx%dx%dx%d",
                        x->n, x->c, x->h, x->w, x2->n, x2->c, x2->h, x2->w, y->n, y->c, y->h, y->w);
    if (overlaps(x, y) || overlaps(x2, y))
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d dual: output overlaps an input");
    if (woff + (size_t)y->c * x->c > buf_floats(w) || w2off + (size_t)y->c * x2->c > buf_floats(w2))
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d dual: weights [%d,%d] / [%d,%d] exceed their buffers", y->c, x->c,
                        y->c, x2->c);
    if ((bias && boff + (size_t)y->c > buf_floats(bias)) || (bias2 && b2off + (size_t)y->c > buf_floats(bias2)))
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d dual: bias [%d] exceeds its buffer", y->c);
    return run_direct(dev, p, a, 0, 0);
}

siamcl_status scl_conv2d_reswin_fwd(scl_device *dev, const scl_conv_params *p, const scl_conv_args *a) {
    if (!dev || !a || !a->w)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d residual window: NULL device or weights");
    if (a->x2) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d residual window: no second input");
    const scl_view *x = a->x, *residual = a->residual;
    scl_view *y = a->y;
    cl_mem w = a->w, bias = a->bias;
    size_t woff = a->woff, boff = a->boff;
    const int res_row = a->res_row, res_plane = a->res_plane;
    if (!residual) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d residual window: NULL residual");
    int oh, ow;
    SCL_TRY(check_args(p, x, w, woff, bias, boff, y, &oh, &ow));
    const scl_view *r = residual;
    if (!r->mem) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d residual window: NULL residual buffer");
    if (r->n != y->n || r->c != y->c || r->h != y->h || r->w != y->w)
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d: residual window %dx%dx%dx%d does not match output %dx%dx%dx%d",
                        r->n, r->c, r->h, r->w, y->n, y->c, y->h, y->w);
    const int rrow = res_row ? res_row : y->w, rplane = res_plane ? res_plane : y->h * y->w;
    if (res_row < 0 || res_plane < 0 || rrow < y->w || (long)rplane < (long)(y->h - 1) * rrow + y->w)
        return scl_fail(SIAMCL_ERR_SHAPE,
                        "conv2d: residual window strides row %d plane %d do not hold %dx%d rows (0 = the output's)",
                        res_row, res_plane, y->h, y->w);
    /* the window's last element: (n*c - 1) planes, h - 1 rows and w columns in */
    size_t span = ((size_t)r->n * r->c - 1) * (size_t)rplane + (size_t)(r->h - 1) * rrow + (size_t)r->w;
    if (r->off + span > buf_floats(r->mem))
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d: residual window at offset %zu spans %zu floats, its buffer has %zu",
                        r->off, span, buf_floats(r->mem));
    if (r->mem == y->mem && r->off < y->off + scl_view_count(y) && y->off < r->off + span)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d: residual window overlaps the output");
    return run_direct(dev, p, a, rrow, rplane);
}
