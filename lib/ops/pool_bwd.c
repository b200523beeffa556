/* Max pool backward (cl/pool_bwd.cl): the gradient goes to each window's
 * first maximum, found again from the forward input. */
#include "ops/ops.h"

siamcl_status scl_maxpool_bwd(scl_device *dev, const scl_pool_params *p, const scl_tensor *x, const scl_tensor *dy,
                              scl_tensor *dx) {
    if (!dev || !p || !x || !dy || !dx) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "maxpool_bwd: NULL argument");
    SCL_TRY(scl_tensor_check(x, "maxpool_bwd input", 0xffffffffu));
    SCL_TRY(scl_tensor_check(dy, "maxpool_bwd output gradient", 0xffffffffu));
    SCL_TRY(scl_tensor_check(dx, "maxpool_bwd input gradient", 0xffffffffu));
    int oh, ow;
    SCL_TRY(scl_pool_out_size(p, x->h, x->w, &oh, &ow));
    if (dy->n != x->n || dy->c != x->c || dy->h != oh || dy->w != ow || dx->n != x->n || dx->c != x->c ||
        dx->h != x->h || dx->w != x->w)
        return scl_fail(SIAMCL_ERR_SHAPE, "maxpool_bwd: gradients %dx%dx%dx%d / %dx%dx%dx%d do not fit input %dx%dx%dx%d",
                        dy->n, dy->c, dy->h, dy->w, dx->n, dx->c, dx->h, dx->w, x->n, x->c, x->h, x->w);
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "pool_bwd", NULL, "maxpool_bwd", &k));
    cl_ulong xo = x->off, yo = dy->off, dxo = dx->off;
    cl_int H = x->h, W = x->w, OH = oh, OW = ow, KH = p->kh, KW = p->kw, SH = p->stride_h, SW = p->stride_w,
           PT = p->pad_t, PL = p->pad_l;
    int e = SCL_ARG(k, 0, x->mem) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, dy->mem) | SCL_ARG(k, 3, yo) |
            SCL_ARG(k, 4, dx->mem) | SCL_ARG(k, 5, dxo) | SCL_ARG(k, 6, H) | SCL_ARG(k, 7, W) | SCL_ARG(k, 8, OH) |
            SCL_ARG(k, 9, OW) | SCL_ARG(k, 10, KH) | SCL_ARG(k, 11, KW) | SCL_ARG(k, 12, SH) | SCL_ARG(k, 13, SW) |
            SCL_ARG(k, 14, PT) | SCL_ARG(k, 15, PL);
    SCL_CL(e, "maxpool_bwd arguments");
    size_t g[3] = {(size_t)W, (size_t)H, (size_t)x->n * x->c};
    return scl_launch(dev, k, 3, g, NULL, "maxpool_bwd");
}
