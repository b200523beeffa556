/* test-cache: the on-disk kernel cache verifies its entries. Each damaged form
 * of an entry (truncated, a flipped payload byte, a flipped header byte, empty,
 * garbage, another program's entry under this name, a folder in its place) is
 * ignored with a warning, the kernel is compiled and still computes, and the
 * entry is replaced by a good one (the next start loads it from disk); a cache
 * folder that is really a file turns the cache off with a warning. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static char g_dir[64];
static char g_warned[4096];

static void capture(siamcl_log_level l, const char *m, void *u) {
    (void)u;
    size_t n = strlen(g_warned);
    if (l <= SIAMCL_LOG_WARN && n + strlen(m) + 2 < sizeof g_warned) snprintf(g_warned + n, sizeof g_warned - n, "%s\n", m);
}

#define DEFINES "#define UNIQUE_FOR_TEST_CACHE 1\n"
#define SOURCE                                                                                   \
    "__kernel void add4(__global const float *a, __global const float *b, __global float *c) {\n" \
    "    size_t i = get_global_id(0);\n    c[i] = a[i] + b[i];\n}\n"

/* Start a context on the cache, get the kernel, check it adds; returns 1 if it came from disk. */
static int start(const char *dir) {
    siamcl_context_params cp = {0};
    cp.cache_dir = dir;
    siamcl_context *ctx = NULL;
    CHECK_OK(siamcl_context_create(&cp, &ctx));
    if (!ctx) return -1;
    scl_program_stats s0 = scl_program_stats_get();
    cl_kernel k = NULL;
    CHECK_OK(scl_kernel_from_source(&ctx->dev[0], "test-cache", SOURCE, DEFINES, "add4", &k));
    scl_program_stats s1 = scl_program_stats_get();
    /* the kernel computes, whichever way it was made */
    scl_device *dev = &ctx->dev[0];
    float a[4] = {1, 2, 3, 4}, b[4] = {10, 20, 30, 40};
    cl_mem ma = tu_upload(dev, a, 4), mb = tu_upload(dev, b, 4), mc = tu_upload(dev, NULL, 4);
    size_t four = 4;
    CHECK(k && clSetKernelArg(k, 0, sizeof ma, &ma) == CL_SUCCESS && clSetKernelArg(k, 1, sizeof mb, &mb) == 0 &&
          clSetKernelArg(k, 2, sizeof mc, &mc) == CL_SUCCESS &&
          clEnqueueNDRangeKernel(dev->queue, k, 1, NULL, &four, NULL, 0, NULL, NULL) == CL_SUCCESS);
    float *c = tu_download(dev, mc, 4);
    for (int i = 0; c && i < 4; i++) CHECK(c[i] == a[i] + b[i]);
    free(c);
    scl_buffer_free(dev, ma);
    scl_buffer_free(dev, mb);
    scl_buffer_free(dev, mc);
    siamcl_context_free(ctx);
    return s1.disk_loaded == s0.disk_loaded + 1 ? 1 : 0;
}

/* The one entry file of the cache folder. */
static int entry(char *out, size_t cap) {
    DIR *d = opendir(g_dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".bin") && !strstr(e->d_name, ".tmp")) {
            snprintf(out, cap, "%s/%s", g_dir, e->d_name);
            n++;
        }
    if (d) closedir(d);
    return n;
}

static unsigned char *slurp(const char *p, size_t *n) { return tu_read_file(p, n); }

static void spit(const char *p, const void *d, size_t n) {
    FILE *f = fopen(p, "wb");
    if (!f) return;
    if (n) fwrite(d, 1, n, f);
    fclose(f);
}

typedef void (*damage_fn)(const char *path, const unsigned char *good, size_t n);
static void truncate_half(const char *p, const unsigned char *g, size_t n) { spit(p, g, n / 2); }
static void truncate_tail(const char *p, const unsigned char *g, size_t n) { spit(p, g, n - 1); }
static void empty(const char *p, const unsigned char *g, size_t n) { (void)g, (void)n, spit(p, "", 0); }
static void flip_payload(const char *p, const unsigned char *g, size_t n) {
    unsigned char *c = malloc(n);
    memcpy(c, g, n);
    c[n - n / 3] ^= 0x40;
    spit(p, c, n);
    free(c);
}
static void flip_header(const char *p, const unsigned char *g, size_t n) {
    unsigned char *c = malloc(n);
    memcpy(c, g, n);
    c[33] ^= 0x01; /* inside the payload length (bytes 32..39) */
    spit(p, c, n);
    free(c);
}
static void garbage(const char *p, const unsigned char *g, size_t n) {
    (void)g;
    unsigned char *c = malloc(n);
    for (size_t i = 0; i < n; i++) c[i] = (unsigned char)(i * 2654435761u >> 13);
    spit(p, c, n);
    free(c);
}
static void other_key(const char *p, const unsigned char *g, size_t n) {
    unsigned char *c = malloc(n);
    memcpy(c, g, n);
    c[16] ^= 0xff; /* the key stored in the header */
    spit(p, c, n);
    free(c);
}
static void padded(const char *p, const unsigned char *g, size_t n) {
    unsigned char *c = calloc(1, n + 100);
    memcpy(c, g, n);
    spit(p, c, n + 100);
    free(c);
}
static void a_folder(const char *p, const unsigned char *g, size_t n) {
    (void)g, (void)n;
    remove(p);
    mkdir(p, 0755);
}

int main(void) {
    siamcl_log_set(capture, NULL, SIAMCL_LOG_WARN);
    snprintf(g_dir, sizeof g_dir, "/tmp/siamcl-test-cache-XXXXXX");
    CHECK(mkdtemp(g_dir) != NULL);
    CHECK(start(g_dir) == 0); /* compiled, stored */
    char path[512];
    CHECK(entry(path, sizeof path) == 1);
    CHECK(start(g_dir) == 1); /* loaded */
    size_t n = 0;
    unsigned char *good = slurp(path, &n);
    CHECK(good && n > 64 && !memcmp(good, "SCLKBIN\n", 8));
    if (!good) return tu_finish("test-cache");
    const struct {
        const char *name;
        damage_fn fn;
        const char *reason;
    } cases[] = {{"truncated to half", truncate_half, "truncated"},  {"last byte cut", truncate_tail, "truncated"},
                 {"empty", empty, "wrong size"},                      {"payload bit flipped", flip_payload, "checksum"},
                 {"header bit flipped", flip_header, "truncated"},   {"garbage", garbage, "format"},
                 {"another program's entry", other_key, "another program"}, {"padded", padded, "truncated"},
                 {"a folder", a_folder, "not a regular file"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cases[i].fn(path, good, n);
        g_warned[0] = 0;
        int from_disk = start(g_dir);
        printf("%-26s -> %s; warning: %s", cases[i].name, from_disk ? "LOADED (wrong)" : "rebuilt", g_warned);
        CHECK(from_disk == 0);
        CHECK(strstr(g_warned, cases[i].reason) != NULL);
        CHECK(strstr(g_warned, path) != NULL);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            rmdir(path); /* a folder is skipped, never replaced: clear it for the next case */
            CHECK(start(g_dir) == 0);
        }
        CHECK(start(g_dir) == 1); /* replaced by a good entry */
    }
    free(good);

    /* a cache folder that is a file: a warning, the cache is off, kernels still build */
    char file[128];
    snprintf(file, sizeof file, "%s/not-a-folder", g_dir);
    spit(file, "x", 1);
    g_warned[0] = 0;
    CHECK(start(file) == 0);
    CHECK(strstr(g_warned, "not-a-folder") != NULL && strstr(g_warned, "off") != NULL);
    printf("cache folder is a file: %s\n", g_warned);

    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    CHECK(system(cmd) == 0);
    return tu_finish("test-cache");
}
