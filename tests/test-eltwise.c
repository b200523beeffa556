/* Elementwise ops (activations, residual add) against a plain C reference. */
#include "ops/ops.h"
#include "refops.h"
#include "testutil.h"

int main(void) {
    siamcl_context *ctx = tu_context();
    scl_device *dev = tu_dev(ctx);
    const int N = 2, C = 5, H = 7, W = 3;
    const size_t n = (size_t)N * C * H * W;
    float *a = malloc(n * 4), *b = malloc(n * 4), *ref = malloc(n * 4);
    tu_fill(a, n, -8, 8);
    tu_fill(b, n, -8, 8);
    cl_mem da = tu_upload(dev, a, n), db = tu_upload(dev, b, n), dy = tu_upload(dev, NULL, n);
    scl_view ta = scl_view_make(da, N, C, H, W), tb = scl_view_make(db, N, C, H, W),
               ty = scl_view_make(dy, N, C, H, W);
    scl_act_params acts[] = {{SCL_ACT_NONE, 0, 0},      {SCL_ACT_RELU, 0, 0},        {SCL_ACT_CLIP, 0, 6},
                             {SCL_ACT_CLIP, -1.5f, 2},  {SCL_ACT_HARDSWISH, 0, 0},   {SCL_ACT_HARDSIGMOID, 0.2f, 0.5f},
                             {SCL_ACT_HARDSIGMOID, 1.0f / 6, 0.5f}, {SCL_ACT_SIGMOID, 0, 0}, {SCL_ACT_EXP, 0, 0}};
    for (size_t k = 0; k < sizeof acts / sizeof acts[0]; k++) {
        CHECK_OK(scl_eltwise_act_fwd(dev, &acts[k], &ta, &ty));
        float *y = tu_download(dev, dy, n);
        for (size_t i = 0; i < n; i++) ref[i] = ref_act(a[i], acts[k].act, acts[k].a, acts[k].b);
        tu_compare("act", y, ref, n);
        free(y);
        CHECK_OK(scl_eltwise_add_fwd(dev, &acts[k], &ta, &tb, &ty));
        y = tu_download(dev, dy, n);
        for (size_t i = 0; i < n; i++) ref[i] = ref_act(a[i] + b[i], acts[k].act, acts[k].a, acts[k].b);
        tu_compare("add", y, ref, n);
        free(y);
    }
    /* offsets: act on the second batch item only, in place */
    scl_view half = {da, (size_t)C * H * W, 1, C, H, W};
    CHECK_OK(scl_eltwise_act_fwd(dev, &acts[1], &half, &half));
    float *y = tu_download(dev, da, n);
    for (size_t i = 0; i < n; i++) ref[i] = i < n / 2 ? a[i] : ref_act(a[i], SCL_ACT_RELU, 0, 0);
    tu_compare("act offset", y, ref, n);
    free(y);
    /* bad inputs */
    scl_view bad = scl_view_make(db, N, C, H, W + 1);
    CHECK_STATUS(scl_eltwise_add_fwd(dev, &acts[0], &ta, &bad, &ty), SIAMCL_ERR_SHAPE);
    scl_view zero = scl_view_make(db, 0, C, H, W);
    CHECK_STATUS(scl_eltwise_act_fwd(dev, &acts[0], &zero, &ty), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_eltwise_act_fwd(dev, NULL, &ta, &ty), SIAMCL_ERR_INVALID_ARGUMENT);
    scl_buffer_free(dev, da);
    scl_buffer_free(dev, db);
    scl_buffer_free(dev, dy);
    free(a);
    free(b);
    free(ref);
    siamcl_context_free(ctx);
    return tu_finish("test-eltwise");
}
