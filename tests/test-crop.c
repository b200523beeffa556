/* Crops from an 8-bit frame: against a literal emulation of OpenCV's uint8
 * INTER_LINEAR resize (u8_exact), a double-precision bilinear reference
 * (float mode), and the exact 8-bit crops of the NanoTrack reference harness
 * on OTB Crossing (golden/tracking/track_v2_Crossing). */
#include "ops/ops.h"
#include "siamcl/image.h"
#include "testutil.h"

/* ---- references ---- */

typedef struct {
    const uint8_t *px;
    int w, h, ch;
} frame_t;

/* value of window pixel (wx, wy) of request r in output channel c, or pad */
static double win_pixel(const frame_t *f, const scl_crop_req *r, int wx, int wy, int c, int swap, double pad) {
    int x = r->x0 + wx, y = r->y0 + wy;
    if (x < 0 || y < 0 || x >= f->w || y >= f->h) return pad;
    int sc = f->ch == 1 ? 0 : (swap ? 2 - c : c);
    return f->px[((size_t)y * f->w + x) * f->ch + sc];
}

/* cv::resize(INTER_LINEAR) of the uint8 window canvas, written the way OpenCV
 * computes it: double scale, float source position, cvRound'ed 11-bit weights. */
static void ref_crop_u8(const frame_t *f, const scl_crop_req *r, int S, int swap, const float pad[3], uint8_t *out) {
    int side = r->side;
    int padv[3];
    for (int c = 0; c < 3; c++) padv[c] = (int)(pad[c] < 0 ? 0 : pad[c] > 255 ? 255 : pad[c]);
    if (side == S) {
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < S; y++)
                for (int x = 0; x < S; x++)
                    out[((size_t)c * S + y) * S + x] = (uint8_t)win_pixel(f, r, x, y, c, swap, padv[c]);
        return;
    }
    double scale = 1.0 / ((double)S / side);
    int *xofs = malloc(S * sizeof(int)), *alpha = malloc(2 * S * sizeof(int));
    for (int dx = 0; dx < S; dx++) {
        float fx = (float)((dx + 0.5) * scale - 0.5);
        int sx = (int)floorf(fx);
        fx -= (float)sx;
        if (sx < 0) sx = 0, fx = 0;
        if (sx >= side - 1) sx = side - 1, fx = 0;
        xofs[dx] = sx;
        alpha[2 * dx] = (int)lrintf((1.f - fx) * 2048);
        alpha[2 * dx + 1] = (int)lrintf(fx * 2048);
    }
    for (int dy = 0; dy < S; dy++) {
        float fy = (float)((dy + 0.5) * scale - 0.5);
        int sy = (int)floorf(fy);
        fy -= (float)sy;
        int b0 = (int)lrintf((1.f - fy) * 2048), b1 = (int)lrintf(fy * 2048);
        int rows[2] = {sy < 0 ? 0 : sy > side - 1 ? side - 1 : sy, sy + 1 < 0 ? 0 : sy + 1 > side - 1 ? side - 1 : sy + 1};
        for (int dx = 0; dx < S; dx++)
            for (int c = 0; c < 3; c++) {
                int hs[2];
                for (int k = 0; k < 2; k++) {
                    int sx = xofs[dx];
                    if (sx + 1 >= side) /* OpenCV's right-border branch: one tap */
                        hs[k] = (int)win_pixel(f, r, sx, rows[k], c, swap, padv[c]) * 2048;
                    else
                        hs[k] = (int)win_pixel(f, r, sx, rows[k], c, swap, padv[c]) * alpha[2 * dx] +
                                (int)win_pixel(f, r, sx + 1, rows[k], c, swap, padv[c]) * alpha[2 * dx + 1];
                }
                /* OpenCV's SIMD vertical pass (VResizeLinearVec_32s8u): v_mul_hi on the
                 * rows packed to int16 (>> 4), rounding shift by 2. Its scalar tail,
                 * (hs0 * b0 + hs1 * b1 + 2^21) >> 22, does not match the golden crops. */
                int v = ((((hs[0] >> 4) * b0) >> 16) + (((hs[1] >> 4) * b1) >> 16) + 2) >> 2;
                out[((size_t)c * S + dy) * S + dx] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
    }
    free(xofs);
    free(alpha);
}

/* Bilinear, half-pixel centres, sample position clamped to the window, in double. */
static void ref_crop_float(const frame_t *f, const scl_crop_req *r, int S, int swap, const float pad[3], float *out) {
    int side = r->side;
    double scale = (double)side / S;
    for (int c = 0; c < 3; c++)
        for (int dy = 0; dy < S; dy++)
            for (int dx = 0; dx < S; dx++) {
                if (side == S) {
                    out[((size_t)c * S + dy) * S + dx] = (float)win_pixel(f, r, dx, dy, c, swap, pad[c]);
                    continue;
                }
                double sx = (dx + 0.5) * scale - 0.5, sy = (dy + 0.5) * scale - 0.5;
                sx = sx < 0 ? 0 : sx > side - 1 ? side - 1 : sx;
                sy = sy < 0 ? 0 : sy > side - 1 ? side - 1 : sy;
                int ix = (int)floor(sx), iy = (int)floor(sy);
                int ix1 = ix + 1 < side ? ix + 1 : side - 1, iy1 = iy + 1 < side ? iy + 1 : side - 1;
                double fx = sx - ix, fy = sy - iy;
                double v = (1 - fy) * ((1 - fx) * win_pixel(f, r, ix, iy, c, swap, pad[c]) +
                                       fx * win_pixel(f, r, ix1, iy, c, swap, pad[c])) +
                           fy * ((1 - fx) * win_pixel(f, r, ix, iy1, c, swap, pad[c]) +
                                 fx * win_pixel(f, r, ix1, iy1, c, swap, pad[c]));
                out[((size_t)c * S + dy) * S + dx] = (float)v;
            }
}

/* ---- device runs ---- */

/* Crop m requests on the device; returns [m,3,S,S] floats (malloc'ed). */
static float *dev_crop(scl_device *dev, const frame_t *f, const scl_crop_req *reqs, int m, const scl_crop_params *p) {
    size_t fbytes = (size_t)f->w * f->h * f->ch, ny = (size_t)m * 3 * p->out * p->out;
    const size_t foff = 13, yoff = 6;
    cl_mem dframe = NULL, dreq = NULL, dy = NULL;
    CHECK_OK(scl_buffer_alloc(dev, fbytes + foff, &dframe));
    CHECK_OK(scl_buffer_write(dev, dframe, foff, fbytes, f->px));
    CHECK_OK(scl_buffer_alloc(dev, (size_t)m * sizeof(scl_crop_req), &dreq));
    dy = tu_upload(dev, NULL, ny + yoff);
    scl_view ty = {dy, yoff, m, 3, p->out, p->out};
    CHECK_OK(scl_crop_fwd(dev, p, dframe, foff, f->w, f->h, f->ch, reqs, m, dreq, &ty));
    float *all = tu_download(dev, dy, ny + yoff), *y = malloc(ny * sizeof(float));
    memcpy(y, all + yoff, ny * sizeof(float));
    free(all);
    scl_buffer_free(dev, dframe);
    scl_buffer_free(dev, dreq);
    scl_buffer_free(dev, dy);
    return y;
}

static int g_tile[2]; /* the work-item tile run_random asks for (0: the device's) */

static void run_random(scl_device *dev, const frame_t *f, const scl_crop_req *reqs, int m, int S, int swap,
                       const float pad[3], const char *what) {
    scl_crop_params p = {S, swap, {pad[0], pad[1], pad[2]}, 1, {g_tile[0], g_tile[1]}, 0};
    size_t per = (size_t)3 * S * S;
    /* u8_exact: every pixel equal to the OpenCV emulation */
    float *y = dev_crop(dev, f, reqs, m, &p);
    uint8_t *ref8 = malloc(per);
    long bad = 0;
    for (int i = 0; i < m; i++) {
        ref_crop_u8(f, &reqs[i], S, swap, pad, ref8);
        for (size_t k = 0; k < per; k++)
            if (y[i * per + k] != (float)ref8[k]) {
                if (bad < 5)
                    fprintf(stderr, "  %s u8 req %d (x0 %d y0 %d side %d) elem %zu: got %g want %d\n", what, i,
                            reqs[i].x0, reqs[i].y0, reqs[i].side, k, y[i * per + k], ref8[k]);
                bad++;
            }
    }
    if (bad) {
        fprintf(stderr, "%s: %ld u8 values differ from the OpenCV emulation\n", what, bad);
        tu_failures++;
    }
    free(y);
    free(ref8);
    /* float mode */
    p.u8_exact = 0;
    y = dev_crop(dev, f, reqs, m, &p);
    float *ref = malloc(per * sizeof(float) * m);
    for (int i = 0; i < m; i++) ref_crop_float(f, &reqs[i], S, swap, pad, ref + i * per);
    char w2[128];
    snprintf(w2, sizeof w2, "%s float", what);
    tu_compare(w2, y, ref, per * m);
    free(y);
    free(ref);
}

/* ---- golden: the NanoTrack reference harness' 8-bit crops on OTB Crossing ---- */

static double json_num(const char *line, const char *key, int idx) {
    const char *p = strstr(line, key);
    if (!p) return NAN;
    p += strlen(key);
    while (*p == ' ' || *p == ':' || *p == '[') p++;
    for (int i = 0; i < idx; i++) {
        p = strchr(p, ',');
        if (!p) return NAN;
        p++;
    }
    return strtod(p, NULL);
}

static double round_half_even(double v) {
    double r = floor(v + 0.5);
    if (r - v == 0.5 && fmod(r, 2.0) != 0) r -= 1.0;
    return r;
}

/* pysot get_subwindow window: c = (S+1)/2, xmin = floor(cx - c + 0.5) */
static scl_crop_req pysot_window(double cx, double cy, int side) {
    scl_crop_req r;
    double c = (side + 1) / 2.0;
    r.x0 = (int)floor(cx - c + 0.5);
    r.y0 = (int)floor(cy - c + 0.5);
    r.side = side;
    return r;
}

static void compare_golden(scl_device *dev, const char *dir, const char *img, const char *gold, scl_crop_req req,
                           int S, const float pad[3], long *ndiff, int *maxdiff, long *total) {
    char path[2048];
    siamcl_image im = {0};
    snprintf(path, sizeof path, "%s/data/otb/Crossing/img/%s", tu_shared(), img);
    CHECK_OK(siamcl_image_load(path, &im));
    snprintf(path, sizeof path, "%s/%s", dir, gold);
    size_t n = 0;
    uint8_t *g = tu_read_file(path, &n);
    CHECK(g && n == (size_t)S * S * 3);
    if (!g || !im.data || n != (size_t)S * S * 3) {
        free(g);
        siamcl_image_free(&im);
        return;
    }
    frame_t f = {im.data, im.width, im.height, 3};
    scl_crop_params p = {S, 1, {pad[0], pad[1], pad[2]}, 1, {0, 0}, 0}; /* frame RGB, network BGR */
    float *y = dev_crop(dev, &f, &req, 1, &p);
    uint8_t *ref8 = malloc((size_t)S * S * 3);
    ref_crop_u8(&f, &req, S, 1, pad, ref8);
    long d = 0, dref = 0;
    int md = 0;
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < S * S; i++) {
            int gv = g[(size_t)i * 3 + c], v = (int)y[(size_t)c * S * S + i];
            if (v != ref8[(size_t)c * S * S + i]) dref++;
            if (v != gv) {
                d++;
                if (abs(v - gv) > md) md = abs(v - gv);
            }
        }
    CHECK(dref == 0); /* device == emulation, bit for bit */
    printf("golden %s (%s, window x0 %d y0 %d side %d -> %d): %ld of %d values differ, max |diff| %d\n", gold, img,
           req.x0, req.y0, req.side, S, d, S * S * 3, md);
    *ndiff += d;
    *total += (long)S * S * 3;
    if (md > *maxdiff) *maxdiff = md;
    free(y);
    free(ref8);
    free(g);
    siamcl_image_free(&im);
}

static void test_golden(scl_device *dev, const char *name) {
    char dir[1024], path[1100];
    snprintf(dir, sizeof dir, "%s/golden/tracking/%s", tu_shared(), name);
    snprintf(path, sizeof path, "%s/frames.jsonl", dir);
    size_t n = 0;
    char *js = tu_read_file(path, &n);
    if (!js) {
        fprintf(stderr, "golden data missing: %s\n", path);
        tu_failures++;
        return;
    }
    js = realloc(js, n + 1);
    js[n] = 0;
    /* padding colour: first frame's per-channel mean (BGR), truncated to uint8 */
    siamcl_image im0 = {0};
    snprintf(path, sizeof path, "%s/data/otb/Crossing/img/0001.jpg", tu_shared());
    CHECK_OK(siamcl_image_load(path, &im0));
    if (!im0.data) {
        free(js);
        return;
    }
    double sum[3] = {0, 0, 0};
    for (size_t i = 0; i < (size_t)im0.width * im0.height; i++)
        for (int c = 0; c < 3; c++) sum[c] += im0.data[i * 3 + c];
    float pad[3];
    for (int c = 0; c < 3; c++) pad[c] = (float)floor(sum[2 - c] / ((double)im0.width * im0.height));
    siamcl_image_free(&im0);

    long ndiff = 0, total = 0;
    int maxdiff = 0;
    char *line = js, *next;
    double cx = 0, cy = 0;
    for (int k = 0; line && *line; k++, line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        char img[32], gold[32];
        snprintf(img, sizeof img, "%04d.jpg", k + 1);
        if (k == 0) {
            /* init box (x, y, w, h) used as given: cx = x + (w-1)/2 */
            double bx = json_num(line, "\"init\"", 0), by = json_num(line, "\"init\"", 1);
            double bw = json_num(line, "\"init\"", 2), bh = json_num(line, "\"init\"", 3);
            cx = bx + (bw - 1) / 2;
            cy = by + (bh - 1) / 2;
            int sz = (int)round_half_even(json_num(line, "\"s_z\"", 0));
            compare_golden(dev, dir, img, "z_crop.u8", pysot_window(cx, cy, sz), 127, pad, &ndiff, &maxdiff, &total);
        } else {
            int sx = (int)round_half_even(json_num(line, "\"s_x\"", 0));
            snprintf(gold, sizeof gold, "x_crop_%04d.u8", k);
            snprintf(path, sizeof path, "%s/%s", dir, gold);
            FILE *fp = fopen(path, "rb");
            if (!fp) break;
            fclose(fp);
            compare_golden(dev, dir, img, gold, pysot_window(cx, cy, sx), 255, pad, &ndiff, &maxdiff, &total);
        }
        if (k > 0) { /* the next search crop is centred on this frame's result */
            cx = json_num(line, "\"center\"", 0);
            cy = json_num(line, "\"center\"", 1);
        }
    }
    printf("%s golden crops: %ld of %ld values differ (%.4f%%), max |diff| %d\n", name, ndiff, total,
           total ? 100.0 * ndiff / total : 0.0, maxdiff);
    CHECK(total >= 127 * 127 * 3 + 5 * 255 * 255 * 3);
    CHECK(maxdiff <= 1);               /* JPEG decoder differences at most */
    CHECK(ndiff * 1000 <= total);      /* and in at most 0.1% of the values */
    free(js);
}

int main(void) {
    siamcl_context *ctx = tu_context();
    scl_device *dev = tu_dev(ctx);

    test_golden(dev, "track_v2_Crossing");
    test_golden(dev, "track_v3_Crossing");

    /* random frames, 3 and 1 channels, windows inside, straddling, and outside */
    const int W = 67, H = 45;
    uint8_t *rgb = malloc((size_t)W * H * 3), *gray = malloc((size_t)W * H);
    for (int i = 0; i < W * H * 3; i++) rgb[i] = (uint8_t)tu_rand(0, 256);
    for (int i = 0; i < W * H; i++) gray[i] = (uint8_t)tu_rand(0, 256);
    frame_t f3 = {rgb, W, H, 3}, f1 = {gray, W, H, 1};
    const float pad[3] = {117.8f, 3.2f, 250.5f};
    const scl_crop_req reqs[] = {
        {10, 5, 30},    /* inside, upsampling */
        {-7, -4, 25},   /* top-left corner outside */
        {50, 30, 40},   /* bottom-right outside */
        {-20, 10, 110}, /* larger than the frame */
        {100, 60, 20},  /* entirely outside: pad only */
        {3, 2, 17},     /* side == S for S = 17 */
        {0, 0, 34},     /* side == 2 S for S = 17 */
        {20, 11, 1},    /* a single pixel */
        {-1, -1, 3},
    };
    const int m = (int)(sizeof reqs / sizeof reqs[0]);
    run_random(dev, &f3, reqs, m, 17, 0, pad, "rgb S17");
    run_random(dev, &f3, reqs, m, 17, 1, pad, "rgb->bgr S17");
    run_random(dev, &f1, reqs, m, 17, 1, pad, "gray S17");
    run_random(dev, &f3, reqs, m, 31, 1, pad, "rgb->bgr S31");
    const scl_crop_req big[] = {{5, -3, 53}, {-30, -30, 130}, {40, 20, 127}, {1, 1, 254}};
    run_random(dev, &f3, big, 4, 127, 1, pad, "rgb->bgr S127");
    const float pad2[3] = {-3, 300, 0};
    run_random(dev, &f3, big, 2, 127, 0, pad2, "rgb S127 clamped pad");

    /* many window sides at the trackers' sizes, on a larger frame: OpenCV's
     * float-rounded positions and weights at every scale */
    const int W2 = 401, H2 = 299;
    uint8_t *rgb2 = malloc((size_t)W2 * H2 * 3);
    for (int i = 0; i < W2 * H2 * 3; i++) rgb2[i] = (uint8_t)tu_rand(0, 256);
    frame_t f2 = {rgb2, W2, H2, 3};
    scl_crop_req sweep[64];
    const int outs[2] = {127, 255};
    for (int o = 0; o < 2; o++) {
        int S = outs[o], ns = 0;
        const int special[6] = {S - 1, S + 1, 2 * S - 1, 2 * S, 2 * S + 1, 3};
        for (int k = 0; k < 6; k++) sweep[ns++] = (scl_crop_req){0, 0, special[k]};
        for (int side = 7; side < 3 * S && ns < 40; side += 2 * S / 23 + 1) sweep[ns++] = (scl_crop_req){0, 0, side};
        for (int k = 0; k < ns; k++) { /* anywhere from half outside on the left/top to inside */
            sweep[k].x0 = (int)tu_rand(-sweep[k].side / 2.0f, (float)W2 - sweep[k].side / 2.0f);
            sweep[k].y0 = (int)tu_rand(-sweep[k].side / 2.0f, (float)H2 - sweep[k].side / 2.0f);
        }
        char what[32];
        snprintf(what, sizeof what, "sweep S%d", S);
        run_random(dev, &f2, sweep, ns, S, 1, pad, what);
    }
    free(rgb2);

    /* output sides below, at and above the vector width and band height, several
     * requests per launch; tiny frames and windows on the frame's last row and
     * column (where a pixel's channels cannot be read as one 4-byte word) */
    const scl_crop_req edge[] = {
        {W - 5, H - 5, 9}, {W - 1, H - 1, 2}, {W - 20, H - 3, 7}, {-2, H - 2, 5}, {W - 3, -1, 4}, {0, 0, 1},
    };
    const int sides[] = {1, 3, 5, 8, 9, 16, 33, 64, 65};
    for (int k = 0; k < (int)(sizeof sides / sizeof sides[0]); k++) {
        char what[48];
        snprintf(what, sizeof what, "edges rgb S%d", sides[k]);
        run_random(dev, &f3, edge, 6, sides[k], 1, pad, what);
        snprintf(what, sizeof what, "edges gray S%d", sides[k]);
        run_random(dev, &f1, edge, 6, sides[k], 1, pad, what);
    }
    for (int w = 1; w <= 3; w++) /* frames of 1..3 pixels per row, 1 and 3 channels */
        for (int h = 1; h <= 2; h++) {
            frame_t t3 = {rgb, w, h, 3}, t1 = {gray, w, h, 1};
            const scl_crop_req tiny[] = {{0, 0, w}, {-1, -1, w + 2}, {w - 1, h - 1, 1}, {-3, -2, 9}};
            char what[48];
            snprintf(what, sizeof what, "tiny %dx%d rgb", w, h);
            run_random(dev, &t3, tiny, 4, 7, 1, pad, what);
            snprintf(what, sizeof what, "tiny %dx%d gray", w, h);
            run_random(dev, &t1, tiny, 4, 7, 1, pad, what);
        }
    /* huge down- and upscaling */
    const scl_crop_req scale[] = {{-500, -400, 1000}, {30, 20, 2}, {-3000, -3000, 6067}, {66, 44, 1}};
    run_random(dev, &f3, scale, 4, 40, 1, pad, "huge scale S40");

    /* other work-item tiles (columns x rows) than the device's default (each
     * one more program to build: the non-CPU default and the widest) */
    const int tiles[][2] = {{4, 8}, {16, 5}};
    for (int k = 0; k < (int)(sizeof tiles / sizeof tiles[0]); k++) {
        g_tile[0] = tiles[k][0], g_tile[1] = tiles[k][1];
        char what[48];
        snprintf(what, sizeof what, "tile %dx%d rgb S31", tiles[k][0], tiles[k][1]);
        run_random(dev, &f3, reqs, m, 31, 1, pad, what);
        snprintf(what, sizeof what, "tile %dx%d rgb->bgr edges S65", tiles[k][0], tiles[k][1]);
        run_random(dev, &f3, edge, 6, 65, 1, pad, what);
    }
    g_tile[0] = g_tile[1] = 0;
    {
        cl_mem fb = NULL, rb = NULL, yb = NULL;
        CHECK_OK(scl_buffer_alloc(dev, (size_t)W * H * 3, &fb));
        CHECK_OK(scl_buffer_alloc(dev, sizeof(scl_crop_req), &rb));
        yb = tu_upload(dev, NULL, (size_t)3 * 17 * 17);
        scl_view t1 = scl_view_make(yb, 1, 3, 17, 17);
        const int badtiles[][2] = {{3, 8}, {8, -1}, {8, 257}, {32, 8}};
        for (int k = 0; k < (int)(sizeof badtiles / sizeof badtiles[0]); k++) {
            scl_crop_params pt = {17, 0, {0, 0, 0}, 1, {badtiles[k][0], badtiles[k][1]}, 0};
            CHECK_STATUS(scl_crop_fwd(dev, &pt, fb, 0, W, H, 3, reqs, 1, rb, &t1), SIAMCL_ERR_INVALID_ARGUMENT);
        }
        /* SIAMCL_CROP_TILE is read once, when a context is created: a bad value is refused there */
        const char *badenv[] = {"3x8", "8x0", "8x257", "8", "8x8x", "x"};
        for (int k = 0; k < (int)(sizeof badenv / sizeof badenv[0]); k++) {
            setenv("SIAMCL_CROP_TILE", badenv[k], 1);
            siamcl_context *bad = NULL;
            CHECK_STATUS(siamcl_context_create(NULL, &bad), SIAMCL_ERR_INVALID_ARGUMENT);
            CHECK(bad == NULL && strstr(siamcl_last_error(), "SIAMCL_CROP_TILE") != NULL);
        }
        setenv("SIAMCL_CROP_TILE", "16x5", 1);
        siamcl_context *c16 = NULL;
        CHECK_OK(siamcl_context_create(NULL, &c16));
        CHECK(c16 && c16->dev[0].crop_tile[0] == 16 && c16->dev[0].crop_tile[1] == 5);
        siamcl_context_free(c16);
        scl_buffer_free(dev, fb);
        scl_buffer_free(dev, rb);
        scl_buffer_free(dev, yb);
    }
    unsetenv("SIAMCL_CROP_TILE");

    /* bad inputs */
    cl_mem dframe = NULL, dreq = NULL, dy = NULL;
    CHECK_OK(scl_buffer_alloc(dev, (size_t)W * H * 3, &dframe));
    CHECK_OK(scl_buffer_alloc(dev, 2 * sizeof(scl_crop_req), &dreq));
    dy = tu_upload(dev, NULL, (size_t)2 * 3 * 17 * 17);
    scl_view y = scl_view_make(dy, 2, 3, 17, 17), y1 = scl_view_make(dy, 1, 3, 17, 17),
               ybig = scl_view_make(dy, 3, 3, 17, 17), ywrong = scl_view_make(dy, 2, 3, 17, 16);
    scl_crop_params p = {17, 0, {0, 0, 0}, 0, {0, 0}, 0};
    CHECK_OK(scl_crop_fwd(dev, &p, dframe, 0, W, H, 3, reqs, 2, dreq, &y));
    CHECK_OK(scl_crop_fwd(dev, &p, dframe, 0, W, H, 1, reqs, 1, dreq, &y1));
    CHECK_STATUS(scl_crop_fwd(NULL, &p, dframe, 0, W, H, 3, reqs, 2, dreq, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_crop_fwd(dev, NULL, dframe, 0, W, H, 3, reqs, 2, dreq, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_crop_fwd(dev, &p, NULL, 0, W, H, 3, reqs, 2, dreq, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_crop_fwd(dev, &p, dframe, 0, W, H, 3, NULL, 2, dreq, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_crop_fwd(dev, &p, dframe, 0, W, H, 3, reqs, 2, NULL, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_crop_fwd(dev, &p, dframe, 0, W, H, 3, reqs, 2, dreq, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_crop_fwd(dev, &p, dframe, 0, W, H, 3, reqs, 0, dreq, &y), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(scl_crop_fwd(dev, &p, dframe, 0, W, H, 2, reqs, 2, dreq, &y), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_crop_fwd(dev, &p, dframe, 0, 0, H, 3, reqs, 2, dreq, &y), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_crop_fwd(dev, &p, dframe, 0, W + 1, H, 3, reqs, 2, dreq, &y), SIAMCL_ERR_SHAPE); /* frame too big */
    CHECK_STATUS(scl_crop_fwd(dev, &p, dframe, 1, W, H, 3, reqs, 2, dreq, &y), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_crop_fwd(dev, &p, dframe, 0, W, H, 3, reqs, 2, dreq, &ywrong), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(scl_crop_fwd(dev, &p, dframe, 0, W, H, 3, reqs, 3, dreq, &ybig), SIAMCL_ERR_SHAPE); /* reqbuf too small */
    scl_view yover = {dy, 5, 2, 3, 17, 17};
    CHECK_STATUS(scl_crop_fwd(dev, &p, dframe, 0, W, H, 3, reqs, 2, dreq, &yover), SIAMCL_ERR_SHAPE);
    const scl_crop_req badreq[2] = {{0, 0, 10}, {0, 0, 0}}, farreq[1] = {{2000000000, 0, 10}};
    CHECK_STATUS(scl_crop_fwd(dev, &p, dframe, 0, W, H, 3, badreq, 2, dreq, &y), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(scl_crop_fwd(dev, &p, dframe, 0, W, H, 3, farreq, 1, dreq, &y1), SIAMCL_ERR_OUT_OF_RANGE);
    scl_crop_params p0 = {0, 0, {0, 0, 0}, 0, {0, 0}, 0};
    CHECK_STATUS(scl_crop_fwd(dev, &p0, dframe, 0, W, H, 3, reqs, 2, dreq, &y), SIAMCL_ERR_SHAPE);
    scl_buffer_free(dev, dframe);
    scl_buffer_free(dev, dreq);
    scl_buffer_free(dev, dy);
    free(rgb);
    free(gray);
    siamcl_context_free(ctx);
    return tu_finish("test-crop");
}
