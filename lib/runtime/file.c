/* Whole-file reads for every room that loads a file (images, box files, ONNX
 * models, training checkpoints): one place for the regular-file and size checks. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime/runtime.h"

siamcl_status scl_read_file(const char *path, uint8_t **data, size_t *size) {
    *data = NULL;
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return scl_fail(SIAMCL_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return scl_fail(SIAMCL_ERR_IO, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > (uint64_t)SIZE_MAX / 2) {
        fclose(f);
        return scl_fail(SIAMCL_ERR_IO, "%s: file too large", path);
    }
    size_t n = (size_t)st.st_size;
    uint8_t *buf = scl_malloc(n ? n : 1);
    if (!buf) {
        fclose(f);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory reading %zu bytes", path, n);
    }
    size_t got = n ? fread(buf, 1, n, f) : 0;
    int err = ferror(f);
    fclose(f);
    if (got != n || err) {
        scl_free(buf);
        return scl_fail(SIAMCL_ERR_IO, "%s: read error", path);
    }
    *data = buf;
    *size = n;
    return SIAMCL_OK;
}
