/* Branch jobs on the devices of a context: per-device plans (template batch 1,
 * search backbones per power-of-two slot capacity, NanoTrack head), template
 * banks, batched search passes, placement and the device-failure test hook.
 *
 * Two in-order queues per device: search passes run on dev->queue; template
 * jobs and the upload of a staged frame run on dev->lane, so they overlap a
 * pass in flight. A template job runs its plan "on the lane" by pointing
 * dev->queue at the lane for its duration (scl_queue_lane_enter/leave): plans and
 * ops enqueue on dev->queue, and everything is host-serial (one thread per
 * context), so the plans, kernels and program cache stay those of the device.
 * Jobs on the lane use their own frame and request buffers and the template
 * plan, which no pass touches. While a pass is in flight, attach never writes
 * to a bank the pass reads: the slot is marked dirty (used 2) and written at
 * collect; a bank that must grow grows into new buffers and the pass's ones
 * are retired until collect. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sched/sched.h"

#define NCAPS 5 /* search plans for 1, 2, 4, 8, 16 slots */

typedef struct sdev {
    scl_device *dev;
    int index;
    siamcl_plan *zplan, *hplan, *xplan[NCAPS];
    cl_mem frame;
    size_t frame_cap;
    cl_mem frame2;        /* staged next frame (uploaded on the lane), swapped with frame when used */
    size_t frame2_cap;
    int staged;
    cl_mem zframe, zreqbuf; /* template jobs (lane) */
    size_t zframe_cap;
    cl_mem oldz, oldout;  /* the bank and outputs of the pass in flight, retired by a grow */
    float *oldhost;
    cl_mem reqbuf;        /* SCL_SCHED_CHUNK * per requests */
    cl_mem zbank;         /* slots x per x zcount: each template repeated per search item */
    cl_mem out;           /* slots x ocount head outputs */
    float *zhost;         /* slots x zcount: host copy of the bank (regrowth) */
    float *host;          /* slots x ocount: outputs read back */
    unsigned char *used;  /* 0 free, 1 attached, 2 attached and not yet written to the bank */
    int slots, load;
    scl_crop_req *reqs;   /* SCL_SCHED_CHUNK * per: requests of one chunk */
    int fail_at, passes;  /* test hook */
    siamcl_status dead;   /* non-OK: retired after a failure */
    int pending;          /* a search pass is in flight */
    int top;              /* slots covered by the pass in flight */
    siamcl_status pst;
    double ms;            /* measured search time per target */
    int excluded;         /* auto: too slow to get targets */
} sdev;

struct scl_sched {
    siamcl_context *ctx;
    siamcl_schedule sc;
    scl_nets nets;        /* the networks, crops per target, head indices and output size */
    int ndev;
    sdev *devs;
    siamcl_shape zshape;  /* template features [1,C,h,w] (known after the first template plan) */
    size_t zcount;
    float *zbuf;          /* the last template job's features (zcount floats) */
};

size_t scl_sched_zcount(const scl_sched *s) { return s->zcount; }
int scl_sched_per(const scl_sched *s) { return s->nets.per; }
const scl_nets *scl_sched_nets(const scl_sched *s) { return &s->nets; }
siamcl_schedule scl_sched_schedule(const scl_sched *s) { return s->sc; }
double scl_sched_device_ms(const scl_sched *s, int d) { return d >= 0 && d < s->ndev ? s->devs[d].ms : 0.0; }

static void sdev_release(sdev *v) {
    siamcl_plan_free(v->hplan);
    siamcl_plan_free(v->zplan);
    for (int i = 0; i < NCAPS; i++) siamcl_plan_free(v->xplan[i]);
    if (v->dev) {
        scl_queue_drain(v->dev);
        scl_buffer_free(v->dev, v->frame);
        scl_buffer_free(v->dev, v->frame2);
        scl_buffer_free(v->dev, v->zframe);
        scl_buffer_free(v->dev, v->zreqbuf);
        scl_buffer_free(v->dev, v->oldz);
        scl_buffer_free(v->dev, v->oldout);
        scl_buffer_free(v->dev, v->reqbuf);
        scl_buffer_free(v->dev, v->zbank);
        scl_buffer_free(v->dev, v->out);
    }
    scl_free(v->zhost);
    scl_free(v->host);
    scl_free(v->oldhost);
    scl_free(v->used);
    scl_free(v->reqs);
}

void scl_sched_free(scl_sched *s) {
    if (!s) return;
    for (int i = 0; s->devs && i < s->ndev; i++) sdev_release(&s->devs[i]);
    scl_free(s->devs);
    scl_nets_release(&s->nets);
    scl_free(s->zbuf);
    scl_free(s);
}

/* ---- schedules ---- */
siamcl_status siamcl_schedule_parse(const char *text, siamcl_schedule *out) {
    if (!text || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "schedule_parse: NULL argument");
    siamcl_schedule sc = {SIAMCL_SCHEDULE_AUTO, -1, -1, -1};
    int a = -1, b = -1, used = 0;
    if (!strcmp(text, "auto")) {
        sc.policy = SIAMCL_SCHEDULE_AUTO;
    } else if (!strcmp(text, "split")) {
        sc.policy = SIAMCL_SCHEDULE_SPLIT;
    } else if (!strcmp(text, "single")) {
        sc.policy = SIAMCL_SCHEDULE_SINGLE;
    } else if (!strcmp(text, "twin")) {
        sc.policy = SIAMCL_SCHEDULE_TWIN;
    } else if (sscanf(text, "single:%d%n", &a, &used) == 1 && !text[used] && a >= 0) {
        sc.policy = SIAMCL_SCHEDULE_SINGLE;
        sc.device = a;
    } else if (sscanf(text, "twin:%d,%d%n", &a, &b, &used) == 2 && !text[used] && a >= 0 && b >= 0) {
        sc.policy = SIAMCL_SCHEDULE_TWIN;
        sc.template_device = a;
        sc.search_device = b;
    } else {
        return scl_fail(SIAMCL_ERR_FORMAT,
                        "schedule '%s': expected auto, single[:D], split or twin[:Z,X]", text);
    }
    *out = sc;
    return SIAMCL_OK;
}

/* ---- plans, built on first need ---- */
static siamcl_status get_zplan(scl_sched *s, sdev *v, siamcl_plan **out) {
    if (!v->zplan) {
        siamcl_shape z = {1, 3, s->nets.d.exemplar_size, s->nets.d.exemplar_size};
        SCL_TRY(siamcl_plan_create(s->ctx, v->index, s->nets.backbone, 1, &z, &v->zplan));
        siamcl_shape f;
        SCL_TRY(siamcl_plan_output_shape(v->zplan, 0, &f));
        if (f.n != 1) return scl_fail(SIAMCL_ERR_SHAPE, "sched: template features of batch %d", f.n);
        if (s->zcount && siamcl_shape_count(f) != s->zcount)
            return scl_fail(SIAMCL_ERR_SHAPE, "sched: template features differ between devices");
        s->zshape = f;
        s->zcount = siamcl_shape_count(f);
    }
    *out = v->zplan;
    return SIAMCL_OK;
}

static siamcl_status get_xplan(scl_sched *s, sdev *v, int cap, siamcl_plan **out) {
    int k = 0;
    while ((1 << k) < cap) k++;
    if (k >= NCAPS) return scl_fail(SIAMCL_ERR_INTERNAL, "sched: search batch of %d slots", cap);
    if (!v->xplan[k]) {
        siamcl_shape x = {(1 << k) * s->nets.per, 3, s->nets.d.instance_size, s->nets.d.instance_size};
        SCL_TRY(siamcl_plan_create(s->ctx, v->index, s->nets.backbone, 1, &x, &v->xplan[k]));
        siamcl_shape f;
        SCL_TRY(siamcl_plan_output_shape(v->xplan[k], 0, &f));
        if (s->nets.d.kind == SIAMCL_TRACKER_SIAMFC) SCL_TRY(scl_nets_check_features(&s->nets, s->zshape, f, x.n));
    }
    *out = v->xplan[k];
    return SIAMCL_OK;
}

static siamcl_status get_hplan(scl_sched *s, sdev *v, siamcl_plan *xplan, siamcl_plan **out) {
    if (!v->hplan) {
        siamcl_shape xf;
        SCL_TRY(siamcl_plan_output_shape(xplan, 0, &xf));
        SCL_TRY(scl_nets_head_plan(&s->nets, s->ctx, v->index, s->zshape, xf, &v->hplan));
    }
    *out = v->hplan;
    return SIAMCL_OK;
}

/* ---- creation and measurement ---- */
static siamcl_status resolve(scl_sched *s, const siamcl_schedule *given) {
    siamcl_schedule sc = {SIAMCL_SCHEDULE_AUTO, -1, -1, -1};
    if (given) {
        sc = *given;
    } else {
        const char *e = getenv("SIAMCL_SCHEDULE");
        if (e && *e) SCL_TRY(siamcl_schedule_parse(e, &sc));
    }
    int nd = s->ndev;
    switch (sc.policy) {
    case SIAMCL_SCHEDULE_AUTO:
    case SIAMCL_SCHEDULE_SPLIT:
        break;
    case SIAMCL_SCHEDULE_SINGLE:
        if (sc.device < 0) sc.device = 0;
        if (sc.device >= nd)
            return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "schedule single:%d: the context has %d device(s)",
                            sc.device, nd);
        break;
    case SIAMCL_SCHEDULE_TWIN:
        if (sc.template_device < 0) sc.template_device = 0;
        if (sc.search_device < 0) sc.search_device = nd > 1 ? 1 : 0;
        if (sc.template_device >= nd || sc.search_device >= nd)
            return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "schedule twin:%d,%d: the context has %d device(s)",
                            sc.template_device, sc.search_device, nd);
        break;
    default:
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "schedule: unknown policy %d", (int)sc.policy);
    }
    s->sc = sc;
    return SIAMCL_OK;
}

/* auto: time the search branch of one target on every device. */
static siamcl_status measure(scl_sched *s) {
    double best = 0;
    for (int i = 0; i < s->ndev; i++) {
        sdev *v = &s->devs[i];
        siamcl_plan *zp, *xp;
        SCL_TRY(get_zplan(s, v, &zp));
        SCL_TRY(get_xplan(s, v, 1, &xp));
        scl_view in;
        SCL_TRY(scl_plan_input_view(xp, 0, &in));
        /* defined input: a mid-grey crop */
        float *grey = scl_malloc(scl_view_count(&in) * sizeof(float));
        if (!grey) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "sched: out of memory");
        for (size_t k = 0; k < scl_view_count(&in); k++) grey[k] = 128.0f;
        siamcl_status st = scl_buffer_write(v->dev, in.mem, in.off * sizeof(float),
                                            scl_view_count(&in) * sizeof(float), grey);
        scl_free(grey);
        SCL_TRY(st);
        double ms = 0;
        for (int r = 0; r < 2; r++) {
            double t0 = scl_now_ms();
            SCL_TRY(siamcl_plan_run(xp));
            SCL_TRY(siamcl_plan_finish(xp));
            double t = scl_now_ms() - t0;
            if (r == 0 || t < ms) ms = t;
        }
        v->ms = ms > 1e-3 ? ms : 1e-3;
        if (i == 0 || v->ms < best) best = v->ms;
    }
    for (int i = 0; i < s->ndev; i++) s->devs[i].excluded = s->devs[i].ms > 8.0 * best;
    return SIAMCL_OK;
}

static siamcl_status create(scl_sched *s) {
    s->devs = scl_calloc((size_t)s->ndev, sizeof(sdev));
    if (!s->devs) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "sched: out of memory");
    for (int i = 0; i < s->ndev; i++) {
        s->devs[i].dev = &s->ctx->dev[i];
        s->devs[i].index = i;
    }
    return SIAMCL_OK;
}

static siamcl_status load(scl_sched *s, const siamcl_tracker_desc *d, const siamcl_schedule *given) {
    SCL_TRY(create(s));
    SCL_TRY(resolve(s, given));
    SCL_TRY(scl_nets_load(&s->nets, d)); /* the description lives on in s->nets.d */
    if (s->sc.policy == SIAMCL_SCHEDULE_AUTO) {
        if (s->ndev == 1) {
            s->sc.policy = SIAMCL_SCHEDULE_SINGLE;
            s->sc.device = 0;
        } else {
            SCL_TRY(measure(s));
            s->sc.policy = SIAMCL_SCHEDULE_SPLIT;
        }
    }
    return SIAMCL_OK;
}

siamcl_status scl_sched_create(siamcl_context *ctx, const siamcl_tracker_desc *desc, const siamcl_schedule *sc,
                               scl_sched **out) {
    if (!ctx || !desc || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "sched_create: NULL argument");
    *out = NULL;
    scl_sched *s = scl_calloc(1, sizeof *s);
    if (!s) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "sched_create: out of memory");
    s->ctx = ctx;
    s->ndev = siamcl_context_device_count(ctx);
    siamcl_status st = s->ndev > 0 ? load(s, desc, sc) : scl_fail(SIAMCL_ERR_NO_DEVICE, "sched_create: no device");
    if (st != SIAMCL_OK) {
        scl_sched_free(s);
        return st;
    }
    *out = s;
    return SIAMCL_OK;
}

/* ---- placement ---- */
void scl_sched_place(const scl_sched *s, int *zdev, int *xdev) {
    if (s->sc.policy == SIAMCL_SCHEDULE_SINGLE) {
        *zdev = *xdev = s->sc.device;
        return;
    }
    if (s->sc.policy == SIAMCL_SCHEDULE_TWIN) {
        *zdev = s->sc.template_device;
        *xdev = s->sc.search_device;
        return;
    }
    int best = -1;
    double cost = 0;
    for (int pass = 0; pass < 2 && best < 0; pass++) /* pass 1: every device is retired or excluded */
        for (int i = 0; i < s->ndev; i++) {
            const sdev *v = &s->devs[i];
            if (pass == 0 && (v->dead != SIAMCL_OK || v->excluded)) continue;
            double c = (v->load + 1) * (v->ms > 0 ? v->ms : 1.0);
            if (best < 0 || c < cost) best = i, cost = c;
        }
    *zdev = *xdev = best;
}

/* ---- template jobs and banks ---- */
/* Make *buf hold at least `bytes` (contents not kept). */
static siamcl_status ensure(sdev *v, cl_mem *buf, size_t *cap, size_t bytes) {
    if (bytes <= *cap) return SIAMCL_OK;
    scl_buffer_free(v->dev, *buf);
    *buf = NULL;
    *cap = 0;
    SCL_TRY(scl_buffer_alloc(v->dev, bytes, buf));
    *cap = bytes;
    return SIAMCL_OK;
}

static siamcl_status upload_frame(sdev *v, const siamcl_image *f) {
    size_t bytes = (size_t)f->width * f->height * 3;
    SCL_TRY(ensure(v, &v->frame, &v->frame_cap, bytes));
    return scl_buffer_write(v->dev, v->frame, 0, bytes, f->data);
}

static siamcl_status get_reqbuf(scl_sched *s, sdev *v) {
    if (!v->reqbuf) {
        size_t m = (size_t)SCL_SCHED_CHUNK * s->nets.per;
        SCL_TRY(scl_buffer_alloc(v->dev, m * sizeof(scl_crop_req), &v->reqbuf));
        v->reqs = scl_malloc(m * sizeof(scl_crop_req));
        if (!v->reqs) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "sched: out of memory");
    }
    return SIAMCL_OK;
}

/* The template job proper, on the lane: plan (built on first need), crop, run,
 * features read back (blocking on the lane only). */
static siamcl_status template_job(scl_sched *s, sdev *v, const siamcl_image *frame, const float pad[3],
                                  scl_crop_req req) {
    siamcl_plan *zp = NULL;
    SCL_TRY(get_zplan(s, v, &zp));
    if (!v->zreqbuf) SCL_TRY(scl_buffer_alloc(v->dev, sizeof(scl_crop_req), &v->zreqbuf));
    if (!s->zbuf) {
        s->zbuf = scl_malloc(s->zcount * sizeof(float));
        if (!s->zbuf) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "sched: out of memory");
    }
    size_t bytes = (size_t)frame->width * frame->height * 3;
    SCL_TRY(ensure(v, &v->zframe, &v->zframe_cap, bytes));
    SCL_TRY(scl_buffer_write(v->dev, v->zframe, 0, bytes, frame->data));
    scl_view in, f;
    SCL_TRY(scl_plan_input_view(zp, 0, &in));
    SCL_TRY(scl_nets_crop(&s->nets, v->dev, pad, v->zframe, frame->width, frame->height, &req, 1, v->zreqbuf, &in));
    SCL_TRY(siamcl_plan_run(zp));
    SCL_TRY(scl_plan_output_view(zp, 0, &f));
    return scl_buffer_read(v->dev, f.mem, f.off * sizeof(float), s->zcount * sizeof(float), s->zbuf);
}

siamcl_status scl_sched_template(scl_sched *s, int zdev, const siamcl_image *frame, const float pad[3],
                                 scl_crop_req req, const float **zf) {
    if (zdev < 0 || zdev >= s->ndev) return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "sched: no device %d", zdev);
    sdev *v = &s->devs[zdev];
    if (v->dead != SIAMCL_OK)
        return scl_fail(v->dead, "sched: device %d (%s) has failed", zdev, v->dev->info.name);
    cl_command_queue q = scl_queue_lane_enter(v->dev);
    siamcl_status st = template_job(s, v, frame, pad, req);
    scl_queue_lane_leave(v->dev, q);
    SCL_TRY(st);
    *zf = s->zbuf;
    return SIAMCL_OK;
}

/* Write template features zf into slot k of `bank`, once per search item. */
static siamcl_status write_slot(const scl_sched *s, sdev *v, cl_mem bank, int k, const float *zf) {
    size_t zc = s->zcount;
    for (int r = 0; r < s->nets.per; r++)
        SCL_TRY(scl_buffer_write(v->dev, bank, ((size_t)k * s->nets.per + r) * zc * sizeof(float), zc * sizeof(float),
                                 zf));
    return SIAMCL_OK;
}

/* Grow device v's banks to `slots` (a power of two), keeping the templates.
 * With a pass in flight the new bank is written at collect (slots marked
 * dirty) and the pass's bank, outputs and host outputs are retired, not freed. */
static siamcl_status grow(scl_sched *s, sdev *v, int slots) {
    size_t zc = s->zcount, per = (size_t)s->nets.per;
    float *zhost = scl_calloc((size_t)slots * zc, sizeof(float));
    float *host = scl_calloc((size_t)slots * s->nets.ocount, sizeof(float));
    unsigned char *used = scl_calloc((size_t)slots, 1);
    cl_mem zbank = NULL, out = NULL;
    siamcl_status st = SIAMCL_OK;
    if (!zhost || !host || !used) st = scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "sched: out of memory");
    if (st == SIAMCL_OK) st = scl_buffer_alloc(v->dev, (size_t)slots * per * zc * sizeof(float), &zbank);
    if (st == SIAMCL_OK) st = scl_buffer_alloc(v->dev, (size_t)slots * s->nets.ocount * sizeof(float), &out);
    if (st == SIAMCL_OK && v->slots) {
        memcpy(zhost, v->zhost, (size_t)v->slots * zc * sizeof(float));
        memcpy(used, v->used, (size_t)v->slots);
        for (int k = 0; k < v->slots && v->pending; k++)
            if (used[k]) used[k] = 2;
        for (int k = 0; k < v->slots && st == SIAMCL_OK && !v->pending; k++)
            st = write_slot(s, v, zbank, k, zhost + (size_t)k * zc);
    }
    if (st != SIAMCL_OK) {
        scl_free(zhost);
        scl_free(host);
        scl_free(used);
        scl_buffer_free(v->dev, zbank);
        scl_buffer_free(v->dev, out);
        return st;
    }
    if (v->pending && !v->oldhost) { /* the pass in flight uses these */
        v->oldhost = v->host;
        v->oldz = v->zbank;
        v->oldout = v->out;
    } else {
        scl_free(v->host);
        scl_buffer_free(v->dev, v->zbank);
        scl_buffer_free(v->dev, v->out);
    }
    scl_free(v->zhost);
    scl_free(v->used);
    v->zhost = zhost;
    v->host = host;
    v->used = used;
    v->zbank = zbank;
    v->out = out;
    v->slots = slots;
    return SIAMCL_OK;
}

siamcl_status scl_sched_attach(scl_sched *s, int xdev, const float *zf, int *slot) {
    if (xdev < 0 || xdev >= s->ndev) return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "sched: no device %d", xdev);
    sdev *v = &s->devs[xdev];
    int k = 0;
    while (k < v->slots && v->used[k]) k++;
    if (k >= v->slots) {
        int n = v->slots ? 2 * v->slots : 1;
        SCL_TRY(grow(s, v, n));
    }
    size_t zc = s->zcount;
    memcpy(v->zhost + (size_t)k * zc, zf, zc * sizeof(float));
    if (!v->pending) /* else written at collect: the pass in flight reads this bank */
        SCL_TRY(write_slot(s, v, v->zbank, k, zf));
    v->used[k] = v->pending ? 2 : 1;
    v->load++;
    *slot = k;
    return SIAMCL_OK;
}

void scl_sched_detach(scl_sched *s, int xdev, int slot) {
    if (xdev < 0 || xdev >= s->ndev) return;
    sdev *v = &s->devs[xdev];
    if (slot < 0 || slot >= v->slots || !v->used[slot]) return;
    v->used[slot] = 0;
    v->load--;
}

/* ---- search passes ---- */
siamcl_status scl_sched_fail_device(scl_sched *s, int d, int n) {
    if (d < 0 || d >= s->ndev) return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "sched: no device %d", d);
    if (n < 0) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "sched: fail hook n = %d", n);
    s->devs[d].fail_at = n;
    s->devs[d].passes = 0;
    return SIAMCL_OK;
}

static int pow2_at_least(int n) {
    int c = 1;
    while (c < n) c *= 2;
    return c;
}

/* One chunk: slots [c0, c0 + m) of device v, the item of each slot in bySlot. */
static siamcl_status run_chunk(scl_sched *s, sdev *v, const siamcl_image *f, scl_sched_item *const *bySlot, int c0,
                               int m) {
    int cap = pow2_at_least(m), per = s->nets.per;
    siamcl_plan *xp;
    SCL_TRY(get_xplan(s, v, cap, &xp));
    scl_view in;
    SCL_TRY(scl_plan_input_view(xp, 0, &in));
    size_t item = (size_t)3 * in.h * in.w;
    /* requests; empty slots repeat a live neighbour (computed, never read) */
    const scl_sched_item *fill = NULL;
    for (int k = 0; k < cap && !fill; k++)
        if (c0 + k < v->slots) fill = bySlot[c0 + k];
    if (!fill) return SIAMCL_OK;
    const scl_sched_item *its[SCL_SCHED_CHUNK];
    for (int k = 0; k < cap; k++) {
        const scl_sched_item *it = c0 + k < v->slots ? bySlot[c0 + k] : NULL;
        if (it) fill = it;
        its[k] = fill;
        memcpy(v->reqs + (size_t)k * per, fill->reqs, (size_t)per * sizeof(scl_crop_req));
    }
    /* one crop launch per run of equal pad colour (one in all when the targets share it) */
    for (int k = 0; k < cap;) {
        int e = k + 1;
        while (e < cap && !memcmp(its[e]->pad, its[k]->pad, sizeof its[k]->pad)) e++;
        scl_view part = in;
        part.off += (size_t)k * per * item;
        SCL_TRY(scl_nets_crop(&s->nets, v->dev, its[k]->pad, v->frame, f->width, f->height,
                              v->reqs + (size_t)k * per, (e - k) * per, v->reqbuf, &part));
        k = e;
    }
    SCL_TRY(siamcl_plan_run(xp));
    scl_view xf;
    SCL_TRY(scl_plan_output_view(xp, 0, &xf));
    int n = s->nets.d.score_size;
    if (s->nets.d.kind == SIAMCL_TRACKER_SIAMFC) {
        scl_view zf = scl_view_make(v->zbank, cap * per, s->zshape.c, s->zshape.h, s->zshape.w);
        zf.off = (size_t)c0 * per * s->zcount;
        scl_view r = scl_view_make(v->out, cap * per, 1, n, n);
        r.off = (size_t)c0 * s->nets.ocount;
        return scl_nets_xcorr(&s->nets, v->dev, &zf, &xf, &r);
    }
    siamcl_plan *hp = NULL;
    SCL_TRY(get_hplan(s, v, xp, &hp));
    size_t xcount = (size_t)xf.c * xf.h * xf.w;
    for (int k = 0; k < m; k++) {
        int slot = c0 + k;
        if (!bySlot[slot]) continue;
        SCL_TRY(scl_plan_bind_input_mem(hp, s->nets.iz, v->zbank, (size_t)slot * s->zcount));
        SCL_TRY(scl_plan_bind_input_mem(hp, s->nets.ix, xf.mem, xf.off + (size_t)k * xcount));
        SCL_TRY(scl_plan_bind_output_mem(hp, s->nets.out_cls, v->out, (size_t)slot * s->nets.ocount));
        SCL_TRY(scl_plan_bind_output_mem(hp, s->nets.out_loc, v->out,
                                         (size_t)slot * s->nets.ocount + (size_t)2 * n * n));
        SCL_TRY(siamcl_plan_run(hp));
    }
    return SIAMCL_OK;
}

static siamcl_status submit_device(scl_sched *s, sdev *v, const siamcl_image *f, scl_sched_item *const *bySlot) {
    if (s->zcount == 0) return scl_fail(SIAMCL_ERR_STATE, "sched: search before any template");
    v->passes++;
    if (v->fail_at > 0 && v->passes >= v->fail_at)
        return scl_fail((siamcl_status)CL_DEVICE_NOT_AVAILABLE,
                        "device %d (%s) failed during the search pass (test hook)", v->index, v->dev->info.name);
    int top = 0;
    for (int k = 0; k < v->slots; k++)
        if (bySlot[k]) top = k + 1;
    v->top = top;
    if (!top) return SIAMCL_OK;
    SCL_TRY(get_reqbuf(s, v));
    if (v->staged) { /* uploaded on the lane at stage: the frame is f */
        v->staged = 0;
        SCL_CL(scl_queue_finish(v->dev, SCL_Q_LANE), "staged frame upload");
        cl_mem m = v->frame;
        size_t c = v->frame_cap;
        v->frame = v->frame2, v->frame_cap = v->frame2_cap;
        v->frame2 = m, v->frame2_cap = c;
    } else {
        SCL_TRY(upload_frame(v, f));
    }
    for (int c0 = 0; c0 < top; c0 += SCL_SCHED_CHUNK)
        SCL_TRY(run_chunk(s, v, f, bySlot, c0, top - c0 < SCL_SCHED_CHUNK ? top - c0 : SCL_SCHED_CHUNK));
    SCL_CL(scl_queue_read(v->dev, SCL_Q_MAIN, v->out, 0, (size_t)top * s->nets.ocount * sizeof(float), v->host),
           "reading the head outputs");
    return SIAMCL_OK;
}

siamcl_status scl_sched_submit(scl_sched *s, const siamcl_image *frame, scl_sched_item *items, int n) {
    for (int d = 0; d < s->ndev; d++)
        if (s->devs[d].pending) return scl_fail(SIAMCL_ERR_STATE, "sched: a search pass is already in flight");
    int maxslots = 0;
    for (int d = 0; d < s->ndev; d++)
        if (s->devs[d].slots > maxslots) maxslots = s->devs[d].slots;
    scl_sched_item **bySlot = scl_calloc(maxslots ? (size_t)maxslots : 1, sizeof *bySlot);
    if (!bySlot) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "sched: out of memory");
    for (int i = 0; i < n; i++) {
        items[i].status = SIAMCL_OK;
        items[i].out = NULL;
        if (items[i].device < 0 || items[i].device >= s->ndev || items[i].slot < 0 ||
            items[i].slot >= s->devs[items[i].device].slots)
            items[i].status = scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "sched: item %d has no slot", i);
    }
    for (int d = 0; d < s->ndev; d++) {
        sdev *v = &s->devs[d];
        memset(bySlot, 0, (size_t)maxslots * sizeof *bySlot);
        int any = 0;
        for (int i = 0; i < n; i++)
            if (items[i].status == SIAMCL_OK && items[i].device == d) bySlot[items[i].slot] = &items[i], any = 1;
        if (!any) continue;
        v->pending = 1;
        v->pst = v->dead != SIAMCL_OK ? v->dead : submit_device(s, v, frame, bySlot);
        if (v->pst != SIAMCL_OK) v->dead = v->pst; /* retire the device */
    }
    scl_sched_unstage(s); /* staged devices that got no pass */
    scl_free(bySlot);
    return SIAMCL_OK;
}

void scl_sched_unstage(scl_sched *s) {
    for (int d = 0; d < s->ndev; d++) {
        sdev *v = &s->devs[d];
        if (!v->staged) continue;
        scl_queue_finish(v->dev, SCL_Q_LANE); /* the upload reads the caller's copy */
        v->staged = 0;
    }
}

siamcl_status scl_sched_stage(scl_sched *s, const siamcl_image *frame) {
    size_t bytes = (size_t)frame->width * frame->height * 3;
    siamcl_status st = SIAMCL_OK;
    scl_sched_unstage(s);
    for (int d = 0; d < s->ndev && st == SIAMCL_OK; d++) {
        sdev *v = &s->devs[d];
        if (v->dead != SIAMCL_OK || v->load == 0) continue;
        st = ensure(v, &v->frame2, &v->frame2_cap, bytes);
        if (st != SIAMCL_OK) break;
        cl_int e = scl_queue_write(v->dev, SCL_Q_LANE, v->frame2, 0, bytes, frame->data);
        if (e != CL_SUCCESS)
            st = scl_fail((siamcl_status)e, "device %d (%s): staging the next frame failed: %s", d, v->dev->info.name,
                          siamcl_status_string((siamcl_status)e));
        v->staged = st == SIAMCL_OK;
    }
    if (st != SIAMCL_OK) scl_sched_unstage(s);
    return st;
}

/* Write the slots attached while a pass was in flight (used 2) to the bank. */
static siamcl_status flush_bank(scl_sched *s, sdev *v) {
    size_t zc = s->zcount;
    for (int k = 0; k < v->slots; k++) {
        if (v->used[k] != 2) continue;
        v->used[k] = 1;
        SCL_TRY(write_slot(s, v, v->zbank, k, v->zhost + (size_t)k * zc));
    }
    return SIAMCL_OK;
}

void scl_sched_collect(scl_sched *s, scl_sched_item *items, int n) {
    for (int d = 0; d < s->ndev; d++) {
        sdev *v = &s->devs[d];
        if (!v->pending) continue;
        if (v->pst == SIAMCL_OK) {
            cl_int e = scl_queue_finish(v->dev, SCL_Q_MAIN);
            if (e != CL_SUCCESS)
                v->pst = v->dead = scl_fail((siamcl_status)e, "device %d (%s): search pass failed: %s", d,
                                            v->dev->info.name, siamcl_status_string((siamcl_status)e));
        } else {
            scl_queue_finish(v->dev, SCL_Q_MAIN); /* nothing of the failed pass may still run */
        }
    }
    for (int d = 0; d < s->ndev; d++) {
        sdev *v = &s->devs[d];
        if (!v->pending) continue;
        if (v->oldhost) { /* the bank grew during the pass: its outputs went to the retired host array */
            if (v->pst == SIAMCL_OK) memcpy(v->host, v->oldhost, (size_t)v->top * s->nets.ocount * sizeof(float));
            scl_free(v->oldhost);
            scl_buffer_free(v->dev, v->oldz);
            scl_buffer_free(v->dev, v->oldout);
            v->oldhost = NULL;
            v->oldz = v->oldout = NULL;
        }
        siamcl_status st = flush_bank(s, v);
        if (st != SIAMCL_OK && v->dead == SIAMCL_OK) v->dead = st;
    }
    for (int i = 0; i < n; i++) {
        if (items[i].status != SIAMCL_OK) continue;
        sdev *v = &s->devs[items[i].device];
        items[i].status = v->pst;
        if (v->pst == SIAMCL_OK) items[i].out = v->host + (size_t)items[i].slot * s->nets.ocount;
    }
    for (int d = 0; d < s->ndev; d++) s->devs[d].pending = 0;
}
