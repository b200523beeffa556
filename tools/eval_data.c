/* The sequences of a dataset for eval --run and tune: a set's names found in
 * OTB-layout folders, or every folder with a ground truth (every target). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dist.h"
#include "eval_cli.h"

int eval_is_dir(const char *p) {
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* From ".../Jogging/groundtruth_rect.1.txt": folder and target 1. */
static int split_gt_path(const char *gt, char *dir, size_t cap) {
    const char *slash = strrchr(gt, '/');
    if (!slash) return -1;
    size_t n = (size_t)(slash - gt);
    if (n >= cap) return -1;
    memcpy(dir, gt, n);
    dir[n] = 0;
    int target = 0;
    if (sscanf(slash + 1, "groundtruth_rect.%d.txt", &target) == 1) return target;
    return strcmp(slash + 1, "groundtruth_rect.txt") ? -1 : 0;
}

static int cmp_seq(const void *a, const void *b) {
    return strcasecmp(((const run_seq *)a)->name, ((const run_seq *)b)->name);
}

/* A growing list of sequences. */
typedef struct seq_list {
    run_seq *v;
    int n, cap;
} seq_list;

static run_seq *seq_push(seq_list *l) {
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 128;
        run_seq *nv = realloc(l->v, (size_t)cap * sizeof *nv);
        if (!nv) return NULL;
        l->v = nv, l->cap = cap;
    }
    run_seq *r = &l->v[l->n++];
    memset(r, 0, sizeof *r);
    return r;
}

/* The names of a list file, one per line ('#' comments); *n of them (malloc'd). */
static char **read_names(const char *path, int *n) {
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char line[1024], **names = NULL;
    int cap = 0;
    while (fgets(line, sizeof line, f)) {
        char *s = line + strspn(line, " \t\r");
        size_t k = strcspn(s, " \t\r\n,");
        if (!k || *s == '#') continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, (size_t)cap * sizeof *nn);
            if (!nn) break;
            names = nn;
        }
        names[*n] = strndup(s, k);
        if (names[*n]) (*n)++;
    }
    fclose(f);
    return names ? names : calloc(1, sizeof *names);
}

/* The sequences a set names (a built-in set or a list file), found in the dataset. */
static int list_set(const char *dataset, const char *set, seq_list *l) {
    const char *const *names = NULL;
    int nn = siamcl_eval_set_builtin(set, &names), rc = 0;
    char **file_names = NULL;
    if (nn == 0) {
        file_names = read_names(set, &nn);
        if (!file_names) {
            fprintf(stderr, "siamcl eval: %s: not a known set (OTB2013, OTB2015) nor a list file\n", set);
            return 1;
        }
        names = (const char *const *)file_names;
    }
    for (int i = 0; i < nn && !rc; i++) {
        char gt[4096];
        run_seq *r;
        if (siamcl_eval_find_file(dataset, names[i], gt, sizeof gt) != SIAMCL_OK) {
            fprintf(stderr, "siamcl eval: sequence %s of %s not found in %s\n", names[i], set, dataset);
            rc = 1;
        } else if (!(r = seq_push(l))) {
            rc = cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "eval --run");
        } else if ((r->target = split_gt_path(gt, r->dir, sizeof r->dir)) < 0) {
            fprintf(stderr, "siamcl eval: %s: --run needs OTB-layout folders (<Seq>/img, groundtruth_rect.txt)\n", gt);
            rc = 1;
        } else {
            snprintf(r->name, sizeof r->name, "%s", names[i]);
        }
    }
    for (int i = 0; file_names && i < nn; i++) free(file_names[i]);
    free(file_names);
    return rc;
}

/* Every OTB folder of the dataset, every target (Jogging-1, Jogging-2), sorted by name. */
static int list_all(const char *dataset, seq_list *l) {
    DIR *d = opendir(dataset);
    if (!d) {
        fprintf(stderr, "siamcl eval: %s: cannot open the dataset folder\n", dataset);
        return 1;
    }
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        char dir[4096];
        if (e->d_name[0] == '.' || strlen(e->d_name) > 100) continue; /* not an OTB sequence name */
        if (snprintf(dir, sizeof dir, "%s/%s", dataset, e->d_name) >= (int)sizeof dir || !eval_is_dir(dir)) continue;
        siamcl_sequence *seq = NULL;
        if (siamcl_sequence_open(dir, 0, &seq) != SIAMCL_OK) continue;
        int targets = siamcl_sequence_target_count(seq);
        siamcl_sequence_free(seq);
        for (int k = targets > 1 ? 1 : 0; targets > 0 && k <= (targets > 1 ? targets : 0) && !rc; k++) {
            run_seq *r = seq_push(l);
            if (!r) {
                rc = cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "eval --run");
                break;
            }
            snprintf(r->dir, sizeof r->dir, "%s", dir);
            r->target = k;
            snprintf(r->name, sizeof r->name, k ? "%.100s-%d" : "%.100s", e->d_name, k);
        }
    }
    closedir(d);
    if (!rc && l->n == 0) {
        fprintf(stderr, "siamcl eval: %s: no OTB-layout sequence (a folder with img/ and groundtruth_rect.txt)\n",
                dataset);
        rc = 1;
    }
    if (!rc) qsort(l->v, (size_t)l->n, sizeof *l->v, cmp_seq);
    return rc;
}

int eval_list_dataset(const char *dataset, const char *set, run_seq **out, int *count) {
    seq_list l = {NULL, 0, 0};
    int rc = set ? list_set(dataset, set, &l) : list_all(dataset, &l);
    if (rc) {
        free(l.v);
        *out = NULL;
        *count = 0;
        return rc;
    }
    *out = l.v ? l.v : calloc(1, sizeof *l.v);
    *count = l.n;
    return *out ? 0 : cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "eval --run");
}

/* The benchmark's frames of an opened sequence: image index of the first,
 * ground-truth row of the first, and how many (<= 0: none). */
static void bench_span(const siamcl_sequence *seq, const run_seq *rs, int otb2013, int *image0, int *row0, int *n) {
    int nframes = siamcl_sequence_length(seq), ngt = siamcl_sequence_groundtruth_count(seq);
    siamcl_eval_range r;
    int first = 1, skip = 0;
    if (siamcl_eval_frame_range(rs->name, &r)) {
        first = r.first;
        if (!otb2013) skip = r.init_omit;
    }
    /* GT row k belongs to frame first + k (1-based); the benchmark starts at row `skip` */
    *n = ngt - skip;
    if (first - 1 + ngt > nframes) *n = nframes - (first - 1) - skip;
    *image0 = first - 1 + skip;
    *row0 = skip;
}

static int open_span(const run_seq *rs, int otb2013, siamcl_sequence **seq, int *image0, int *row0, int *n, char *err,
                     size_t cap) {
    siamcl_status st = siamcl_sequence_open(rs->dir, rs->target, seq);
    if (st != SIAMCL_OK) {
        snprintf(err, cap, "%s", siamcl_last_error());
        return 1;
    }
    bench_span(*seq, rs, otb2013, image0, row0, n);
    if (*n <= 0) {
        snprintf(err, cap, "%s: %d frames, %d ground-truth rows: nothing to track", rs->dir,
                 siamcl_sequence_length(*seq), siamcl_sequence_groundtruth_count(*seq));
        siamcl_sequence_free(*seq);
        *seq = NULL;
        return 1;
    }
    return 0;
}

int eval_count_frames(run_seq *rs, int otb2013, char *err, size_t cap) {
    siamcl_sequence *seq = NULL;
    int image0, row0, n;
    if (open_span(rs, otb2013, &seq, &image0, &row0, &n, err, cap)) return 0;
    siamcl_sequence_free(seq);
    rs->frames = n;
    return 1;
}

int eval_track_seq(siamcl_tracker *trk, const run_seq *rs, int otb2013, int max_frames, eval_frame_fn cb, void *user,
                   eval_track_out *out, char *err, size_t cap) {
    memset(out, 0, sizeof *out);
    siamcl_sequence *seq = NULL;
    int image0, row0, n;
    if (open_span(rs, otb2013, &seq, &image0, &row0, &n, err, cap)) return 1;
    if (max_frames > 0 && n > max_frames) n = max_frames;
    out->rows = calloc((size_t)n, sizeof *out->rows);
    out->gt = calloc((size_t)n, sizeof *out->gt);
    siamcl_status st = out->rows && out->gt ? SIAMCL_OK : SIAMCL_ERR_OUT_OF_MEMORY;
    if (st != SIAMCL_OK) snprintf(err, cap, "%s: out of memory for %d boxes", rs->name, n);
    for (int k = 0; k < n && st == SIAMCL_OK; k++)
        if (!siamcl_sequence_groundtruth(seq, row0 + k, &out->gt[k])) {
            snprintf(err, cap, "%s: no ground truth for frame %d", rs->dir, image0 + k + 1);
            st = SIAMCL_ERR_FORMAT;
        }
    double t0 = cli_now_s();
    for (int k = 0; k < n && st == SIAMCL_OK; k++) {
        siamcl_image img = {0};
        st = siamcl_sequence_load_frame(seq, image0 + k, &img);
        if (st != SIAMCL_OK) {
            snprintf(err, cap, "%s", siamcl_last_error());
            break;
        }
        if (k == 0) {
            st = siamcl_tracker_init(trk, &img, out->gt[0]);
            out->rows[0] = out->gt[0];
        } else {
            st = siamcl_tracker_update(trk, &img, &out->rows[k], NULL);
        }
        siamcl_image_free(&img);
        if (st != SIAMCL_OK) snprintf(err, cap, "frame %d: %s", image0 + k + 1, siamcl_last_error());
        if (cb) cb(user, k + 1, n);
    }
    out->secs = cli_now_s() - t0;
    out->n = n;
    siamcl_sequence_free(seq);
    if (st != SIAMCL_OK) {
        free(out->rows);
        free(out->gt);
        memset(out, 0, sizeof *out);
        return 1;
    }
    return 0;
}

int eval_list_everywhere(const char *dataset, const char *set, int otb2013, run_seq **out, int *count) {
    *out = NULL;
    *count = 0;
    int ns = -1, got = 0;
    run_seq *v = NULL;
    if (dist_rank() == 0 && eval_list_dataset(dataset, set, &v, &got) == 0) {
        ns = got;
        char err[1024];
        /* frame counts balance the ranks' work: one process needs none. An unreadable
         * sequence is reported when it is tracked */
        for (int i = 0; dist_size() > 1 && i < ns; i++)
            if (!eval_count_frames(&v[i], otb2013, err, sizeof err)) v[i].frames = 1;
    }
    dist_bcast(&ns, sizeof ns);
    if (ns < 0) return 1;
    if (dist_rank() != 0) v = calloc((size_t)(ns ? ns : 1), sizeof *v);
    if (dist_max_int(!v)) {
        free(v);
        return cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "sequence list");
    }
    dist_bcast(v, (size_t)ns * sizeof *v);
    *out = v;
    *count = ns;
    return 0;
}
