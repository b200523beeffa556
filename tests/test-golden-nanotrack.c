/* NanoTrack v2 and v3 from ONNX against golden/nanotrack (OpenCV DNN), real and
 * random cases: backbone at 127 (zf) and 255 (xf), then the head fed straight
 * from the two backbone plans' device outputs (no host round trip): features
 * and head outputs within relative L2 1e-5, cls argmax identical. The head is
 * also checked on the golden zf/xf uploaded directly. */
#include <time.h>

#include "testutil.h"

static float *load_f32(const char *ver, const char *cs, const char *name, size_t count) {
    char rel[256];
    snprintf(rel, sizeof rel, "golden/nanotrack/%s/%s/%s.f32", ver, cs, name);
    return tu_load_f32(rel, count);
}

static size_t argmax_fg(const float *cls, size_t cells) {
    /* softmax over the 2 channels is monotonic in (c1 - c0) */
    size_t b = 0;
    for (size_t i = 1; i < cells; i++)
        if (cls[cells + i] - cls[i] > cls[cells + b] - cls[b]) b = i;
    return b;
}

static void compare(const siamcl_tensor *t, const float *ref, const char *what) {
    siamcl_shape s = siamcl_tensor_shape(t);
    size_t n = siamcl_shape_count(s);
    float *out = malloc(n * sizeof(float));
    CHECK_OK(siamcl_tensor_download(t, out, n));
    double e = tu_rel_l2(out, ref, n);
    printf("  %-22s %dx%dx%dx%d relative L2 %.3g\n", what, s.n, s.c, s.h, s.w, e);
    CHECK(e <= 1e-5);
    free(out);
}

static double timed_run(siamcl_plan *p) {
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_OK(siamcl_plan_run(p));
    CHECK_OK(siamcl_plan_finish(p));
    return tu_ms_since(t0);
}

static void run_version(siamcl_context *ctx, const char *ver, int ch, int grid) {
    char path[1024];
    siamcl_model *bb = NULL, *hd = NULL;
    snprintf(path, sizeof path, "%s/models/nanotrack-%s/backbone.onnx", tu_shared(), ver);
    CHECK_OK(siamcl_model_load(path, &bb));
    snprintf(path, sizeof path, "%s/models/nanotrack-%s/head.onnx", tu_shared(), ver);
    CHECK_OK(siamcl_model_load(path, &hd));
    if (!bb || !hd) return;
    siamcl_shape zs = {1, 3, 127, 127}, xs = {1, 3, 255, 255};
    siamcl_shape hs[2] = {{1, ch, 8, 8}, {1, ch, 16, 16}};
    siamcl_plan *pz = NULL, *px = NULL, *ph = NULL;
    struct timespec t0;
    size_t b0 = siamcl_context_device_bytes(ctx, 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_OK(siamcl_plan_create(ctx, 0, bb, 1, &zs, &pz));
    double tz = tu_ms_since(t0);
    size_t b1 = siamcl_context_device_bytes(ctx, 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_OK(siamcl_plan_create(ctx, 0, bb, 1, &xs, &px));
    double tx = tu_ms_since(t0);
    size_t b2 = siamcl_context_device_bytes(ctx, 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_OK(siamcl_plan_create(ctx, 0, hd, 2, hs, &ph));
    double th = tu_ms_since(t0);
    if (!pz || !px || !ph) goto done;
    printf("nanotrack-%s: plan creation backbone 127 %.0f ms, backbone 255 %.0f ms, head %.0f ms\n", ver, tz, tx, th);
    siamcl_plan_stats sz, sx;
    CHECK_OK(siamcl_plan_get_stats(pz, &sz));
    CHECK_OK(siamcl_plan_get_stats(px, &sx));
    CHECK(b1 - b0 == sz.weight_bytes + sz.activation_bytes + sz.workspace_bytes);
    CHECK(b2 - b1 == sx.activation_bytes + sx.workspace_bytes); /* weights shared */
    siamcl_shape o1, o2;
    CHECK_OK(siamcl_plan_output_shape(ph, 0, &o1));
    CHECK_OK(siamcl_plan_output_shape(ph, 1, &o2));
    CHECK(o1.c == 2 && o1.h == grid && o1.w == grid && o2.c == 4 && o2.h == grid);
    int ic = siamcl_model_output_index(hd, "output1"), il = siamcl_model_output_index(hd, "output2");
    CHECK(ic >= 0 && il >= 0);
    size_t cells = (size_t)grid * grid;
    const char *cases[2] = {"real", "random"};
    for (int c = 0; c < 2; c++) {
        float *zin = load_f32(ver, cases[c], "z_input", 3 * 127 * 127);
        float *xin = load_f32(ver, cases[c], "x_input", 3 * 255 * 255);
        float *zf = load_f32(ver, cases[c], "zf", (size_t)ch * 64);
        float *xf = load_f32(ver, cases[c], "xf", (size_t)ch * 256);
        float *cls = load_f32(ver, cases[c], "cls", 2 * cells);
        float *loc = load_f32(ver, cases[c], "loc", 4 * cells);
        printf(" case %s\n", cases[c]);
        /* chained on the device: the head reads the backbone plans' outputs */
        CHECK_OK(siamcl_plan_bind_input(ph, siamcl_model_input_index(hd, "input1"), siamcl_plan_output(pz, 0)));
        CHECK_OK(siamcl_plan_bind_input(ph, siamcl_model_input_index(hd, "input2"), siamcl_plan_output(px, 0)));
        CHECK_OK(siamcl_tensor_upload(siamcl_plan_input(pz, 0), zin, 3 * 127 * 127));
        CHECK_OK(siamcl_tensor_upload(siamcl_plan_input(px, 0), xin, 3 * 255 * 255));
        double rz = timed_run(pz), rx = timed_run(px), rh = timed_run(ph);
        printf("  one run: backbone 127 %.1f ms, backbone 255 %.1f ms, head %.1f ms\n", rz, rx, rh);
        compare(siamcl_plan_output(pz, 0), zf, "zf");
        compare(siamcl_plan_output(px, 0), xf, "xf");
        compare(siamcl_plan_output(ph, ic), cls, "cls (chained)");
        compare(siamcl_plan_output(ph, il), loc, "loc (chained)");
        float *got = malloc(2 * cells * sizeof(float));
        CHECK_OK(siamcl_tensor_download(siamcl_plan_output(ph, ic), got, 2 * cells));
        size_t a = argmax_fg(got, cells), b = argmax_fg(cls, cells);
        printf("  cls argmax %zu (golden %zu)\n", a, b);
        CHECK(a == b);
        free(got);
        /* the head alone on the golden features, through its own input buffers */
        CHECK_OK(siamcl_plan_bind_input(ph, 0, NULL));
        CHECK_OK(siamcl_plan_bind_input(ph, 1, NULL));
        CHECK_OK(siamcl_tensor_upload(siamcl_plan_input(ph, siamcl_model_input_index(hd, "input1")), zf,
                                      (size_t)ch * 64));
        CHECK_OK(siamcl_tensor_upload(siamcl_plan_input(ph, siamcl_model_input_index(hd, "input2")), xf,
                                      (size_t)ch * 256));
        CHECK_OK(siamcl_plan_run(ph));
        compare(siamcl_plan_output(ph, ic), cls, "cls (golden features)");
        compare(siamcl_plan_output(ph, il), loc, "loc (golden features)");
        free(zin);
        free(xin);
        free(zf);
        free(xf);
        free(cls);
        free(loc);
    }
    /* batched backbone (several targets in one pass): each item as alone */
    {
        siamcl_shape bs = {3, 3, 255, 255};
        siamcl_plan *pb = NULL;
        CHECK_OK(siamcl_plan_create(ctx, 0, bb, 1, &bs, &pb));
        if (pb) {
            size_t one = 3 * 255 * 255, fo = (size_t)ch * 256;
            float *in = malloc(3 * one * sizeof(float)), *ref = malloc(3 * fo * sizeof(float));
            for (int k = 0; k < 3; k++) {
                const char *cs = k == 1 ? "random" : "real";
                float *xi = load_f32(ver, cs, "x_input", one), *xf = load_f32(ver, cs, "xf", fo);
                memcpy(in + k * one, xi, one * sizeof(float));
                memcpy(ref + k * fo, xf, fo * sizeof(float));
                free(xi);
                free(xf);
            }
            CHECK_OK(siamcl_tensor_upload(siamcl_plan_input(pb, 0), in, 3 * one));
            CHECK_OK(siamcl_plan_run(pb));
            compare(siamcl_plan_output(pb, 0), ref, "xf batch 3");
            free(in);
            free(ref);
        }
        siamcl_plan_free(pb);
    }
done:
    siamcl_plan_free(ph);
    siamcl_plan_free(px);
    siamcl_plan_free(pz);
    CHECK(siamcl_context_device_bytes(ctx, 0) == b0);
    siamcl_model_free(hd);
    siamcl_model_free(bb);
}

int main(void) {
    siamcl_context *ctx = tu_context();
    run_version(ctx, "v2", 48, 16);
    run_version(ctx, "v3", 96, 15);
    siamcl_context_free(ctx);
    return tu_finish("test-golden-nanotrack");
}
