/* Tracker API contract on a cheap model (NanoTrack v2): argument and state
 * errors, init boxes of zero size or outside the frame, boxes partly outside,
 * frames that change size, descriptions naming bad files, update() doing no
 * allocation at all, and the failing allocator walked through create/init. */
#include "testutil.h"
#include "track/track.h"

static char g_models[1000];

static int box_ok(siamcl_box b) {
    return isfinite(b.x) && isfinite(b.y) && isfinite(b.w) && isfinite(b.h) && b.w > 0 && b.h > 0;
}

/* img placed at (ox, oy) in a larger grey frame */
static siamcl_image embed(const siamcl_image *img, int w, int h, int ox, int oy) {
    siamcl_image big;
    if (siamcl_image_alloc(&big, w, h) != SIAMCL_OK) exit(1);
    memset(big.data, 90, (size_t)w * h * 3);
    int cols = img->width < w - ox ? img->width : w - ox;
    for (int y = 0; y < img->height && y + oy < h; y++)
        memcpy(big.data + ((size_t)(y + oy) * w + ox) * 3, img->data + (size_t)y * img->width * 3, (size_t)cols * 3);
    return big;
}

int main(void) {
    siamcl_context *ctx = tu_context();
    siamcl_log_set(NULL, NULL, SIAMCL_LOG_ERROR);
    snprintf(g_models, sizeof g_models, "%s/models", tu_shared());
    char mp[1200], path[1200];
    tu_model_path(mp, sizeof mp, "nanotrack-v2");
    siamcl_tracker_desc d;
    CHECK_OK(siamcl_tracker_desc_load(mp, g_models, &d));
    siamcl_image f1, f2;
    snprintf(path, sizeof path, "%s/data/otb/Crossing/img/0001.jpg", tu_shared());
    CHECK_OK(siamcl_image_load(path, &f1));
    snprintf(path, sizeof path, "%s/data/otb/Crossing/img/0002.jpg", tu_shared());
    CHECK_OK(siamcl_image_load(path, &f2));
    const siamcl_box target = {205, 151, 17, 50};

    /* arguments */
    siamcl_tracker *t = NULL;
    CHECK_STATUS(siamcl_tracker_create(NULL, 0, &d, &t), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_tracker_create(ctx, 0, NULL, &t), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_tracker_create(ctx, 7, &d, &t), SIAMCL_ERR_OUT_OF_RANGE);
    siamcl_tracker_desc broken = d;
    broken.score_size = 0;
    CHECK_STATUS(siamcl_tracker_create(ctx, 0, &broken, &t), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK(t == NULL);
    /* a malformed SIAMCL_SCHEDULE is an error for a single tracker too, not ignored */
    setenv("SIAMCL_SCHEDULE", "bogus", 1);
    CHECK_STATUS(siamcl_tracker_create(ctx, 0, &d, &t), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK(t == NULL && strstr(siamcl_last_error(), "SIAMCL_SCHEDULE='bogus'") != NULL);
    unsetenv("SIAMCL_SCHEDULE");
    /* a description whose "ONNX" file is something else */
    broken = d;
    snprintf(broken.backbone, sizeof broken.backbone, "%s/data/otb/Crossing/groundtruth_rect.txt", tu_shared());
    siamcl_status st = siamcl_tracker_create(ctx, 0, &broken, &t);
    CHECK(st != SIAMCL_OK && t == NULL);
    broken = d;
    snprintf(broken.head, sizeof broken.head, "/no/such/head.onnx");
    CHECK_STATUS(siamcl_tracker_create(ctx, 0, &broken, &t), SIAMCL_ERR_IO);
    siamcl_tracker_free(NULL);

    CHECK_OK(siamcl_tracker_create(ctx, 0, &d, &t));
    if (!t) {
        siamcl_image_free(&f1);
        siamcl_image_free(&f2);
        siamcl_context_free(ctx);
        return tu_finish("test-track-api");
    }
    siamcl_box b;
    float score;
    /* update before init */
    CHECK_STATUS(siamcl_tracker_update(t, &f2, &b, &score), SIAMCL_ERR_STATE);
    CHECK_STATUS(siamcl_tracker_init(NULL, &f1, target), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_tracker_init(t, NULL, target), SIAMCL_ERR_INVALID_ARGUMENT);
    siamcl_box zero = {10, 10, 0, 20}, neg = {10, 10, 20, -3}, outside = {500, 20, 10, 10},
               above = {20, -80, 10, 30}, nan = {NAN, 1, 2, 3}, inf = {1, 1, INFINITY, 3};
    CHECK_STATUS(siamcl_tracker_init(t, &f1, zero), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(siamcl_tracker_init(t, &f1, neg), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(siamcl_tracker_init(t, &f1, outside), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(siamcl_tracker_init(t, &f1, above), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(siamcl_tracker_init(t, &f1, nan), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(siamcl_tracker_init(t, &f1, inf), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(siamcl_tracker_update(t, &f2, &b, &score), SIAMCL_ERR_STATE);
    siamcl_image empty = {0, 0, NULL};
    CHECK_STATUS(siamcl_tracker_init(t, &empty, target), SIAMCL_ERR_INVALID_ARGUMENT);

    /* normal use; update allocates nothing, host or device */
    CHECK_OK(siamcl_tracker_init(t, &f1, target));
    CHECK_STATUS(siamcl_tracker_update(t, NULL, &b, &score), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_tracker_update(t, &f2, NULL, &score), SIAMCL_ERR_INVALID_ARGUMENT);
    siamcl_test_fail_alloc(0);
    CHECK_OK(siamcl_tracker_update(t, &f2, &b, &score));
    CHECK_OK(siamcl_tracker_update(t, &f2, &b, NULL));
    long allocs = siamcl_test_fail_alloc(0);
    if (allocs) fprintf(stderr, "update allocated %ld times\n", allocs);
    CHECK(allocs == 0);
    CHECK(box_ok(b) && fabs(b.x - 200) < 15 && fabs(b.y - 150) < 15);

    /* a box partly outside the frame (top-left corner) */
    siamcl_box corner = {-10, -20, 40, 50};
    CHECK_OK(siamcl_tracker_init(t, &f1, corner));
    for (int i = 0; i < 3; i++) {
        CHECK_OK(siamcl_tracker_update(t, &f2, &b, &score));
        CHECK(box_ok(b) && isfinite(score));
    }
    /* frames that change size: the same content moved into a larger frame */
    CHECK_OK(siamcl_tracker_init(t, &f1, target));
    siamcl_image big = embed(&f2, f2.width + 100, f2.height + 60, 40, 30);
    CHECK_OK(siamcl_tracker_update(t, &big, &b, &score));
    CHECK(box_ok(b) && fabs(b.x - 240) < 15 && fabs(b.y - 180) < 15);
    siamcl_image small = embed(&f2, 300, 220, 0, 0); /* cropped: the frame shrinks */
    CHECK_OK(siamcl_tracker_update(t, &small, &b, &score));
    CHECK(box_ok(b));
    /* a frame of pure noise and a black frame: still a valid box */
    tu_seed(3);
    for (size_t i = 0; i < (size_t)big.width * big.height * 3; i++) big.data[i] = (uint8_t)tu_rand(0, 255);
    CHECK_OK(siamcl_tracker_update(t, &big, &b, &score));
    CHECK(box_ok(b));
    memset(big.data, 0, (size_t)big.width * big.height * 3);
    for (int i = 0; i < 5; i++) {
        CHECK_OK(siamcl_tracker_update(t, &big, &b, &score));
        CHECK(box_ok(b));
    }
    siamcl_tracker_times tm;
    siamcl_tracker_get_times(t, &tm);
    CHECK(tm.updates >= 10 && tm.inits >= 3 && tm.update_ms > 0);
    siamcl_tracker_free(t);

    /* new settings on a built tracker track as a tracker created with them (both kinds) */
    const char *kinds[] = {"nanotrack-v2", "siamfc-alexnet"};
    for (int k = 0; k < 2; k++) {
        siamcl_tracker_desc base, tuned;
        tu_model_path(mp, sizeof mp, kinds[k]);
        CHECK_OK(siamcl_tracker_desc_load(mp, g_models, &base));
        tuned = base;
        tuned.window_influence = 0.3;
        if (k == 0) tuned.penalty_k = 0.05, tuned.lr = 0.6;
        else tuned.scale_step = 1.1, tuned.scale_penalty = 0.96, tuned.scale_lr = 0.3;
        siamcl_tracker *ta = NULL, *tb = NULL;
        CHECK_OK(siamcl_tracker_create(ctx, 0, &base, &ta));
        CHECK_OK(siamcl_tracker_create(ctx, 0, &tuned, &tb));
        CHECK_OK(siamcl_tracker_set_params(ta, &tuned));
        /* profiling waits between stages and reports them; the boxes do not change */
        CHECK_OK(siamcl_tracker_set_profiling(ta, 1));
        CHECK_STATUS(siamcl_tracker_set_profiling(NULL, 1), SIAMCL_ERR_INVALID_ARGUMENT);
        siamcl_box ba, bb;
        CHECK_OK(siamcl_tracker_init(ta, &f1, target));
        CHECK_OK(siamcl_tracker_init(tb, &f1, target));
        const siamcl_image *seq[] = {&f2, &f1, &f2};
        for (int i = 0; i < 3; i++) {
            CHECK_OK(siamcl_tracker_update(ta, seq[i], &ba, NULL));
            CHECK_OK(siamcl_tracker_update(tb, seq[i], &bb, NULL));
            CHECK(memcmp(&ba, &bb, sizeof ba) == 0);
        }
        siamcl_tracker_stages sa, sb;
        siamcl_tracker_get_stages(ta, &sa);
        siamcl_tracker_get_stages(tb, &sb);
        CHECK(sa.template_ms > 0 && sa.crop_ms > 0 && sa.search_ms > 0 && sa.head_ms > 0 && sa.download_ms >= 0);
        CHECK(k == 0 ? sa.upsample_ms == 0 : sa.upsample_ms > 0);
        CHECK(sb.template_ms == 0 && sb.search_ms == 0 && sb.head_ms == 0); /* off: nothing measured */
        printf("profiled %s: template %.2f, crop %.2f, search %.2f, head %.2f, download %.2f, upsample %.2f ms\n",
               kinds[k], sa.template_ms, sa.crop_ms, sa.search_ms, sa.head_ms, sa.download_ms, sa.upsample_ms);
        /* the tracker's plans: template, search, and a head network for NanoTrack only */
        CHECK(siamcl_tracker_plan(ta, 0) && siamcl_tracker_plan(ta, 1) && !siamcl_tracker_plan(ta, 3));
        CHECK(k == 0 ? siamcl_tracker_plan(ta, 2) != NULL : siamcl_tracker_plan(ta, 2) == NULL);
        siamcl_plan *xp = siamcl_tracker_plan(ta, 1);
        int nl = siamcl_plan_layer_count(xp);
        siamcl_layer_profile *lp = calloc((size_t)nl + 1, sizeof *lp);
        CHECK(nl > 0 && lp);
        if (lp) {
            CHECK_OK(siamcl_plan_profile(xp, lp));
            long long lm = 0;
            for (int i = 0; i < nl; i++) {
                CHECK(lp[i].ms >= 0 && lp[i].what[0] && lp[i].shape[0]);
                lm += lp[i].macs;
            }
            siamcl_plan_stats ps;
            CHECK_OK(siamcl_plan_get_stats(xp, &ps));
            CHECK(lm == ps.macs); /* the layers' multiply-adds are the plan's */
            free(lp);
        }
        CHECK_STATUS(siamcl_plan_profile(NULL, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
        /* the tracker still tracks after profiling its plans */
        CHECK_OK(siamcl_tracker_update(ta, &f2, &ba, NULL));
        CHECK(box_ok(ba));
        /* the settings by key are the description's fields; a network key is none */
        CHECK(siamcl_tracker_desc_setting(&tuned, "window_influence") == &tuned.window_influence);
        CHECK(siamcl_tracker_desc_setting(&tuned, k == 0 ? "lr" : "scale_lr") == (k == 0 ? &tuned.lr : &tuned.scale_lr));
        CHECK(siamcl_tracker_desc_setting(&tuned, "score_size") == NULL);
        CHECK(siamcl_tracker_desc_setting(&tuned, "backbone") == NULL);
        siamcl_tracker_desc bad = tuned;
        bad.score_size++;
        CHECK_STATUS(siamcl_tracker_set_params(ta, &bad), SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK(strstr(siamcl_last_error(), "score_size") != NULL);
        bad = tuned;
        if (k == 0) bad.lr = 2;
        else bad.scale_lr = -1;
        CHECK_STATUS(siamcl_tracker_set_params(ta, &bad), SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK(strstr(siamcl_last_error(), k == 0 ? "lr is out" : "scale_lr") != NULL);
        CHECK_STATUS(siamcl_tracker_set_params(NULL, &bad), SIAMCL_ERR_INVALID_ARGUMENT);
        printf("set_params %s: boxes equal a tracker created with the settings (%.1f,%.1f,%.1f,%.1f)\n", kinds[k],
               ba.x, ba.y, ba.w, ba.h);
        siamcl_tracker_free(ta);
        siamcl_tracker_free(tb);
    }

    /* the SGEMM ceiling: timed runs, bad arguments named */
    double sg[2] = {-1, -1};
    CHECK_OK(siamcl_context_time_sgemm(ctx, 0, 64, 2, sg));
    CHECK(sg[0] > 0 && sg[1] > 0);
    CHECK_STATUS(siamcl_context_time_sgemm(ctx, 9, 64, 2, sg), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(siamcl_context_time_sgemm(ctx, 0, 0, 2, sg), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(siamcl_context_time_sgemm(ctx, 0, 64, 0, sg), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_context_time_sgemm(NULL, 0, 64, 2, sg), SIAMCL_ERR_INVALID_ARGUMENT);

    /* failing allocator: every allocation of create + init, sampled */
    t = NULL;
    siamcl_test_fail_alloc(0);
    CHECK_OK(siamcl_tracker_create(ctx, 0, &d, &t));
    CHECK_OK(siamcl_tracker_init(t, &f1, target));
    long total = siamcl_test_fail_alloc(0);
    siamcl_tracker_free(t);
    int tried = 0;
    for (long i = 1; i <= total; i += 1 + i / 8, tried++) {
        siamcl_tracker *u = NULL;
        siamcl_test_fail_alloc(i);
        st = siamcl_tracker_create(ctx, 0, &d, &u);
        if (st == SIAMCL_OK) st = siamcl_tracker_init(u, &f1, target);
        siamcl_test_fail_alloc(0);
        CHECK(st == SIAMCL_ERR_OUT_OF_MEMORY || st == SIAMCL_ERR_DEVICE_MEMORY || st == SIAMCL_OK);
        if (u && st == SIAMCL_OK) CHECK_OK(siamcl_tracker_update(u, &f2, &b, &score));
        siamcl_tracker_free(u);
    }
    printf("failing allocator: %d of %ld allocation sites tried\n", tried, total);

    siamcl_image_free(&big);
    siamcl_image_free(&small);
    siamcl_image_free(&f1);
    siamcl_image_free(&f2);
    siamcl_context_free(ctx);
    return tu_finish("test-track-api");
}
