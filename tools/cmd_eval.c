/* siamcl eval: OTB one-pass evaluation of result folders (per-sequence table,
 * per-attribute AUC, totals, CSV/JSON, success/precision plots), and --run:
 * track every sequence of a dataset first (resumable), then evaluate. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MAX_TRACKERS 32

static void usage(FILE *f) {
    fprintf(f,
            "usage: siamcl eval --results DIR [--results DIR ...] [--gt DIR] [options]\n"
            "       siamcl eval --run --model FILE --out DIR [--dataset DIR] [options]\n"
            "\n"
            "One-pass evaluation (OPE) in the OTB protocol: success curve over IoU thresholds\n"
            "0, 0.05, ..., 1 (IoU > t) and its AUC, precision curve over centre errors 0..50 px\n"
            "(error <= t) and precision at 20 px, each averaged over sequences. Prints a\n"
            "per-sequence table, per-attribute AUC and totals.\n"
            "\n"
            "inputs:\n"
            "  --results DIR   a tracker's result folder, one <Seq>.txt per sequence (repeat for\n"
            "                  several trackers; the folder's name names the tracker)\n"
            "  --name NAME     display name of the preceding --results tracker\n"
            "  --gt DIR        ground truth: one <Seq>.txt per sequence, or OTB layout\n"
            "                  <Seq>/groundtruth_rect[.K].txt (default: <shared>/data/otb-anno)\n"
            "  --set SET       OTB2015 (100 targets), OTB2013 (51), or a file with one name per line\n"
            "                  (default: every sequence the first result folder has)\n"
            "  --attr DIR      attributes: DIR/att/<Seq>.txt and/or DIR/OTB2013.txt (default: the\n"
            "                  --gt folder when it has them, else <shared>/data/otb-anno)\n"
            "Names match across case and -/_/. (Jogging-1 = jogging_1, Skating2.1, Human4.2); the\n"
            "benchmark's frame ranges (David 300-770, Tiger1 from frame 6 in OTB-2015, BlurCar1/3/4,\n"
            "Football1, Freeman3/4, Diving) are applied; separators may be commas, tabs or spaces.\n"
            "\n"
            "outputs:\n"
            "  --csv FILE      every number as CSV (tracker,scope,name,sequences,frames,auc,...)\n"
            "  --json FILE     totals, curves, attributes and sequences as JSON\n"
            "  --plot PREFIX   PREFIX_success.png and PREFIX_precision.png\n"
            "  --plot-attrs    also PREFIX_success_<ATTR>.png / PREFIX_precision_<ATTR>.png\n"
            "  --norm          also normalised precision (pysot: error / GT size <= 0.2; with\n"
            "                  --plot, PREFIX_norm_precision.png)\n"
            "  --no-seq        leave out the per-sequence table\n"
            "\n"
            "scoring rules (defaults reproduce the published OTB numbers, see lib/eval/metrics.c):\n"
            "  --invalid-gt fail|toolkit|skip   frames whose GT has zero size: a failure for both\n"
            "                  curves (default); the OTB toolkit's rule (any coordinate <= 0: IoU -1,\n"
            "                  centre error -1 = a precision hit); or left out\n"
            "  --keep-first-row  score result row 1 as it is (default: replaced by the GT, as the\n"
            "                  toolkit and got10k do)\n"
            "  --strict        refuse a result with fewer rows than the ground truth (default: the\n"
            "                  missing frames count as failures, with a warning, as in the toolkit)\n"
            "  (a result row of NaN, a lost target, is a failure; a zero-size row takes the previous)\n"
            "\n"
            "tracking first (--run):\n"
            "  --model M       tracker description, a path or a name (siamfc-alexnet); its ONNX\n"
            "                  files are looked up beside it, then $SIAMCL_MODELS, <shared>/models\n"
            "  --dataset DIR   OTB-layout sequences (default: <shared>/data/otb); --set picks them,\n"
            "                  else every folder with a groundtruth_rect[.K].txt (all targets)\n"
            "  --out DIR       result folder (created); sequences already complete are skipped\n"
            "  --device N      context device (default 0; SIAMCL_DEVICE etc. pick the devices)\n"
            "Results of other trackers given with --results are evaluated next to the new ones.\n");
}

/* A library call failed: its message (naming file and line) went through the
 * logger already; add only the status. */
static int lib_failed(siamcl_status st) {
    fprintf(stderr, "siamcl eval: failed (%s)\n", siamcl_status_string(st));
    return 1;
}

/* ---------------------------------------------------------------- output */

/* Width of tracker t's column: its name, at least "0.000  0.000". */
static int col_width(const siamcl_eval_report *r, int t) {
    int w = (int)strlen(r->tracker[t]);
    return w < 12 ? 12 : w > 40 ? 40 : w;
}

static void print_tables(const siamcl_eval_report *r, const char *set, int with_seq, int norm) {
    int S = r->nseq, T = r->ntrackers;
    printf("OTB one-pass evaluation: %d sequence%s%s%s%s, %d tracker%s\n", S, S == 1 ? "" : "s", set ? " (" : "",
           set ? set : "", set ? ")" : "", T, T == 1 ? "" : "s");
    if (with_seq) {
        printf("\n%-14s %6s", "sequence", "frames");
        for (int t = 0; t < T; t++) printf("  %*.*s", col_width(r, t), col_width(r, t), r->tracker[t]);
        printf("\n%-14s %6s", "", "");
        for (int t = 0; t < T; t++) printf("  %*s", col_width(r, t), "AUC   P@20");
        printf("\n");
        for (int s = 0; s < S; s++) {
            printf("%-14s %6d", r->seq[s].name, r->seq[s].frames);
            for (int t = 0; t < T; t++) {
                const siamcl_eval_curves *c = &r->curves[t * S + s];
                printf("  %*s%5.3f  %5.3f", col_width(r, t) - 12, "", c->auc, c->precision20);
            }
            printf("\n");
        }
    }
    int any = 0;
    for (int a = 0; a < SIAMCL_EVAL_ATTR_COUNT; a++) any |= r->attr_count[a] > 0;
    if (any) {
        printf("\nper attribute (success AUC)\n%-26s %4s", "attribute", "seqs");
        for (int t = 0; t < T; t++) printf("  %*.*s", col_width(r, t), col_width(r, t), r->tracker[t]);
        printf("\n");
        for (int a = 0; a < SIAMCL_EVAL_ATTR_COUNT; a++) {
            if (!r->attr_count[a]) continue;
            char lab[64];
            snprintf(lab, sizeof lab, "%s %s", siamcl_eval_attr_name(a), siamcl_eval_attr_title(a));
            printf("%-26s %4d", lab, r->attr_count[a]);
            for (int t = 0; t < T; t++)
                printf("  %*.3f", col_width(r, t), r->by_attr[t * SIAMCL_EVAL_ATTR_COUNT + a].auc);
            printf("\n");
        }
    }
    printf("\ntotal\n%-26s %4s", "", "");
    for (int t = 0; t < T; t++) printf("  %*.*s", col_width(r, t), col_width(r, t), r->tracker[t]);
    printf("\n");
    struct {
        const char *name;
        size_t off;
    } rows[] = {
        {"success AUC", offsetof(siamcl_eval_curves, auc)},
        {"precision @20px", offsetof(siamcl_eval_curves, precision20)},
        {"success rate @IoU 0.5", offsetof(siamcl_eval_curves, success50)},
        {"norm. precision @0.2", offsetof(siamcl_eval_curves, norm_precision20)},
        {"mean IoU", offsetof(siamcl_eval_curves, mean_iou)},
        {"mean centre error (px)", offsetof(siamcl_eval_curves, mean_error)},
    };
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        if (k == 3 && !norm) continue;
        printf("%-26s %4s", rows[k].name, "");
        for (int t = 0; t < T; t++) {
            double v = *(const double *)((const char *)&r->total[t] + rows[k].off);
            printf("  %*.*f", col_width(r, t), k == 5 ? 2 : 3, v);
        }
        printf("\n");
    }
    printf("%-26s %4s", "frames", "");
    for (int t = 0; t < T; t++) printf("  %*d", col_width(r, t), r->total[t].frames);
    printf("\n");
    int inv = r->ntrackers ? r->total[0].invalid_gt : 0;
    if (inv) printf("(%d frame%s with a zero-size ground truth: failures for success and precision)\n", inv,
                    inv == 1 ? "" : "s");
}

static void csv_field(FILE *f, const char *s) {
    if (strpbrk(s, ",\"\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}

static void csv_row(FILE *f, const char *tracker, const char *scope, const char *name, const siamcl_eval_curves *c) {
    csv_field(f, tracker);
    fprintf(f, ",%s,", scope);
    csv_field(f, name);
    fprintf(f, ",%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.4f\n", c->sequences, c->frames, c->auc, c->precision20,
            c->success50, c->norm_precision20, c->mean_iou, c->mean_error);
}

static int write_csv(const char *path, const siamcl_eval_report *r) {
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "siamcl eval: %s: cannot create: %s\n", path, strerror(errno));
        return 1;
    }
    fprintf(f, "tracker,scope,name,sequences,frames,auc,precision20,success50,norm_precision20,mean_iou,"
               "mean_error\n");
    for (int t = 0; t < r->ntrackers; t++) {
        csv_row(f, r->tracker[t], "total", "all", &r->total[t]);
        for (int a = 0; a < SIAMCL_EVAL_ATTR_COUNT; a++)
            if (r->attr_count[a])
                csv_row(f, r->tracker[t], "attribute", siamcl_eval_attr_name(a),
                        &r->by_attr[t * SIAMCL_EVAL_ATTR_COUNT + a]);
        for (int s = 0; s < r->nseq; s++) csv_row(f, r->tracker[t], "sequence", r->seq[s].name, &r->curves[t * r->nseq + s]);
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "siamcl eval: %s: write error\n", path);
        return 1;
    }
    return 0;
}

static void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

/* A JSON number, or null where the value does not exist (NaN, infinite: JSON has neither). */
static void json_num(FILE *f, const char *fmt, double v) {
    if (isfinite(v))
        fprintf(f, fmt, v);
    else
        fputs("null", f);
}

static void json_curve(FILE *f, const char *key, const double *v, int n) {
    fprintf(f, ", \"%s\": [", key);
    for (int i = 0; i < n; i++) {
        if (i) fputs(", ", f);
        json_num(f, "%.6f", v[i]);
    }
    fprintf(f, "]");
}

static void json_scores(FILE *f, const siamcl_eval_curves *c, int curves) {
    fprintf(f, "{\"sequences\": %d, \"frames\": %d", c->sequences, c->frames);
    const char *keys[] = {"auc", "precision20", "success50", "norm_precision20", "mean_iou", "mean_error"};
    const double vals[] = {c->auc, c->precision20, c->success50, c->norm_precision20, c->mean_iou, c->mean_error};
    for (int i = 0; i < 6; i++) {
        fprintf(f, ", \"%s\": ", keys[i]);
        json_num(f, i == 5 ? "%.4f" : "%.6f", c->frames > 0 ? vals[i] : NAN); /* no frames: no score */
    }
    if (curves) {
        json_curve(f, "success", c->success, SIAMCL_EVAL_IOU_BINS);
        json_curve(f, "precision", c->precision, SIAMCL_EVAL_ERR_BINS);
        json_curve(f, "norm_precision", c->norm_precision, SIAMCL_EVAL_NORM_BINS);
    }
    fprintf(f, "}");
}

static int write_json(const char *path, const siamcl_eval_report *r, const char *set) {
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "siamcl eval: %s: cannot create: %s\n", path, strerror(errno));
        return 1;
    }
    fprintf(f, "{\n  \"set\": ");
    if (set) json_str(f, set);
    else fprintf(f, "null");
    fprintf(f, ",\n  \"iou_thresholds\": \"0:0.05:1 (IoU > t)\",\n  \"error_thresholds\": \"0:1:50 px (error <= t)\",\n");
    fprintf(f, "  \"trackers\": [\n");
    for (int t = 0; t < r->ntrackers; t++) {
        fprintf(f, "    {\"name\": ");
        json_str(f, r->tracker[t]);
        fprintf(f, ",\n     \"total\": ");
        json_scores(f, &r->total[t], 1);
        fprintf(f, ",\n     \"attributes\": {");
        int first = 1;
        for (int a = 0; a < SIAMCL_EVAL_ATTR_COUNT; a++) {
            if (!r->attr_count[a]) continue;
            fprintf(f, "%s\n       \"%s\": ", first ? "" : ",", siamcl_eval_attr_name(a));
            json_scores(f, &r->by_attr[t * SIAMCL_EVAL_ATTR_COUNT + a], 0);
            first = 0;
        }
        fprintf(f, "},\n     \"sequences\": [");
        for (int s = 0; s < r->nseq; s++) {
            fprintf(f, "%s\n       {\"name\": ", s ? "," : "");
            json_str(f, r->seq[s].name);
            fprintf(f, ", \"scores\": ");
            json_scores(f, &r->curves[t * r->nseq + s], 0);
            fprintf(f, "}");
        }
        fprintf(f, "]}%s\n", t + 1 < r->ntrackers ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    if (fclose(f) != 0) {
        fprintf(stderr, "siamcl eval: %s: write error\n", path);
        return 1;
    }
    return 0;
}

static int plots(const char *prefix, const siamcl_eval_report *r, const char *set, int attrs, int norm) {
    const char *names[MAX_TRACKERS];
    siamcl_eval_curves cv[MAX_TRACKERS];
    int T = r->ntrackers;
    for (int t = 0; t < T; t++) names[t] = r->tracker[t];
    static const struct {
        siamcl_eval_plot_kind kind;
        const char *file, *title;
    } kinds[] = {
        {SIAMCL_EVAL_PLOT_SUCCESS, "success", "Success plots of OPE"},
        {SIAMCL_EVAL_PLOT_PRECISION, "precision", "Precision plots of OPE"},
        {SIAMCL_EVAL_PLOT_NORM_PRECISION, "norm_precision", "Normalized precision plots of OPE"},
    };
    for (int a = -1; a < (attrs ? SIAMCL_EVAL_ATTR_COUNT : 0); a++) {
        if (a >= 0 && !r->attr_count[a]) continue;
        for (int t = 0; t < T; t++) cv[t] = a < 0 ? r->total[t] : r->by_attr[t * SIAMCL_EVAL_ATTR_COUNT + a];
        for (int k = 0; k < 3; k++) {
            if (k == 2 && !norm) continue;
            char path[4096], title[256];
            if (a < 0) {
                snprintf(path, sizeof path, "%s_%s.png", prefix, kinds[k].file);
                snprintf(title, sizeof title, "%s%s%s", kinds[k].title, set ? " on " : "", set ? set : "");
            } else {
                snprintf(path, sizeof path, "%s_%s_%s.png", prefix, kinds[k].file, siamcl_eval_attr_name(a));
                snprintf(title, sizeof title, "%s - %s (%d)", kinds[k].title, siamcl_eval_attr_title(a),
                         r->attr_count[a]);
            }
            siamcl_status st = siamcl_eval_plot(path, kinds[k].kind, title, cv, names, T, 0, 0);
            if (st != SIAMCL_OK) return lib_failed(st);
            printf("wrote %s\n", path);
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- --run */

typedef struct run_seq {
    char name[128];
    char dir[4096];
    int target;
} run_seq;

static int is_dir(const char *p) {
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
static int list_dataset(const char *dataset, const char *set, run_seq **out, int *count) {
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
            if (snprintf(dir, sizeof dir, "%s/%s", dataset, e->d_name) >= (int)sizeof dir || !is_dir(dir)) continue;
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

static void progress(int tty, int si, int ns, const char *name, int k, int n, double fps, int force) {
    static double last;
    double t = cli_now_s();
    if (!tty) return;
    if (!force && t - last < 0.2) return;
    last = t;
    int bar = 30, fill = n > 0 ? (int)((double)k / n * bar) : bar;
    char b[64];
    for (int i = 0; i < bar; i++) b[i] = i < fill ? '#' : '.';
    b[bar] = 0;
    fprintf(stderr, "\r[%d/%d] %-14.14s [%s] %5d/%-5d %6.1f fps ", si + 1, ns, name, b, k, n, fps);
    fflush(stderr);
}

/* Track one sequence over the benchmark's frames; rows written to path. */
static int track_one(siamcl_tracker *trk, const run_seq *rs, int otb2013, const char *path, int si, int ns, int tty,
                     double *frames_done, double *secs) {
    siamcl_sequence *seq = NULL;
    siamcl_status st = siamcl_sequence_open(rs->dir, rs->target, &seq);
    if (st != SIAMCL_OK) return lib_failed(st);
    int nframes = siamcl_sequence_length(seq), ngt = siamcl_sequence_groundtruth_count(seq);
    siamcl_eval_range r;
    int first = 1, skip = 0;
    if (siamcl_eval_frame_range(rs->name, &r)) {
        first = r.first;
        if (!otb2013) skip = r.init_omit;
    }
    /* GT row k belongs to frame first + k (1-based); the benchmark starts at row `skip` */
    int n = ngt - skip;
    if (first - 1 + ngt > nframes) n = nframes - (first - 1) - skip;
    if (n <= 0) {
        siamcl_sequence_free(seq);
        fprintf(stderr, "siamcl eval: %s: %d frames, %d ground-truth rows: nothing to track\n", rs->dir, nframes,
                ngt);
        return 1;
    }
    siamcl_box *rows = calloc((size_t)n, sizeof *rows);
    if (!rows) {
        siamcl_sequence_free(seq);
        return cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "eval --run");
    }
    double t0 = cli_now_s();
    for (int k = 0; k < n && st == SIAMCL_OK; k++) {
        int frame = first - 1 + skip + k; /* 0-based image index */
        siamcl_image img = {0};
        st = siamcl_sequence_load_frame(seq, frame, &img);
        if (st != SIAMCL_OK) break;
        if (k == 0) {
            siamcl_box gt;
            if (!siamcl_sequence_groundtruth(seq, skip, &gt)) {
                st = SIAMCL_ERR_FORMAT;
                fprintf(stderr, "siamcl eval: %s: no ground truth for the first frame\n", rs->dir);
            } else {
                st = siamcl_tracker_init(trk, &img, gt);
                rows[0] = gt;
            }
        } else {
            st = siamcl_tracker_update(trk, &img, &rows[k], NULL);
        }
        siamcl_image_free(&img);
        double dt = cli_now_s() - t0;
        progress(tty, si, ns, rs->name, k + 1, n, dt > 0 ? (k + 1) / dt : 0, k + 1 == n);
    }
    double dt = cli_now_s() - t0;
    siamcl_sequence_free(seq);
    if (st != SIAMCL_OK) {
        free(rows);
        if (tty) fputc('\n', stderr);
        return lib_failed(st);
    }
    /* write next to the target, then rename: an interrupted run leaves no partial file */
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.part", path);
    st = siamcl_boxes_write(tmp, rows, n);
    free(rows);
    if (st != SIAMCL_OK) return lib_failed(st);
    if (rename(tmp, path) != 0) {
        fprintf(stderr, "siamcl eval: %s: %s\n", path, strerror(errno));
        remove(tmp);
        return 1;
    }
    *frames_done += n;
    *secs += dt;
    if (!tty) fprintf(stderr, "[%d/%d] %s: %d frames, %.1f fps\n", si + 1, ns, rs->name, n, dt > 0 ? n / dt : 0);
    else fputc('\n', stderr);
    return 0;
}

/* A result file is complete when it reads and has as many rows as the
 * evaluation expects (checked by aligning it with the ground truth). */
static int result_complete(const char *path, const run_seq *rs, int otb2013) {
    siamcl_box *b = NULL, *g = NULL;
    int nb = 0, ng = 0, go, ro, n;
    siamcl_log_set(NULL, NULL, SIAMCL_LOG_ERROR); /* silence expected failures */
    int ok = 0;
    char gt[4200];
    if (rs->target) snprintf(gt, sizeof gt, "%s/groundtruth_rect.%d.txt", rs->dir, rs->target);
    else snprintf(gt, sizeof gt, "%s/groundtruth_rect.txt", rs->dir);
    if (siamcl_boxes_read(path, &b, &nb) == SIAMCL_OK && siamcl_boxes_read(gt, &g, &ng) == SIAMCL_OK &&
        siamcl_eval_align(rs->name, ng, nb, otb2013, path, &go, &ro, &n) == SIAMCL_OK)
        ok = 1;
    siamcl_boxes_free(b);
    siamcl_boxes_free(g);
    siamcl_log_set(cli_log, NULL, SIAMCL_LOG_WARN);
    return ok;
}

static int run_tracking(const char *model, const char *dataset, const char *out, const char *set, int device) {
    if (!cli_make_dirs(out)) return 1; /* it names the folder and the reason */
    run_seq *seqs = NULL;
    int ns = 0;
    int rc = list_dataset(dataset, set, &seqs, &ns);
    if (rc) return rc;
    siamcl_tracker_desc desc;
    siamcl_status st = siamcl_tracker_desc_load(model, NULL, &desc);
    if (st != SIAMCL_OK) {
        free(seqs);
        return lib_failed(st);
    }
    int otb2013 = set && siamcl_eval_set_builtin(set, NULL) == 51;
    /* what is left to do */
    int todo = 0;
    char (*paths)[4200] = calloc((size_t)ns, sizeof *paths);
    int *need = calloc((size_t)ns, sizeof *need);
    if (!paths || !need) {
        free(paths);
        free(need);
        free(seqs);
        return cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "eval --run");
    }
    for (int i = 0; i < ns; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/%s.txt", out, seqs[i].name);
        struct stat sb;
        need[i] = !(stat(paths[i], &sb) == 0 && result_complete(paths[i], &seqs[i], otb2013));
        todo += need[i];
    }
    fprintf(stderr, "siamcl eval: %d sequence%s, %d already done, %d to track with %s\n", ns, ns == 1 ? "" : "s",
            ns - todo, todo, desc.name);
    siamcl_context *ctx = NULL;
    siamcl_tracker *trk = NULL;
    if (todo) {
        st = siamcl_context_create(NULL, &ctx);
        if (st == SIAMCL_OK) st = siamcl_tracker_create(ctx, device, &desc, &trk);
        if (st != SIAMCL_OK) rc = lib_failed(st);
    }
    int tty = isatty(2);
    double frames = 0, secs = 0;
    for (int i = 0, k = 0; i < ns && !rc; i++) {
        if (!need[i]) continue;
        rc = track_one(trk, &seqs[i], otb2013, paths[i], k++, todo, tty, &frames, &secs);
    }
    if (!rc && todo)
        fprintf(stderr, "siamcl eval: tracked %.0f frames in %.1f s (%.1f fps)\n", frames, secs,
                secs > 0 ? frames / secs : 0);
    siamcl_tracker_free(trk);
    siamcl_context_free(ctx);
    free(paths);
    free(need);
    free(seqs);
    return rc;
}

/* ---------------------------------------------------------------- main */

int cmd_eval(int argc, char **argv) {
    const char *dirs[MAX_TRACKERS + 1], *names[MAX_TRACKERS + 1];
    int nt = 0;
    const char *gt = NULL, *set = NULL, *attr = NULL, *plot = NULL, *csv = NULL, *json = NULL;
    const char *model = NULL, *dataset = NULL, *out = NULL;
    int run = 0, plot_attrs = 0, norm = 0, with_seq = 1, device = 0;
    siamcl_eval_params params = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VALUE()                                                            \
    do {                                                                        \
        if (!v) {                                                               \
            fprintf(stderr, "siamcl eval: %s needs a value (see --help)\n", a); \
            return 2;                                                           \
        }                                                                       \
        i++;                                                                    \
    } while (0)
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--results")) {
            NEED_VALUE();
            if (nt == MAX_TRACKERS) {
                fprintf(stderr, "siamcl eval: at most %d trackers\n", MAX_TRACKERS);
                return 2;
            }
            names[nt] = NULL;
            dirs[nt++] = v;
        } else if (!strcmp(a, "--name")) {
            NEED_VALUE();
            if (!nt) {
                fprintf(stderr, "siamcl eval: --name follows the --results it names\n");
                return 2;
            }
            names[nt - 1] = v;
        } else if (!strcmp(a, "--gt")) {
            NEED_VALUE();
            gt = v;
        } else if (!strcmp(a, "--set")) {
            NEED_VALUE();
            set = v;
        } else if (!strcmp(a, "--attr")) {
            NEED_VALUE();
            attr = v;
        } else if (!strcmp(a, "--plot")) {
            NEED_VALUE();
            plot = v;
        } else if (!strcmp(a, "--csv")) {
            NEED_VALUE();
            csv = v;
        } else if (!strcmp(a, "--json")) {
            NEED_VALUE();
            json = v;
        } else if (!strcmp(a, "--model")) {
            NEED_VALUE();
            model = v;
        } else if (!strcmp(a, "--dataset")) {
            NEED_VALUE();
            dataset = v;
        } else if (!strcmp(a, "--out")) {
            NEED_VALUE();
            out = v;
        } else if (!strcmp(a, "--device")) {
            NEED_VALUE();
            if (!cli_parse_int("--device", v, 0, 63, &device)) return 2;
        } else if (!strcmp(a, "--invalid-gt")) {
            NEED_VALUE();
            if (!strcmp(v, "fail")) params.invalid_gt = SIAMCL_EVAL_GT_FAIL;
            else if (!strcmp(v, "toolkit")) params.invalid_gt = SIAMCL_EVAL_GT_TOOLKIT;
            else if (!strcmp(v, "skip")) params.invalid_gt = SIAMCL_EVAL_GT_SKIP;
            else {
                fprintf(stderr, "siamcl eval: --invalid-gt wants fail, toolkit or skip, got '%s'\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--keep-first-row")) {
            params.keep_first_row = 1;
        } else if (!strcmp(a, "--strict")) {
            params.strict_length = 1;
        } else if (!strcmp(a, "--run")) {
            run = 1;
        } else if (!strcmp(a, "--plot-attrs")) {
            plot_attrs = 1;
        } else if (!strcmp(a, "--norm")) {
            norm = 1;
        } else if (!strcmp(a, "--no-seq")) {
            with_seq = 0;
        } else {
            fprintf(stderr, "siamcl eval: unknown option %s (see --help)\n", a);
            return 2;
        }
#undef NEED_VALUE
    }
    if (plot_attrs && !plot) {
        fprintf(stderr, "siamcl eval: --plot-attrs needs --plot PREFIX\n");
        return 2;
    }
    char def_gt[4096], def_attr[4096], def_data[4096];
    snprintf(def_attr, sizeof def_attr, "%s/data/otb-anno", cli_shared_dir());
    if (run) {
        if (!model || !out) {
            fprintf(stderr, "siamcl eval: --run needs --model M and --out DIR (see --help)\n");
            return 2;
        }
        if (!dataset) {
            snprintf(def_data, sizeof def_data, "%s/data/otb", cli_shared_dir());
            dataset = def_data;
        }
        if (!is_dir(dataset)) {
            fprintf(stderr, "siamcl eval: %s: dataset folder not found\n", dataset);
            return 1;
        }
        int rc = run_tracking(model, dataset, out, set, device);
        if (rc) return rc;
        /* evaluate the new results first, then any others given */
        if (nt == MAX_TRACKERS) nt--;
        for (int t = nt; t > 0; t--) {
            dirs[t] = dirs[t - 1];
            names[t] = names[t - 1];
        }
        dirs[0] = out;
        names[0] = NULL;
        nt++;
        if (!gt) gt = dataset;
    } else {
        if (model || dataset || out) {
            fprintf(stderr, "siamcl eval: --model, --dataset and --out go with --run\n");
            return 2;
        }
        if (!nt) {
            fprintf(stderr, "siamcl eval: give at least one --results DIR (see --help)\n");
            return 2;
        }
    }
    if (!gt) {
        snprintf(def_gt, sizeof def_gt, "%s", def_attr);
        gt = def_gt;
    }
    if (!attr) {
        char p1[4200], p2[4200];
        snprintf(p1, sizeof p1, "%s/OTB2013.txt", gt);
        snprintf(p2, sizeof p2, "%s/att", gt);
        struct stat sb;
        attr = (stat(p1, &sb) == 0 || is_dir(p2)) ? gt : def_attr;
    }

    siamcl_eval_options o = {0};
    o.gt_dir = gt;
    o.result_dirs = dirs;
    o.tracker_names = names;
    o.ntrackers = nt;
    o.set = set;
    o.attr_dir = attr;
    o.params = params;
    siamcl_eval_report *r = NULL;
    siamcl_status st = siamcl_eval_benchmark(&o, &r);
    if (st != SIAMCL_OK) return 1; /* the logger has printed the message (file and line) */
    const char *set_label = set;
    if (set && siamcl_eval_set_builtin(set, NULL) == 100) set_label = "OTB2015";
    else if (set && siamcl_eval_set_builtin(set, NULL) == 51) set_label = "OTB2013";
    print_tables(r, set_label, with_seq, norm);
    int rc = 0;
    if (csv && !rc) {
        rc = write_csv(csv, r);
        if (!rc) printf("wrote %s\n", csv);
    }
    if (json && !rc) {
        rc = write_json(json, r, set_label);
        if (!rc) printf("wrote %s\n", json);
    }
    if (plot && !rc) rc = plots(plot, r, set_label, plot_attrs, norm);
    siamcl_eval_report_free(r);
    return rc;
}
