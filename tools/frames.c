/* Frames for the track command: an image sequence (OTB layout or a folder of
 * frames, random access, maybe with ground truth) or a video file (sequential). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct cli_frames {
    siamcl_sequence *seq;
    siamcl_video *video;
    siamcl_video_info info;
    char name[256];
};

void cli_frames_free(cli_frames *f) {
    if (!f) return;
    siamcl_sequence_free(f->seq);
    siamcl_video_free(f->video);
    free(f);
}

static void base_name(const char *path, char *out, size_t cap) {
    const char *b = strrchr(path, '/');
    b = b && b[1] ? b + 1 : path;
    snprintf(out, cap, "%s", b);
}

siamcl_status cli_frames_open(const char *seq_dir, const char *video, int target, cli_frames **out) {
    *out = NULL;
    cli_frames *f = calloc(1, sizeof *f);
    if (!f) return SIAMCL_ERR_OUT_OF_MEMORY;
    siamcl_status st;
    if (video) {
        st = siamcl_video_open(video, &f->video);
        if (st == SIAMCL_OK) st = siamcl_video_get_info(f->video, &f->info);
        base_name(video, f->name, sizeof f->name);
    } else {
        st = siamcl_sequence_open(seq_dir, target, &f->seq);
        if (st == SIAMCL_OK) snprintf(f->name, sizeof f->name, "%s", siamcl_sequence_name(f->seq));
    }
    if (st != SIAMCL_OK) {
        cli_frames_free(f);
        return st;
    }
    *out = f;
    return SIAMCL_OK;
}

const char *cli_frames_name(const cli_frames *f) { return f->name; }

int cli_frames_count(const cli_frames *f) {
    if (f->seq) return siamcl_sequence_length(f->seq);
    return f->info.frame_count > 0 && f->info.frame_count < (1 << 30) ? (int)f->info.frame_count : -1;
}

double cli_frames_fps(const cli_frames *f) { return f->video && f->info.fps > 0 ? f->info.fps : 30.0; }

const siamcl_sequence *cli_frames_sequence(const cli_frames *f) { return f->seq; }

siamcl_status cli_frames_read(cli_frames *f, int i, siamcl_image *img, int *got) {
    *got = 0;
    if (f->video) return siamcl_video_read(f->video, img, got);
    if (i >= siamcl_sequence_length(f->seq)) return SIAMCL_OK;
    siamcl_image_free(img);
    siamcl_status st = siamcl_sequence_load_frame(f->seq, i, img);
    *got = st == SIAMCL_OK;
    return st;
}

int cli_frames_groundtruth(const cli_frames *f, int i, siamcl_box *box) {
    return f->seq ? siamcl_sequence_groundtruth(f->seq, i, box) : 0;
}
