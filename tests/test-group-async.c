/* Tracker groups with frames in flight (SiamFC AlexNet on OTB Crossing):
 *  - one script of adds, removes and updates run twice: synchronously
 *    (siamcl_group_update, adds and removes between frames) and
 *    asynchronously (adds while a pass is in flight, one of them growing the
 *    template bank and one reusing a removed target's slot; a remove in
 *    flight; a depth-2 pipeline submit/submit/wait/submit/wait... with an add
 *    while two frames are in flight). Every (target, frame) result must be
 *    the same in both runs, and equal (tu_close) the boxes of a siamcl_tracker
 *    tracking that target alone from its add frame;
 *  - state errors: a third submit, a wait with nothing in flight, update while
 *    frames are in flight; freeing a group with two frames in flight;
 *  - the failing allocator walked over create / add / submit / submit / add in
 *    flight / wait / wait: every failure gives a clean status, no crash, no
 *    leak (LeakSanitizer);
 *  - SiamFC+ (CIResNet-22) through a group == siamcl_tracker alone;
 *  - NanoTrack through the depth-2 pipeline == synchronous updates.
 *
 * `test-group-async multi` (POCL_DEVICES="pthread pthread", SIAMCL_DEVICE=0,1):
 * the script under the split and twin schedules. */
#include "testutil.h"

#define NF 11  /* frames 0..10 of Crossing */
#define NT 6   /* targets of the script */

static const siamcl_box g_boxes[NT] = {{205, 151, 17, 50}, {50, 60, 30, 40},  {120, 100, 25, 25},
                                       {300, 30, 40, 60},  {10, 180, 50, 40}, {250, 180, 30, 30}};
/* the script: target k is added on frame g_init[k]; target 1 is removed
 * before frame 5 */
static const int g_init[NT] = {0, 0, 3, 3, 5, 7};
static const int g_last[NT] = {NF - 1, 4, NF - 1, NF - 1, NF - 1, NF - 1};
static siamcl_image g_frames[NF];
static long g_exact, g_compared;

typedef struct run_result {
    siamcl_box box[NT][NF];
    int have[NT][NF];
} run_result;

static void desc_for(const char *name, siamcl_tracker_desc *d) {
    char mp[1200], models[1100];
    tu_model_path(mp, sizeof mp, name);
    snprintf(models, sizeof models, "%s/models", tu_shared());
    CHECK_OK(siamcl_tracker_desc_load(mp, models, d));
}

static int close_box(siamcl_box a, siamcl_box b) {
    return tu_close(a.x, b.x) && tu_close(a.y, b.y) && tu_close(a.w, b.w) && tu_close(a.h, b.h);
}

/* record the results of frame f */
static void record(run_result *rr, const siamcl_group_result *r, int n, int f) {
    for (int k = 0; k < n; k++) {
        CHECK_OK(r[k].status);
        CHECK(k == 0 || r[k].id > r[k - 1].id); /* id order */
        if (r[k].id < 0 || r[k].id >= NT) {
            CHECK(0);
            continue;
        }
        CHECK(!rr->have[r[k].id][f]);
        rr->have[r[k].id][f] = 1;
        rr->box[r[k].id][f] = r[k].box;
    }
}

static void update(siamcl_group *g, run_result *rr, int f) {
    siamcl_group_result r[NT];
    int n = -1;
    CHECK_OK(siamcl_group_update(g, &g_frames[f], r, NT, &n));
    record(rr, r, n, f);
}

static void wait_frame(siamcl_group *g, run_result *rr, int f) {
    siamcl_group_result r[NT];
    int n = -1;
    CHECK_OK(siamcl_group_wait(g, r, NT, &n));
    record(rr, r, n, f);
}

static void add(siamcl_group *g, int k) {
    int id = -1;
    CHECK_OK(siamcl_group_add(g, &g_frames[g_init[k]], g_boxes[k], &id));
    CHECK(id == k);
}

static void script_sync(siamcl_context *ctx, const siamcl_tracker_desc *d, const siamcl_schedule *sc,
                        run_result *rr) {
    siamcl_group *g = NULL;
    CHECK_OK(siamcl_group_create(ctx, d, sc, &g));
    if (!g) return;
    add(g, 0);
    add(g, 1);
    for (int f = 1; f <= 3; f++) update(g, rr, f);
    add(g, 2);
    add(g, 3);
    update(g, rr, 4);
    CHECK_OK(siamcl_group_remove(g, 1));
    update(g, rr, 5);
    add(g, 4);
    update(g, rr, 6);
    update(g, rr, 7);
    add(g, 5);
    for (int f = 8; f < NF; f++) update(g, rr, f);
    siamcl_group_free(g);
}

static void script_async(siamcl_context *ctx, const siamcl_tracker_desc *d, const siamcl_schedule *sc,
                         run_result *rr) {
    siamcl_group *g = NULL;
    CHECK_OK(siamcl_group_create(ctx, d, sc, &g));
    if (!g) return;
    siamcl_group_result r[NT];
    int n;
    CHECK_STATUS(siamcl_group_wait(g, r, NT, &n), SIAMCL_ERR_STATE);
    add(g, 0);
    add(g, 1);
    update(g, rr, 1);
    update(g, rr, 2);
    /* two targets added while frame 3 is searched: the first grows the bank
     * (2 -> 4 slots) under the pass, the second takes a slot of the new bank */
    CHECK_OK(siamcl_group_submit(g, &g_frames[3]));
    add(g, 2);
    add(g, 3);
    CHECK_STATUS(siamcl_group_update(g, &g_frames[4], r, NT, &n), SIAMCL_ERR_STATE);
    wait_frame(g, rr, 3);
    update(g, rr, 4);
    /* remove in flight (frame 5 reports no result for it), and a new target
     * takes its slot of the bank the pass is reading */
    CHECK_OK(siamcl_group_submit(g, &g_frames[5]));
    CHECK_OK(siamcl_group_remove(g, 1));
    add(g, 4);
    wait_frame(g, rr, 5);
    /* depth 2 */
    CHECK_OK(siamcl_group_submit(g, &g_frames[6]));
    CHECK_OK(siamcl_group_submit(g, &g_frames[7]));
    CHECK_STATUS(siamcl_group_submit(g, &g_frames[8]), SIAMCL_ERR_STATE);
    add(g, 5); /* two frames in flight: searched from frame 8 on */
    for (int f = 6; f < NF; f++) {
        if (f + 2 < NF) {
            wait_frame(g, rr, f);
            CHECK_OK(siamcl_group_submit(g, &g_frames[f + 2]));
        } else {
            wait_frame(g, rr, f);
        }
    }
    CHECK_STATUS(siamcl_group_wait(g, r, NT, &n), SIAMCL_ERR_STATE);
    /* freeing with two frames in flight */
    CHECK_OK(siamcl_group_submit(g, &g_frames[1]));
    CHECK_OK(siamcl_group_submit(g, &g_frames[2]));
    siamcl_group_free(g);
}

/* target k alone with siamcl_tracker from its add frame */
static void alone(siamcl_context *ctx, const siamcl_tracker_desc *d, run_result *rr) {
    siamcl_tracker *t = NULL;
    CHECK_OK(siamcl_tracker_create(ctx, 0, d, &t));
    if (!t) return;
    for (int k = 0; k < NT; k++) {
        CHECK_OK(siamcl_tracker_init(t, &g_frames[g_init[k]], g_boxes[k]));
        for (int f = g_init[k] + 1; f <= g_last[k]; f++) {
            CHECK_OK(siamcl_tracker_update(t, &g_frames[f], &rr->box[k][f], NULL));
            rr->have[k][f] = 1;
        }
    }
    siamcl_tracker_free(t);
}

static void compare(const char *what, const run_result *a, const run_result *ref) {
    for (int k = 0; k < NT; k++)
        for (int f = 0; f < NF; f++) {
            CHECK(a->have[k][f] == ref->have[k][f]);
            if (!a->have[k][f] || !ref->have[k][f]) continue;
            siamcl_box x = a->box[k][f], y = ref->box[k][f];
            g_compared++;
            if (!memcmp(&x, &y, sizeof x)) g_exact++;
            if (!close_box(x, y)) {
                fprintf(stderr, "%s: target %d frame %d: %.4f %.4f %.4f %.4f vs %.4f %.4f %.4f %.4f\n", what, k, f, x.x,
                        x.y, x.w, x.h, y.x, y.y, y.w, y.h);
                CHECK(0);
            }
        }
}

static void script(siamcl_context *ctx, const siamcl_tracker_desc *d, const siamcl_schedule *sc,
                   const run_result *ref) {
    static run_result s, a;
    memset(&s, 0, sizeof s);
    memset(&a, 0, sizeof a);
    script_sync(ctx, d, sc, &s);
    script_async(ctx, d, sc, &a);
    compare("async vs sync", &a, &s);
    compare("async vs alone", &a, ref);
}

/* The failing allocator over create / add / add / submit / submit / add in
 * flight / wait / wait: the fail_at-th allocation counted from `from` (0:
 * from create on, 1: after create) fails. */
static siamcl_status walk_once(siamcl_context *ctx, const siamcl_tracker_desc *d, int from, long fail_at) {
    siamcl_group *g = NULL;
    if (from == 0) siamcl_test_fail_alloc(fail_at);
    siamcl_status first = siamcl_group_create(ctx, d, NULL, &g);
    if (first != SIAMCL_OK) {
        CHECK(g == NULL);
        return first;
    }
    if (from == 1) siamcl_test_fail_alloc(fail_at);
    siamcl_status st[7];
    int id, n;
    siamcl_group_result r[NT];
    st[0] = siamcl_group_add(g, &g_frames[0], g_boxes[0], &id);
    st[1] = siamcl_group_add(g, &g_frames[0], g_boxes[1], &id);
    st[2] = siamcl_group_submit(g, &g_frames[1]);
    st[3] = siamcl_group_submit(g, &g_frames[2]);
    st[4] = siamcl_group_add(g, &g_frames[1], g_boxes[2], &id); /* grows the bank under the pass */
    st[5] = siamcl_group_wait(g, r, NT, &n);
    st[6] = siamcl_group_wait(g, r, NT, &n);
    for (int i = 0; i < 7; i++) {
        CHECK(st[i] == SIAMCL_OK || st[i] == SIAMCL_ERR_OUT_OF_MEMORY || st[i] == SIAMCL_ERR_DEVICE_MEMORY ||
              (first != SIAMCL_OK && st[i] == SIAMCL_ERR_STATE));
        if (first == SIAMCL_OK) first = st[i];
    }
    siamcl_group_free(g);
    return first;
}

static void failing_allocator(siamcl_context *ctx, const siamcl_tracker_desc *d) {
    siamcl_test_fail_alloc(0);
    CHECK_OK(walk_once(ctx, d, 0, 0));
    long total = siamcl_test_fail_alloc(0);
    CHECK_OK(walk_once(ctx, d, 1, 0));
    long after = siamcl_test_fail_alloc(0); /* allocations after create */
    int tried = 0, failed = 0;
    /* sampled, then every one of the last 30 (the second submit, the add in
     * flight, the waits and what the first submit allocates last) */
    for (long i = 1; i <= total; i += i < total - 30 ? 1 + i / 8 : 1, tried++) {
        int from = i > total - after;
        siamcl_status st = walk_once(ctx, d, from, from ? i - (total - after) : i);
        siamcl_test_fail_alloc(0);
        CHECK(st == SIAMCL_OK || st == SIAMCL_ERR_OUT_OF_MEMORY || st == SIAMCL_ERR_DEVICE_MEMORY);
        failed += st != SIAMCL_OK;
    }
    printf("failing allocator: %ld allocations (%ld after create), %d points tried, %d failed cleanly\n", total,
           after, tried, failed);
    CHECK(failed > 0);
}

/* SiamFC+ through a group: 2 targets, 3 frames, against the tracker alone */
static void siamfc_plus(siamcl_context *ctx) {
    siamcl_tracker_desc d;
    desc_for("ciresnet22", &d);
    siamcl_box ref[2][4];
    siamcl_tracker *t = NULL;
    CHECK_OK(siamcl_tracker_create(ctx, 0, &d, &t));
    if (!t) return;
    for (int k = 0; k < 2; k++) {
        CHECK_OK(siamcl_tracker_init(t, &g_frames[0], g_boxes[k]));
        for (int f = 1; f <= 3; f++) CHECK_OK(siamcl_tracker_update(t, &g_frames[f], &ref[k][f], NULL));
    }
    siamcl_tracker_free(t);
    siamcl_group *g = NULL;
    CHECK_OK(siamcl_group_create(ctx, &d, NULL, &g));
    if (!g) return;
    int id;
    for (int k = 0; k < 2; k++) CHECK_OK(siamcl_group_add(g, &g_frames[0], g_boxes[k], &id));
    CHECK_OK(siamcl_group_submit(g, &g_frames[1]));
    CHECK_OK(siamcl_group_submit(g, &g_frames[2]));
    for (int f = 1; f <= 3; f++) {
        siamcl_group_result r[2];
        int n = 0;
        CHECK_OK(siamcl_group_wait(g, r, 2, &n));
        if (f == 1) CHECK_OK(siamcl_group_submit(g, &g_frames[3]));
        CHECK(n == 2);
        for (int k = 0; k < n && k < 2; k++) {
            g_compared++;
            if (!memcmp(&r[k].box, &ref[k][f], sizeof r[k].box)) g_exact++;
            if (!close_box(r[k].box, ref[k][f])) {
                fprintf(stderr, "SiamFC+ target %d frame %d differs\n", k, f);
                CHECK(0);
            }
        }
    }
    siamcl_group_free(g);
}

/* NanoTrack (batched backbone, head per target) through the depth-2 pipeline
 * == synchronous updates */
static void nanotrack_depth2(siamcl_context *ctx) {
    siamcl_tracker_desc d;
    desc_for("nanotrack-v2", &d);
    enum { T = 3, F = 6 };
    siamcl_box sync[T][F + 1];
    siamcl_group *g = NULL;
    for (int pass = 0; pass < 2; pass++) {
        CHECK_OK(siamcl_group_create(ctx, &d, NULL, &g));
        if (!g) return;
        int id, n;
        siamcl_group_result r[T];
        for (int k = 0; k < T; k++) CHECK_OK(siamcl_group_add(g, &g_frames[0], g_boxes[k], &id));
        if (pass == 0) {
            for (int f = 1; f <= F; f++) {
                CHECK_OK(siamcl_group_update(g, &g_frames[f], r, T, &n));
                for (int k = 0; k < T && k < n; k++) sync[k][f] = r[k].box;
            }
        } else {
            CHECK_OK(siamcl_group_submit(g, &g_frames[1]));
            for (int f = 1; f <= F; f++) {
                if (f < F) CHECK_OK(siamcl_group_submit(g, &g_frames[f + 1]));
                n = 0;
                CHECK_OK(siamcl_group_wait(g, r, T, &n));
                CHECK(n == T);
                for (int k = 0; k < T && k < n; k++) {
                    g_compared++;
                    if (!memcmp(&r[k].box, &sync[k][f], sizeof r[k].box)) g_exact++;
                    if (!close_box(r[k].box, sync[k][f])) {
                        fprintf(stderr, "NanoTrack depth 2: target %d frame %d differs\n", k, f);
                        CHECK(0);
                    }
                }
            }
        }
        siamcl_group_free(g);
    }
}

int main(int argc, char **argv) {
    siamcl_context *ctx = tu_context();
    siamcl_log_set(NULL, NULL, SIAMCL_LOG_ERROR);
    int multi = argc > 1 && !strcmp(argv[1], "multi");
    for (int f = 0; f < NF; f++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/data/otb/Crossing/img/%04d.jpg", tu_shared(), f + 1);
        CHECK_OK(siamcl_image_load(path, &g_frames[f]));
    }
    siamcl_tracker_desc d;
    desc_for("siamfc-alexnet", &d);
    static run_result ref;
    alone(ctx, &d, &ref);
    if (multi) {
        CHECK(siamcl_context_device_count(ctx) == 2);
        siamcl_schedule split = {SIAMCL_SCHEDULE_SPLIT, -1, -1, -1}, twin = {SIAMCL_SCHEDULE_TWIN, -1, 0, 1};
        script(ctx, &d, &split, &ref);
        script(ctx, &d, &twin, &ref);
    } else {
        script(ctx, &d, NULL, &ref);
        failing_allocator(ctx, &d);
        siamfc_plus(ctx);
        nanotrack_depth2(ctx);
    }
    printf("boxes compared %ld, bit-identical %ld\n", g_compared, g_exact);
    for (int f = 0; f < NF; f++) siamcl_image_free(&g_frames[f]);
    siamcl_context_free(ctx);
    return tu_finish(multi ? "test-group-async multi" : "test-group-async");
}
