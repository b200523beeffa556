/* Cross-correlation launchers (cl/xcorr.cl): the SiamFC head (all channels
 * summed, scale and bias) and the depthwise form. */
#include "ops/ops.h"

/* Shared shape rules; oh, ow receive the correlation output size. */
static siamcl_status check_pair(const scl_tensor *z, const scl_tensor *x, int *oh, int *ow, const char *what) {
    SCL_TRY(scl_tensor_check(z, what, 0x7fffffffu));
    SCL_TRY(scl_tensor_check(x, what, 0x7fffffffu));
    if ((z->n != 1 && z->n != x->n) || z->c != x->c || z->h > x->h || z->w > x->w)
        return scl_fail(SIAMCL_ERR_SHAPE, "%s: template %dx%dx%dx%d does not fit search %dx%dx%dx%d", what, z->n,
                        z->c, z->h, z->w, x->n, x->c, x->h, x->w);
    *oh = x->h - z->h + 1;
    *ow = x->w - z->w + 1;
    return SIAMCL_OK;
}

static size_t kernel_max_wg(scl_device *dev, cl_kernel k) {
    size_t kmax = 0;
    if (clGetKernelWorkGroupInfo(k, dev->id, CL_KERNEL_WORK_GROUP_SIZE, sizeof kmax, &kmax, NULL) != CL_SUCCESS ||
        kmax == 0)
        kmax = 1;
    if (dev->info.max_work_group_size && dev->info.max_work_group_size < kmax) kmax = dev->info.max_work_group_size;
    return kmax;
}

siamcl_status scl_xcorr_fwd(scl_device *dev, float scale, float bias, const scl_tensor *z, const scl_tensor *x,
                            scl_tensor *y) {
    if (!dev) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "xcorr: NULL device");
    int oh = 0, ow = 0;
    SCL_TRY(check_pair(z, x, &oh, &ow, "xcorr"));
    SCL_TRY(scl_tensor_check(y, "xcorr output", 0x7fffffffu));
    if (y->n != x->n || y->c != 1 || y->h != oh || y->w != ow)
        return scl_fail(SIAMCL_ERR_SHAPE, "xcorr: output %dx%dx%dx%d, expected %dx1x%dx%d", y->n, y->c, y->h, y->w,
                        x->n, oh, ow);
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "xcorr", NULL, "xcorr", &k));
    /* work-group: up to 32 output columns times TC channel groups, <= 512 items */
    size_t cap = kernel_max_wg(dev, k);
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
            SCL_ARG(k, 14, scale) | SCL_ARG(k, 15, bias) | clSetKernelArg(k, 16, lx * tc * sizeof(cl_float), NULL);
    SCL_CL(e, "xcorr arguments");
    size_t g[2] = {scl_round_up((size_t)ow, lx), (size_t)x->n * (size_t)oh * tc}, l[2] = {lx, tc};
    return scl_launch(dev, k, 2, g, l, "xcorr");
}

siamcl_status scl_xcorr_dw_fwd(scl_device *dev, const scl_tensor *z, const scl_tensor *x, scl_tensor *y) {
    if (!dev) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "xcorr_dw: NULL device");
    int oh = 0, ow = 0;
    SCL_TRY(check_pair(z, x, &oh, &ow, "xcorr_dw"));
    SCL_TRY(scl_tensor_check(y, "xcorr_dw output", 0x7fffffffu));
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
