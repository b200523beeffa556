/* lib/video: video files through FFmpeg (libavformat demux/mux, libavcodec
 * decode/encode, libswscale pixel conversion). Owns siamcl_video and
 * siamcl_video_writer; calls only lib/runtime (log, allocation) and the
 * public image calls. Built only when FFmpeg is found; none.c stands in otherwise. */
#ifndef SCL_VIDEO_IMPL_H
#define SCL_VIDEO_IMPL_H

#include <libavutil/error.h>

#include "runtime/runtime.h"
#include "siamcl/video.h"

/* Route FFmpeg's log to siamcl's (debug level), once per process. */
void scl_video_log_init(void);
/* FFmpeg's text for an AVERROR code, in a caller's buffer. */
const char *scl_av_err(int err, char *buf, size_t cap);
/* (Re)allocate img to w x h unless it already has that size. */
siamcl_status scl_video_image_fit(siamcl_image *img, int w, int h);

#endif
