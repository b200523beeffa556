/* siamcl tune: a hyper-parameter search for a tracker description over a set
 * of sequences, random or evolutionary, with the tracker runs spread over MPI
 * ranks (tune_run.c). Writes every trial to DIR/trials.csv (a rerun resumes
 * from it), the best settings as DIR/best.model, the AUC per trial as
 * DIR/auc.png, and scores the default and tuned settings on held-out
 * sequences that the search never sees. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dist.h"
#include "tune_cli.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: siamcl tune --model M --trials N --out DIR [--set SET] [--test SET] [options]\n\n"
            "Searches the tracking settings of a model description for the best success AUC (OTB\n"
            "one-pass, mean over the tuning sequences). Trial 1 is the description's own settings.\n"
            "Spaces: SiamFC scale_step 1.0-1.2, scale_penalty 0.95-1.0, window_influence 0.05-0.7,\n"
            "scale_lr 0.15-0.7 (SiamDW's); NanoTrack penalty_k 0-0.5, window_influence 0.1-0.7,\n"
            "lr 0.1-0.8.\n\n"
            "options:\n"
            "  --model M          tracker description, a path or a name (siamfc-alexnet)\n"
            "  --trials N         trials in all, resumed ones included\n"
            "  --out DIR          trials.csv (header + one row per trial: settings, auc, precision20),\n"
            "                     best.model, auc.png, heldout.csv; a rerun resumes from trials.csv\n"
            "  --dataset DIR      OTB-layout sequences (default: <shared>/data/otb)\n"
            "  --set SET          the tuning sequences: OTB2013, OTB2015 or a file with one name per\n"
            "                     line (default: every sequence of the dataset not in --test)\n"
            "  --test SET         held-out sequences: never tuned on; the default and the tuned\n"
            "                     settings are scored on them at the end. A sequence in both is refused\n"
            "  --method evolve|random  (evolve: random first round, then children of the best quarter)\n"
            "  --population P     trials per round (8); the CSV is written after every round\n"
            "  --seed S           search seed (1): the same seed gives the same trials, on any number\n"
            "                     of ranks\n"
            "  --frames N         track only the first N frames of each sequence (quick searches)\n"
            "  --device N         device (default 0, under mpirun the local rank modulo the devices)\n\n"
            "over MPI (%s): mpirun -n N siamcl tune ... runs one tracker per rank; rank 0 hands\n"
            "out one run (trial x sequence) at a time, longest sequences first, and writes the files.\n",
            dist_built() ? "built in" : "not in this build: -DSIAMCL_MPI=ON");
}

typedef struct tune_opts {
    const char *model, *out, *dataset, *set, *test;
    int trials, population, seed, frames, device;
    tune_method method;
} tune_opts;

static int parse(int argc, char **argv, tune_opts *o) {
    memset(o, 0, sizeof *o);
    o->population = 8, o->seed = 1, o->device = -1, o->trials = -1;
    int method = 0; /* evolve */
    const cli_opt opts[] = {
        CLI_OPT_STR("--model", &o->model),
        CLI_OPT_STR("--out", &o->out),
        CLI_OPT_STR("--dataset", &o->dataset),
        CLI_OPT_STR("--set", &o->set),
        CLI_OPT_STR("--test", &o->test),
        CLI_OPT_INT("--trials", &o->trials, 1, 1000000),
        CLI_OPT_INT("--population", &o->population, 2, 10000),
        CLI_OPT_INT("--seed", &o->seed, 0, 2147483647),
        CLI_OPT_INT("--frames", &o->frames, 2, 1000000),
        CLI_OPT_INT("--device", &o->device, 0, 63),
        CLI_OPT_CHOICE("--method", &method, "evolve|random"),
        CLI_OPT_END,
    };
    int r = cli_parse_opts("tune", argc, argv, opts, usage);
    if (r <= 0) return r;
    o->method = method == 0 ? TUNE_EVOLVE : TUNE_RANDOM;
    const char *missing = !o->model ? "--model" : o->trials < 0 ? "--trials" : !o->out ? "--out" : NULL;
    if (missing) {
        fprintf(stderr, "siamcl tune: %s is required (see --help)\n", missing);
        return 0;
    }
    if (strlen(o->out) > 3000) {
        fprintf(stderr, "siamcl tune: --out is limited to 3000 characters\n");
        return 0;
    }
    return 1;
}

/* The tuning and held-out lists (every rank), kept apart. */
static int sequence_sets(const tune_opts *o, const char *dataset, tune_job *j, run_seq **dev, run_seq **test) {
    int nd = 0, nt = 0;
    *dev = *test = NULL;
    if (o->test && eval_list_everywhere(dataset, o->test, 0, test, &nt)) return 1;
    if (eval_list_everywhere(dataset, o->set, 0, dev, &nd)) return 1;
    int k = 0, clash = 0;
    for (int i = 0; i < nd; i++) {
        int in_test = 0;
        for (int t = 0; t < nt; t++) in_test |= siamcl_eval_name_equal((*dev)[i].name, (*test)[t].name);
        if (!in_test) (*dev)[k++] = (*dev)[i];
        else if (o->set) { /* named in both: refused */
            if (dist_rank() == 0)
                fprintf(stderr, "siamcl tune: %s is in --set and in --test: tuning on the sequences you report is "
                                "the classic mistake; keep the two apart\n", (*dev)[i].name);
            clash = 1;
        }
    }
    if (clash) return 2;
    if (k == 0) {
        if (dist_rank() == 0) fprintf(stderr, "siamcl tune: no tuning sequence left (all are in --test)\n");
        return 2;
    }
    j->sets[0] = *dev, j->nsets[0] = k;
    j->sets[1] = *test, j->nsets[1] = nt;
    return 0;
}

/* Rank 0: trials.csv of an earlier run, checked against this search's proposals. */
static int resume_check(const tune_opts *o, const tune_trial *prev, int rows, tune_trial *t, int first, int count) {
    for (int i = first; i < first + count && i < rows; i++) {
        if (memcmp(prev[i].v, t[i].v, sizeof t[i].v) != 0 || strcmp(prev[i].origin, t[i].origin) != 0) {
            fprintf(stderr, "siamcl tune: %s/trials.csv row %d is not this search's trial %d (another --seed, "
                            "--method, --population or model?): use another --out or remove the file\n",
                    o->out, i + 1, i + 1);
            return 1;
        }
        t[i] = prev[i];
    }
    return 0;
}

static void print_round(const tune_trial *t, int first, int count, int total, double secs) {
    int b = tune_best(t, first + count);
    printf("round %d: trials %d-%d of %d, best AUC %.4f (trial %d), %.1f s\n", t[first].round, first + 1,
           first + count, total, t[b].auc, b + 1, secs);
    fflush(stdout);
}

/* The search itself on rank 0: rounds of `population` trials. */
static int search(const tune_opts *o, tune_job *j, tune_trial *t, const char *csv) {
    int n = o->trials, rows = 0, rc = 0;
    tune_trial *prev = calloc((size_t)n, sizeof *prev);
    if (!prev) return cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "tune");
    if (tune_csv_read(csv, j->space, prev, n, &rows)) {
        free(prev);
        return 1;
    }
    if (rows) printf("resuming from %s: %d trial(s) done\n", csv, rows < n ? rows : n);
    double defaults[TUNE_MAX_PARAMS] = {0};
    tune_get(j->desc, j->space, defaults);
    for (int first = 0, round = 0; first < n && !rc; first += o->population, round++) {
        int count = n - first < o->population ? n - first : o->population;
        tune_propose(j->space, o->method, (uint64_t)o->seed, defaults, t, first, count, round);
        if (resume_check(o, prev, rows, t, first, count)) {
            rc = 1;
            break;
        }
        if (first + count <= rows) continue;
        double t0 = cli_now_s();
        rc = tune_phase(j, t, first, count, 0);
        if (!rc) rc = tune_csv_write(csv, j->space, t, n);
        if (!rc) print_round(t, first, count, n, cli_now_s() - t0);
    }
    free(prev);
    return rc;
}

/* Rank 0: default and tuned settings on the held-out sequences. */
static int held_out(const tune_opts *o, tune_job *j, const tune_trial *t, int best) {
    if (!j->nsets[1]) {
        printf("no --test sequences: the tuned AUC above is on the tuning sequences (optimistic)\n");
        return 0;
    }
    tune_trial h[2] = {t[0], t[best]};
    h[0].done = h[1].done = 0;
    int rc = tune_phase(j, h, 0, 2, 1);
    if (rc) return rc;
    char path[4200];
    snprintf(path, sizeof path, "%s/heldout.csv", o->out);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "settings,trial,sequences,auc,precision20\n");
        fprintf(f, "default,1,%d,%.6f,%.6f\ntuned,%d,%d,%.6f,%.6f\n", j->nsets[1], h[0].auc, h[0].precision, best + 1,
                j->nsets[1], h[1].auc, h[1].precision);
    }
    if (!f || fclose(f) != 0) return cli_fail(SIAMCL_ERR_IO, path);
    printf("held-out (%d sequences, never tuned on): default AUC %.4f P@20 %.4f; tuned AUC %.4f P@20 %.4f\n",
           j->nsets[1], h[0].auc, h[0].precision, h[1].auc, h[1].precision);
    printf("wrote %s\n", path);
    return 0;
}

static void rank_summary(const tune_job *j, double secs) {
    long tasks = 0;
    for (int r = 0; r < dist_size(); r++) tasks += j->rank_tasks[r];
    printf("%ld tracker runs, %ld frames in %.1f s on %d rank%s (%.1f frames/s)\n", tasks, j->frames, secs,
           dist_size(), dist_size() == 1 ? "" : "s", secs > 0 ? j->frames / secs : 0);
    for (int r = 0; dist_size() > 1 && r < dist_size(); r++)
        printf("  rank %d: %ld runs, %.1f s tracking\n", r, j->rank_tasks[r], j->rank_secs[r]);
}

/* Rank 0: search, files, held-out scores. */
static int lead(const tune_opts *o, tune_job *j, const char *model_path) {
    if (!cli_make_dirs(o->out)) return 1;
    tune_trial *t = calloc((size_t)o->trials, sizeof *t);
    if (!t) return cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "tune");
    char csv[4200], best_path[4200], png[4200];
    snprintf(csv, sizeof csv, "%s/trials.csv", o->out);
    snprintf(best_path, sizeof best_path, "%s/best.model", o->out);
    snprintf(png, sizeof png, "%s/auc.png", o->out);
    printf("tuning %s on %d sequence%s (%s search, %d trials, seed %d)%s\n", j->desc->name, j->nsets[0],
           j->nsets[0] == 1 ? "" : "s", o->method == TUNE_EVOLVE ? "evolutionary" : "random", o->trials, o->seed,
           dist_size() > 1 ? " over MPI ranks" : "");
    double t0 = cli_now_s();
    int rc = search(o, j, t, csv);
    int best = rc ? -1 : tune_best(t, o->trials);
    if (best >= 0) {
        printf("best: trial %d, AUC %.4f (default %.4f):", best + 1, t[best].auc, t[0].auc);
        for (int k = 0; k < j->space->n; k++) printf(" %s %.4f", j->space->name[k], t[best].v[k]);
        printf("\nwrote %s\n", csv);
        rc = tune_write_model(model_path, j->desc, j->space, t[best].v, best_path);
        siamcl_tracker_desc check;
        if (!rc && siamcl_tracker_desc_load(best_path, NULL, &check) != SIAMCL_OK) rc = cli_fail(SIAMCL_ERR_FORMAT, best_path);
        if (!rc) printf("wrote %s\n", best_path);
        if (!rc && tune_plot(png, t, o->trials) == 0) printf("wrote %s\n", png);
        if (!rc) rc = held_out(o, j, t, best);
    }
    rank_summary(j, cli_now_s() - t0);
    free(t);
    return rc;
}

static int run(const tune_opts *o) {
    char dataset[4096], model_path[4096];
    if (o->dataset) snprintf(dataset, sizeof dataset, "%s", o->dataset);
    else snprintf(dataset, sizeof dataset, "%s/data/otb", cli_shared_dir());
    siamcl_tracker_desc desc;
    int bad = siamcl_model_find(o->model, model_path, sizeof model_path) != SIAMCL_OK ||
              siamcl_tracker_desc_load(model_path, NULL, &desc) != SIAMCL_OK;
    dist_settled(1); /* every rank reads the same files: they fail alike */
    if (bad) return dist_rank() == 0 ? cli_fail(SIAMCL_ERR_IO, siamcl_last_error()) : 1;
    if (!eval_is_dir(dataset)) {
        if (dist_rank() == 0) fprintf(stderr, "siamcl tune: %s: dataset folder not found\n", dataset);
        return 1;
    }
    tune_space space;
    tune_space_of(&desc, &space);
    tune_job j = {.desc = &desc, .space = &space, .max_frames = o->frames};
    run_seq *dev = NULL, *test = NULL;
    int rc = sequence_sets(o, dataset, &j, &dev, &test);
    int ranks = dist_size();
    j.rank_tasks = calloc((size_t)ranks, sizeof *j.rank_tasks);
    j.rank_secs = calloc((size_t)ranks, sizeof *j.rank_secs);
    j.idle = calloc((size_t)ranks, sizeof *j.idle);
    if (!rc && (!j.rank_tasks || !j.rank_secs || !j.idle)) rc = cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "tune");
    siamcl_context *ctx = NULL;
    if (!rc) {
        siamcl_status st = siamcl_context_create(NULL, &ctx);
        if (st == SIAMCL_OK) st = siamcl_tracker_create(ctx, dist_device(ctx, o->device), &desc, &j.trk);
        if (st != SIAMCL_OK) snprintf(j.err, sizeof j.err, "%s", siamcl_last_error());
        if (dist_rank() == 0) {
            rc = lead(o, &j, model_path);
            tune_stop(&j);
        } else {
            rc = tune_serve(&j);
        }
    }
    siamcl_tracker_free(j.trk);
    siamcl_context_free(ctx);
    free(j.rank_tasks);
    free(j.rank_secs);
    free(j.idle);
    free(dev);
    free(test);
    return rc;
}

int cmd_tune(int argc, char **argv) {
    tune_opts o;
    int p = parse(argc, argv, &o);
    if (p <= 0) return p < 0 ? 0 : 2;
    return run(&o);
}
