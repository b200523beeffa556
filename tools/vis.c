/* Drawn frames for the track command: the box (green), the ground truth (red)
 * and a label on each frame, written as DIR/NNNN.png plus a contact sheet
 * DIR/sheet.png, or encoded into a video file (.mp4, .mkv, ...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct cli_vis {
    char path[1024];
    int video;                  /* 1: path is a video file */
    siamcl_video_writer *writer; /* opened at the first frame (its size) */
    double fps;
    int n, every, cols, tw, th, tiles;
    siamcl_image sheet;
};

static const uint8_t GREEN[3] = {40, 230, 40}, RED[3] = {240, 40, 40}, WHITE[3] = {255, 255, 255},
                     BLACK[3] = {0, 0, 0};

siamcl_status cli_vis_open(const char *path, int n, int every, double fps, cli_vis **out) {
    *out = NULL;
    cli_vis *v = calloc(1, sizeof *v);
    if (!v) return SIAMCL_ERR_OUT_OF_MEMORY;
    snprintf(v->path, sizeof v->path, "%s", path);
    v->video = cli_is_video_name(path);
    v->fps = fps;
    v->n = n;
    v->every = every;
    if (!v->video && !cli_make_dirs(path)) {
        free(v);
        return SIAMCL_ERR_IO;
    }
    *out = v;
    return SIAMCL_OK;
}

/* The contact sheet: about 24 tiles of half-size frames, 6 per row. */
static void sheet_alloc(cli_vis *v, const siamcl_image *img) {
    if (v->video || v->n < 1) return;
    v->every = v->every > 0 ? v->every : (v->n + 23) / 24;
    if (v->every < 1) v->every = 1;
    v->tiles = (v->n + v->every - 1) / v->every;
    v->cols = v->tiles < 6 ? v->tiles : 6;
    v->tw = img->width / 2 > 0 ? img->width / 2 : 1;
    v->th = img->height / 2 > 0 ? img->height / 2 : 1;
    int rows = (v->tiles + v->cols - 1) / v->cols;
    if (siamcl_image_alloc(&v->sheet, v->cols * v->tw, rows * v->th) != SIAMCL_OK) v->sheet.data = NULL;
}

static void draw(siamcl_image *img, int i, const siamcl_box *box, const siamcl_box *gt, float score) {
    if (gt) siamcl_image_draw_rect(img, *gt, RED, 1);
    siamcl_image_draw_rect(img, *box, GREEN, 2);
    char label[64];
    snprintf(label, sizeof label, "#%d %.3f", i + 1, (double)score);
    siamcl_image_fill_rect(img, 0, 0, (int)strlen(label) * 6 + 4, 12, BLACK);
    siamcl_image_draw_text(img, 2, 2, label, WHITE, 1);
}

siamcl_status cli_vis_frame(cli_vis *v, siamcl_image *img, int i, const siamcl_box *box, const siamcl_box *gt,
                            float score) {
    if (i == 0) sheet_alloc(v, img);
    draw(img, i, box, gt, score);
    if (v->video) {
        siamcl_status st = v->writer ? SIAMCL_OK
                                     : siamcl_video_writer_open(v->path, img->width, img->height, v->fps, NULL, &v->writer);
        return st == SIAMCL_OK ? siamcl_video_writer_write(v->writer, img) : st;
    }
    char path[1200];
    snprintf(path, sizeof path, "%s/%04d.png", v->path, i + 1);
    siamcl_status st = siamcl_image_save_png(path, img);
    if (st != SIAMCL_OK) return st;
    if (v->sheet.data && i % v->every == 0 && i / v->every < v->tiles) {
        int t = i / v->every;
        siamcl_image_blit_scaled(&v->sheet, (t % v->cols) * v->tw, (t / v->cols) * v->th, v->tw - 2, v->th - 2, img);
    }
    return SIAMCL_OK;
}

void cli_vis_describe(const cli_vis *v, int n, FILE *out) {
    if (v->video)
        fprintf(out, "video: %s (%d frames)\n", v->path, n);
    else
        fprintf(out, "pictures: %s/0001.png .. %s/%04d.png%s%s%s\n", v->path, v->path, n,
                v->sheet.data ? ", contact sheet " : "", v->sheet.data ? v->path : "",
                v->sheet.data ? "/sheet.png" : "");
}

siamcl_status cli_vis_close(cli_vis *v) {
    if (!v) return SIAMCL_OK;
    siamcl_status st = siamcl_video_writer_close(v->writer);
    if (st == SIAMCL_OK && v->sheet.data) {
        char path[1200];
        snprintf(path, sizeof path, "%s/sheet.png", v->path);
        st = siamcl_image_save_png(path, &v->sheet);
    }
    siamcl_image_free(&v->sheet);
    free(v);
    return st;
}
