/* Bicubic resize (OpenCV INTER_CUBIC semantics) against a plain C reference in
 * double and against values worked out by hand. */
#include "ops/ops.h"
#include "testutil.h"

static void ref_coeffs(double t, double k[4]) {
    const double A = -0.75;
    k[0] = ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A;
    k[1] = ((A + 2) * t - (A + 3)) * t * t + 1;
    k[2] = ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1;
    k[3] = 1 - k[0] - k[1] - k[2];
}

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

static void ref_resize(const float *x, int planes, int h, int w, float *y, int oh, int ow) {
    for (int p = 0; p < planes; p++)
        for (int i = 0; i < oh; i++) {
            double syf = (i + 0.5) * h / oh - 0.5;
            int sy = (int)floor(syf);
            double ky[4];
            ref_coeffs(syf - sy, ky);
            for (int j = 0; j < ow; j++) {
                double sxf = (j + 0.5) * w / ow - 0.5;
                int sx = (int)floor(sxf);
                double kx[4], s = 0;
                ref_coeffs(sxf - sx, kx);
                for (int a = 0; a < 4; a++)
                    for (int b = 0; b < 4; b++)
                        s += ky[a] * kx[b] *
                             x[((size_t)p * h + clampi(sy - 1 + a, 0, h - 1)) * w + clampi(sx - 1 + b, 0, w - 1)];
                y[((size_t)p * oh + i) * ow + j] = (float)s;
            }
        }
}

/* Resize x (n,c,h,w) to (oh,ow) on the device; returns the output (malloc'ed). */
static float *dev_resize(scl_device *dev, const float *x, int n, int c, int h, int w, int oh, int ow) {
    size_t nx = (size_t)n * c * h * w, ny = (size_t)n * c * oh * ow;
    cl_mem dx = tu_upload(dev, NULL, nx + 3), dy = tu_upload(dev, NULL, ny + 1);
    CHECK_OK(scl_buffer_write(dev, dx, 3 * 4, nx * 4, x));
    scl_view tx = {dx, 3, n, c, h, w}, ty = {dy, 1, n, c, oh, ow};
    CHECK_OK(scl_resize_bicubic_fwd(dev, &tx, &ty));
    float *all = tu_download(dev, dy, ny + 1), *y = malloc(ny * 4);
    memcpy(y, all + 1, ny * 4);
    free(all);
    scl_buffer_free(dev, dx);
    scl_buffer_free(dev, dy);
    return y;
}

static void run(scl_device *dev, int n, int c, int h, int w, int oh, int ow) {
    size_t nx = (size_t)n * c * h * w, ny = (size_t)n * c * oh * ow;
    float *x = malloc(nx * 4), *ref = malloc(ny * 4);
    tu_fill(x, nx, -3, 5);
    ref_resize(x, n * c, h, w, ref, oh, ow);
    float *y = dev_resize(dev, x, n, c, h, w, oh, ow);
    char what[96];
    snprintf(what, sizeof what, "resize %dx%dx%dx%d -> %dx%d", n, c, h, w, oh, ow);
    tu_compare(what, y, ref, ny);
    free(y);
    free(x);
    free(ref);
}

int main(void) {
    siamcl_context *ctx = tu_context();
    scl_device *dev = tu_dev(ctx);

    /* By hand: [0, 1] -> 4 wide. Positions -0.25, 0.25, 0.75, 1.25; with A = -0.75
     * the weights at t = 0.75 are (-0.03515625, 0.26171875, 0.87890625, -0.10546875)
     * and at t = 0.25 the mirror image. Output 0 (floor -1, taps 0,0,0,1 after
     * replication) = w3(0.75) = -0.10546875; output 1 (floor 0, taps 0,0,1,1) =
     * w2(0.25) + w3(0.25) = 0.26171875 - 0.03515625 = 0.2265625; outputs 2, 3 by
     * symmetry 1 - 0.2265625 and 1 + 0.10546875. All exact in binary. */
    const float two[2] = {0, 1}, want[4] = {-0.10546875f, 0.2265625f, 0.7734375f, 1.10546875f};
    float *y = dev_resize(dev, two, 1, 1, 1, 2, 1, 4);
    for (int i = 0; i < 4; i++) {
        if (fabsf(y[i] - want[i]) > 1e-6f) fprintf(stderr, "  by hand [%d]: got %.9g want %.9g\n", i, y[i], want[i]);
        CHECK(fabsf(y[i] - want[i]) <= 1e-6f);
    }
    free(y);

    /* The filter is separable: [[0, 0], [0, 1]] -> 4 x 4 is the outer product
     * of the hand values above with themselves (exact products of dyadics). */
    const float corner[4] = {0, 0, 0, 1};
    y = dev_resize(dev, corner, 1, 1, 2, 2, 4, 4);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) CHECK(fabsf(y[i * 4 + j] - want[i] * want[j]) <= 1e-6f);
    free(y);
    /* a constant stays constant everywhere, borders included */
    float cst[5 * 3];
    for (int i = 0; i < 15; i++) cst[i] = 7.25f;
    y = dev_resize(dev, cst, 1, 1, 5, 3, 19, 11);
    for (int i = 0; i < 19 * 11; i++) CHECK(tu_close(y[i], 7.25f));
    free(y);

    /* against the double reference: the tracker's 3 scales 17 -> 272, odd sizes,
     * identity, downsampling, single rows and columns */
    run(dev, 3, 1, 17, 17, 272, 272);
    run(dev, 2, 3, 5, 7, 11, 23);
    run(dev, 1, 2, 9, 9, 9, 9);
    run(dev, 1, 2, 20, 13, 7, 5);
    run(dev, 1, 1, 1, 6, 4, 17);
    run(dev, 2, 1, 8, 1, 31, 3);

    /* bad inputs */
    cl_mem d = tu_upload(dev, NULL, 1024), d2 = tu_upload(dev, NULL, 1024);
    scl_view x = scl_view_make(d, 1, 2, 5, 5), yo = scl_view_make(d2, 1, 2, 9, 9),
               yc = scl_view_make(d2, 1, 3, 9, 9), yz = scl_view_make(d2, 1, 2, 0, 9), ya = {d, 20, 1, 2, 9, 9};
    CHECK_OK(scl_resize_bicubic_fwd(dev, &x, &yo));
    CHECK_STATUS(scl_resize_bicubic_fwd(dev, &x, &yc), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_resize_bicubic_fwd(dev, &x, &yz), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_resize_bicubic_fwd(dev, &x, &ya), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_resize_bicubic_fwd(dev, NULL, &yo), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_resize_bicubic_fwd(dev, &x, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_resize_bicubic_fwd(NULL, &x, &yo), SIAMCL_ERR_INVALID_ARGUMENT);
    scl_buffer_free(dev, d);
    scl_buffer_free(dev, d2);
    siamcl_context_free(ctx);
    return tu_finish("test-resize");
}
