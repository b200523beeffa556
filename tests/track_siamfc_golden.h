/* Shared body of test-track-siamfc-<seq>.c: SiamFC AlexNet through the whole
 * tracker (device crops, batched 3-scale search backbone, device xcorr, host
 * decode) against the reference tracker's boxes for the first 30 frames of an
 * OTB sequence (../shared/golden/tracking/siamfc_<seq>_first30.txt): every
 * coordinate of every frame within 0.5 px. One sequence per executable keeps
 * each under a minute on a 2-core PoCL machine. Define SEQ before including. */
#ifndef SCL_TRACK_SIAMFC_GOLDEN_H
#define SCL_TRACK_SIAMFC_GOLDEN_H
#include "testutil.h"
#include "track/track.h"

static void run(siamcl_tracker *t, const char *seqname) {
    char path[1200];
    snprintf(path, sizeof path, "%s/golden/tracking/siamfc_%s_first30.txt", tu_shared(), seqname);
    siamcl_box *gold = NULL;
    int ng = 0;
    CHECK_OK(siamcl_boxes_read(path, &gold, &ng));
    CHECK(ng == 30);
    snprintf(path, sizeof path, "%s/data/otb/%s", tu_shared(), seqname);
    siamcl_sequence *seq = NULL;
    CHECK_OK(siamcl_sequence_open(path, 0, &seq));
    if (!seq || ng != 30) {
        siamcl_boxes_free(gold);
        siamcl_sequence_free(seq);
        return;
    }
    siamcl_box b0;
    CHECK(siamcl_sequence_groundtruth(seq, 0, &b0));
    double worst = 0;
    int worst_frame = 0;
    for (int i = 0; i < 30; i++) {
        siamcl_image img;
        CHECK_OK(siamcl_sequence_load_frame(seq, i, &img));
        siamcl_box b = b0;
        if (i == 0) {
            CHECK_OK(siamcl_tracker_init(t, &img, b0));
        } else {
            float score = NAN;
            CHECK_OK(siamcl_tracker_update(t, &img, &b, &score));
            CHECK(isfinite(score));
        }
        siamcl_image_free(&img);
        double e = fmax(fmax(fabs(b.x - gold[i].x), fabs(b.y - gold[i].y)),
                        fmax(fabs(b.w - gold[i].w), fabs(b.h - gold[i].h)));
        if (e > 0.5)
            fprintf(stderr, "%s frame %d: %.3f,%.3f,%.3f,%.3f want %.3f,%.3f,%.3f,%.3f\n", seqname, i + 1, b.x, b.y,
                    b.w, b.h, gold[i].x, gold[i].y, gold[i].w, gold[i].h);
        if (e > worst) worst = e, worst_frame = i + 1;
    }
    printf("%s: 30 frames, largest deviation from the reference %.4f px (frame %d)\n", seqname, worst, worst_frame);
    CHECK(worst <= 0.5);
    siamcl_boxes_free(gold);
    siamcl_sequence_free(seq);
}

int main(void) {
    siamcl_context *ctx = tu_context();
    char mp[1200], models[1000];
    tu_model_path(mp, sizeof mp, "siamfc-alexnet");
    snprintf(models, sizeof models, "%s/models", tu_shared());
    siamcl_tracker_desc d;
    CHECK_OK(siamcl_tracker_desc_load(mp, models, &d));
    siamcl_tracker *t = NULL;
    CHECK_OK(siamcl_tracker_create(ctx, 0, &d, &t));
    if (t) {
        run(t, SEQ);
        siamcl_tracker_times tm;
        siamcl_tracker_get_times(t, &tm);
        printf("%d updates, %.1f ms each (network %.1f ms, decode %.2f ms)\n", tm.updates,
               tm.updates ? tm.update_ms / tm.updates : 0, tm.network_ms / (tm.updates + tm.inits),
               tm.updates ? tm.decode_ms / tm.updates : 0);
    }
    siamcl_tracker_free(t);
    siamcl_context_free(ctx);
    return tu_finish("test-track-siamfc-" SEQ);
}
#endif
