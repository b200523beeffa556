/* Drawing on siamcl_image: filled and outlined rectangles, lines, nearest-
 * neighbour scaled blits. Every primitive clips to the image; coordinates are
 * clamped in double/64-bit before any integer arithmetic, and non-finite
 * coordinates draw nothing, so no input can write out of bounds. */
#include <math.h>

#include "io/draw.h"

#define COORD_LIMIT ((int64_t)1 << 40) /* far outside any image (and any pen), small enough for int64 sums */

int scl_image_valid(const siamcl_image *img) {
    return img && img->data && img->width > 0 && img->height > 0 &&
           scl_image_size_ok((uint64_t)img->width, (uint64_t)img->height);
}

static int64_t clamp64(int64_t v) { return v < -COORD_LIMIT ? -COORD_LIMIT : v > COORD_LIMIT ? COORD_LIMIT : v; }

/* Round a finite double to the nearest integer, clamped to +-COORD_LIMIT. */
static int64_t round_clamp(double v) {
    if (v < -(double)COORD_LIMIT) return -COORD_LIMIT;
    if (v > (double)COORD_LIMIT) return COORD_LIMIT;
    return (int64_t)floor(v + 0.5);
}

void scl_fill(siamcl_image *img, int64_t x, int64_t y, int64_t w, int64_t h, const uint8_t rgb[3]) {
    if (w <= 0 || h <= 0) return;
    x = clamp64(x);
    y = clamp64(y);
    w = clamp64(w);
    h = clamp64(h);
    int64_t x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
    int64_t x1 = x + w < img->width ? x + w : img->width, y1 = y + h < img->height ? y + h : img->height;
    if (x0 >= x1 || y0 >= y1) return;
    for (int64_t r = y0; r < y1; r++) {
        uint8_t *p = img->data + ((size_t)r * (size_t)img->width + (size_t)x0) * 3;
        for (int64_t c = x0; c < x1; c++, p += 3) {
            p[0] = rgb[0];
            p[1] = rgb[1];
            p[2] = rgb[2];
        }
    }
}

void siamcl_image_fill_rect(siamcl_image *img, int x, int y, int w, int h, const uint8_t rgb[3]) {
    if (!scl_image_valid(img) || !rgb) return;
    scl_fill(img, x, y, w, h, rgb);
}

/* Outline of an OTB box (1-based top-left): it covers the pixel columns
 * round(x-1) .. round(x-1+w)-1 (rows likewise), and the border, `thickness`
 * pixels wide, lies inside that span. Boxes thinner than two borders are
 * drawn filled; w or h <= 0 or non-finite values draw nothing. */
void siamcl_image_draw_rect(siamcl_image *img, siamcl_box box, const uint8_t rgb[3], int thickness) {
    if (!scl_image_valid(img) || !rgb) return;
    if (!isfinite(box.x) || !isfinite(box.y) || !isfinite(box.w) || !isfinite(box.h)) return;
    if (!(box.w > 0) || !(box.h > 0)) return;
    int64_t t = thickness < 1 ? 1 : thickness;
    double l = (double)box.x - 1, top = (double)box.y - 1;
    int64_t x0 = round_clamp(l), y0 = round_clamp(top);
    int64_t x1 = round_clamp(l + box.w) - 1, y1 = round_clamp(top + box.h) - 1;
    if (x1 < x0) x1 = x0; /* sub-pixel boxes still show as one pixel */
    if (y1 < y0) y1 = y0;
    int64_t w = x1 - x0 + 1, h = y1 - y0 + 1;
    if (2 * t >= w || 2 * t >= h) {
        scl_fill(img, x0, y0, w, h, rgb);
        return;
    }
    scl_fill(img, x0, y0, w, t, rgb);         /* top */
    scl_fill(img, x0, y1 - t + 1, w, t, rgb); /* bottom */
    scl_fill(img, x0, y0 + t, t, h - 2 * t, rgb);         /* left */
    scl_fill(img, x1 - t + 1, y0 + t, t, h - 2 * t, rgb); /* right */
}

/* Liang-Barsky: clip the segment p + s*d, s in [0, 1], to [lo, hi] on one axis. */
static int clip_axis(double p, double d, double lo, double hi, double *s0, double *s1) {
    if (d == 0) return p >= lo && p <= hi;
    double a = (lo - p) / d, b = (hi - p) / d;
    if (a > b) {
        double t = a;
        a = b;
        b = t;
    }
    if (a > *s0) *s0 = a;
    if (b < *s1) *s1 = b;
    return *s0 <= *s1;
}

typedef struct line_pen {
    siamcl_image *img;
    const uint8_t *rgb;
    int64_t t;
    double lo_x, hi_x, lo_y, hi_y; /* the image grown by the pen size */
} line_pen;

/* Segments much longer than the image are first cut in halves (midpoints are
 * exact enough at any magnitude, where clipping 1e30-long segments directly
 * would lose all precision to cancellation); halves whose bounding box misses
 * the image are dropped. Then: clip, and step along the major axis stamping a
 * run of t pixels across it. */
static void line_seg(const line_pen *pen, double ax, double ay, double bx, double by, int depth) {
    if (fmax(ax, bx) < pen->lo_x || fmin(ax, bx) > pen->hi_x || fmax(ay, by) < pen->lo_y ||
        fmin(ay, by) > pen->hi_y)
        return;
    double len = fmax(fabs(bx - ax), fabs(by - ay));
    double span = (pen->hi_x - pen->lo_x) + (pen->hi_y - pen->lo_y);
    if (len > 2 * span && depth < 200) {
        double mx = 0.5 * ax + 0.5 * bx, my = 0.5 * ay + 0.5 * by;
        line_seg(pen, ax, ay, mx, my, depth + 1);
        line_seg(pen, mx, my, bx, by, depth + 1);
        return;
    }
    double dx = bx - ax, dy = by - ay, s0 = 0, s1 = 1;
    if (!clip_axis(ax, dx, pen->lo_x, pen->hi_x, &s0, &s1)) return;
    if (!clip_axis(ay, dy, pen->lo_y, pen->hi_y, &s0, &s1)) return;
    double cx0 = ax + s0 * dx, cy0 = ay + s0 * dy, cx1 = ax + s1 * dx, cy1 = ay + s1 * dy;
    int xmajor = fabs(cx1 - cx0) >= fabs(cy1 - cy0);
    int64_t steps = (int64_t)ceil(fmax(fabs(cx1 - cx0), fabs(cy1 - cy0)));
    if (steps > (int64_t)(4 * span) + 4) steps = (int64_t)(4 * span) + 4; /* only if depth ran out */
    int64_t half = (pen->t - 1) / 2;
    for (int64_t k = 0; k <= steps; k++) {
        double f = steps ? (double)k / (double)steps : 0;
        int64_t px = round_clamp(cx0 + f * (cx1 - cx0)), py = round_clamp(cy0 + f * (cy1 - cy0));
        if (xmajor)
            scl_fill(pen->img, px, py - half, 1, pen->t, pen->rgb);
        else
            scl_fill(pen->img, px - half, py, pen->t, 1, pen->rgb);
    }
}

/* Line between pixel centres (x0, y0) and (x1, y1), 0-based; `thickness`
 * pixels wide across its major axis (1..1024). */
void siamcl_image_draw_line(siamcl_image *img, float x0, float y0, float x1, float y1, const uint8_t rgb[3],
                            int thickness) {
    if (!scl_image_valid(img) || !rgb) return;
    if (!isfinite(x0) || !isfinite(y0) || !isfinite(x1) || !isfinite(y1)) return;
    line_pen pen;
    pen.img = img;
    pen.rgb = rgb;
    pen.t = thickness < 1 ? 1 : thickness > 1024 ? 1024 : thickness;
    double m = (double)pen.t + 1;
    pen.lo_x = -m;
    pen.lo_y = -m;
    pen.hi_x = img->width - 1 + m;
    pen.hi_y = img->height - 1 + m;
    line_seg(&pen, x0, y0, x1, y1, 0);
}

/* Nearest-neighbour resize of src into dst's rectangle (x, y, w, h), clipped:
 * destination pixel i samples source pixel floor((i + 0.5) * src_w / w). */
void siamcl_image_blit_scaled(siamcl_image *dst, int x, int y, int w, int h, const siamcl_image *src) {
    if (!scl_image_valid(dst) || !scl_image_valid(src) || w <= 0 || h <= 0) return;
    int64_t x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
    int64_t x1 = (int64_t)x + w < dst->width ? (int64_t)x + w : dst->width;
    int64_t y1 = (int64_t)y + h < dst->height ? (int64_t)y + h : dst->height;
    for (int64_t r = y0; r < y1; r++) {
        int64_t sy = ((2 * (r - y) + 1) * src->height) / (2 * (int64_t)h);
        if (sy >= src->height) sy = src->height - 1;
        const uint8_t *srow = src->data + (size_t)sy * (size_t)src->width * 3;
        uint8_t *d = dst->data + ((size_t)r * (size_t)dst->width + (size_t)x0) * 3;
        for (int64_t c = x0; c < x1; c++, d += 3) {
            int64_t sx = ((2 * (c - x) + 1) * src->width) / (2 * (int64_t)w);
            if (sx >= src->width) sx = src->width - 1;
            const uint8_t *s = srow + sx * 3;
            d[0] = s[0];
            d[1] = s[1];
            d[2] = s[2];
        }
    }
}
