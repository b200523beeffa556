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

/* The sequences to track: from the set, or every OTB folder (every target). */
int eval_list_dataset(const char *dataset, const char *set, run_seq **out, int *count) {
    *out = NULL;
    *count = 0;
    int cap = 128, n = 0;
    run_seq *v = calloc((size_t)cap, sizeof *v);
    if (!v) return cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "eval --run");
    const char *const *names = NULL;
    int nn = set ? siamcl_eval_set_builtin(set, &names) : 0;
    char **file_names = NULL;
    if (set && nn == 0) { /* a list file */
        FILE *f = fopen(set, "r");
        if (!f) {
            fprintf(stderr, "siamcl eval: %s: not a known set (OTB2013, OTB2015) nor a list file\n", set);
            free(v);
            return 1;
        }
        char line[1024];
        int fcap = 0;
        while (fgets(line, sizeof line, f)) {
            char *s = line + strspn(line, " \t\r");
            size_t k = strcspn(s, " \t\r\n,");
            if (!k || *s == '#') continue;
            if (nn == fcap) {
                fcap = fcap ? fcap * 2 : 64;
                char **nf = realloc(file_names, (size_t)fcap * sizeof *nf);
                if (!nf) break;
                file_names = nf;
            }
            file_names[nn] = strndup(s, k);
            if (file_names[nn]) nn++;
        }
        fclose(f);
        names = (const char *const *)file_names;
    }
    int rc = 0;
    if (set) {
        for (int i = 0; i < nn && !rc; i++) {
            char gt[4096];
            if (siamcl_eval_find_file(dataset, names[i], gt, sizeof gt) != SIAMCL_OK) {
                fprintf(stderr, "siamcl eval: sequence %s of %s not found in %s\n", names[i], set, dataset);
                rc = 1;
                break;
            }
            if (n == cap) {
                cap *= 2;
                run_seq *nv = realloc(v, (size_t)cap * sizeof *nv);
                if (!nv) {
                    rc = cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "eval --run");
                    break;
                }
                v = nv;
            }
            int target = split_gt_path(gt, v[n].dir, sizeof v[n].dir);
            if (target < 0) {
                fprintf(stderr, "siamcl eval: %s: --run needs OTB-layout folders (<Seq>/img, groundtruth_rect.txt)\n",
                        gt);
                rc = 1;
                break;
            }
            v[n].target = target;
            snprintf(v[n].name, sizeof v[n].name, "%s", names[i]);
            n++;
        }
    } else {
        DIR *d = opendir(dataset);
        if (!d) {
            fprintf(stderr, "siamcl eval: %s: cannot open the dataset folder\n", dataset);
            free(v);
            return 1;
        }
        struct dirent *e;
        while (!rc && (e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            char dir[4096];
            if (snprintf(dir, sizeof dir, "%s/%s", dataset, e->d_name) >= (int)sizeof dir || !eval_is_dir(dir)) continue;
            if (strlen(e->d_name) > 100) continue; /* not an OTB sequence name */
            siamcl_sequence *seq = NULL;
            if (siamcl_sequence_open(dir, 0, &seq) != SIAMCL_OK) continue;
            int targets = siamcl_sequence_target_count(seq);
            siamcl_sequence_free(seq);
            for (int k = targets > 1 ? 1 : 0; k <= (targets > 1 ? targets : 0) && !rc; k++) {
                if (targets == 0) break;
                if (n == cap) {
                    cap *= 2;
                    run_seq *nv = realloc(v, (size_t)cap * sizeof *nv);
                    if (!nv) {
                        rc = cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "eval --run");
                        break;
                    }
                    v = nv;
                }
                snprintf(v[n].dir, sizeof v[n].dir, "%s", dir);
                v[n].target = k;
                if (snprintf(v[n].name, sizeof v[n].name, k ? "%.100s-%d" : "%.100s", e->d_name, k) < 0) continue;
                n++;
            }
        }
        closedir(d);
        if (!rc && n == 0) {
            fprintf(stderr, "siamcl eval: %s: no OTB-layout sequence (a folder with img/ and groundtruth_rect.txt)\n",
                    dataset);
            rc = 1;
        }
        qsort(v, (size_t)n, sizeof *v, cmp_seq);
    }
    if (file_names) {
        for (int i = 0; i < nn; i++) free(file_names[i]);
        free(file_names);
    }
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *count = n;
    return 0;
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
    int ns = -1;
    run_seq *v = NULL;
    if (dist_rank() == 0 && eval_list_dataset(dataset, set, &v, &ns) == 0) {
        char err[1024];
        for (int i = 0; i < ns; i++) /* an unreadable one is reported when it is tracked */
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
