/* Model description files: the four the repo carries, and every kind of bad
 * input (unknown/duplicate/missing keys, bad numbers, missing ONNX files),
 * search-path resolution and the failing allocator. */
#include "testutil.h"
#include "track/track.h"

static char g_models[900]; /* ../shared/models */

static void repo_descs(void) {
    char path[1200];
    siamcl_tracker_desc d;
    tu_model_path(path, sizeof path, "siamfc-alexnet");
    CHECK_OK(siamcl_tracker_desc_load(path, g_models, &d));
    CHECK(!strcmp(d.name, "siamfc-alexnet") && d.kind == SIAMCL_TRACKER_SIAMFC);
    CHECK(d.flavour == SIAMCL_SIAMFC_ORIGINAL && d.bgr == 1);
    CHECK(d.exemplar_size == 127 && d.instance_size == 255 && d.stride == 8 && d.score_size == 17);
    CHECK(d.head_scale == 0.001 && d.head_bias == -2.1483638);
    CHECK(d.scale_count == 3 && d.scale_step == 1.0375 && d.scale_penalty == 0.9745 && d.scale_lr == 0.59);
    CHECK(d.response_up == 16 && d.window_influence == 0.176 && d.scale_min == 0.2 && d.scale_max == 5);
    CHECK(d.context == 0.5 && d.head[0] == 0);
    CHECK(strstr(d.backbone, "siamfc-alexnet/backbone.onnx") != NULL);

    tu_model_path(path, sizeof path, "ciresnet22");
    CHECK_OK(siamcl_tracker_desc_load(path, g_models, &d));
    CHECK(d.kind == SIAMCL_TRACKER_SIAMFC && d.flavour == SIAMCL_SIAMFC_SIAMDW);
    CHECK(d.head_scale == 0.1 && d.head_bias == 0 && d.scale_step == 1.1897 && d.scale_lr == 0.2226);
    CHECK(d.scale_penalty == 0.937 && d.window_influence == 0.2897 && d.min_size == 10);
    CHECK(strstr(d.backbone, "ciresnet22-random/backbone.onnx") != NULL);

    tu_model_path(path, sizeof path, "nanotrack-v2");
    CHECK_OK(siamcl_tracker_desc_load(path, g_models, &d));
    CHECK(d.kind == SIAMCL_TRACKER_NANOTRACK && d.score_size == 16 && d.stride == 16);
    CHECK(d.penalty_k == 0.15 && d.window_influence == 0.49 && d.lr == 0.385 && d.bgr == 1);
    CHECK(strstr(d.head, "nanotrack-v2/head.onnx") != NULL);

    tu_model_path(path, sizeof path, "nanotrack-v3");
    CHECK_OK(siamcl_tracker_desc_load(path, g_models, &d));
    CHECK(d.kind == SIAMCL_TRACKER_NANOTRACK && d.score_size == 15);
    CHECK(d.penalty_k == 0.138 && d.window_influence == 0.455 && d.lr == 0.348);
    CHECK(strstr(d.backbone, "nanotrack-v3/backbone.onnx") != NULL);
}

static void expect(const char *text, siamcl_status want, const char *needle) {
    siamcl_tracker_desc d;
    siamcl_status st = siamcl_tracker_desc_parse(text, "mem.model", g_models, &d);
    if (st != want || (needle && !strstr(siamcl_last_error(), needle))) {
        fprintf(stderr, "text:\n%s\n-> %d '%s', wanted %d with '%s'\n", text, (int)st, siamcl_last_error(),
                (int)want, needle ? needle : "");
        tu_failures++;
    }
}

static void bad_inputs(void) {
    const char *fc = "tracker = siamfc\nbackbone = siamfc-alexnet/backbone.onnx\n";
    expect(fc, SIAMCL_OK, NULL);
    char buf[2048];
    snprintf(buf, sizeof buf, "%sbogus = 1\n", fc);
    expect(buf, SIAMCL_ERR_FORMAT, "mem.model:3: bogus");
    snprintf(buf, sizeof buf, "%sscale_step = abc\n", fc);
    expect(buf, SIAMCL_ERR_FORMAT, "not a finite number");
    snprintf(buf, sizeof buf, "%sscale_step = nan\n", fc);
    expect(buf, SIAMCL_ERR_FORMAT, "scale_step");
    snprintf(buf, sizeof buf, "%sscales = 4\n", fc);
    expect(buf, SIAMCL_ERR_FORMAT, "odd");
    snprintf(buf, sizeof buf, "%sscales = 3.5\n", fc);
    expect(buf, SIAMCL_ERR_FORMAT, "not an integer");
    snprintf(buf, sizeof buf, "%swindow_influence = 1.5\n", fc);
    expect(buf, SIAMCL_ERR_FORMAT, "must lie in");
    snprintf(buf, sizeof buf, "%sscale_min = 3\nscale_max = 2\n", fc);
    expect(buf, SIAMCL_ERR_FORMAT, "scale_max");
    snprintf(buf, sizeof buf, "%stracker = siamfc\n", fc);
    expect(buf, SIAMCL_ERR_FORMAT, "already set on line 1");
    snprintf(buf, sizeof buf, "%sjust words\n", fc);
    expect(buf, SIAMCL_ERR_FORMAT, "expected 'key = value'");
    snprintf(buf, sizeof buf, "%shead = nanotrack-v2/head.onnx\n", fc);
    expect(buf, SIAMCL_ERR_FORMAT, "nanotrack only");
    snprintf(buf, sizeof buf, "%sflavour = fancy\n", fc);
    expect(buf, SIAMCL_ERR_FORMAT, "flavour");
    snprintf(buf, sizeof buf, "%sinput_order = bgra\n", fc);
    expect(buf, SIAMCL_ERR_FORMAT, "input_order");
    snprintf(buf, sizeof buf, "%sexemplar_size = 300\n", fc);
    expect(buf, SIAMCL_ERR_FORMAT, "instance_size");
    expect("backbone = siamfc-alexnet/backbone.onnx\n", SIAMCL_ERR_FORMAT, "missing 'tracker");
    expect("tracker = kcf\nbackbone = x.onnx\n", SIAMCL_ERR_FORMAT, "siamfc or nanotrack");
    expect("tracker = siamfc\n", SIAMCL_ERR_FORMAT, "missing 'backbone");
    expect("# only a comment\n\n", SIAMCL_ERR_FORMAT, "tracker");
    /* a missing ONNX file names the file and where it was searched */
    expect("tracker = siamfc\nbackbone = nowhere/backbone.onnx\n", SIAMCL_ERR_IO, "nowhere/backbone.onnx");
    expect("tracker = siamfc\nbackbone = /no/such/file.onnx\n", SIAMCL_ERR_IO, "/no/such/file.onnx");
    const char *nt = "tracker = nanotrack\nbackbone = nanotrack-v2/backbone.onnx\nscore_size = 16\n"
                     "penalty_k = 0.15\nwindow_influence = 0.49\nlr = 0.385\n";
    snprintf(buf, sizeof buf, "%shead = nanotrack-v2/head.onnx\n", nt);
    expect(buf, SIAMCL_OK, NULL);
    expect(nt, SIAMCL_ERR_FORMAT, "needs 'head'");
    snprintf(buf, sizeof buf, "%shead = nanotrack-v2/missing.onnx\n", nt);
    expect(buf, SIAMCL_ERR_IO, "missing.onnx");
    snprintf(buf, sizeof buf, "%shead = nanotrack-v2/head.onnx\nscales = 3\n", nt);
    expect(buf, SIAMCL_ERR_FORMAT, "unknown key");
    expect("tracker = nanotrack\nbackbone = nanotrack-v2/backbone.onnx\nhead = nanotrack-v2/head.onnx\n",
           SIAMCL_ERR_FORMAT, "needs 'score_size'");
    /* comments, blank lines, upper-case keys, trailing comments */
    expect("# c\n\n  TRACKER = siamfc   # the kind\nBackbone=siamfc-alexnet/backbone.onnx\n", SIAMCL_OK, NULL);

    /* search path: several folders, and the description's own folder last */
    siamcl_tracker_desc d;
    char search[2048];
    snprintf(search, sizeof search, "/nonexistent:%s", g_models);
    CHECK_OK(siamcl_tracker_desc_parse(fc, "x.model", search, &d));
    char origin[1200];
    snprintf(origin, sizeof origin, "%s/x.model", g_models);
    CHECK_OK(siamcl_tracker_desc_parse(fc, origin, "/nonexistent", &d));
    CHECK(!strcmp(d.name, "x"));
    /* NULL and missing files */
    CHECK_STATUS(siamcl_tracker_desc_parse(NULL, NULL, NULL, &d), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_tracker_desc_parse(fc, NULL, NULL, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_tracker_desc_load(NULL, NULL, &d), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_tracker_desc_load("/no/such.model", NULL, &d), SIAMCL_ERR_IO);
    /* a binary file is not a description */
    char onnx[1200];
    snprintf(onnx, sizeof onnx, "%s/nanotrack-v2/head.onnx", g_models);
    siamcl_status st = siamcl_tracker_desc_load(onnx, NULL, &d);
    CHECK(st == SIAMCL_ERR_FORMAT);
}

static void failing_allocator(void) {
    char path[1200];
    tu_model_path(path, sizeof path, "nanotrack-v3");
    siamcl_tracker_desc d;
    int ok = 0;
    for (long i = 1; i < 50 && !ok; i++) {
        siamcl_test_fail_alloc(i);
        siamcl_status st = siamcl_tracker_desc_load(path, g_models, &d);
        CHECK(st == SIAMCL_OK || st == SIAMCL_ERR_OUT_OF_MEMORY);
        ok = st == SIAMCL_OK;
    }
    siamcl_test_fail_alloc(0);
    CHECK(ok);
}

int main(void) {
    siamcl_log_set(NULL, NULL, SIAMCL_LOG_ERROR);
    snprintf(g_models, sizeof g_models, "%s/models", tu_shared());
    repo_descs();
    bad_inputs();
    failing_allocator();
    return tu_finish("test-track-desc");
}
