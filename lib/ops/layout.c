/* Layout launchers (cl/layout.cl): transpose, slice and concat, all through
 * one strided-copy kernel. Inputs and outputs must not overlap. */
#include "ops/ops.h"

/* Same buffer and intersecting element ranges: the copy would read what it writes. */
static int overlap(const scl_view *a, const scl_view *b) {
    if (a->mem != b->mem) return 0;
    size_t ae = a->off + scl_view_count(a), be = b->off + scl_view_count(b);
    return a->off < be && b->off < ae;
}

static void dims_of(const scl_view *t, int d[4]) {
    d[0] = t->n;
    d[1] = t->c;
    d[2] = t->h;
    d[3] = t->w;
}

static void dense_strides(const int d[4], int s[4]) {
    s[3] = 1;
    for (int i = 2; i >= 0; i--) s[i] = s[i + 1] * d[i + 1];
}

/* Enqueue y[yoff + i.ys] = x[xoff + i.xs] over extents d. */
static siamcl_status strided_copy(scl_device *dev, cl_mem x, size_t xoff, const int xs[4], cl_mem y, size_t yoff,
                                  const int ys[4], const int d[4], const char *what) {
    cl_kernel k;
    /* rows of 8 or more: one work-item per row (strided_copy_rows) */
    int rows = d[3] >= 8;
    SCL_TRY(scl_kernel(dev, "layout", NULL, rows ? "strided_copy_rows" : "strided_copy", &k));
    cl_ulong xo = xoff, yo = yoff;
    cl_int4 cxs = {{xs[0], xs[1], xs[2], xs[3]}}, cys = {{ys[0], ys[1], ys[2], ys[3]}},
            cd = {{d[0], d[1], d[2], d[3]}};
    cl_uint total = (cl_uint)((size_t)d[0] * d[1] * d[2] * (rows ? 1 : d[3]));
    int e = SCL_ARG(k, 0, x) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, cxs) | SCL_ARG(k, 3, y) | SCL_ARG(k, 4, yo) |
            SCL_ARG(k, 5, cys) | SCL_ARG(k, 6, cd) | SCL_ARG(k, 7, total);
    SCL_CL(e, "layout arguments");
    size_t g = total, l = 64; /* rows: 8 per group cost ~10 % more on PoCL (group overhead) */
    return scl_launch(dev, k, 1, &g, &l, what);
}

siamcl_status scl_transpose_fwd(scl_device *dev, const int perm[4], const scl_view *x, scl_view *y) {
    if (!dev || !perm) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "transpose: NULL argument");
    SCL_TRY(scl_view_check(x, "transpose input", 0x7fffffffu));
    SCL_TRY(scl_view_check(y, "transpose output", 0x7fffffffu));
    int seen = 0;
    for (int i = 0; i < 4; i++) {
        if (perm[i] < 0 || perm[i] > 3 || (seen >> perm[i] & 1))
            return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "transpose: (%d,%d,%d,%d) is not a permutation of 0..3",
                            perm[0], perm[1], perm[2], perm[3]);
        seen |= 1 << perm[i];
    }
    int xd[4], yd[4], xs[4], ys[4], ps[4];
    dims_of(x, xd);
    dims_of(y, yd);
    for (int i = 0; i < 4; i++)
        if (yd[i] != xd[perm[i]])
            return scl_fail(SIAMCL_ERR_SHAPE, "transpose: %dx%dx%dx%d permuted by (%d,%d,%d,%d) is not %dx%dx%dx%d",
                            xd[0], xd[1], xd[2], xd[3], perm[0], perm[1], perm[2], perm[3], yd[0], yd[1], yd[2],
                            yd[3]);
    if (overlap(x, y)) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "transpose: input and output overlap");
    dense_strides(xd, xs);
    dense_strides(yd, ys);
    for (int i = 0; i < 4; i++) ps[i] = xs[perm[i]]; /* walking y's dim i walks x's dim perm[i] */
    return strided_copy(dev, x->mem, x->off, ps, y->mem, y->off, ys, yd, "transpose");
}

siamcl_status scl_slice_fwd(scl_device *dev, const int start[4], const int step[4], const scl_view *x,
                            scl_view *y) {
    if (!dev || !start || !step) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "slice: NULL argument");
    SCL_TRY(scl_view_check(x, "slice input", 0x7fffffffu));
    SCL_TRY(scl_view_check(y, "slice output", 0x7fffffffu));
    int xd[4], yd[4], xs[4], ys[4], ss[4];
    dims_of(x, xd);
    dims_of(y, yd);
    size_t base = x->off;
    dense_strides(xd, xs);
    dense_strides(yd, ys);
    for (int i = 0; i < 4; i++) {
        if (step[i] < 1 || start[i] < 0)
            return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "slice: dim %d start %d step %d (need start >= 0, step >= 1)",
                            i, start[i], step[i]);
        if ((long)start[i] + (long)(yd[i] - 1) * step[i] >= xd[i])
            return scl_fail(SIAMCL_ERR_SHAPE, "slice: dim %d: %d items from %d by %d leave the input extent %d", i,
                            yd[i], start[i], step[i], xd[i]);
        base += (size_t)start[i] * (size_t)xs[i];
        ss[i] = xs[i] * step[i];
    }
    if (overlap(x, y)) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "slice: input and output overlap");
    return strided_copy(dev, x->mem, base, ss, y->mem, y->off, ys, yd, "slice");
}

siamcl_status scl_concat_fwd(scl_device *dev, int axis, const scl_view *const *xs, int n, scl_view *y) {
    if (!dev || !xs) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "concat: NULL argument");
    if (axis < 0 || axis > 3) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "concat: axis %d not in 0..3", axis);
    if (n < 1) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "concat: %d inputs", n);
    SCL_TRY(scl_view_check(y, "concat output", 0x7fffffffu));
    int yd[4], ys[4];
    dims_of(y, yd);
    dense_strides(yd, ys);
    long total = 0;
    for (int j = 0; j < n; j++) {
        SCL_TRY(scl_view_check(xs[j], "concat input", 0x7fffffffu));
        int xd[4];
        dims_of(xs[j], xd);
        for (int i = 0; i < 4; i++)
            if (i != axis && xd[i] != yd[i])
                return scl_fail(SIAMCL_ERR_SHAPE, "concat: input %d is %dx%dx%dx%d, output %dx%dx%dx%d (axis %d)", j,
                                xd[0], xd[1], xd[2], xd[3], yd[0], yd[1], yd[2], yd[3], axis);
        total += xd[axis];
        if (overlap(xs[j], y)) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "concat: input %d overlaps the output", j);
    }
    if (total != yd[axis])
        return scl_fail(SIAMCL_ERR_SHAPE, "concat: inputs add up to %ld along axis %d, output has %d", total, axis,
                        yd[axis]);
    size_t at = 0; /* position along the axis */
    for (int j = 0; j < n; j++) {
        int xd[4], xst[4];
        dims_of(xs[j], xd);
        dense_strides(xd, xst);
        SCL_TRY(strided_copy(dev, xs[j]->mem, xs[j]->off, xst, y->mem, y->off + at * (size_t)ys[axis], ys, xd,
                             "concat"));
        at += (size_t)xd[axis];
    }
    return SIAMCL_OK;
}
