/* The tracker object: networks and plans on one device, the frame on the
 * device, crops cut there straight into the plans' inputs, the head run against
 * template features kept on the device; only the response comes down and the
 * per-model decoder (siamfc.c, nanotrack.c) turns it into a box. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sched/nets.h"
#include "track/decoder.h"

struct siamcl_tracker {
    siamcl_tracker_desc desc;
    siamcl_context *ctx;
    int device;
    scl_device *dev;
    scl_nets nets;             /* the networks, crops per frame (nets.per), head outputs */
    siamcl_plan *zplan, *xplan, *hplan;
    cl_mem frame;              /* 8-bit frame, grown when a frame is larger */
    size_t frame_cap;
    cl_mem reqbuf;             /* crop requests */
    cl_mem resp;               /* SiamFC response [batch,1,n,n] */
    float *host;               /* downloaded response (SiamFC) or cls then loc (NanoTrack) */
    float pad[3];              /* crop pad colour: the init frame's mean */
    scl_decoder dec;           /* the model's decoder and its work areas */
    scl_dstate st;             /* the target's state */
    int ready;
    scl_track_debug last;
    siamcl_tracker_times times;
    int profiling;             /* wait after each stage and time it */
    siamcl_tracker_stages stages;
};

void siamcl_tracker_free(siamcl_tracker *t) {
    if (!t) return;
    siamcl_plan_free(t->hplan);
    siamcl_plan_free(t->xplan);
    siamcl_plan_free(t->zplan);
    scl_nets_release(&t->nets);
    if (t->dev) {
        scl_buffer_free(t->dev, t->frame);
        scl_buffer_free(t->dev, t->reqbuf);
        scl_buffer_free(t->dev, t->resp);
    }
    scl_free(t->host);
    scl_decoder_release(&t->dec);
    scl_free(t);
}

/* The first network field in which b differs from a, NULL if none. */
static const char *network_change(const siamcl_tracker_desc *a, const siamcl_tracker_desc *b) {
    if (a->kind != b->kind) return "tracker";
    if (a->flavour != b->flavour) return "flavour";
    if (strcmp(a->backbone, b->backbone)) return "backbone";
    if (strcmp(a->head, b->head)) return "head";
    if (a->bgr != b->bgr) return "input_order";
    if (a->exemplar_size != b->exemplar_size) return "exemplar_size";
    if (a->instance_size != b->instance_size) return "instance_size";
    if (a->stride != b->stride) return "stride";
    if (a->score_size != b->score_size) return "score_size";
    if (a->head_scale != b->head_scale) return "head_scale";
    if (a->head_bias != b->head_bias) return "head_bias";
    if (a->scale_count != b->scale_count) return "scales";
    if (a->response_up != b->response_up) return "response_up";
    return NULL;
}

siamcl_status siamcl_tracker_set_params(siamcl_tracker *t, const siamcl_tracker_desc *desc) {
    if (!t || !desc) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "tracker_set_params: NULL argument");
    const char *f = network_change(&t->desc, desc);
    if (f) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "tracker_set_params: '%s' changes the networks (create "
                                                        "another tracker for it)", f);
    f = scl_desc_setting_out_of_range(desc);
    if (f) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "tracker_set_params: %s is out of range", f);
    t->desc = *desc;
    scl_decoder_set_desc(&t->dec, desc);
    return SIAMCL_OK;
}

static siamcl_status shape_of(siamcl_plan *p, int out, int i, siamcl_shape *s) {
    return out ? siamcl_plan_output_shape(p, i, s) : siamcl_plan_input_shape(p, i, s);
}

static siamcl_status create_siamfc(siamcl_tracker *t) {
    siamcl_shape zf, xf;
    SCL_TRY(shape_of(t->zplan, 1, 0, &zf));
    SCL_TRY(shape_of(t->xplan, 1, 0, &xf));
    SCL_TRY(scl_nets_check_features(&t->nets, zf, xf, t->nets.per));
    return scl_buffer_alloc(t->dev, t->nets.ocount * sizeof(float), &t->resp);
}

static siamcl_status create_nanotrack(siamcl_tracker *t) {
    const scl_nets *n = &t->nets;
    siamcl_shape zf, xf;
    SCL_TRY(shape_of(t->zplan, 1, 0, &zf));
    SCL_TRY(shape_of(t->xplan, 1, 0, &xf));
    SCL_TRY(scl_nets_head_plan(n, t->ctx, t->device, zf, xf, &t->hplan));
    /* the head reads the backbone outputs where they are */
    SCL_TRY(siamcl_plan_bind_input(t->hplan, n->iz, siamcl_plan_output(t->zplan, 0)));
    return siamcl_plan_bind_input(t->hplan, n->ix, siamcl_plan_output(t->xplan, 0));
}

static siamcl_status create(siamcl_tracker *t) {
    const siamcl_tracker_desc *d = &t->desc;
    SCL_TRY(scl_nets_load(&t->nets, d));
    t->nets.crop.reqs_kept = 1; /* the requests live in init/update until their final blocking call */
    siamcl_shape z = {1, 3, d->exemplar_size, d->exemplar_size};
    siamcl_shape x = {t->nets.per, 3, d->instance_size, d->instance_size};
    SCL_TRY(siamcl_plan_create(t->ctx, t->device, t->nets.backbone, 1, &z, &t->zplan));
    SCL_TRY(siamcl_plan_create(t->ctx, t->device, t->nets.backbone, 1, &x, &t->xplan));
    t->dev = scl_plan_device(t->xplan);
    SCL_TRY(scl_buffer_alloc(t->dev, (size_t)t->nets.per * sizeof(scl_crop_req), &t->reqbuf));
    SCL_TRY(scl_decoder_alloc(&t->dec, d));
    t->host = scl_malloc(t->nets.ocount * sizeof(float)); /* the head outputs, either kind */
    if (!t->host) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "tracker: out of memory");
    return d->kind == SIAMCL_TRACKER_SIAMFC ? create_siamfc(t) : create_nanotrack(t);
}

siamcl_status siamcl_tracker_create(siamcl_context *ctx, int device, const siamcl_tracker_desc *desc,
                                    siamcl_tracker **out) {
    if (!ctx || !desc || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "tracker_create: NULL argument");
    *out = NULL;
    if (device < 0 || device >= siamcl_context_device_count(ctx))
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "tracker_create: no device %d (the context has %d)", device,
                        siamcl_context_device_count(ctx));
    SCL_TRY(scl_desc_check(desc, "tracker_create"));
    /* a single tracker has nothing to place, but a bad SIAMCL_SCHEDULE is a mistake worth naming */
    const char *sched = getenv("SIAMCL_SCHEDULE");
    siamcl_schedule sc;
    if (sched && *sched && siamcl_schedule_parse(sched, &sc) != SIAMCL_OK)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "SIAMCL_SCHEDULE='%s': %s", sched, siamcl_last_error());
    siamcl_tracker *t = scl_calloc(1, sizeof *t);
    if (!t) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "tracker_create: out of memory");
    t->desc = *desc;
    t->ctx = ctx;
    t->device = device;
    siamcl_status st = create(t);
    if (st != SIAMCL_OK) {
        siamcl_tracker_free(t);
        return st;
    }
    *out = t;
    return SIAMCL_OK;
}

static siamcl_status check_frame(const siamcl_image *f) {
    if (!f || !f->data) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "tracker: NULL frame");
    if (f->width <= 0 || f->height <= 0 || f->width > 65536 || f->height > 65536)
        return scl_fail(SIAMCL_ERR_SHAPE, "tracker: invalid frame size %dx%d", f->width, f->height);
    return SIAMCL_OK;
}

/* The frame goes up once per call, without waiting: every init and update ends
 * with a blocking read or finish on the same in-order queue, and the caller's
 * frame outlives the call. The buffer only grows. */
static siamcl_status upload(siamcl_tracker *t, const siamcl_image *f) {
    double t0 = scl_now_ms();
    size_t bytes = (size_t)f->width * f->height * 3;
    if (bytes > t->frame_cap) {
        scl_buffer_free(t->dev, t->frame);
        t->frame = NULL;
        t->frame_cap = 0;
        SCL_TRY(scl_buffer_alloc(t->dev, bytes, &t->frame));
        t->frame_cap = bytes;
    }
    SCL_CL(scl_queue_write(t->dev, SCL_Q_MAIN, t->frame, 0, bytes, f->data), "frame upload");
    t->times.upload_ms += scl_now_ms() - t0;
    return SIAMCL_OK;
}

static siamcl_status crop_into(siamcl_tracker *t, const siamcl_image *f, siamcl_plan *p, const scl_crop_req *reqs,
                               int m) {
    scl_view in;
    SCL_TRY(scl_plan_input_view(p, 0, &in));
    return scl_nets_crop(&t->nets, t->dev, t->pad, t->frame, f->width, f->height, reqs, m, t->reqbuf, &in);
}

/* Profiling: wait for the stage just enqueued and charge the time since *t0
 * to *slot (then *t0 = now). Otherwise nothing. */
static siamcl_status stage_end(siamcl_tracker *t, double *slot, double *t0) {
    if (!t->profiling) return SIAMCL_OK;
    SCL_CL(scl_queue_finish(t->dev, SCL_Q_MAIN), "stage wait");
    double now = scl_now_ms();
    *slot = now - *t0;
    *t0 = now;
    return SIAMCL_OK;
}

/* blocking = 0: enqueued only (a later blocking call on the queue completes it). */
static siamcl_status read_output(siamcl_tracker *t, siamcl_plan *p, int i, float *dst, size_t count, int blocking) {
    scl_view v;
    SCL_TRY(scl_plan_output_view(p, i, &v));
    if (scl_view_count(&v) != count)
        return scl_fail(SIAMCL_ERR_SHAPE, "tracker: output %d holds %zu values, expected %zu", i,
                        scl_view_count(&v), count);
    if (blocking) return scl_buffer_read(t->dev, v.mem, v.off * sizeof(float), count * sizeof(float), dst);
    SCL_CL(scl_queue_read(t->dev, SCL_Q_MAIN, v.mem, v.off * sizeof(float), count * sizeof(float), dst),
           "tracker output");
    return SIAMCL_OK;
}

static siamcl_status do_init(siamcl_tracker *t, const siamcl_image *frame, siamcl_box box) {
    t->ready = 0; /* a failed init leaves the tracker uninitialised */
    SCL_TRY(check_frame(frame));
    SCL_TRY(scl_box_check(box, frame->width, frame->height));
    SCL_TRY(upload(t, frame));
    scl_pad_colour(frame, t->desc.bgr, t->nets.crop.u8_exact, t->pad);
    scl_crop_req z;
    scl_decoder_start(&t->dec, &t->st, box, &z);
    double t0 = scl_now_ms(), ts = t0, crop_ms;
    SCL_TRY(crop_into(t, frame, t->zplan, &z, 1));
    SCL_TRY(stage_end(t, &crop_ms, &ts));
    SCL_TRY(siamcl_plan_run(t->zplan));
    SCL_TRY(siamcl_plan_finish(t->zplan));
    SCL_TRY(stage_end(t, &t->stages.template_ms, &ts));
    t->times.network_ms += scl_now_ms() - t0;
    memset(&t->last, 0, sizeof t->last);
    t->ready = 1;
    return SIAMCL_OK;
}

siamcl_status siamcl_tracker_init(siamcl_tracker *t, const siamcl_image *frame, siamcl_box box) {
    if (!t) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "tracker_init: NULL tracker");
    double t0 = scl_now_ms();
    siamcl_status st = do_init(t, frame, box);
    if (st != SIAMCL_OK && t->dev) scl_queue_finish(t->dev, SCL_Q_MAIN); /* nothing may still read the frame */
    t->times.inits++;
    t->times.init_ms += scl_now_ms() - t0;
    return st;
}

/* After the download (started at ts, done at t1) and the decode (upsampling
 * up_ms of it): the host-side times. */
static void host_stages(siamcl_tracker *t, double ts, double t1, double up_ms) {
    double dec = scl_now_ms() - t1;
    t->times.decode_ms += dec;
    if (!t->profiling) return;
    t->stages.download_ms = t1 - ts;
    t->stages.upsample_ms = up_ms;
    t->stages.decode_ms = dec > up_ms ? dec - up_ms : 0.0;
}

static siamcl_status update_siamfc(siamcl_tracker *t, const siamcl_image *f) {
    const siamcl_tracker_desc *d = &t->desc;
    scl_crop_req reqs[SIAMCL_TRACKER_MAX_SCALES];
    scl_decoder_search(&t->dec, &t->st, reqs);
    double t0 = scl_now_ms(), ts = t0;
    SCL_TRY(crop_into(t, f, t->xplan, reqs, t->nets.per));
    SCL_TRY(stage_end(t, &t->stages.crop_ms, &ts));
    SCL_TRY(siamcl_plan_run(t->xplan));
    SCL_TRY(stage_end(t, &t->stages.search_ms, &ts));
    scl_view zf, xf;
    SCL_TRY(scl_plan_output_view(t->zplan, 0, &zf));
    SCL_TRY(scl_plan_output_view(t->xplan, 0, &xf));
    int n = d->score_size;
    scl_view r = scl_view_make(t->resp, t->nets.per, 1, n, n);
    SCL_TRY(scl_nets_xcorr(&t->nets, t->dev, &zf, &xf, &r));
    SCL_TRY(stage_end(t, &t->stages.head_ms, &ts));
    SCL_TRY(scl_buffer_read(t->dev, t->resp, 0, t->nets.ocount * sizeof(float), t->host));
    double t1 = scl_now_ms(), up0 = scl_decoder_upsample_ms(&t->dec, &t->st);
    t->times.network_ms += t1 - t0;
    scl_decoder_decode(&t->dec, &t->st, t->host, f->width, f->height, &t->last);
    host_stages(t, ts, t1, scl_decoder_upsample_ms(&t->dec, &t->st) - up0);
    return SIAMCL_OK;
}

static siamcl_status update_nanotrack(siamcl_tracker *t, const siamcl_image *f) {
    scl_crop_req req;
    scl_decoder_search(&t->dec, &t->st, &req);
    double t0 = scl_now_ms(), ts = t0;
    SCL_TRY(crop_into(t, f, t->xplan, &req, 1));
    SCL_TRY(stage_end(t, &t->stages.crop_ms, &ts));
    SCL_TRY(siamcl_plan_run(t->xplan));
    SCL_TRY(stage_end(t, &t->stages.search_ms, &ts));
    SCL_TRY(siamcl_plan_run(t->hplan));
    SCL_TRY(stage_end(t, &t->stages.head_ms, &ts));
    size_t nn = (size_t)t->desc.score_size * t->desc.score_size;
    SCL_TRY(read_output(t, t->hplan, t->nets.out_cls, t->host, 2 * nn, 0));
    SCL_TRY(read_output(t, t->hplan, t->nets.out_loc, t->host + 2 * nn, 4 * nn, 1)); /* the update's one wait */
    double t1 = scl_now_ms();
    t->times.network_ms += t1 - t0;
    scl_decoder_decode(&t->dec, &t->st, t->host, f->width, f->height, &t->last);
    host_stages(t, ts, t1, 0.0);
    return SIAMCL_OK;
}

siamcl_status siamcl_tracker_update(siamcl_tracker *t, const siamcl_image *frame, siamcl_box *box, float *score) {
    if (!t || !box) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "tracker_update: NULL argument");
    if (!t->ready) return scl_fail(SIAMCL_ERR_STATE, "tracker_update: the tracker has not been initialised");
    SCL_TRY(check_frame(frame));
    double t0 = scl_now_ms(), ts = t0;
    siamcl_status st = upload(t, frame);
    if (st == SIAMCL_OK) st = stage_end(t, &t->stages.upload_ms, &ts);
    if (st == SIAMCL_OK)
        st = t->desc.kind == SIAMCL_TRACKER_SIAMFC ? update_siamfc(t, frame) : update_nanotrack(t, frame);
    t->times.updates++;
    t->times.update_ms += scl_now_ms() - t0;
    if (st != SIAMCL_OK) {
        scl_queue_finish(t->dev, SCL_Q_MAIN); /* nothing may still read the caller's frame */
        return st;
    }
    *box = scl_decoder_box(&t->dec, &t->st);
    if (score) *score = isfinite(t->last.score) ? (float)t->last.score : 0.0f;
    return SIAMCL_OK;
}

void siamcl_tracker_get_times(const siamcl_tracker *t, siamcl_tracker_times *out) {
    if (!out) return;
    if (!t) {
        memset(out, 0, sizeof *out);
        return;
    }
    *out = t->times;
}

void scl_tracker_debug(const siamcl_tracker *t, scl_track_debug *dbg, double state[4]) {
    if (dbg) *dbg = t->last;
    if (state) scl_decoder_state(&t->dec, &t->st, state);
}

siamcl_status siamcl_tracker_set_profiling(siamcl_tracker *t, int on) {
    if (!t) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "tracker_set_profiling: NULL tracker");
    t->profiling = on != 0;
    memset(&t->stages, 0, sizeof t->stages);
    return SIAMCL_OK;
}

void siamcl_tracker_get_stages(const siamcl_tracker *t, siamcl_tracker_stages *out) {
    if (!out) return;
    if (!t) {
        memset(out, 0, sizeof *out);
        return;
    }
    *out = t->stages;
}

siamcl_plan *siamcl_tracker_plan(siamcl_tracker *t, int which) {
    if (!t) return NULL;
    return which == 0 ? t->zplan : which == 1 ? t->xplan : which == 2 ? t->hplan : NULL;
}
