/* GEMM through CLBlast's C API (row-major SGEMM, looped over a batch); tiny
 * problems through a small kernel of our own (cl/conv_gemm.cl).
 * Arguments are validated here, before anything is enqueued, so that CLBlast
 * only ever sees shapes it accepts; a CLBlast failure becomes SIAMCL_ERR_BLAS
 * with CLBlast's status code in the message. */
#include <clblast_c.h>

#include "ops/ops.h"

static const char *blas_status_name(CLBlastStatusCode s) {
    switch (s) {
    case CLBlastSuccess: return "success";
    case CLBlastOpenCLCompilerNotAvailable: return "OpenCL compiler not available";
    case CLBlastTempBufferAllocFailure: return "temporary buffer allocation failed";
    case CLBlastOpenCLOutOfResources: return "out of resources";
    case CLBlastOpenCLOutOfHostMemory: return "out of host memory";
    case CLBlastOpenCLBuildProgramFailure: return "kernel build failure";
    case CLBlastInvalidLocalThreadsTotal: return "invalid work-group size";
    case CLBlastInvalidMemObject: return "invalid memory object";
    case CLBlastNotImplemented: return "not implemented";
    case CLBlastInvalidMatrixA: return "matrix A invalid or too small";
    case CLBlastInvalidMatrixB: return "matrix B invalid or too small";
    case CLBlastInvalidMatrixC: return "matrix C invalid or too small";
    case CLBlastInsufficientMemoryA: return "buffer A too small";
    case CLBlastInsufficientMemoryB: return "buffer B too small";
    case CLBlastInsufficientMemoryC: return "buffer C too small";
    case CLBlastInvalidDimension: return "invalid dimension";
    case CLBlastInvalidLeadDimA: return "invalid leading dimension of A";
    case CLBlastInvalidLeadDimB: return "invalid leading dimension of B";
    case CLBlastInvalidLeadDimC: return "invalid leading dimension of C";
    case CLBlastInvalidBatchCount: return "invalid batch count";
    case CLBlastDatabaseError: return "tuning database error";
    case CLBlastUnknownError: return "unknown error";
    case CLBlastUnexpectedError: return "unexpected error";
    default: return "error";
    }
}

/* CLBlast's default Xgemm parameters (used for any device missing from its
 * tuning database, PoCL's CPU devices included) were correct on every shape
 * of tests/test-gemm.c but slow: 6-26 GFLOP/s on the 2-core AVX-512 PoCL
 * device. Measured in a scratch sweep there, one work-item per work-group
 * computing a 16x16 tile with 16-wide vectors and no local memory ran 3-5x
 * faster (1024^3: 6.2 -> 37 GFLOP/s; 128x3136x1152: 14 -> 64, same load) and
 * as exact. So CPU devices get these parameters, once per device (CLBlast keeps
 * overrides per device id and recompiles Xgemm on the next call). */
static const char *const xgemm_names[16] = {"GEMMK", "KREG",  "KWG", "KWI", "MDIMA", "MDIMC", "MWG",  "NDIMB",
                                            "NDIMC", "NWG",   "SA",  "SB",  "STRM",  "STRN",  "VWM",  "VWN"};
static const size_t xgemm_cpu[16] = {0, 1, 16, 1, 1, 1, 16, 1, 1, 16, 0, 0, 0, 0, 16, 16};
static const char blas_tuned = 1; /* dev->blas_ready points here once set up */

static void blas_setup(scl_device *dev) {
    if (dev->blas_ready) return;
    dev->blas_ready = (void *)&blas_tuned;
    if (dev->info.type != SIAMCL_DEVICE_CPU) return;
    CLBlastStatusCode s = CLBlastOverrideParameters(dev->id, "Xgemm", CLBlastPrecisionSingle, 16,
                                                    (const char **)xgemm_names, xgemm_cpu);
    if (s != CLBlastSuccess)
        scl_log(SIAMCL_LOG_WARN, "siamcl: CLBlast parameter override for %s failed (status %d): default tuning kept",
                dev->info.name, (int)s);
}

void scl_gemm_blas_reset(scl_device *dev) {
    if (dev) dev->blas_ready = NULL;
}

/* Problems of at most this many multiply-adds (per batch item) run the small
 * kernel of cl/conv_gemm.cl: CLBlast's fixed cost on PoCL is 100-200 us per
 * call (its direct kernel's work-groups of 64 with barriers), which made the
 * 1 x 240 x 64 SE layers of NanoTrack ~150 us each; the small kernel is a
 * dot product per element of C. */
#define GEMM_SMALL_MACS (1L << 20)

static siamcl_status gemm_small(scl_device *dev, int ta, int tb, int m, int n, int k, float alpha, cl_mem a,
                                size_t aoff, int lda, size_t sa, cl_mem b, size_t boff, int ldb, size_t sb,
                                float beta, cl_mem c, size_t coff, int ldc, size_t sc, int batch) {
    /* B^T: a dot product per element of C; B: 8 columns of C per work-item */
    cl_kernel kr;
    SCL_TRY(scl_kernel(dev, "conv_gemm", NULL, tb ? "gemm_small_dot" : "gemm_small_nn", &kr));
    cl_ulong ao = aoff, bo = boff, co = coff, sa_ = sa, sb_ = sb, sc_ = sc;
    cl_int ta_ = ta != 0;
    int e = SCL_ARG(kr, 0, a) | SCL_ARG(kr, 1, ao) | SCL_ARG(kr, 2, lda) | SCL_ARG(kr, 3, sa_) | SCL_ARG(kr, 4, ta_) |
            SCL_ARG(kr, 5, b) | SCL_ARG(kr, 6, bo) | SCL_ARG(kr, 7, ldb) | SCL_ARG(kr, 8, sb_) | SCL_ARG(kr, 9, c) |
            SCL_ARG(kr, 10, co) | SCL_ARG(kr, 11, ldc) | SCL_ARG(kr, 12, sc_) | SCL_ARG(kr, 13, m) |
            SCL_ARG(kr, 14, n) | SCL_ARG(kr, 15, k) | SCL_ARG(kr, 16, alpha) | SCL_ARG(kr, 17, beta);
    SCL_CL(e, "gemm_small arguments");
    size_t g[3] = {tb ? (size_t)n : ((size_t)n + 7) / 8, (size_t)m, (size_t)batch};
    if (dev->info.type == SIAMCL_DEVICE_CPU) { /* no work-item loops around a short dot product */
        const size_t l[3] = {1, 1, 1};
        return scl_launch(dev, kr, 3, g, l, "gemm_small");
    }
    return scl_launch(dev, kr, 3, g, NULL, "gemm_small");
}

static siamcl_status gemm(scl_device *dev, int trans_a, int trans_b, int m, int n, int k, float alpha, cl_mem a,
                          size_t aoff, int lda, size_t sa, cl_mem b, size_t boff, int ldb, size_t sb, float beta,
                          cl_mem c, size_t coff, int ldc, size_t sc, int batch, long small_macs) {
    if (!dev || !a || !b || !c) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "gemm: NULL device or buffer");
    if (m <= 0 || n <= 0 || k <= 0 || batch <= 0)
        return scl_fail(SIAMCL_ERR_SHAPE, "gemm: invalid sizes m=%d n=%d k=%d batch=%d", m, n, k, batch);
    /* row-major: op(A) is m x k, stored k wide (no transpose) or m wide (transposed) */
    int min_lda = trans_a ? m : k, min_ldb = trans_b ? k : n;
    if (lda < min_lda || ldb < min_ldb || ldc < n)
        return scl_fail(SIAMCL_ERR_SHAPE, "gemm: leading dimensions lda=%d ldb=%d ldc=%d below %d/%d/%d", lda, ldb,
                        ldc, min_lda, min_ldb, n);
    /* every matrix must fit its buffer (checked here for both paths) */
    const struct { cl_mem m; size_t off, stride; long rows, cols, ld; const char *name; } mats[3] = {
        {a, aoff, sa, trans_a ? k : m, trans_a ? m : k, lda, "A"},
        {b, boff, sb, trans_b ? n : k, trans_b ? k : n, ldb, "B"},
        {c, coff, sc, m, n, ldc, "C"}};
    for (int i = 0; i < 3; i++) {
        size_t bytes = scl_buffer_size(mats[i].m);
        if (!bytes) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "gemm: buffer size query of matrix %s failed", mats[i].name);
        size_t need = mats[i].off + (size_t)(batch - 1) * (batch > 1 ? mats[i].stride : 0) +
                      (size_t)(mats[i].rows - 1) * (size_t)mats[i].ld + (size_t)mats[i].cols;
        if (need > bytes / sizeof(float))
            return scl_fail(SIAMCL_ERR_SHAPE, "gemm: matrix %s (%ld x %ld, ld %ld, offset %zu, batch %d) exceeds its "
                            "buffer of %zu floats", mats[i].name, mats[i].rows, mats[i].cols, mats[i].ld, mats[i].off,
                            batch, bytes / sizeof(float));
    }
    if ((long)m * n * k <= small_macs)
        return gemm_small(dev, trans_a, trans_b, m, n, k, alpha, a, aoff, lda, sa, b, boff, ldb, sb, beta, c, coff,
                          ldc, sc, batch);
    blas_setup(dev);
    CLBlastTranspose ta = trans_a ? CLBlastTransposeYes : CLBlastTransposeNo;
    CLBlastTranspose tb = trans_b ? CLBlastTransposeYes : CLBlastTransposeNo;
    /* One CLBlast routine, CLBlastSgemm, looped over the batch. CLBlast compiles
     * a routine's whole program on its first use in a context; on PoCL that
     * took ~18 s for Sgemm and ~34 s for SgemmStridedBatched (both cold; PoCL's
     * disk cache then makes it ~0.1 s), and the batched kernels ran no faster
     * on the shapes measured (conv batches are 2-3 images or a few groups). */
    CLBlastStatusCode s = CLBlastSuccess;
    for (int i = 0; i < batch && s == CLBlastSuccess; i++)
        s = CLBlastSgemm(CLBlastLayoutRowMajor, ta, tb, (size_t)m, (size_t)n, (size_t)k, alpha, a, aoff + i * sa,
                         (size_t)lda, b, boff + i * sb, (size_t)ldb, beta, c, coff + i * sc, (size_t)ldc, &dev->queue,
                         NULL);
    if (s != CLBlastSuccess)
        return scl_fail(SIAMCL_ERR_BLAS,
                        "CLBlast SGEMM (m=%d n=%d k=%d batch=%d) on %s failed: CLBlast status %d (%s)",
                        m, n, k, batch, dev->info.name, (int)s, blas_status_name(s));
    return SIAMCL_OK;
}

siamcl_status scl_gemm_fwd(scl_device *dev, int trans_a, int trans_b, int m, int n, int k, float alpha, cl_mem a,
                           size_t aoff, int lda, size_t sa, cl_mem b, size_t boff, int ldb, size_t sb, float beta,
                           cl_mem c, size_t coff, int ldc, size_t sc, int batch) {
    return gemm(dev, trans_a, trans_b, m, n, k, alpha, a, aoff, lda, sa, b, boff, ldb, sb, beta, c, coff, ldc, sc,
                batch, GEMM_SMALL_MACS);
}

/* Training's fully-connected layers (a batch of 128-256 rows times a few
 * hundred) ran the small kernel twice as fast as CLBlast on PoCL (256x128x800:
 * 1.9 vs 4.3 ms; 128x800x256: 2.2 vs 3.2 ms): it takes them up to 2^27
 * multiply-adds. */
#define GEMM_TRAIN_SMALL_MACS (1L << 27)

siamcl_status scl_gemm_train(scl_device *dev, int trans_a, int trans_b, int m, int n, int k, float alpha, cl_mem a,
                             size_t aoff, int lda, cl_mem b, size_t boff, int ldb, float beta, cl_mem c, size_t coff,
                             int ldc) {
    return gemm(dev, trans_a, trans_b, m, n, k, alpha, a, aoff, lda, 0, b, boff, ldb, 0, beta, c, coff, ldc, 0, 1,
                GEMM_TRAIN_SMALL_MACS);
}

siamcl_status siamcl_context_time_sgemm(siamcl_context *ctx, int i, int size, int runs, double *ms) {
    if (!ctx || !ms || runs < 1) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "time_sgemm: NULL argument or no runs");
    if (i < 0 || i >= ctx->ndev) return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "time_sgemm: no device %d", i);
    if (size < 1 || size > 16384) return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "time_sgemm: size %d not in 1..16384", size);
    scl_device *dev = &ctx->dev[i];
    size_t cnt = (size_t)size * size;
    float *h = scl_malloc(cnt * sizeof *h);
    cl_mem a = NULL, b = NULL, c = NULL;
    siamcl_status st = h ? SIAMCL_OK : scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "time_sgemm: out of memory");
    if (st == SIAMCL_OK) {
        for (size_t k = 0; k < cnt; k++) h[k] = (float)((k * 7919u) % 1000) * 1e-3f - 0.5f;
        st = scl_buffer_alloc(dev, cnt * sizeof(float), &a);
    }
    if (st == SIAMCL_OK) st = scl_buffer_alloc(dev, cnt * sizeof(float), &b);
    if (st == SIAMCL_OK) st = scl_buffer_alloc(dev, cnt * sizeof(float), &c);
    if (st == SIAMCL_OK) st = scl_buffer_write(dev, a, 0, cnt * sizeof(float), h);
    if (st == SIAMCL_OK) st = scl_buffer_write(dev, b, 0, cnt * sizeof(float), h);
    for (int r = 0; r < runs && st == SIAMCL_OK; r++) {
        double t0 = scl_now_ms();
        st = scl_gemm_fwd(dev, 0, 0, size, size, size, 1.0f, a, 0, size, 0, b, 0, size, 0, 0.0f, c, 0, size, 0, 1);
        cl_int e = st == SIAMCL_OK ? scl_queue_finish(dev, SCL_Q_MAIN) : CL_SUCCESS;
        if (e != CL_SUCCESS)
            st = scl_fail((siamcl_status)e, "time_sgemm: clFinish: %s", siamcl_status_string((siamcl_status)e));
        ms[r] = scl_now_ms() - t0;
    }
    scl_buffer_free(dev, a);
    scl_buffer_free(dev, b);
    scl_buffer_free(dev, c);
    scl_free(h);
    return st;
}
