/* Cross-correlation launchers (cl/xcorr.cl): the SiamFC head (all channels
 * summed, scale and bias) and the depthwise form. The head has two kernels:
 * xcorr_rows on CPU devices (register-blocked rows, one work-item per group)
 * and xcorr (work-groups reducing channel groups in local memory) elsewhere. */
#include "ops/ops.h"

#include <stdio.h>

/* Shared shape rules; oh, ow receive the correlation output size. */
static siamcl_status check_pair(const scl_view *z, const scl_view *x, int *oh, int *ow, const char *what) {
    SCL_TRY(scl_view_check(z, what, 0x7fffffffu));
    SCL_TRY(scl_view_check(x, what, 0x7fffffffu));
    if ((z->n != 1 && z->n != x->n) || z->c != x->c || z->h > x->h || z->w > x->w)
        return scl_fail(SIAMCL_ERR_SHAPE, "%s: template %dx%dx%dx%d does not fit search %dx%dx%dx%d", what, z->n,
                        z->c, z->h, z->w, x->n, x->c, x->h, x->w);
    *oh = x->h - z->h + 1;
    *ow = x->w - z->w + 1;
    return SIAMCL_OK;
}

/* Templates with more taps than this take the generic kernel on CPUs too
 * (xcorr_rows unrolls every tap). */
#define XCORR_ROWS_MAX_TAPS 64
/* Vector registers xcorr_rows may keep live in its inner loop: accumulators,
 * one search row, the template column (AVX-512 has 32; with AVX2's 16 some
 * spill to L1; the per-block totals live outside that loop). */
#define XCORR_ROWS_REGS 28

/* Output rows per xcorr_rows work-item: per channel a block of r rows costs
 * r*kh vector multiply-adds and r+kh-1 search-row loads per column chunk and
 * template column, so
 * tall blocks amortise the loads, while ceil(oh/r)*r rows get computed (the
 * last block overlaps). Pick the cheapest block that fits the registers, then
 * cut it while there are fewer work-items than compute units. It does not
 * depend on the batch otherwise, so one compiled program serves a tracker
 * group's every chunk size. */
static int xcorr_rows_per_item(int oh, int kh, int jb, size_t columns, unsigned cu) {
    int rmax = (XCORR_ROWS_REGS - jb - kh) / jb;
    if (rmax > oh) rmax = oh;
    if (rmax < 1) rmax = 1;
    int best = 1;
    long best_cost = 0;
    for (int r = 1; r <= rmax; r++) {
        long nrb = (oh + r - 1) / r, cost = nrb * (2L * r * kh + r + kh - 1); /* loads at half an FMA */
        if (r == 1 || cost < best_cost) best = r, best_cost = cost;
    }
    while (best > 1 && columns * (size_t)((oh + best - 1) / best) < cu) {
        int nrb = (oh + best - 1) / best + 1, r = (oh + nrb - 1) / nrb;
        best = r < best ? r : best - 1;
    }
    return best;
}

/* CPU path: xcorr_rows specialised to the template size and the blocking:
 * vectors of vw <= 16 outputs along a row, jb of them per work-item, r rows. */
static siamcl_status xcorr_rows(scl_device *dev, float scale, float bias, const scl_view *z, const scl_view *x,
                                scl_view *y) {
    const int kh = z->h, kw = z->w, oh = y->h, ow = y->w;
    int vw = 16;
    while (vw > ow) vw >>= 1;
    const int nj = (ow + vw - 1) / vw;        /* vector chunks per output row */
    const int ncb = (nj + 1) / 2;             /* work-items across a row ... */
    const int jb = (nj + ncb - 1) / ncb;      /* ... with at most 2 chunks each */
    const int r = xcorr_rows_per_item(oh, kh, jb, (size_t)x->n * ncb, dev->info.compute_units);
    const int nrb = (oh + r - 1) / r;
    char defs[160];
    snprintf(defs, sizeof defs, "#define XKH %d\n#define XKW %d\n#define XVW %d\n#define XJB %d\n#define XR %d\n", kh,
             kw, vw, jb, r);
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "xcorr", defs, "xcorr_rows", &k));
    cl_ulong zo = z->off, xo = x->off, yo = y->off;
    cl_uint zstep = z->n == 1 ? 0u : (cl_uint)((size_t)z->c * kh * kw);
    cl_int C = x->c, H = x->h, W = x->w, OH = oh, OW = ow, NJ = nj, NRB = nrb, NCB = ncb;
    int e = SCL_ARG(k, 0, z->mem) | SCL_ARG(k, 1, zo) | SCL_ARG(k, 2, zstep) | SCL_ARG(k, 3, x->mem) |
            SCL_ARG(k, 4, xo) | SCL_ARG(k, 5, y->mem) | SCL_ARG(k, 6, yo) | SCL_ARG(k, 7, C) | SCL_ARG(k, 8, H) |
            SCL_ARG(k, 9, W) | SCL_ARG(k, 10, OH) | SCL_ARG(k, 11, OW) | SCL_ARG(k, 12, NJ) | SCL_ARG(k, 13, NRB) |
            SCL_ARG(k, 14, NCB) | SCL_ARG(k, 15, scale) | SCL_ARG(k, 16, bias);
    SCL_CL(e, "xcorr_rows arguments");
    /* one work-item per group, as the direct convolution does on CPUs */
    const size_t g = (size_t)x->n * (size_t)nrb * (size_t)ncb, l = 1;
    return scl_launch(dev, k, 1, &g, &l, "xcorr");
}

siamcl_status scl_xcorr_fwd(scl_device *dev, float scale, float bias, const scl_view *z, const scl_view *x,
                            scl_view *y) {
    if (!dev) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "xcorr: NULL device");
    int oh = 0, ow = 0;
    SCL_TRY(check_pair(z, x, &oh, &ow, "xcorr"));
    SCL_TRY(scl_view_check(y, "xcorr output", 0x7fffffffu));
    if (y->n != x->n || y->c != 1 || y->h != oh || y->w != ow)
        return scl_fail(SIAMCL_ERR_SHAPE, "xcorr: output %dx%dx%dx%d, expected %dx1x%dx%d", y->n, y->c, y->h, y->w,
                        x->n, oh, ow);
    if (dev->info.type == SIAMCL_DEVICE_CPU && z->h * z->w <= XCORR_ROWS_MAX_TAPS)
        return xcorr_rows(dev, scale, bias, z, x, y);
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "xcorr", NULL, "xcorr", &k));
    /* work-group: up to 32 output columns times TC channel groups, <= 512 items */
    size_t cap = scl_kernel_wg_max(dev, k);
    if (cap > 512) cap = 512;
    size_t lx = (size_t)ow < 32 ? (size_t)ow : 32;
    if (lx > cap) lx = cap;
    size_t tc = 1;
    while (lx * tc * 2 <= cap && tc < (size_t)x->c) tc *= 2;
    cl_ulong zo = z->off, xo = x->off, yo = y->off;
    cl_uint zstep = z->n == 1 ? 0u : (cl_uint)((size_t)z->c * z->h * z->w);
    cl_int C = x->c, KH = z->h, KW = z->w, H = x->h, W = x->w, OH = oh, OW = ow;
    int e = SCL_ARG(k, 0, z->mem) | SCL_ARG(k, 1, zo) | SCL_ARG(k, 2, zstep) | SCL_ARG(k, 3, x->mem) |
            SCL_ARG(k, 4, xo) | SCL_ARG(k, 5, y->mem) | SCL_ARG(k, 6, yo) | SCL_ARG(k, 7, C) | SCL_ARG(k, 8, KH) |
            SCL_ARG(k, 9, KW) | SCL_ARG(k, 10, H) | SCL_ARG(k, 11, W) | SCL_ARG(k, 12, OH) | SCL_ARG(k, 13, OW) |
            SCL_ARG(k, 14, scale) | SCL_ARG(k, 15, bias) | SCL_ARG_LOCAL(k, 16, lx * tc * sizeof(cl_float));
    SCL_CL(e, "xcorr arguments");
    size_t g[2] = {scl_round_up((size_t)ow, lx), (size_t)x->n * (size_t)oh * tc}, l[2] = {lx, tc};
    return scl_launch(dev, k, 2, g, l, "xcorr");
}

siamcl_status scl_xcorr_dw_fwd(scl_device *dev, const scl_view *z, const scl_view *x, scl_view *y) {
    if (!dev) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "xcorr_dw: NULL device");
    int oh = 0, ow = 0;
    SCL_TRY(check_pair(z, x, &oh, &ow, "xcorr_dw"));
    SCL_TRY(scl_view_check(y, "xcorr_dw output", 0x7fffffffu));
    if (y->n != x->n || y->c != x->c || y->h != oh || y->w != ow)
        return scl_fail(SIAMCL_ERR_SHAPE, "xcorr_dw: output %dx%dx%dx%d, expected %dx%dx%dx%d", y->n, y->c, y->h,
                        y->w, x->n, x->c, oh, ow);
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "xcorr", NULL, "xcorr_dw", &k));
    cl_ulong zo = z->off, xo = x->off, yo = y->off;
    cl_uint zstep = z->n == 1 ? 0u : (cl_uint)((size_t)z->c * z->h * z->w);
    cl_int C = x->c, KH = z->h, KW = z->w, H = x->h, W = x->w, OH = oh, OW = ow;
    int e = SCL_ARG(k, 0, z->mem) | SCL_ARG(k, 1, zo) | SCL_ARG(k, 2, zstep) | SCL_ARG(k, 3, x->mem) |
            SCL_ARG(k, 4, xo) | SCL_ARG(k, 5, y->mem) | SCL_ARG(k, 6, yo) | SCL_ARG(k, 7, C) | SCL_ARG(k, 8, KH) |
            SCL_ARG(k, 9, KW) | SCL_ARG(k, 10, H) | SCL_ARG(k, 11, W) | SCL_ARG(k, 12, OH) | SCL_ARG(k, 13, OW);
    SCL_CL(e, "xcorr_dw arguments");
    size_t l[3] = {ow < 16 ? (size_t)ow : 16, oh < 4 ? (size_t)oh : 4, 1};
    size_t g[3] = {(size_t)ow, (size_t)oh, (size_t)x->n * (size_t)x->c};
    return scl_launch(dev, k, 3, g, l, "xcorr_dw");
}
