/* BatchNormalization backward, training mode (cl/batchnorm_bwd.cl). */
#include "ops/ops.h"

siamcl_status scl_bn_bwd(scl_device *dev, const scl_bn_tensors *b, const scl_view *x, const scl_view *dy,
                         scl_view *dx, cl_mem dgamma, size_t dgoff, cl_mem dbeta, size_t dboff, cl_mem sums) {
    if (!dev || !dy || !sums) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "batchnorm_bwd: NULL argument");
    SCL_TRY(scl_bn_check(b, x, "batchnorm_bwd input"));
    SCL_TRY(scl_view_check(dy, "batchnorm_bwd output gradient", 0x7fffffffu));
    if (scl_view_count(dy) != scl_view_count(x) || (dx && scl_view_count(dx) != scl_view_count(x)))
        return scl_fail(SIAMCL_ERR_SHAPE, "batchnorm_bwd: gradient sizes differ from the input's");
    cl_int N = x->n, C = x->c, P = x->h * x->w;
    cl_ulong xo = x->off, yo = dy->off, go = dgoff, bo = dboff;
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "batchnorm_bwd", NULL, "bn_bwd_reduce", &k));
    int e = SCL_ARG(k, 0, x->mem) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, dy->mem) | SCL_ARG(k, 3, yo) |
            SCL_ARG(k, 4, b->saved) | SCL_ARG(k, 5, sums) | SCL_ARG(k, 6, dgamma) | SCL_ARG(k, 7, go) |
            SCL_ARG(k, 8, dbeta) | SCL_ARG(k, 9, bo) | SCL_ARG(k, 10, N) | SCL_ARG(k, 11, C) | SCL_ARG(k, 12, P);
    SCL_CL(e, "bn_bwd_reduce arguments");
    size_t g1 = (size_t)C;
    SCL_TRY(scl_launch(dev, k, 1, &g1, NULL, "bn_bwd_reduce"));
    if (!dx) return SIAMCL_OK;
    SCL_TRY(scl_kernel(dev, "batchnorm_bwd", NULL, "bn_bwd_dx", &k));
    cl_ulong dxo = dx->off, gmo = b->gamma_off;
    e = SCL_ARG(k, 0, x->mem) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, dy->mem) | SCL_ARG(k, 3, yo) |
        SCL_ARG(k, 4, dx->mem) | SCL_ARG(k, 5, dxo) | SCL_ARG(k, 6, b->saved) | SCL_ARG(k, 7, sums) |
        SCL_ARG(k, 8, b->gamma) | SCL_ARG(k, 9, gmo) | SCL_ARG(k, 10, N) | SCL_ARG(k, 11, C) | SCL_ARG(k, 12, P);
    SCL_CL(e, "bn_bwd_dx arguments");
    size_t g[3] = {(size_t)P, (size_t)C, (size_t)N};
    return scl_launch(dev, k, 3, g, NULL, "bn_bwd_dx");
}
