/* What the video reader and writer share: FFmpeg log routing, error text, frame buffers. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libavutil/log.h>

#include "video/video_impl.h"

int siamcl_video_available(void) { return 1; }

static void forward_log(void *avcl, int level, const char *fmt, va_list ap) {
    (void)avcl;
    if (level > AV_LOG_WARNING) return;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (n) scl_log(SIAMCL_LOG_DEBUG, "ffmpeg: %s", line);
}

static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static void install_log(void) { av_log_set_callback(forward_log); }
void scl_video_log_init(void) { pthread_once(&log_once, install_log); }

const char *scl_av_err(int err, char *buf, size_t cap) {
    if (av_strerror(err, buf, cap) < 0) snprintf(buf, cap, "FFmpeg error %d", err);
    return buf;
}

siamcl_status scl_video_image_fit(siamcl_image *img, int w, int h) {
    if (img->data && img->width == w && img->height == h) return SIAMCL_OK;
    siamcl_image fresh;
    SCL_TRY(siamcl_image_alloc(&fresh, w, h));
    siamcl_image_free(img);
    *img = fresh;
    return SIAMCL_OK;
}
