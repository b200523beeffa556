/* siamcl bench: where the time of a tracked frame goes, on one device.
 *
 * For each model description: a tracker is built (template and search plans,
 * head) and initialised on a synthetic frame; then, after warm-up runs that
 * are not counted, every stage of an update is timed on its own (host wall
 * clock around the enqueue and a clFinish: what a caller waits for) and the
 * whole siamcl_tracker_update() is timed as the tracker runs it. Each branch
 * is also run step by step with OpenCL markers between the steps, which gives
 * the device time of every fused layer (CLBlast launches included). Figures
 * are medians over the runs with their min/max and 10th/90th percentiles.
 * The ceiling printed beside them is CLBlast's SGEMM on the same device in
 * the same process. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "graph/plan.h"
#include "graph/profile.h"
#include "track/track.h"

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
    scl_layer_prof *prof;
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
    SCL_TRY(siamcl_image_alloc(img, w, h));
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

static siamcl_status sgemm_ceiling(scl_device *dev, int size, int runs, int warmup, ceiling *out) {
    out->size = size;
    size_t cnt = (size_t)size * size;
    float *h = malloc(cnt * sizeof *h);
    double *v = malloc((size_t)runs * sizeof *v);
    cl_mem a = NULL, b = NULL, c = NULL;
    siamcl_status st = h && v ? SIAMCL_OK : SIAMCL_ERR_OUT_OF_MEMORY;
    if (st == SIAMCL_OK) {
        for (size_t i = 0; i < cnt; i++) h[i] = (float)((i * 7919u) % 1000) * 1e-3f - 0.5f;
        st = scl_buffer_alloc(dev, cnt * sizeof(float), &a);
    }
    if (st == SIAMCL_OK) st = scl_buffer_alloc(dev, cnt * sizeof(float), &b);
    if (st == SIAMCL_OK) st = scl_buffer_alloc(dev, cnt * sizeof(float), &c);
    if (st == SIAMCL_OK) st = scl_buffer_write(dev, a, 0, cnt * sizeof(float), h);
    if (st == SIAMCL_OK) st = scl_buffer_write(dev, b, 0, cnt * sizeof(float), h);
    for (int r = 0; r < warmup + runs && st == SIAMCL_OK; r++) {
        double t0 = cli_now_ms();
        st = scl_gemm_fwd(dev, 0, 0, size, size, size, 1.0f, a, 0, size, 0, b, 0, size, 0, 0.0f, c, 0, size, 0, 1);
        if (st == SIAMCL_OK && scl_queue_finish(dev, SCL_Q_MAIN) != CL_SUCCESS) st = SIAMCL_ERR_INTERNAL;
        if (r >= warmup) v[r - warmup] = cli_now_ms() - t0;
    }
    if (st == SIAMCL_OK) {
        out->s = stats_of(v, runs);
        out->gflops = 2.0 * (double)size * size * size / (out->s.med * 1e6);
    }
    scl_buffer_free(dev, a);
    scl_buffer_free(dev, b);
    scl_buffer_free(dev, c);
    free(h);
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

static siamcl_status finish(scl_device *dev) {
    SCL_CL(scl_queue_finish(dev, SCL_Q_MAIN), "clFinish");
    return SIAMCL_OK;
}

static long long plan_macs(const siamcl_plan *p) {
    siamcl_plan_stats s;
    return p && siamcl_plan_get_stats(p, &s) == SIAMCL_OK ? s.macs : 0;
}

/* Per-layer device times: `runs` profiled runs of each branch after one untimed. */
static siamcl_status profile_branches(result *r, int runs) {
    for (int b = 0; b < r->nbr; b++) {
        branch *br = &r->br[b];
        br->n = scl_plan_layer_count(br->plan);
        br->prof = calloc((size_t)br->n + 1, sizeof *br->prof);
        br->ms = calloc((size_t)runs * br->n + 1, sizeof *br->ms);
        br->med = calloc((size_t)br->n + 1, sizeof *br->med);
        double *col = calloc((size_t)runs + 1, sizeof *col);
        if (!br->prof || !br->ms || !br->med || !col) {
            free(col);
            return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "bench: out of memory");
        }
        siamcl_status st = scl_plan_profile(br->plan, br->prof);
        for (int k = 0; k < runs && st == SIAMCL_OK; k++) {
            st = scl_plan_profile(br->plan, br->prof);
            for (int i = 0; i < br->n && st == SIAMCL_OK; i++) br->ms[(size_t)k * br->n + i] = br->prof[i].ms;
        }
        br->total = 0;
        for (int i = 0; i < br->n && st == SIAMCL_OK; i++) {
            for (int k = 0; k < runs; k++) col[k] = br->ms[(size_t)k * br->n + i];
            br->med[i] = stats_of(col, runs).med;
            br->total += br->med[i];
        }
        free(col);
        SCL_TRY(st);
    }
    return SIAMCL_OK;
}

static siamcl_status bench_model(siamcl_context *ctx, const opts *o, const char *model, result *r) {
    memset(r, 0, sizeof *r);
    SCL_TRY(siamcl_model_find(model, r->path, sizeof r->path));
    SCL_TRY(siamcl_tracker_desc_load(r->path, o->search, &r->desc));
    siamcl_tracker_desc *d = &r->desc;
    snprintf(r->name, sizeof r->name, "%s", d->name);
    int siamfc = d->kind == SIAMCL_TRACKER_SIAMFC;
    if (o->batch > 0) {
        if (siamfc) {
            if (o->batch % 2 == 0 || o->batch > SIAMCL_TRACKER_MAX_SCALES)
                return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "%s: --batch %d: a SiamFC tracker needs an odd number of "
                                "scales up to %d", d->name, o->batch, SIAMCL_TRACKER_MAX_SCALES - 1);
            d->scale_count = o->batch;
        } else if (o->batch != 1) {
            return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "%s: --batch %d: NanoTrack tracks one search crop per frame",
                            d->name, o->batch);
        }
    }
    r->batch = siamfc ? d->scale_count : 1;
    int runs = o->runs, B = r->batch;

    siamcl_tracker *t = NULL;
    siamcl_image frame = {0, 0, NULL};
    cl_mem fbuf = NULL, reqbuf = NULL, resp = NULL;
    float *host = NULL;
    double *up = NULL, *tmp = NULL;
    scl_device *dev = NULL;
    double t0 = cli_now_ms();
    siamcl_status st = siamcl_tracker_create(ctx, 0, d, &t);
    r->build_ms = cli_now_ms() - t0;
    const int W = 640, H = 360;
    siamcl_box box = {(float)(W / 2 - 40 + 1), (float)(H / 2 - 30 + 1), 80.0f, 60.0f};
    if (st == SIAMCL_OK) st = make_frame(&frame, W, H);
    if (st == SIAMCL_OK) st = siamcl_tracker_init(t, &frame, box);
    siamcl_plan *zp = NULL, *xp = NULL, *hp = NULL;
    if (st == SIAMCL_OK) {
        zp = scl_tracker_plan(t, 0);
        xp = scl_tracker_plan(t, 1);
        hp = scl_tracker_plan(t, 2);
        dev = scl_plan_device(xp);
    }
    /* the bench's own frame, requests and response buffers: the stages run
     * exactly what update() enqueues, on the tracker's plans */
    int n = d->score_size, U = n * (siamfc ? d->response_up : 1);
    size_t frame_bytes = (size_t)W * H * 3, resp_count = siamfc ? (size_t)B * n * n : (size_t)6 * n * n;
    if (st == SIAMCL_OK) st = scl_buffer_alloc(dev, frame_bytes, &fbuf);
    if (st == SIAMCL_OK) st = scl_buffer_alloc(dev, (size_t)B * sizeof(scl_crop_req), &reqbuf);
    if (st == SIAMCL_OK) st = scl_buffer_alloc(dev, resp_count * sizeof(float), &resp);
    if (st == SIAMCL_OK) st = scl_buffer_write(dev, fbuf, 0, frame_bytes, frame.data);
    host = malloc(resp_count * sizeof *host);
    up = malloc((size_t)U * U * sizeof *up);
    tmp = malloc((size_t)n * U * sizeof *tmp);
    if (st == SIAMCL_OK && (!host || !up || !tmp)) st = scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "bench: out of memory");

    scl_crop_params cp;
    memset(&cp, 0, sizeof cp);
    scl_crop_req reqs[SIAMCL_TRACKER_MAX_SCALES];
    scl_view xin, zf, xf, rt;
    if (st == SIAMCL_OK) st = scl_plan_input_view(xp, 0, &xin);
    if (st == SIAMCL_OK) st = scl_plan_output_view(zp, 0, &zf);
    if (st == SIAMCL_OK) st = scl_plan_output_view(xp, 0, &xf);
    if (st == SIAMCL_OK) {
        cp.out = xin.h;
        cp.swap_rb = d->bgr;
        cp.u8_exact = !siamfc || d->flavour == SIAMCL_SIAMFC_SIAMDW;
        double mean[3];
        scl_frame_mean(&frame, d->bgr, mean);
        for (int c = 0; c < 3; c++) cp.pad[c] = (float)floor(mean[c]);
        for (int k = 0; k < B; k++) { /* windows of growing side around the target, like a scale pyramid */
            double side = 160.0 * pow(1.05, k - B / 2);
            reqs[k] = scl_window_siamfc(W / 2.0, H / 2.0, side);
        }
        rt = scl_view_make(resp, B, 1, n, n);
    }
    long long zmacs = plan_macs(zp), xmacs = plan_macs(xp), hmacs = plan_macs(hp);
    if (siamfc) hmacs = (long long)B * zf.c * zf.h * zf.w * n * n;
    char lbl[64];
    stage *s_ul = NULL, *s_crop = NULL, *s_z = NULL, *s_x = NULL, *s_h = NULL, *s_dl = NULL, *s_up = NULL,
          *s_dec = NULL, *s_upd = NULL;
    if (st == SIAMCL_OK) {
        s_ul = add_stage(r, "frame upload", runs, 0, 1);
        s_crop = add_stage(r, "crop", runs, 0, 1);
        s_z = add_stage(r, "template branch", runs, zmacs, 0);
        s_x = add_stage(r, "search branch", runs, xmacs, 1);
        s_h = add_stage(r, "head", runs, hmacs, 1);
        s_dl = add_stage(r, "download", runs, 0, 1);
        if (siamfc) s_up = add_stage(r, "upsample", runs, 0, 1);
        s_dec = add_stage(r, "decode", runs, 0, 1);
        s_upd = add_stage(r, "whole update", runs, xmacs + hmacs, 0);
        if (!s_ul || !s_crop || !s_z || !s_x || !s_h || !s_dl || (siamfc && !s_up) || !s_dec || !s_upd)
            st = scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "bench: out of memory");
    }
    if (st == SIAMCL_OK) {
        snprintf(lbl, sizeof lbl, "crop (%d x %dx%d)", B, xin.h, xin.w);
        snprintf(s_crop->label, sizeof s_crop->label, "%s", lbl);
        snprintf(s_x->label, sizeof s_x->label, "search branch (%dx%dx%dx%d)", xin.n, xin.c, xin.h, xin.w);
        scl_view zin;
        if (scl_plan_input_view(zp, 0, &zin) == SIAMCL_OK)
            snprintf(s_z->label, sizeof s_z->label, "template branch (%dx%dx%dx%d)", zin.n, zin.c, zin.h, zin.w);
        snprintf(s_h->label, sizeof s_h->label, siamfc ? "head (xcorr, %d maps)" : "head (%d crop)", B);
        if (siamfc) snprintf(s_up->label, sizeof s_up->label, "upsample (host, %d x %d->%d)", B, n, U);
        snprintf(s_dec->label, sizeof s_dec->label, "decode (host%s)", siamfc ? ", rest" : "");
        snprintf(s_ul->label, sizeof s_ul->label, "frame upload (%dx%d RGB)", W, H);
    }
    for (int it = 0; it < o->warmup + runs && st == SIAMCL_OK; it++) {
        int k = it - o->warmup, rec = k >= 0;
        double a, b;
        /* crop */
        a = cli_now_ms();
        st = scl_crop_fwd(dev, &cp, fbuf, 0, W, H, 3, reqs, B, reqbuf, &xin);
        if (st == SIAMCL_OK) st = finish(dev);
        b = cli_now_ms();
        if (rec) s_crop->v[k] = b - a;
        /* template branch */
        a = cli_now_ms();
        if (st == SIAMCL_OK) st = siamcl_plan_run(zp);
        if (st == SIAMCL_OK) st = finish(dev);
        b = cli_now_ms();
        if (rec) s_z->v[k] = b - a;
        /* search branch */
        a = cli_now_ms();
        if (st == SIAMCL_OK) st = siamcl_plan_run(xp);
        if (st == SIAMCL_OK) st = finish(dev);
        b = cli_now_ms();
        if (rec) s_x->v[k] = b - a;
        /* head */
        a = cli_now_ms();
        if (st == SIAMCL_OK) st = siamfc ? scl_xcorr_fwd(dev, (float)d->head_scale, (float)d->head_bias, &zf, &xf, &rt)
                                         : siamcl_plan_run(hp);
        if (st == SIAMCL_OK) st = finish(dev);
        b = cli_now_ms();
        if (rec) s_h->v[k] = b - a;
        /* download */
        a = cli_now_ms();
        if (st == SIAMCL_OK && siamfc) st = scl_buffer_read(dev, resp, 0, resp_count * sizeof(float), host);
        for (int o2 = 0; o2 < 2 && st == SIAMCL_OK && !siamfc; o2++) {
            scl_view v;
            st = scl_plan_output_view(hp, o2, &v);
            if (st == SIAMCL_OK)
                st = scl_buffer_read(dev, v.mem, v.off * sizeof(float),
                                     scl_view_count(&v) * sizeof(float), host + (o2 ? 2 * n * n : 0));
        }
        b = cli_now_ms();
        if (rec) s_dl->v[k] = b - a;
        /* upsample (SiamFC) */
        if (siamfc) {
            a = cli_now_ms();
            for (int m = 0; m < B; m++) scl_resize_cubic(host + (size_t)m * n * n, n, n, up, U, U, tmp);
            b = cli_now_ms();
            if (rec) s_up->v[k] = b - a;
        }
        /* the whole update as the tracker runs it; its own decode time */
        siamcl_tracker_times t1, t2;
        siamcl_tracker_get_times(t, &t1);
        siamcl_box nb;
        a = cli_now_ms();
        if (st == SIAMCL_OK) st = siamcl_tracker_update(t, &frame, &nb, NULL);
        b = cli_now_ms();
        siamcl_tracker_get_times(t, &t2);
        if (rec) {
            s_upd->v[k] = b - a;
            s_ul->v[k] = t2.upload_ms - t1.upload_ms;
            /* the tracker's decode includes the upsampling timed above */
            double dec = t2.decode_ms - t1.decode_ms - (siamfc ? s_up->v[k] : 0);
            s_dec->v[k] = dec > 0 ? dec : 0;
        }
        /* keep the target where it is: the synthetic frame does not move */
        if (st == SIAMCL_OK) st = siamcl_tracker_init(t, &frame, box);
    }
    if (st == SIAMCL_OK) {
        for (int i = 0; i < r->nst; i++) r->st[i].s = stats_of(r->st[i].v, runs);
        r->fps = s_upd->s.med > 0 ? 1000.0 / s_upd->s.med : 0;
    }
    if (st == SIAMCL_OK && o->layers) {
        r->br[r->nbr++] = (branch){"template", zp, 0, NULL, NULL, NULL, 0, zmacs};
        r->br[r->nbr++] = (branch){"search", xp, 0, NULL, NULL, NULL, 0, xmacs};
        if (hp) r->br[r->nbr++] = (branch){"head", hp, 0, NULL, NULL, NULL, 0, hmacs};
        st = profile_branches(r, runs);
    }
    free(host);
    free(up);
    free(tmp);
    if (dev) {
        scl_buffer_free(dev, fbuf);
        scl_buffer_free(dev, reqbuf);
        scl_buffer_free(dev, resp);
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
            const scl_layer_prof *l = &br->prof[i];
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
            const scl_layer_prof *l = &br->prof[i];
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
    scl_device *dev = &ctx->dev[0];
    const siamcl_device_info *di = &dev->info;
    ceiling ceil_ = {0, {0, 0, 0, 0, 0, 0, 0}, 0};
    if (o.sgemm > 0) {
        st = sgemm_ceiling(dev, o.sgemm, o.runs, o.warmup > 0 ? o.warmup : 1, &ceil_);
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
            fprintf(stderr, "siamcl bench: %s: %s\n", o.models[m], siamcl_last_error());
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
