/* Finding model descriptions by name, from any working directory.
 *
 * A name ("siamfc-alexnet") is looked up as NAME.model in, in order:
 *   1. each folder of SIAMCL_MODELS (':'-separated);
 *   2. the installed share folder, found relative to the object that holds
 *      this code (libsiamcl.so, or the program linking libsiamcl.a):
 *      <its folder>/SIAMCL_REL_DATA/siamcl/models, where SIAMCL_REL_DATA is
 *      the relative path from the install's lib (or bin) folder to its data
 *      folder ("../share"), fixed at configure time;
 *   3. <its folder>/share/siamcl/models: the mirror of the install layout that
 *      the build writes into the build folder (an uninstalled build).
 * No absolute path is compiled in: an installed tree can move. */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "track/track.h"

#ifndef SIAMCL_REL_LIB_DATA
#define SIAMCL_REL_LIB_DATA "../share"
#endif
#ifndef SIAMCL_REL_BIN_DATA
#define SIAMCL_REL_BIN_DATA "../share"
#endif

static int is_file(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

typedef struct self_query {
    uintptr_t addr;
    char path[1024];
    int found;
} self_query;

static int visit(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    self_query *q = data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD) continue;
        uintptr_t lo = (uintptr_t)info->dlpi_addr + ph->p_vaddr;
        if (q->addr >= lo && q->addr < lo + ph->p_memsz) {
            /* the main program has an empty name: ask the kernel for its path */
            if (info->dlpi_name && info->dlpi_name[0])
                q->found = snprintf(q->path, sizeof q->path, "%s", info->dlpi_name) < (int)sizeof q->path;
            else {
                ssize_t n = readlink("/proc/self/exe", q->path, sizeof q->path - 1);
                q->found = n > 0;
                if (n > 0) q->path[n] = 0;
            }
            return 1;
        }
    }
    return 0;
}

/* The folder of the file (library or program) this code was loaded from. */
static int self_dir(char *out, size_t cap) {
    self_query q = {(uintptr_t)&self_dir, "", 0};
    dl_iterate_phdr(visit, &q);
    if (!q.found) return 0;
    char *real = realpath(q.path, NULL);
    const char *p = real ? real : q.path;
    const char *slash = strrchr(p, '/');
    int ok = slash && (size_t)(slash - p) < cap;
    if (ok) {
        memcpy(out, p, (size_t)(slash - p));
        out[slash - p] = 0;
    }
    free(real);
    return ok;
}

/* Try dir/name.model; 1 if it is a file. */
static int try_dir(const char *dir, size_t len, const char *name, char *out, size_t cap) {
    if (len == 0) return 0;
    int k = snprintf(out, cap, "%.*s/%s.model", (int)len, dir, name);
    return k > 0 && (size_t)k < cap && is_file(out);
}

static int scl_models_dirs(char dirs[][1024], int cap) {
    int n = 0;
    char self[1024];
    if (!self_dir(self, sizeof self)) return 0;
    const char *rel[] = {SIAMCL_REL_LIB_DATA "/siamcl/models", SIAMCL_REL_BIN_DATA "/siamcl/models",
                         "share/siamcl/models"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0] && n < cap; i++) {
        int k = snprintf(dirs[n], sizeof dirs[n], "%s/%s", self, rel[i]);
        if (k <= 0 || (size_t)k >= sizeof dirs[n]) continue;
        int dup = 0;
        for (int j = 0; j < n; j++) dup |= !strcmp(dirs[j], dirs[n]);
        if (!dup) n++;
    }
    return n;
}

siamcl_status siamcl_model_find(const char *name, char *out, size_t cap) {
    if (!name || !*name || !out || cap == 0)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_model_find: empty name or output");
    out[0] = 0;
    if (is_file(name)) {
        if (strlen(name) >= cap) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "model path '%.200s' too long", name);
        strcpy(out, name);
        return SIAMCL_OK;
    }
    /* a path (a '/' in it, or a .model file name) that is not a file is missing, not a name */
    size_t nl = strlen(name);
    if (strchr(name, '/') || (nl > 6 && !strcmp(name + nl - 6, ".model")))
        return scl_fail(SIAMCL_ERR_IO, "model description '%.200s' is missing or not a file", name);
    char tried[1536] = "";
    const char *env = getenv("SIAMCL_MODELS");
    for (const char *s = env; s && *s;) {
        size_t len = strcspn(s, ":");
        if (try_dir(s, len, name, out, cap)) return SIAMCL_OK;
        size_t tl = strlen(tried);
        if (len && tl + len + 3 < sizeof tried)
            snprintf(tried + tl, sizeof tried - tl, "%s%.*s", tl ? ", " : "", (int)len, s);
        s += len;
        if (*s == ':') s++;
    }
    char dirs[3][1024];
    int n = scl_models_dirs(dirs, 3);
    for (int i = 0; i < n; i++) {
        if (try_dir(dirs[i], strlen(dirs[i]), name, out, cap)) return SIAMCL_OK;
        size_t tl = strlen(tried);
        if (tl + strlen(dirs[i]) + 3 < sizeof tried)
            snprintf(tried + tl, sizeof tried - tl, "%s%s", tl ? ", " : "", dirs[i]);
    }
    out[0] = 0;
    return scl_fail(SIAMCL_ERR_IO, "no model description '%.200s': not a file, and no %.200s.model in %s",
                    name, name, tried[0] ? tried : "(no folder: set SIAMCL_MODELS)");
}
