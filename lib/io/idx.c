/* IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed
 * (zlib reads both): a big-endian header (0, 0, type, rank, rank u32
 * extents) and the data. Unsigned bytes only (type 0x08), rank 1..4. */
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "io/io.h"
#include "siamcl/train.h"

#define IDX_MAX_BYTES ((size_t)1 << 31)

static siamcl_status read_exact(gzFile f, const char *path, void *buf, size_t n, const char *what) {
    int got = gzread(f, buf, (unsigned)n);
    if (got < 0) {
        int zerr = 0;
        const char *msg = gzerror(f, &zerr);
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: corrupt (%s) reading the %s", path, msg ? msg : "zlib error", what);
    }
    if ((size_t)got != n)
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: truncated: the %s needs %zu bytes, the file has %d", path, what, n, got);
    return SIAMCL_OK;
}

static siamcl_status read_header(gzFile f, const char *path, siamcl_idx *out) {
    unsigned char h[4];
    SCL_TRY(read_exact(f, path, h, 4, "header"));
    if (h[0] != 0 || h[1] != 0)
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: not an IDX file (magic %02x %02x, expected 00 00)", path, h[0], h[1]);
    if (h[2] != 0x08)
        return scl_fail(SIAMCL_ERR_UNSUPPORTED, "%s: IDX type 0x%02x; only unsigned bytes (0x08) are read", path, h[2]);
    if (h[3] < 1 || h[3] > 4) return scl_fail(SIAMCL_ERR_UNSUPPORTED, "%s: IDX rank %d outside 1..4", path, h[3]);
    out->ndims = h[3];
    out->count = 1;
    for (int i = 0; i < out->ndims; i++) {
        unsigned char d[4];
        SCL_TRY(read_exact(f, path, d, 4, "header"));
        uint32_t v = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
        if (v == 0 || v > IDX_MAX_BYTES / out->count)
            return scl_fail(SIAMCL_ERR_FORMAT, "%s: IDX extent %d is %u (empty or over 2 GiB in all)", path, i, v);
        out->dims[i] = (int)v;
        out->count *= v;
    }
    return SIAMCL_OK;
}

siamcl_status siamcl_idx_read(const char *path, siamcl_idx *out) {
    if (!path || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_idx_read: NULL argument");
    memset(out, 0, sizeof *out);
    if (!scl_alloc_tick()) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory (test hook)", path);
    gzFile f = gzopen(path, "rb");
    if (!f) return scl_fail(SIAMCL_ERR_IO, "%s: cannot open: %s", path, strerror(errno ? errno : ENOENT));
    siamcl_status st = read_header(f, path, out);
    if (st == SIAMCL_OK && !(out->data = scl_malloc(out->count)))
        st = scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory for %zu bytes", path, out->count);
    if (st == SIAMCL_OK) st = read_exact(f, path, out->data, out->count, "data");
    unsigned char extra;
    if (st == SIAMCL_OK && gzread(f, &extra, 1) != 0)
        st = scl_fail(SIAMCL_ERR_FORMAT, "%s: bytes after the %zu the header announces", path, out->count);
    gzclose(f);
    if (st != SIAMCL_OK) siamcl_idx_free(out);
    return st;
}

void siamcl_idx_free(siamcl_idx *idx) {
    if (!idx) return;
    scl_free(idx->data);
    memset(idx, 0, sizeof *idx);
}
