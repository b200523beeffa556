/* Packed RGB-family video frames <-> siamcl's RGB images. */
#include "gstsiamcltrack.h"

/* Byte offsets of R, G, B in a pixel and the pixel size, for the formats the pad takes. */
static gboolean layout(GstVideoFormat f, int *r, int *g, int *b, int *px) {
    switch (f) {
    case GST_VIDEO_FORMAT_RGB: *r = 0, *g = 1, *b = 2, *px = 3; return TRUE;
    case GST_VIDEO_FORMAT_BGR: *r = 2, *g = 1, *b = 0, *px = 3; return TRUE;
    case GST_VIDEO_FORMAT_RGBx:
    case GST_VIDEO_FORMAT_RGBA: *r = 0, *g = 1, *b = 2, *px = 4; return TRUE;
    case GST_VIDEO_FORMAT_BGRx:
    case GST_VIDEO_FORMAT_BGRA: *r = 2, *g = 1, *b = 0, *px = 4; return TRUE;
    default: return FALSE;
    }
}

gboolean siamcl_gst_frame_to_rgb(GstVideoFrame *frame, siamcl_image *img) {
    int r, g, b, px;
    if (!layout(GST_VIDEO_FRAME_FORMAT(frame), &r, &g, &b, &px)) return FALSE;
    int w = GST_VIDEO_FRAME_WIDTH(frame), h = GST_VIDEO_FRAME_HEIGHT(frame);
    if (!img->data || img->width != w || img->height != h) {
        siamcl_image_free(img);
        if (siamcl_image_alloc(img, w, h) != SIAMCL_OK) return FALSE;
    }
    const guint8 *src = GST_VIDEO_FRAME_PLANE_DATA(frame, 0);
    int stride = GST_VIDEO_FRAME_PLANE_STRIDE(frame, 0);
    for (int y = 0; y < h; y++) {
        const guint8 *s = src + (gsize)y * stride;
        guint8 *d = img->data + (gsize)y * w * 3;
        if (px == 3 && r == 0) {
            memcpy(d, s, (gsize)w * 3);
            continue;
        }
        for (int x = 0; x < w; x++, s += px, d += 3) {
            d[0] = s[r];
            d[1] = s[g];
            d[2] = s[b];
        }
    }
    return TRUE;
}

void siamcl_gst_rgb_to_frame(const siamcl_image *img, GstVideoFrame *frame) {
    int r, g, b, px;
    if (!layout(GST_VIDEO_FRAME_FORMAT(frame), &r, &g, &b, &px)) return;
    int w = GST_VIDEO_FRAME_WIDTH(frame), h = GST_VIDEO_FRAME_HEIGHT(frame);
    if (w != img->width || h != img->height) return;
    guint8 *dst = GST_VIDEO_FRAME_PLANE_DATA(frame, 0);
    int stride = GST_VIDEO_FRAME_PLANE_STRIDE(frame, 0);
    for (int y = 0; y < h; y++) {
        guint8 *d = dst + (gsize)y * stride;
        const guint8 *s = img->data + (gsize)y * w * 3;
        for (int x = 0; x < w; x++, d += px, s += 3) {
            d[r] = s[0];
            d[g] = s[1];
            d[b] = s[2];
        }
    }
}
