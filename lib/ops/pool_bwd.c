/* Max pool backward (cl/pool_bwd.cl): each window's first maximum is found
 * again from the forward input. Up to 4 phases of non-overlapping windows
 * scatter in place; beyond (kernels much larger than their stride) the maxima
 * go to the workspace and every input cell gathers the windows it won. */
#include "ops/ops.h"

size_t scl_maxpool_bwd_workspace_bytes(const scl_view *dy) { return scl_view_count(dy) * sizeof(cl_int); }

static siamcl_status check_pool_bwd(const scl_pool_params *p, const scl_view *x, const scl_view *dy,
                                    const scl_view *dx, int *oh, int *ow) {
    SCL_TRY(scl_view_check(x, "maxpool_bwd input", 0x7fffffffu));
    SCL_TRY(scl_view_check(dy, "maxpool_bwd output gradient", 0x7fffffffu));
    SCL_TRY(scl_view_check(dx, "maxpool_bwd input gradient", 0x7fffffffu));
    SCL_TRY(scl_pool_out_size(p, x->h, x->w, oh, ow));
    if (dy->n != x->n || dy->c != x->c || dy->h != *oh || dy->w != *ow || dx->n != x->n || dx->c != x->c ||
        dx->h != x->h || dx->w != x->w)
        return scl_fail(SIAMCL_ERR_SHAPE, "maxpool_bwd: gradients %dx%dx%dx%d / %dx%dx%dx%d do not fit input %dx%dx%dx%d",
                        dy->n, dy->c, dy->h, dy->w, dx->n, dx->c, dx->h, dx->w, x->n, x->c, x->h, x->w);
    return SIAMCL_OK;
}

siamcl_status scl_maxpool_bwd(scl_device *dev, const scl_pool_params *p, const scl_view *x, const scl_view *dy,
                              scl_view *dx, cl_mem ws) {
    if (!dev || !p || !x || !dy || !dx || (!ws && scl_maxpool_bwd_workspace_bytes(dy) > 0 &&
                                           ((p->kh + p->stride_h - 1) / p->stride_h) *
                                                   ((p->kw + p->stride_w - 1) / p->stride_w) > 4))
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "maxpool_bwd: NULL argument");
    int oh, ow;
    SCL_TRY(check_pool_bwd(p, x, dy, dx, &oh, &ow));
    cl_int H = x->h, W = x->w, OH = oh, OW = ow, KH = p->kh, KW = p->kw, SH = p->stride_h, SW = p->stride_w,
           PT = p->pad_t, PL = p->pad_l;
    cl_ulong xo = x->off, yo = dy->off, dxo = dx->off;
    cl_kernel k;
    cl_int geo[10] = {H, W, OH, OW, KH, KW, SH, SW, PT, PL};
    /* phases of windows that do not overlap: 1 for disjoint windows, 4 for 3x3 stride 2 */
    const int PH = (KH + SH - 1) / SH, PW = (KW + SW - 1) / SW;
    if (PH * PW <= 4) {
        SCL_TRY(scl_kernel(dev, "pool_bwd", NULL, "maxpool_bwd_phase", &k));
        for (int py = 0; py < PH; py++)
            for (int px = 0; px < PW; px++) {
                cl_int ph[4] = {py, px, PH, PW};
                int e = SCL_ARG(k, 0, x->mem) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, dy->mem) | SCL_ARG(k, 3, yo) |
                        SCL_ARG(k, 4, dx->mem) | SCL_ARG(k, 5, dxo);
                for (int i = 0; i < 10; i++) e |= SCL_ARG(k, 6 + i, geo[i]);
                for (int i = 0; i < 4; i++) e |= SCL_ARG(k, 16 + i, ph[i]);
                SCL_CL(e, "maxpool_bwd_phase arguments");
                size_t g[2] = {(size_t)(oh - py + PH - 1) / PH, (size_t)x->n * x->c};
                if (g[0] > 0) SCL_TRY(scl_launch(dev, k, 2, g, NULL, "maxpool_bwd_phase"));
            }
        return SIAMCL_OK;
    }
    SCL_TRY(scl_kernel(dev, "pool_bwd", NULL, "maxpool_argmax", &k));
    int e = SCL_ARG(k, 0, x->mem) | SCL_ARG(k, 1, xo) | SCL_ARG(k, 2, ws);
    for (int i = 0; i < 10; i++) e |= SCL_ARG(k, 3 + i, geo[i]);
    SCL_CL(e, "maxpool_argmax arguments");
    size_t g[2] = {(size_t)oh, (size_t)x->n * x->c};
    SCL_TRY(scl_launch(dev, k, 2, g, NULL, "maxpool_argmax"));
    SCL_TRY(scl_kernel(dev, "pool_bwd", NULL, "maxpool_bwd", &k));
    e = SCL_ARG(k, 0, ws) | SCL_ARG(k, 1, dy->mem) | SCL_ARG(k, 2, yo) | SCL_ARG(k, 3, dx->mem) | SCL_ARG(k, 4, dxo);
    for (int i = 0; i < 10; i++) e |= SCL_ARG(k, 5 + i, geo[i]);
    SCL_CL(e, "maxpool_bwd arguments");
    size_t g2[2] = {(size_t)H, (size_t)x->n * x->c};
    return scl_launch(dev, k, 2, g2, NULL, "maxpool_bwd");
}
