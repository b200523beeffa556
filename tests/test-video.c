/* test-video: video files in and out (lib/video) and tracking through them.
 * Clips are made here, at test time, from the frames of OTB Crossing:
 *  - lossless (FFV1 in MKV, PNG in MKV): every frame reads back bit-identical,
 *    and NanoTrack's boxes through the clip equal those through the frame folder;
 *  - lossy (H.264 in MP4, MPEG-4 in AVI): success AUC within 0.02 of the folder's;
 *  - missing, empty, non-video, truncated and damaged files: clear errors, no crash;
 *  - the writer's bad inputs; `siamcl track --video` and `--vis out.mkv`.
 * Without video support in the build, every call must say so (UNSUPPORTED). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "siamcl.h"
#include "testutil.h"

#define NFRAMES 120

static char g_tmp[256];
static siamcl_image g_frames[NFRAMES];
static int g_n;
static siamcl_box g_gt[NFRAMES];
static char g_log[8192];

static void capture_log(siamcl_log_level l, const char *m, void *u) {
    (void)u;
    size_t n = strlen(g_log);
    if (n + strlen(m) + 2 < sizeof g_log) snprintf(g_log + n, sizeof g_log - n, "%s\n", m);
    if (l <= SIAMCL_LOG_WARN) fprintf(stderr, "[%d] %s\n", (int)l, m);
}

static void path_in_tmp(char *out, size_t cap, const char *name) { snprintf(out, cap, "%s/%s", g_tmp, name); }

static void write_clip(const char *name, const char *codec, int n) {
    char path[512];
    path_in_tmp(path, sizeof path, name);
    siamcl_video_writer *w = NULL;
    CHECK_OK(siamcl_video_writer_open(path, g_frames[0].width, g_frames[0].height, 30.0, codec, &w));
    for (int i = 0; w && i < n; i++) CHECK_OK(siamcl_video_writer_write(w, &g_frames[i]));
    CHECK_OK(siamcl_video_writer_close(w));
}

/* Read a clip whole; returns frames read, -1 on an error status. */
static int read_clip(const char *path, siamcl_image *out, int cap, siamcl_status *status) {
    siamcl_video *v = NULL;
    *status = siamcl_video_open(path, &v);
    if (*status != SIAMCL_OK) return -1;
    siamcl_image img = {0, 0, NULL};
    int n = 0, got = 1;
    while (got && (*status = siamcl_video_read(v, &img, &got)) == SIAMCL_OK && got) {
        if (out && n < cap) {
            siamcl_image_alloc(&out[n], img.width, img.height);
            memcpy(out[n].data, img.data, (size_t)img.width * img.height * 3);
        }
        n++;
    }
    siamcl_image_free(&img);
    siamcl_video_free(v);
    return *status == SIAMCL_OK ? n : -1;
}

static void lossless_roundtrip(const char *name, const char *codec) {
    write_clip(name, codec, g_n);
    char path[512];
    path_in_tmp(path, sizeof path, name);
    siamcl_video *v = NULL;
    CHECK_OK(siamcl_video_open(path, &v));
    siamcl_video_info info;
    CHECK_OK(siamcl_video_get_info(v, &info));
    CHECK(info.width == g_frames[0].width && info.height == g_frames[0].height);
    CHECK(info.fps > 29.9 && info.fps < 30.1);
    siamcl_image img = {0, 0, NULL};
    int n = 0, got = 1, same = 0;
    while (got && siamcl_video_read(v, &img, &got) == SIAMCL_OK && got) {
        if (n < g_n && img.width == g_frames[n].width && img.height == g_frames[n].height &&
            !memcmp(img.data, g_frames[n].data, (size_t)img.width * img.height * 3))
            same++;
        n++;
    }
    CHECK(siamcl_video_position(v) == n);
    printf("%s (%s): %d frames read, %d bit-identical to the JPEG frames\n", name, info.codec, n, same);
    CHECK(n == g_n && same == g_n);
    siamcl_image_free(&img);
    siamcl_video_free(v);
}

/* Track frames (in memory) with NanoTrack v2 from the first ground-truth box. */
static void track_frames(siamcl_context *ctx, const siamcl_tracker_desc *d, siamcl_image *f, int n, siamcl_box *out) {
    siamcl_tracker *t = NULL;
    CHECK_OK(siamcl_tracker_create(ctx, 0, d, &t));
    if (!t) return;
    out[0] = g_gt[0];
    CHECK_OK(siamcl_tracker_init(t, &f[0], g_gt[0]));
    for (int i = 1; i < n; i++) CHECK_OK(siamcl_tracker_update(t, &f[i], &out[i], NULL));
    siamcl_tracker_free(t);
}

static double auc_of(const siamcl_box *b, int n) {
    siamcl_eval_curves c;
    CHECK_OK(siamcl_eval_sequence(b, g_gt, n, NULL, &c));
    return c.auc;
}

static void tracking_through_clips(void) {
    siamcl_context *ctx = tu_context();
    siamcl_log_set(capture_log, NULL, SIAMCL_LOG_DEBUG);
    siamcl_tracker_desc d;
    CHECK_OK(siamcl_tracker_desc_load("nanotrack-v2", NULL, &d));
    static siamcl_box ref[NFRAMES], got[NFRAMES];
    static siamcl_image clip[NFRAMES];
    track_frames(ctx, &d, g_frames, g_n, ref);
    double auc_ref = auc_of(ref, g_n);
    const struct {
        const char *name, *codec;
        int lossless;
    } clips[] = {{"ffv1.mkv", "ffv1", 1}, {"h264.mp4", NULL, 0}, {"mpeg4.avi", "mpeg4", 0}};
    for (size_t c = 0; c < sizeof clips / sizeof clips[0]; c++) {
        char path[512];
        path_in_tmp(path, sizeof path, clips[c].name);
        if (!clips[c].lossless) write_clip(clips[c].name, clips[c].codec, g_n);
        siamcl_status st;
        int n = read_clip(path, clip, NFRAMES, &st);
        CHECK(n == g_n);
        if (n != g_n) continue;
        track_frames(ctx, &d, clip, n, got);
        double auc = auc_of(got, n), maxdiff = 0;
        for (int i = 0; i < n; i++) {
            double e = fabs(got[i].x - ref[i].x) + fabs(got[i].y - ref[i].y) + fabs(got[i].w - ref[i].w) +
                       fabs(got[i].h - ref[i].h);
            if (e > maxdiff) maxdiff = e;
        }
        printf("%-10s AUC %.4f (frame folder %.4f), largest box difference %.4f px\n", clips[c].name, auc, auc_ref,
               maxdiff);
        if (clips[c].lossless)
            CHECK(maxdiff == 0);
        else
            CHECK(fabs(auc - auc_ref) <= 0.02);
        for (int i = 0; i < n; i++) siamcl_image_free(&clip[i]);
    }
    siamcl_context_free(ctx);
}

static void write_bytes(const char *path, const void *p, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return;
    if (n) fwrite(p, 1, n, f);
    fclose(f);
}

static unsigned char *read_all(const char *path, size_t *n) { return tu_read_file(path, n); }

static void bad_inputs(void) {
    char path[512], src[512];
    siamcl_video *v = NULL;
    siamcl_status st;
    /* missing, a folder, empty, text */
    CHECK_STATUS(siamcl_video_open("/no/such/clip.mp4", &v), SIAMCL_ERR_IO);
    CHECK(v == NULL);
    CHECK(strstr(siamcl_last_error(), "/no/such/clip.mp4") != NULL);
    CHECK_STATUS(siamcl_video_open(g_tmp, &v), SIAMCL_ERR_IO);
    path_in_tmp(path, sizeof path, "empty.mp4");
    write_bytes(path, "", 0);
    CHECK_STATUS(siamcl_video_open(path, &v), SIAMCL_ERR_FORMAT);
    CHECK(strstr(siamcl_last_error(), "empty.mp4") != NULL);
    path_in_tmp(path, sizeof path, "notes.mkv");
    const char *text = "these are not the frames you are looking for\n";
    write_bytes(path, text, strlen(text));
    CHECK_STATUS(siamcl_video_open(path, &v), SIAMCL_ERR_FORMAT);
    CHECK_STATUS(siamcl_video_open(NULL, &v), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_video_read(NULL, NULL, NULL), SIAMCL_ERR_INVALID_ARGUMENT);

    /* truncated MP4: its index (moov) is at the end, so nothing is readable */
    size_t n = 0;
    path_in_tmp(src, sizeof src, "h264.mp4");
    unsigned char *bytes = read_all(src, &n);
    CHECK(bytes && n > 1000);
    if (!bytes) return;
    path_in_tmp(path, sizeof path, "cut.mp4");
    write_bytes(path, bytes, n / 2);
    int frames = read_clip(path, NULL, 0, &st);
    CHECK(frames == -1 && st == SIAMCL_ERR_FORMAT);
    printf("truncated mp4: %s\n", siamcl_last_error());
    free(bytes);

    /* truncated MKV: the frames before the cut, a warning, no error */
    path_in_tmp(src, sizeof src, "ffv1.mkv");
    bytes = read_all(src, &n);
    CHECK(bytes != NULL);
    if (!bytes) return;
    path_in_tmp(path, sizeof path, "cut.mkv");
    write_bytes(path, bytes, n / 2);
    g_log[0] = 0;
    frames = read_clip(path, NULL, 0, &st);
    printf("truncated mkv: %d of %d frames, status %d\n", frames, g_n, (int)st);
    CHECK((frames >= 0 && frames < g_n) || st == SIAMCL_ERR_FORMAT);

    /* damaged MKV: bytes overwritten in the middle; decoding goes on or stops with an error */
    for (size_t i = n / 3; i < n / 3 + 4096 && i < n; i++) bytes[i] = (unsigned char)(i * 131u + 7u);
    path_in_tmp(path, sizeof path, "damaged.mkv");
    write_bytes(path, bytes, n);
    frames = read_clip(path, NULL, 0, &st);
    printf("damaged mkv: %d frames, status %d\n", frames, (int)st);
    CHECK(frames > 0 || st == SIAMCL_ERR_FORMAT);
    free(bytes);

    /* the writer */
    siamcl_video_writer *w = NULL;
    path_in_tmp(path, sizeof path, "x.nosuchcontainer");
    CHECK_STATUS(siamcl_video_writer_open(path, 64, 48, 30, NULL, &w), SIAMCL_ERR_UNSUPPORTED);
    path_in_tmp(path, sizeof path, "x.mkv");
    CHECK_STATUS(siamcl_video_writer_open(path, 64, 48, 30, "no-such-codec", &w), SIAMCL_ERR_UNSUPPORTED);
    CHECK_STATUS(siamcl_video_writer_open(path, 0, 48, 30, NULL, &w), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_video_writer_open(path, 64, 48, 0, NULL, &w), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_video_writer_open("/no/such/dir/x.mkv", 64, 48, 30, NULL, &w), SIAMCL_ERR_IO);
    CHECK(w == NULL);
    CHECK_OK(siamcl_video_writer_open(path, 65, 47, 30, NULL, &w)); /* odd sizes: padded for 4:2:0 */
    siamcl_image small;
    CHECK_OK(siamcl_image_alloc(&small, 64, 48));
    CHECK_STATUS(siamcl_video_writer_write(w, &small), SIAMCL_ERR_SHAPE);
    siamcl_image_free(&small);
    CHECK_OK(siamcl_image_alloc(&small, 65, 47));
    CHECK_OK(siamcl_video_writer_write(w, &small));
    CHECK_OK(siamcl_video_writer_close(w));
    siamcl_image_free(&small);
    siamcl_image back[2];
    frames = read_clip(path, back, 2, &st);
    CHECK(frames == 1 && back[0].width == 65 && back[0].height == 47);
    if (frames == 1) siamcl_image_free(&back[0]);
    CHECK_OK(siamcl_video_writer_close(NULL));
}

/* siamcl track --video equals --seq on a lossless clip; --vis writes a video. */
static void cli(void) {
    char cmd[2048], a[512], b[512], clip[512], vis[512];
    path_in_tmp(a, sizeof a, "seq.txt");
    path_in_tmp(b, sizeof b, "video.txt");
    path_in_tmp(clip, sizeof clip, "ffv1.mkv");
    path_in_tmp(vis, sizeof vis, "overlay.mkv");
    snprintf(cmd, sizeof cmd, "'%s' track --model nanotrack-v2 --seq '%s/data/otb/Crossing' --frames 30 -q --out '%s'",
             SIAMCL_CLI, tu_shared(), a);
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof cmd,
             "'%s' track --model nanotrack-v2 --video '%s' --init 205,151,17,50 --frames 30 -q --out '%s' --vis '%s'",
             SIAMCL_CLI, clip, b, vis);
    CHECK(system(cmd) == 0);
    size_t na = 0, nb = 0;
    char *ta = tu_read_file(a, &na), *tb = tu_read_file(b, &nb);
    CHECK(ta && tb && na == nb && na > 0 && !memcmp(ta, tb, na));
    free(ta);
    free(tb);
    siamcl_status st;
    CHECK(read_clip(vis, NULL, 0, &st) == 30);
    /* a video without --init, and a non-video: clear errors, exit code 2 and 1 */
    snprintf(cmd, sizeof cmd, "'%s' track --model nanotrack-v2 --video '%s' -q 2>/dev/null", SIAMCL_CLI, clip);
    CHECK(WEXITSTATUS(system(cmd)) == 2);
    snprintf(cmd, sizeof cmd, "'%s' track --model nanotrack-v2 --video '%s/notes.mkv' --init 1,1,5,5 -q 2>/dev/null",
             SIAMCL_CLI, g_tmp);
    CHECK(WEXITSTATUS(system(cmd)) == 1);
}

static void remove_tmp(void) {
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", g_tmp);
}

int main(void) {
    siamcl_log_set(tu_log, NULL, SIAMCL_LOG_WARN);
    if (!siamcl_video_available()) {
        siamcl_video *v = NULL;
        CHECK_STATUS(siamcl_video_open("x.mp4", &v), SIAMCL_ERR_UNSUPPORTED);
        siamcl_video_writer *w = NULL;
        CHECK_STATUS(siamcl_video_writer_open("x.mp4", 8, 8, 30, NULL, &w), SIAMCL_ERR_UNSUPPORTED);
        printf("built without video support: every call says so\n");
        return tu_finish("test-video");
    }
    snprintf(g_tmp, sizeof g_tmp, "/tmp/siamcl-test-video-XXXXXX");
    if (!mkdtemp(g_tmp)) return 1;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/data/otb/Crossing", tu_shared());
    siamcl_sequence *seq = NULL;
    CHECK_OK(siamcl_sequence_open(dir, 0, &seq));
    if (!seq) return tu_finish("test-video");
    g_n = siamcl_sequence_length(seq) < NFRAMES ? siamcl_sequence_length(seq) : NFRAMES;
    for (int i = 0; i < g_n; i++) {
        CHECK_OK(siamcl_sequence_load_frame(seq, i, &g_frames[i]));
        CHECK(siamcl_sequence_groundtruth(seq, i, &g_gt[i]));
    }
    siamcl_sequence_free(seq);

    lossless_roundtrip("ffv1.mkv", "ffv1");
    lossless_roundtrip("png.mkv", "png");
    tracking_through_clips();
    siamcl_log_set(tu_log, NULL, SIAMCL_LOG_WARN);
    bad_inputs();
    cli();
    for (int i = 0; i < g_n; i++) siamcl_image_free(&g_frames[i]);
    if (!tu_failures) remove_tmp();
    return tu_finish("test-video");
}
