/* The OTB benchmark's facts and quirks: sequence names (matched across case
 * and -/_/.), the OTB-2013 / OTB-2015 sequence sets, the special frame ranges
 * (../shared/data/README.md, spec/SIAMFC.md 6.4), attributes, finding a
 * sequence's box file in a folder, and aligning a result with its ground truth. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "eval/eval_impl.h"

/* ---- names ---- */

void scl_eval_name_key(const char *name, char *key, size_t cap) {
    size_t n = 0;
    size_t len = name ? strlen(name) : 0;
    if (len >= 4 && !strcasecmp(name + len - 4, ".txt")) len -= 4;
    for (size_t i = 0; i < len && n + 1 < cap; i++) {
        char c = name[i];
        if (c == '-' || c == '_' || c == '.') continue;
        key[n++] = (char)tolower((unsigned char)c);
    }
    if (cap) key[n] = 0;
    /* the benchmark's Human4 is target 2 of the Human4 folder */
    if (!strcmp(key, "human4") && cap > 7) strcpy(key, "human42");
}

int siamcl_eval_name_equal(const char *a, const char *b) {
    if (!a || !b) return 0;
    char ka[128], kb[128];
    scl_eval_name_key(a, ka, sizeof ka);
    scl_eval_name_key(b, kb, sizeof kb);
    return ka[0] && !strcmp(ka, kb);
}

/* ---- sets ---- */

/* OTB-2015 (OTB-100 / TB-100): 100 targets. */
static const char *const set2015[] = {
    "Basketball", "Biker", "Bird1", "Bird2", "BlurBody", "BlurCar1", "BlurCar2", "BlurCar3", "BlurCar4",
    "BlurFace", "BlurOwl", "Board", "Bolt", "Bolt2", "Box", "Boy", "Car1", "Car2", "Car24", "Car4", "CarDark",
    "CarScale", "ClifBar", "Coke", "Couple", "Coupon", "Crossing", "Crowds", "Dancer", "Dancer2", "David",
    "David2", "David3", "Deer", "Diving", "Dog", "Dog1", "Doll", "DragonBaby", "Dudek", "FaceOcc1",
    "FaceOcc2", "Fish", "FleetFace", "Football", "Football1", "Freeman1", "Freeman3", "Freeman4", "Girl",
    "Girl2", "Gym", "Human2", "Human3", "Human4-2", "Human5", "Human6", "Human7", "Human8", "Human9",
    "Ironman", "Jogging-1", "Jogging-2", "Jump", "Jumping", "KiteSurf", "Lemming", "Liquor", "Man", "Matrix",
    "Mhyang", "MotorRolling", "MountainBike", "Panda", "RedTeam", "Rubik", "Shaking", "Singer1", "Singer2",
    "Skater", "Skater2", "Skating1", "Skating2-1", "Skating2-2", "Skiing", "Soccer", "Subway", "Surfer",
    "Suv", "Sylvester", "Tiger1", "Tiger2", "Toy", "Trans", "Trellis", "Twinnings", "Vase", "Walking",
    "Walking2", "Woman",
};
/* OTB-2013: the 51 targets of ../shared/data/otb-anno/OTB2013.txt (tests/test-eval.c checks both). */
static const char *const set2013[] = {
    "Basketball", "Bolt", "Boy", "Car4", "CarDark", "CarScale", "Coke", "Couple", "Crossing", "David",
    "David2", "David3", "Deer", "Dog1", "Doll", "Dudek", "FaceOcc1", "FaceOcc2", "Fish", "FleetFace",
    "Football", "Football1", "Freeman1", "Freeman3", "Freeman4", "Girl", "Ironman", "Jogging-1", "Jogging-2",
    "Jumping", "Lemming", "Liquor", "Matrix", "Mhyang", "MotorRolling", "MountainBike", "Shaking", "Singer1",
    "Singer2", "Skating1", "Skiing", "Soccer", "Subway", "Suv", "Sylvester", "Tiger1", "Tiger2", "Trellis",
    "Walking", "Walking2", "Woman",
};
#define N2015 ((int)(sizeof set2015 / sizeof set2015[0]))
#define N2013 ((int)(sizeof set2013 / sizeof set2013[0]))

int scl_eval_set_kind(const char *set) {
    if (!set) return 0;
    char k[64];
    scl_eval_name_key(set, k, sizeof k);
    if (!strcmp(k, "otb2015") || !strcmp(k, "otb100") || !strcmp(k, "tb100")) return 2015;
    if (!strcmp(k, "otb2013") || !strcmp(k, "cvpr2013") || !strcmp(k, "cvpr13")) return 2013;
    return 0;
}

int siamcl_eval_set_builtin(const char *set, const char *const **names) {
    int k = scl_eval_set_kind(set);
    if (names) *names = NULL;
    if (k == 2015) {
        if (names) *names = set2015;
        return N2015;
    }
    if (k == 2013) {
        if (names) *names = set2013;
        return N2013;
    }
    return 0;
}

const char *scl_eval_canonical(const char *name) {
    for (int i = 0; i < N2015; i++)
        if (siamcl_eval_name_equal(name, set2015[i])) return set2015[i];
    return NULL;
}

/* ---- frame ranges ---- */

static const struct {
    const char *name;
    int first, last, init_omit;
} ranges[] = {
    {"David", 300, 770, 0},    {"Football1", 1, 74, 0}, {"Freeman3", 1, 460, 0}, {"Freeman4", 1, 283, 0},
    {"Diving", 1, 215, 0},     {"BlurCar1", 247, 988, 0}, {"BlurCar3", 3, 359, 0}, {"BlurCar4", 18, 397, 0},
    {"Tiger1", 1, 354, 5},
};

int siamcl_eval_frame_range(const char *name, siamcl_eval_range *out) {
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        if (siamcl_eval_name_equal(name, ranges[i].name)) {
            if (out) {
                out->first = ranges[i].first;
                out->last = ranges[i].last;
                out->init_omit = ranges[i].init_omit;
            }
            return 1;
        }
    }
    if (out) memset(out, 0, sizeof *out);
    return 0;
}

siamcl_status siamcl_eval_align(const char *name, int ngt, int nres, int otb2013, const char *res_path,
                                int *gt_off, int *res_off, int *n) {
    if (!gt_off || !res_off || !n) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_eval_align: NULL argument");
    *gt_off = *res_off = *n = 0;
    const char *what = res_path ? res_path : (name ? name : "result");
    if (ngt <= 0) return scl_fail(SIAMCL_ERR_FORMAT, "%s: the ground truth of %s is empty", what, name ? name : "?");
    if (nres <= 0) return scl_fail(SIAMCL_ERR_FORMAT, "%s: no boxes", what);
    siamcl_eval_range r;
    int has = siamcl_eval_frame_range(name, &r);
    int omit = has ? r.init_omit : 0;
    if (omit > 0 && omit < ngt) {
        /* Tiger1: OTB-2015 starts at GT row omit+1; OTB-2013 scores all rows */
        if (nres == ngt - omit) { /* the result starts at frame omit+1 */
            *gt_off = omit;
            *n = nres;
            return SIAMCL_OK;
        }
        if (nres == ngt) {
            if (!otb2013) *gt_off = *res_off = omit;
            *n = ngt - *gt_off;
            return SIAMCL_OK;
        }
    }
    if (nres == ngt) {
        *n = ngt;
        return SIAMCL_OK;
    }
    int span = has ? r.last - r.first + 1 : 0;
    if (has && nres > ngt && ngt == span && nres >= r.last) {
        /* rows indexed by image number (a result over every frame of the folder) */
        *res_off = r.first - 1;
        *n = ngt;
        return SIAMCL_OK;
    }
    if (has && r.first > 1)
        return scl_fail(SIAMCL_ERR_FORMAT,
                        "%s: %d boxes, but the ground truth of %s has %d (frames %d-%d): expected %d, or %d+ "
                        "rows indexed by frame number",
                        what, nres, name, ngt, r.first, r.last, ngt, r.last);
    return scl_fail(SIAMCL_ERR_FORMAT, "%s: %d boxes, but the ground truth of %s has %d: %s", what, nres,
                    name ? name : "?", ngt, nres < ngt ? "result too short" : "result too long");
}

/* ---- attributes ---- */

static const char *attr_names[SIAMCL_EVAL_ATTR_COUNT] = {"IV", "SV", "OCC", "DEF", "MB", "FM",
                                                         "IPR", "OPR", "OV", "BC", "LR"};
static const char *attr_titles[SIAMCL_EVAL_ATTR_COUNT] = {
    "Illumination variation", "Scale variation", "Occlusion",       "Deformation",
    "Motion blur",            "Fast motion",     "In-plane rotation", "Out-of-plane rotation",
    "Out of view",            "Background clutter", "Low resolution"};

const char *siamcl_eval_attr_name(int a) { return a >= 0 && a < SIAMCL_EVAL_ATTR_COUNT ? attr_names[a] : NULL; }
const char *siamcl_eval_attr_title(int a) { return a >= 0 && a < SIAMCL_EVAL_ATTR_COUNT ? attr_titles[a] : NULL; }

static int attr_index(const char *tok) {
    for (int a = 0; a < SIAMCL_EVAL_ATTR_COUNT; a++)
        if (!strcasecmp(tok, attr_names[a])) return a;
    return -1;
}

/* Read a small text file whole (NUL-terminated). */
static siamcl_status read_text(const char *path, char **out) {
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return scl_fail(SIAMCL_ERR_IO, "%s: cannot open", path);
    size_t cap = 4096, n = 0;
    char *buf = scl_malloc(cap);
    if (!buf) {
        fclose(f);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", path);
    }
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > ((size_t)1 << 26)) {
                scl_free(buf);
                fclose(f);
                return scl_fail(SIAMCL_ERR_FORMAT, "%s: too large for a list file", path);
            }
            char *nb = scl_realloc(buf, cap * 2);
            if (!nb) {
                scl_free(buf);
                fclose(f);
                return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", path);
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (got == 0) break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        scl_free(buf);
        return scl_fail(SIAMCL_ERR_IO, "%s: read error", path);
    }
    buf[n] = 0;
    if (strlen(buf) != n) {
        scl_free(buf);
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: binary data (NUL byte)", path);
    }
    *out = buf;
    return SIAMCL_OK;
}

/* att/<Seq>.txt: 11 comma-separated 0/1 flags in the OTB toolkit's attName
 * order IV, OPR, SV, OCC, DEF, MB, FM, IPR, OV, BC, LR -- not the order of the
 * CVPR 2013 paper that data/README.md gives. Checked against OTB2013.txt: in
 * this order the flags of the 51 OTB-2013 sequences agree with it except three
 * (Coke BC, Crossing FM and OPR, which the 2015 annotation dropped); in the
 * README's order most columns disagree (tests/test-eval.c). */
static const int att_column[SIAMCL_EVAL_ATTR_COUNT] = {
    SIAMCL_EVAL_ATTR_IV,  SIAMCL_EVAL_ATTR_OPR, SIAMCL_EVAL_ATTR_SV, SIAMCL_EVAL_ATTR_OCC,
    SIAMCL_EVAL_ATTR_DEF, SIAMCL_EVAL_ATTR_MB,  SIAMCL_EVAL_ATTR_FM, SIAMCL_EVAL_ATTR_IPR,
    SIAMCL_EVAL_ATTR_OV,  SIAMCL_EVAL_ATTR_BC,  SIAMCL_EVAL_ATTR_LR};
static siamcl_status read_att_flags(const char *path, unsigned *mask) {
    char *text;
    SCL_TRY(read_text(path, &text));
    unsigned m = 0;
    int n = 0, line = 1, bad = 0;
    for (char *s = text; *s && !bad; s++) {
        if (*s == '\n') {
            line++;
        } else if (*s == '0' || *s == '1') {
            if (n < SIAMCL_EVAL_ATTR_COUNT && *s == '1') m |= 1u << att_column[n];
            n++;
            if (isdigit((unsigned char)s[1])) bad = 1;
        } else if (*s != ',' && *s != ' ' && *s != '\t' && *s != '\r') {
            bad = 1;
        }
    }
    scl_free(text);
    if (bad) return scl_fail(SIAMCL_ERR_FORMAT, "%s:%d: attribute flags must be 0 or 1", path, line);
    if (n != SIAMCL_EVAL_ATTR_COUNT)
        return scl_fail(SIAMCL_ERR_FORMAT, "%s:%d: %d attribute flags, expected %d", path, line, n,
                        SIAMCL_EVAL_ATTR_COUNT);
    *mask = m;
    return SIAMCL_OK;
}

/* OTB2013.txt: "<Seq>\t<ATTR>, <ATTR>, ..." per line. Returns 1 in *found and
 * the mask when name is listed. */
static siamcl_status read_otb2013_list(const char *path, const char *name, unsigned *mask, int *found) {
    char *text;
    SCL_TRY(read_text(path, &text));
    *found = 0;
    siamcl_status st = SIAMCL_OK;
    int line = 0;
    for (char *s = text; s && *s && st == SIAMCL_OK && !*found;) {
        line++;
        char *nl = strchr(s, '\n');
        if (nl) *nl = 0;
        char *tok = strtok(s, " \t\r,");
        if (tok && siamcl_eval_name_equal(tok, name)) {
            unsigned m = 0;
            while ((tok = strtok(NULL, " \t\r,"))) {
                int a = attr_index(tok);
                if (a < 0) {
                    st = scl_fail(SIAMCL_ERR_FORMAT, "%s:%d: unknown attribute '%s'", path, line, tok);
                    break;
                }
                m |= 1u << a;
            }
            *mask = m;
            *found = st == SIAMCL_OK;
        }
        s = nl ? nl + 1 : NULL;
    }
    scl_free(text);
    return st;
}

siamcl_status scl_eval_attributes(const char *dir, const char *name, int prefer_2013, unsigned *mask, int *found) {
    *mask = 0;
    *found = 0;
    if (!dir) return SIAMCL_OK;
    char path[4096], att[4096];
    snprintf(path, sizeof path, "%s/OTB2013.txt", dir);
    snprintf(att, sizeof att, "%s/att", dir);
    struct stat sb;
    int have_list = stat(path, &sb) == 0;
    if (prefer_2013 && have_list) {
        SCL_TRY(read_otb2013_list(path, name, mask, found));
        if (*found) return SIAMCL_OK;
    }
    char file[4096];
    if (stat(att, &sb) == 0 && scl_eval_find_flat(att, name, file, sizeof file) == 0) {
        SCL_TRY(read_att_flags(file, mask));
        *found = 1;
        return SIAMCL_OK;
    }
    if (!prefer_2013 && have_list) SCL_TRY(read_otb2013_list(path, name, mask, found));
    return SIAMCL_OK;
}

/* ---- files ---- */

int scl_eval_find_flat(const char *dir, const char *name, char *out, size_t cap) {
    if (!out || cap == 0) return -1;
    DIR *d = opendir(dir);
    if (!d) return -1;
    struct dirent *e;
    int found = -1;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcasecmp(e->d_name + len - 4, ".txt")) continue;
        if (!siamcl_eval_name_equal(e->d_name, name)) continue;
        snprintf(out, cap, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(out, &sb) == 0 && S_ISREG(sb.st_mode)) {
            found = 0;
            break;
        }
    }
    closedir(d);
    return found;
}

/* A sub-folder of dir whose name matches `base`. */
static int find_subdir(const char *dir, const char *base, char *out, size_t cap) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    struct dirent *e;
    int found = -1;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !siamcl_eval_name_equal(e->d_name, base)) continue;
        snprintf(out, cap, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(out, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            found = 0;
            break;
        }
    }
    closedir(d);
    return found;
}

int scl_eval_split_target(const char *name, char *base, size_t cap) {
    const char *canon = scl_eval_canonical(name);
    const char *s = canon ? canon : name;
    size_t len = strlen(s);
    if (len >= 4 && !strcasecmp(s + len - 4, ".txt")) len -= 4;
    size_t i = len;
    while (i > 0 && isdigit((unsigned char)s[i - 1])) i--;
    int target = 0;
    size_t blen = len;
    if (i < len && i > 1 && (s[i - 1] == '-' || s[i - 1] == '_' || s[i - 1] == '.')) {
        target = 0;
        for (size_t k = i; k < len; k++) target = target * 10 + (s[k] - '0');
        blen = i - 1;
    }
    if (blen >= cap) blen = cap - 1;
    memcpy(base, s, blen);
    base[blen] = 0;
    return target;
}

siamcl_status siamcl_eval_find_file(const char *dir, const char *name, char *out, size_t cap) {
    if (!dir || !name || !out || cap == 0)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_eval_find_file: NULL argument");
    out[0] = 0;
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) return scl_fail(SIAMCL_ERR_IO, "%s: no such folder", dir);
    if (scl_eval_find_flat(dir, name, out, cap) == 0) return SIAMCL_OK;
    /* OTB layout: <dir>/<Seq>/groundtruth_rect[.K].txt */
    char base[256], sub[4096];
    int target = scl_eval_split_target(name, base, sizeof base);
    if (find_subdir(dir, base, sub, sizeof sub) == 0) {
        if (target > 0) snprintf(out, cap, "%s/groundtruth_rect.%d.txt", sub, target);
        else snprintf(out, cap, "%s/groundtruth_rect.txt", sub);
        if (stat(out, &sb) == 0 && S_ISREG(sb.st_mode)) return SIAMCL_OK;
    }
    /* a folder named after the whole name (e.g. "Jogging-1/groundtruth_rect.txt") */
    if (target > 0 && find_subdir(dir, name, sub, sizeof sub) == 0) {
        snprintf(out, cap, "%s/groundtruth_rect.txt", sub);
        if (stat(out, &sb) == 0 && S_ISREG(sb.st_mode)) return SIAMCL_OK;
    }
    out[0] = 0;
    return scl_fail(SIAMCL_ERR_IO, "%s: no box file for sequence %s", dir, name);
}
