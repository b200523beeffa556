/* Tracker groups against the single-target tracker: 8 SiamFC targets (and 4
 * NanoTrack ones) tracked in one batched search pass per frame give every
 * target the boxes of a siamcl_tracker tracking it alone (tu_close on each
 * coordinate; the count of bit-identical boxes is printed). Also: schedule
 * parsing, argument/state errors, remove and re-add, submit/wait.
 *
 * `test-group multi` (CTest test-group-multi, POCL_DEVICES="pthread pthread"):
 * twin placement (templates on device 0, searches on device 1) and split
 * placement against the single-device reference, auto resolving to split, and
 * the device-failure hook: the failed device's targets get an error, the
 * others keep their reference boxes. */
#include "testutil.h"

#define FRAMES 3 /* updates after the init frame */
#define MAXT 8

static const siamcl_box g_boxes[MAXT] = {{205, 151, 17, 50}, {50, 60, 30, 40},  {120, 100, 25, 25},
                                         {300, 30, 40, 60},  {10, 180, 50, 40}, {250, 180, 30, 30},
                                         {160, 20, 20, 45},  {80, 140, 35, 50}};
static siamcl_image g_frames[FRAMES + 1];
static siamcl_box g_ref[MAXT][FRAMES];
static long g_exact, g_compared;

static void desc_for(const char *name, siamcl_tracker_desc *d) {
    char mp[1200], models[1100];
    tu_model_path(mp, sizeof mp, name);
    snprintf(models, sizeof models, "%s/models", tu_shared());
    CHECK_OK(siamcl_tracker_desc_load(mp, models, d));
}

/* every target alone with the single-target tracker on device 0 */
static void reference(siamcl_context *ctx, const siamcl_tracker_desc *d, int nt) {
    siamcl_tracker *t = NULL;
    CHECK_OK(siamcl_tracker_create(ctx, 0, d, &t));
    if (!t) exit(tu_finish("test-group"));
    for (int k = 0; k < nt; k++) {
        CHECK_OK(siamcl_tracker_init(t, &g_frames[0], g_boxes[k]));
        for (int f = 0; f < FRAMES; f++) CHECK_OK(siamcl_tracker_update(t, &g_frames[f + 1], &g_ref[k][f], NULL));
    }
    siamcl_tracker_free(t);
}

static int same_box(siamcl_box a, siamcl_box b) {
    g_compared++;
    if (a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h) g_exact++;
    return tu_close(a.x, b.x) && tu_close(a.y, b.y) && tu_close(a.w, b.w) && tu_close(a.h, b.h);
}

/* frame f of the group (ids 0..nt-1 added in order) against the reference;
 * targets whose search device is `failed` must report an error instead. */
static void check_frame(const siamcl_group_result *r, int n, int nt, int f, const int *xdev, int failed) {
    CHECK(n == nt);
    for (int k = 0; k < n && k < nt; k++) {
        CHECK(r[k].id == k);
        if (xdev && xdev[k] == failed) {
            CHECK(r[k].status != SIAMCL_OK);
            continue;
        }
        CHECK_OK(r[k].status);
        if (!same_box(r[k].box, g_ref[k][f]))
            fprintf(stderr, "target %d frame %d: %.4f %.4f %.4f %.4f vs %.4f %.4f %.4f %.4f\n", k, f + 1, r[k].box.x,
                    r[k].box.y, r[k].box.w, r[k].box.h, g_ref[k][f].x, g_ref[k][f].y, g_ref[k][f].w, g_ref[k][f].h);
    }
}

/* add nt targets, track FRAMES frames, compare */
static void run_group(siamcl_context *ctx, const siamcl_tracker_desc *d, const siamcl_schedule *sc, int nt,
                      int *xdev_out) {
    siamcl_group *g = NULL;
    CHECK_OK(siamcl_group_create(ctx, d, sc, &g));
    if (!g) return;
    for (int k = 0; k < nt; k++) {
        int id = -1;
        CHECK_OK(siamcl_group_add(g, &g_frames[0], g_boxes[k], &id));
        CHECK(id == k);
        if (xdev_out) CHECK_OK(siamcl_group_target_devices(g, k, NULL, &xdev_out[k]));
    }
    CHECK(siamcl_group_count(g) == nt);
    siamcl_group_result r[MAXT];
    for (int f = 0; f < FRAMES; f++) {
        int n = 0;
        CHECK_OK(siamcl_group_update(g, &g_frames[f + 1], r, MAXT, &n));
        check_frame(r, n, nt, f, NULL, -1);
    }
    siamcl_group_free(g);
}

static void api(siamcl_context *ctx, const siamcl_tracker_desc *d) {
    siamcl_schedule sc;
    CHECK_OK(siamcl_schedule_parse("auto", &sc));
    CHECK(sc.policy == SIAMCL_SCHEDULE_AUTO);
    CHECK_OK(siamcl_schedule_parse("single:1", &sc));
    CHECK(sc.policy == SIAMCL_SCHEDULE_SINGLE && sc.device == 1);
    CHECK_OK(siamcl_schedule_parse("twin:1,0", &sc));
    CHECK(sc.policy == SIAMCL_SCHEDULE_TWIN && sc.template_device == 1 && sc.search_device == 0);
    CHECK_OK(siamcl_schedule_parse("split", &sc));
    CHECK(sc.policy == SIAMCL_SCHEDULE_SPLIT);
    CHECK_STATUS(siamcl_schedule_parse("twin:1", &sc), SIAMCL_ERR_FORMAT);
    CHECK_STATUS(siamcl_schedule_parse("single:-1", &sc), SIAMCL_ERR_FORMAT);
    CHECK_STATUS(siamcl_schedule_parse("fast", &sc), SIAMCL_ERR_FORMAT);
    CHECK_STATUS(siamcl_schedule_parse(NULL, &sc), SIAMCL_ERR_INVALID_ARGUMENT);

    siamcl_group *g = NULL;
    CHECK_STATUS(siamcl_group_create(NULL, d, NULL, &g), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_group_create(ctx, NULL, NULL, &g), SIAMCL_ERR_INVALID_ARGUMENT);
    siamcl_schedule far = {SIAMCL_SCHEDULE_SINGLE, 9, -1, -1};
    CHECK_STATUS(siamcl_group_create(ctx, d, &far, &g), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK(g == NULL);
    siamcl_group_free(NULL);

    CHECK_OK(siamcl_group_create(ctx, d, NULL, &g));
    if (!g) return;
    CHECK_OK(siamcl_group_schedule(g, &sc));
    if (siamcl_context_device_count(ctx) == 1) CHECK(sc.policy == SIAMCL_SCHEDULE_SINGLE && sc.device == 0);
    siamcl_group_result r[MAXT];
    int n = -1, id = -1;
    /* no targets: an empty frame is fine */
    CHECK_OK(siamcl_group_update(g, &g_frames[1], r, MAXT, &n));
    CHECK(n == 0);
    CHECK_STATUS(siamcl_group_wait(g, r, MAXT, &n), SIAMCL_ERR_STATE);
    siamcl_box zero = {10, 10, 0, 5}, outside = {900, 10, 10, 10};
    CHECK_STATUS(siamcl_group_add(g, &g_frames[0], zero, &id), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(siamcl_group_add(g, &g_frames[0], outside, &id), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(siamcl_group_add(g, NULL, g_boxes[0], &id), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_group_remove(g, 0), SIAMCL_ERR_OUT_OF_RANGE);
    /* targets 0..2, remove 1, add 3 (takes the free slot): ids stay, boxes stay */
    for (int k = 0; k < 3; k++) CHECK_OK(siamcl_group_add(g, &g_frames[0], g_boxes[k], &id));
    CHECK_OK(siamcl_group_remove(g, 1));
    CHECK_STATUS(siamcl_group_remove(g, 1), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_OK(siamcl_group_add(g, &g_frames[0], g_boxes[3], &id));
    CHECK(id == 3 && siamcl_group_count(g) == 3);
    /* asynchronous form (depth 2 and adding in flight: test-group-async) */
    CHECK_OK(siamcl_group_submit(g, &g_frames[1]));
    CHECK_STATUS(siamcl_group_update(g, &g_frames[1], r, MAXT, &n), SIAMCL_ERR_STATE);
    CHECK_OK(siamcl_group_wait(g, r, MAXT, &n));
    CHECK(n == 3 && r[0].id == 0 && r[1].id == 2 && r[2].id == 3);
    if (n == 3) {
        CHECK(same_box(r[0].box, g_ref[0][0]));
        CHECK(same_box(r[1].box, g_ref[2][0]));
        CHECK(same_box(r[2].box, g_ref[3][0]));
    }
    /* cap smaller than the count: count still reported */
    CHECK_OK(siamcl_group_update(g, &g_frames[2], r, 1, &n));
    CHECK(n == 3 && r[0].id == 0 && same_box(r[0].box, g_ref[0][1]));
    CHECK_STATUS(siamcl_group_update(g, &g_frames[2], NULL, 3, &n), SIAMCL_ERR_INVALID_ARGUMENT);
    siamcl_group_free(g);
}

static void load_frames(void) {
    for (int f = 0; f <= FRAMES; f++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/data/otb/Crossing/img/%04d.jpg", tu_shared(), f + 1);
        CHECK_OK(siamcl_image_load(path, &g_frames[f]));
    }
}

static void multi(siamcl_context *ctx) {
    CHECK(siamcl_context_device_count(ctx) == 2);
    if (siamcl_context_device_count(ctx) != 2) return;
    siamcl_tracker_desc d;
    desc_for("siamfc-alexnet", &d);
    const int nt = 4;
    reference(ctx, &d, nt);
    /* twin: template branch on device 0, search branch on device 1 */
    siamcl_schedule twin = {SIAMCL_SCHEDULE_TWIN, -1, 0, 1};
    int xdev[MAXT];
    run_group(ctx, &d, &twin, 2, xdev);
    CHECK(xdev[0] == 1 && xdev[1] == 1);
    /* split: targets spread over both devices */
    siamcl_schedule split = {SIAMCL_SCHEDULE_SPLIT, -1, -1, -1};
    run_group(ctx, &d, &split, nt, xdev);
    int on1 = 0;
    for (int k = 0; k < nt; k++) on1 += xdev[k] == 1;
    CHECK(on1 == nt / 2);
    /* auto on two devices measures them and splits */
    siamcl_group *g = NULL;
    CHECK_OK(siamcl_group_create(ctx, &d, NULL, &g));
    siamcl_schedule sc;
    if (g) {
        CHECK_OK(siamcl_group_schedule(g, &sc));
        CHECK(sc.policy == SIAMCL_SCHEDULE_SPLIT);
    }
    siamcl_group_free(g);

    /* device 1 fails at its second search pass */
    g = NULL;
    CHECK_OK(siamcl_group_create(ctx, &d, &split, &g));
    if (!g) return;
    for (int k = 0; k < nt; k++) {
        int id;
        CHECK_OK(siamcl_group_add(g, &g_frames[0], g_boxes[k], &id));
        CHECK_OK(siamcl_group_target_devices(g, k, NULL, &xdev[k]));
    }
    CHECK_STATUS(siamcl_group_test_fail_device(g, 5, 1), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_OK(siamcl_group_test_fail_device(g, 1, 2));
    siamcl_group_result r[MAXT];
    int n = 0;
    CHECK_OK(siamcl_group_update(g, &g_frames[1], r, MAXT, &n));
    check_frame(r, n, nt, 0, NULL, -1);
    for (int f = 1; f < FRAMES; f++) {
        siamcl_status st = siamcl_group_update(g, &g_frames[f + 1], r, MAXT, &n);
        CHECK(st == (siamcl_status)-2); /* CL_DEVICE_NOT_AVAILABLE, the first failed target's */
        check_frame(r, n, nt, f, xdev, 1);
    }
    CHECK(strstr(siamcl_last_error(), "device 1") != NULL);
    /* a new target avoids the failed device */
    int id, z, x;
    CHECK_OK(siamcl_group_add(g, &g_frames[0], g_boxes[4], &id));
    CHECK_OK(siamcl_group_target_devices(g, id, &z, &x));
    CHECK(z == 0 && x == 0);
    siamcl_group_free(g);
}

int main(int argc, char **argv) {
    siamcl_context *ctx = tu_context();
    siamcl_log_set(NULL, NULL, SIAMCL_LOG_ERROR);
    load_frames();
    if (argc > 1 && !strcmp(argv[1], "multi")) {
        multi(ctx);
    } else {
        siamcl_tracker_desc d;
        desc_for("siamfc-alexnet", &d);
        reference(ctx, &d, MAXT);
        run_group(ctx, &d, NULL, MAXT, NULL); /* 8 targets x 3 scales: one pass of 24 crops */
        api(ctx, &d);
        desc_for("nanotrack-v2", &d);
        reference(ctx, &d, 4);
        run_group(ctx, &d, NULL, 4, NULL); /* batched backbone, head per target */
    }
    printf("boxes compared %ld, bit-identical %ld\n", g_exact >= 0 ? g_compared : 0, g_exact);
    for (int f = 0; f <= FRAMES; f++) siamcl_image_free(&g_frames[f]);
    siamcl_context_free(ctx);
    return tu_finish(argc > 1 ? "test-group multi" : "test-group");
}
