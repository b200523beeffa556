/* Writes the fuzzers' seed corpora: small valid inputs of each kind, made here
 * (nothing is copied from elsewhere but the repository's own model descriptions).
 *     fuzz-seeds OUT_DIR SOURCE_DIR
 * OUT_DIR/{onnx,image,desc,boxes,cache,video,idx}/ receive the seeds. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <zlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jpeglib.h>

#include "fake_device.h"
#include "onnxbuild.h"
#include "io/io.h"
#include "runtime/runtime.h"
#include "siamcl.h"

static char g_out[512];

static void path(char *p, size_t cap, const char *kind, const char *name) {
    snprintf(p, cap, "%s/%s", g_out, kind);
    mkdir(p, 0755);
    snprintf(p, cap, "%s/%s/%s", g_out, kind, name);
}

static void put(const char *kind, const char *name, const void *data, size_t n) {
    char p[1024];
    path(p, sizeof p, kind, name);
    FILE *f = fopen(p, "wb");
    if (!f) return;
    fwrite(data, 1, n, f);
    fclose(f);
}

static ob g_b;

static void put_ob(const char *name) {
    size_t n;
    uint8_t *buf = ob_pack(&g_b, &n);
    put("onnx", name, buf, n);
    free(buf);
    ob_free(&g_b);
}

static void onnx_seeds(void) {
    static const int64_t d4[4] = {1, 2, 5, 5};
    float w[2 * 2 * 3 * 3], bias[2] = {0.5f, -0.5f};
    for (int i = 0; i < 36; i++) w[i] = (float)(i % 7) * 0.1f - 0.3f;
    /* Conv + Relu */
    ob_init(&g_b, 13);
    ob_input(&g_b, "x", 4, d4, d4, NULL);
    int64_t wd[4] = {2, 2, 3, 3}, bd[1] = {2}, k[2] = {3, 3}, pads[4] = {1, 1, 1, 1};
    const char *wn = ob_weight(&g_b, "w", 4, wd, w), *bn = ob_weight(&g_b, "b", 1, bd, bias);
    const char *cin[] = {"x", wn, bn, NULL};
    Onnx__AttributeProto *ca[] = {ob_aints(&g_b, "kernel_shape", 2, k), ob_aints(&g_b, "pads", 4, pads), NULL};
    ob_node(&g_b, "Conv", cin, "c", ca);
    const char *rin[] = {"c", NULL};
    ob_node(&g_b, "Relu", rin, "y", NULL);
    ob_output(&g_b, "y");
    put_ob("conv-relu.onnx");
    /* MaxPool + Add of a constant */
    ob_init(&g_b, 13);
    ob_input(&g_b, "x", 4, d4, d4, NULL);
    int64_t pk[2] = {2, 2};
    Onnx__AttributeProto *pa[] = {ob_aints(&g_b, "kernel_shape", 2, pk), ob_aints(&g_b, "strides", 2, pk), NULL};
    const char *pin[] = {"x", NULL};
    ob_node(&g_b, "MaxPool", pin, "p", pa);
    const char *an = ob_weight(&g_b, "bias", 1, bd, bias);
    const char *ain[] = {"p", an, NULL};
    ob_node(&g_b, "Add", ain, "y", NULL);
    ob_output(&g_b, "y");
    put_ob("pool-add.onnx");
    /* BatchNormalization (folded at load) */
    ob_init(&g_b, 13);
    ob_input(&g_b, "x", 4, d4, d4, NULL);
    float sc[2] = {1, 2}, mean[2] = {0.1f, 0.2f}, var[2] = {1, 4};
    const char *s1 = ob_weight(&g_b, "s", 1, bd, sc), *b1 = ob_weight(&g_b, "bb", 1, bd, bias);
    const char *m1 = ob_weight(&g_b, "m", 1, bd, mean), *v1 = ob_weight(&g_b, "v", 1, bd, var);
    const char *bnin[] = {"x", s1, b1, m1, v1, NULL};
    Onnx__AttributeProto *bna[] = {ob_af(&g_b, "epsilon", 1e-5f), NULL};
    ob_node(&g_b, "BatchNormalization", bnin, "y", bna);
    ob_output(&g_b, "y");
    put_ob("batchnorm.onnx");
    /* Slice with int64 parameters */
    ob_init(&g_b, 13);
    ob_input(&g_b, "x", 4, d4, d4, NULL);
    int64_t st[2] = {1, 1}, en[2] = {4, 4}, ax[2] = {2, 3};
    const char *sin[] = {"x", ob_ints(&g_b, "st", 2, st), ob_ints(&g_b, "en", 2, en), ob_ints(&g_b, "ax", 2, ax), NULL};
    ob_node(&g_b, "Slice", sin, "y", NULL);
    ob_output(&g_b, "y");
    put_ob("slice.onnx");
}

static void jpeg_seed(const siamcl_image *img, int gray, const char *name) {
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    unsigned char *buf = NULL;
    unsigned long n = 0;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &buf, &n);
    c.image_width = (JDIMENSION)img->width;
    c.image_height = (JDIMENSION)img->height;
    c.input_components = gray ? 1 : 3;
    c.in_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 80, TRUE);
    if (!gray) jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    unsigned char row[3 * 64];
    while (c.next_scanline < c.image_height) {
        const uint8_t *src = img->data + (size_t)c.next_scanline * img->width * 3;
        for (int x = 0; x < img->width; x++) row[x] = src[3 * x];
        JSAMPROW r = gray ? row : (JSAMPROW)src;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    put("image", name, buf, n);
    free(buf);
}

static void image_seeds(void) {
    siamcl_image img;
    siamcl_image_alloc(&img, 33, 17);
    for (int i = 0; i < 33 * 17 * 3; i++) img.data[i] = (uint8_t)(i * 7);
    char p[1024];
    path(p, sizeof p, "image", "rgb.png");
    siamcl_image_save_png(p, &img);
    jpeg_seed(&img, 0, "progressive.jpg");
    jpeg_seed(&img, 1, "gray.jpg");
    siamcl_image_free(&img);
}

static void video_seeds(void) {
    siamcl_image f;
    siamcl_image_alloc(&f, 32, 24);
    const char *names[] = {"ffv1.mkv", "h264.mp4", "mpeg4.avi"}, *codecs[] = {"ffv1", NULL, "mpeg4"};
    for (int k = 0; k < 3 && siamcl_video_available(); k++) {
        char p[1024];
        path(p, sizeof p, "video", names[k]);
        siamcl_video_writer *w = NULL;
        if (siamcl_video_writer_open(p, 32, 24, 25, codecs[k], &w) != SIAMCL_OK) continue;
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 32 * 24 * 3; i++) f.data[i] = (uint8_t)(i + 40 * t);
            siamcl_video_writer_write(w, &f);
        }
        siamcl_video_writer_close(w);
    }
    siamcl_image_free(&f);
}

static void text_seeds(const char *src) {
    const char *boxes[] = {"205,151,17,50\n201.8,150.3,18.9,48.0\n", "1\t2\t3\t4\r\n5 6 7 8\n\n",
                           "nan,nan,nan,nan\n0,0,0,0\n"};
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "boxes%d.txt", i);
        put("boxes", name, boxes[i], strlen(boxes[i]));
    }
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/models", src);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strstr(e->d_name, ".model")) continue;
        char p[2048];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        size_t n;
        uint8_t *data;
        if (scl_read_file(p, &data, &n) == SIAMCL_OK) {
            put("desc", e->d_name, data, n);
            scl_free(data);
        }
    }
    if (d) closedir(d);
}

static void cache_seed(void) {
    static scl_device dev; /* the same fake device as fuzz-cache.c: a valid entry to mutate */
    char dir[600];
    snprintf(dir, sizeof dir, "%s/cache-tmp", g_out);
    fuzz_fake_device(&dev, dir);
    unsigned char payload[200];
    for (int i = 0; i < 200; i++) payload[i] = (unsigned char)(i * 13);
    scl_cache_store(&dev, FUZZ_CACHE_KEY, payload, sizeof payload);
    char p[1024];
    fuzz_entry_path(&dev, p, sizeof p);
    size_t n;
    uint8_t *data;
    if (scl_read_file(p, &data, &n) == SIAMCL_OK) {
        put("cache", "entry.bin", data, n);
        scl_free(data);
    }
    remove(p);
    rmdir(dev.cache_dir);
}

/* IDX: a small image set and a label set, plain and gzip-compressed (as Debian ships them). */
static void idx_seeds(void) {
    unsigned char img[16 + 2 * 4 * 4] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 4};
    for (int i = 16; i < (int)sizeof img; i++) img[i] = (unsigned char)(i * 37);
    const unsigned char lab[8 + 2] = {0, 0, 8, 1, 0, 0, 0, 2, 3, 7};
    put("idx", "images.idx", img, sizeof img);
    put("idx", "labels.idx", lab, sizeof lab);
    char p[1024];
    path(p, sizeof p, "idx", "images.idx.gz");
    gzFile f = gzopen(p, "wb");
    if (f) {
        gzwrite(f, img, sizeof img);
        gzclose(f);
    }
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: fuzz-seeds OUT_DIR SOURCE_DIR\n");
        return 2;
    }
    snprintf(g_out, sizeof g_out, "%s", argv[1]);
    mkdir(g_out, 0755);
    onnx_seeds();
    image_seeds();
    video_seeds();
    text_seeds(argv[2]);
    cache_seed();
    idx_seeds();
    return 0;
}
