/* Image I/O and drawing: PNG decode of every colour type and bit depth (files
 * written here with libpng), PNG round trip, JPEG decode of real OTB frames
 * against a plain libjpeg reference decode, corrupt/truncated/huge inputs,
 * missing files, the failing-allocator walk, and clipped drawing against
 * per-pixel reference predicates. No OpenCL needed. */
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <unistd.h>

#include <jpeglib.h>

#include "io/draw.h"
#include "testutil.h"

static char g_tmp[256];

static const char *tmp_path(const char *name) {
    static char buf[8][512];
    static int k;
    char *p = buf[k++ & 7];
    snprintf(p, 512, "%s/%s", g_tmp, name);
    return p;
}

static int write_bytes(const char *path, const void *data, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    size_t w = n ? fwrite(data, 1, n, f) : 0;
    return fclose(f) == 0 && w == n;
}

static int contains(const char *hay, const char *needle) { return strstr(hay, needle) != NULL; }

static uint32_t hash3(uint32_t x, uint32_t y, uint32_t c) {
    uint32_t h = x * 0x9E3779B1u ^ (y + 0x7F4A7C15u) * 0x85EBCA77u ^ (c + 1) * 0xC2B2AE3Du;
    h ^= h >> 15;
    h *= 0x2C1B3C6Du;
    h ^= h >> 12;
    return h;
}

/* ---------------- PNG files of every kind, written with libpng ---------------- */

typedef struct png_case {
    const char *what;
    int depth, ctype, interlace, trns; /* trns: palette tRNS entries / gray-RGB tRNS colour */
} png_case;

/* Source sample of channel c at (x, y) (c = palette index for palette images). */
static uint32_t sample(const png_case *pc, int x, int y, int c, int npal) {
    uint32_t h = hash3((uint32_t)x, (uint32_t)y, (uint32_t)c);
    if (pc->ctype == PNG_COLOR_TYPE_PALETTE) return h % (uint32_t)npal;
    uint32_t maxv = (1u << pc->depth) - 1;
    if (pc->depth == 16 && x < 4) { /* the ends of the range and rounding edges of the 16 -> 8 reduction */
        static const uint32_t edge[4] = {0, 65535, 128, 32896};
        return c == 1 ? 65535 - edge[x] : (edge[x] + 129u * (uint32_t)c) & 0xffff;
    }
    return h & maxv;
}

static int channels_of(int ctype) {
    switch (ctype) {
    case PNG_COLOR_TYPE_GRAY: return 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_RGB: return 3;
    case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
    default: return 1; /* palette */
    }
}

static uint8_t to8(uint32_t v, int depth) {
    if (depth == 16) return (uint8_t)((v * 255u + 32767u) / 65535u); /* v * 255 / 65535, rounded */
    return (uint8_t)(v * 255u / ((1u << depth) - 1));
}

static void pal_color(int i, uint8_t rgb[3]) {
    uint32_t h = hash3((uint32_t)i, 99, 7);
    rgb[0] = (uint8_t)h;
    rgb[1] = (uint8_t)(h >> 8);
    rgb[2] = (uint8_t)(h >> 16);
}

/* Write the case as a PNG; fill `expect` (w*h*3) with the RGB decode must give. */
static int write_case_png(const char *path, const png_case *pc, int w, int h, uint8_t *expect) {
    int npal = pc->ctype == PNG_COLOR_TYPE_PALETTE ? (pc->depth == 8 ? 200 : 1 << pc->depth) : 0;
    int ch = channels_of(pc->ctype);
    size_t rowbytes = ((size_t)w * ch * pc->depth + 7) / 8;
    uint8_t *rows = calloc(rowbytes * h, 1);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t v[4];
            for (int c = 0; c < ch; c++) {
                v[c] = sample(pc, x, y, c, npal);
                size_t bit = ((size_t)x * ch + c) * pc->depth;
                uint8_t *row = rows + (size_t)y * rowbytes;
                if (pc->depth == 16) {
                    row[bit / 8] = (uint8_t)(v[c] >> 8);
                    row[bit / 8 + 1] = (uint8_t)v[c];
                } else {
                    row[bit / 8] |= (uint8_t)(v[c] << (8 - pc->depth - bit % 8));
                }
            }
            uint8_t *e = expect + ((size_t)y * w + x) * 3;
            if (pc->ctype == PNG_COLOR_TYPE_PALETTE) {
                pal_color((int)v[0], e);
            } else if (ch <= 2) {
                e[0] = e[1] = e[2] = to8(v[0], pc->depth);
            } else {
                for (int c = 0; c < 3; c++) e[c] = to8(v[c], pc->depth);
            }
        }
    FILE *f = fopen(path, "wb");
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(p);
    if (!f || !p || !info || setjmp(png_jmpbuf(p))) {
        fprintf(stderr, "cannot write test PNG %s\n", path);
        exit(1);
    }
    png_init_io(p, f);
    png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, pc->depth, pc->ctype, pc->interlace,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (npal) {
        png_color pal[256];
        for (int i = 0; i < npal; i++) {
            uint8_t c[3];
            pal_color(i, c);
            pal[i].red = c[0];
            pal[i].green = c[1];
            pal[i].blue = c[2];
        }
        png_set_PLTE(p, info, pal, npal);
        if (pc->trns) {
            png_byte alpha[256];
            for (int i = 0; i < npal; i++) alpha[i] = (png_byte)(i * 37);
            png_set_tRNS(p, info, alpha, npal < 5 ? npal : npal - 3, NULL);
        }
    } else if (pc->trns) {
        png_color_16 tc = {0, 1, 2, 3, 1}; /* index, r, g, b, gray */
        png_set_tRNS(p, info, NULL, 0, &tc);
    }
    png_write_info(p, info);
    int passes = png_set_interlace_handling(p);
    for (int pass = 0; pass < passes; pass++)
        for (int y = 0; y < h; y++) png_write_row(p, rows + (size_t)y * rowbytes);
    png_write_end(p, NULL);
    png_destroy_write_struct(&p, &info);
    fclose(f);
    free(rows);
    return 1;
}

/* An 8-bit palette PNG of 2 colours whose pixels use index 5: refused, not decoded as black. */
static void test_png_palette_index(void) {
    const char *path = tmp_path("pal-index.png");
    FILE *f = fopen(path, "wb");
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(p);
    if (!f || !p || !info || setjmp(png_jmpbuf(p))) {
        fprintf(stderr, "cannot write test PNG %s\n", path);
        exit(1);
    }
    png_init_io(p, f);
#ifdef PNG_CHECK_FOR_INVALID_INDEX_SUPPORTED
    png_set_check_for_invalid_index(p, -1); /* let the writer make the bad file */
#endif
    png_set_IHDR(p, info, 4, 2, 8, PNG_COLOR_TYPE_PALETTE, 0, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_color pal[2] = {{10, 20, 30}, {40, 50, 60}};
    png_set_PLTE(p, info, pal, 2);
    png_write_info(p, info);
    png_byte rows[2][4] = {{0, 1, 0, 1}, {1, 5, 0, 0}};
    png_write_row(p, rows[0]);
    png_write_row(p, rows[1]);
    png_write_end(p, NULL);
    png_destroy_write_struct(&p, &info);
    fclose(f);
    siamcl_image im = {0, 0, NULL};
    CHECK_STATUS(siamcl_image_load(path, &im), SIAMCL_ERR_FORMAT);
    CHECK(strstr(siamcl_last_error(), "palette index 5") != NULL && strstr(siamcl_last_error(), "pal-index.png"));
    CHECK(im.data == NULL);
}

static void test_png_kinds(void) {
    const int G = PNG_COLOR_TYPE_GRAY, GA = PNG_COLOR_TYPE_GRAY_ALPHA, RGB = PNG_COLOR_TYPE_RGB,
              RGBA = PNG_COLOR_TYPE_RGB_ALPHA, PAL = PNG_COLOR_TYPE_PALETTE, AD = PNG_INTERLACE_ADAM7;
    const png_case cases[] = {
        {"gray1", 1, G, 0, 0},       {"gray2", 2, G, 0, 0},        {"gray4", 4, G, 0, 0},
        {"gray8", 8, G, 0, 0},       {"gray16", 16, G, 0, 0},      {"gray8-trns", 8, G, 0, 1},
        {"gray2-adam7", 2, G, AD, 0}, {"graya8", 8, GA, 0, 0},     {"graya16", 16, GA, 0, 0},
        {"rgb8", 8, RGB, 0, 0},      {"rgb16", 16, RGB, 0, 0},     {"rgb8-trns", 8, RGB, 0, 1},
        {"rgb8-adam7", 8, RGB, AD, 0}, {"rgba8", 8, RGBA, 0, 0},   {"rgba16", 16, RGBA, 0, 0},
        {"rgba16-adam7", 16, RGBA, AD, 0}, {"pal1", 1, PAL, 0, 0}, {"pal2", 2, PAL, 0, 1},
        {"pal4", 4, PAL, 0, 1},      {"pal8", 8, PAL, 0, 0},       {"pal8-trns", 8, PAL, 0, 1},
        {"pal4-adam7", 4, PAL, AD, 0},
    };
    const int w = 13, h = 7;
    uint8_t expect[13 * 7 * 3];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const png_case *pc = &cases[k];
        char name[64];
        snprintf(name, sizeof name, "%s.png", pc->what);
        const char *path = tmp_path(name);
        write_case_png(path, pc, w, h, expect);
        siamcl_image im;
        siamcl_status st = siamcl_image_load(path, &im);
        CHECK_OK(st);
        if (st != SIAMCL_OK) continue;
        CHECK(im.width == w && im.height == h);
        int bad = 0;
        for (int i = 0; i < w * h * 3; i++)
            if (im.data[i] != expect[i]) {
                if (bad++ < 3)
                    fprintf(stderr, "  %s: byte %d (x %d y %d c %d): got %d want %d\n", pc->what, i, i / 3 % w,
                            i / 3 / w, i % 3, im.data[i], expect[i]);
            }
        if (bad) {
            fprintf(stderr, "%s: %d bytes differ\n", pc->what, bad);
            tu_failures++;
        }
        siamcl_image_free(&im);
        CHECK(im.data == NULL && im.width == 0);
    }
}

/* ---------------- JPEG: plain libjpeg reference decode and encoder ---------------- */

typedef struct ref_err {
    struct jpeg_error_mgr pub;
    jmp_buf jb;
} ref_err;

static void ref_error_exit(j_common_ptr ci) { longjmp(((ref_err *)ci->err)->jb, 1); }

/* Decode with libjpeg's defaults (colour space as stored: 1 or 3 components). */
static uint8_t *ref_jpeg_decode(const char *path, int *w, int *h, int *comps) {
    size_t n;
    uint8_t *data = tu_read_file(path, &n);
    if (!data) return NULL;
    struct jpeg_decompress_struct ci;
    ref_err err;
    ci.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = ref_error_exit;
    uint8_t *volatile out = NULL;
    if (setjmp(err.jb)) {
        jpeg_destroy_decompress(&ci);
        free(data);
        free(out);
        return NULL;
    }
    jpeg_create_decompress(&ci);
    jpeg_mem_src(&ci, data, (unsigned long)n);
    jpeg_read_header(&ci, TRUE);
    jpeg_start_decompress(&ci);
    *w = (int)ci.output_width;
    *h = (int)ci.output_height;
    *comps = ci.output_components;
    out = malloc((size_t)*w * *h * *comps);
    while (ci.output_scanline < ci.output_height) {
        JSAMPROW row = out + (size_t)ci.output_scanline * *w * *comps;
        jpeg_read_scanlines(&ci, &row, 1);
    }
    jpeg_finish_decompress(&ci);
    jpeg_destroy_decompress(&ci);
    free(data);
    return out;
}

/* Encode w x h pixels of `comps` components in colour space cs, quality 100, no subsampling. */
static int write_jpeg(const char *path, const uint8_t *px, int w, int h, int comps, J_COLOR_SPACE cs) {
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr err;
    ci.err = jpeg_std_error(&err);
    jpeg_create_compress(&ci);
    jpeg_stdio_dest(&ci, f);
    ci.image_width = (JDIMENSION)w;
    ci.image_height = (JDIMENSION)h;
    ci.input_components = comps;
    ci.in_color_space = cs;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, 100, TRUE);
    for (int c = 0; c < ci.num_components; c++) ci.comp_info[c].h_samp_factor = ci.comp_info[c].v_samp_factor = 1;
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < ci.image_height) {
        JSAMPROW row = (JSAMPROW)(px + (size_t)ci.next_scanline * w * comps);
        jpeg_write_scanlines(&ci, &row, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    return fclose(f) == 0;
}

static void test_jpeg_frames(void) {
    char path[512];
    /* Crossing: colour, must equal the reference decode byte for byte */
    snprintf(path, sizeof path, "%s/data/otb/Crossing/img/0001.jpg", tu_shared());
    siamcl_image im;
    CHECK_OK(siamcl_image_load(path, &im));
    int w = 0, h = 0, comps = 0;
    uint8_t *ref = ref_jpeg_decode(path, &w, &h, &comps);
    CHECK(ref != NULL && comps == 3);
    CHECK(im.width == 360 && im.height == 240 && w == 360 && h == 240);
    if (ref && im.data && comps == 3 && im.width == w && im.height == h)
        CHECK(memcmp(ref, im.data, (size_t)w * h * 3) == 0);
    /* it is a colour frame: some pixels have distinct channels */
    long coloured = 0;
    for (int i = 0; im.data && i < im.width * im.height; i++)
        coloured += im.data[3 * i] != im.data[3 * i + 1] || im.data[3 * i + 1] != im.data[3 * i + 2];
    CHECK(coloured > im.width * im.height / 10);
    free(ref);
    siamcl_image_free(&im);

    /* Dog1: grayscale JPEG -> three equal channels equal to the gray decode */
    snprintf(path, sizeof path, "%s/data/otb/Dog1/img/0001.jpg", tu_shared());
    CHECK_OK(siamcl_image_load(path, &im));
    ref = ref_jpeg_decode(path, &w, &h, &comps);
    CHECK(ref != NULL && comps == 1);
    CHECK(im.width == 320 && im.height == 240 && w == 320 && h == 240);
    if (ref && im.data && comps == 1 && im.width == w && im.height == h) {
        long bad = 0;
        for (int i = 0; i < w * h; i++)
            bad += im.data[3 * i] != ref[i] || im.data[3 * i + 1] != ref[i] || im.data[3 * i + 2] != ref[i];
        CHECK(bad == 0);
    }
    free(ref);
    siamcl_image_free(&im);
}

static void test_jpeg_synthetic(void) {
    /* colour blocks at quality 100, 4:4:4: channel order and values survive */
    enum { W = 32, H = 16 };
    static const uint8_t cols[4][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {200, 120, 40}};
    uint8_t px[W * H * 3], gray[W * H];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const uint8_t *c = cols[(x / 8) % 4];
            memcpy(px + (y * W + x) * 3, c, 3);
            gray[y * W + x] = (uint8_t)(x * 8);
        }
    const char *p = tmp_path("blocks.jpg");
    CHECK(write_jpeg(p, px, W, H, 3, JCS_RGB));
    siamcl_image im;
    CHECK_OK(siamcl_image_load(p, &im));
    if (im.data) {
        int maxd = 0;
        for (int i = 0; i < W * H * 3; i++) {
            int d = abs((int)im.data[i] - px[i]);
            if (d > maxd) maxd = d;
        }
        if (maxd > 4) fprintf(stderr, "blocks.jpg: max difference %d\n", maxd);
        CHECK(maxd <= 4); /* lossy codec: YCbCr rounding at quality 100 */
    }
    siamcl_image_free(&im);
    /* the same bytes through load_memory */
    size_t n;
    uint8_t *bytes = tu_read_file(p, &n);
    CHECK_OK(siamcl_image_load_memory(bytes, n, &im));
    CHECK(im.width == W && im.height == H);
    siamcl_image_free(&im);
    free(bytes);

    /* grayscale JPEG: promoted, channels equal */
    p = tmp_path("gray.jpg");
    CHECK(write_jpeg(p, gray, W, H, 1, JCS_GRAYSCALE));
    CHECK_OK(siamcl_image_load(p, &im));
    if (im.data) {
        int bad = 0, maxd = 0;
        for (int i = 0; i < W * H; i++) {
            bad += im.data[3 * i] != im.data[3 * i + 1] || im.data[3 * i] != im.data[3 * i + 2];
            int d = abs((int)im.data[3 * i] - gray[i]);
            if (d > maxd) maxd = d;
        }
        CHECK(bad == 0 && maxd <= 2);
    }
    siamcl_image_free(&im);

    /* CMYK: rejected with a clear error */
    uint8_t cmyk[W * H * 4];
    for (int i = 0; i < W * H * 4; i++) cmyk[i] = (uint8_t)(i * 7);
    p = tmp_path("cmyk.jpg");
    CHECK(write_jpeg(p, cmyk, W, H, 4, JCS_CMYK));
    CHECK_STATUS(siamcl_image_load(p, &im), SIAMCL_ERR_UNSUPPORTED);
    CHECK(contains(siamcl_last_error(), p) && contains(siamcl_last_error(), "CMYK"));
    CHECK(im.data == NULL);
}

/* ---------------- PNG round trip ---------------- */

static void test_png_roundtrip(void) {
    siamcl_image a, b;
    CHECK_OK(siamcl_image_alloc(&a, 37, 23));
    for (int i = 0; i < 37 * 23 * 3; i++) a.data[i] = (uint8_t)(hash3((uint32_t)i, 1, 2));
    const char *p = tmp_path("roundtrip.png");
    CHECK_OK(siamcl_image_save_png(p, &a));
    CHECK_OK(siamcl_image_load(p, &b));
    CHECK(b.width == 37 && b.height == 23);
    if (b.data) CHECK(memcmp(a.data, b.data, 37 * 23 * 3) == 0);
    siamcl_image_free(&b);
    /* a real frame through PNG */
    char path[512];
    snprintf(path, sizeof path, "%s/data/otb/Crossing/img/0002.jpg", tu_shared());
    siamcl_image f;
    CHECK_OK(siamcl_image_load(path, &f));
    p = tmp_path("frame.png");
    CHECK_OK(siamcl_image_save_png(p, &f));
    CHECK_OK(siamcl_image_load(p, &b));
    if (b.data && f.data) CHECK(b.width == f.width && b.height == f.height && memcmp(b.data, f.data, (size_t)f.width * f.height * 3) == 0);
    siamcl_image_free(&b);
    siamcl_image_free(&f);
    /* writing where no file can be created */
    CHECK_STATUS(siamcl_image_save_png("/nonexistent-dir/x/y.png", &a), SIAMCL_ERR_IO);
    CHECK(contains(siamcl_last_error(), "/nonexistent-dir/x/y.png"));
    siamcl_image bad = {0, 0, NULL};
    CHECK_STATUS(siamcl_image_save_png(p, &bad), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_image_save_png(p, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    siamcl_image_free(&a);
    /* allocation limits */
    CHECK_STATUS(siamcl_image_alloc(&a, 0, 5), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_image_alloc(&a, -3, 5), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_image_alloc(&a, 70000, 1), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_image_alloc(&a, 60000, 60000), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_image_alloc(NULL, 5, 5), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK(a.data == NULL);
    siamcl_image_free(NULL);
}

/* ---------------- corrupt, truncated, huge, missing ---------------- */

static uint32_t crc32_png(const uint8_t *p, size_t n) {
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return c ^ 0xffffffffu;
}

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Load must fail with `want`, name the file, and leave the image empty. */
static void expect_fail(const char *path, siamcl_status want, const char *what) {
    siamcl_image im = {1, 1, (uint8_t *)"junk"};
    siamcl_status st = siamcl_image_load(path, &im);
    if (st != want) {
        fprintf(stderr, "%s: %s -> %d (%s), wanted %d\n", what, path, (int)st, siamcl_last_error(), (int)want);
        tu_failures++;
    }
    if (!contains(siamcl_last_error(), path)) {
        fprintf(stderr, "%s: message does not name the file: %s\n", what, siamcl_last_error());
        tu_failures++;
    }
    CHECK(im.data == NULL && im.width == 0 && im.height == 0);
    if (st == SIAMCL_OK) siamcl_image_free(&im);
}

static void cut_file(const void *data, size_t n, const char *name, const char *what) {
    const char *p = tmp_path(name);
    CHECK(write_bytes(p, data, n));
    expect_fail(p, SIAMCL_ERR_FORMAT, what);
}

static void test_corrupt(void) {
    char path[512];
    snprintf(path, sizeof path, "%s/data/otb/Crossing/img/0001.jpg", tu_shared());
    size_t jn;
    uint8_t *jpg = tu_read_file(path, &jn);
    CHECK(jpg != NULL && jn > 1000);
    if (!jpg) return;
    /* truncated JPEG: inside the entropy-coded data, inside the headers, just the SOI */
    cut_file(jpg, jn / 2, "half.jpg", "JPEG cut at 1/2");
    cut_file(jpg, jn - 2, "noeoi.jpg", "JPEG without EOI");
    cut_file(jpg, 200, "head.jpg", "JPEG cut at 200 bytes");
    cut_file(jpg, 3, "soi.jpg", "JPEG SOI only");

    /* truncated PNG of a real frame */
    const char *fp = tmp_path("trunc-src.png");
    siamcl_image f;
    CHECK_OK(siamcl_image_load(path, &f));
    CHECK_OK(siamcl_image_save_png(fp, &f));
    siamcl_image_free(&f);
    size_t pn;
    uint8_t *png = tu_read_file(fp, &pn);
    CHECK(png != NULL && pn > 1000);
    if (!png) {
        free(jpg);
        return;
    }
    cut_file(png, pn / 2, "half.png", "PNG cut at 1/2");
    cut_file(png, pn - 12, "noiend.png", "PNG without IEND");
    cut_file(png, 40, "hdr.png", "PNG cut at 40 bytes");
    cut_file(png, 8, "sig.png", "PNG signature only");

    /* a flipped byte in the IDAT data: CRC error */
    uint8_t *bad = malloc(pn);
    memcpy(bad, png, pn);
    bad[pn / 2] ^= 0x55;
    cut_file(bad, pn, "crc.png", "PNG with a CRC error");

    /* huge IHDR sizes with a valid CRC: beyond 65535 per side, and beyond the pixel cap */
    static const uint32_t dims[][2] = {{70000, 10}, {60000, 60000}, {65535, 65535}, {0, 10}};
    for (size_t k = 0; k < 4; k++) {
        memcpy(bad, png, pn);
        put32(bad + 16, dims[k][0]);
        put32(bad + 20, dims[k][1]);
        put32(bad + 29, crc32_png(bad + 12, 17));
        char name[64];
        snprintf(name, sizeof name, "huge%zu.png", k);
        cut_file(bad, pn, name, "PNG with huge IHDR");
    }
    /* huge JPEG SOF: find the SOF0 marker and patch height/width */
    uint8_t *jb = malloc(jn);
    memcpy(jb, jpg, jn);
    for (size_t i = 2; i + 9 < jn; i++)
        if (jb[i] == 0xff && jb[i + 1] == 0xc0) {
            jb[i + 5] = 0xea; /* height 60000 */
            jb[i + 6] = 0x60;
            jb[i + 7] = 0xea; /* width 60000 */
            jb[i + 8] = 0x60;
            break;
        }
    cut_file(jb, jn, "huge.jpg", "JPEG with huge SOF");
    free(jb);

    /* random bytes: bare, behind a PNG signature, behind a JPEG SOI */
    uint8_t rnd[4096];
    tu_seed(12345);
    for (size_t i = 0; i < sizeof rnd; i++) rnd[i] = (uint8_t)tu_rand(0, 256);
    cut_file(rnd, sizeof rnd, "random.bin", "random bytes");
    memcpy(rnd, png, 8);
    cut_file(rnd, sizeof rnd, "random.png", "PNG signature + random bytes");
    memcpy(rnd, png, 33); /* a valid IHDR, then garbage */
    cut_file(rnd, sizeof rnd, "random2.png", "PNG header + random bytes");
    memcpy(rnd, "\xff\xd8\xff", 3);
    cut_file(rnd, sizeof rnd, "random.jpg", "JPEG SOI + random bytes");
    memcpy(rnd, jpg, 600); /* real headers, then garbage */
    cut_file(rnd, sizeof rnd, "random2.jpg", "JPEG headers + random bytes");

    /* empty and text files */
    cut_file("", 0, "empty.jpg", "empty file");
    const char *txt = "205\t151\t17\t50\n202\t150\t19\t49\n";
    cut_file(txt, strlen(txt), "text.png", "a text file");

    /* missing file, a folder */
    expect_fail(tmp_path("does-not-exist.jpg"), SIAMCL_ERR_IO, "missing file");
    expect_fail(g_tmp, SIAMCL_ERR_IO, "a folder");
    siamcl_image im;
    CHECK_STATUS(siamcl_image_load(NULL, &im), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_image_load(path, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_image_load_memory(NULL, 0, &im), SIAMCL_ERR_FORMAT);
    CHECK_STATUS(siamcl_image_load_memory(rnd, 2, &im), SIAMCL_ERR_FORMAT);
    CHECK_STATUS(siamcl_image_load_memory(png, pn / 3, &im), SIAMCL_ERR_FORMAT);
    CHECK(contains(siamcl_last_error(), "<memory>"));

    /* corrupt entropy data in the middle: decodes (libjpeg resyncs) or fails, never prints */
    uint8_t *mid = malloc(jn);
    memcpy(mid, jpg, jn);
    for (size_t i = jn / 2; i < jn / 2 + 64; i++) mid[i] = (uint8_t)(i * 13);
    const char *mp = tmp_path("middle.jpg");
    CHECK(write_bytes(mp, mid, jn));
    fflush(stderr);
    int saved = dup(2);
    const char *errp = tmp_path("stderr.txt");
    FILE *ef = fopen(errp, "w");
    dup2(fileno(ef), 2);
    siamcl_status st = siamcl_image_load(mp, &im);
    if (st == SIAMCL_OK) siamcl_image_free(&im);
    expect_fail(tmp_path("half.jpg"), SIAMCL_ERR_FORMAT, "JPEG cut at 1/2 (quiet)");
    expect_fail(tmp_path("half.png"), SIAMCL_ERR_FORMAT, "PNG cut at 1/2 (quiet)");
    expect_fail(tmp_path("crc.png"), SIAMCL_ERR_FORMAT, "PNG CRC (quiet)");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(ef);
    size_t en = 0;
    free(tu_read_file(errp, &en));
    if (en) fprintf(stderr, "the library wrote %zu bytes to stderr while decoding corrupt files\n", en);
    CHECK(en == 0);
    CHECK(st == SIAMCL_OK || st == SIAMCL_ERR_FORMAT);
    free(mid);
    free(bad);
    free(png);
    free(jpg);
}

/* ---------------- failing-allocator walk ---------------- */

static void alloc_walk_load(const char *path, const char *what) {
    long n;
    siamcl_status st = SIAMCL_ERR_OUT_OF_MEMORY;
    for (n = 1; n < 10000 && st != SIAMCL_OK; n++) {
        siamcl_test_fail_alloc(n);
        siamcl_image im;
        st = siamcl_image_load(path, &im);
        if (st == SIAMCL_OK) {
            CHECK(im.data != NULL);
            siamcl_image_free(&im);
        } else if (st != SIAMCL_ERR_OUT_OF_MEMORY) {
            fprintf(stderr, "%s: failing allocation %ld -> %d (%s)\n", what, n, (int)st, siamcl_last_error());
            tu_failures++;
            break;
        } else {
            CHECK(im.data == NULL);
        }
    }
    siamcl_test_fail_alloc(0);
    CHECK(st == SIAMCL_OK);
    printf("%s: %ld allocation sites walked\n", what, n - 1);
}

static void test_alloc_walk(void) {
    char path[512];
    snprintf(path, sizeof path, "%s/data/otb/Crossing/img/0001.jpg", tu_shared());
    alloc_walk_load(path, "JPEG load");
    const char *p = tmp_path("rgb8-adam7.png");
    alloc_walk_load(p, "PNG load (interlaced)");
    alloc_walk_load(tmp_path("pal8-trns.png"), "PNG load (palette + tRNS)");
    /* save */
    siamcl_image im;
    CHECK_OK(siamcl_image_alloc(&im, 40, 30));
    siamcl_status st = SIAMCL_ERR_OUT_OF_MEMORY;
    long n;
    for (n = 1; n < 10000 && st != SIAMCL_OK; n++) {
        siamcl_test_fail_alloc(n);
        st = siamcl_image_save_png(tmp_path("walk.png"), &im);
        if (st != SIAMCL_OK && st != SIAMCL_ERR_OUT_OF_MEMORY) {
            fprintf(stderr, "PNG save: failing allocation %ld -> %d (%s)\n", n, (int)st, siamcl_last_error());
            tu_failures++;
            break;
        }
    }
    siamcl_test_fail_alloc(0);
    CHECK(st == SIAMCL_OK);
    printf("PNG save: %ld allocation sites walked\n", n - 1);
    siamcl_image_free(&im);
}

/* ---------------- drawing ---------------- */

/* An image with guard bytes on both sides, to catch out-of-bounds writes without ASan. */
typedef struct guarded {
    siamcl_image im;
    uint8_t *buf;
    size_t n;
} guarded;

enum { GUARD = 4096 };

static guarded guarded_new(int w, int h) {
    guarded g;
    g.n = (size_t)w * h * 3;
    g.buf = malloc(g.n + 2 * GUARD);
    memset(g.buf, 0xA5, g.n + 2 * GUARD);
    g.im.width = w;
    g.im.height = h;
    g.im.data = g.buf + GUARD;
    memset(g.im.data, 0, g.n);
    return g;
}

static int guards_intact(const guarded *g) {
    for (size_t i = 0; i < GUARD; i++)
        if (g->buf[i] != 0xA5 || g->buf[GUARD + g->n + i] != 0xA5) return 0;
    return 1;
}

static int px_set(const siamcl_image *im, int x, int y) {
    const uint8_t *p = im->data + ((size_t)y * im->width + x) * 3;
    return p[0] == 10 && p[1] == 200 && p[2] == 30;
}

/* Compare the image with a predicate; reports the first mismatches. */
static void check_pixels(const siamcl_image *im, int (*pred)(int, int, const void *), const void *arg,
                         const char *what) {
    int bad = 0;
    for (int y = 0; y < im->height; y++)
        for (int x = 0; x < im->width; x++) {
            int want = pred(x, y, arg), got = px_set(im, x, y);
            const uint8_t *p = im->data + ((size_t)y * im->width + x) * 3;
            if (!got && (p[0] | p[1] | p[2])) got = -1; /* touched with a wrong colour */
            if (got != want && bad++ < 4) fprintf(stderr, "  %s: pixel (%d, %d) is %d, want %d\n", what, x, y, got, want);
        }
    if (bad) {
        fprintf(stderr, "%s: %d pixels wrong\n", what, bad);
        tu_failures++;
    }
}

typedef struct rect_ref { int x0, y0, x1, y1, t; } rect_ref; /* inclusive span + border width (0 = filled) */

static int pred_rect(int x, int y, const void *a) {
    const rect_ref *r = a;
    if (x < r->x0 || x > r->x1 || y < r->y0 || y > r->y1) return 0;
    if (!r->t) return 1;
    return x < r->x0 + r->t || x > r->x1 - r->t || y < r->y0 + r->t || y > r->y1 - r->t;
}

static int pred_none(int x, int y, const void *a) {
    (void)x, (void)y, (void)a;
    return 0;
}

typedef struct text_ref { int x, y, scale; const char *s; } text_ref;

static int pred_text(int x, int y, const void *a) {
    const text_ref *t = a;
    int dx = x - t->x, dy = y - t->y;
    if (dx < 0 || dy < 0 || dy >= 8 * t->scale) return 0;
    int ci = dx / (6 * t->scale);
    if (ci >= (int)strlen(t->s)) return 0;
    int col = dx % (6 * t->scale) / t->scale, row = dy / t->scale;
    if (col == 5) return 0;
    return (scl_font_glyph((unsigned char)t->s[ci])[row] >> (4 - col)) & 1;
}

static int pred_diag(int x, int y, const void *a) {
    (void)a;
    return x == y && x <= 9;
}

static int pred_hline(int x, int y, const void *a) {
    const int *r = a; /* y0, y1, x0, x1 inclusive */
    return y >= r[0] && y <= r[1] && x >= r[2] && x <= r[3];
}

static void test_draw(void) {
    const uint8_t col[3] = {10, 200, 30};
    const int W = 40, H = 30;
    guarded g = guarded_new(W, H);

    /* a box: OTB (x, y) = (3, 4) 1-based -> columns 2..11, rows 3..8, border 2 */
    siamcl_image_draw_rect(&g.im, (siamcl_box){3, 4, 10, 6}, col, 2);
    rect_ref r = {2, 3, 11, 8, 2};
    check_pixels(&g.im, pred_rect, &r, "rect t=2");
    memset(g.im.data, 0, g.n);
    /* thickness 0 -> 1; a box sticking out of the top-left */
    siamcl_image_draw_rect(&g.im, (siamcl_box){-4, -2, 10, 8}, col, 0);
    r = (rect_ref){-5, -3, 4, 4, 1};
    check_pixels(&g.im, pred_rect, &r, "rect partly outside");
    memset(g.im.data, 0, g.n);
    /* boxes entirely outside, NaN/inf, negative or zero sizes, huge values: nothing drawn */
    const float big = 1e30f, nan = NAN, inf = INFINITY;
    const siamcl_box outside[] = {{-1000, -1000, 10, 10}, {W + 5.0f, 3, 5, 5},  {3, H + 2.0f, 4, 4},
                                  {nan, 3, 5, 5},         {3, 3, nan, 5},       {3, 3, 5, inf},
                                  {5, 5, -3, 4},          {5, 5, 4, -3},        {5, 5, 0, 4},
                                  {-big, -big, 10, 10},   {big, big, big, big}, {-inf, 2, 3, 3}};
    for (size_t k = 0; k < sizeof outside / sizeof outside[0]; k++)
        for (int t = 0; t < 6; t++)
            siamcl_image_draw_rect(&g.im, outside[k], col, (int[]){-5, 0, 1, 3, 1 << 20, 2147483647}[t]);
    check_pixels(&g.im, pred_none, NULL, "boxes outside");
    /* a huge box around the image: its border (however thick) never reaches the image */
    siamcl_image_draw_rect(&g.im, (siamcl_box){-big, -big, 2 * big, 2 * big}, col, 2147483647);
    siamcl_image_draw_rect(&g.im, (siamcl_box){-big, -big, 2 * big, 2 * big}, col, 1);
    check_pixels(&g.im, pred_none, NULL, "huge box around the image");
    /* a box around the image with a border thicker than half its size: filled */
    siamcl_image_draw_rect(&g.im, (siamcl_box){-10, -10, 60, 50}, col, 1 << 30);
    r = (rect_ref){0, 0, W - 1, H - 1, 0};
    check_pixels(&g.im, pred_rect, &r, "box filled by its border");
    memset(g.im.data, 0, g.n);
    siamcl_image_draw_rect(&g.im, (siamcl_box){-9, -9, 60, 50}, col, 3);
    r = (rect_ref){-10, -10, 49, 39, 3};
    check_pixels(&g.im, pred_rect, &r, "box larger than the image");
    memset(g.im.data, 0, g.n);
    /* a very thin box is drawn filled */
    siamcl_image_draw_rect(&g.im, (siamcl_box){6, 6, 3, 20}, col, 2);
    r = (rect_ref){5, 5, 7, 24, 0};
    check_pixels(&g.im, pred_rect, &r, "thin box");
    memset(g.im.data, 0, g.n);

    /* fill_rect: clipped, overflow-proof */
    siamcl_image_fill_rect(&g.im, 30, 25, 100, 100, col);
    r = (rect_ref){30, 25, 39, 29, 0};
    check_pixels(&g.im, pred_rect, &r, "fill clipped");
    memset(g.im.data, 0, g.n);
    siamcl_image_fill_rect(&g.im, 2147483600, 2147483600, 2147483647, 2147483647, col);
    siamcl_image_fill_rect(&g.im, -2147483647 - 1, -2147483647 - 1, 2147483647, 2147483647, col);
    siamcl_image_fill_rect(&g.im, 5, 5, -3, 4, col);
    siamcl_image_fill_rect(&g.im, 5, 5, 0, 0, col);
    siamcl_image_fill_rect(&g.im, 5, 5, 4, 4, NULL);
    siamcl_image_fill_rect(NULL, 5, 5, 4, 4, col);
    check_pixels(&g.im, pred_none, NULL, "fills outside");

    /* text: exact glyph pixels, scale 1 and 2, clipped at every border */
    const text_ref texts[] = {{1, 1, 1, "AUC 0.58 (P@20)%/-:"},
                              {-7, -5, 2, "Jg-1"},
                              {W - 8, H - 9, 2, "Wq"},
                              {3, 20, 1, "~`|{}"}};
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        memset(g.im.data, 0, g.n);
        siamcl_image_draw_text(&g.im, texts[k].x, texts[k].y, texts[k].s, col, texts[k].scale);
        char what[64];
        snprintf(what, sizeof what, "text %zu", k);
        check_pixels(&g.im, pred_text, &texts[k], what);
    }
    memset(g.im.data, 0, g.n);
    /* text far outside, odd characters, huge scales: no crash, nothing drawn */
    siamcl_image_draw_text(&g.im, 2147483647, 0, "overflow", col, 1000000);
    siamcl_image_draw_text(&g.im, -2147483647 - 1, -2147483647 - 1, "overflow", col, 7);
    siamcl_image_draw_text(&g.im, 0, H, "below", col, 1);
    siamcl_image_draw_text(&g.im, -6 * 100, 0, "invisible", col, 1);
    siamcl_image_draw_text(&g.im, 0, 0, NULL, col, 1);
    siamcl_image_draw_text(&g.im, 0, 0, "x", NULL, 1);
    check_pixels(&g.im, pred_none, NULL, "text outside");
    /* non-ASCII and control bytes draw as '?'; scale <= 0 draws at scale 1; newline */
    siamcl_image_draw_text(&g.im, 2, 2, "\x01\xff", col, -4);
    text_ref q = {2, 2, 1, "??"};
    check_pixels(&g.im, pred_text, &q, "text '?' fallback");
    memset(g.im.data, 0, g.n);
    siamcl_image_draw_text(&g.im, 0, 0, "7\n8", col, 1);
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 6; x++) {
            int want = x < 5 && ((scl_font_glyph(y < 8 ? '7' : '8')[y % 8] >> (4 - x)) & 1);
            if (px_set(&g.im, x, y) != want) {
                fprintf(stderr, "newline: pixel (%d, %d)\n", x, y);
                tu_failures++;
            }
        }
    memset(g.im.data, 0, g.n);

    /* lines: diagonal, horizontal through the image from far outside, thick, NaN */
    siamcl_image_draw_line(&g.im, 0, 0, 9, 9, col, 1);
    check_pixels(&g.im, pred_diag, NULL, "diagonal line");
    memset(g.im.data, 0, g.n);
    siamcl_image_draw_line(&g.im, -1e30f, 7, 1e30f, 7, col, 1);
    int hl[4] = {7, 7, 0, W - 1};
    check_pixels(&g.im, pred_hline, hl, "horizontal line from far outside");
    memset(g.im.data, 0, g.n);
    siamcl_image_draw_line(&g.im, 5, 12, 20, 12, col, 3);
    int hl3[4] = {11, 13, 5, 20}; /* 3 pixels across the major axis */
    check_pixels(&g.im, pred_hline, hl3, "thick line");
    memset(g.im.data, 0, g.n);
    siamcl_image_draw_line(&g.im, 3, -100, 3, 100, col, 1);
    int vl[4] = {0, H - 1, 3, 3};
    check_pixels(&g.im, pred_hline, vl, "vertical line");
    memset(g.im.data, 0, g.n);
    siamcl_image_draw_line(&g.im, NAN, 0, 5, 5, col, 1);
    siamcl_image_draw_line(&g.im, 0, 0, 5, INFINITY, col, 1);
    siamcl_image_draw_line(&g.im, -50, -50, -10, 100, col, 5);
    siamcl_image_draw_line(&g.im, 1e30f, -1e30f, 1e30f, 1e30f, col, 2147483647);
    siamcl_image_draw_line(&g.im, -1e30f, -1e30f, -1e30f, -1e30f, col, 1);
    check_pixels(&g.im, pred_none, NULL, "lines outside");
    siamcl_image_draw_line(&g.im, 1e30f, 1e30f, -1e30f, -1e30f, col, 1); /* crosses the image */
    int on_diag = 0;
    for (int i = 0; i < H; i++) on_diag += px_set(&g.im, i, i);
    CHECK(on_diag == H);
    memset(g.im.data, 0, g.n);
    CHECK(guards_intact(&g));

    /* scaled blit: 2x2 -> 4x4 quadrants, 8x8 -> 3x3 samples floor((i + 0.5) * 8 / 3), clipped */
    siamcl_image src;
    CHECK_OK(siamcl_image_alloc(&src, 8, 8));
    for (int i = 0; i < 64; i++) {
        src.data[3 * i] = (uint8_t)(i % 8);
        src.data[3 * i + 1] = (uint8_t)(i / 8);
        src.data[3 * i + 2] = 77;
    }
    siamcl_image_blit_scaled(&g.im, 10, 10, 3, 3, &src);
    static const int pick[3] = {1, 4, 6};
    int bad = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const uint8_t *p = g.im.data + ((size_t)y * W + x) * 3;
            int in = x >= 10 && x < 13 && y >= 10 && y < 13;
            if (in)
                bad += p[0] != pick[x - 10] || p[1] != pick[y - 10] || p[2] != 77;
            else
                bad += (p[0] | p[1] | p[2]) != 0;
        }
    CHECK(bad == 0);
    memset(g.im.data, 0, g.n);
    /* upscale 8 -> 40 across the right/bottom border: pixel x samples (x - 30) * 8 / 40 */
    siamcl_image_blit_scaled(&g.im, 30, 20, 40, 40, &src);
    bad = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const uint8_t *p = g.im.data + ((size_t)y * W + x) * 3;
            if (x >= 30 && y >= 20)
                bad += p[0] != (2 * (x - 30) + 1) * 8 / 80 || p[1] != (2 * (y - 20) + 1) * 8 / 80 || p[2] != 77;
            else
                bad += (p[0] | p[1] | p[2]) != 0;
        }
    CHECK(bad == 0);
    memset(g.im.data, 0, g.n);
    siamcl_image_blit_scaled(&g.im, -2147483647 - 1, -2147483647 - 1, 2147483647, 2147483647, &src);
    CHECK(guards_intact(&g));
    memset(g.im.data, 0, g.n);
    siamcl_image_blit_scaled(&g.im, 2147483647, 5, 2147483647, 5, &src);
    siamcl_image_blit_scaled(&g.im, 5, 5, 0, 5, &src);
    siamcl_image_blit_scaled(&g.im, 5, 5, 5, -5, &src);
    siamcl_image_blit_scaled(&g.im, 5, 5, 5, 5, NULL);
    siamcl_image empty = {0, 0, NULL};
    siamcl_image_blit_scaled(&g.im, 5, 5, 5, 5, &empty);
    siamcl_image_blit_scaled(&empty, 5, 5, 5, 5, &src);
    check_pixels(&g.im, pred_none, NULL, "blits outside");
    CHECK(guards_intact(&g));
    /* drawing on an empty image is a no-op */
    siamcl_image_draw_rect(&empty, (siamcl_box){1, 1, 5, 5}, col, 1);
    siamcl_image_draw_line(&empty, 0, 0, 5, 5, col, 1);
    siamcl_image_draw_text(&empty, 0, 0, "x", col, 1);
    siamcl_image_fill_rect(&empty, 0, 0, 5, 5, col);
    siamcl_image_free(&src);
    free(g.buf);
}

int main(void) {
    snprintf(g_tmp, sizeof g_tmp, "%s/siamcl-test-image-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(g_tmp)) {
        fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    test_png_palette_index();
    test_png_kinds();
    test_png_roundtrip();
    test_jpeg_frames();
    test_jpeg_synthetic();
    test_corrupt();
    test_alloc_walk();
    test_draw();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", g_tmp);
    return tu_finish("test-image");
}
