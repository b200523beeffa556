/* BatchNormalization in training mode (cl/batchnorm.cl): batch statistics,
 * running statistics, normalisation; or the evaluation mode from the running
 * statistics. (Inference plans fold BatchNormalization into the convolution
 * before it or run it as a scale and shift: ops/binary.c.) */
#include "ops/ops.h"

siamcl_status scl_bn_check(const scl_bn_tensors *b, const scl_view *x, const char *what) {
    if (!b || !x) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "%s: NULL argument", what);
    SCL_TRY(scl_view_check(x, what, 0x7fffffffu));
    if (!b->gamma || !b->beta || !b->mean || !b->var || !b->saved)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "%s: a parameter buffer is NULL", what);
    if (!(b->eps > 0) || !(b->momentum >= 0 && b->momentum <= 1))
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "%s: epsilon %g, momentum %g", what, b->eps, b->momentum);
    return SIAMCL_OK;
}

/* x as [N, C, P]: a 4-D view's n, c and h*w */
static void ncp(const scl_view *x, cl_int *N, cl_int *C, cl_int *P) {
    *N = x->n, *C = x->c, *P = x->h * x->w;
}

static siamcl_status stats(scl_device *dev, const scl_bn_tensors *b, const scl_view *x, int training) {
    cl_int N, C, P;
    ncp(x, &N, &C, &P);
    cl_kernel k;
    cl_ulong xo = x->off, mo = b->mean_off, vo = b->var_off;
    int e;
    if (training) {
        SCL_TRY(scl_kernel(dev, "batchnorm", NULL, "bn_stats", &k));
        cl_int up = b->update_running;
        e = SCL_ARG(k, 0, x->mem) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, N) | SCL_ARG(k, 3, C) | SCL_ARG(k, 4, P) |
            SCL_ARG(k, 5, b->eps) | SCL_ARG(k, 6, b->momentum) | SCL_ARG(k, 7, b->mean) | SCL_ARG(k, 8, mo) |
            SCL_ARG(k, 9, b->var) | SCL_ARG(k, 10, vo) | SCL_ARG(k, 11, b->saved) | SCL_ARG(k, 12, up);
    } else {
        SCL_TRY(scl_kernel(dev, "batchnorm", NULL, "bn_running", &k));
        e = SCL_ARG(k, 0, b->mean) | SCL_ARG(k, 1, mo) | SCL_ARG(k, 2, b->var) | SCL_ARG(k, 3, vo) |
            SCL_ARG(k, 4, b->saved) | SCL_ARG(k, 5, C) | SCL_ARG(k, 6, b->eps);
    }
    SCL_CL(e, "batchnorm statistics arguments");
    size_t g = (size_t)C;
    return scl_launch(dev, k, 1, &g, NULL, training ? "bn_stats" : "bn_running");
}

siamcl_status scl_bn_fwd(scl_device *dev, const scl_bn_tensors *b, int training, const scl_view *x, scl_view *y) {
    if (!dev) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "batchnorm: NULL device");
    SCL_TRY(scl_bn_check(b, x, "batchnorm input"));
    SCL_TRY(scl_view_check(y, "batchnorm output", 0x7fffffffu));
    if (scl_view_count(x) != scl_view_count(y)) return scl_fail(SIAMCL_ERR_SHAPE, "batchnorm: size mismatch");
    SCL_TRY(stats(dev, b, x, training));
    cl_int N, C, P;
    ncp(x, &N, &C, &P);
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "batchnorm", NULL, "bn_apply", &k));
    cl_ulong xo = x->off, yo = y->off, go = b->gamma_off, bo = b->beta_off;
    int e = SCL_ARG(k, 0, x->mem) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, y->mem) | SCL_ARG(k, 3, yo) |
            SCL_ARG(k, 4, b->saved) | SCL_ARG(k, 5, b->gamma) | SCL_ARG(k, 6, go) | SCL_ARG(k, 7, b->beta) |
            SCL_ARG(k, 8, bo) | SCL_ARG(k, 9, C) | SCL_ARG(k, 10, P);
    SCL_CL(e, "bn_apply arguments");
    size_t g[3] = {(size_t)P, (size_t)C, (size_t)N};
    return scl_launch(dev, k, 3, g, NULL, "bn_apply");
}
