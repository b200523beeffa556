/* Max pool and global average pool against a plain C reference. */
#include "ops/ops.h"
#include "testutil.h"

static void ref_maxpool(const scl_pool_params *p, const float *x, int n, int c, int h, int w, float *y, int oh,
                        int ow) {
    for (int pl = 0; pl < n * c; pl++)
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                float m = -INFINITY;
                int cells = 0;
                for (int u = 0; u < p->kh; u++)
                    for (int v = 0; v < p->kw; v++) {
                        int hh = i * p->stride_h - p->pad_t + u, ww = j * p->stride_w - p->pad_l + v;
                        if (hh < 0 || hh >= h || ww < 0 || ww >= w) continue;
                        float t = x[((size_t)pl * h + hh) * w + ww];
                        if (t > m) m = t;
                        cells++;
                    }
                CHECK(cells > 0);
                y[((size_t)pl * oh + i) * ow + j] = m;
            }
}

static void run_maxpool(scl_device *dev, int n, int c, int h, int w, scl_pool_params p, float lo, float hi) {
    int oh = 0, ow = 0;
    CHECK_OK(scl_pool_out_size(&p, h, w, &oh, &ow));
    if (oh <= 0 || ow <= 0) return;
    size_t nx = (size_t)n * c * h * w, ny = (size_t)n * c * oh * ow;
    float *x = malloc(nx * 4), *ref = malloc(ny * 4);
    tu_fill(x, nx, lo, hi);
    ref_maxpool(&p, x, n, c, h, w, ref, oh, ow);
    /* place both tensors at non-zero offsets inside larger buffers */
    const size_t xo = 7, yo = 3;
    cl_mem dx = tu_upload(dev, NULL, nx + xo), dy = tu_upload(dev, NULL, ny + yo);
    CHECK_OK(scl_buffer_write(dev, dx, xo * 4, nx * 4, x));
    scl_view tx = {dx, xo, n, c, h, w}, ty = {dy, yo, n, c, oh, ow};
    CHECK_OK(scl_maxpool_fwd(dev, &p, &tx, &ty));
    float *all = tu_download(dev, dy, ny + yo);
    char what[160];
    snprintf(what, sizeof what, "maxpool %dx%dx%dx%d k%dx%d s%dx%d p%d,%d,%d,%d %s", n, c, h, w, p.kh, p.kw,
             p.stride_h, p.stride_w, p.pad_t, p.pad_l, p.pad_b, p.pad_r, p.ceil_mode ? "ceil" : "floor");
    tu_compare(what, all + yo, ref, ny);
    free(all);
    free(x);
    free(ref);
    scl_buffer_free(dev, dx);
    scl_buffer_free(dev, dy);
}

/* The pool of the h x w window at (y0, x0) of a larger H x W tensor, against
 * the reference on the window copied out. */
static void run_maxpool_window(scl_device *dev, int n, int c, int H, int W, int y0, int x0, int h, int w,
                               scl_pool_params p, float lo, float hi) {
    int oh = 0, ow = 0;
    CHECK_OK(scl_pool_out_size(&p, h, w, &oh, &ow));
    if (oh <= 0 || ow <= 0) return;
    size_t nx = (size_t)n * c * H * W, nw = (size_t)n * c * h * w, ny = (size_t)n * c * oh * ow;
    float *x = malloc(nx * 4), *win = malloc(nw * 4), *ref = malloc(ny * 4);
    tu_fill(x, nx, lo, hi);
    for (int pl = 0; pl < n * c; pl++)
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++)
                win[((size_t)pl * h + i) * w + j] = x[((size_t)pl * H + y0 + i) * W + x0 + j];
    ref_maxpool(&p, win, n, c, h, w, ref, oh, ow);
    const size_t xo = 5, yo = 2;
    cl_mem dx = tu_upload(dev, NULL, nx + xo), dy = tu_upload(dev, NULL, ny + yo);
    CHECK_OK(scl_buffer_write(dev, dx, xo * 4, nx * 4, x));
    scl_view tx = {dx, xo, n, c, H, W}, ty = {dy, yo, n, c, oh, ow};
    CHECK_OK(scl_maxpool_window_fwd(dev, &p, &tx, y0, x0, h, w, &ty));
    float *all = tu_download(dev, dy, ny + yo);
    char what[200];
    snprintf(what, sizeof what, "maxpool window %dx%d at (%d,%d) of %dx%dx%dx%d k%dx%d s%dx%d p%d,%d,%d,%d %s", h, w,
             y0, x0, n, c, H, W, p.kh, p.kw, p.stride_h, p.stride_w, p.pad_t, p.pad_l, p.pad_b, p.pad_r,
             p.ceil_mode ? "ceil" : "floor");
    tu_compare(what, all + yo, ref, ny);
    free(all);
    free(x);
    free(win);
    free(ref);
    scl_buffer_free(dev, dx);
    scl_buffer_free(dev, dy);
}

static void run_gap(scl_device *dev, int n, int c, int h, int w) {
    size_t nx = (size_t)n * c * h * w, ny = (size_t)n * c;
    float *x = malloc(nx * 4), *ref = malloc(ny * 4);
    tu_fill(x, nx, -3, 5);
    for (size_t pl = 0; pl < ny; pl++) {
        double s = 0;
        for (int i = 0; i < h * w; i++) s += x[pl * h * w + i];
        ref[pl] = (float)(s / (h * w));
    }
    cl_mem dx = tu_upload(dev, x, nx), dy = tu_upload(dev, NULL, ny + 5);
    scl_view tx = scl_view_make(dx, n, c, h, w), ty = {dy, 5, n, c, 1, 1};
    CHECK_OK(scl_global_avgpool_fwd(dev, &tx, &ty));
    float *all = tu_download(dev, dy, ny + 5);
    char what[96];
    snprintf(what, sizeof what, "global_avgpool %dx%dx%dx%d", n, c, h, w);
    tu_compare(what, all + 5, ref, ny);
    free(all);
    free(x);
    free(ref);
    scl_buffer_free(dev, dx);
    scl_buffer_free(dev, dy);
}

static scl_pool_params pp(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, int ceil_mode) {
    scl_pool_params p = {kh, kw, sh, sw, pt, pl, pb, pr, ceil_mode};
    return p;
}

int main(void) {
    siamcl_context *ctx = tu_context();
    scl_device *dev = tu_dev(ctx);

    /* output sizes: floor, ceil, and ceil's "last window must start inside" rule */
    int oh, ow;
    scl_pool_params p = pp(2, 2, 2, 2, 0, 0, 0, 0, 0);
    CHECK_OK(scl_pool_out_size(&p, 60, 27, &oh, &ow));
    CHECK(oh == 30 && ow == 13);
    p.ceil_mode = 1;
    CHECK_OK(scl_pool_out_size(&p, 60, 27, &oh, &ow));
    CHECK(oh == 30 && ow == 14);
    p = pp(3, 3, 2, 2, 0, 0, 0, 0, 1);
    CHECK_OK(scl_pool_out_size(&p, 6, 7, &oh, &ow));
    CHECK(oh == 3 && ow == 3); /* floor would give 2, 3 */
    p = pp(2, 2, 2, 2, 1, 1, 1, 1, 1);
    CHECK_OK(scl_pool_out_size(&p, 5, 4, &oh, &ow));
    CHECK(oh == 3 && ow == 3); /* ceil gives 4 for h=5, but window 4 would start in the padding */

    /* CIResNet's pools (2x2/2 floor), AlexNet's (3x3/2), odd shapes, padding, ceil */
    run_maxpool(dev, 1, 64, 60, 60, pp(2, 2, 2, 2, 0, 0, 0, 0, 0), -4, 4);
    run_maxpool(dev, 3, 16, 27, 27, pp(2, 2, 2, 2, 0, 0, 0, 0, 0), -4, 4);
    run_maxpool(dev, 2, 5, 27, 27, pp(2, 2, 2, 2, 0, 0, 0, 0, 1), -4, 4);
    run_maxpool(dev, 2, 7, 55, 55, pp(3, 3, 2, 2, 0, 0, 0, 0, 0), -4, 4);
    run_maxpool(dev, 1, 3, 13, 11, pp(3, 3, 2, 2, 1, 1, 1, 1, 1), -4, 4);
    run_maxpool(dev, 2, 3, 9, 10, pp(3, 2, 1, 3, 2, 0, 1, 1, 0), -4, 4);
    run_maxpool(dev, 1, 1, 1, 1, pp(1, 1, 1, 1, 0, 0, 0, 0, 0), -4, 4);
    run_maxpool(dev, 1, 2, 8, 8, pp(8, 8, 8, 8, 0, 0, 0, 0, 0), -4, 4);
    /* all-negative input with padding: a padded zero must never win */
    run_maxpool(dev, 2, 4, 7, 9, pp(3, 3, 2, 2, 1, 1, 1, 1, 1), -9, -1);
    run_maxpool(dev, 1, 3, 6, 5, pp(2, 3, 1, 1, 1, 2, 1, 2, 0), -9, -1);

    /* wide rows (the vector runs and their scalar edges), strides 1..3 */
    run_maxpool(dev, 2, 3, 20, 124, pp(3, 3, 2, 2, 1, 1, 1, 1, 0), -4, 4);
    run_maxpool(dev, 1, 2, 7, 53, pp(3, 3, 1, 1, 1, 1, 1, 1, 0), -9, -1);
    run_maxpool(dev, 1, 3, 9, 71, pp(2, 3, 3, 3, 0, 2, 1, 2, 1), -4, 4);
    run_maxpool(dev, 2, 4, 8, 33, pp(2, 2, 2, 2, 0, 0, 0, 0, 1), -4, 4);

    /* windows read in place (a folded Slice): CIResNet's crops before its pools,
     * then odd sizes and offsets, padding (cells outside the window never win,
     * even where the larger tensor has bigger values) */
    run_maxpool_window(dev, 3, 4, 64, 64, 2, 2, 60, 60, pp(3, 3, 2, 2, 1, 1, 1, 1, 0), -4, 4);
    run_maxpool_window(dev, 3, 5, 28, 28, 1, 1, 26, 26, pp(2, 2, 2, 2, 0, 0, 0, 0, 0), -4, 4);
    run_maxpool_window(dev, 2, 3, 31, 45, 3, 5, 25, 37, pp(3, 3, 2, 2, 1, 1, 1, 1, 1), -9, -1);
    run_maxpool_window(dev, 1, 2, 17, 19, 0, 1, 17, 17, pp(2, 2, 2, 2, 0, 0, 0, 0, 1), -4, 4);
    run_maxpool_window(dev, 2, 2, 12, 40, 4, 0, 7, 39, pp(3, 2, 1, 3, 2, 0, 1, 1, 0), -4, 4);
    run_maxpool_window(dev, 1, 1, 9, 9, 8, 8, 1, 1, pp(1, 1, 1, 1, 0, 0, 0, 0, 0), -4, 4);

    run_gap(dev, 2, 48, 16, 16);
    run_gap(dev, 3, 5, 7, 9);
    run_gap(dev, 1, 9, 1, 1);
    run_gap(dev, 1, 2, 127, 129);

    /* bad inputs */
    cl_mem d = tu_upload(dev, NULL, 4096);
    scl_view x = scl_view_make(d, 1, 2, 8, 8), y = scl_view_make(d, 1, 2, 4, 4);
    p = pp(2, 2, 2, 2, 0, 0, 0, 0, 0);
    CHECK_STATUS(scl_maxpool_fwd(NULL, &p, &x, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_maxpool_fwd(dev, NULL, &x, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_maxpool_fwd(dev, &p, NULL, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_maxpool_fwd(dev, &p, &x, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    scl_view nomem = scl_view_make(NULL, 1, 2, 8, 8);
    CHECK_STATUS(scl_maxpool_fwd(dev, &p, &nomem, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    scl_view wrong = scl_view_make(d, 1, 2, 4, 5);
    CHECK_STATUS(scl_maxpool_fwd(dev, &p, &x, &wrong), SIAMCL_ERR_SHAPE);
    wrong = scl_view_make(d, 1, 3, 4, 4);
    CHECK_STATUS(scl_maxpool_fwd(dev, &p, &x, &wrong), SIAMCL_ERR_SHAPE);
    scl_view neg = scl_view_make(d, 1, -2, 8, 8);
    CHECK_STATUS(scl_maxpool_fwd(dev, &p, &neg, &y), SIAMCL_ERR_SHAPE);
    /* windows that leave the input */
    CHECK_STATUS(scl_maxpool_window_fwd(dev, &p, &x, 1, 0, 8, 8, &y), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_maxpool_window_fwd(dev, &p, &x, 0, -1, 8, 8, &y), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_maxpool_window_fwd(dev, &p, &x, 0, 0, 0, 8, &y), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_maxpool_window_fwd(dev, &p, &x, 0, 0x7fffffff, 8, 8, &y), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_maxpool_window_fwd(dev, &p, &x, 2, 2, 6, 6, &y), SIAMCL_ERR_SHAPE); /* output 3x3 */
    scl_view y3 = scl_view_make(d, 1, 2, 3, 3);
    CHECK_OK(scl_maxpool_window_fwd(dev, &p, &x, 2, 2, 6, 6, &y3));
    scl_pool_params bad = pp(2, 2, 0, 2, 0, 0, 0, 0, 0);
    CHECK_STATUS(scl_maxpool_fwd(dev, &bad, &x, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    bad = pp(2, 2, 2, 2, 2, 0, 0, 0, 0);
    CHECK_STATUS(scl_pool_out_size(&bad, 8, 8, &oh, &ow), SIAMCL_ERR_INVALID_ARGUMENT);
    bad = pp(2, 2, 2, 2, 0, -1, 0, 0, 0);
    CHECK_STATUS(scl_pool_out_size(&bad, 8, 8, &oh, &ow), SIAMCL_ERR_INVALID_ARGUMENT);
    bad = pp(9, 2, 1, 1, 0, 0, 0, 0, 0);
    CHECK_STATUS(scl_pool_out_size(&bad, 8, 8, &oh, &ow), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_pool_out_size(NULL, 8, 8, &oh, &ow), SIAMCL_ERR_INVALID_ARGUMENT);
    scl_view g = scl_view_make(d, 1, 2, 1, 1);
    CHECK_STATUS(scl_global_avgpool_fwd(dev, &x, &y), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_global_avgpool_fwd(dev, NULL, &g), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_global_avgpool_fwd(NULL, &x, &g), SIAMCL_ERR_INVALID_ARGUMENT);
    scl_buffer_free(dev, d);

    siamcl_context_free(ctx);
    return tu_finish("test-pool");
}
