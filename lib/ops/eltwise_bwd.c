/* Backward of the elementwise ops (cl/eltwise_bwd.cl): Relu, and the
 * broadcast reduction that serves Add, bias gradients and Reshape. */
#include "ops/ops.h"

siamcl_status scl_relu_bwd(scl_device *dev, const scl_view *y, const scl_view *dy, scl_view *dx) {
    if (!dev || !y || !dy || !dx) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "relu_bwd: NULL argument");
    SCL_TRY(scl_view_check(y, "relu_bwd output", 0xffffffffu));
    SCL_TRY(scl_view_check(dy, "relu_bwd output gradient", 0xffffffffu));
    SCL_TRY(scl_view_check(dx, "relu_bwd input gradient", 0xffffffffu));
    if (scl_view_count(y) != scl_view_count(dy) || scl_view_count(y) != scl_view_count(dx))
        return scl_fail(SIAMCL_ERR_SHAPE, "relu_bwd: size mismatch");
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "eltwise_bwd", NULL, "relu_bwd", &k));
    cl_ulong yo = y->off, go = dy->off, xo = dx->off;
    cl_uint n = (cl_uint)scl_view_count(y);
    int e = SCL_ARG(k, 0, y->mem) | SCL_ARG(k, 1, yo) | SCL_ARG(k, 2, dy->mem) | SCL_ARG(k, 3, go) |
            SCL_ARG(k, 4, dx->mem) | SCL_ARG(k, 5, xo) | SCL_ARG(k, 6, n);
    SCL_CL(e, "relu_bwd arguments");
    size_t g = n, l = 64;
    return scl_launch(dev, k, 1, &g, &l, "relu_bwd");
}

siamcl_status scl_reduce_acc(scl_device *dev, const scl_view *dy, scl_view *dx) {
    if (!dev || !dy || !dx) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "reduce_acc: NULL argument");
    SCL_TRY(scl_view_check(dy, "reduce_acc source", 0xffffffffu));
    SCL_TRY(scl_view_check(dx, "reduce_acc target", 0xffffffffu));
    cl_int x[4] = {dx->n, dx->c, dx->h, dx->w}, y[4] = {dy->n, dy->c, dy->h, dy->w};
    for (int i = 0; i < 4; i++)
        if (x[i] != y[i] && x[i] != 1)
            return scl_fail(SIAMCL_ERR_SHAPE, "reduce_acc: %dx%dx%dx%d does not broadcast to %dx%dx%dx%d", x[0], x[1],
                            x[2], x[3], y[0], y[1], y[2], y[3]);
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "eltwise_bwd", NULL, "reduce_acc", &k));
    cl_ulong yo = dy->off, xo = dx->off;
    int e = SCL_ARG(k, 0, dy->mem) | SCL_ARG(k, 1, yo) | SCL_ARG(k, 2, dx->mem) | SCL_ARG(k, 3, xo);
    for (int i = 0; i < 4; i++) e |= SCL_ARG(k, 4 + i, x[i]) | SCL_ARG(k, 8 + i, y[i]);
    SCL_CL(e, "reduce_acc arguments");
    size_t g = scl_view_count(dx), l = 64;
    return scl_launch(dev, k, 1, &g, &l, "reduce_acc");
}
