/* SiamFC cross-correlation backward (cl/xcorr_bwd.cl): gradients for the
 * template features and for the search features. */
#include "ops/ops.h"

static siamcl_status check_xcorr_bwd(const scl_view *z, const scl_view *x, const scl_view *dy) {
    SCL_TRY(scl_view_check(z, "xcorr_bwd template", 0xffffffffu));
    SCL_TRY(scl_view_check(x, "xcorr_bwd search", 0xffffffffu));
    SCL_TRY(scl_view_check(dy, "xcorr_bwd response gradient", 0xffffffffu));
    if ((z->n != 1 && z->n != x->n) || z->c != x->c || z->h > x->h || z->w > x->w || dy->n != x->n || dy->c != 1 ||
        dy->h != x->h - z->h + 1 || dy->w != x->w - z->w + 1)
        return scl_fail(SIAMCL_ERR_SHAPE, "xcorr_bwd: template %dx%dx%dx%d, search %dx%dx%dx%d, gradient %dx%dx%dx%d",
                        z->n, z->c, z->h, z->w, x->n, x->c, x->h, x->w, dy->n, dy->c, dy->h, dy->w);
    return SIAMCL_OK;
}

siamcl_status scl_xcorr_bwd(scl_device *dev, float scale, const scl_view *z, const scl_view *x,
                            const scl_view *dy, scl_view *dz, scl_view *dx) {
    if (!dev || !z || !x || !dy) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "xcorr_bwd: NULL argument");
    SCL_TRY(check_xcorr_bwd(z, x, dy));
    cl_int N = x->n, ZN = z->n, C = x->c, KH = z->h, KW = z->w, H = x->h, W = x->w, OH = dy->h, OW = dy->w;
    cl_ulong zo = z->off, xo = x->off, yo = dy->off;
    cl_kernel k;
    if (dz) {
        if (scl_view_count(dz) != scl_view_count(z))
            return scl_fail(SIAMCL_ERR_SHAPE, "xcorr_bwd: template gradient size differs from the template's");
        SCL_TRY(scl_kernel(dev, "xcorr_bwd", NULL, "xcorr_bwd_z", &k));
        cl_ulong o = dz->off;
        int e = SCL_ARG(k, 0, x->mem) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, dy->mem) | SCL_ARG(k, 3, yo) |
                SCL_ARG(k, 4, dz->mem) | SCL_ARG(k, 5, o) | SCL_ARG(k, 6, N) | SCL_ARG(k, 7, ZN) | SCL_ARG(k, 8, C) |
                SCL_ARG(k, 9, KH) | SCL_ARG(k, 10, KW) | SCL_ARG(k, 11, H) | SCL_ARG(k, 12, W) | SCL_ARG(k, 13, OH) |
                SCL_ARG(k, 14, OW) | SCL_ARG(k, 15, scale);
        SCL_CL(e, "xcorr_bwd_z arguments");
        size_t g[3] = {(size_t)KW, (size_t)KH, (size_t)ZN * C};
        SCL_TRY(scl_launch(dev, k, 3, g, NULL, "xcorr_bwd_z"));
    }
    if (dx) {
        if (scl_view_count(dx) != scl_view_count(x))
            return scl_fail(SIAMCL_ERR_SHAPE, "xcorr_bwd: search gradient size differs from the search features'");
        SCL_TRY(scl_kernel(dev, "xcorr_bwd", NULL, "xcorr_bwd_x", &k));
        cl_ulong o = dx->off;
        int e = SCL_ARG(k, 0, z->mem) | SCL_ARG(k, 1, zo) | SCL_ARG(k, 2, dy->mem) | SCL_ARG(k, 3, yo) |
                SCL_ARG(k, 4, dx->mem) | SCL_ARG(k, 5, o) | SCL_ARG(k, 6, ZN) | SCL_ARG(k, 7, C) | SCL_ARG(k, 8, KH) |
                SCL_ARG(k, 9, KW) | SCL_ARG(k, 10, H) | SCL_ARG(k, 11, W) | SCL_ARG(k, 12, OH) | SCL_ARG(k, 13, OW) |
                SCL_ARG(k, 14, scale);
        SCL_CL(e, "xcorr_bwd_x arguments");
        size_t g[3] = {(size_t)W, (size_t)H, (size_t)N * C};
        SCL_TRY(scl_launch(dev, k, 3, g, NULL, "xcorr_bwd_x"));
    }
    return SIAMCL_OK;
}
