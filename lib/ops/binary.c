/* Broadcasting binary launchers (cl/binary.cl): add/mul/sub/div + activation. */
#include <stdio.h>

#include "ops/ops.h"

/* Strides of t over y's dims: the dense stride, or 0 where t broadcasts.
 * Returns 0 if some dim is neither y's extent nor 1. */
static int bcast_strides(const scl_view *t, const scl_view *y, cl_int4 *s) {
    const int td[4] = {t->n, t->c, t->h, t->w}, yd[4] = {y->n, y->c, y->h, y->w};
    int stride = 1;
    for (int i = 3; i >= 0; i--) {
        if (td[i] != yd[i] && td[i] != 1) return 0;
        s->s[i] = td[i] == 1 ? 0 : stride;
        stride *= td[i];
    }
    return 1;
}

static int same_shape(const scl_view *a, const scl_view *b) {
    return a->n == b->n && a->c == b->c && a->h == b->h && a->w == b->w;
}

siamcl_status scl_binary_fwd(scl_device *dev, scl_binary_op op, const scl_act_params *act, const scl_view *a,
                             const scl_view *b, scl_view *y) {
    if (!dev || !act) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "binary: NULL argument");
    if ((int)op < (int)SCL_BIN_ADD || (int)op > (int)SCL_BIN_DIV)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "binary: bad op %d", (int)op);
    if ((int)act->act < (int)SCL_ACT_NONE || (int)act->act > (int)SCL_ACT_EXP)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "binary: bad activation %d", (int)act->act);
    SCL_TRY(scl_view_check(a, "binary input a", 0x7fffffffu));
    SCL_TRY(scl_view_check(b, "binary input b", 0x7fffffffu));
    SCL_TRY(scl_view_check(y, "binary output", 0x7fffffffu));
    cl_int4 as, bs;
    if (!bcast_strides(a, y, &as) || !bcast_strides(b, y, &bs))
        return scl_fail(SIAMCL_ERR_SHAPE, "binary: %dx%dx%dx%d and %dx%dx%dx%d do not broadcast to %dx%dx%dx%d",
                        a->n, a->c, a->h, a->w, b->n, b->c, b->h, b->w, y->n, y->c, y->h, y->w);
    /* every dim of y must come from a or b (no broadcasting of both to a bigger y) */
    if ((a->n != y->n && b->n != y->n) || (a->c != y->c && b->c != y->c) || (a->h != y->h && b->h != y->h) ||
        (a->w != y->w && b->w != y->w))
        return scl_fail(SIAMCL_ERR_SHAPE, "binary: output %dx%dx%dx%d larger than the broadcast of its inputs",
                        y->n, y->c, y->h, y->w);
    int same = same_shape(a, y) && same_shape(b, y);
    /* one side a value per (n, c) plane, the other dense: the SE gate */
    const scl_view *plane = NULL, *dense = NULL;
    if (same_shape(a, y) && b->h == 1 && b->w == 1 && (y->h > 1 || y->w > 1)) plane = b, dense = a;
    else if (same_shape(b, y) && a->h == 1 && a->w == 1 && (y->h > 1 || y->w > 1)) plane = a, dense = b;
    if (!same && plane) {
        cl_int4 ps = plane == b ? bs : as;
        char defs[96];
        snprintf(defs, sizeof defs, "#define CH_OP %d\n#define CH_ACT %d\n#define CH_B %d\n", (int)op,
                 (int)act->act, plane == b);
        cl_kernel k;
        SCL_TRY(scl_kernel(dev, "binary", defs, "binary_chan", &k));
        cl_ulong xo = dense->off, so = plane->off, yo = y->off;
        cl_uint hw = (cl_uint)y->h * (cl_uint)y->w;
        cl_int sn = ps.s[0], sc = ps.s[1];
        int e = SCL_ARG(k, 0, dense->mem) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, plane->mem) | SCL_ARG(k, 3, so) |
                SCL_ARG(k, 4, sn) | SCL_ARG(k, 5, sc) | SCL_ARG(k, 6, y->mem) | SCL_ARG(k, 7, yo) |
                SCL_ARG(k, 8, hw) | SCL_ARG(k, 9, act->a) | SCL_ARG(k, 10, act->b);
        SCL_CL(e, "binary arguments");
        size_t l[3] = {hw >= 256 ? 256 : scl_round_up(hw, 8), 1, 1};
        size_t g[3] = {scl_round_up(hw, l[0]), (size_t)y->c, (size_t)y->n};
        return scl_launch(dev, k, 3, g, l, "binary_chan");
    }
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "binary", NULL, same ? "binary_same" : "binary_bcast", &k));
    cl_ulong ao = a->off, bo = b->off, yo = y->off;
    cl_uint total = (cl_uint)scl_view_count(y);
    cl_int o = (cl_int)op, ac = (cl_int)act->act;
    int e;
    if (same) {
        e = SCL_ARG(k, 0, a->mem) | SCL_ARG(k, 1, ao) | SCL_ARG(k, 2, b->mem) | SCL_ARG(k, 3, bo) |
            SCL_ARG(k, 4, y->mem) | SCL_ARG(k, 5, yo) | SCL_ARG(k, 6, total) | SCL_ARG(k, 7, o) | SCL_ARG(k, 8, ac) |
            SCL_ARG(k, 9, act->a) | SCL_ARG(k, 10, act->b);
    } else {
        cl_int4 yd = {{y->n, y->c, y->h, y->w}};
        e = SCL_ARG(k, 0, a->mem) | SCL_ARG(k, 1, ao) | SCL_ARG(k, 2, as) | SCL_ARG(k, 3, b->mem) |
            SCL_ARG(k, 4, bo) | SCL_ARG(k, 5, bs) | SCL_ARG(k, 6, y->mem) | SCL_ARG(k, 7, yo) | SCL_ARG(k, 8, yd) |
            SCL_ARG(k, 9, total) | SCL_ARG(k, 10, o) | SCL_ARG(k, 11, ac) | SCL_ARG(k, 12, act->a) |
            SCL_ARG(k, 13, act->b);
    }
    SCL_CL(e, "binary arguments");
    size_t g = total, l = 64;
    return scl_launch(dev, k, 1, &g, &l, same ? "binary_same" : "binary_bcast");
}
