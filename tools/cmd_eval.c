/* siamcl eval: OTB one-pass evaluation of result folders (per-sequence table,
 * per-attribute AUC, totals, CSV/JSON, success/precision plots), and --run:
 * track every sequence of a dataset first (resumable), then evaluate. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dist.h"
#include "eval_cli.h"

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
            "  --device N      context device (default 0, under mpirun the local rank modulo the\n"
            "                  devices; SIAMCL_DEVICE etc. pick the devices)\n"
            "Results of other trackers given with --results are evaluated next to the new ones.\n"
            "\n"
            "over MPI (%s): mpirun -n N siamcl eval --run ... splits the sequences over N ranks,\n"
            "largest first, balanced by frame count; each rank uses the device of its local rank\n"
            "(OMPI_COMM_WORLD_LOCAL_RANK modulo the devices SIAMCL_DEVICE selects; on one machine\n"
            "POCL_DEVICES='pthread pthread' gives PoCL two), rank 0 writes the same result files as\n"
            "one process and evaluates; the summary says which rank ran which sequences.\n",
            dist_built() ? "built in" : "not in this build: -DSIAMCL_MPI=ON");
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

/* ---------------------------------------------------------------- main */

/* --results DIR (repeatable) and --name NAME (of the --results before it). */
typedef struct tracker_list {
    const char *dirs[MAX_TRACKERS + 1], *names[MAX_TRACKERS + 1];
    int n;
} tracker_list;

static int add_results(const char *opt, const char *v, void *dst) {
    (void)opt;
    tracker_list *t = dst;
    if (t->n == MAX_TRACKERS) {
        fprintf(stderr, "siamcl eval: at most %d trackers\n", MAX_TRACKERS);
        return 0;
    }
    t->names[t->n] = NULL;
    t->dirs[t->n++] = v;
    return 1;
}

static int name_results(const char *opt, const char *v, void *dst) {
    (void)opt;
    tracker_list *t = dst;
    if (!t->n) {
        fprintf(stderr, "siamcl eval: --name follows the --results it names\n");
        return 0;
    }
    t->names[t->n - 1] = v;
    return 1;
}

int cmd_eval(int argc, char **argv) {
    tracker_list tl = {0};
    const char **dirs = tl.dirs, **names = tl.names;
    const char *gt = NULL, *set = NULL, *attr = NULL, *plot = NULL, *csv = NULL, *json = NULL;
    const char *model = NULL, *dataset = NULL, *out = NULL;
    int run = 0, plot_attrs = 0, norm = 0, no_seq = 0, device = -1, invalid_gt = 0;
    siamcl_eval_params params = {0};
    const cli_opt opts[] = {
        CLI_OPT_FN("--results", &tl, add_results),
        CLI_OPT_FN("--name", &tl, name_results),
        CLI_OPT_STR("--gt", &gt),
        CLI_OPT_STR("--set", &set),
        CLI_OPT_STR("--attr", &attr),
        CLI_OPT_STR("--plot", &plot),
        CLI_OPT_STR("--csv", &csv),
        CLI_OPT_STR("--json", &json),
        CLI_OPT_STR("--model", &model),
        CLI_OPT_STR("--dataset", &dataset),
        CLI_OPT_STR("--out", &out),
        CLI_OPT_INT("--device", &device, 0, 63),
        CLI_OPT_CHOICE("--invalid-gt", &invalid_gt, "fail|toolkit|skip"), /* siamcl_eval_invalid_gt's order */
        CLI_OPT_FLAG("--keep-first-row", &params.keep_first_row),
        CLI_OPT_FLAG("--strict", &params.strict_length),
        CLI_OPT_FLAG("--run", &run),
        CLI_OPT_FLAG("--plot-attrs", &plot_attrs),
        CLI_OPT_FLAG("--norm", &norm),
        CLI_OPT_FLAG("--no-seq", &no_seq),
        CLI_OPT_END,
    };
    int parsed = cli_parse_opts("eval", argc, argv, opts, usage);
    if (parsed <= 0) return parsed < 0 ? 0 : 2;
    params.invalid_gt = (siamcl_eval_invalid_gt)invalid_gt;
    int nt = tl.n, with_seq = !no_seq;
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
        if (!eval_is_dir(dataset)) {
            fprintf(stderr, "siamcl eval: %s: dataset folder not found\n", dataset);
            return 1;
        }
        int worker = 0;
        int rc = eval_run_tracking(model, dataset, out, set, device, &worker);
        if (rc || worker) return rc; /* rank 0 evaluates */
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
        attr = (stat(p1, &sb) == 0 || eval_is_dir(p2)) ? gt : def_attr;
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
