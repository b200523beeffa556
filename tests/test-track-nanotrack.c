/* NanoTrack v2 and v3 through the whole tracker on OTB Crossing against the
 * reference tracker's per-frame internals (../shared/golden/tracking/
 * track_v{2,3}_Crossing/): the exact 8-bit template and search crops, the
 * template features and head outputs (relative L2 <= 1e-4, the network
 * tolerance), the chosen cell and state of frames 1-5, and the boxes of all
 * 30 frames within 0.5 px. */
#include "graph/plan.h"
#include "testutil.h"
#include "track/track.h"

/* Compare a plan's [1,3,S,S] float input with an S x S x 3 uint8 HWC crop. */
static void check_crop(siamcl_plan *p, const char *file, const char *what) {
    size_t bytes = 0;
    uint8_t *u8 = tu_read_file(file, &bytes);
    scl_view v;
    CHECK_OK(scl_plan_input_view(p, 0, &v));
    size_t s = (size_t)v.h;
    CHECK(u8 && bytes == s * s * 3 && v.c == 3);
    if (!u8 || bytes != s * s * 3) {
        free(u8);
        return;
    }
    float *f = malloc(bytes * sizeof(float));
    CHECK_OK(scl_buffer_read(scl_plan_device(p), v.mem, v.off * sizeof(float), bytes * sizeof(float), f));
    long bad = 0;
    double worst = 0;
    for (size_t c = 0; c < 3; c++)
        for (size_t i = 0; i < s * s; i++) {
            double d = fabs(f[c * s * s + i] - u8[i * 3 + c]);
            bad += d != 0;
            worst = fmax(worst, d);
        }
    if (bad) fprintf(stderr, "%s: %ld of %zu values differ (max %.0f)\n", what, bad, bytes, worst);
    CHECK(bad == 0);
    free(f);
    free(u8);
}

static void check_tensor(siamcl_plan *p, int out, const char *file, const char *what) {
    size_t bytes = 0;
    float *ref = tu_read_file(file, &bytes);
    scl_view v;
    CHECK_OK(scl_plan_output_view(p, out, &v));
    size_t n = scl_view_count(&v);
    CHECK(ref && bytes == n * sizeof(float));
    if (!ref || bytes != n * sizeof(float)) {
        free(ref);
        return;
    }
    float *f = malloc(bytes);
    CHECK_OK(scl_buffer_read(scl_plan_device(p), v.mem, v.off * sizeof(float), bytes, f));
    double e = tu_rel_l2(f, ref, n);
    if (e > 1e-4) fprintf(stderr, "%s: relative L2 error %.3g\n", what, e);
    CHECK(e <= 1e-4);
    free(f);
    free(ref);
}

static void run(siamcl_context *ctx, const char *version) {
    char path[1200], dir[1000], models[1000], line[4096];
    snprintf(path, sizeof path, "%s", __FILE__);
    char *slash = strrchr(path, '/');
    snprintf(slash ? slash + 1 : path, 100, "../models/nanotrack-%s.model", version);
    snprintf(models, sizeof models, "%s/models", tu_shared());
    snprintf(dir, sizeof dir, "%s/golden/tracking/track_%s_Crossing", tu_shared(), version);
    siamcl_tracker_desc d;
    CHECK_OK(siamcl_tracker_desc_load(path, models, &d));
    siamcl_tracker *t = NULL;
    CHECK_OK(siamcl_tracker_create(ctx, 0, &d, &t));
    snprintf(path, sizeof path, "%s/frames.jsonl", dir);
    FILE *jf = fopen(path, "r");
    snprintf(path, sizeof path, "%s/boxes.txt", dir);
    siamcl_box *gold = NULL;
    int ng = 0;
    CHECK_OK(siamcl_boxes_read(path, &gold, &ng));
    snprintf(path, sizeof path, "%s/data/otb/Crossing", tu_shared());
    siamcl_sequence *seq = NULL;
    CHECK_OK(siamcl_sequence_open(path, 0, &seq));
    CHECK(jf && t && seq && ng == 30);
    if (!jf || !t || !seq || ng != 30) goto done;
    double worst = 0;
    for (int i = 0; i < 30; i++) {
        siamcl_image img;
        CHECK_OK(siamcl_sequence_load_frame(seq, i, &img));
        siamcl_box b = gold[0];
        if (i == 0) {
            CHECK_OK(siamcl_tracker_init(t, &img, gold[0]));
            snprintf(path, sizeof path, "%s/z_crop.u8", dir);
            check_crop(siamcl_tracker_plan(t, 0), path, "template crop");
            snprintf(path, sizeof path, "%s/zf.f32", dir);
            check_tensor(siamcl_tracker_plan(t, 0), 0, path, "zf");
        } else {
            float score = NAN;
            CHECK_OK(siamcl_tracker_update(t, &img, &b, &score));
            CHECK(isfinite(score) && score >= 0 && score <= 1);
        }
        siamcl_image_free(&img);
        /* frames.jsonl: line 0 = init, line k = frame k (0-based frame index k) */
        if (i <= 5 && fgets(line, sizeof line, jf) && i >= 1) {
            scl_track_debug dbg;
            double st[4], want_c[2] = {0, 0}, want_s[2] = {0, 0}, want_best = -1;
            scl_tracker_debug(t, &dbg, st);
            tu_json_nums(line, "best_idx", &want_best, 1);
            CHECK(tu_json_nums(line, "center", want_c, 2) == 2 && tu_json_nums(line, "size", want_s, 2) == 2);
            if (dbg.best != (int)want_best) fprintf(stderr, "%s frame %d: cell %d, want %d\n", version, i, dbg.best,
                                                    (int)want_best);
            CHECK(dbg.best == (int)want_best);
            double e = fmax(fmax(fabs(st[0] - want_c[0]), fabs(st[1] - want_c[1])),
                            fmax(fabs(st[2] - want_s[0]), fabs(st[3] - want_s[1])));
            if (e > 0.01) fprintf(stderr, "%s frame %d: state off by %.4f px\n", version, i, e);
            CHECK(e <= 0.01);
        }
        if (i >= 1 && i <= 5) {
            char what[64];
            snprintf(path, sizeof path, "%s/x_crop_%04d.u8", dir, i);
            snprintf(what, sizeof what, "%s search crop %d", version, i);
            check_crop(siamcl_tracker_plan(t, 1), path, what);
            snprintf(path, sizeof path, "%s/cls_%04d.f32", dir, i);
            snprintf(what, sizeof what, "%s cls %d", version, i);
            check_tensor(siamcl_tracker_plan(t, 2), 0, path, what);
            snprintf(path, sizeof path, "%s/loc_%04d.f32", dir, i);
            snprintf(what, sizeof what, "%s loc %d", version, i);
            check_tensor(siamcl_tracker_plan(t, 2), 1, path, what);
        }
        double e = fmax(fmax(fabs(b.x - gold[i].x), fabs(b.y - gold[i].y)),
                        fmax(fabs(b.w - gold[i].w), fabs(b.h - gold[i].h)));
        if (e > 0.5)
            fprintf(stderr, "%s frame %d: %.3f,%.3f,%.3f,%.3f want %.3f,%.3f,%.3f,%.3f\n", version, i + 1, b.x, b.y,
                    b.w, b.h, gold[i].x, gold[i].y, gold[i].w, gold[i].h);
        worst = fmax(worst, e);
    }
    printf("nanotrack-%s Crossing: 30 frames, largest deviation from the reference %.4f px\n", version, worst);
    CHECK(worst <= 0.5);
done:
    if (jf) fclose(jf);
    siamcl_boxes_free(gold);
    siamcl_sequence_free(seq);
    siamcl_tracker_free(t);
}

int main(void) {
    siamcl_context *ctx = tu_context();
    run(ctx, "v2");
    run(ctx, "v3");
    siamcl_context_free(ctx);
    return tu_finish("test-track-nanotrack");
}
