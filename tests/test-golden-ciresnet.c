/* SiamFC+ CIResNet-22 (random weights) from both ONNX files (BN folded by the
 * exporter, and 24 BatchNormalization nodes folded by siamcl at load) against
 * golden/ciresnet22-random (PyTorch): template 1x3x127x127 and search
 * 3x3x255x255 features within relative L2 1e-5, the 0.1 * xcorr response
 * (mean removed) within 1e-4 with argmax 197, 100, 152. Its own executable:
 * the 3x255 search pass is the slowest golden case. */
#include <time.h>

#include "graph/plan.h"
#include "testutil.h"

static float *load_f32(const char *name, size_t count) {
    char rel[256];
    snprintf(rel, sizeof rel, "%s%s", "golden/ciresnet22-random/", name);
    return tu_load_f32(rel, count);
}

static void remove_mean(float *p, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += p[i];
    for (size_t i = 0; i < n; i++) p[i] = (float)(p[i] - s / (double)n);
}

static void run_file(siamcl_context *ctx, const char *file, const float *zin, const float *xin, const float *zf,
                     const float *xf, const float *resp) {
    scl_device *dev = tu_dev(ctx);
    char path[1024];
    snprintf(path, sizeof path, "%s/models/ciresnet22-random/%s", tu_shared(), file);
    printf("%s\n", file);
    siamcl_model *m = NULL;
    CHECK_OK(siamcl_model_load(path, &m));
    if (!m) return;
    CHECK(siamcl_model_param_count(m) == 1439872); /* 1,434,816 weights + 5,056 folded biases */
    size_t b0 = siamcl_context_device_bytes(ctx, 0);
    siamcl_shape zs = {1, 3, 127, 127}, xs = {3, 3, 255, 255};
    siamcl_plan *pz = NULL, *px = NULL;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_OK(siamcl_plan_create(ctx, 0, m, 1, &zs, &pz));
    double tz = tu_ms_since(t0);
    size_t b1 = siamcl_context_device_bytes(ctx, 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_OK(siamcl_plan_create(ctx, 0, m, 1, &xs, &px));
    double tx = tu_ms_since(t0);
    size_t b2 = siamcl_context_device_bytes(ctx, 0);
    if (!pz || !px) goto done;
    printf("  plan creation: template %.0f ms, search %.0f ms\n", tz, tx);
    siamcl_plan_stats sz, sx;
    CHECK_OK(siamcl_plan_get_stats(pz, &sz));
    CHECK_OK(siamcl_plan_get_stats(px, &sx));
    printf("  weights %zu bytes shared; search plan activations %zu (naive %zu), workspace %zu, %d launches\n",
           sx.weight_bytes, sx.activation_bytes, sx.naive_bytes, sx.workspace_bytes, sx.launches);
    CHECK(sx.weight_bytes == sz.weight_bytes);
    CHECK(b1 - b0 == sz.weight_bytes + sz.activation_bytes + sz.workspace_bytes);
    CHECK(b2 - b1 == sx.activation_bytes + sx.workspace_bytes);
    CHECK(sz.macs == 493518848LL);
    CHECK(sx.macs == 3 * 2628681728LL);
    /* 24 convs, 7 residual adds fused into them, 16 crops, 2 pools: the adds and relus need no launch */
    CHECK(sx.launches < 70);
    tu_check_plan(pz, zin, zf, "template features");
    tu_check_plan(px, xin, xf, "search features");
    /* response = 0.1 * xcorr straight on the device features */
    scl_view fz, fx;
    CHECK_OK(scl_plan_output_view(pz, 0, &fz));
    CHECK_OK(scl_plan_output_view(px, 0, &fx));
    cl_mem dr = tu_upload(dev, NULL, 3 * 289);
    scl_view ty = scl_view_make(dr, 3, 1, 17, 17);
    CHECK_OK(scl_xcorr_fwd(dev, 0.1f, 0.0f, &fz, &fx, &ty));
    float *r = tu_download(dev, dr, 3 * 289);
    float *ref = malloc(3 * 289 * sizeof(float));
    memcpy(ref, resp, 3 * 289 * sizeof(float));
    const size_t want[3] = {197, 100, 152};
    for (int s = 0; s < 3; s++) {
        size_t a = 0;
        for (size_t i = 1; i < 289; i++)
            if (r[s * 289 + i] > r[s * 289 + a]) a = i;
        printf("  scale %d: argmax %zu (golden %zu)\n", s, a, want[s]);
        CHECK(a == want[s]);
    }
    remove_mean(r, 3 * 289);
    remove_mean(ref, 3 * 289);
    double e = tu_rel_l2(r, ref, 3 * 289);
    printf("  response (mean removed): relative L2 %.3g\n", e);
    CHECK(e <= 1e-4);
    free(r);
    free(ref);
    scl_buffer_free(dev, dr);
done:
    siamcl_plan_free(pz);
    siamcl_plan_free(px);
    CHECK(siamcl_context_device_bytes(ctx, 0) == b0);
    siamcl_model_free(m);
}

int main(void) {
    siamcl_context *ctx = tu_context();
    float *zin = load_f32("input_template_1x3x127x127.f32", 3 * 127 * 127);
    float *xin = load_f32("input_search_3x3x255x255.f32", 3 * 3 * 255 * 255);
    float *zf = load_f32("template_features_1x512x5x5.f32", 512 * 25);
    float *xf = load_f32("search_features_3x512x21x21.f32", 3 * 512 * 441);
    float *resp = load_f32("response_3x1x17x17.f32", 3 * 289);
    run_file(ctx, "backbone.onnx", zin, xin, zf, xf, resp);
    run_file(ctx, "backbone_bn.onnx", zin, xin, zf, xf, resp);
    free(zin);
    free(xin);
    free(zf);
    free(xf);
    free(resp);
    siamcl_context_free(ctx);
    return tu_finish("test-golden-ciresnet");
}
