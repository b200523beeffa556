/* Per-layer convolution algorithm choice of plans (lib/graph/convtune.c):
 * SIAMCL_CONV=direct / gemm force a path on every conv (each checked against
 * the direct network output on the SiamFC AlexNet template branch), tune
 * measures both, keeps one per layer, writes one cache line per conv layer and
 * reads them back on the next plan; an unknown value falls back to the default. */
#include <unistd.h>

#include "graph/plan_impl.h"
#include "testutil.h"

static const siamcl_shape zs = {1, 3, 127, 127};

/* Build a plan under SIAMCL_CONV=mode, run it on x, download its output. */
static siamcl_plan *run_mode(siamcl_context *ctx, siamcl_model *m, const char *mode, const float *x, float *y,
                             size_t ny) {
    setenv("SIAMCL_CONV", mode, 1);
    siamcl_plan *p = NULL;
    CHECK_OK(siamcl_plan_create(ctx, 0, m, 1, &zs, &p));
    if (!p) return NULL;
    CHECK_OK(siamcl_tensor_upload(siamcl_plan_input(p, 0), x, siamcl_shape_count(zs)));
    CHECK_OK(siamcl_plan_run(p));
    CHECK_OK(siamcl_tensor_download(siamcl_plan_output(p, 0), y, ny));
    return p;
}

static int count_algo(const siamcl_plan *p, scl_conv_algo a) {
    int n = 0;
    for (int i = 0; i < p->nsteps; i++) n += p->steps[i].kind == SCL_STEP_CONV && p->steps[i].conv.p.algo == a;
    return n;
}

static int file_lines(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int n = 0, c;
    while ((c = fgetc(f)) != EOF) n += c == '\n';
    fclose(f);
    return n;
}

int main(void) {
    char path[1024], tmp[] = "/tmp/siamcl-convtune-XXXXXX", tune[1100];
    snprintf(path, sizeof path, "%s/models/siamfc-alexnet/backbone.onnx", tu_shared());
    if (!mkdtemp(tmp)) {
        fprintf(stderr, "mkdtemp failed\n");
        return 1;
    }
    snprintf(tune, sizeof tune, "%s/conv-tune.txt", tmp);
    siamcl_context *ctx = tu_context();
    siamcl_context_params cp = {NULL, NULL, SIAMCL_DEVICE_ALL, tmp};
    siamcl_context *ctx2 = NULL;
    CHECK_OK(siamcl_context_create(&cp, &ctx2));
    siamcl_model *m = NULL;
    CHECK_OK(siamcl_model_load(path, &m));
    if (!m || !ctx2) return tu_finish("test-convtune");

    size_t nx = siamcl_shape_count(zs), ny = (size_t)256 * 6 * 6;
    float *x = malloc(nx * sizeof *x), *ref = malloc(ny * sizeof *ref), *y = malloc(ny * sizeof *y);
    tu_seed(7);
    tu_fill(x, nx, 0.0f, 255.0f);

    siamcl_plan *p = run_mode(ctx, m, "direct", x, ref, ny);
    CHECK(p && count_algo(p, SCL_CONV_DIRECT) == 5);
    siamcl_plan_free(p);

    p = run_mode(ctx, m, "gemm", x, y, ny);
    CHECK(p && count_algo(p, SCL_CONV_GEMM) == 5);
    siamcl_plan_stats s;
    CHECK(p && siamcl_plan_get_stats(p, &s) == SIAMCL_OK && s.workspace_bytes > 0);
    double e = tu_rel_l2(y, ref, ny);
    printf("gemm vs direct: relative L2 %.2e\n", e);
    CHECK(e <= 1e-4);
    siamcl_plan_free(p);

    /* tune: both measured per layer, one cache line per conv, read back next time */
    CHECK(access(tune, F_OK) != 0);
    p = run_mode(ctx2, m, "tune", x, y, ny);
    CHECK(p && count_algo(p, SCL_CONV_DIRECT) + count_algo(p, SCL_CONV_GEMM) == 5);
    e = tu_rel_l2(y, ref, ny);
    printf("tuned vs direct: relative L2 %.2e (%d direct, %d gemm)\n", e, p ? count_algo(p, SCL_CONV_DIRECT) : -1,
           p ? count_algo(p, SCL_CONV_GEMM) : -1);
    CHECK(e <= 1e-4);
    CHECK(file_lines(tune) == 5);
    int nd = p ? count_algo(p, SCL_CONV_DIRECT) : -1;
    siamcl_plan_free(p);
    p = run_mode(ctx2, m, "tune", x, y, ny);
    CHECK(file_lines(tune) == 5); /* cache hits: nothing measured or appended */
    CHECK(p && count_algo(p, SCL_CONV_DIRECT) == nd);
    CHECK(tu_rel_l2(y, ref, ny) <= 1e-4);
    siamcl_plan_free(p);

    /* an unknown mode: the default rule, still correct */
    p = run_mode(ctx, m, "fastest-please", x, y, ny);
    CHECK(p != NULL && tu_rel_l2(y, ref, ny) <= 1e-4);
    siamcl_plan_free(p);
    unsetenv("SIAMCL_CONV");

    free(x);
    free(ref);
    free(y);
    siamcl_model_free(m);
    siamcl_context_free(ctx2);
    siamcl_context_free(ctx);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
    return tu_finish("test-convtune");
}
