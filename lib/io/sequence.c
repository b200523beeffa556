/* Sequences: an OTB folder (<dir>/img/NNNN.jpg + <dir>/groundtruth_rect[.K].txt)
 * or a plain folder of .jpg/.jpeg/.png frames. Frames are taken in natural
 * name order (digit runs compare as numbers: 2.jpg before 10.jpg, and OTB's
 * zero-padded NNNN.jpg in numeric order whatever the first number). */
#define _XOPEN_SOURCE 700 /* realpath, opendir */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/io.h"

struct siamcl_sequence {
    char *name;
    char **frames; /* full paths */
    int nframes;
    siamcl_box *gt;
    int ngt;
    int ntargets;
};

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Natural order: digit runs compare by value, the rest bytewise; ties (e.g.
 * "1.jpg" / "01.jpg") fall back to strcmp so the order is total. */
static int natcmp(const char *a, const char *b) {
    const char *a0 = a, *b0 = b;
    while (*a && *b) {
        if (is_digit(*a) && is_digit(*b)) {
            while (*a == '0' && is_digit(a[1])) a++;
            while (*b == '0' && is_digit(b[1])) b++;
            size_t la = 0, lb = 0;
            while (is_digit(a[la])) la++;
            while (is_digit(b[lb])) lb++;
            if (la != lb) return la < lb ? -1 : 1;
            int c = memcmp(a, b, la);
            if (c) return c;
            a += la;
            b += lb;
        } else {
            if (*a != *b) return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
            a++;
            b++;
        }
    }
    if (*a || *b) return *a ? 1 : -1;
    return strcmp(a0, b0);
}

static int cmp_paths(const void *x, const void *y) { return natcmp(*(char *const *)x, *(char *const *)y); }

static int has_frame_ext(const char *name) {
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name) return 0;
    static const char *const ext[] = {".jpg", ".jpeg", ".png"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(ext[i]);
        if (strlen(dot) != n) continue;
        size_t k = 0;
        while (k < n && tolower((unsigned char)dot[k]) == ext[i][k]) k++;
        if (k == n) return 1;
    }
    return 0;
}

static char *join(const char *dir, const char *name) {
    size_t a = strlen(dir), b = strlen(name);
    int slash = a > 0 && dir[a - 1] != '/';
    char *p = scl_malloc(a + slash + b + 1);
    if (!p) return NULL;
    memcpy(p, dir, a);
    if (slash) p[a] = '/';
    memcpy(p + a + slash, name, b + 1);
    return p;
}

static int is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void siamcl_sequence_free(siamcl_sequence *seq) {
    if (!seq) return;
    for (int i = 0; i < seq->nframes; i++) scl_free(seq->frames[i]);
    scl_free(seq->frames);
    scl_free(seq->name);
    siamcl_boxes_free(seq->gt);
    scl_free(seq);
}

/* Every frame file of `dir`, sorted. */
static siamcl_status list_frames(siamcl_sequence *seq, const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return scl_fail(SIAMCL_ERR_IO, "%s: cannot list folder: %s", dir, strerror(errno));
    int cap = 0;
    siamcl_status st = SIAMCL_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !has_frame_ext(e->d_name)) continue;
        char *path = join(dir, e->d_name);
        if (!path) {
            st = scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory listing frames", dir);
            break;
        }
        if (!is_file(path)) { /* a folder (or worse) named like a frame: not silently left out */
            st = scl_fail(SIAMCL_ERR_FORMAT, "%s: named like a frame but not a regular file", path);
            scl_free(path);
            break;
        }
        if (seq->nframes == cap) {
            if (cap > (1 << 24)) {
                scl_free(path);
                st = scl_fail(SIAMCL_ERR_FORMAT, "%s: too many frames", dir);
                break;
            }
            int ncap = cap ? cap * 2 : 256;
            char **nf = scl_realloc(seq->frames, (size_t)ncap * sizeof *nf);
            if (!nf) {
                scl_free(path);
                st = scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory listing frames", dir);
                break;
            }
            seq->frames = nf;
            cap = ncap;
        }
        seq->frames[seq->nframes++] = path;
    }
    closedir(d);
    if (st != SIAMCL_OK) return st;
    if (seq->nframes == 0)
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: no frames (.jpg, .jpeg or .png files) in this folder", dir);
    qsort(seq->frames, (size_t)seq->nframes, sizeof *seq->frames, cmp_paths);
    return SIAMCL_OK;
}

/* Ground-truth files of `dir`: *plain = groundtruth_rect.txt exists; K files
 * groundtruth_rect.K.txt counted in *nk, the smallest K in *kmin. */
static siamcl_status scan_groundtruth(const char *dir, int *plain, int *nk, long *kmin) {
    *plain = 0;
    *nk = 0;
    *kmin = 0;
    DIR *d = opendir(dir);
    if (!d) return scl_fail(SIAMCL_ERR_IO, "%s: cannot list folder: %s", dir, strerror(errno));
    static const char pre[] = "groundtruth_rect.";
    const size_t np = sizeof pre - 1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *s = e->d_name;
        if (strncmp(s, pre, np) != 0) continue;
        s += np;
        if (strcmp(s, "txt") == 0) {
            *plain = 1;
            continue;
        }
        const char *q = s;
        while (is_digit(*q)) q++;
        if (q == s || q - s > 6 || strcmp(q, ".txt") != 0) continue;
        long k = strtol(s, NULL, 10);
        if (k < 1) continue;
        (*nk)++;
        if (!*kmin || k < *kmin) *kmin = k;
    }
    closedir(d);
    return SIAMCL_OK;
}

/* The folder's own name ("Jogging" for "/data/otb/Jogging/"). */
static char *base_name(const char *dir) {
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    size_t s = n;
    while (s > 0 && dir[s - 1] != '/') s--;
    const char *b = dir + s;
    size_t len = n - s;
    if (len == 0 || (len == 1 && b[0] == '.') || (len == 2 && b[0] == '.' && b[1] == '.') ||
        (len == 1 && b[0] == '/')) {
        char *real = realpath(dir, NULL); /* "." and friends: name the real folder */
        char *out = NULL;
        if (real) {
            const char *slash = strrchr(real, '/');
            const char *r = slash && slash[1] ? slash + 1 : "sequence";
            out = scl_strdup(r);
            free(real);
            return out;
        }
        return scl_strdup("sequence");
    }
    char *p = scl_malloc(len + 1);
    if (!p) return NULL;
    memcpy(p, b, len);
    p[len] = 0;
    return p;
}

static siamcl_status open_seq(const char *dir, int target, siamcl_sequence *seq) {
    struct stat st;
    if (stat(dir, &st) != 0) return scl_fail(SIAMCL_ERR_IO, "%s: no such folder: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode)) return scl_fail(SIAMCL_ERR_IO, "%s: not a folder", dir);

    char *img = join(dir, "img");
    if (!img) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", dir);
    siamcl_status s = list_frames(seq, is_dir(img) ? img : dir);
    scl_free(img);
    SCL_TRY(s);

    int plain, nk;
    long kmin;
    SCL_TRY(scan_groundtruth(dir, &plain, &nk, &kmin));
    seq->ntargets = nk > 0 ? nk : plain;
    long k = 0; /* the K file to read; 0 = groundtruth_rect.txt, -1 = none */
    if (target == 0) {
        k = plain ? 0 : nk ? kmin : -1;
    } else {
        char fname[64];
        snprintf(fname, sizeof fname, "groundtruth_rect.%d.txt", target);
        char *p = join(dir, fname);
        if (!p) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", dir);
        int exists = is_file(p);
        scl_free(p);
        if (exists)
            k = target;
        else if (target == 1 && plain && nk == 0)
            k = 0;
        else
            return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "%s: no ground truth for target %d (%d target(s) found)", dir,
                            target, seq->ntargets);
    }

    char *bn = base_name(dir);
    if (!bn) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", dir);
    if (k > 0 && nk >= 2) {
        size_t n = strlen(bn) + 24;
        seq->name = scl_malloc(n);
        if (seq->name) snprintf(seq->name, n, "%s-%ld", bn, k);
        scl_free(bn);
        if (!seq->name) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", dir);
    } else {
        seq->name = bn;
    }

    if (k >= 0) {
        char fname[64];
        if (k == 0)
            snprintf(fname, sizeof fname, "groundtruth_rect.txt");
        else
            snprintf(fname, sizeof fname, "groundtruth_rect.%ld.txt", k);
        char *p = join(dir, fname);
        if (!p) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", dir);
        s = siamcl_boxes_read(p, &seq->gt, &seq->ngt);
        if (s == SIAMCL_OK) s = scl_boxes_check_gt(p, seq->gt, seq->ngt);
        scl_free(p);
        SCL_TRY(s);
    }
    return SIAMCL_OK;
}

siamcl_status siamcl_sequence_open(const char *dir, int target, siamcl_sequence **out) {
    if (!out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_sequence_open: NULL out");
    *out = NULL;
    if (!dir || !*dir) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_sequence_open: no folder given");
    if (target < 0) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_sequence_open: target %d < 0", target);
    siamcl_sequence *seq = scl_calloc(1, sizeof *seq);
    if (!seq) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", dir);
    siamcl_status st = open_seq(dir, target, seq);
    if (st != SIAMCL_OK) {
        siamcl_sequence_free(seq);
        return st;
    }
    *out = seq;
    return SIAMCL_OK;
}

const char *siamcl_sequence_name(const siamcl_sequence *seq) { return seq ? seq->name : NULL; }
int siamcl_sequence_length(const siamcl_sequence *seq) { return seq ? seq->nframes : 0; }
int siamcl_sequence_target_count(const siamcl_sequence *seq) { return seq ? seq->ntargets : 0; }
int siamcl_sequence_groundtruth_count(const siamcl_sequence *seq) { return seq ? seq->ngt : 0; }

const char *siamcl_sequence_frame_path(const siamcl_sequence *seq, int i) {
    if (!seq || i < 0 || i >= seq->nframes) return NULL;
    return seq->frames[i];
}

int siamcl_sequence_groundtruth(const siamcl_sequence *seq, int i, siamcl_box *box) {
    if (!seq || !box || i < 0 || i >= seq->nframes || i >= seq->ngt) return 0;
    *box = seq->gt[i];
    return 1;
}

siamcl_status siamcl_sequence_load_frame(const siamcl_sequence *seq, int i, siamcl_image *out) {
    if (!seq || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_sequence_load_frame: NULL argument");
    if (i < 0 || i >= seq->nframes)
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "%s: frame %d outside 0..%d", seq->name, i, seq->nframes - 1);
    return siamcl_image_load(seq->frames[i], out);
}
