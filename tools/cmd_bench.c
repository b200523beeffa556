/* siamcl bench: where the time of a tracked frame goes, on one device.
 *
 * For each model description: a tracker is built and initialised on a
 * synthetic frame; after warm-up runs that are not counted, each run does a
 * profiled update and init (siamcl_tracker_set_profiling: the tracker waits
 * after each of its own stages and reports their wall times) and an ordinary
 * update timed whole. Each branch is also run step by step with OpenCL
 * markers between the steps (siamcl_plan_profile), which gives the device
 * time of every fused layer (CLBlast launches included). Figures are medians
 * over the runs with their min/max and 10th/90th percentiles. The ceiling
 * printed beside them is CLBlast's SGEMM on the same device in the same
 * process (siamcl_context_time_sgemm). Public API only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: siamcl bench [--model M]... [--batch N] [--runs N] [--warmup N] [--json]\n"
            "                    [--no-layers] [--sgemm N] [--models DIR]\n\n"
            "Times a tracker on the selected OpenCL device (SIAMCL_DEVICE etc., see 'siamcl --help'):\n"
            "per stage of one update (crop, template branch, search branch over all crops, head,\n"
            "download, response upsampling, host decode, the whole siamcl_tracker_update) in ms with\n"
            "GFLOP/s (2 x multiply-adds / time) and share of the update; per layer of every branch\n"
            "(device time between OpenCL markers around each fused step) in ms, GFLOP/s and share of\n"
            "the branch; and CLBlast's SGEMM GFLOP/s on the same device as the ceiling. Warm-up runs\n"
            "are excluded; figures are the median over the runs with min..max.\n\n"
            "options:\n"
            "  --model M    model description (a .model file or a name: siamfc-alexnet,\n"
            "               ciresnet22, nanotrack-v2, nanotrack-v3); repeatable.\n"
            "               Default: siamfc-alexnet, ciresnet22 and nanotrack-v2\n"
            "  --models DIR where the ONNX files are searched (default: beside the description,\n"
            "               then $SIAMCL_MODELS, <shared>/models)\n"
            "  --batch N    search crops per frame: the number of scales of a SiamFC tracker\n"
            "               (odd, 1..7; default from the description). NanoTrack tracks one crop\n"
            "  --runs N     timed runs (default 10)\n"
            "  --warmup N   untimed runs first (default 3)\n"
            "  --no-layers  skip the per-layer tables\n"
            "  --sgemm N    size of the square SGEMM ceiling (default 1024; 0 skips it)\n"
            "  --json       one JSON document on stdout instead of the tables\n"
            "  --targets N  instead: tracker-group throughput (targets x frames / s) for 1, 2, 4 .. N\n"
            "               targets on the context's devices [--frames F --schedule S --sequence DIR --async]\n"
            "  --train      instead: one training step of the embedding net (batch 128 pairs) and of\n"
            "               SiamFC AlexNet (batch 8 pairs) [--runs N --warmup N]\n");
}

/* ---- statistics ---- */
typedef struct bstat {
    double med, min, max, p10, p90, mean;
    int n;
} bstat;

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double quantile(const double *s, int n, double q) {
    if (n == 1) return s[0];
    double pos = q * (n - 1);
    int i = (int)pos;
    if (i >= n - 1) return s[n - 1];
    return s[i] + (pos - i) * (s[i + 1] - s[i]);
}

static bstat stats_of(const double *v, int n) {
    bstat s = {0, 0, 0, 0, 0, 0, n};
    if (n <= 0) return s;
    double *t = malloc((size_t)n * sizeof *t);
    if (!t) return s;
    memcpy(t, v, (size_t)n * sizeof *t);
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    s.min = t[0];
    s.max = t[n - 1];
    s.med = quantile(t, n, 0.5);
    s.p10 = quantile(t, n, 0.1);
    s.p90 = quantile(t, n, 0.9);
    for (int i = 0; i < n; i++) s.mean += t[i];
    s.mean /= n;
    free(t);
    return s;
}

/* ---- JSON output helpers ---- */
static void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* A finite number or null. */
static void json_num(FILE *f, double v) {
    if (isfinite(v))
        fprintf(f, "%.6g", v);
    else
        fputs("null", f);
}

static void json_stat(FILE *f, const bstat *s) {
    fputs("{\"median\": ", f);
    json_num(f, s->med);
    fputs(", \"min\": ", f);
    json_num(f, s->min);
    fputs(", \"max\": ", f);
    json_num(f, s->max);
    fputs(", \"p10\": ", f);
    json_num(f, s->p10);
    fputs(", \"p90\": ", f);
    json_num(f, s->p90);
    fputs(", \"mean\": ", f);
    json_num(f, s->mean);
    fprintf(f, ", \"runs\": %d}", s->n);
}

/* ---- options and results ---- */
#define MAX_MODELS 8
#define MAX_STAGES 10

typedef struct opts {
    const char *models[MAX_MODELS];
    int nmodels;
    const char *search;
    int batch, runs, warmup, layers, sgemm, json;
} opts;

typedef struct stage {
    const char *name;
    char label[64];
    double *v;         /* runs values, ms */
    long long macs;    /* 0: no GFLOP/s */
    int in_update;     /* part of the update's time (share printed) */
    bstat s;
} stage;

typedef struct branch {
    const char *name;  /* "template", "search", "head" */
    siamcl_plan *plan;
    int n;             /* layers */
    siamcl_layer_profile *prof;
    double *ms;        /* runs x n */
    double *med;       /* n */
    double total;      /* sum of the medians */
    long long macs;
} branch;

typedef struct result {
    char name[64], path[1024];
    siamcl_tracker_desc desc;
    int batch;
    double build_ms;
    stage st[MAX_STAGES];
    int nst;
    branch br[3];
    int nbr;
    double fps;
} result;

/* A deterministic textured frame: gradients plus a bright square target. */
static siamcl_status make_frame(siamcl_image *img, int w, int h) {
    CLI_TRY(siamcl_image_alloc(img, w, h));
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = img->data + ((size_t)y * w + x) * 3;
            int in = x >= w / 2 - 40 && x < w / 2 + 40 && y >= h / 2 - 30 && y < h / 2 + 30;
            p[0] = (uint8_t)(in ? 230 : (x * 255 / w));
            p[1] = (uint8_t)(in ? 40 : (y * 255 / h));
            p[2] = (uint8_t)(in ? 60 : ((x ^ y) & 0xff));
        }
    return SIAMCL_OK;
}

/* ---- the CLBlast SGEMM ceiling ---- */
typedef struct ceiling {
    int size;
    bstat s;       /* ms */
    double gflops; /* at the median */
} ceiling;

static siamcl_status sgemm_ceiling(siamcl_context *ctx, int size, int runs, int warmup, ceiling *out) {
    out->size = size;
    double *v = malloc((size_t)(warmup + runs) * sizeof *v);
    if (!v) return SIAMCL_ERR_OUT_OF_MEMORY;
    siamcl_status st = siamcl_context_time_sgemm(ctx, 0, size, warmup + runs, v);
    if (st == SIAMCL_OK) {
        out->s = stats_of(v + warmup, runs);
        out->gflops = 2.0 * (double)size * size * size / (out->s.med * 1e6);
    }
    free(v);
    return st;
}

/* ---- one model ---- */
static void result_free(result *r) {
    for (int i = 0; i < r->nst; i++) free(r->st[i].v);
    for (int i = 0; i < r->nbr; i++) {
        free(r->br[i].prof);
        free(r->br[i].ms);
        free(r->br[i].med);
    }
}

static stage *add_stage(result *r, const char *name, int runs, long long macs, int in_update) {
    stage *s = &r->st[r->nst];
    memset(s, 0, sizeof *s);
    s->name = name;
    snprintf(s->label, sizeof s->label, "%s", name);
    s->v = calloc((size_t)runs, sizeof *s->v);
    s->macs = macs;
    s->in_update = in_update;
    if (!s->v) return NULL;
    r->nst++;
    return s;
}

static long long plan_macs(const siamcl_plan *p) {
    siamcl_plan_stats s;
    return p && siamcl_plan_get_stats(p, &s) == SIAMCL_OK ? s.macs : 0;
}

/* Per-layer device times: `runs` profiled runs of each branch after one untimed. */
static siamcl_status profile_branches(result *r, int runs) {
    for (int b = 0; b < r->nbr; b++) {
        branch *br = &r->br[b];
        br->n = siamcl_plan_layer_count(br->plan);
        br->prof = calloc((size_t)br->n + 1, sizeof *br->prof);
        br->ms = calloc((size_t)runs * br->n + 1, sizeof *br->ms);
        br->med = calloc((size_t)br->n + 1, sizeof *br->med);
        double *col = calloc((size_t)runs + 1, sizeof *col);
        if (!br->prof || !br->ms || !br->med || !col) {
            free(col);
            return cli_error(SIAMCL_ERR_OUT_OF_MEMORY, "bench: out of memory");
        }
        siamcl_status st = siamcl_plan_profile(br->plan, br->prof);
        for (int k = 0; k < runs && st == SIAMCL_OK; k++) {
            st = siamcl_plan_profile(br->plan, br->prof);
            for (int i = 0; i < br->n && st == SIAMCL_OK; i++) br->ms[(size_t)k * br->n + i] = br->prof[i].ms;
        }
        br->total = 0;
        for (int i = 0; i < br->n && st == SIAMCL_OK; i++) {
            for (int k = 0; k < runs; k++) col[k] = br->ms[(size_t)k * br->n + i];
            br->med[i] = stats_of(col, runs).med;
            br->total += br->med[i];
        }
        free(col);
        CLI_TRY(st);
    }
    return SIAMCL_OK;
}

/* The description to bench, with --batch applied. */
static siamcl_status load_desc(const opts *o, const char *model, result *r) {
    CLI_TRY(siamcl_model_find(model, r->path, sizeof r->path));
    CLI_TRY(siamcl_tracker_desc_load(r->path, o->search, &r->desc));
    siamcl_tracker_desc *d = &r->desc;
    snprintf(r->name, sizeof r->name, "%s", d->name);
    int siamfc = d->kind == SIAMCL_TRACKER_SIAMFC;
    if (o->batch > 0) {
        if (siamfc) {
            if (o->batch % 2 == 0 || o->batch > SIAMCL_TRACKER_MAX_SCALES)
                return cli_error(SIAMCL_ERR_INVALID_ARGUMENT, "%s: --batch %d: a SiamFC tracker needs an odd number of "
                                 "scales up to %d", d->name, o->batch, SIAMCL_TRACKER_MAX_SCALES - 1);
            d->scale_count = o->batch;
        } else if (o->batch != 1) {
            return cli_error(SIAMCL_ERR_INVALID_ARGUMENT, "%s: --batch %d: NanoTrack tracks one search crop per frame",
                             d->name, o->batch);
        }
    }
    r->batch = siamfc ? d->scale_count : 1;
    return SIAMCL_OK;
}

enum { S_UPLOAD, S_CROP, S_TEMPLATE, S_SEARCH, S_HEAD, S_DOWNLOAD, S_UPSAMPLE, S_DECODE, S_UPDATE, S_COUNT };

/* The stage rows, labelled with the tracker's shapes; st[] indexed by S_*
 * (NULL for a stage the model does not have). */
static siamcl_status add_stages(result *r, siamcl_tracker *t, int runs, int W, int H, stage *st[S_COUNT]) {
    const siamcl_tracker_desc *d = &r->desc;
    int siamfc = d->kind == SIAMCL_TRACKER_SIAMFC, B = r->batch, n = d->score_size;
    siamcl_plan *zp = siamcl_tracker_plan(t, 0), *xp = siamcl_tracker_plan(t, 1), *hp = siamcl_tracker_plan(t, 2);
    siamcl_shape zin = {0, 0, 0, 0}, xin = zin, zf = zin;
    CLI_TRY(siamcl_plan_input_shape(zp, 0, &zin));
    CLI_TRY(siamcl_plan_input_shape(xp, 0, &xin));
    CLI_TRY(siamcl_plan_output_shape(zp, 0, &zf));
    long long zmacs = plan_macs(zp), xmacs = plan_macs(xp);
    long long hmacs = siamfc ? (long long)B * zf.c * zf.h * zf.w * n * n : plan_macs(hp);
    memset(st, 0, S_COUNT * sizeof *st);
    st[S_UPLOAD] = add_stage(r, "frame upload", runs, 0, 1);
    st[S_CROP] = add_stage(r, "crop", runs, 0, 1);
    st[S_TEMPLATE] = add_stage(r, "template branch", runs, zmacs, 0);
    st[S_SEARCH] = add_stage(r, "search branch", runs, xmacs, 1);
    st[S_HEAD] = add_stage(r, "head", runs, hmacs, 1);
    st[S_DOWNLOAD] = add_stage(r, "download", runs, 0, 1);
    if (siamfc) st[S_UPSAMPLE] = add_stage(r, "upsample", runs, 0, 1);
    st[S_DECODE] = add_stage(r, "decode", runs, 0, 1);
    st[S_UPDATE] = add_stage(r, "whole update", runs, xmacs + hmacs, 0);
    for (int k = 0; k < S_COUNT; k++)
        if (!st[k] && (k != S_UPSAMPLE || siamfc)) return cli_error(SIAMCL_ERR_OUT_OF_MEMORY, "bench: out of memory");
    snprintf(st[S_UPLOAD]->label, sizeof st[0]->label, "frame upload (%dx%d RGB)", W, H);
    snprintf(st[S_CROP]->label, sizeof st[0]->label, "crop (%d x %dx%d)", B, xin.h, xin.w);
    snprintf(st[S_TEMPLATE]->label, sizeof st[0]->label, "template branch (%dx%dx%dx%d)", zin.n, zin.c, zin.h, zin.w);
    snprintf(st[S_SEARCH]->label, sizeof st[0]->label, "search branch (%dx%dx%dx%d)", xin.n, xin.c, xin.h, xin.w);
    snprintf(st[S_HEAD]->label, sizeof st[0]->label, siamfc ? "head (xcorr, %d maps)" : "head (%d crop)", B);
    if (siamfc)
        snprintf(st[S_UPSAMPLE]->label, sizeof st[0]->label, "upsample (host, %d x %d->%d)", B, n, n * d->response_up);
    snprintf(st[S_DECODE]->label, sizeof st[0]->label, "decode (host%s)", siamfc ? ", rest" : "");
    return SIAMCL_OK;
}

/* One run: a profiled update and init (the stages), then an ordinary update
 * timed whole; k < 0 is a warm-up. The target is re-initialised where it
 * is: the synthetic frame does not move. */
static siamcl_status run_once(siamcl_tracker *t, const siamcl_image *frame, siamcl_box box, int k,
                              stage *st[S_COUNT]) {
    siamcl_box nb;
    CLI_TRY(siamcl_tracker_set_profiling(t, 1));
    CLI_TRY(siamcl_tracker_update(t, frame, &nb, NULL));
    CLI_TRY(siamcl_tracker_init(t, frame, box));
    siamcl_tracker_stages sg;
    siamcl_tracker_get_stages(t, &sg);
    CLI_TRY(siamcl_tracker_set_profiling(t, 0));
    double a = cli_now_ms();
    CLI_TRY(siamcl_tracker_update(t, frame, &nb, NULL));
    double b = cli_now_ms();
    CLI_TRY(siamcl_tracker_init(t, frame, box));
    if (k < 0) return SIAMCL_OK;
    const double v[S_COUNT] = {sg.upload_ms, sg.crop_ms,     sg.template_ms, sg.search_ms, sg.head_ms,
                               sg.download_ms, sg.upsample_ms, sg.decode_ms,   b - a};
    for (int i = 0; i < S_COUNT; i++)
        if (st[i]) st[i]->v[k] = v[i];
    return SIAMCL_OK;
}

static siamcl_status bench_model(siamcl_context *ctx, const opts *o, const char *model, result *r) {
    memset(r, 0, sizeof *r);
    CLI_TRY(load_desc(o, model, r));
    siamcl_tracker *t = NULL;
    siamcl_image frame = {0, 0, NULL};
    const int W = 640, H = 360;
    siamcl_box box = {(float)(W / 2 - 40 + 1), (float)(H / 2 - 30 + 1), 80.0f, 60.0f};
    double t0 = cli_now_ms();
    siamcl_status st = siamcl_tracker_create(ctx, 0, &r->desc, &t);
    r->build_ms = cli_now_ms() - t0;
    if (st == SIAMCL_OK) st = make_frame(&frame, W, H);
    if (st == SIAMCL_OK) st = siamcl_tracker_init(t, &frame, box);
    stage *sp[S_COUNT];
    if (st == SIAMCL_OK) st = add_stages(r, t, o->runs, W, H, sp);
    for (int it = 0; it < o->warmup + o->runs && st == SIAMCL_OK; it++)
        st = run_once(t, &frame, box, it - o->warmup, sp);
    if (st == SIAMCL_OK) {
        for (int i = 0; i < r->nst; i++) r->st[i].s = stats_of(r->st[i].v, o->runs);
        r->fps = sp[S_UPDATE]->s.med > 0 ? 1000.0 / sp[S_UPDATE]->s.med : 0;
    }
    if (st == SIAMCL_OK && o->layers) {
        const char *names[3] = {"template", "search", "head"};
        for (int b = 0; b < 3; b++) {
            siamcl_plan *p = siamcl_tracker_plan(t, b);
            if (p) r->br[r->nbr++] = (branch){names[b], p, 0, NULL, NULL, NULL, 0, plan_macs(p)};
        }
        st = profile_branches(r, o->runs);
    }
    /* the branch plans belong to the tracker: forget them before it goes */
    for (int b = 0; b < r->nbr; b++) r->br[b].plan = NULL;
    siamcl_tracker_free(t);
    siamcl_image_free(&frame);
    return st;
}

/* ---- printing ---- */
static double gflops(long long macs, double ms) { return macs > 0 && ms > 0 ? 2.0 * (double)macs / (ms * 1e6) : 0; }

static void print_text(const result *r, int layers) {
    const stage *upd = &r->st[r->nst - 1];
    printf("\n== %s (%s), %d search crop%s per frame; tracker built in %.0f ms\n", r->name, r->path, r->batch,
           r->batch > 1 ? "s" : "", r->build_ms);
    printf("%-36s %9s %21s %9s %7s\n", "stage", "ms", "[min .. max]", "GFLOP/s", "share");
    for (int i = 0; i < r->nst; i++) {
        const stage *s = &r->st[i];
        char range[48], gf[16] = "", sh[16] = "";
        snprintf(range, sizeof range, "[%.2f .. %.2f]", s->s.min, s->s.max);
        if (s->macs) snprintf(gf, sizeof gf, "%.1f", gflops(s->macs, s->s.med));
        if (s->in_update && upd->s.med > 0) snprintf(sh, sizeof sh, "%.1f%%", 100.0 * s->s.med / upd->s.med);
        if (s == upd) snprintf(sh, sizeof sh, "100%%");
        printf("%-36s %9.2f %21s %9s %7s\n", s->label, s->s.med, range, gf, sh);
    }
    printf("=> %.1f frames/s (whole update, median of %d; p10..p90 %.2f..%.2f ms)\n", r->fps, upd->s.n,
           upd->s.p10, upd->s.p90);
    if (!layers) return;
    for (int b = 0; b < r->nbr; b++) {
        const branch *br = &r->br[b];
        printf("\n%s branch: %d layers, %.2f ms device time (sum of per-layer medians), %.1f GFLOP/s\n", br->name,
               br->n, br->total, gflops(br->macs, br->total));
        printf("%3s %-28s %-26s %-16s %9s %8s %8s %6s\n", "#", "node", "op", "output", "MMAC", "ms", "GFLOP/s",
               "share");
        for (int i = 0; i < br->n; i++) {
            const siamcl_layer_profile *l = &br->prof[i];
            char mm[24] = "", gf[16] = "";
            if (l->macs) {
                snprintf(mm, sizeof mm, "%.1f", (double)l->macs * 1e-6);
                snprintf(gf, sizeof gf, "%.1f", gflops(l->macs, br->med[i]));
            }
            printf("%3d %-28.28s %-26.26s %-16.16s %9s %8.3f %8s %5.1f%%\n", i, l->node, l->what,
                   l->shape, mm, br->med[i], gf, br->total > 0 ? 100.0 * br->med[i] / br->total : 0.0);
        }
    }
}

static void print_json_model(FILE *f, const result *r, int layers) {
    const stage *upd = &r->st[r->nst - 1];
    fputs("{\"name\": ", f);
    json_str(f, r->name);
    fputs(", \"description\": ", f);
    json_str(f, r->path);
    fprintf(f, ", \"batch\": %d, \"build_ms\": ", r->batch);
    json_num(f, r->build_ms);
    fputs(", \"fps\": ", f);
    json_num(f, r->fps);
    fputs(", \"stages\": [", f);
    for (int i = 0; i < r->nst; i++) {
        const stage *s = &r->st[i];
        fputs(i ? ", {\"name\": " : "{\"name\": ", f);
        json_str(f, s->name);
        fputs(", \"label\": ", f);
        json_str(f, s->label);
        fputs(", \"ms\": ", f);
        json_stat(f, &s->s);
        fprintf(f, ", \"macs\": %lld, \"gflops\": ", s->macs);
        json_num(f, s->macs ? gflops(s->macs, s->s.med) : 0);
        fputs(", \"share\": ", f);
        if (s->in_update && upd->s.med > 0)
            json_num(f, s->s.med / upd->s.med);
        else
            fputs(s == upd ? "1" : "null", f);
        fputc('}', f);
    }
    fputs("], \"branches\": [", f);
    for (int b = 0; layers && b < r->nbr; b++) {
        const branch *br = &r->br[b];
        fputs(b ? ", {\"name\": " : "{\"name\": ", f);
        json_str(f, br->name);
        fputs(", \"ms\": ", f);
        json_num(f, br->total);
        fprintf(f, ", \"macs\": %lld, \"gflops\": ", br->macs);
        json_num(f, gflops(br->macs, br->total));
        fputs(", \"layers\": [", f);
        for (int i = 0; i < br->n; i++) {
            const siamcl_layer_profile *l = &br->prof[i];
            fputs(i ? ", {\"node\": " : "{\"node\": ", f);
            json_str(f, l->node);
            fputs(", \"op\": ", f);
            json_str(f, l->what);
            fputs(", \"output\": ", f);
            json_str(f, l->shape);
            fprintf(f, ", \"macs\": %lld, \"ms\": ", l->macs);
            json_num(f, br->med[i]);
            fputs(", \"gflops\": ", f);
            json_num(f, gflops(l->macs, br->med[i]));
            fputs(", \"share\": ", f);
            json_num(f, br->total > 0 ? br->med[i] / br->total : 0);
            fputc('}', f);
        }
        fputs("]}", f);
    }
    fputs("]}", f);
}

static int add_model(const char *opt, const char *v, void *dst) {
    opts *o = dst;
    if (o->nmodels == MAX_MODELS) {
        fprintf(stderr, "siamcl bench: at most %d %s\n", MAX_MODELS, opt);
        return 0;
    }
    o->models[o->nmodels++] = v;
    return 1;
}

int cmd_bench(int argc, char **argv) {
    for (int i = 1; i < argc; i++) /* tracker-group throughput: tools/bench_targets.c */
        if (!strcmp(argv[i], "--targets")) return cli_bench_targets(argc, argv);
    for (int i = 1; i < argc; i++) /* training steps: tools/bench_train.c */
        if (!strcmp(argv[i], "--train")) return cli_bench_train(argc, argv);
    opts o;
    memset(&o, 0, sizeof o);
    o.runs = 10;
    o.warmup = 3;
    o.sgemm = 1024;
    int no_layers = 0;
    const cli_opt opts[] = {
        CLI_OPT_FN("--model", &o, add_model),       CLI_OPT_STR("--models", &o.search),
        CLI_OPT_INT("--batch", &o.batch, 1, 64),    CLI_OPT_INT("--runs", &o.runs, 1, 100000),
        CLI_OPT_INT("--warmup", &o.warmup, 0, 100000), CLI_OPT_INT("--sgemm", &o.sgemm, 0, 16384),
        CLI_OPT_FLAG("--no-layers", &no_layers),    CLI_OPT_FLAG("--json", &o.json),
        CLI_OPT_END,
    };
    int r = cli_parse_opts("bench", argc, argv, opts, usage);
    if (r <= 0) return r < 0 ? 0 : 2;
    o.layers = !no_layers;
    if (!o.nmodels) {
        o.models[o.nmodels++] = "siamfc-alexnet";
        o.models[o.nmodels++] = "ciresnet22";
        o.models[o.nmodels++] = "nanotrack-v2";
    }

    siamcl_context *ctx = NULL;
    siamcl_status st = siamcl_context_create(NULL, &ctx);
    if (st != SIAMCL_OK) return cli_fail(st, "creating the OpenCL context");
    siamcl_device_info dinfo;
    st = siamcl_context_device_info(ctx, 0, &dinfo);
    if (st != SIAMCL_OK) {
        siamcl_context_free(ctx);
        return cli_fail(st, "device 0");
    }
    const siamcl_device_info *di = &dinfo;
    ceiling ceil_ = {0, {0, 0, 0, 0, 0, 0, 0}, 0};
    if (o.sgemm > 0) {
        st = sgemm_ceiling(ctx, o.sgemm, o.runs, o.warmup > 0 ? o.warmup : 1, &ceil_);
        if (st != SIAMCL_OK) {
            siamcl_context_free(ctx);
            return cli_fail(st, "CLBlast SGEMM ceiling");
        }
    }
    if (!o.json) {
        printf("siamcl bench on %s (%s, %s), %u compute units; %d timed runs after %d warm-up\n", di->name,
               di->platform_name, di->driver_version, di->compute_units, o.runs, o.warmup);
        printf("times: median [min .. max] in ms; GFLOP/s = 2 x multiply-adds / median time\n");
        if (o.sgemm > 0)
            printf("ceiling: CLBlast SGEMM %dx%dx%d: %.1f GFLOP/s (%.2f ms median, [%.2f .. %.2f])\n", o.sgemm,
                   o.sgemm, o.sgemm, ceil_.gflops, ceil_.s.med, ceil_.s.min, ceil_.s.max);
        fflush(stdout);
    }
    result *res = calloc((size_t)o.nmodels, sizeof *res);
    if (!res) {
        siamcl_context_free(ctx);
        return cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "bench");
    }
    int done = 0, rc = 0;
    for (int m = 0; m < o.nmodels; m++) {
        st = bench_model(ctx, &o, o.models[m], &res[m]);
        done = m + 1;
        if (st != SIAMCL_OK) {
            fprintf(stderr, "siamcl bench: %s: %s\n", o.models[m], cli_error_text());
            rc = cli_fail(st, "bench");
            break;
        }
        if (!o.json) {
            print_text(&res[m], o.layers);
            fflush(stdout);
        }
    }
    if (o.json && rc == 0) {
        FILE *f = stdout;
        fputs("{\"device\": {\"name\": ", f);
        json_str(f, di->name);
        fputs(", \"platform\": ", f);
        json_str(f, di->platform_name);
        fputs(", \"driver\": ", f);
        json_str(f, di->driver_version);
        fprintf(f, ", \"compute_units\": %u}, \"runs\": %d, \"warmup\": %d, \"sgemm\": ", di->compute_units, o.runs,
                o.warmup);
        if (o.sgemm > 0) {
            fprintf(f, "{\"m\": %d, \"n\": %d, \"k\": %d, \"gflops\": ", o.sgemm, o.sgemm, o.sgemm);
            json_num(f, ceil_.gflops);
            fputs(", \"ms\": ", f);
            json_stat(f, &ceil_.s);
            fputc('}', f);
        } else {
            fputs("null", f);
        }
        fputs(", \"models\": [", f);
        for (int m = 0; m < done; m++) {
            if (m) fputs(", ", f);
            print_json_model(f, &res[m], o.layers);
        }
        fputs("]}\n", f);
    }
    for (int m = 0; m < done; m++) result_free(&res[m]);
    free(res);
    siamcl_context_free(ctx);
    return rc;
}
