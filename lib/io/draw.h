/* Internal to lib/io: clipped drawing primitives shared by draw.c and font.c. */
#ifndef SCL_IO_DRAW_H
#define SCL_IO_DRAW_H

#include "io/io.h"

#define SCL_FONT_CELL_W 6
#define SCL_FONT_CELL_H 8
#define SCL_FONT_MAX_SCALE 1024

/* 1 when img has data and a size within the library's limits. */
int scl_image_valid(const siamcl_image *img);
/* Fill the 0-based rectangle (x, y, w, h), clipped; 64-bit coordinates so no
 * input can overflow. */
void scl_fill(siamcl_image *img, int64_t x, int64_t y, int64_t w, int64_t h, const uint8_t rgb[3]);
const uint8_t *scl_font_glyph(int c);

#endif
