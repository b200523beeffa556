/* The on-disk kernel binary cache: one file per program, named by the 128-bit
 * program key, that verifies itself before anything reaches the driver.
 *
 * An entry is a header, the device identity and the binary:
 *     magic "SCLKBIN\n" | format u32 | identity length u32 | key u64[2] |
 *     payload length u64 | checksum u64 (FNV-1a over identity and payload) |
 *     identity: device name, driver version, platform version, NUL-separated |
 *     payload: what CL_PROGRAM_BINARIES gave.
 * A file that is not a regular file, too large, short, from another format or
 * device, for another key, or whose checksum does not match is ignored with
 * a warning and replaced after the rebuild (written to a temporary file, then
 * renamed over it, so readers never see half an entry). A cache folder that
 * cannot be made (a file in its place, no permission) turns the disk cache off
 * for that context with a warning. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/runtime.h"

#define MAGIC "SCLKBIN\n"
#define FORMAT 2u
#define MAX_ENTRY (256u << 20) /* no kernel binary comes near this */

typedef struct entry_header {
    char magic[8];
    uint32_t format, ident_len;
    uint64_t key[2];
    uint64_t payload_len;
    uint64_t checksum;
} entry_header;

/* The checksum an entry carries: over the device identity, then the payload. */
static uint64_t entry_checksum(const void *ident, size_t idn, const void *payload, size_t len) {
    return scl_fnv1a(scl_fnv1a(SCL_FNV_OFFSET, ident, idn), payload, len);
}

/* The identity of the device an entry is for: name, driver, platform version. */
static size_t identity(const scl_device *dev, char *out, size_t cap) {
    int n = snprintf(out, cap, "%s%c%s%c%s", dev->info.name, 0, dev->info.driver_version, 0,
                     dev->info.platform_version);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static void entry_path(const scl_device *dev, const uint64_t key[2], char *out, size_t cap) {
    snprintf(out, cap, "%s/%016llx%016llx.bin", dev->cache_dir, (unsigned long long)key[0],
             (unsigned long long)key[1]);
}

static int make_dirs(const char *path) {
    char buf[512];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) return 0;
    for (char *p = buf + 1;; p++) {
        char c = *p;
        if (c != '/' && c != 0) continue;
        *p = 0;
        struct stat st;
        if (mkdir(buf, 0755) != 0) {
            if (errno != EEXIST) return 0;
            if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) {
                errno = ENOTDIR;
                return 0;
            }
        }
        *p = c;
        if (!c) return 1;
    }
}

void scl_cache_prepare(scl_device *dev) {
    if (!dev->cache_dir[0] || make_dirs(dev->cache_dir)) return;
    scl_log(SIAMCL_LOG_WARN, "kernel cache folder %s cannot be used (%s): the disk cache is off", dev->cache_dir,
            strerror(errno ? errno : ENOTDIR));
    dev->cache_dir[0] = 0;
}

static int ignore(const char *path, const char *why) {
    scl_log(SIAMCL_LOG_WARN, "ignoring kernel cache entry %s: %s (it is rebuilt and replaced)", path, why);
    return 0;
}

/* Read and verify the entry for key; 1 with *bin (scl_malloc'd) and *len, else 0. */
int scl_cache_load(const scl_device *dev, const uint64_t key[2], unsigned char **bin, size_t *len) {
    *bin = NULL;
    *len = 0;
    if (!dev->cache_dir[0]) return 0;
    char path[600], id[512];
    entry_path(dev, key, path, sizeof path);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        if (errno != ENOENT) ignore(path, strerror(errno));
        return 0;
    }
    struct stat st;
    entry_header h;
    size_t idn = identity(dev, id, sizeof id);
    unsigned char *buf = NULL;
    int ok = 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        ignore(path, "not a regular file");
    else if (st.st_size < (off_t)sizeof h || st.st_size > (off_t)MAX_ENTRY)
        ignore(path, "wrong size");
    else if (!(buf = scl_malloc((size_t)st.st_size)))
        ignore(path, "out of memory");
    else if (read(fd, buf, (size_t)st.st_size) != (ssize_t)st.st_size)
        ignore(path, "short read");
    else {
        memcpy(&h, buf, sizeof h);
        size_t body = (size_t)st.st_size - sizeof h;
        const unsigned char *ident = buf + sizeof h;
        if (memcmp(h.magic, MAGIC, 8) != 0 || h.format != FORMAT)
            ignore(path, "not a siamcl cache entry of this format");
        else if (h.key[0] != key[0] || h.key[1] != key[1])
            ignore(path, "entry for another program");
        else if (h.ident_len != idn || h.ident_len > body || memcmp(ident, id, idn) != 0)
            ignore(path, "built for another device or driver");
        else if (h.payload_len == 0 || h.payload_len != body - h.ident_len)
            ignore(path, "truncated or padded");
        else if (entry_checksum(ident, idn, ident + idn, (size_t)h.payload_len) != h.checksum)
            ignore(path, "checksum mismatch (damaged)");
        else {
            memmove(buf, ident + idn, (size_t)h.payload_len);
            *bin = buf;
            *len = (size_t)h.payload_len;
            ok = 1;
        }
    }
    close(fd);
    if (!ok) scl_free(buf);
    return ok;
}

/* Write the entry for key: temporary file, then rename over the old one. */
void scl_cache_store(const scl_device *dev, const uint64_t key[2], const unsigned char *bin, size_t len) {
    if (!dev->cache_dir[0] || !bin || !len) return;
    char path[600], tmp[640], id[512];
    entry_path(dev, key, path, sizeof path);
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        scl_log(SIAMCL_LOG_WARN, "kernel cache entry %s is not a regular file: not replaced", path);
        return;
    }
    entry_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, MAGIC, 8);
    h.format = FORMAT;
    size_t idn = identity(dev, id, sizeof id);
    h.ident_len = (uint32_t)idn;
    h.key[0] = key[0];
    h.key[1] = key[1];
    h.payload_len = len;
    h.checksum = entry_checksum(id, idn, bin, len);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int ok = f != NULL;
    if (f) {
        ok &= fwrite(&h, sizeof h, 1, f) == 1;
        ok &= idn == 0 || fwrite(id, idn, 1, f) == 1;
        ok &= fwrite(bin, len, 1, f) == 1;
        ok &= fclose(f) == 0;
    }
    if (!ok || rename(tmp, path) != 0) {
        scl_log(SIAMCL_LOG_WARN, "could not write kernel cache entry %s: %s", path, strerror(errno));
        remove(tmp);
    }
}
