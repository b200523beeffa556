/* scl_gemm_fwd against a plain C reference with double accumulation: odd
 * sizes, both transposes, leading dimensions wider than the matrix, buffer
 * offsets, alpha/beta, batches, on both of its paths: CLBlast SGEMM (more than
 * 2^20 multiply-adds; CLBlast has computed wrong results with default tuning on
 * CPU devices before, CLBlast #321, and gemm.c overrides its Xgemm parameters
 * on CPUs, so these shapes check the library as configured) and the small
 * kernel of cl/conv_gemm.cl (the rest). */
#include <clblast_c.h>

#include "ops/ops.h"
#include "testutil.h"

typedef struct gcase {
    int m, n, k, ta, tb, batch;
    float alpha, beta;
    int pad;    /* extra leading-dimension columns */
    size_t off; /* float offset of every matrix in its buffer */
    int nan_c;  /* C starts as NaN (with beta 0 it must not be read) */
} gcase;

static void ref_gemm(const gcase *g, const float *a, int lda, size_t sa, const float *b, int ldb, size_t sb, float *c,
                     int ldc, size_t sc) {
    for (int p = 0; p < g->batch; p++) {
        const float *A = a + g->off + p * sa, *B = b + g->off + p * sb;
        float *C = c + g->off + p * sc;
        for (int i = 0; i < g->m; i++)
            for (int j = 0; j < g->n; j++) {
                double acc = 0;
                for (int l = 0; l < g->k; l++) {
                    float av = g->ta ? A[(size_t)l * lda + i] : A[(size_t)i * lda + l];
                    float bv = g->tb ? B[(size_t)j * ldb + l] : B[(size_t)l * ldb + j];
                    acc += (double)av * bv;
                }
                float *cv = &C[(size_t)i * ldc + j];
                *cv = g->beta == 0 ? (float)(g->alpha * acc) : (float)(g->alpha * acc + (double)g->beta * *cv);
            }
    }
}

static void run(scl_device *dev, const gcase *g) {
    int lda = (g->ta ? g->m : g->k) + g->pad, ldb = (g->tb ? g->k : g->n) + g->pad, ldc = g->n + g->pad;
    size_t asz = (size_t)(g->ta ? g->k : g->m) * lda, bsz = (size_t)(g->tb ? g->n : g->k) * ldb,
           csz = (size_t)g->m * ldc;
    /* batch strides a little larger than the matrices, so gaps must stay untouched */
    size_t sa = asz + 3, sb = bsz + 5, sc = csz + 7;
    size_t na = g->off + sa * g->batch, nb = g->off + sb * g->batch, nc = g->off + sc * g->batch;
    float *a = malloc(na * 4), *b = malloc(nb * 4), *c = malloc(nc * 4), *ref = malloc(nc * 4);
    tu_fill(a, na, -1, 1);
    tu_fill(b, nb, -1, 1);
    tu_fill(c, nc, -1, 1);
    if (g->nan_c)
        for (size_t i = 0; i < nc; i++) c[i] = NAN;
    memcpy(ref, c, nc * 4);
    cl_mem da = tu_upload(dev, a, na), db = tu_upload(dev, b, nb), dc = tu_upload(dev, c, nc);
    CHECK(da && db && dc);
    CHECK_OK(scl_gemm_fwd(dev, g->ta, g->tb, g->m, g->n, g->k, g->alpha, da, g->off, lda, sa, db, g->off, ldb, sb,
                          g->beta, dc, g->off, ldc, sc, g->batch));
    float *got = tu_download(dev, dc, nc);
    ref_gemm(g, a, lda, sa, b, ldb, sb, ref, ldc, sc);
    char what[160];
    snprintf(what, sizeof what, "gemm m=%d n=%d k=%d ta=%d tb=%d batch=%d alpha=%g beta=%g pad=%d off=%zu nan=%d",
             g->m, g->n, g->k, g->ta, g->tb, g->batch, g->alpha, g->beta, g->pad, g->off, g->nan_c);
    if (got && !g->nan_c) tu_compare(what, got, ref, nc);
    if (got && g->nan_c) { /* only C's elements are written: compare those, the gaps stay NaN */
        for (int p = 0; p < g->batch; p++)
            for (int i = 0; i < g->m; i++) {
                size_t o = g->off + p * sc + (size_t)i * ldc;
                tu_compare(what, got + o, ref + o, (size_t)g->n);
            }
    }
    CHECK(got != NULL);
    free(got);
    scl_buffer_free(dev, da);
    scl_buffer_free(dev, db);
    scl_buffer_free(dev, dc);
    free(a);
    free(b);
    free(c);
    free(ref);
}

int main(void) {
    siamcl_context *ctx = tu_context();
    scl_device *dev = tu_dev(ctx);
    const gcase cases[] = {
        /* tiny and odd */
        {1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0},
        {3, 5, 7, 0, 0, 1, 1, 0, 0, 0, 0},
        {17, 13, 29, 0, 0, 1, 1, 0, 0, 0, 0},
        /* all four transpose combinations on an odd shape */
        {37, 41, 53, 0, 0, 1, 1, 0, 0, 0, 0},
        {37, 41, 53, 1, 0, 1, 1, 0, 0, 0, 0},
        {37, 41, 53, 0, 1, 1, 1, 0, 0, 0, 0},
        {37, 41, 53, 1, 1, 1, 1, 0, 0, 0, 0},
        /* alpha/beta, padded leading dimensions and buffer offsets */
        {33, 65, 31, 0, 0, 1, 0.5f, -1.25f, 3, 11, 0},
        {31, 9, 100, 1, 1, 1, 2.0f, 1.0f, 1, 5, 0},
        /* conv-like: C_out x (C_in*k*k) times (C_in*k*k) x (H*W) */
        {64, 961, 147, 0, 0, 1, 1, 0, 0, 0, 0},
        {128, 3136, 256, 0, 0, 1, 1, 0, 0, 0, 0},
        {96, 289, 75, 0, 0, 1, 1, 1, 0, 0, 0},
        /* M and N not multiples of any tile size, large K */
        {129, 127, 1153, 0, 0, 1, 1, 0, 0, 0, 0},
        /* big enough for CLBlast's indirect Xgemm kernel (the one whose
         * parameters gemm.c overrides on CPU devices), odd in every dimension */
        {201, 509, 811, 0, 0, 1, 1, 0, 0, 0, 0},
        {201, 509, 811, 1, 1, 1, 1, 0.5f, 3, 7, 0},
        {211, 467, 703, 1, 0, 1, 1, 0, 0, 0, 0},
        {211, 467, 703, 0, 1, 1, 1, 0, 0, 0, 0},
        /* CLBlast, batched, transposed, padded, offset */
        {67, 129, 131, 1, 1, 2, 0.5f, 0.25f, 2, 9, 0},
        {67, 129, 131, 0, 1, 3, 1, 0, 0, 0, 0},
        /* beta 0 must not read C (NaN there), both paths */
        {9, 17, 33, 0, 1, 2, 1, 0, 1, 3, 1},
        {9, 17, 33, 1, 0, 2, 1, 0, 1, 3, 1},
        {130, 257, 129, 0, 0, 1, 1, 0, 0, 0, 1},
        /* the SE layers of NanoTrack: x [1,C] times W^T */
        {1, 240, 64, 0, 1, 1, 1, 0, 0, 0, 0},
        {1, 64, 240, 0, 1, 1, 1, 0, 0, 0, 0},
        /* batched (strided), odd shapes, with and without transposes */
        {7, 9, 11, 0, 0, 3, 1, 0, 0, 0, 0},
        {19, 23, 29, 1, 0, 4, 1, 0.5f, 2, 13, 0},
        {24, 35, 18, 0, 1, 2, 0.75f, 0, 0, 1, 0},
        {64, 441, 128, 0, 0, 3, 1, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) run(dev, &cases[i]);

    /* batch with A shared by every item (stride 0), as conv uses it */
    {
        const int m = 13, n = 37, k = 21, batch = 3;
        float *a = malloc((size_t)m * k * 4), *b = malloc((size_t)batch * k * n * 4), *ref = malloc((size_t)batch * m * n * 4);
        tu_fill(a, (size_t)m * k, -1, 1);
        tu_fill(b, (size_t)batch * k * n, -1, 1);
        cl_mem da = tu_upload(dev, a, (size_t)m * k), db = tu_upload(dev, b, (size_t)batch * k * n),
               dc = tu_upload(dev, NULL, (size_t)batch * m * n);
        CHECK_OK(scl_gemm_fwd(dev, 0, 0, m, n, k, 1, da, 0, k, 0, db, 0, n, (size_t)k * n, 0, dc, 0, n, (size_t)m * n,
                              batch));
        for (int p = 0; p < batch; p++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int l = 0; l < k; l++) acc += (double)a[i * k + l] * b[(size_t)p * k * n + (size_t)l * n + j];
                    ref[(size_t)p * m * n + (size_t)i * n + j] = (float)acc;
                }
        float *got = tu_download(dev, dc, (size_t)batch * m * n);
        if (got) tu_compare("gemm shared A", got, ref, (size_t)batch * m * n);
        free(got);
        scl_buffer_free(dev, da);
        scl_buffer_free(dev, db);
        scl_buffer_free(dev, dc);
        free(a);
        free(b);
        free(ref);
    }

    /* bad inputs: rejected before CLBlast sees them */
    cl_mem d = tu_upload(dev, NULL, 64);
    CHECK_STATUS(scl_gemm_fwd(NULL, 0, 0, 2, 2, 2, 1, d, 0, 2, 0, d, 0, 2, 0, 0, d, 0, 2, 0, 1),
                 SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_gemm_fwd(dev, 0, 0, 2, 2, 2, 1, NULL, 0, 2, 0, d, 0, 2, 0, 0, d, 0, 2, 0, 1),
                 SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_gemm_fwd(dev, 0, 0, 0, 2, 2, 1, d, 0, 2, 0, d, 0, 2, 0, 0, d, 0, 2, 0, 1), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_gemm_fwd(dev, 0, 0, 2, 2, -1, 1, d, 0, 2, 0, d, 0, 2, 0, 0, d, 0, 2, 0, 1), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_gemm_fwd(dev, 0, 0, 2, 2, 2, 1, d, 0, 2, 0, d, 0, 2, 0, 0, d, 0, 2, 0, 0), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_gemm_fwd(dev, 0, 0, 2, 3, 4, 1, d, 0, 3, 0, d, 0, 3, 0, 0, d, 0, 3, 0, 1), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_gemm_fwd(dev, 1, 0, 5, 3, 4, 1, d, 0, 4, 0, d, 0, 3, 0, 0, d, 0, 3, 0, 1), SIAMCL_ERR_SHAPE);
    /* matrices that do not fit their buffers: refused before anything runs */
    CHECK_STATUS(scl_gemm_fwd(dev, 0, 0, 40, 40, 40, 1, d, 0, 40, 0, d, 0, 40, 0, 0, d, 0, 40, 0, 1), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_gemm_fwd(dev, 0, 0, 4, 4, 4, 1, d, 60, 4, 0, d, 0, 4, 0, 0, d, 0, 4, 0, 1), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_gemm_fwd(dev, 0, 0, 4, 4, 4, 1, d, 0, 4, 16, d, 0, 4, 16, 0, d, 0, 4, 16, 5), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_gemm_fwd(dev, 0, 0, 4, 4, 4, 1, d, 0, 4, 16, d, 0, 4, 16, 0, d, 0, 4, 16, 4), SIAMCL_OK);
    /* a CLBlast failure is SIAMCL_ERR_BLAS with CLBlast's status: Xgemm
     * parameters that cannot compile (vector width 3), then gemm.c's own again.
     * Only where gemm.c sets them (CPU devices): elsewhere nothing restores
     * CLBlast's defaults. */
    if (dev->info.type == SIAMCL_DEVICE_CPU) {
        const char *names[16] = {"GEMMK", "KREG", "KWG", "KWI", "MDIMA", "MDIMC", "MWG", "NDIMB",
                                 "NDIMC", "NWG",  "SA",  "SB",  "STRM",  "STRN",  "VWM", "VWN"};
        const size_t bad[16] = {0, 1, 16, 1, 1, 1, 16, 1, 1, 16, 0, 0, 0, 0, 3, 3};
        CHECK(CLBlastOverrideParameters(dev->id, "Xgemm", CLBlastPrecisionSingle, 16, names, bad) == CLBlastSuccess);
        const int n = 128;
        float *ha = malloc((size_t)n * n * 4), *hb = malloc((size_t)n * n * 4), *ref = malloc((size_t)n * n * 4);
        tu_fill(ha, (size_t)n * n, -1, 1);
        tu_fill(hb, (size_t)n * n, -1, 1);
        cl_mem da = tu_upload(dev, ha, (size_t)n * n), db = tu_upload(dev, hb, (size_t)n * n),
               dc = tu_upload(dev, NULL, (size_t)n * n);
        siamcl_status st = scl_gemm_fwd(dev, 0, 0, n, n, n, 1, da, 0, n, 0, db, 0, n, 0, 0, dc, 0, n, 0, 1);
        CHECK_STATUS(st, SIAMCL_ERR_BLAS);
        CHECK(strstr(siamcl_last_error(), "CLBlast status") != NULL);
        scl_gemm_blas_reset(dev);
        CHECK_OK(scl_gemm_fwd(dev, 0, 0, n, n, n, 1, da, 0, n, 0, db, 0, n, 0, 0, dc, 0, n, 0, 1));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int l = 0; l < n; l++) acc += (double)ha[i * n + l] * hb[l * n + j];
                ref[i * n + j] = (float)acc;
            }
        float *got = tu_download(dev, dc, (size_t)n * n);
        if (got) tu_compare("gemm after CLBlast parameters restored", got, ref, (size_t)n * n);
        free(got);
        free(ha);
        free(hb);
        free(ref);
        scl_buffer_free(dev, da);
        scl_buffer_free(dev, db);
        scl_buffer_free(dev, dc);
    }
    scl_buffer_free(dev, d);
    siamcl_context_free(ctx);
    return tu_finish("test-gemm");
}
