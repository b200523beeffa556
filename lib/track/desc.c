/* Model description files: "key = value" lines, '#' starts a comment.
 * Parsed into a siamcl_tracker_desc; ONNX paths resolved on a search path.
 * The format is documented in the README ("Model descriptions"). */
#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track/track.h"

#define MAX_ENTRIES 64

typedef struct entry {
    char key[32];
    char val[1024];
    int line;
    int used;
} entry;

typedef struct parser {
    const char *origin;
    entry e[MAX_ENTRIES];
    int n;
} parser;

static char *trim(char *s) {
    while (*s && isspace((unsigned char)*s)) s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1])) *--end = 0;
    return s;
}

static entry *find(parser *p, const char *key) {
    for (int i = 0; i < p->n; i++)
        if (!strcmp(p->e[i].key, key)) {
            p->e[i].used = 1;
            return &p->e[i];
        }
    return NULL;
}

static siamcl_status bad(const parser *p, const entry *e, const char *what) {
    return scl_fail(SIAMCL_ERR_FORMAT, "%s:%d: %s = '%s': %s", p->origin, e->line, e->key, e->val, what);
}

static siamcl_status get_int(parser *p, const char *key, int *v, int lo, int hi) {
    entry *e = find(p, key);
    if (!e) return SIAMCL_OK;
    char *end;
    errno = 0;
    long x = strtol(e->val, &end, 10);
    if (end == e->val || *end || errno) return bad(p, e, "not an integer");
    if (x < lo || x > hi) {
        char msg[96];
        snprintf(msg, sizeof msg, "must lie in [%d, %d]", lo, hi);
        return bad(p, e, msg);
    }
    *v = (int)x;
    return SIAMCL_OK;
}

/* The tracking settings (what a tracker may change without rebuilding its
 * networks): their keys, fields and ranges, for the parser, set_params and
 * siamcl_tracker_desc_setting. siamfc: 1 SiamFC only, 0 NanoTrack only, -1 both. */
typedef struct setting {
    const char *key;
    size_t off;
    double lo, hi;
    int siamfc;
} setting;

#define SETTING(k, lo, hi, fc) {#k, offsetof(siamcl_tracker_desc, k), lo, hi, fc}
static const setting SETTINGS[] = {
    SETTING(context, 0, 10, -1),        SETTING(window_influence, 0, 1, -1), SETTING(min_size, 0, 1e4, -1),
    SETTING(scale_step, 1e-3, 10, 1),   SETTING(scale_penalty, 0, 10, 1),    SETTING(scale_lr, 0, 1, 1),
    SETTING(scale_min, 1e-3, 1e3, 1),   SETTING(scale_max, 1e-3, 1e3, 1),    SETTING(penalty_k, 0, 100, 0),
    SETTING(lr, 0, 1, 0),
};
#undef SETTING

static const setting *setting_of(const char *key) {
    for (size_t i = 0; i < sizeof SETTINGS / sizeof SETTINGS[0]; i++)
        if (!strcmp(SETTINGS[i].key, key)) return &SETTINGS[i];
    return NULL;
}

double *siamcl_tracker_desc_setting(siamcl_tracker_desc *d, const char *key) {
    const setting *s = d && key ? setting_of(key) : NULL;
    return s ? (double *)((char *)d + s->off) : NULL;
}

const char *scl_desc_setting_out_of_range(const siamcl_tracker_desc *d) {
    int fc = d->kind == SIAMCL_TRACKER_SIAMFC;
    for (size_t i = 0; i < sizeof SETTINGS / sizeof SETTINGS[0]; i++) {
        const setting *s = &SETTINGS[i];
        if (s->siamfc >= 0 && s->siamfc != fc) continue;
        double v = *(const double *)((const char *)d + s->off);
        if (!(v >= s->lo && v <= s->hi)) return s->key;
    }
    return fc && d->scale_max < d->scale_min ? "scale_max" : NULL;
}

static siamcl_status get_real(parser *p, const char *key, double *v, double lo, double hi) {
    entry *e = find(p, key);
    if (!e) return SIAMCL_OK;
    char *end;
    errno = 0;
    double x = strtod(e->val, &end);
    if (end == e->val || *end || errno || !isfinite(x)) return bad(p, e, "not a finite number");
    if (x < lo || x > hi) {
        char msg[96];
        snprintf(msg, sizeof msg, "must lie in [%g, %g]", lo, hi);
        return bad(p, e, msg);
    }
    *v = x;
    return SIAMCL_OK;
}

/* A tracking setting, with its range from SETTINGS. */
static siamcl_status get_setting(parser *p, const char *key, siamcl_tracker_desc *d) {
    const setting *s = setting_of(key);
    return get_real(p, key, siamcl_tracker_desc_setting(d, key), s->lo, s->hi);
}

static int readable(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    fclose(f);
    return 1;
}

/* Resolve `rel` against the search path, then `dir` (the description's folder). */
static siamcl_status resolve(const parser *p, const entry *e, const char *search, const char *dir, char *out,
                             size_t cap) {
    const char *rel = e->val;
    if (rel[0] == '/') {
        if (strlen(rel) >= cap) return bad(p, e, "path too long");
        if (!readable(rel))
            return scl_fail(SIAMCL_ERR_IO, "%s:%d: %s file '%s' is missing or unreadable", p->origin, e->line,
                            e->key, rel);
        strcpy(out, rel);
        return SIAMCL_OK;
    }
    char tried[1024] = "";
    const char *s = search;
    for (int pass = 0; pass < 2; pass++) {
        const char *list = pass == 0 ? s : dir;
        if (!list) continue;
        while (*list) {
            const char *colon = pass == 0 ? strchr(list, ':') : NULL;
            size_t len = colon ? (size_t)(colon - list) : strlen(list);
            if (len > 0) {
                int k = snprintf(out, cap, "%.*s/%s", (int)len, list, rel);
                if (k > 0 && (size_t)k < cap && readable(out)) return SIAMCL_OK;
                size_t tl = strlen(tried);
                if (tl + len + 3 < sizeof tried)
                    snprintf(tried + tl, sizeof tried - tl, "%s%.*s", tl ? ", " : "", (int)len, list);
            }
            list += len;
            if (*list == ':') list++;
        }
    }
    out[0] = 0;
    return scl_fail(SIAMCL_ERR_IO, "%s:%d: %s file '%s' not found in %s", p->origin, e->line, e->key, rel,
                    tried[0] ? tried : "(no folder)");
}

/* The ONNX search list when the caller gives none: the description's own
 * folder (the installed layout keeps the networks beside it), each folder of
 * SIAMCL_MODELS, $SIAMCL_SHARED/models, then ../shared/models. */
static void default_search(const char *dir, char *out, size_t cap) {
    const char *models = getenv("SIAMCL_MODELS"), *shared = getenv("SIAMCL_SHARED");
    snprintf(out, cap, "%s%s%s%s%s%s%s../shared/models", dir, dir[0] ? ":" : "", models ? models : "",
             models && *models ? ":" : "", shared && *shared ? shared : "", shared && *shared ? "/models" : "",
             shared && *shared ? ":" : "");
}

static void defaults(siamcl_tracker_desc *d, siamcl_tracker_kind kind) {
    d->kind = kind;
    d->flavour = SIAMCL_SIAMFC_ORIGINAL;
    d->bgr = 1;
    d->exemplar_size = 127;
    d->instance_size = 255;
    d->context = 0.5;
    d->min_size = 10.0;
    if (kind == SIAMCL_TRACKER_SIAMFC) {
        /* the SiamFC-3s settings */
        d->stride = 8;
        d->score_size = 17;
        d->head_scale = 1.0;
        d->head_bias = 0.0;
        d->scale_count = 3;
        d->scale_step = 1.0375;
        d->scale_penalty = 0.9745;
        d->scale_lr = 0.59;
        d->response_up = 16;
        d->scale_min = 0.2;
        d->scale_max = 5.0;
        d->window_influence = 0.176;
    } else {
        d->stride = 16;
        d->score_size = 0;       /* required */
        d->window_influence = -1; /* required */
        d->penalty_k = -1;        /* required */
        d->lr = -1;               /* required */
    }
}

static siamcl_status split_lines(parser *p, const char *text) {
    int line = 0;
    const char *s = text;
    while (*s) {
        line++;
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        char buf[1200];
        if (len >= sizeof buf) return scl_fail(SIAMCL_ERR_FORMAT, "%s:%d: line too long", p->origin, line);
        memcpy(buf, s, len);
        buf[len] = 0;
        s += len + (nl ? 1 : 0);
        char *hash = strchr(buf, '#');
        if (hash) *hash = 0;
        char *l = trim(buf);
        if (!*l) continue;
        char *eq = strchr(l, '=');
        if (!eq) return scl_fail(SIAMCL_ERR_FORMAT, "%s:%d: expected 'key = value', got '%s'", p->origin, line, l);
        *eq = 0;
        char *key = trim(l), *val = trim(eq + 1);
        if (!*key || !*val)
            return scl_fail(SIAMCL_ERR_FORMAT, "%s:%d: empty key or value", p->origin, line);
        if (strlen(key) >= sizeof p->e[0].key || strlen(val) >= sizeof p->e[0].val)
            return scl_fail(SIAMCL_ERR_FORMAT, "%s:%d: key or value too long", p->origin, line);
        for (char *c = key; *c; c++) *c = (char)tolower((unsigned char)*c);
        for (int i = 0; i < p->n; i++)
            if (!strcmp(p->e[i].key, key))
                return scl_fail(SIAMCL_ERR_FORMAT, "%s:%d: '%s' already set on line %d", p->origin, line, key,
                                p->e[i].line);
        if (p->n == MAX_ENTRIES) return scl_fail(SIAMCL_ERR_FORMAT, "%s:%d: too many keys", p->origin, line);
        entry *e = &p->e[p->n++];
        strcpy(e->key, key);
        strcpy(e->val, val);
        e->line = line;
        e->used = 0;
    }
    return SIAMCL_OK;
}

static siamcl_status parse(parser *p, const char *text, const char *search, siamcl_tracker_desc *d) {
    SCL_TRY(split_lines(p, text));
    entry *e = find(p, "tracker");
    if (!e) return scl_fail(SIAMCL_ERR_FORMAT, "%s: missing 'tracker = siamfc | nanotrack'", p->origin);
    siamcl_tracker_kind kind;
    if (!strcmp(e->val, "siamfc"))
        kind = SIAMCL_TRACKER_SIAMFC;
    else if (!strcmp(e->val, "nanotrack"))
        kind = SIAMCL_TRACKER_NANOTRACK;
    else
        return bad(p, e, "tracker must be siamfc or nanotrack");
    defaults(d, kind);

    /* name: given, else the file's base name */
    if ((e = find(p, "name"))) {
        if (strlen(e->val) >= sizeof d->name) return bad(p, e, "name too long");
        strcpy(d->name, e->val);
    } else {
        const char *b = strrchr(p->origin, '/');
        b = b ? b + 1 : p->origin;
        size_t len = strcspn(b, ".");
        if (len >= sizeof d->name) len = sizeof d->name - 1;
        memcpy(d->name, b, len);
        d->name[len] = 0;
    }
    if ((e = find(p, "flavour"))) {
        if (kind != SIAMCL_TRACKER_SIAMFC) return bad(p, e, "flavour applies to siamfc trackers only");
        if (!strcmp(e->val, "original"))
            d->flavour = SIAMCL_SIAMFC_ORIGINAL;
        else if (!strcmp(e->val, "siamdw"))
            d->flavour = SIAMCL_SIAMFC_SIAMDW;
        else
            return bad(p, e, "flavour must be original or siamdw");
    }
    if ((e = find(p, "input_order"))) {
        if (!strcmp(e->val, "bgr"))
            d->bgr = 1;
        else if (!strcmp(e->val, "rgb"))
            d->bgr = 0;
        else
            return bad(p, e, "input_order must be bgr or rgb");
    }
    SCL_TRY(get_int(p, "exemplar_size", &d->exemplar_size, 8, 4096));
    SCL_TRY(get_int(p, "instance_size", &d->instance_size, 8, 4096));
    SCL_TRY(get_int(p, "stride", &d->stride, 1, 256));
    SCL_TRY(get_int(p, "score_size", &d->score_size, 1, 256));
    SCL_TRY(get_setting(p, "context", d));
    SCL_TRY(get_setting(p, "window_influence", d));
    SCL_TRY(get_setting(p, "min_size", d));
    if (kind == SIAMCL_TRACKER_SIAMFC) {
        SCL_TRY(get_real(p, "head_scale", &d->head_scale, -1e6, 1e6));
        SCL_TRY(get_real(p, "head_bias", &d->head_bias, -1e6, 1e6));
        SCL_TRY(get_int(p, "scales", &d->scale_count, 1, SIAMCL_TRACKER_MAX_SCALES));
        if (d->scale_count % 2 == 0)
            return scl_fail(SIAMCL_ERR_FORMAT, "%s: the number of scales (%d) must be odd", p->origin,
                            d->scale_count);
        SCL_TRY(get_setting(p, "scale_step", d));
        SCL_TRY(get_setting(p, "scale_penalty", d));
        SCL_TRY(get_setting(p, "scale_lr", d));
        SCL_TRY(get_int(p, "response_up", &d->response_up, 1, 64));
        SCL_TRY(get_setting(p, "scale_min", d));
        SCL_TRY(get_setting(p, "scale_max", d));
        if (d->scale_max < d->scale_min)
            return scl_fail(SIAMCL_ERR_FORMAT, "%s: scale_max %g is below scale_min %g", p->origin, d->scale_max,
                            d->scale_min);
        if (d->score_size * d->response_up > 2048)
            return scl_fail(SIAMCL_ERR_FORMAT, "%s: score_size x response_up = %d is too large", p->origin,
                            d->score_size * d->response_up);
    } else {
        SCL_TRY(get_setting(p, "penalty_k", d));
        SCL_TRY(get_setting(p, "lr", d));
        const char *req[] = {"score_size", "window_influence", "penalty_k", "lr", "head"};
        int missing[] = {d->score_size <= 0, d->window_influence < 0, d->penalty_k < 0, d->lr < 0,
                         !find(p, "head")};
        for (int i = 0; i < 5; i++)
            if (missing[i])
                return scl_fail(SIAMCL_ERR_FORMAT, "%s: a nanotrack description needs '%s'", p->origin, req[i]);
    }
    if (d->instance_size <= d->exemplar_size)
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: instance_size %d must exceed exemplar_size %d", p->origin,
                        d->instance_size, d->exemplar_size);

    /* files last, so format errors are reported before missing files */
    char dir[1024] = "";
    const char *slash = strrchr(p->origin, '/');
    if (slash && (size_t)(slash - p->origin) < sizeof dir) {
        memcpy(dir, p->origin, (size_t)(slash - p->origin));
        dir[slash - p->origin] = 0;
    }
    char deflist[4096];
    const char *last = dir[0] ? dir : NULL;
    if (!search) {
        default_search(dir, deflist, sizeof deflist);
        search = deflist;
        last = NULL;
    }
    e = find(p, "backbone");
    if (!e) return scl_fail(SIAMCL_ERR_FORMAT, "%s: missing 'backbone = <onnx file>'", p->origin);
    SCL_TRY(resolve(p, e, search, last, d->backbone, sizeof d->backbone));
    if ((e = find(p, "head"))) {
        if (kind != SIAMCL_TRACKER_NANOTRACK) return bad(p, e, "a head network applies to nanotrack only");
        SCL_TRY(resolve(p, e, search, last, d->head, sizeof d->head));
    }
    for (int i = 0; i < p->n; i++)
        if (!p->e[i].used) return bad(p, &p->e[i], "unknown key for this tracker");
    return SIAMCL_OK;
}

siamcl_status siamcl_tracker_desc_parse(const char *text, const char *origin, const char *search_path,
                                        siamcl_tracker_desc *out) {
    if (!text || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "tracker_desc_parse: NULL argument");
    parser *p = scl_calloc(1, sizeof *p);
    if (!p) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "tracker_desc_parse: out of memory");
    p->origin = origin ? origin : "<description>";
    siamcl_tracker_desc *d = scl_calloc(1, sizeof *d);
    siamcl_status st = d ? parse(p, text, search_path, d)
                         : scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "tracker_desc_parse: out of memory");
    if (st == SIAMCL_OK) *out = *d;
    scl_free(d);
    scl_free(p);
    return st;
}

siamcl_status siamcl_tracker_desc_load(const char *name, const char *search_path, siamcl_tracker_desc *out) {
    if (!name || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "tracker_desc_load: NULL argument");
    char path[1024];
    SCL_TRY(siamcl_model_find(name, path, sizeof path));
    FILE *f = fopen(path, "rb");
    if (!f) return scl_fail(SIAMCL_ERR_IO, "model description '%s': %s", path, strerror(errno));
    char *text = NULL;
    siamcl_status st = SIAMCL_OK;
    if (fseek(f, 0, SEEK_END) != 0) st = scl_fail(SIAMCL_ERR_IO, "model description '%s': cannot seek", path);
    long size = st == SIAMCL_OK ? ftell(f) : -1;
    if (st == SIAMCL_OK && (size < 0 || size > (1 << 20)))
        st = scl_fail(SIAMCL_ERR_FORMAT, "model description '%s': not a small text file", path);
    if (st == SIAMCL_OK && !(text = scl_malloc((size_t)size + 1)))
        st = scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "model description '%s': out of memory", path);
    if (st == SIAMCL_OK) {
        rewind(f);
        if (fread(text, 1, (size_t)size, f) != (size_t)size)
            st = scl_fail(SIAMCL_ERR_IO, "model description '%s': read error", path);
        else
            text[size] = 0;
    }
    fclose(f);
    if (st == SIAMCL_OK && memchr(text, 0, (size_t)size))
        st = scl_fail(SIAMCL_ERR_FORMAT, "model description '%s': binary data in a text file", path);
    if (st == SIAMCL_OK) st = siamcl_tracker_desc_parse(text, path, search_path, out);
    scl_free(text);
    return st;
}

siamcl_status scl_desc_check(const siamcl_tracker_desc *d, const char *who) {
    if (d->kind != SIAMCL_TRACKER_SIAMFC && d->kind != SIAMCL_TRACKER_NANOTRACK)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "%s: unknown tracker kind %d", who, (int)d->kind);
    int fc = d->kind == SIAMCL_TRACKER_SIAMFC;
    if (d->score_size < 1 || d->exemplar_size < 1 || d->instance_size <= d->exemplar_size ||
        (fc && (d->scale_count < 1 || d->scale_count > SIAMCL_TRACKER_MAX_SCALES || d->scale_count % 2 == 0 ||
                d->response_up < 1 || !(d->scale_step > 0))))
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "%s: inconsistent description '%s'", who, d->name);
    return SIAMCL_OK;
}
