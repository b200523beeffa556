/* Room lib/io: images (PNG, JPEG), frame sequences, box files, IDX data sets,
 * drawing. May call lib/runtime only; eval calls it.
 *
 * Internal to lib/io: the decoders behind siamcl_image_load, size limits, file reading. */
#ifndef SCL_IO_H
#define SCL_IO_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/runtime.h"

/* Largest accepted side and pixel count (decode and siamcl_image_alloc):
 * 65535 per side, 2^28 pixels (768 MiB of RGB). */
#define SCL_IMAGE_MAX_DIM 65535
#define SCL_IMAGE_MAX_PIXELS ((uint64_t)1 << 28)

/* 1 when a w x h image is within the limits above (and both sides >= 1). */
int scl_image_size_ok(uint64_t w, uint64_t h);

/* A box with a NaN field: what trackers write for a lost target. */
static inline int scl_box_has_nan(siamcl_box b) { return isnan(b.x) || isnan(b.y) || isnan(b.w) || isnan(b.h); }
/* Box coordinates beyond this are refused as absurd (no frame is 10 million pixels wide). */
#define SCL_BOX_MAX 1e7
/* Ground truth must not hold NaN or negative sizes (zero-size rows mark an absent
 * target and are allowed): SIAMCL_ERR_FORMAT naming path:line. */
siamcl_status scl_boxes_check_gt(const char *path, const siamcl_box *b, int n);

int scl_png_magic(const uint8_t *data, size_t size);
int scl_jpeg_magic(const uint8_t *data, size_t size);

/* Decode to 8-bit RGB into *out (allocated here; untouched on error). `name`
 * (a file name, or "<memory>") prefixes every error message. Corrupt or
 * truncated data -> SIAMCL_ERR_FORMAT. */
siamcl_status scl_png_decode(const uint8_t *data, size_t size, const char *name, siamcl_image *out);
siamcl_status scl_jpeg_decode(const uint8_t *data, size_t size, const char *name, siamcl_image *out);

#endif
