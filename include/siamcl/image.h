/* siamcl images and sequences: PNG (libpng) and JPEG (libjpeg-turbo) decode,
 * PNG encode, boxes, drawing, OTB-layout sequences. */
#ifndef SIAMCL_IMAGE_H
#define SIAMCL_IMAGE_H

#include "siamcl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An 8-bit interleaved RGB image, rows contiguous (stride = 3 * width).
 * Gray sources are promoted to 3 channels at decode. */
typedef struct siamcl_image {
    int width, height;
    uint8_t *data; /* width * height * 3 bytes, owned (siamcl_image_free) */
} siamcl_image;

/* Allocate a black w x h image. */
SIAMCL_API siamcl_status siamcl_image_alloc(siamcl_image *img, int width, int height);
SIAMCL_API void siamcl_image_free(siamcl_image *img); /* frees data, zeroes the struct */
/* Decode a PNG or JPEG file (format from its magic bytes, not its name). */
SIAMCL_API siamcl_status siamcl_image_load(const char *path, siamcl_image *out);
SIAMCL_API siamcl_status siamcl_image_load_memory(const void *data, size_t size, siamcl_image *out);
SIAMCL_API siamcl_status siamcl_image_save_png(const char *path, const siamcl_image *img);

/* An axis-aligned box in OTB convention: (x, y) = top-left, 1-based pixels. */
typedef struct siamcl_box {
    float x, y, w, h;
} siamcl_box;

/* Drawing (clipped to the image; any input, NaN or far outside included, is safe).
 * draw_rect takes an OTB box (1-based) and draws its border inside the box's pixels;
 * the others take 0-based pixel coordinates (line ends at pixel centres). */
SIAMCL_API void siamcl_image_draw_rect(siamcl_image *img, siamcl_box box, const uint8_t rgb[3], int thickness);
SIAMCL_API void siamcl_image_draw_line(siamcl_image *img, float x0, float y0, float x1, float y1,
                                       const uint8_t rgb[3], int thickness);
SIAMCL_API void siamcl_image_fill_rect(siamcl_image *img, int x, int y, int w, int h, const uint8_t rgb[3]);
/* Text with a built-in bitmap font (ASCII 32..126, others drawn as '?', '\n' starts a
 * new line), top-left at (x, y), glyph cell 6*scale x 8*scale. */
SIAMCL_API void siamcl_image_draw_text(siamcl_image *img, int x, int y, const char *text, const uint8_t rgb[3],
                                       int scale);
/* Copy src scaled (nearest) into the rectangle (x, y, w, h) of dst: contact sheets. */
SIAMCL_API void siamcl_image_blit_scaled(siamcl_image *dst, int x, int y, int w, int h, const siamcl_image *src);

/* Box files: one box per line, fields separated by commas, tabs or spaces;
 * blank lines at the end ignored. Errors name the file and line. */
SIAMCL_API siamcl_status siamcl_boxes_read(const char *path, siamcl_box **boxes, int *count);
SIAMCL_API siamcl_status siamcl_boxes_write(const char *path, const siamcl_box *boxes, int count);
SIAMCL_API void siamcl_boxes_free(siamcl_box *boxes);

/* A sequence: an OTB folder (img/NNNN.jpg + groundtruth_rect[.K].txt) or a plain
 * folder of .jpg/.jpeg/.png frames sorted by name (digit runs compare as numbers).
 * open: missing folder -> SIAMCL_ERR_IO, no frames -> SIAMCL_ERR_FORMAT, no such
 * target -> SIAMCL_ERR_OUT_OF_RANGE. */
typedef struct siamcl_sequence siamcl_sequence;
/* target: 0 = the default ground truth (groundtruth_rect.txt, else the first
 * groundtruth_rect.K.txt); K >= 1 = groundtruth_rect.K.txt. */
SIAMCL_API siamcl_status siamcl_sequence_open(const char *dir, int target, siamcl_sequence **out);
SIAMCL_API void siamcl_sequence_free(siamcl_sequence *seq);
SIAMCL_API const char *siamcl_sequence_name(const siamcl_sequence *seq);  /* e.g. "Jogging-1" */
SIAMCL_API int siamcl_sequence_length(const siamcl_sequence *seq);        /* frames */
SIAMCL_API const char *siamcl_sequence_frame_path(const siamcl_sequence *seq, int i);
SIAMCL_API int siamcl_sequence_target_count(const siamcl_sequence *seq); /* ground-truth files found */
/* Ground truth of frame i (0 if the sequence has none for that frame). */
SIAMCL_API int siamcl_sequence_groundtruth(const siamcl_sequence *seq, int i, siamcl_box *box);
/* Rows in the ground-truth file (may be fewer than the frames: OTB Football1 has
 * 74 rows for 81 frames; frames past the last row have no ground truth). 0 if none. */
SIAMCL_API int siamcl_sequence_groundtruth_count(const siamcl_sequence *seq);
SIAMCL_API siamcl_status siamcl_sequence_load_frame(const siamcl_sequence *seq, int i, siamcl_image *out);

#ifdef __cplusplus
}
#endif
#endif
