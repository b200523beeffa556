/* Bicubic resize launcher (cl/resize.cl): the SiamFC response upsampling. */
#include "ops/ops.h"

static siamcl_status check_tensor(const scl_view *t, const char *what) {
    SCL_TRY(scl_view_check(t, what, 0x7fffffffu));
    if (t->h > 65536 || t->w > 65536)
        return scl_fail(SIAMCL_ERR_SHAPE, "%s: %dx%dx%dx%d is too large", what, t->n, t->c, t->h, t->w);
    return SIAMCL_OK;
}

siamcl_status scl_resize_bicubic_fwd(scl_device *dev, const scl_view *x, scl_view *y) {
    if (!dev) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "resize_bicubic: NULL device");
    SCL_TRY(check_tensor(x, "resize_bicubic input"));
    SCL_TRY(check_tensor(y, "resize_bicubic output"));
    if (y->n != x->n || y->c != x->c)
        return scl_fail(SIAMCL_ERR_SHAPE, "resize_bicubic: %dx%dx%dx%d -> %dx%dx%dx%d changes batch or channels",
                        x->n, x->c, x->h, x->w, y->n, y->c, y->h, y->w);
    if (x->mem == y->mem && x->off < y->off + scl_view_count(y) && y->off < x->off + scl_view_count(x))
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "resize_bicubic: input and output overlap");
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "resize", NULL, "resize_bicubic", &k));
    cl_ulong xo = x->off, yo = y->off;
    cl_int H = x->h, W = x->w, OH = y->h, OW = y->w;
    int e = SCL_ARG(k, 0, x->mem) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, y->mem) | SCL_ARG(k, 3, yo) |
            SCL_ARG(k, 4, H) | SCL_ARG(k, 5, W) | SCL_ARG(k, 6, OH) | SCL_ARG(k, 7, OW);
    SCL_CL(e, "resize_bicubic arguments");
    size_t l[3] = {y->w < 16 ? (size_t)y->w : 16, y->h < 4 ? (size_t)y->h : 4, 1};
    size_t g[3] = {(size_t)y->w, (size_t)y->h, (size_t)y->n * (size_t)y->c};
    return scl_launch(dev, k, 3, g, l, "resize_bicubic");
}
