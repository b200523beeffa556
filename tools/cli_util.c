/* Helpers shared by subcommands: strict option values, folders. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

int cli_parse_int(const char *opt, const char *s, long lo, long hi, int *out) {
    char *end = NULL;
    errno = 0;
    long v = s && *s ? strtol(s, &end, 10) : 0;
    if (!s || !*s || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "siamcl: %s wants a whole number in %ld..%ld, got '%s'\n", opt, lo, hi, s ? s : "");
        return 0;
    }
    *out = (int)v;
    return 1;
}

int cli_parse_float(const char *opt, const char *s, double lo, double hi, float *out) {
    char *end = NULL;
    errno = 0;
    /* decimal only: strtod would also take hex, inf and nan */
    int plain = s && *s && !strpbrk(s, "xXpPiInN");
    double v = plain ? strtod(s, &end) : 0;
    if (!plain || *end || errno || !(v >= lo && v <= hi)) {
        fprintf(stderr, "siamcl: %s wants a number in %g..%g, got '%s'\n", opt, lo, hi, s ? s : "");
        return 0;
    }
    *out = (float)v;
    return 1;
}

int cli_parse_box(const char *opt, const char *s, siamcl_box *b) {
    double v[4];
    const char *p = s ? s : "";
    int k = strpbrk(p, "xXpP") ? -1 : 0; /* decimal only: strtod would take 0x10 */
    for (; k >= 0 && k < 4; k++) {
        char *end;
        errno = 0;
        v[k] = strtod(p, &end);
        if (end == p || errno || !isfinite(v[k])) break;
        p = end;
        if (k < 3) {
            if (*p != ',') break;
            p++;
        }
    }
    if (k != 4 || *p || !(v[2] > 0) || !(v[3] > 0)) {
        fprintf(stderr, "siamcl: %s wants x,y,w,h (four finite numbers, w and h > 0), got '%s'\n", opt,
                s ? s : "");
        return 0;
    }
    *b = (siamcl_box){(float)v[0], (float)v[1], (float)v[2], (float)v[3]};
    return 1;
}

typedef struct keyed {
    double key;
    int index;
} keyed;

static int by_key_desc(const void *a, const void *b) {
    const keyed *x = a, *y = b;
    if (x->key != y->key) return x->key > y->key ? -1 : 1;
    return x->index - y->index;
}

void cli_order_desc(const double *key, int n, int *order) {
    keyed *k = malloc((size_t)(n > 0 ? n : 1) * sizeof *k);
    if (!k) { /* keep the index order: a valid, if unsorted, order */
        for (int i = 0; i < n; i++) order[i] = i;
        return;
    }
    for (int i = 0; i < n; i++) k[i].key = key[i], k[i].index = i;
    qsort(k, (size_t)n, sizeof *k, by_key_desc);
    for (int i = 0; i < n; i++) order[i] = k[i].index;
    free(k);
}

void cli_bar(char *out, int width, long done, long total) {
    int fill = total > 0 ? (int)(done * width / total) : width;
    for (int i = 0; i < width; i++) out[i] = i < fill ? '#' : '.';
    out[width] = 0;
}

int cli_make_dirs(const char *path) {
    char p[4096];
    if (!path || !*path || snprintf(p, sizeof p, "%s", path) >= (int)sizeof p) return 0;
    for (char *s = p + 1;; s++) {
        char c = *s;
        if (c == '/' || c == 0) {
            *s = 0;
            struct stat st;
            if (mkdir(p, 0777) != 0 && !(errno == EEXIST && stat(p, &st) == 0 && S_ISDIR(st.st_mode))) {
                fprintf(stderr, "siamcl: cannot create the folder %s: %s\n", p, strerror(errno));
                return 0;
            }
            *s = c;
        }
        if (!c) return 1;
    }
}

int cli_is_video_name(const char *path) {
    static const char *ext[] = {".mp4", ".mkv", ".avi", ".mov", ".webm", ".m4v", ".mpg", ".mpeg", ".ts", ".wmv"};
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || strchr(dot, '/')) return 0;
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        size_t n = strlen(ext[i]);
        if (strlen(dot) == n) {
            size_t j = 0;
            while (j < n && (dot[j] | 0x20) == ext[i][j]) j++;
            if (j == n) return 1;
        }
    }
    return 0;
}
