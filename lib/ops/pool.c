/* Pooling launchers (cl/pool.cl): max pool with floor/ceil mode and global
 * average pool. */
#include <stdio.h>

#include "ops/ops.h"

/* One axis: input n, kernel k, stride s, pads a (before) / b (after).
 * Ceil mode follows PyTorch/ONNX: the last window must start inside the
 * input or the leading padding, otherwise it is dropped. */
static int pool_axis(int n, int k, int s, int a, int b, int ceil_mode) {
    long span = (long)n + a + b - k;
    if (span < 0) return 0;
    long o = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    if (ceil_mode && (o - 1) * s >= (long)n + a) o--;
    return o > 0x7fffffff ? 0 : (int)o;
}

siamcl_status scl_pool_out_size(const scl_pool_params *p, int h, int w, int *oh, int *ow) {
    if (!p || !oh || !ow) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "pool_out_size: NULL argument");
    if (p->kh <= 0 || p->kw <= 0 || p->stride_h <= 0 || p->stride_w <= 0)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "pool: kernel %dx%d and stride %dx%d must be positive", p->kh,
                        p->kw, p->stride_h, p->stride_w);
    /* a pad as large as the kernel could make a window of padding only */
    if (p->pad_t < 0 || p->pad_b < 0 || p->pad_l < 0 || p->pad_r < 0 || p->pad_t >= p->kh || p->pad_b >= p->kh ||
        p->pad_l >= p->kw || p->pad_r >= p->kw)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "pool: pads t%d l%d b%d r%d must be in [0, kernel %dx%d)",
                        p->pad_t, p->pad_l, p->pad_b, p->pad_r, p->kh, p->kw);
    if (h <= 0 || w <= 0) return scl_fail(SIAMCL_ERR_SHAPE, "pool: invalid input size %dx%d", h, w);
    *oh = pool_axis(h, p->kh, p->stride_h, p->pad_t, p->pad_b, p->ceil_mode);
    *ow = pool_axis(w, p->kw, p->stride_w, p->pad_l, p->pad_r, p->ceil_mode);
    if (*oh <= 0 || *ow <= 0)
        return scl_fail(SIAMCL_ERR_SHAPE, "pool: kernel %dx%d does not fit input %dx%d with pads t%d l%d b%d r%d",
                        p->kh, p->kw, h, w, p->pad_t, p->pad_l, p->pad_b, p->pad_r);
    return SIAMCL_OK;
}

siamcl_status scl_maxpool_window_fwd(scl_device *dev, const scl_pool_params *p, const scl_view *x, int y0,
                                     int x0, int h, int w, scl_view *y) {
    if (!dev || !p) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "maxpool: NULL argument");
    SCL_TRY(scl_view_check(x, "maxpool input", 0xffffffffu));
    SCL_TRY(scl_view_check(y, "maxpool output", 0xffffffffu));
    if (y0 < 0 || x0 < 0 || h <= 0 || w <= 0 || h > x->h - y0 || w > x->w - x0)
        return scl_fail(SIAMCL_ERR_SHAPE, "maxpool: window %dx%d at (%d, %d) does not lie inside the input %dx%d", h, w,
                        y0, x0, x->h, x->w);
    int oh, ow;
    SCL_TRY(scl_pool_out_size(p, h, w, &oh, &ow));
    if (y->n != x->n || y->c != x->c || y->h != oh || y->w != ow)
        return scl_fail(SIAMCL_ERR_SHAPE, "maxpool: output %dx%dx%dx%d, expected %dx%dx%dx%d", y->n, y->c, y->h,
                        y->w, x->n, x->c, oh, ow);
    /* the geometry is baked in (a handful of programs: the networks use one or two pools) */
    char defs[128];
    snprintf(defs, sizeof defs, "#define PKH %d\n#define PKW %d\n#define PSH %d\n#define PSW %d\n", p->kh, p->kw,
             p->stride_h, p->stride_w);
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "pool", defs, "maxpool", &k));
    cl_ulong xo = x->off + (size_t)y0 * (size_t)x->w + (size_t)x0, yo = y->off, XP = (cl_ulong)x->h * (cl_ulong)x->w;
    cl_int H = h, W = w, XW = x->w, OH = oh, OW = ow, kh = p->kh, kw = p->kw, sh = p->stride_h, sw = p->stride_w,
           pt = p->pad_t, pl = p->pad_l;
    /* a few output rows per work-item, enough work-items to fill the device */
    cl_uint rows = (cl_uint)((size_t)y->n * y->c * y->h), rpi = 1;
    while (rpi < 8 && (size_t)rpi * ow < 256 && rows / (rpi * 2) >= 64) rpi *= 2;
    int e = SCL_ARG(k, 0, x->mem) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, y->mem) | SCL_ARG(k, 3, yo) |
            SCL_ARG(k, 4, H) | SCL_ARG(k, 5, W) | SCL_ARG(k, 6, XW) | SCL_ARG(k, 7, XP) | SCL_ARG(k, 8, OH) |
            SCL_ARG(k, 9, OW) | SCL_ARG(k, 10, kh) | SCL_ARG(k, 11, kw) | SCL_ARG(k, 12, sh) | SCL_ARG(k, 13, sw) |
            SCL_ARG(k, 14, pt) | SCL_ARG(k, 15, pl) | SCL_ARG(k, 16, rows) | SCL_ARG(k, 17, rpi);
    SCL_CL(e, "maxpool arguments");
    size_t g = (rows + rpi - 1) / rpi, l = 1;
    return scl_launch(dev, k, 1, &g, dev->info.type == SIAMCL_DEVICE_CPU ? &l : NULL, "maxpool");
}

siamcl_status scl_maxpool_fwd(scl_device *dev, const scl_pool_params *p, const scl_view *x, scl_view *y) {
    if (!x) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "maxpool: NULL input");
    return scl_maxpool_window_fwd(dev, p, x, 0, 0, x->h, x->w, y);
}

/* Largest power of two <= min(want, what the kernel allows on this device). */
static size_t reduce_local_size(scl_device *dev, cl_kernel k, size_t want) {
    size_t kmax = scl_kernel_wg_max(dev, k);
    if (want > kmax) want = kmax;
    size_t l = 1;
    while (l * 2 <= want) l *= 2;
    return l;
}

siamcl_status scl_global_avgpool_fwd(scl_device *dev, const scl_view *x, scl_view *y) {
    if (!dev) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "global_avgpool: NULL device");
    SCL_TRY(scl_view_check(x, "global_avgpool input", 0xffffffffu));
    SCL_TRY(scl_view_check(y, "global_avgpool output", 0xffffffffu));
    if (y->n != x->n || y->c != x->c || y->h != 1 || y->w != 1)
        return scl_fail(SIAMCL_ERR_SHAPE, "global_avgpool: output %dx%dx%dx%d, expected %dx%dx1x1", y->n, y->c,
                        y->h, y->w, x->n, x->c);
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "pool", NULL, "global_avgpool", &k));
    cl_uint hw = (cl_uint)((size_t)x->h * (size_t)x->w);
    /* enough work-items to cover the plane once, at most 256 */
    size_t want = 1;
    while (want < hw && want < 256) want *= 2;
    /* CPUs: one work-item sums a plane (PoCL runs the barriers of a local
     * reduction as separate loops: ~4x slower on NanoTrack's SE blocks) */
    if (dev->info.type == SIAMCL_DEVICE_CPU) want = 1;
    size_t l = reduce_local_size(dev, k, want);
    cl_ulong xo = x->off, yo = y->off;
    cl_float inv = 1.0f / (float)hw;
    int e = SCL_ARG(k, 0, x->mem) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, y->mem) | SCL_ARG(k, 3, yo) |
            SCL_ARG(k, 4, hw) | SCL_ARG(k, 5, inv) | SCL_ARG_LOCAL(k, 6, l * sizeof(cl_float));
    SCL_CL(e, "global_avgpool arguments");
    size_t g = (size_t)x->n * (size_t)x->c * l;
    return scl_launch(dev, k, 1, &g, &l, "global_avgpool");
}
