/* PNG decode (any colour type / bit depth -> 8-bit RGB) and encode (8-bit RGB)
 * with libpng. libpng reports errors by longjmp: its error handler records the
 * message and jumps back to the setjmp in the calling function, which frees
 * everything and returns a status; nothing is printed. libpng's own allocations
 * go through scl_malloc so the failing-allocator walk reaches them too. */
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <string.h>

#include "io/io.h"

typedef struct png_ctx {
    const char *name;
    const uint8_t *data; /* decode: the input */
    size_t size, pos;
    FILE *file; /* encode: the output */
    int oom, io_error;
    siamcl_status status; /* set before a png_error of our own; 0 = from libpng */
    char msg[256];
    siamcl_image img;  /* decode: the output under construction */
    uint8_t *rgba;     /* decode: 4-channel staging buffer */
    png_bytep *rows;
} png_ctx;

static void on_error(png_structp p, png_const_charp msg) {
    png_ctx *c = png_get_error_ptr(p);
    if (msg != c->msg) snprintf(c->msg, sizeof c->msg, "%s", msg ? msg : "libpng error");
    png_longjmp(p, 1);
}

static void on_warning(png_structp p, png_const_charp msg) {
    png_ctx *c = png_get_error_ptr(p);
    scl_log(SIAMCL_LOG_DEBUG, "%s: libpng warning: %s", c->name, msg ? msg : "");
}

static png_voidp on_malloc(png_structp p, png_alloc_size_t n) {
    void *m = scl_malloc(n);
    if (!m && p) {
        png_ctx *c = png_get_error_ptr(p);
        if (c) c->oom = 1;
    }
    return m;
}

static void on_free(png_structp p, png_voidp m) {
    (void)p;
    scl_free(m);
}

static void on_read(png_structp p, png_bytep dst, size_t n) {
    png_ctx *c = png_get_io_ptr(p);
    if (n > c->size - c->pos) png_error(p, "unexpected end of data (file truncated)");
    memcpy(dst, c->data + c->pos, n);
    c->pos += n;
}

static void fail_with(png_structp p, png_ctx *c, siamcl_status st, const char *msg) {
    c->status = st;
    png_error(p, msg);
}

/* Palette indices (c->rgba, one byte per pixel) to RGB; an index past the palette is an error. */
static void map_palette(png_structp p, png_infop info, png_ctx *c, size_t n) {
    png_colorp pal = NULL;
    int npal = 0;
    if (!png_get_PLTE(p, info, &pal, &npal) || npal <= 0) fail_with(p, c, SIAMCL_ERR_FORMAT, "palette image without a palette");
    for (size_t i = 0; i < n; i++) {
        int k = c->rgba[i];
        if (k >= npal) {
            snprintf(c->msg, sizeof c->msg, "palette index %d beyond the %d-colour palette (pixel %zu)", k, npal, i);
            fail_with(p, c, SIAMCL_ERR_FORMAT, c->msg);
        }
        c->img.data[3 * i] = pal[k].red;
        c->img.data[3 * i + 1] = pal[k].green;
        c->img.data[3 * i + 2] = pal[k].blue;
    }
}

/* Everything between setjmp and the end of decoding; errors longjmp out. */
static void decode_body(png_structp p, png_infop info, png_ctx *c) {
    png_set_read_fn(p, c, on_read);
    png_set_user_limits(p, SCL_IMAGE_MAX_DIM, SCL_IMAGE_MAX_DIM);
    png_read_info(p, info);
    png_uint_32 w, h;
    int depth, ctype, interlace;
    png_get_IHDR(p, info, &w, &h, &depth, &ctype, &interlace, NULL, NULL);
    if (!scl_image_size_ok(w, h)) {
        snprintf(c->msg, sizeof c->msg, "image size %lu x %lu outside the supported range", (unsigned long)w,
                 (unsigned long)h);
        fail_with(p, c, SIAMCL_ERR_FORMAT, c->msg);
    }
    if (depth == 16) png_set_scale_16(p); /* (v * 255 + 32895) >> 16: v/257 rounded */
    /* palette images are read as indices (one byte each) and mapped here: libpng only warns
     * about an index past the palette and decodes it as black */
    if (ctype == PNG_COLOR_TYPE_PALETTE) png_set_packing(p);
    if (ctype == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(p);
    if (ctype == PNG_COLOR_TYPE_GRAY || ctype == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(p);
    if (ctype & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(p);
    png_set_interlace_handling(p);
    png_read_update_info(p, info);
    int ch = png_get_channels(p, info);
    size_t rowbytes = png_get_rowbytes(p, info);
    int pal = ctype == PNG_COLOR_TYPE_PALETTE;
    if ((pal ? ch != 1 : ch != 3 && ch != 4) || png_get_bit_depth(p, info) != 8 || rowbytes != (size_t)w * (size_t)ch)
        fail_with(p, c, SIAMCL_ERR_FORMAT, "unexpected pixel layout after conversion");
    if (siamcl_image_alloc(&c->img, (int)w, (int)h) != SIAMCL_OK)
        fail_with(p, c, SIAMCL_ERR_OUT_OF_MEMORY, "out of memory for the image");
    uint8_t *dst = c->img.data;
    if (ch == 4 || pal) { /* tRNS expanded to alpha, or palette indices: stage, then convert */
        c->rgba = scl_malloc(rowbytes * h);
        if (!c->rgba) fail_with(p, c, SIAMCL_ERR_OUT_OF_MEMORY, "out of memory for the image");
        dst = c->rgba;
    }
    c->rows = scl_malloc(sizeof(png_bytep) * h);
    if (!c->rows) fail_with(p, c, SIAMCL_ERR_OUT_OF_MEMORY, "out of memory for row pointers");
    for (png_uint_32 y = 0; y < h; y++) c->rows[y] = dst + (size_t)y * rowbytes;
    png_read_image(p, c->rows);
    png_read_end(p, NULL);
    if (pal) map_palette(p, info, c, (size_t)w * h);
    if (ch == 4) {
        size_t n = (size_t)w * h;
        for (size_t i = 0; i < n; i++) {
            c->img.data[3 * i] = c->rgba[4 * i];
            c->img.data[3 * i + 1] = c->rgba[4 * i + 1];
            c->img.data[3 * i + 2] = c->rgba[4 * i + 2];
        }
    }
}

siamcl_status scl_png_decode(const uint8_t *data, size_t size, const char *name, siamcl_image *out) {
    png_ctx c;
    memset(&c, 0, sizeof c);
    c.name = name;
    c.data = data;
    c.size = size;
    png_structp p = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &c, on_error, on_warning, NULL, on_malloc,
                                             on_free);
    if (!p) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory (libpng read struct)", name);
    png_infop info = png_create_info_struct(p);
    if (!info) {
        png_destroy_read_struct(&p, NULL, NULL);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory (libpng info struct)", name);
    }
    if (setjmp(png_jmpbuf(p))) {
        png_destroy_read_struct(&p, &info, NULL);
        scl_free(c.rows);
        scl_free(c.rgba);
        siamcl_image_free(&c.img);
        siamcl_status st = c.status ? c.status : c.oom ? SIAMCL_ERR_OUT_OF_MEMORY : SIAMCL_ERR_FORMAT;
        return scl_fail(st, "%s: %s PNG: %s", name, st == SIAMCL_ERR_FORMAT ? "corrupt" : "cannot decode",
                        c.msg);
    }
    decode_body(p, info, &c);
    png_destroy_read_struct(&p, &info, NULL);
    scl_free(c.rows);
    scl_free(c.rgba);
    *out = c.img;
    return SIAMCL_OK;
}

/* ---- encode ---- */

static void on_write(png_structp p, png_bytep src, size_t n) {
    png_ctx *c = png_get_io_ptr(p);
    if (fwrite(src, 1, n, c->file) != n) {
        c->io_error = errno ? errno : EIO;
        c->status = SIAMCL_ERR_IO;
        png_error(p, strerror(c->io_error));
    }
}

static void on_flush(png_structp p) {
    png_ctx *c = png_get_io_ptr(p);
    fflush(c->file);
}

static void encode_body(png_structp p, png_infop info, png_ctx *c, const siamcl_image *img) {
    png_set_write_fn(p, c, on_write, on_flush);
    png_set_IHDR(p, info, (png_uint_32)img->width, (png_uint_32)img->height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(p, 3); /* ~2.5x faster than the default 6 for a few % more bytes (track --vis) */
    png_write_info(p, info);
    for (int y = 0; y < img->height; y++) png_write_row(p, img->data + (size_t)y * img->width * 3);
    png_write_end(p, NULL);
}

siamcl_status siamcl_image_save_png(const char *path, const siamcl_image *img) {
    if (!path || !img || !img->data)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_image_save_png: NULL argument");
    if (!scl_image_size_ok((uint64_t)(img->width > 0 ? img->width : 0), (uint64_t)(img->height > 0 ? img->height : 0)))
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_image_save_png: bad image size %d x %d", img->width,
                        img->height);
    png_ctx c;
    memset(&c, 0, sizeof c);
    c.name = path;
    png_structp p = png_create_write_struct_2(PNG_LIBPNG_VER_STRING, &c, on_error, on_warning, NULL, on_malloc,
                                              on_free);
    if (!p) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory (libpng write struct)", path);
    png_infop info = png_create_info_struct(p);
    if (!info) {
        png_destroy_write_struct(&p, NULL);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory (libpng info struct)", path);
    }
    c.file = fopen(path, "wb");
    if (!c.file) {
        int e = errno;
        png_destroy_write_struct(&p, &info);
        return scl_fail(SIAMCL_ERR_IO, "%s: cannot create: %s", path, strerror(e));
    }
    if (setjmp(png_jmpbuf(p))) {
        png_destroy_write_struct(&p, &info);
        fclose(c.file);
        remove(path);
        siamcl_status st = c.status ? c.status : c.oom ? SIAMCL_ERR_OUT_OF_MEMORY : SIAMCL_ERR_IO;
        return scl_fail(st, "%s: cannot write PNG: %s", path, c.msg);
    }
    encode_body(p, info, &c, img);
    png_destroy_write_struct(&p, &info);
    if (fclose(c.file) != 0) {
        int e = errno;
        remove(path);
        return scl_fail(SIAMCL_ERR_IO, "%s: cannot write PNG: %s", path, strerror(e));
    }
    return SIAMCL_OK;
}
