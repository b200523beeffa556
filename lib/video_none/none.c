/* Video entry points of a build without FFmpeg: each says so (lib/video is the real one). */
#include "runtime/runtime.h"
#include "siamcl/video.h"

static siamcl_status missing(void) {
    return scl_fail(SIAMCL_ERR_UNSUPPORTED, "this siamcl was built without video support (FFmpeg's libavformat, "
                                            "libavcodec, libswscale were not found at build time)");
}

int siamcl_video_available(void) { return 0; }
siamcl_status siamcl_video_open(const char *path, siamcl_video **out) {
    (void)path;
    if (out) *out = NULL;
    return missing();
}
void siamcl_video_free(siamcl_video *v) { (void)v; }
siamcl_status siamcl_video_get_info(const siamcl_video *v, siamcl_video_info *out) {
    (void)v;
    (void)out;
    return missing();
}
siamcl_status siamcl_video_read(siamcl_video *v, siamcl_image *frame, int *got) {
    (void)v;
    (void)frame;
    if (got) *got = 0;
    return missing();
}
int64_t siamcl_video_position(const siamcl_video *v) {
    (void)v;
    return 0;
}
siamcl_status siamcl_video_writer_open(const char *path, int width, int height, double fps, const char *codec,
                                       siamcl_video_writer **out) {
    (void)path, (void)width, (void)height, (void)fps, (void)codec;
    if (out) *out = NULL;
    return missing();
}
siamcl_status siamcl_video_writer_write(siamcl_video_writer *w, const siamcl_image *frame) {
    (void)w;
    (void)frame;
    return missing();
}
siamcl_status siamcl_video_writer_close(siamcl_video_writer *w) {
    (void)w;
    return SIAMCL_OK;
}
