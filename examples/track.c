/* A minimal siamcl program: track one target through a folder of frames or a
 * video file and print one box per frame.
 *
 *     track MODEL INPUT x,y,w,h [FRAMES]
 *
 * MODEL is a model name (siamfc-alexnet, nanotrack-v2, ...) or a .model file;
 * INPUT is an image folder (OTB layout or plain .jpg/.png frames) or a video
 * file; x,y,w,h is the target in the first frame (OTB convention: 1-based
 * top-left corner). The device comes from SIAMCL_DEVICE & co. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <siamcl.h>

static int failed(const char *what, siamcl_status st) {
    fprintf(stderr, "track: %s: %s (%s)\n", what, siamcl_last_error(), siamcl_status_string(st));
    return 1;
}

/* Frame i of the input: a sequence is read by index, a video in order. */
typedef struct input {
    siamcl_sequence *seq;
    siamcl_video *video;
} input;

static siamcl_status next_frame(input *in, int i, siamcl_image *img, int *got) {
    if (in->video) return siamcl_video_read(in->video, img, got);
    *got = 0;
    if (i >= siamcl_sequence_length(in->seq)) return SIAMCL_OK;
    siamcl_image_free(img);
    siamcl_status st = siamcl_sequence_load_frame(in->seq, i, img);
    *got = st == SIAMCL_OK;
    return st;
}

int main(int argc, char **argv) {
    siamcl_box box;
    if (argc < 4 || sscanf(argv[3], "%f,%f,%f,%f", &box.x, &box.y, &box.w, &box.h) != 4) {
        fprintf(stderr, "usage: track MODEL INPUT x,y,w,h [FRAMES]\n");
        return 2;
    }
    int frames = argc > 4 ? atoi(argv[4]) : 0;

    siamcl_tracker_desc desc;
    siamcl_status st = siamcl_tracker_desc_load(argv[1], NULL, &desc);
    if (st != SIAMCL_OK) return failed("model", st);

    input in = {NULL, NULL};
    struct stat sb;
    if (stat(argv[2], &sb) == 0 && S_ISDIR(sb.st_mode))
        st = siamcl_sequence_open(argv[2], 0, &in.seq);
    else
        st = siamcl_video_open(argv[2], &in.video);
    if (st != SIAMCL_OK) return failed("input", st);

    siamcl_context *ctx = NULL;
    siamcl_tracker *t = NULL;
    siamcl_image frame = {0, 0, NULL};
    int rc = 0, got = 0;
    if ((st = siamcl_context_create(NULL, &ctx)) != SIAMCL_OK) rc = failed("OpenCL context", st);
    if (!rc && (st = siamcl_tracker_create(ctx, 0, &desc, &t)) != SIAMCL_OK) rc = failed("tracker", st);
    for (int i = 0; !rc && (frames <= 0 || i < frames); i++) {
        if ((st = next_frame(&in, i, &frame, &got)) != SIAMCL_OK) rc = failed("frame", st);
        if (rc || !got) break;
        float score = 1.0f;
        if (i == 0)
            st = siamcl_tracker_init(t, &frame, box);
        else
            st = siamcl_tracker_update(t, &frame, &box, &score);
        if (st != SIAMCL_OK) rc = failed("tracking", st);
        else printf("%d %.4f,%.4f,%.4f,%.4f %.4f\n", i + 1, box.x, box.y, box.w, box.h, score);
    }
    siamcl_image_free(&frame);
    siamcl_tracker_free(t);
    siamcl_context_free(ctx);
    siamcl_sequence_free(in.seq);
    siamcl_video_free(in.video);
    return rc;
}
