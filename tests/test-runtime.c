/* Runtime: device discovery and selection by environment, kernel build errors,
 * the on-disk binary cache, failing allocations, status strings.
 * Run with the argument "multi" under POCL_DEVICES="pthread pthread" to check
 * that two devices are found, selected, and both compute correct results. */
#include <unistd.h>

#include "ops/ops.h"
#include "testutil.h"

static void check_add_on(scl_device *dev) {
    const size_t n = 1000;
    float a[1000], b[1000], ref[1000];
    tu_fill(a, n, -1, 1);
    tu_fill(b, n, -1, 1);
    for (size_t i = 0; i < n; i++) ref[i] = a[i] + b[i] > 0 ? a[i] + b[i] : 0;
    cl_mem da = tu_upload(dev, a, n), db = tu_upload(dev, b, n), dy = tu_upload(dev, NULL, n);
    scl_view ta = scl_view_make(da, 1, 1, 1, (int)n), tb = scl_view_make(db, 1, 1, 1, (int)n),
               ty = scl_view_make(dy, 1, 1, 1, (int)n);
    scl_act_params relu = {SCL_ACT_RELU, 0, 0};
    CHECK_OK(scl_eltwise_add_fwd(dev, &relu, &ta, &tb, &ty));
    float *y = tu_download(dev, dy, n);
    CHECK(y != NULL);
    if (y) tu_compare("add on device", y, ref, n);
    free(y);
    scl_buffer_free(dev, da);
    scl_buffer_free(dev, db);
    scl_buffer_free(dev, dy);
}

static int test_multi(void) {
    siamcl_log_set(tu_log, NULL, SIAMCL_LOG_WARN);
    int count = 0;
    CHECK_OK(siamcl_devices_list(NULL, 0, &count));
    CHECK(count >= 2);
    siamcl_context_params p = {0};
    p.device = "0,1";
    siamcl_context *ctx = NULL;
    CHECK_OK(siamcl_context_create(&p, &ctx));
    CHECK(siamcl_context_device_count(ctx) == 2);
    for (int i = 0; ctx && i < ctx->ndev; i++) check_add_on(&ctx->dev[i]);
    siamcl_context_free(ctx);
    /* the same through the environment, by name: "pthread" twice picks both */
    setenv("SIAMCL_DEVICE", "pthread,pthread", 1);
    ctx = NULL;
    CHECK_OK(siamcl_context_create(NULL, &ctx));
    CHECK(siamcl_context_device_count(ctx) == 2);
    siamcl_context_free(ctx);
    unsetenv("SIAMCL_DEVICE");
    return tu_finish("test-runtime multi");
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "multi")) return test_multi();
    siamcl_log_set(tu_log, NULL, SIAMCL_LOG_WARN);

    /* discovery */
    int count = 0;
    CHECK_OK(siamcl_devices_list(NULL, 0, &count));
    CHECK(count >= 1);
    siamcl_device_info infos[8];
    CHECK_OK(siamcl_devices_list(infos, 8, &count));
    CHECK(infos[0].compute_units > 0 && infos[0].global_mem_bytes > 0 && infos[0].max_work_group_size > 0);
    CHECK_STATUS(siamcl_devices_list(NULL, 0, NULL), SIAMCL_ERR_INVALID_ARGUMENT);

    /* selection errors: index and name that do not exist, a bad type */
    siamcl_context *ctx = NULL;
    siamcl_context_params p = {0};
    p.device = "63";
    CHECK_STATUS(siamcl_context_create(&p, &ctx), SIAMCL_ERR_NO_DEVICE);
    CHECK(ctx == NULL);
    CHECK(strstr(siamcl_last_error(), "devices present") != NULL); /* message lists what exists */
    CHECK(strstr(siamcl_last_error(), infos[0].name) != NULL);
    p.device = "no-such-device-name";
    CHECK_STATUS(siamcl_context_create(&p, &ctx), SIAMCL_ERR_NO_DEVICE);
    p.device = NULL;
    p.platform = "no-such-platform";
    CHECK_STATUS(siamcl_context_create(&p, &ctx), SIAMCL_ERR_NO_DEVICE);
    setenv("SIAMCL_DEVICE_TYPE", "toaster", 1);
    CHECK_STATUS(siamcl_context_create(NULL, &ctx), SIAMCL_ERR_INVALID_ARGUMENT);
    setenv("SIAMCL_DEVICE_TYPE", "cpu", 1);
    setenv("SIAMCL_DEVICE", "0", 1);
    CHECK_OK(siamcl_context_create(NULL, &ctx)); /* PoCL is a CPU device */
    siamcl_context_free(ctx);
    ctx = NULL;
    unsetenv("SIAMCL_DEVICE_TYPE");
    unsetenv("SIAMCL_DEVICE");
    CHECK_STATUS(siamcl_context_create(NULL, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    /* a device list that names one device twice, or holds empty entries, says so */
    const struct {
        const char *value, *says;
    } lists[] = {{"0,0", "entry 2 ('0') names device 0"}, {",,,", "entry 1 is empty"}, {"0,", "entry 2 is empty"},
                 {" , 0", "entry 1 is empty"}};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        setenv("SIAMCL_DEVICE", lists[i].value, 1);
        CHECK_STATUS(siamcl_context_create(NULL, &ctx), SIAMCL_ERR_NO_DEVICE);
        if (!strstr(siamcl_last_error(), lists[i].says)) {
            fprintf(stderr, "SIAMCL_DEVICE='%s': message '%s' lacks '%s'\n", lists[i].value, siamcl_last_error(),
                    lists[i].says);
            tu_failures++;
        }
    }
    unsetenv("SIAMCL_DEVICE");

    /* disk cache: a second start of a program loads the binary, no recompile */
    char dir[] = "/tmp/siamcl-cache-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    siamcl_context_params cp = {0};
    cp.cache_dir = dir;
    CHECK_OK(siamcl_context_create(&cp, &ctx));
    scl_program_stats s0 = scl_program_stats_get();
    cl_kernel k;
    CHECK_OK(scl_kernel(&ctx->dev[0], "eltwise", "#define UNIQUE_FOR_CACHE_TEST 1\n", "eltwise_act", &k));
    scl_program_stats s1 = scl_program_stats_get();
    CHECK(s1.compiled == s0.compiled + 1);
    CHECK_OK(scl_kernel(&ctx->dev[0], "eltwise", "#define UNIQUE_FOR_CACHE_TEST 1\n", "eltwise_add", &k));
    scl_program_stats s2 = scl_program_stats_get();
    CHECK(s2.compiled == s1.compiled && s2.memory_hits == s1.memory_hits + 1);
    siamcl_context_free(ctx);
    CHECK_OK(siamcl_context_create(&cp, &ctx));
    CHECK_OK(scl_kernel(&ctx->dev[0], "eltwise", "#define UNIQUE_FOR_CACHE_TEST 1\n", "eltwise_act", &k));
    scl_program_stats s3 = scl_program_stats_get();
    CHECK(s3.compiled == s2.compiled);
    CHECK(s3.disk_loaded == s2.disk_loaded + 1);
    check_add_on(&ctx->dev[0]); /* kernels from the cache compute */
    siamcl_context_free(ctx);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);

    /* kernel build failure: the log names the file and carries the compiler's message */
    cp.cache_dir = "0";
    CHECK_OK(siamcl_context_create(&cp, &ctx));
    CHECK_STATUS(scl_kernel_from_source(&ctx->dev[0], "broken", "__kernel void f(__global float *x) { x[0] = y; }",
                                        NULL, "f", &k),
                 SIAMCL_ERR_BUILD);
    CHECK(strstr(siamcl_last_error(), "broken.cl") != NULL);
    CHECK(strstr(siamcl_last_error(), "build log") != NULL);
    CHECK_STATUS(scl_kernel(&ctx->dev[0], "no-such-file", NULL, "f", &k), SIAMCL_ERR_INTERNAL);
    CHECK(scl_kernel(&ctx->dev[0], "eltwise", NULL, "no_such_kernel", &k) == (siamcl_status)CL_INVALID_KERNEL_NAME);
    siamcl_context_free(ctx);
    ctx = NULL;

    /* failing allocations at every site of context creation + a launch: clean error, no leak */
    for (long i = 1; i < 64; i++) {
        siamcl_test_fail_alloc(i);
        siamcl_status st = siamcl_context_create(&cp, &ctx);
        if (st == SIAMCL_OK) {
            cl_mem m = NULL;
            st = scl_buffer_alloc(&ctx->dev[0], 64, &m);
            if (st == SIAMCL_OK) st = scl_kernel(&ctx->dev[0], "eltwise", NULL, "eltwise_act", &k);
            scl_buffer_free(&ctx->dev[0], m);
            siamcl_context_free(ctx);
            ctx = NULL;
            if (st == SIAMCL_OK) break; /* walked past every allocation */
        }
        CHECK(st == SIAMCL_ERR_OUT_OF_MEMORY || st == SIAMCL_ERR_DEVICE_MEMORY);
        CHECK(ctx == NULL);
    }
    siamcl_test_fail_alloc(0);

    /* status strings */
    CHECK(!strcmp(siamcl_status_string(SIAMCL_OK), "success"));
    CHECK(!strcmp(siamcl_status_string((siamcl_status)-11), "CL_BUILD_PROGRAM_FAILURE"));
    CHECK(strlen(siamcl_status_string(SIAMCL_ERR_NO_DEVICE)) > 0);
    CHECK(strlen(siamcl_status_string((siamcl_status)12345)) > 0);
    return tu_finish("test-runtime");
}
