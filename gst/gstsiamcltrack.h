/* gst/: the GStreamer plugin "siamcl" with its element siamcltrack. A user of
 * the public API (siamcl.h) only, like tools/: it never includes lib/. */
#ifndef GST_SIAMCL_TRACK_H
#define GST_SIAMCL_TRACK_H

#include <gst/gst.h>
#include <gst/video/gstvideofilter.h>
#include <gst/video/video.h>
#include <string.h>

#include <siamcl.h>

G_BEGIN_DECLS

#define GST_TYPE_SIAMCL_TRACK (gst_siamcl_track_get_type())
G_DECLARE_FINAL_TYPE(GstSiamclTrack, gst_siamcl_track, GST, SIAMCL_TRACK, GstVideoFilter)

/* pixels.c: the packed RGB-family formats of the pads <-> siamcl_image (RGB). */
gboolean siamcl_gst_frame_to_rgb(GstVideoFrame *frame, siamcl_image *img);
void siamcl_gst_rgb_to_frame(const siamcl_image *img, GstVideoFrame *frame);

/* The element's own view of a target. */
typedef struct siamcl_gst_target {
    gint id;         /* the element's id (signals, metas, messages) */
    gint gid;        /* siamcl_group id */
    siamcl_box box;  /* OTB convention */
    gdouble score;
    guint low;       /* consecutive frames below lost-threshold */
    gboolean lost;   /* reported lost on this frame, dropped after it */
} siamcl_gst_target;

G_END_DECLS

#endif
