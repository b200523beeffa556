/* siamcl train's pictures: a loss curve and a 2-D embedding scatter with a
 * class legend, drawn with the public image API. */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "train_cli.h"

static const uint8_t INK[3] = {30, 30, 30}, GRID[3] = {225, 225, 225}, WHITE[3] = {255, 255, 255};
static const uint8_t PALETTE[10][3] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},
                                       {148, 103, 189}, {140, 86, 75}, {227, 119, 194}, {127, 127, 127},
                                       {188, 189, 34},  {23, 190, 207}};

typedef struct frame {
    int left, top, right, bottom;
    double x0, x1, y0, y1;
} frame;

static float fx(const frame *f, double x) { return (float)(f->left + (x - f->x0) / (f->x1 - f->x0) * (f->right - f->left)); }
static float fy(const frame *f, double y) { return (float)(f->bottom - (y - f->y0) / (f->y1 - f->y0) * (f->bottom - f->top)); }

/* Axes box, 5 grid lines per axis with their values, title and labels. */
static void draw_axes(siamcl_image *img, const frame *f, const char *title, const char *xlabel, const char *ylabel) {
    char buf[48];
    for (int i = 0; i <= 5; i++) {
        double x = f->x0 + (f->x1 - f->x0) * i / 5, y = f->y0 + (f->y1 - f->y0) * i / 5;
        siamcl_image_draw_line(img, fx(f, x), (float)f->top, fx(f, x), (float)f->bottom, GRID, 1);
        siamcl_image_draw_line(img, (float)f->left, fy(f, y), (float)f->right, fy(f, y), GRID, 1);
        snprintf(buf, sizeof buf, "%.3g", x);
        siamcl_image_draw_text(img, (int)fx(f, x) - 10, f->bottom + 6, buf, INK, 1);
        snprintf(buf, sizeof buf, "%.3g", y);
        siamcl_image_draw_text(img, 6, (int)fy(f, y) - 4, buf, INK, 1);
    }
    siamcl_box box = {(float)f->left, (float)f->top, (float)(f->right - f->left), (float)(f->bottom - f->top)};
    siamcl_image_draw_rect(img, box, INK, 1);
    siamcl_image_draw_text(img, f->left, 10, title, INK, 2);
    if (xlabel) siamcl_image_draw_text(img, (f->left + f->right) / 2 - 40, f->bottom + 22, xlabel, INK, 1);
    if (ylabel) siamcl_image_draw_text(img, f->left + 6, f->top + 6, ylabel, INK, 1);
}

static int save(siamcl_image *img, const char *path) {
    siamcl_status st = siamcl_image_save_png(path, img);
    siamcl_image_free(img);
    if (st != SIAMCL_OK) {
        cli_fail(st, siamcl_last_error());
        return 0;
    }
    return 1;
}

int cli_plot_curve(const char *path, const char *title, const char *ylabel, const double *y, int n, double xscale,
                   const char *xlabel) {
    siamcl_image img = {0};
    if (n < 1 || siamcl_image_alloc(&img, 800, 500) != SIAMCL_OK) return 0;
    siamcl_image_fill_rect(&img, 0, 0, 800, 500, WHITE);
    frame f = {70, 40, 780, 450, 0, n * xscale, DBL_MAX, -DBL_MAX}; /* whole epochs: ticks fall on round values */
    for (int i = 0; i < n; i++) {
        if (y[i] < f.y0) f.y0 = y[i];
        if (y[i] > f.y1) f.y1 = y[i];
    }
    double pad = (f.y1 - f.y0) * 0.05 + 1e-9;
    f.y0 -= pad;
    f.y1 += pad;
    draw_axes(&img, &f, title, xlabel, ylabel);
    for (int i = 1; i < n; i++)
        siamcl_image_draw_line(&img, fx(&f, i * xscale), fy(&f, y[i - 1]), fx(&f, (i + 1) * xscale), fy(&f, y[i]),
                               PALETTE[0], 2);
    return save(&img, path);
}

int cli_plot_scatter(const char *path, const char *title, const float *xy, const uint8_t *cls, int n,
                     const char *const *names, int ncls, int dot) {
    siamcl_image img = {0};
    if (n < 1 || siamcl_image_alloc(&img, 900, 700) != SIAMCL_OK) return 0;
    siamcl_image_fill_rect(&img, 0, 0, 900, 700, WHITE);
    frame f = {70, 40, 700, 650, DBL_MAX, -DBL_MAX, DBL_MAX, -DBL_MAX};
    for (int i = 0; i < n; i++) {
        double x = xy[2 * i], y = xy[2 * i + 1];
        if (!isfinite(x) || !isfinite(y)) continue;
        f.x0 = x < f.x0 ? x : f.x0, f.x1 = x > f.x1 ? x : f.x1;
        f.y0 = y < f.y0 ? y : f.y0, f.y1 = y > f.y1 ? y : f.y1;
    }
    if (!(f.x1 > f.x0)) f.x0 -= 1, f.x1 += 1;
    if (!(f.y1 > f.y0)) f.y0 -= 1, f.y1 += 1;
    double px = (f.x1 - f.x0) * 0.04, py = (f.y1 - f.y0) * 0.04; /* dots clear of the frame */
    f.x0 -= px, f.x1 += px, f.y0 -= py, f.y1 += py;
    draw_axes(&img, &f, title, NULL, NULL);
    for (int i = 0; i < n; i++) {
        if (!isfinite(xy[2 * i]) || !isfinite(xy[2 * i + 1])) continue;
        siamcl_image_fill_rect(&img, (int)fx(&f, xy[2 * i]) - dot / 2, (int)fy(&f, xy[2 * i + 1]) - dot / 2, dot, dot,
                               PALETTE[cls[i] % 10]);
    }
    for (int c = 0; c < ncls && c < 10; c++) { /* legend */
        siamcl_image_fill_rect(&img, 715, 60 + c * 22, 14, 14, PALETTE[c]);
        siamcl_image_draw_text(&img, 736, 63 + c * 22, names[c], INK, 1);
    }
    return save(&img, path);
}
