/* SiamFC AlexNet from ONNX against golden/siamfc-alexnet (OpenCV DNN features,
 * float64 response): template plan 1x3x127x127 and search plan 3x3x255x255
 * sharing one copy of the weights, features within relative L2 1e-5, the
 * response 0.001 * xcorr - 2.1483638 within 1e-5 with identical argmax. */
#include <time.h>

#include "graph/plan.h"
#include "testutil.h"

static size_t argmax(const float *p, size_t n) {
    size_t b = 0;
    for (size_t i = 1; i < n; i++)
        if (p[i] > p[b]) b = i;
    return b;
}

int main(void) {
    siamcl_context *ctx = tu_context();
    scl_device *dev = tu_dev(ctx);
    char path[1024];
    snprintf(path, sizeof path, "%s/models/siamfc-alexnet/backbone.onnx", tu_shared());
    siamcl_model *m = NULL;
    CHECK_OK(siamcl_model_load(path, &m));
    if (!m) return tu_finish("test-golden-siamfc");
    CHECK(siamcl_model_param_count(m) == 2334080);

    float *zin = tu_load_f32("golden/siamfc-alexnet/input_template_1x3x127x127.f32", 3 * 127 * 127);
    float *xin = tu_load_f32("golden/siamfc-alexnet/input_search_3x3x255x255.f32", 3 * 3 * 255 * 255);
    float *zf = tu_load_f32("golden/siamfc-alexnet/template_features_1x256x6x6.f32", 256 * 36);
    float *xf = tu_load_f32("golden/siamfc-alexnet/search_features_3x256x22x22.f32", 3 * 256 * 22 * 22);
    float *resp = tu_load_f32("golden/siamfc-alexnet/response_3x1x17x17.f32", 3 * 17 * 17);

    size_t b0 = siamcl_context_device_bytes(ctx, 0);
    siamcl_shape zs = {1, 3, 127, 127}, xs = {3, 3, 255, 255};
    siamcl_plan *pz = NULL, *px = NULL;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_OK(siamcl_plan_create(ctx, 0, m, 1, &zs, &pz));
    printf("template plan created in %.1f ms\n", tu_ms_since(t0));
    size_t b1 = siamcl_context_device_bytes(ctx, 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_OK(siamcl_plan_create(ctx, 0, m, 1, &xs, &px));
    printf("search plan created in %.1f ms\n", tu_ms_since(t0));
    size_t b2 = siamcl_context_device_bytes(ctx, 0);
    if (!pz || !px) return tu_finish("test-golden-siamfc");

    /* one copy of the weights: the second plan adds only its own buffers */
    siamcl_plan_stats sz, sx;
    CHECK_OK(siamcl_plan_get_stats(pz, &sz));
    CHECK_OK(siamcl_plan_get_stats(px, &sx));
    printf("weights %zu bytes; template plan %zu + %zu, search plan %zu + %zu bytes\n", sz.weight_bytes,
           sz.activation_bytes, sz.workspace_bytes, sx.activation_bytes, sx.workspace_bytes);
    CHECK(sz.weight_bytes >= 2334080 * sizeof(float));
    CHECK(sx.weight_bytes == sz.weight_bytes);
    CHECK(b1 - b0 == sz.weight_bytes + sz.activation_bytes + sz.workspace_bytes);
    CHECK(b2 - b1 == sx.activation_bytes + sx.workspace_bytes);
    CHECK(sx.activation_bytes < sx.naive_bytes); /* liveness reuse */

    tu_check_plan(pz, zin, zf, "template features");
    tu_check_plan(px, xin, xf, "search features");

    /* the SiamFC head straight on the plans' device outputs */
    scl_view tz, tx;
    CHECK_OK(scl_plan_output_view(pz, 0, &tz));
    CHECK_OK(scl_plan_output_view(px, 0, &tx));
    cl_mem dr = tu_upload(dev, NULL, 3 * 17 * 17);
    scl_view ty = scl_view_make(dr, 3, 1, 17, 17);
    CHECK_OK(scl_xcorr_fwd(dev, 0.001f, -2.1483638f, &tz, &tx, &ty));
    float *r = tu_download(dev, dr, 3 * 17 * 17);
    double e = tu_rel_l2(r, resp, 3 * 17 * 17);
    printf("response: relative L2 %.3g\n", e);
    CHECK(e <= 1e-5);
    for (int s = 0; s < 3; s++) {
        size_t a = argmax(r + s * 289, 289), b = argmax(resp + s * 289, 289);
        printf("scale %d: argmax %zu (golden %zu)\n", s, a, b);
        CHECK(a == b);
    }
    free(r);
    scl_buffer_free(dev, dr);

    siamcl_plan_free(pz);
    CHECK(siamcl_context_device_bytes(ctx, 0) == b2 - (sz.activation_bytes + sz.workspace_bytes));
    siamcl_plan_free(px);
    CHECK(siamcl_context_device_bytes(ctx, 0) == b0); /* the last plan released the weights */
    siamcl_model_free(m);
    free(zin);
    free(xin);
    free(zf);
    free(xf);
    free(resp);
    siamcl_context_free(ctx);
    return tu_finish("test-golden-siamfc");
}
