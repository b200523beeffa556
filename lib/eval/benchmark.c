/* A benchmark run: the sequence list (built-in set, list file, or what the
 * first result folder holds), ground truth and results read and aligned,
 * every (tracker, sequence) scored, totals and per-attribute averages. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "eval/eval_impl.h"
#include "io/io.h"

typedef struct name_list {
    char **v;
    int n, cap;
} name_list;

static void names_free(name_list *l) {
    for (int i = 0; i < l->n; i++) scl_free(l->v[i]);
    scl_free(l->v);
    memset(l, 0, sizeof *l);
}

static siamcl_status names_push(name_list *l, const char *s, size_t len) {
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 64;
        char **nv = scl_realloc(l->v, (size_t)cap * sizeof *nv);
        if (!nv) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "eval: out of memory for the sequence list");
        l->v = nv;
        l->cap = cap;
    }
    char *c = scl_malloc(len + 1);
    if (!c) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "eval: out of memory for the sequence list");
    memcpy(c, s, len);
    c[len] = 0;
    l->v[l->n++] = c;
    return SIAMCL_OK;
}

static int contains(const name_list *l, const char *s) {
    for (int i = 0; i < l->n; i++)
        if (siamcl_eval_name_equal(l->v[i], s)) return 1;
    return 0;
}

/* A list file: one sequence per line, the first field (blank/comma/tab
 * separated); blank lines and '#' comments skipped. */
static siamcl_status read_set_file(const char *path, name_list *l) {
    FILE *f = fopen(path, "r");
    if (!f) return scl_fail(SIAMCL_ERR_IO, "%s: cannot open the sequence list", path);
    char line[1024];
    int ln = 0;
    siamcl_status st = SIAMCL_OK;
    while (st == SIAMCL_OK && fgets(line, sizeof line, f)) {
        ln++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            st = scl_fail(SIAMCL_ERR_FORMAT, "%s:%d: line too long", path, ln);
            break;
        }
        char *s = line;
        while (*s == ' ' || *s == '\t' || *s == '\r') s++;
        if (*s == 0 || *s == '\n' || *s == '#') continue;
        size_t k = strcspn(s, " \t\r\n,");
        for (size_t i = 0; i < k; i++) {
            if (!isprint((unsigned char)s[i])) {
                st = scl_fail(SIAMCL_ERR_FORMAT, "%s:%d: not a sequence name", path, ln);
                break;
            }
        }
        if (st != SIAMCL_OK) break;
        if (k >= 200) {
            st = scl_fail(SIAMCL_ERR_FORMAT, "%s:%d: sequence name too long", path, ln);
            break;
        }
        char tmp[256];
        memcpy(tmp, s, k);
        tmp[k] = 0;
        if (contains(l, tmp)) {
            st = scl_fail(SIAMCL_ERR_FORMAT, "%s:%d: sequence %s listed twice", path, ln, tmp);
            break;
        }
        st = names_push(l, s, k);
    }
    fclose(f);
    if (st == SIAMCL_OK && l->n == 0) st = scl_fail(SIAMCL_ERR_FORMAT, "%s: no sequence names", path);
    return st;
}

static int cmp_name(const void *a, const void *b) {
    return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/* Every <name>.txt of the first result folder that has ground truth. */
static siamcl_status list_results(const char *res_dir, const char *gt_dir, name_list *l) {
    DIR *d = opendir(res_dir);
    if (!d) return scl_fail(SIAMCL_ERR_IO, "%s: cannot open the result folder", res_dir);
    struct dirent *e;
    siamcl_status st = SIAMCL_OK;
    while (st == SIAMCL_OK && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 5 || strcasecmp(e->d_name + len - 4, ".txt")) continue;
        char gt[4096];
        if (siamcl_eval_find_file(gt_dir, e->d_name, gt, sizeof gt) != SIAMCL_OK) {
            scl_log(SIAMCL_LOG_WARN, "%s/%s: no ground truth in %s, skipped", res_dir, e->d_name, gt_dir);
            continue;
        }
        if (contains(l, e->d_name)) {
            closedir(d);
            return scl_fail(SIAMCL_ERR_FORMAT, "%s: two result files for sequence %.*s", res_dir, (int)(len - 4),
                            e->d_name);
        }
        st = names_push(l, e->d_name, len - 4);
    }
    closedir(d);
    if (st != SIAMCL_OK) return st;
    if (l->n == 0) return scl_fail(SIAMCL_ERR_IO, "%s: no result file matches a sequence of %s", res_dir, gt_dir);
    qsort(l->v, (size_t)l->n, sizeof *l->v, cmp_name);
    return SIAMCL_OK;
}

void siamcl_eval_report_free(siamcl_eval_report *r) {
    if (!r) return;
    scl_free(r->tracker);
    scl_free(r->seq);
    scl_free(r->curves);
    scl_free(r->total);
    scl_free(r->by_attr);
    scl_free(r);
}

static void base_name(const char *dir, char *out, size_t cap) {
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') len--;
    size_t b = len;
    while (b > 0 && dir[b - 1] != '/') b--;
    size_t n = len - b;
    if (n >= cap) n = cap - 1;
    memcpy(out, dir + b, n);
    out[n] = 0;
}

/* Score one (tracker, sequence). */
static siamcl_status score_one(const char *res_dir, const char *name, const siamcl_box *gt, int ngt, int otb2013,
                               const siamcl_eval_params *params, siamcl_eval_curves *out, int *frames) {
    char path[4096];
    if (scl_eval_find_flat(res_dir, name, path, sizeof path) != 0)
        return scl_fail(SIAMCL_ERR_IO, "%s: no result file for sequence %s", res_dir, name);
    siamcl_box *res = NULL;
    int nres = 0;
    SCL_TRY(siamcl_boxes_read(path, &res, &nres));
    int go, ro, n;
    siamcl_status st = siamcl_eval_align(name, ngt, nres, otb2013, path, &go, &ro, &n);
    int given = nres;
    if (st != SIAMCL_OK && nres > 0 && nres < ngt && !params->strict_length) {
        /* a short result (MDNet's Board: 697 rows for 698 frames): the toolkit scores the
         * missing frames as failures */
        siamcl_box *full = scl_realloc(res, (size_t)ngt * sizeof *res);
        if (!full) {
            siamcl_boxes_free(res);
            return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", path);
        }
        res = full;
        for (int i = nres; i < ngt; i++) res[i] = (siamcl_box){NAN, NAN, NAN, NAN};
        scl_log(SIAMCL_LOG_WARN, "%s: %d boxes for the %d frames of %s: the last %d count as failures", path, nres,
                ngt, name, ngt - nres);
        nres = ngt;
        st = siamcl_eval_align(name, ngt, nres, otb2013, path, &go, &ro, &n);
    }
    int lost = 0;
    for (int i = 1; st == SIAMCL_OK && i < n && ro + i < given; i++)
        lost += scl_box_has_nan(res[ro + i]);
    if (lost && !params->keep_invalid_rows)
        scl_log(SIAMCL_LOG_WARN, "%s: %d rows of NaN (a lost target) count as failures", path, lost);
    if (st == SIAMCL_OK) st = siamcl_eval_sequence(res + ro, gt + go, n, params, out);
    if (st == SIAMCL_OK) *frames = n;
    siamcl_boxes_free(res);
    return st;
}

siamcl_status siamcl_eval_benchmark(const siamcl_eval_options *opt, siamcl_eval_report **out) {
    if (!out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_eval_benchmark: out is NULL");
    *out = NULL;
    if (!opt || !opt->gt_dir || !opt->result_dirs || opt->ntrackers <= 0)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_eval_benchmark: need a ground-truth folder and at "
                                                     "least one result folder");
    for (int t = 0; t < opt->ntrackers; t++)
        if (!opt->result_dirs[t]) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_eval_benchmark: result folder %d is NULL", t);
    struct stat sb;
    if (stat(opt->gt_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return scl_fail(SIAMCL_ERR_IO, "%s: ground-truth folder not found", opt->gt_dir);
    for (int t = 0; t < opt->ntrackers; t++)
        if (stat(opt->result_dirs[t], &sb) != 0 || !S_ISDIR(sb.st_mode))
            return scl_fail(SIAMCL_ERR_IO, "%s: result folder not found", opt->result_dirs[t]);

    int kind = scl_eval_set_kind(opt->set);
    name_list names = {0};
    siamcl_status st = SIAMCL_OK;
    if (kind) {
        const char *const *tab;
        int n = siamcl_eval_set_builtin(opt->set, &tab);
        for (int i = 0; i < n && st == SIAMCL_OK; i++) st = names_push(&names, tab[i], strlen(tab[i]));
    } else if (opt->set) {
        if (stat(opt->set, &sb) != 0)
            return scl_fail(SIAMCL_ERR_IO, "%s: not a known set (OTB2013, OTB2015) nor a list file", opt->set);
        st = read_set_file(opt->set, &names);
    } else {
        st = list_results(opt->result_dirs[0], opt->gt_dir, &names);
    }
    if (st != SIAMCL_OK) {
        names_free(&names);
        return st;
    }

    int T = opt->ntrackers, S = names.n;
    siamcl_eval_report *r = scl_calloc(1, sizeof *r);
    if (r) {
        r->ntrackers = T;
        r->nseq = S;
        r->tracker = scl_calloc((size_t)T, sizeof *r->tracker);
        r->seq = scl_calloc((size_t)S, sizeof *r->seq);
        r->curves = scl_calloc((size_t)T * S, sizeof *r->curves);
        r->total = scl_calloc((size_t)T, sizeof *r->total);
        r->by_attr = scl_calloc((size_t)T * SIAMCL_EVAL_ATTR_COUNT, sizeof *r->by_attr);
    }
    if (!r || !r->tracker || !r->seq || !r->curves || !r->total || !r->by_attr) {
        siamcl_eval_report_free(r);
        names_free(&names);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "siamcl_eval_benchmark: out of memory");
    }
    for (int t = 0; t < T; t++) {
        if (opt->tracker_names && opt->tracker_names[t])
            snprintf(r->tracker[t], sizeof r->tracker[t], "%s", opt->tracker_names[t]);
        else
            base_name(opt->result_dirs[t], r->tracker[t], sizeof r->tracker[t]);
    }
    const char *attr_dir = opt->attr_dir ? opt->attr_dir : opt->gt_dir;
    for (int s = 0; s < S && st == SIAMCL_OK; s++) {
        const char *name = names.v[s];
        const char *canon = scl_eval_canonical(name);
        siamcl_eval_seq_info *info = &r->seq[s];
        snprintf(info->name, sizeof info->name, "%s", canon ? canon : name);
        char gt_path[4096];
        st = siamcl_eval_find_file(opt->gt_dir, name, gt_path, sizeof gt_path);
        if (st != SIAMCL_OK) break;
        siamcl_box *gt = NULL;
        int ngt = 0;
        st = siamcl_boxes_read(gt_path, &gt, &ngt);
        if (st == SIAMCL_OK) st = scl_boxes_check_gt(gt_path, gt, ngt);
        if (st == SIAMCL_OK && ngt == 0) st = scl_fail(SIAMCL_ERR_FORMAT, "%s: no boxes", gt_path);
        if (st == SIAMCL_OK)
            st = scl_eval_attributes(attr_dir, name, kind == 2013, &info->attrs, &info->has_attrs);
        for (int t = 0; t < T && st == SIAMCL_OK; t++) {
            int frames = 0;
            st = score_one(opt->result_dirs[t], info->name, gt, ngt, kind == 2013, &opt->params, &r->curves[t * S + s],
                           &frames);
            if (t == 0) info->frames = frames;
        }
        siamcl_boxes_free(gt);
    }
    names_free(&names);
    if (st != SIAMCL_OK) {
        siamcl_eval_report_free(r);
        return st;
    }

    siamcl_eval_curves *tmp = scl_malloc((size_t)(S > 0 ? S : 1) * sizeof *tmp);
    if (!tmp) {
        siamcl_eval_report_free(r);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "siamcl_eval_benchmark: out of memory");
    }
    for (int a = 0; a < SIAMCL_EVAL_ATTR_COUNT; a++)
        for (int s = 0; s < S; s++) r->attr_count[a] += r->seq[s].has_attrs && (r->seq[s].attrs >> a & 1u);
    for (int t = 0; t < T && st == SIAMCL_OK; t++) {
        st = siamcl_eval_aggregate(&r->curves[t * S], S, &r->total[t]);
        for (int a = 0; a < SIAMCL_EVAL_ATTR_COUNT && st == SIAMCL_OK; a++) {
            int m = 0;
            for (int s = 0; s < S; s++)
                if (r->seq[s].has_attrs && (r->seq[s].attrs >> a & 1u)) tmp[m++] = r->curves[t * S + s];
            st = siamcl_eval_aggregate(tmp, m, &r->by_attr[t * SIAMCL_EVAL_ATTR_COUNT + a]);
        }
    }
    scl_free(tmp);
    if (st != SIAMCL_OK) {
        siamcl_eval_report_free(r);
        return st;
    }
    *out = r;
    return SIAMCL_OK;
}
