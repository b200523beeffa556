/* Writing a parameter set out: as the model's ONNX file with new
 * initializers (export), and as a checkpoint that a rerun resumes from.
 *
 * Checkpoint file (little-endian): "SCLCKPT1", u64 fingerprint of the
 * parameter names and sizes, i64 optimiser steps, u64 floats per array, the
 * weights, the two optimiser state arrays, u64 FNV-1a of everything before. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "onnx/onnx.h"
#include "train/train.h"

static siamcl_status read_all(const scl_tparams *ps, cl_mem m, float **out) {
    *out = scl_malloc((ps->total ? ps->total : 1) * sizeof(float));
    if (!*out) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "training: out of memory reading %zu parameters", ps->total);
    siamcl_status st = scl_buffer_read(ps->dev, m, 0, ps->total * sizeof(float), *out);
    if (st != SIAMCL_OK) {
        scl_free(*out);
        *out = NULL;
    }
    return st;
}

siamcl_status scl_tparams_export(const scl_tparams *ps, const char *src, const char *dst) {
    float *w = NULL;
    if (dst) SCL_TRY(read_all(ps, ps->w, &w)); /* dst NULL: check only, nothing to read */
    const char **names = scl_calloc((size_t)ps->n + 1, sizeof *names);
    const float **data = scl_calloc((size_t)ps->n + 1, sizeof *data);
    size_t *counts = scl_calloc((size_t)ps->n + 1, sizeof *counts);
    siamcl_status st = names && data && counts ? SIAMCL_OK : scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "export: out of memory");
    int k = 0;
    for (int i = 0; st == SIAMCL_OK && i < ps->n; i++)
        if (ps->p[i].value >= 0) { /* graph parameters only: a head's bias is not in the file */
            names[k] = ps->p[i].name;
            data[k] = w ? w + ps->p[i].off : NULL;
            counts[k++] = ps->p[i].count;
        }
    if (st == SIAMCL_OK) st = scl_onnx_export(src, dst, k, names, dst ? data : NULL, counts);
    scl_free(names);
    scl_free(data);
    scl_free(counts);
    scl_free(w);
    return st;
}

static uint64_t fingerprint(const scl_tparams *ps) {
    uint64_t h = SCL_FNV_OFFSET;
    for (int i = 0; i < ps->n; i++) {
        h = scl_fnv1a(h, ps->p[i].name, strlen(ps->p[i].name) + 1);
        uint64_t c = ps->p[i].count;
        h = scl_fnv1a(h, &c, sizeof c);
    }
    return h;
}

static const char MAGIC[8] = {'S', 'C', 'L', 'C', 'K', 'P', 'T', '1'};

siamcl_status scl_tparams_save(const scl_tparams *ps, long step, const char *path) {
    float *arr[3] = {NULL, NULL, NULL};
    cl_mem mems[3] = {ps->w, ps->s1, ps->s2};
    siamcl_status st = SIAMCL_OK;
    for (int i = 0; i < 3 && st == SIAMCL_OK; i++) st = read_all(ps, mems[i], &arr[i]);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = st == SIAMCL_OK ? fopen(tmp, "wb") : NULL;
    if (st == SIAMCL_OK && !f) st = scl_fail(SIAMCL_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    if (f) {
        uint64_t fp = fingerprint(ps), total = ps->total, h = SCL_FNV_OFFSET;
        int64_t s = step;
        int ok = fwrite(MAGIC, 1, 8, f) == 8 && fwrite(&fp, 8, 1, f) == 1 && fwrite(&s, 8, 1, f) == 1 &&
                 fwrite(&total, 8, 1, f) == 1;
        h = scl_fnv1a(scl_fnv1a(scl_fnv1a(scl_fnv1a(h, MAGIC, 8), &fp, 8), &s, 8), &total, 8);
        for (int i = 0; i < 3 && ok; i++) {
            ok = fwrite(arr[i], sizeof(float), ps->total, f) == ps->total;
            h = scl_fnv1a(h, arr[i], ps->total * sizeof(float));
        }
        ok = ok && fwrite(&h, 8, 1, f) == 1;
        ok = (fclose(f) == 0) && ok;
        if (!ok || rename(tmp, path) != 0) {
            st = scl_fail(SIAMCL_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
            remove(tmp);
        }
    }
    for (int i = 0; i < 3; i++) scl_free(arr[i]);
    return st;
}

static siamcl_status check_header(const scl_tparams *ps, const char *path, const unsigned char *b, size_t n,
                                  long *step) {
    uint64_t fp, total, h;
    int64_t s;
    if (n < 40 || memcmp(b, MAGIC, 8) != 0) return scl_fail(SIAMCL_ERR_FORMAT, "%s: not a siamcl checkpoint", path);
    memcpy(&fp, b + 8, 8);
    memcpy(&s, b + 16, 8);
    memcpy(&total, b + 24, 8);
    if (fp != fingerprint(ps) || total != ps->total)
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: a checkpoint of another model (its parameters differ from this one's)",
                        path);
    if (n != 32 + 3 * total * sizeof(float) + 8)
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: truncated checkpoint (%zu bytes, expected %zu)", path, n,
                        (size_t)(32 + 3 * total * sizeof(float) + 8));
    memcpy(&h, b + n - 8, 8);
    if (h != scl_fnv1a(SCL_FNV_OFFSET, b, n - 8) || s < 0)
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: corrupt checkpoint (checksum mismatch)", path);
    *step = (long)s;
    return SIAMCL_OK;
}

siamcl_status scl_tparams_load(scl_tparams *ps, const char *path, long *step) {
    uint8_t *b;
    size_t n;
    SCL_TRY(scl_read_file(path, &b, &n));
    siamcl_status st = check_header(ps, path, b, n, step);
    cl_mem mems[3] = {ps->w, ps->s1, ps->s2};
    for (int i = 0; i < 3 && st == SIAMCL_OK; i++)
        st = scl_buffer_write(ps->dev, mems[i], 0, ps->total * sizeof(float), b + 32 + i * ps->total * sizeof(float));
    scl_free(b);
    return st;
}
