/* siamcl_image: allocation, file reading, and format dispatch on magic bytes. */
#include <stdio.h>
#include <string.h>

#include "io/io.h"

int scl_image_size_ok(uint64_t w, uint64_t h) {
    return w >= 1 && h >= 1 && w <= SCL_IMAGE_MAX_DIM && h <= SCL_IMAGE_MAX_DIM &&
           w * h <= SCL_IMAGE_MAX_PIXELS;
}

siamcl_status siamcl_image_alloc(siamcl_image *img, int width, int height) {
    if (!img) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_image_alloc: NULL image");
    memset(img, 0, sizeof *img);
    if (width < 1 || height < 1 || !scl_image_size_ok((uint64_t)width, (uint64_t)height))
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT,
                        "siamcl_image_alloc: bad size %d x %d (1..%d per side, at most %llu pixels)", width,
                        height, SCL_IMAGE_MAX_DIM, (unsigned long long)SCL_IMAGE_MAX_PIXELS);
    uint8_t *p = scl_calloc((size_t)width * (size_t)height, 3);
    if (!p)
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "siamcl_image_alloc: out of memory for %d x %d", width, height);
    img->width = width;
    img->height = height;
    img->data = p;
    return SIAMCL_OK;
}

void siamcl_image_free(siamcl_image *img) {
    if (!img) return;
    scl_free(img->data);
    memset(img, 0, sizeof *img);
}

int scl_png_magic(const uint8_t *d, size_t n) {
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    return n >= 8 && memcmp(d, sig, 8) == 0;
}

int scl_jpeg_magic(const uint8_t *d, size_t n) { return n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff; }

static siamcl_status decode(const uint8_t *data, size_t size, const char *name, siamcl_image *out) {
    if (size == 0) return scl_fail(SIAMCL_ERR_FORMAT, "%s: empty file", name);
    if (scl_png_magic(data, size)) return scl_png_decode(data, size, name, out);
    if (scl_jpeg_magic(data, size)) return scl_jpeg_decode(data, size, name, out);
    return scl_fail(SIAMCL_ERR_FORMAT, "%s: not a PNG or JPEG file (unknown magic bytes)", name);
}

siamcl_status siamcl_image_load(const char *path, siamcl_image *out) {
    if (!path || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_image_load: NULL argument");
    memset(out, 0, sizeof *out);
    uint8_t *data;
    size_t size;
    SCL_TRY(scl_read_file(path, &data, &size));
    siamcl_status st = decode(data, size, path, out);
    scl_free(data);
    return st;
}

siamcl_status siamcl_image_load_memory(const void *data, size_t size, siamcl_image *out) {
    if (!out || (!data && size)) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_image_load_memory: NULL argument");
    memset(out, 0, sizeof *out);
    return decode(data, size, "<memory>", out);
}
