/* Optimisers (cl/optim.cl): one launch over the whole parameter set. */
#include <math.h>

#include "train/train.h"

siamcl_status scl_opt_step(scl_opt *o, scl_tparams *ps) {
    cl_kernel k;
    cl_uint n = (cl_uint)ps->trainable;
    if (n == 0) return SIAMCL_OK;
    int e;
    if (o->kind == SCL_OPT_SGD) {
        SCL_TRY(scl_kernel(ps->dev, "optim", NULL, "sgd_step", &k));
        cl_int first = o->step == 0;
        e = SCL_ARG(k, 0, ps->w) | SCL_ARG(k, 1, ps->g) | SCL_ARG(k, 2, ps->s1) | SCL_ARG(k, 3, n) |
            SCL_ARG(k, 4, o->lr) | SCL_ARG(k, 5, o->momentum) | SCL_ARG(k, 6, o->weight_decay) | SCL_ARG(k, 7, first);
    } else {
        SCL_TRY(scl_kernel(ps->dev, "optim", NULL, "adam_step", &k));
        double t = (double)(o->step + 1);
        cl_float bc1 = (cl_float)(1.0 - pow(o->beta1, t)), bc2 = (cl_float)(1.0 - pow(o->beta2, t));
        e = SCL_ARG(k, 0, ps->w) | SCL_ARG(k, 1, ps->g) | SCL_ARG(k, 2, ps->s1) | SCL_ARG(k, 3, ps->s2) |
            SCL_ARG(k, 4, n) | SCL_ARG(k, 5, o->lr) | SCL_ARG(k, 6, o->beta1) | SCL_ARG(k, 7, o->beta2) |
            SCL_ARG(k, 8, o->eps) | SCL_ARG(k, 9, o->weight_decay) | SCL_ARG(k, 10, bc1) | SCL_ARG(k, 11, bc2);
    }
    SCL_CL(e, "optimiser arguments");
    size_t g = n, l = 64;
    SCL_TRY(scl_launch(ps->dev, k, 1, &g, &l, o->kind == SCL_OPT_SGD ? "sgd_step" : "adam_step"));
    o->step++;
    return SIAMCL_OK;
}
