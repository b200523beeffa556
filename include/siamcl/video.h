/* siamcl video files: read frames from anything FFmpeg decodes (MP4, MKV, AVI,
 * camera recordings, ...) as RGB siamcl_images, and write overlay videos.
 *
 *     siamcl_video *v;
 *     siamcl_image frame = {0};
 *     int got;
 *     st = siamcl_video_open("clip.mp4", &v);
 *     while ((st = siamcl_video_read(v, &frame, &got)) == SIAMCL_OK && got) {
 *         ... track in frame ...
 *     }
 *     siamcl_image_free(&frame);
 *     siamcl_video_free(v);
 *
 *     siamcl_video_writer *w;
 *     st = siamcl_video_writer_open("out.mp4", width, height, 30.0, NULL, &w);
 *     st = siamcl_video_writer_write(w, &frame);   // every frame, same size
 *     st = siamcl_video_writer_close(w);           // flushes and frees
 *
 * Video support is optional at build time (libavformat, libavcodec, libswscale):
 * siamcl_video_available() says whether it is in; without it every call here
 * returns SIAMCL_ERR_UNSUPPORTED with a message saying so.
 *
 * FFmpeg's own log messages go to siamcl's log callback (siamcl_log_set) at
 * debug level once a video is opened here (av_log_set_callback is
 * process-wide; a program that wants them elsewhere sets its own afterwards). */
#ifndef SIAMCL_VIDEO_H
#define SIAMCL_VIDEO_H

#include "siamcl/core.h"
#include "siamcl/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if this build reads and writes video files, else 0. */
SIAMCL_API int siamcl_video_available(void);

typedef struct siamcl_video siamcl_video;

typedef struct siamcl_video_info {
    int width, height;    /* of the first frame (later frames may differ) */
    int64_t frame_count;  /* frames the container declares, -1 when unknown */
    double fps;           /* average frame rate, 0 when unknown */
    double duration_s;    /* 0 when unknown */
    char codec[32];       /* decoder name, e.g. "h264" */
    char format[32];      /* container, e.g. "matroska,webm" */
} siamcl_video_info;

/* Open a video file and its first video stream. A missing file is
 * SIAMCL_ERR_IO; a file FFmpeg cannot read as video (not a video, truncated
 * beyond use, no video stream, no decoder) is SIAMCL_ERR_FORMAT, naming the
 * file and FFmpeg's reason. */
SIAMCL_API siamcl_status siamcl_video_open(const char *path, siamcl_video **out);
SIAMCL_API void siamcl_video_free(siamcl_video *v);
SIAMCL_API siamcl_status siamcl_video_get_info(const siamcl_video *v, siamcl_video_info *out);

/* Decode the next frame into *frame as 8-bit RGB. frame must be zeroed or an
 * image from siamcl_image_alloc/load: its buffer is reused, and reallocated
 * when the size changes. *got = 1 with a frame, 0 at the end of the stream
 * (then frame is left as it was). A decode error is SIAMCL_ERR_FORMAT naming
 * the file and frame; damaged data the decoder conceals is not an error. A
 * stream that ends short of the frame count its container declares logs a
 * warning (a truncated file). */
SIAMCL_API siamcl_status siamcl_video_read(siamcl_video *v, siamcl_image *frame, int *got);
/* Frames returned so far. */
SIAMCL_API int64_t siamcl_video_position(const siamcl_video *v);

typedef struct siamcl_video_writer siamcl_video_writer;

/* Create a video file of w x h frames at fps frames per second. The container
 * comes from the file name (.mp4, .mkv, .avi, ...). codec NULL picks the
 * container's default (H.264 through libx264 for .mp4/.mkv when available,
 * else MPEG-4 part 2); or name an FFmpeg encoder: "libx264", "mpeg4", "ffv1"
 * and "png" (lossless: frames read back equal those written). */
SIAMCL_API siamcl_status siamcl_video_writer_open(const char *path, int width, int height, double fps,
                                                  const char *codec, siamcl_video_writer **out);
/* Append a frame; it must have the size given at open (SIAMCL_ERR_SHAPE). */
SIAMCL_API siamcl_status siamcl_video_writer_write(siamcl_video_writer *w, const siamcl_image *frame);
/* Flush, finish the file and free the writer (also on error; NULL is a no-op). */
SIAMCL_API siamcl_status siamcl_video_writer_close(siamcl_video_writer *w);

#ifdef __cplusplus
}
#endif
#endif
