/* NanoTrack decoding against the reference tracker's per-frame internals, no
 * network involved: the golden head outputs (cls_NNNN.f32, loc_NNNN.f32) of
 * OTB Crossing go through scl_nano_* from the init box on, and every frame's
 * search window (s_x, scale_z), chosen cell, score, penalty, pscore, lr and
 * state must match frames.jsonl. The reference decodes in float64 from the same
 * float32 head outputs, so the tolerances are tight (1e-9 relative on
 * scalars, 1e-6 px on the state). */
#include "testutil.h"
#include "track/track.h"

static double json_num(const char *line, const char *key) {
    double v = NAN;
    tu_json_nums(line, key, &v, 1);
    return v;
}

static int close_rel(double a, double b, double tol) { return fabs(a - b) <= tol * fmax(1.0, fabs(b)); }

static void run(const char *version, const char *model) {
    char path[1200], dir[900], mdir[900];
    snprintf(dir, sizeof dir, "%s/golden/tracking/track_%s_Crossing", tu_shared(), version);
    snprintf(mdir, sizeof mdir, "%s/models", tu_shared());
    /* the repo's description gives the hyperparameters */
    char desc_path[1024];
    tu_model_path(desc_path, sizeof desc_path, model);
    siamcl_tracker_desc d;
    CHECK_OK(siamcl_tracker_desc_load(desc_path, mdir, &d));
    snprintf(path, sizeof path, "%s/frames.jsonl", dir);
    size_t len = 0;
    char *text = tu_read_file(path, &len);
    CHECK(text != NULL);
    if (!text) return;
    text = realloc(text, len + 1);
    text[len] = 0;
    scl_nano s;
    CHECK_OK(scl_nano_alloc(&s, &d));
    const int W = 360, H = 240; /* Crossing frames */
    const int n = d.score_size, nn = n * n;
    float *cls = malloc(2 * nn * sizeof(float)), *loc = malloc(4 * nn * sizeof(float));
    int frames = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        int f = (int)json_num(line, "frame");
        if (f == 0) {
            double init[4];
            CHECK(tu_json_nums(line, "init", init, 4) == 4);
            siamcl_box b = {(float)init[0], (float)init[1], (float)init[2], (float)init[3]};
            scl_crop_req z;
            scl_nano_start(&s, b, &z);
            CHECK(z.side == (int)json_num(line, "s_z"));
            continue;
        }
        scl_crop_req req;
        scl_nano_search(&s, &req);
        CHECK(close_rel(s.s_x, json_num(line, "s_x"), 1e-12));
        CHECK(close_rel(s.scale_z, json_num(line, "scale_z"), 1e-12));
        CHECK(req.side == (int)scl_round_half_even(json_num(line, "s_x")));
        size_t bytes = 0;
        snprintf(path, sizeof path, "%s/cls_%04d.f32", dir, f);
        float *c = tu_read_file(path, &bytes);
        CHECK(c && bytes == 2 * nn * sizeof(float));
        snprintf(path, sizeof path, "%s/loc_%04d.f32", dir, f);
        float *l = tu_read_file(path, &bytes);
        CHECK(l && bytes == 4 * nn * sizeof(float));
        if (!c || !l) {
            free(c);
            free(l);
            break;
        }
        memcpy(cls, c, 2 * nn * sizeof(float));
        memcpy(loc, l, 4 * nn * sizeof(float));
        free(c);
        free(l);
        scl_track_debug dbg;
        scl_nano_decode(&s, cls, loc, W, H, &dbg);
        int want_best = (int)json_num(line, "best_idx");
        if (dbg.best != want_best) fprintf(stderr, "%s frame %d: best %d, want %d\n", version, f, dbg.best, want_best);
        CHECK(dbg.best == want_best);
        CHECK(close_rel(dbg.score, json_num(line, "score"), 1e-9));
        CHECK(close_rel(dbg.pscore, json_num(line, "pscore"), 1e-9));
        CHECK(close_rel(dbg.penalty, json_num(line, "penalty"), 1e-9));
        CHECK(close_rel(dbg.lr, json_num(line, "lr"), 1e-9));
        double centre[2], size[2], box[4];
        CHECK(tu_json_nums(line, "center", centre, 2) == 2);
        CHECK(tu_json_nums(line, "size", size, 2) == 2);
        CHECK(tu_json_nums(line, "box", box, 4) == 4);
        double err = fmax(fmax(fabs(s.cx - centre[0]), fabs(s.cy - centre[1])),
                          fmax(fabs(s.w - size[0]), fabs(s.h - size[1])));
        if (err > 1e-6) fprintf(stderr, "%s frame %d: state off by %g px\n", version, f, err);
        CHECK(err <= 1e-6);
        siamcl_box b = scl_nano_box(&s);
        CHECK(fabs(b.x - box[0]) < 1e-3 && fabs(b.y - box[1]) < 1e-3 && fabs(b.w - box[2]) < 1e-3 &&
              fabs(b.h - box[3]) < 1e-3);
        frames++;
    }
    printf("%s: %d frames decoded like the reference\n", version, frames);
    CHECK(frames == 5);
    scl_nano_release(&s);
    free(cls);
    free(loc);
    free(text);
}

/* Degenerate head outputs: NaN, zero-size boxes and huge logits never give a
 * NaN state or a non-positive size. */
static void degenerate(void) {
    siamcl_tracker_desc d;
    memset(&d, 0, sizeof d);
    d.kind = SIAMCL_TRACKER_NANOTRACK;
    d.exemplar_size = 127;
    d.instance_size = 255;
    d.stride = 16;
    d.score_size = 16;
    d.context = 0.5;
    d.penalty_k = 0.15;
    d.window_influence = 0.49;
    d.lr = 0.385;
    d.min_size = 10;
    scl_nano s;
    CHECK_OK(scl_nano_alloc(&s, &d));
    const int nn = 256;
    float cls[2 * 256], loc[4 * 256];
    siamcl_box b0 = {100, 80, 20, 40};
    scl_crop_req z, x;
    scl_nano_start(&s, b0, &z);
    for (int trial = 0; trial < 4; trial++) {
        for (int i = 0; i < nn; i++) {
            cls[i] = trial == 2 ? -1e30f : 0.0f;
            cls[nn + i] = trial == 2 ? 1e30f : 1.0f;
            for (int k = 0; k < 4; k++) loc[k * nn + i] = trial == 0 ? 0.0f : (trial == 1 ? NAN : 1e30f);
        }
        scl_nano_search(&s, &x);
        scl_nano_decode(&s, cls, loc, 320, 240, NULL);
        siamcl_box b = scl_nano_box(&s);
        CHECK(isfinite(b.x) && isfinite(b.y) && b.w > 0 && b.h > 0 && isfinite(b.w) && isfinite(b.h));
    }
    scl_nano_release(&s);
}

int main(void) {
    run("v2", "nanotrack-v2");
    run("v3", "nanotrack-v3");
    degenerate();
    return tu_finish("test-track-nanodecode");
}
