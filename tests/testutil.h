/* Shared helpers for the test executables: checks, tolerances, random data,
 * a context on the environment-selected device, golden-file paths. */
#ifndef SCL_TESTUTIL_H
#define SCL_TESTUTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/runtime.h"

static int tu_failures;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            tu_failures++;                                                           \
        }                                                                            \
    } while (0)

#define CHECK_OK(expr)                                                                             \
    do {                                                                                           \
        siamcl_status st_ = (expr);                                                                \
        if (st_ != SIAMCL_OK) {                                                                    \
            fprintf(stderr, "%s:%d: %s -> %d (%s): %s\n", __FILE__, __LINE__, #expr, (int)st_,      \
                    siamcl_status_string(st_), siamcl_last_error());                               \
            tu_failures++;                                                                         \
        }                                                                                          \
    } while (0)

#define CHECK_STATUS(expr, want)                                                                   \
    do {                                                                                           \
        siamcl_status st_ = (expr);                                                                \
        if (st_ != (want)) {                                                                       \
            fprintf(stderr, "%s:%d: %s -> %d (%s), wanted %d\n", __FILE__, __LINE__, #expr,         \
                    (int)st_, siamcl_status_string(st_), (int)(want));                             \
            tu_failures++;                                                                         \
        }                                                                                          \
    } while (0)

static inline int tu_finish(const char *name) {
    if (tu_failures) {
        fprintf(stderr, "%s: %d check(s) failed\n", name, tu_failures);
        return 1;
    }
    printf("%s: all checks passed\n", name);
    return 0;
}

/* The op tolerance of DESIGN.md: |a-b| <= 1e-4 + 1e-3*|b| (b = reference). */
static inline int tu_close(float a, float b) { return fabsf(a - b) <= 1e-4f + 1e-3f * fabsf(b); }

/* Compare n values; prints the first few mismatches; returns mismatch count. */
static inline long tu_compare(const char *what, const float *got, const float *ref, size_t n) {
    long bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (!tu_close(got[i], ref[i]) || isnan(got[i])) {
            if (bad < 5) fprintf(stderr, "  %s[%zu]: got %.7g want %.7g\n", what, i, got[i], ref[i]);
            bad++;
        }
    }
    if (bad) {
        fprintf(stderr, "%s: %ld of %zu values outside 1e-4 + 1e-3*|ref|\n", what, bad, n);
        tu_failures++;
    }
    return bad;
}

/* Relative L2 error ||a-b|| / ||b||. */
static inline double tu_rel_l2(const float *a, const float *b, size_t n) {
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)a[i] - b[i];
        num += d * d;
        den += (double)b[i] * b[i];
    }
    return den > 0 ? sqrt(num / den) : sqrt(num);
}

static uint64_t tu_rng_state = 0x9e3779b97f4a7c15ULL;
static inline void tu_seed(uint64_t s) { tu_rng_state = s ? s : 1; }
static inline float tu_rand(float lo, float hi) { /* xorshift64* */
    tu_rng_state ^= tu_rng_state >> 12;
    tu_rng_state ^= tu_rng_state << 25;
    tu_rng_state ^= tu_rng_state >> 27;
    uint64_t r = tu_rng_state * 0x2545f4914f6cdd1dULL;
    return lo + (hi - lo) * (float)((r >> 40) * (1.0 / 16777216.0));
}
static inline void tu_fill(float *p, size_t n, float lo, float hi) {
    for (size_t i = 0; i < n; i++) p[i] = tu_rand(lo, hi);
}

static void tu_log(siamcl_log_level l, const char *m, void *u) {
    (void)u;
    fprintf(stderr, "[%d] %s\n", (int)l, m);
}

/* A context on the device the environment selects; exits the test (not the library) on failure. */
static inline siamcl_context *tu_context(void) {
    siamcl_log_set(tu_log, NULL, SIAMCL_LOG_WARN);
    siamcl_context *ctx = NULL;
    siamcl_status st = siamcl_context_create(NULL, &ctx);
    if (st != SIAMCL_OK) {
        fprintf(stderr, "no OpenCL context: %s: %s\n", siamcl_status_string(st), siamcl_last_error());
        exit(1);
    }
    return ctx;
}

static inline scl_device *tu_dev(siamcl_context *ctx) { return &ctx->dev[0]; }

/* The path of the repository's models/<name>.model (tests/ sits beside models/). */
static inline void tu_model_path(char *out, size_t cap, const char *name) {
    snprintf(out, cap, "%s", __FILE__);
    char *slash = strrchr(out, '/');
    size_t at = slash ? (size_t)(slash + 1 - out) : 0;
    snprintf(out + at, cap - at, "../models/%s.model", name);
}

/* The data folder: SIAMCL_SHARED (CTest sets it from the CMake option), else ../shared. */
static inline const char *tu_shared(void) {
    const char *s = getenv("SIAMCL_SHARED");
    return s && *s ? s : "../shared";
}

/* Read a whole file (golden tensors); *n = bytes. NULL if missing. */
static inline void *tu_read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *p = malloc(sz > 0 ? (size_t)sz : 1);
    if (p && fread(p, 1, (size_t)sz, f) != (size_t)sz) {
        free(p);
        p = NULL;
    }
    fclose(f);
    if (n) *n = (size_t)sz;
    return p;
}

/* A golden float32 file of exactly `count` values under the shared folder
 * (path relative to it); exits the test with a message when missing or short. */
static inline float *tu_load_f32(const char *rel, size_t count) {
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", tu_shared(), rel);
    size_t n = 0;
    float *p = tu_read_file(path, &n);
    if (!p || n != count * sizeof(float)) {
        fprintf(stderr, "golden file %s missing or of size %zu (want %zu)\n", path, n, count * sizeof(float));
        free(p);
        exit(1);
    }
    return p;
}

/* Milliseconds since t0 (CLOCK_MONOTONIC). */
static inline double tu_ms_since(struct timespec t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-6;
}

/* The numbers following `"key": ` in one JSON line (arrays flattened), as
 * the golden frames.jsonl files write them; returns how many were read. */
static inline int tu_json_nums(const char *line, const char *key, double *out, int cap) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(line, pat);
    if (!p) return 0;
    p += strlen(pat);
    while (*p == ' ') p++;
    int n = 0, arr = *p == '[';
    if (arr) p++;
    while (n < cap) {
        char *end;
        double v = strtod(p, &end);
        if (end == p) break;
        out[n++] = v;
        p = end;
        while (*p == ' ') p++;
        if (!arr || *p != ',') break;
        p++;
    }
    return n;
}

/* Upload host floats into a fresh device buffer. */
static inline cl_mem tu_upload(scl_device *dev, const float *p, size_t n) {
    cl_mem m = NULL;
    if (scl_buffer_alloc(dev, n * sizeof(float), &m) != SIAMCL_OK) return NULL;
    if (p && scl_buffer_write(dev, m, 0, n * sizeof(float), p) != SIAMCL_OK) {
        scl_buffer_free(dev, m);
        return NULL;
    }
    return m;
}

static inline float *tu_download(scl_device *dev, cl_mem m, size_t n) {
    float *p = malloc(n * sizeof(float));
    if (p && scl_buffer_read(dev, m, 0, n * sizeof(float), p) != SIAMCL_OK) {
        free(p);
        return NULL;
    }
    return p;
}

/* Run plan p on `in` and compare output 0 with `ref`: relative L2 <= 1e-5
 * (the golden tolerance of a whole network), printed with one run's time. */
static inline void tu_check_plan(siamcl_plan *p, const float *in, const float *ref, const char *what) {
    siamcl_shape is, os;
    CHECK_OK(siamcl_plan_input_shape(p, 0, &is));
    CHECK_OK(siamcl_plan_output_shape(p, 0, &os));
    size_t n = siamcl_shape_count(os);
    float *out = malloc(n * sizeof(float));
    CHECK_OK(siamcl_tensor_upload(siamcl_plan_input(p, 0), in, siamcl_shape_count(is)));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_OK(siamcl_plan_run(p));
    CHECK_OK(siamcl_plan_finish(p));
    double ms = tu_ms_since(t0);
    CHECK_OK(siamcl_tensor_download(siamcl_plan_output(p, 0), out, n));
    double e = tu_rel_l2(out, ref, n);
    printf("  %s: %dx%dx%dx%d, relative L2 %.3g, one run %.1f ms\n", what, os.n, os.c, os.h, os.w, e, ms);
    CHECK(e <= 1e-5);
    free(out);
}

#endif
