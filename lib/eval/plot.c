/* Success / precision plots as PNG, drawn with the lib/io primitives: axes,
 * ticks with labels, a light grid, a title, one coloured curve per tracker
 * and a legend sorted by score ("SiamRPN++ [0.696]"), like the OTB papers. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "eval/eval_impl.h"

#define TEXT_SCALE 2
#define CHAR_W (6 * TEXT_SCALE)
#define CHAR_H (8 * TEXT_SCALE)

static const uint8_t WHITE[3] = {255, 255, 255};
static const uint8_t BLACK[3] = {0, 0, 0};
static const uint8_t GRID[3] = {222, 222, 222};
static const uint8_t FRAME[3] = {90, 90, 90};

/* Distinct, print-friendly colours (the usual categorical palette). */
static const uint8_t palette[][3] = {
    {214, 39, 40}, {31, 119, 180}, {44, 160, 44}, {255, 127, 14}, {148, 103, 189},
    {140, 86, 75}, {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207},
};
#define NCOLORS ((int)(sizeof palette / sizeof palette[0]))

static int text_width(const char *s) { return (int)strlen(s) * CHAR_W; }

/* Text rotated 90 degrees counter-clockwise (reads bottom to top), its
 * bounding box's top-left at (x, y). */
static siamcl_status draw_text_vertical(siamcl_image *img, int x, int y, const char *s, const uint8_t rgb[3]) {
    siamcl_image tmp = {0};
    int w = text_width(s), h = CHAR_H;
    if (w <= 0) return SIAMCL_OK;
    SCL_TRY(siamcl_image_alloc(&tmp, w, h));
    siamcl_image_draw_text(&tmp, 0, 0, s, WHITE, TEXT_SCALE);
    for (int ty = 0; ty < h; ty++)
        for (int tx = 0; tx < w; tx++) {
            if (!tmp.data[((size_t)ty * w + tx) * 3]) continue;
            int dx = x + ty, dy = y + (w - 1 - tx);
            if (dx < 0 || dy < 0 || dx >= img->width || dy >= img->height) continue;
            memcpy(img->data + ((size_t)dy * img->width + dx) * 3, rgb, 3);
        }
    siamcl_image_free(&tmp);
    return SIAMCL_OK;
}

static void fmt_tick(char *buf, size_t cap, double v, int integer) {
    if (integer) snprintf(buf, cap, "%d", (int)lround(v));
    else if (fabs(v - lround(v)) < 1e-9) snprintf(buf, cap, "%d", (int)lround(v));
    else snprintf(buf, cap, "%.1f", v);
}

siamcl_status siamcl_eval_plot(const char *path, siamcl_eval_plot_kind kind, const char *title,
                               const siamcl_eval_curves *curves, const char *const *names, int n, int width,
                               int height) {
    if (!path || !curves || !names || n <= 0)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_eval_plot: need a path and at least one curve");
    if (kind < SIAMCL_EVAL_PLOT_SUCCESS || kind > SIAMCL_EVAL_PLOT_NORM_PRECISION)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_eval_plot: unknown plot kind %d", (int)kind);
    for (int i = 0; i < n; i++)
        if (!names[i]) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_eval_plot: name %d is NULL", i);
    int defsize = width <= 0 || height <= 0;
    if (defsize) {
        width = 800;
        height = 600;
    }
    if (width < 320 || height < 240 || width > 8192 || height > 8192)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_eval_plot: size %dx%d outside 320x240..8192x8192",
                        width, height);

    /* what to draw */
    int npts;
    double xmax, xstep_tick, score_at;
    const char *xlabel, *ylabel, *deftitle;
    int int_ticks;
    switch (kind) {
    case SIAMCL_EVAL_PLOT_SUCCESS:
        npts = SIAMCL_EVAL_IOU_BINS, xmax = 1.0, xstep_tick = 0.1, int_ticks = 0, score_at = -1;
        xlabel = "Overlap threshold", ylabel = "Success rate", deftitle = "Success plots of OPE";
        break;
    case SIAMCL_EVAL_PLOT_PRECISION:
        npts = SIAMCL_EVAL_ERR_BINS, xmax = 50.0, xstep_tick = 5, int_ticks = 1, score_at = 20;
        xlabel = "Location error threshold (pixels)", ylabel = "Precision", deftitle = "Precision plots of OPE";
        break;
    default:
        npts = SIAMCL_EVAL_NORM_BINS, xmax = 0.5, xstep_tick = 0.05, int_ticks = 0, score_at = 0.2;
        xlabel = "Normalized location error threshold", ylabel = "Normalized precision",
        deftitle = "Normalized precision plots of OPE";
        break;
    }
    (void)score_at;
    if (!title) title = deftitle;

    /* legend order: by score, best first */
    int order[64];
    int m = n < 64 ? n : 64;
    double score[64];
    for (int i = 0; i < m; i++) {
        order[i] = i;
        score[i] = kind == SIAMCL_EVAL_PLOT_SUCCESS     ? curves[i].auc
                   : kind == SIAMCL_EVAL_PLOT_PRECISION ? curves[i].precision20
                                                        : curves[i].norm_precision20;
    }
    for (int i = 1; i < m; i++) /* stable insertion sort, descending */
        for (int j = i; j > 0 && score[order[j]] > score[order[j - 1]]; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }

    /* legend entries; inside the plot (in the corner the curves leave empty)
     * for up to 4 trackers, else in a column right of the plot */
    char label[64][96];
    int maxw = 0;
    for (int k = 0; k < m; k++) {
        int i = order[k];
        snprintf(label[k], sizeof label[k], "%.40s [%.3f]", names[i], score[i]);
        int w = text_width(label[k]);
        if (w > maxw) maxw = w;
    }
    const int line_h = CHAR_H + 8, sample = 36;
    int lw = 10 + sample + 8 + maxw + 10, lh = 8 + m * line_h;
    int outside = m > 4;
    if (outside && defsize) width += lw + 16;
    if (outside && defsize && height < lh + 120) height = lh + 120;

    siamcl_image img = {0};
    SCL_TRY(siamcl_image_alloc(&img, width, height));
    siamcl_image_fill_rect(&img, 0, 0, width, height, WHITE);

    /* plot area */
    int left = 8 + CHAR_H + 8 + 4 * CHAR_W + 10, right = width - 24 - (outside ? lw + 16 : 0);
    if (right - left < 160) right = left + 160;
    int top = 16 + CHAR_H + 20, bottom = height - (10 + CHAR_H + 10 + CHAR_H + 16);
    int pw = right - left, ph = bottom - top;
#define PX(v) ((float)(left + (v) / xmax * pw))
#define PY(v) ((float)(bottom - (v) * ph))

    /* grid and ticks */
    char buf[64];
    int nxt = (int)lround(xmax / xstep_tick);
    for (int i = 0; i <= nxt; i++) {
        double v = i * xstep_tick;
        float x = PX(v);
        if (i > 0 && i < nxt) siamcl_image_draw_line(&img, x, (float)top, x, (float)bottom, GRID, 1);
        siamcl_image_draw_line(&img, x, (float)bottom, x, (float)bottom + 5, FRAME, 1);
        fmt_tick(buf, sizeof buf, v, int_ticks);
        if (kind == SIAMCL_EVAL_PLOT_NORM_PRECISION) snprintf(buf, sizeof buf, "%.2g", v);
        siamcl_image_draw_text(&img, (int)lroundf(x) - text_width(buf) / 2, bottom + 9, buf, BLACK, TEXT_SCALE);
    }
    for (int i = 0; i <= 10; i++) {
        double v = i / 10.0;
        float y = PY(v);
        if (i > 0 && i < 10) siamcl_image_draw_line(&img, (float)left, y, (float)right, y, GRID, 1);
        siamcl_image_draw_line(&img, (float)left - 5, y, (float)left, y, FRAME, 1);
        fmt_tick(buf, sizeof buf, v, 0);
        siamcl_image_draw_text(&img, left - 9 - text_width(buf), (int)lroundf(y) - CHAR_H / 2, buf, BLACK,
                               TEXT_SCALE);
    }

    /* curves, worst first so the best one ends on top */
    for (int k = m - 1; k >= 0; k--) {
        int i = order[k];
        const double *yv = kind == SIAMCL_EVAL_PLOT_SUCCESS     ? curves[i].success
                           : kind == SIAMCL_EVAL_PLOT_PRECISION ? curves[i].precision
                                                                : curves[i].norm_precision;
        const uint8_t *col = palette[i % NCOLORS];
        int thick = i < NCOLORS ? 3 : 2;
        for (int p = 1; p < npts; p++) {
            double x0 = (p - 1) * xmax / (npts - 1), x1 = p * xmax / (npts - 1);
            siamcl_image_draw_line(&img, PX(x0), PY(yv[p - 1]), PX(x1), PY(yv[p]), col, thick);
        }
    }

    /* frame on top of the curves' ends */
    siamcl_image_draw_line(&img, (float)left, (float)top, (float)right, (float)top, FRAME, 1);
    siamcl_image_draw_line(&img, (float)left, (float)bottom, (float)right, (float)bottom, FRAME, 1);
    siamcl_image_draw_line(&img, (float)left, (float)top, (float)left, (float)bottom, FRAME, 1);
    siamcl_image_draw_line(&img, (float)right, (float)top, (float)right, (float)bottom, FRAME, 1);

    /* title and axis labels */
    siamcl_image_draw_text(&img, left + (pw - text_width(title)) / 2, 16, title, BLACK, TEXT_SCALE);
    siamcl_image_draw_text(&img, left + (pw - text_width(xlabel)) / 2, bottom + 9 + CHAR_H + 10, xlabel, BLACK,
                           TEXT_SCALE);
    siamcl_status st = draw_text_vertical(&img, 8, top + (ph - text_width(ylabel)) / 2, ylabel, BLACK);

    /* legend: lower left for success (curves start high), lower right otherwise,
     * or the column right of the plot */
    if (st == SIAMCL_OK) {
        int lx, ly;
        if (outside) {
            lx = right + 16;
            ly = top;
            if (lh > height - top - 4) lh = height - top - 4;
        } else {
            if (lw > pw - 20) lw = pw - 20;
            if (lh > ph - 20) lh = ph - 20;
            lx = kind == SIAMCL_EVAL_PLOT_SUCCESS ? left + 12 : right - 12 - lw;
            ly = bottom - 12 - lh;
        }
        siamcl_image_fill_rect(&img, lx, ly, lw, lh, WHITE);
        siamcl_box frame = {(float)lx + 1, (float)ly + 1, (float)lw, (float)lh};
        siamcl_image_draw_rect(&img, frame, FRAME, 1);
        for (int k = 0; k < m; k++) {
            int i = order[k];
            int y = ly + 8 + k * line_h;
            if (y + CHAR_H > ly + lh) break;
            const uint8_t *col = palette[i % NCOLORS];
            siamcl_image_draw_line(&img, (float)lx + 10, (float)y + CHAR_H / 2.0f, (float)lx + 10 + sample,
                                   (float)y + CHAR_H / 2.0f, col, i < NCOLORS ? 3 : 2);
            siamcl_image_draw_text(&img, lx + 10 + sample + 8, y, label[k], BLACK, TEXT_SCALE);
        }
    }
#undef PX
#undef PY
    if (st == SIAMCL_OK) st = siamcl_image_save_png(path, &img);
    siamcl_image_free(&img);
    return st;
}
