/* ONNX export of trained weights: the source model's protobuf with some
 * float initializers replaced, written atomically. The graph is untouched,
 * so every runtime that loaded the source loads the result. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "onnx.pb-c.h"
#include "onnx/onnx.h"

static Onnx__TensorProto *find_init(Onnx__GraphProto *g, const char *name) {
    for (size_t i = 0; i < g->n_initializer; i++)
        if (g->initializer[i]->name && strcmp(g->initializer[i]->name, name) == 0) return g->initializer[i];
    return NULL;
}

static siamcl_status check_init(const char *src, Onnx__TensorProto *t, const char *name, size_t count) {
    if (!t)
        return scl_fail(SIAMCL_ERR_FORMAT,
                        "%s: parameter '%s' is not an initializer of the file (a BatchNormalization folded at load? "
                        "training BatchNormalization is not supported)",
                        src, name);
    size_t n = 1;
    for (size_t d = 0; d < t->n_dims; d++) n *= (size_t)t->dims[d];
    if (t->data_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT || n != count)
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: initializer '%s' holds %zu values of type %d, not %zu floats", src,
                        name, n, (int)t->data_type, count);
    return SIAMCL_OK;
}

static siamcl_status replace(Onnx__TensorProto *t, const float *data, size_t count) {
    uint8_t *raw = malloc(count * sizeof(float) + 1);
    if (!raw) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "onnx export: out of memory");
    memcpy(raw, data, count * sizeof(float)); /* little-endian hosts, as ONNX raw_data */
    free(t->raw_data.data);
    t->raw_data.data = raw;
    t->raw_data.len = count * sizeof(float);
    t->has_raw_data = 1;
    t->n_float_data = 0;
    return SIAMCL_OK;
}

static int same_file(const char *a, const char *b) {
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static siamcl_status write_packed(const Onnx__ModelProto *m, const char *dst) {
    size_t len = onnx__model_proto__get_packed_size(m);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "onnx export: out of memory packing %zu bytes", len);
    onnx__model_proto__pack(m, buf);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", dst);
    FILE *f = fopen(tmp, "wb");
    siamcl_status st = SIAMCL_OK;
    if (!f) {
        st = scl_fail(SIAMCL_ERR_IO, "%s: cannot write: %s", dst, strerror(errno));
    } else {
        int ok = fwrite(buf, 1, len, f) == len;
        ok = (fclose(f) == 0) && ok;
        if (!ok || rename(tmp, dst) != 0) {
            st = scl_fail(SIAMCL_ERR_IO, "%s: cannot write: %s", dst, strerror(errno));
            remove(tmp);
        }
    }
    free(buf);
    return st;
}

siamcl_status scl_onnx_export(const char *src, const char *dst, int n, const char *const *names,
                              const float *const *data, const size_t *counts) {
    if (!src || (n > 0 && (!names || !counts)) || (dst && n > 0 && !data))
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "onnx export: NULL argument");
    if (dst && same_file(src, dst))
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "onnx export: %s is the source model; write the trained model "
                        "to another file", dst);
    uint8_t *bytes;
    size_t size;
    SCL_TRY(scl_read_file(src, &bytes, &size));
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, size, bytes);
    scl_free(bytes);
    if (!m || !m->graph) {
        if (m) onnx__model_proto__free_unpacked(m, NULL);
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: not a valid ONNX model", src);
    }
    siamcl_status st = SIAMCL_OK;
    for (int i = 0; st == SIAMCL_OK && i < n; i++) {
        Onnx__TensorProto *t = find_init(m->graph, names[i]);
        st = check_init(src, t, names[i], counts[i]);
        if (st == SIAMCL_OK && dst) st = replace(t, data[i], counts[i]);
    }
    if (st == SIAMCL_OK && dst) st = write_packed(m, dst);
    onnx__model_proto__free_unpacked(m, NULL);
    return st;
}
