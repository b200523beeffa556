/* SiamFC cross-correlation and its depthwise form against a plain C reference
 * (double accumulation), at the shapes the trackers use and odd ones. */
#include "ops/ops.h"
#include "testutil.h"

typedef struct { int zn, c, kh, kw, n, h, w; } xc_case;

static void ref_xcorr(const xc_case *t, const float *z, const float *x, float scale, float bias, int dw, float *y) {
    int oh = t->h - t->kh + 1, ow = t->w - t->kw + 1;
    for (int n = 0; n < t->n; n++) {
        const float *zn = z + (t->zn == 1 ? 0 : (size_t)n * t->c * t->kh * t->kw);
        for (int c0 = 0; c0 < (dw ? t->c : 1); c0++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double s = 0;
                    for (int c = dw ? c0 : 0; c < (dw ? c0 + 1 : t->c); c++)
                        for (int u = 0; u < t->kh; u++)
                            for (int v = 0; v < t->kw; v++)
                                s += (double)zn[((size_t)c * t->kh + u) * t->kw + v] *
                                     x[(((size_t)n * t->c + c) * t->h + i + u) * t->w + j + v];
                    y[(((size_t)n * (dw ? t->c : 1) + c0) * oh + i) * ow + j] = dw ? (float)s : (float)(scale * s + bias);
                }
    }
}

static void run(scl_device *dev, xc_case t, float lo, float hi, float scale, float bias, int dw) {
    int oh = t.h - t.kh + 1, ow = t.w - t.kw + 1, yc = dw ? t.c : 1;
    size_t nz = (size_t)t.zn * t.c * t.kh * t.kw, nx = (size_t)t.n * t.c * t.h * t.w, ny = (size_t)t.n * yc * oh * ow;
    float *z = malloc(nz * 4), *x = malloc(nx * 4), *ref = malloc(ny * 4);
    tu_fill(z, nz, lo, hi);
    tu_fill(x, nx, lo, hi);
    ref_xcorr(&t, z, x, scale, bias, dw, ref);
    /* odd offsets; y sits between guard floats that must come back untouched */
    const size_t zo = 3, xo = 5, yo = 7, guard = 40;
    float *fill = malloc((ny + yo + guard) * 4);
    for (size_t i = 0; i < ny + yo + guard; i++) fill[i] = 12345.0f;
    cl_mem dz = tu_upload(dev, NULL, nz + zo), dx = tu_upload(dev, NULL, nx + xo),
           dy = tu_upload(dev, fill, ny + yo + guard);
    CHECK_OK(scl_buffer_write(dev, dz, zo * 4, nz * 4, z));
    CHECK_OK(scl_buffer_write(dev, dx, xo * 4, nx * 4, x));
    scl_view tz = {dz, zo, t.zn, t.c, t.kh, t.kw}, tx = {dx, xo, t.n, t.c, t.h, t.w},
               ty = {dy, yo, t.n, yc, oh, ow};
    scl_profile_begin(dev);
    if (dw)
        CHECK_OK(scl_xcorr_dw_fwd(dev, &tz, &tx, &ty));
    else
        CHECK_OK(scl_xcorr_fwd(dev, scale, bias, &tz, &tx, &ty));
    const scl_prof_record *rec;
    int nrec = 0;
    CHECK_OK(scl_profile_end(dev, &rec, &nrec));
    float *all = tu_download(dev, dy, ny + yo + guard);
    char what[160];
    snprintf(what, sizeof what, "%s z %dx%dx%dx%d x %dx%dx%dx%d", dw ? "xcorr_dw" : "xcorr", t.zn, t.c, t.kh, t.kw,
             t.n, t.c, t.h, t.w);
    tu_compare(what, all + yo, ref, ny);
    long stray = 0;
    for (size_t i = 0; i < yo; i++) stray += all[i] != 12345.0f;
    for (size_t i = ny + yo; i < ny + yo + guard; i++) stray += all[i] != 12345.0f;
    CHECK(stray == 0);
    printf("%s: rel L2 %.2e, %.3f ms\n", what, tu_rel_l2(all + yo, ref, ny), nrec ? rec[0].ms : -1.0);
    free(all);
    free(fill);
    free(z);
    free(x);
    free(ref);
    scl_buffer_free(dev, dz);
    scl_buffer_free(dev, dx);
    scl_buffer_free(dev, dy);
}

int main(void) {
    siamcl_context *ctx = tu_context();
    scl_device *dev = tu_dev(ctx);
    /* SiamFC AlexNet head: 256x6x6 over 3x256x22x22, response = 0.001 xcorr - 2.1483638 */
    run(dev, (xc_case){1, 256, 6, 6, 3, 22, 22}, -1, 1, 0.001f, -2.1483638f, 0);
    run(dev, (xc_case){1, 256, 6, 6, 3, 22, 22}, 0, 1, 1.0f, 0.0f, 0);
    /* CIResNet-22 (SiamFC+): 512x5x5 over 3x512x21x21 -> 17x17 */
    run(dev, (xc_case){1, 512, 5, 5, 3, 21, 21}, -1, 1, 0.001f, 0.5f, 0);
    /* the same heads with one template per search item (tracker groups), and a
     * group-sized batch of 16 targets x 3 scales */
    run(dev, (xc_case){3, 512, 5, 5, 3, 21, 21}, -1, 1, 0.001f, 0.5f, 0);
    run(dev, (xc_case){3, 256, 6, 6, 3, 22, 22}, -1, 1, 0.001f, -2.1483638f, 0);
    run(dev, (xc_case){48, 256, 6, 6, 48, 22, 22}, -1, 1, 0.001f, -2.1483638f, 0);
    /* one template per search item; odd sizes; template = search (1x1 output); wide rows */
    run(dev, (xc_case){3, 37, 4, 3, 3, 11, 9}, -2, 2, 1.0f, 0.25f, 0);
    run(dev, (xc_case){1, 1, 3, 5, 2, 9, 7}, -2, 2, 0.5f, 0.0f, 0);
    run(dev, (xc_case){2, 5, 7, 7, 2, 7, 7}, -2, 2, 1.0f, -1.0f, 0);
    run(dev, (xc_case){1, 6, 3, 3, 1, 40, 50}, -2, 2, 1.0f, 0.0f, 0);
    /* rows of 1, 3, 15, 33 and 70 outputs (vectors of 1..16, a row of 3 chunks
     * split over 2 work-items, 5 chunks), one output row, tall outputs whose
     * last row block overlaps, a 16x1 template, a search just one column wider */
    run(dev, (xc_case){1, 3, 2, 2, 2, 30, 2}, -2, 2, 1.0f, 0.5f, 0);
    run(dev, (xc_case){2, 9, 3, 3, 2, 5, 5}, -2, 2, 2.0f, 0.0f, 0);
    run(dev, (xc_case){1, 11, 2, 4, 3, 9, 18}, -2, 2, 1.0f, 0.0f, 0);
    run(dev, (xc_case){3, 8, 5, 5, 3, 5, 37}, -2, 2, 1.0f, 0.0f, 0);
    run(dev, (xc_case){1, 4, 3, 3, 1, 61, 72}, -2, 2, 1.0f, 0.0f, 0);
    run(dev, (xc_case){2, 7, 16, 1, 2, 29, 17}, -2, 2, 1.0f, 0.0f, 0);
    run(dev, (xc_case){1, 16, 6, 6, 2, 23, 7}, -2, 2, 1.0f, 0.0f, 0);
    /* templates too big for the CPU kernel's unrolled taps (generic kernel) */
    run(dev, (xc_case){2, 10, 9, 9, 2, 14, 13}, -2, 2, 1.0f, 0.0f, 0);
    /* depthwise: NanoTrack-like 48x8x8 over 48x16x16, batched templates, odd sizes */
    run(dev, (xc_case){1, 48, 8, 8, 1, 16, 16}, -2, 2, 1, 0, 1);
    run(dev, (xc_case){3, 7, 3, 4, 3, 9, 11}, -2, 2, 1, 0, 1);
    run(dev, (xc_case){1, 5, 1, 1, 2, 25, 19}, -2, 2, 1, 0, 1);

    /* bad inputs */
    cl_mem d = tu_upload(dev, NULL, 4096);
    scl_view z = scl_view_make(d, 1, 4, 3, 3), x = scl_view_make(d, 2, 4, 8, 8), y = scl_view_make(d, 2, 1, 6, 6),
               ydw = scl_view_make(d, 2, 4, 6, 6);
    scl_view zc = scl_view_make(d, 1, 5, 3, 3), zn = scl_view_make(d, 3, 4, 3, 3), zbig = scl_view_make(d, 1, 4, 9, 3),
               yb = scl_view_make(d, 2, 1, 6, 5), yb2 = scl_view_make(d, 2, 2, 6, 6), nomem = scl_view_make(NULL, 2, 4, 8, 8);
    CHECK_STATUS(scl_xcorr_fwd(dev, 1, 0, &zc, &x, &y), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_xcorr_fwd(dev, 1, 0, &zn, &x, &y), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_xcorr_fwd(dev, 1, 0, &zbig, &x, &y), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_xcorr_fwd(dev, 1, 0, &z, &x, &yb), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_xcorr_fwd(dev, 1, 0, &z, &x, &yb2), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_xcorr_fwd(dev, 1, 0, NULL, &x, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_xcorr_fwd(dev, 1, 0, &z, &nomem, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_xcorr_fwd(NULL, 1, 0, &z, &x, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_xcorr_dw_fwd(dev, &z, &x, &y), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_xcorr_dw_fwd(dev, &zc, &x, &ydw), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_xcorr_dw_fwd(dev, &z, &x, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_xcorr_dw_fwd(NULL, &z, &x, &ydw), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_OK(scl_xcorr_fwd(dev, 1, 0, &z, &x, &y));
    CHECK_OK(scl_xcorr_dw_fwd(dev, &z, &x, &ydw));
    scl_buffer_free(dev, d);
    siamcl_context_free(ctx);
    return tu_finish("test-xcorr");
}
