/* Convolution backward through the GEMM path, one image at a time (the
 * workspace holds one image's column matrix):
 *   dw_g += dy_g (OCg x P) * col_g^T (P x K)      weight gradient
 *   dcol_g = w_g^T (K x OCg) * dy_g (OCg x P)     then col2im into dx
 *   db   += dy summed over images and pixels
 * with K = C/groups * kh * kw and P = oh * ow. Any stride, padding,
 * dilation and groups (depthwise included). */
#include "ops/ops.h"

static size_t col_floats(const scl_conv_params *p, const scl_tensor *x, const scl_tensor *dy) {
    return (size_t)x->c * p->kh * p->kw * dy->h * dy->w;
}

size_t scl_conv2d_bwd_workspace_bytes(const scl_conv_params *p, const scl_tensor *x, const scl_tensor *dy) {
    return col_floats(p, x, dy) * sizeof(float);
}

static siamcl_status run_col2im(scl_device *dev, const scl_conv_params *p, cl_mem dcol, const scl_tensor *dx,
                                size_t dxoff, int oh, int ow) {
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "conv_bwd", NULL, "col2im_acc", &k));
    cl_ulong xo = dxoff;
    cl_int C = dx->c, H = dx->h, W = dx->w, OH = oh, OW = ow, KH = p->kh, KW = p->kw, SH = p->stride_h,
           SW = p->stride_w, PT = p->pad_t, PL = p->pad_l, DH = p->dil_h, DW = p->dil_w;
    int e = SCL_ARG(k, 0, dcol) | SCL_ARG(k, 1, dx->mem) | SCL_ARG(k, 2, xo) | SCL_ARG(k, 3, C) | SCL_ARG(k, 4, H) |
            SCL_ARG(k, 5, W) | SCL_ARG(k, 6, OH) | SCL_ARG(k, 7, OW) | SCL_ARG(k, 8, KH) | SCL_ARG(k, 9, KW) |
            SCL_ARG(k, 10, SH) | SCL_ARG(k, 11, SW) | SCL_ARG(k, 12, PT) | SCL_ARG(k, 13, PL) | SCL_ARG(k, 14, DH) |
            SCL_ARG(k, 15, DW);
    SCL_CL(e, "col2im_acc arguments");
    size_t g[3] = {(size_t)W, (size_t)H, (size_t)C};
    return scl_launch(dev, k, 3, g, NULL, "col2im_acc");
}

static siamcl_status check_bwd(const scl_conv_params *p, const scl_tensor *x, cl_mem w, const scl_tensor *dy,
                               const scl_tensor *dx) {
    if (!p || !x || !w || !dy) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d_bwd: NULL argument");
    if (p->act.act != SCL_ACT_NONE)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d_bwd: a fused activation has its own backward pass");
    SCL_TRY(scl_tensor_check(x, "conv2d_bwd input", 0xffffffffu));
    SCL_TRY(scl_tensor_check(dy, "conv2d_bwd output gradient", 0xffffffffu));
    if (p->groups <= 0 || x->c % p->groups || dy->c % p->groups)
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d_bwd: %d groups do not divide %d -> %d channels", p->groups, x->c,
                        dy->c);
    int oh, ow;
    SCL_TRY(scl_conv2d_out_size(p, x->h, x->w, &oh, &ow));
    if (dy->n != x->n || dy->h != oh || dy->w != ow)
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d_bwd: output gradient %dx%dx%dx%d, expected %dx%dx%dx%d", dy->n,
                        dy->c, dy->h, dy->w, x->n, dy->c, oh, ow);
    if (dx && (dx->n != x->n || dx->c != x->c || dx->h != x->h || dx->w != x->w))
        return scl_fail(SIAMCL_ERR_SHAPE, "conv2d_bwd: input gradient shape differs from the input's");
    return SIAMCL_OK;
}

siamcl_status scl_conv2d_bwd(scl_device *dev, const scl_conv_params *p, const scl_tensor *x, cl_mem w, size_t woff,
                             const scl_tensor *dy, scl_tensor *dx, cl_mem dw, size_t dwoff, cl_mem db, size_t dboff,
                             cl_mem ws) {
    if (!dev) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d_bwd: NULL device");
    SCL_TRY(check_bwd(p, x, w, dy, dx));
    if ((dx || dw) && !ws) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "conv2d_bwd: no workspace");
    const int G = p->groups, Cg = x->c / G, OCg = dy->c / G;
    const int P = dy->h * dy->w, K = Cg * p->kh * p->kw;
    const size_t x_img = (size_t)x->c * x->h * x->w, y_img = (size_t)dy->c * P, a_grp = (size_t)OCg * K;
    const size_t col_grp = (size_t)K * P, y_grp = (size_t)OCg * P;
    for (int n = 0; n < x->n; n++) {
        const size_t yo = dy->off + n * y_img;
        if (dw) {
            scl_tensor xn = *x;
            xn.n = 1;
            xn.off = x->off + n * x_img;
            SCL_TRY(scl_conv_im2col(dev, p, &xn, ws, dy->h, dy->w));
            /* dw_g (OCg x K) += dy_g (OCg x P) * col_g^T, the groups as one batched call */
            SCL_TRY(scl_gemm_fwd(dev, 0, 1, OCg, K, P, 1.0f, dy->mem, yo, P, y_grp, ws, 0, P, col_grp, 1.0f, dw, dwoff,
                                 K, a_grp, G));
        }
        if (dx) {
            /* dcol_g (K x P) = w_g^T (K x OCg) * dy_g (OCg x P) */
            SCL_TRY(scl_gemm_fwd(dev, 1, 0, K, P, OCg, 1.0f, w, woff, K, a_grp, dy->mem, yo, P, y_grp, 0.0f, ws, 0, P,
                                 col_grp, G));
            SCL_TRY(run_col2im(dev, p, ws, dx, dx->off + n * x_img, dy->h, dy->w));
        }
    }
    if (db) {
        scl_tensor dbt = scl_tensor_make(db, 1, dy->c, 1, 1);
        dbt.off = dboff;
        SCL_TRY(scl_reduce_acc(dev, dy, &dbt));
    }
    return SIAMCL_OK;
}
