/* Transpose (all 24 permutations), slice and concat against a plain C reference. */
#include "ops/ops.h"
#include "testutil.h"

static size_t at4(const int d[4], int a, int b, int c, int e) {
    return (((size_t)a * d[1] + b) * d[2] + c) * d[3] + e;
}

static void test_transpose(scl_device *dev, const int xd[4]) {
    size_t n = (size_t)xd[0] * xd[1] * xd[2] * xd[3];
    float *x = malloc(n * 4), *ref = malloc(n * 4);
    tu_fill(x, n, -10, 10);
    cl_mem dx = tu_upload(dev, NULL, n + 3), dy = tu_upload(dev, NULL, n + 9);
    CHECK_OK(scl_buffer_write(dev, dx, 3 * 4, n * 4, x));
    scl_view tx = {dx, 3, xd[0], xd[1], xd[2], xd[3]};
    int perms = 0;
    for (int p0 = 0; p0 < 4; p0++)
        for (int p1 = 0; p1 < 4; p1++)
            for (int p2 = 0; p2 < 4; p2++)
                for (int p3 = 0; p3 < 4; p3++) {
                    if (p0 == p1 || p0 == p2 || p0 == p3 || p1 == p2 || p1 == p3 || p2 == p3) continue;
                    int perm[4] = {p0, p1, p2, p3}, yd[4];
                    for (int i = 0; i < 4; i++) yd[i] = xd[perm[i]];
                    int i[4];
                    for (i[0] = 0; i[0] < xd[0]; i[0]++)
                        for (i[1] = 0; i[1] < xd[1]; i[1]++)
                            for (i[2] = 0; i[2] < xd[2]; i[2]++)
                                for (i[3] = 0; i[3] < xd[3]; i[3]++)
                                    ref[at4(yd, i[perm[0]], i[perm[1]], i[perm[2]], i[perm[3]])] =
                                        x[at4(xd, i[0], i[1], i[2], i[3])];
                    scl_view ty = {dy, 9, yd[0], yd[1], yd[2], yd[3]};
                    CHECK_OK(scl_transpose_fwd(dev, perm, &tx, &ty));
                    float *all = tu_download(dev, dy, n + 9);
                    char what[64];
                    snprintf(what, sizeof what, "transpose (%d,%d,%d,%d)", p0, p1, p2, p3);
                    tu_compare(what, all + 9, ref, n);
                    free(all);
                    perms++;
                }
    CHECK(perms == 24);
    free(x);
    free(ref);
    scl_buffer_free(dev, dx);
    scl_buffer_free(dev, dy);
}

static void test_slice(scl_device *dev, const int xd[4], const int start[4], const int step[4], const int yd[4]) {
    size_t nx = (size_t)xd[0] * xd[1] * xd[2] * xd[3], ny = (size_t)yd[0] * yd[1] * yd[2] * yd[3];
    float *x = malloc(nx * 4), *ref = malloc(ny * 4);
    tu_fill(x, nx, -10, 10);
    int i[4];
    for (i[0] = 0; i[0] < yd[0]; i[0]++)
        for (i[1] = 0; i[1] < yd[1]; i[1]++)
            for (i[2] = 0; i[2] < yd[2]; i[2]++)
                for (i[3] = 0; i[3] < yd[3]; i[3]++)
                    ref[at4(yd, i[0], i[1], i[2], i[3])] =
                        x[at4(xd, start[0] + i[0] * step[0], start[1] + i[1] * step[1], start[2] + i[2] * step[2],
                              start[3] + i[3] * step[3])];
    /* input and output in one buffer, side by side */
    cl_mem d = tu_upload(dev, NULL, nx + ny + 4);
    CHECK_OK(scl_buffer_write(dev, d, 0, nx * 4, x));
    scl_view tx = {d, 0, xd[0], xd[1], xd[2], xd[3]}, ty = {d, nx + 4, yd[0], yd[1], yd[2], yd[3]};
    CHECK_OK(scl_slice_fwd(dev, start, step, &tx, &ty));
    float *all = tu_download(dev, d, nx + ny + 4);
    char what[128];
    snprintf(what, sizeof what, "slice %dx%dx%dx%d from (%d,%d,%d,%d) by (%d,%d,%d,%d)", xd[0], xd[1], xd[2], xd[3],
             start[0], start[1], start[2], start[3], step[0], step[1], step[2], step[3]);
    tu_compare(what, all + nx + 4, ref, ny);
    free(all);
    free(x);
    free(ref);
    scl_buffer_free(dev, d);
}

static void test_concat(scl_device *dev, int axis, const int yd[4], const int *ext, int n) {
    size_t ny = (size_t)yd[0] * yd[1] * yd[2] * yd[3];
    float *ref = malloc(ny * 4);
    scl_view t[4];
    const scl_view *tp[4];
    cl_mem dm[4];
    int base = 0;
    for (int j = 0; j < n; j++) {
        int xd[4] = {yd[0], yd[1], yd[2], yd[3]};
        xd[axis] = ext[j];
        size_t nx = (size_t)xd[0] * xd[1] * xd[2] * xd[3];
        float *x = malloc(nx * 4);
        tu_fill(x, nx, -10, 10);
        int i[4];
        for (i[0] = 0; i[0] < xd[0]; i[0]++)
            for (i[1] = 0; i[1] < xd[1]; i[1]++)
                for (i[2] = 0; i[2] < xd[2]; i[2]++)
                    for (i[3] = 0; i[3] < xd[3]; i[3]++) {
                        int o[4] = {i[0], i[1], i[2], i[3]};
                        o[axis] += base;
                        ref[at4(yd, o[0], o[1], o[2], o[3])] = x[at4(xd, i[0], i[1], i[2], i[3])];
                    }
        dm[j] = tu_upload(dev, NULL, nx + j);
        CHECK_OK(scl_buffer_write(dev, dm[j], (size_t)j * 4, nx * 4, x));
        scl_view tt = {dm[j], (size_t)j, xd[0], xd[1], xd[2], xd[3]};
        t[j] = tt;
        tp[j] = &t[j];
        base += ext[j];
        free(x);
    }
    cl_mem dy = tu_upload(dev, NULL, ny + 1);
    scl_view ty = {dy, 1, yd[0], yd[1], yd[2], yd[3]};
    CHECK_OK(scl_concat_fwd(dev, axis, tp, n, &ty));
    float *all = tu_download(dev, dy, ny + 1);
    char what[64];
    snprintf(what, sizeof what, "concat axis %d of %d", axis, n);
    tu_compare(what, all + 1, ref, ny);
    free(all);
    free(ref);
    for (int j = 0; j < n; j++) scl_buffer_free(dev, dm[j]);
    scl_buffer_free(dev, dy);
}

int main(void) {
    siamcl_context *ctx = tu_context();
    scl_device *dev = tu_dev(ctx);

    const int xd[4] = {2, 3, 5, 7};
    test_transpose(dev, xd);
    const int xd2[4] = {1, 48, 4, 9}; /* NanoTrack-head-like: channel/spatial swaps */
    test_transpose(dev, xd2);

    /* CIResNet crop-inside-residual: 1 px on every side, and the stem's 2 px */
    const int s1x[4] = {2, 16, 30, 30}, s1s[4] = {0, 0, 1, 1}, one[4] = {1, 1, 1, 1}, s1y[4] = {2, 16, 28, 28};
    test_slice(dev, s1x, s1s, one, s1y);
    const int s2x[4] = {1, 8, 128, 128}, s2s[4] = {0, 0, 2, 2}, s2y[4] = {1, 8, 124, 124};
    test_slice(dev, s2x, s2s, one, s2y);
    /* steps and starts on every dim, odd sizes, an extent-1 result dim */
    const int s3x[4] = {3, 7, 11, 13}, s3s[4] = {1, 2, 0, 3}, s3t[4] = {2, 2, 3, 4}, s3y[4] = {1, 3, 4, 3};
    test_slice(dev, s3x, s3s, s3t, s3y);
    const int s4x[4] = {2, 5, 9, 9}, s4s[4] = {1, 4, 8, 0}, s4t[4] = {1, 1, 1, 2}, s4y[4] = {1, 1, 1, 5};
    test_slice(dev, s4x, s4s, s4t, s4y);

    const int cy[4] = {3, 7, 5, 6};
    const int e0[3] = {1, 2, 0}, e1[3] = {3, 1, 3}, e2[3] = {2, 2, 1}, e3[3] = {1, 4, 1}, ee[1] = {7};
    test_concat(dev, 0, cy, e0, 2);
    test_concat(dev, 1, cy, e1, 3);
    test_concat(dev, 2, cy, e2, 3);
    test_concat(dev, 3, cy, e3, 3);
    test_concat(dev, 1, cy, ee, 1);

    /* bad inputs */
    cl_mem d = tu_upload(dev, NULL, 4096), d2 = tu_upload(dev, NULL, 4096);
    scl_view x = scl_view_make(d, 2, 3, 5, 7), y = scl_view_make(d2, 7, 3, 5, 2);
    const int perm[4] = {3, 1, 2, 0}, badp[4] = {0, 1, 1, 3}, outp[4] = {0, 1, 2, 4};
    CHECK_OK(scl_transpose_fwd(dev, perm, &x, &y));
    CHECK_STATUS(scl_transpose_fwd(dev, badp, &x, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_transpose_fwd(dev, outp, &x, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_transpose_fwd(dev, NULL, &x, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_transpose_fwd(dev, perm, &x, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_transpose_fwd(NULL, perm, &x, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    scl_view yw = scl_view_make(d2, 7, 3, 2, 5);
    CHECK_STATUS(scl_transpose_fwd(dev, perm, &x, &yw), SIAMCL_ERR_SHAPE);
    scl_view ya = {d, 100, 7, 3, 5, 2}; /* overlaps x in the same buffer */
    CHECK_STATUS(scl_transpose_fwd(dev, perm, &x, &ya), SIAMCL_ERR_INVALID_ARGUMENT);
    scl_view ys = scl_view_make(d2, 2, 3, 3, 5);
    const int st[4] = {0, 0, 1, 1}, stb[4] = {0, 0, 3, 1}, zs[4] = {1, 1, 0, 1}, ns[4] = {0, -1, 0, 0};
    CHECK_OK(scl_slice_fwd(dev, st, one, &x, &ys));
    CHECK_STATUS(scl_slice_fwd(dev, stb, one, &x, &ys), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_slice_fwd(dev, st, zs, &x, &ys), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_slice_fwd(dev, ns, one, &x, &ys), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_slice_fwd(dev, st, NULL, &x, &ys), SIAMCL_ERR_INVALID_ARGUMENT);
    scl_view ysb = scl_view_make(d2, 3, 3, 3, 5);
    CHECK_STATUS(scl_slice_fwd(dev, st, one, &x, &ysb), SIAMCL_ERR_SHAPE);
    scl_view c1 = scl_view_make(d, 2, 3, 5, 7), c2 = {d, 300, 2, 3, 5, 7}, c3 = {d, 600, 2, 3, 4, 7};
    const scl_view *cs[3] = {&c1, &c2, &c3};
    scl_view yc = scl_view_make(d2, 2, 6, 5, 7), ycbad = scl_view_make(d2, 2, 7, 5, 7);
    CHECK_OK(scl_concat_fwd(dev, 1, cs, 2, &yc));
    CHECK_STATUS(scl_concat_fwd(dev, 1, cs, 3, &ycbad), SIAMCL_ERR_SHAPE);   /* c3 differs in h */
    CHECK_STATUS(scl_concat_fwd(dev, 1, cs, 2, &ycbad), SIAMCL_ERR_SHAPE);   /* extents do not add up */
    CHECK_STATUS(scl_concat_fwd(dev, 4, cs, 2, &yc), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_concat_fwd(dev, 1, cs, 0, &yc), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_concat_fwd(dev, 1, NULL, 2, &yc), SIAMCL_ERR_INVALID_ARGUMENT);
    const scl_view *cn[2] = {&c1, NULL};
    CHECK_STATUS(scl_concat_fwd(dev, 1, cn, 2, &yc), SIAMCL_ERR_INVALID_ARGUMENT);
    scl_view yco = {d, 400, 2, 6, 5, 7};
    CHECK_STATUS(scl_concat_fwd(dev, 1, cs, 2, &yco), SIAMCL_ERR_INVALID_ARGUMENT);
    scl_buffer_free(dev, d);
    scl_buffer_free(dev, d2);
    siamcl_context_free(ctx);
    return tu_finish("test-layout");
}
