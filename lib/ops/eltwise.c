/* Elementwise launchers: activations and residual add (cl/eltwise.cl). */
#include "ops/ops.h"

static int same_shape(const scl_view *a, const scl_view *b) {
    return a->n == b->n && a->c == b->c && a->h == b->h && a->w == b->w;
}

siamcl_status scl_eltwise_act_fwd(scl_device *dev, const scl_act_params *act, const scl_view *x, scl_view *y) {
    if (!dev || !act) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "eltwise_act: NULL argument");
    SCL_TRY(scl_view_check(x, "eltwise_act input", 0xffffffffu));
    SCL_TRY(scl_view_check(y, "eltwise_act output", 0xffffffffu));
    if (scl_view_count(x) != scl_view_count(y)) return scl_fail(SIAMCL_ERR_SHAPE, "eltwise_act: size mismatch");
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "eltwise", NULL, "eltwise_act", &k));
    cl_ulong xo = x->off, yo = y->off;
    cl_uint n = (cl_uint)scl_view_count(x);
    cl_int a = (cl_int)act->act;
    int e = SCL_ARG(k, 0, x->mem) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, y->mem) | SCL_ARG(k, 3, yo) |
            SCL_ARG(k, 4, n) | SCL_ARG(k, 5, a) | SCL_ARG(k, 6, act->a) | SCL_ARG(k, 7, act->b);
    SCL_CL(e, "eltwise_act arguments");
    size_t g = n, l = 64;
    return scl_launch(dev, k, 1, &g, &l, "eltwise_act");
}

siamcl_status scl_eltwise_add_fwd(scl_device *dev, const scl_act_params *act, const scl_view *a,
                                  const scl_view *b, scl_view *y) {
    if (!dev || !act) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "eltwise_add: NULL argument");
    SCL_TRY(scl_view_check(a, "eltwise_add input a", 0xffffffffu));
    SCL_TRY(scl_view_check(b, "eltwise_add input b", 0xffffffffu));
    SCL_TRY(scl_view_check(y, "eltwise_add output", 0xffffffffu));
    if (!same_shape(a, b) || !same_shape(a, y))
        return scl_fail(SIAMCL_ERR_SHAPE, "eltwise_add: shapes %dx%dx%dx%d + %dx%dx%dx%d -> %dx%dx%dx%d differ", a->n,
                        a->c, a->h, a->w, b->n, b->c, b->h, b->w, y->n, y->c, y->h, y->w);
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "eltwise", NULL, "eltwise_add", &k));
    cl_ulong ao = a->off, bo = b->off, yo = y->off;
    cl_uint n = (cl_uint)scl_view_count(a);
    cl_int ac = (cl_int)act->act;
    int e = SCL_ARG(k, 0, a->mem) | SCL_ARG(k, 1, ao) | SCL_ARG(k, 2, b->mem) | SCL_ARG(k, 3, bo) |
            SCL_ARG(k, 4, y->mem) | SCL_ARG(k, 5, yo) | SCL_ARG(k, 6, n) | SCL_ARG(k, 7, ac) |
            SCL_ARG(k, 8, act->a) | SCL_ARG(k, 9, act->b);
    SCL_CL(e, "eltwise_add arguments");
    size_t g = n, l = 64;
    return scl_launch(dev, k, 1, &g, &l, "eltwise_add");
}
