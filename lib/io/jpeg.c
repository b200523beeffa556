/* JPEG decode with libjpeg-turbo (the libjpeg API) to 8-bit RGB; grayscale is
 * promoted to three equal channels, CMYK/YCCK rejected. libjpeg's error_exit
 * normally prints and exits: ours records the message and longjmps back to the
 * caller's setjmp. Warnings are routed to the log (libjpeg would print "Corrupt
 * JPEG data" to stderr), except "Premature end of JPEG file", which is an error:
 * libjpeg would otherwise pad the missing part of a truncated file with grey. */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "io/io.h"

typedef struct jpeg_ctx {
    struct jpeg_error_mgr pub; /* first: libjpeg hands us a pointer to it */
    jmp_buf jb;
    const char *name;
    siamcl_status status;
    char msg[JMSG_LENGTH_MAX];
    siamcl_image img;
} jpeg_ctx;

static void on_error_exit(j_common_ptr ci) {
    jpeg_ctx *c = (jpeg_ctx *)ci->err;
    ci->err->format_message(ci, c->msg);
    if (!c->status) c->status = ci->err->msg_code == JERR_OUT_OF_MEMORY ? SIAMCL_ERR_OUT_OF_MEMORY : SIAMCL_ERR_FORMAT;
    longjmp(c->jb, 1);
}

static void on_emit(j_common_ptr ci, int level) {
    if (level >= 0) return; /* trace messages */
    jpeg_ctx *c = (jpeg_ctx *)ci->err;
    if (ci->err->msg_code == JWRN_JPEG_EOF) {
        ci->err->format_message(ci, c->msg);
        c->status = SIAMCL_ERR_FORMAT;
        longjmp(c->jb, 1);
    }
    if (ci->err->num_warnings++ == 0) { /* first corrupt-data warning of this file */
        char buf[JMSG_LENGTH_MAX];
        ci->err->format_message(ci, buf);
        scl_log(SIAMCL_LOG_WARN, "%s: %s", c->name, buf);
    }
}

static void on_output(j_common_ptr ci) { (void)ci; }

static void fail_with(j_decompress_ptr ci, jpeg_ctx *c, siamcl_status st, const char *msg) {
    c->status = st;
    if (msg != c->msg) snprintf(c->msg, sizeof c->msg, "%s", msg);
    (void)ci;
    longjmp(c->jb, 1);
}

static void decode_body(j_decompress_ptr ci, jpeg_ctx *c, const uint8_t *data, size_t size) {
    jpeg_create_decompress(ci);
    jpeg_mem_src(ci, data, (unsigned long)size);
    jpeg_read_header(ci, TRUE);
    if (ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK)
        fail_with(ci, c, SIAMCL_ERR_UNSUPPORTED, "CMYK/YCCK JPEG is not supported (convert it to RGB)");
    if (!scl_image_size_ok(ci->image_width, ci->image_height)) {
        snprintf(c->msg, sizeof c->msg, "image size %u x %u outside the supported range",
                 (unsigned)ci->image_width, (unsigned)ci->image_height);
        fail_with(ci, c, SIAMCL_ERR_FORMAT, c->msg);
    }
    ci->out_color_space = JCS_RGB; /* libjpeg-turbo converts grayscale and YCbCr */
    jpeg_start_decompress(ci);
    if (ci->output_components != 3 || ci->output_width != ci->image_width ||
        ci->output_height != ci->image_height)
        fail_with(ci, c, SIAMCL_ERR_FORMAT, "unexpected output layout");
    if (siamcl_image_alloc(&c->img, (int)ci->output_width, (int)ci->output_height) != SIAMCL_OK)
        fail_with(ci, c, SIAMCL_ERR_OUT_OF_MEMORY, "out of memory for the image");
    size_t stride = (size_t)c->img.width * 3;
    while (ci->output_scanline < ci->output_height) {
        JSAMPROW row = c->img.data + (size_t)ci->output_scanline * stride;
        if (jpeg_read_scanlines(ci, &row, 1) != 1) fail_with(ci, c, SIAMCL_ERR_FORMAT, "no scanline returned");
    }
    jpeg_finish_decompress(ci);
}

siamcl_status scl_jpeg_decode(const uint8_t *data, size_t size, const char *name, siamcl_image *out) {
    struct jpeg_decompress_struct ci;
    jpeg_ctx c;
    memset(&ci, 0, sizeof ci);
    memset(&c, 0, sizeof c);
    c.name = name;
    ci.err = jpeg_std_error(&c.pub);
    c.pub.error_exit = on_error_exit;
    c.pub.emit_message = on_emit;
    c.pub.output_message = on_output;
    if (setjmp(c.jb)) {
        jpeg_destroy_decompress(&ci);
        siamcl_image_free(&c.img);
        siamcl_status st = c.status ? c.status : SIAMCL_ERR_FORMAT;
        return scl_fail(st, "%s: %s JPEG: %s", name, st == SIAMCL_ERR_FORMAT ? "corrupt" : "cannot decode", c.msg);
    }
    decode_body(&ci, &c, data, size);
    jpeg_destroy_decompress(&ci);
    *out = c.img;
    return SIAMCL_OK;
}
