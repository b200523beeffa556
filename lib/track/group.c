/* The tracker group: N targets of one video. Tracking math per target (the
 * host decoders of siamfc.c / nanotrack.c, exactly as the single tracker uses
 * them); device work through lib/sched: one template job per target, one
 * batched search pass per device and frame. Each target keeps only its state;
 * the decoders' work areas (windows, maps) are shared by all targets.
 *
 * Frames in flight: at most two. The first submitted is enqueued at once (its
 * search requests come from the boxes of the last waited frame); a second one
 * is copied and its upload started (scl_sched_stage), and wait(), once it has
 * the first frame's boxes, enqueues the second frame's pass before returning,
 * so the devices compute it while the caller prepares the next. A target added
 * or removed meanwhile joins at the next submitted frame / leaves at once (no
 * result for it from frames still in flight). */
#include <math.h>
#include <string.h>

#include "sched/sched.h"
#include "track/decoder.h"

typedef struct gtarget {
    int active;
    int zdev, xdev, slot;
    float pad[3];
    scl_dstate st; /* decoded with the group's decoder */
    scl_crop_req reqs[SIAMCL_TRACKER_MAX_SCALES];
    long from;     /* the first frame (submit number) it is searched in */
} gtarget;

struct siamcl_group {
    siamcl_tracker_desc d;
    scl_sched *s;
    gtarget *t;
    int nt, cap, count;
    scl_decoder dec;   /* settings and work areas, shared by the targets */
    scl_sched_item *items; /* the pass in flight: nin items, target of each */
    int *item_target;
    int nitems, nin;
    long seq;              /* frames submitted so far */
    int inflight;          /* a frame's pass is enqueued (or failed to: ierr) */
    int fw, fh;            /* its size */
    siamcl_status ierr;
    int queued;            /* a second frame is submitted: staged, not yet enqueued */
    long qseq;
    siamcl_image qframe;   /* its copy (qcap bytes) */
    size_t qcap;
};

void siamcl_group_free(siamcl_group *g) {
    if (!g) return;
    scl_sched_free(g->s);
    scl_decoder_release(&g->dec);
    scl_free(g->t);
    scl_free(g->items);
    scl_free(g->item_target);
    scl_free(g->qframe.data);
    scl_free(g);
}

siamcl_status siamcl_group_create(siamcl_context *ctx, const siamcl_tracker_desc *desc,
                                  const siamcl_schedule *schedule, siamcl_group **out) {
    if (!ctx || !desc || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "group_create: NULL argument");
    *out = NULL;
    SCL_TRY(scl_desc_check(desc, "group_create"));
    siamcl_group *g = scl_calloc(1, sizeof *g);
    if (!g) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "group_create: out of memory");
    g->d = *desc;
    siamcl_status st = scl_decoder_alloc(&g->dec, desc);
    if (st == SIAMCL_OK) st = scl_sched_create(ctx, desc, schedule, &g->s);
    if (st != SIAMCL_OK) {
        siamcl_group_free(g);
        return st;
    }
    *out = g;
    return SIAMCL_OK;
}

siamcl_status siamcl_group_schedule(const siamcl_group *g, siamcl_schedule *out) {
    if (!g || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "group_schedule: NULL argument");
    *out = scl_sched_schedule(g->s);
    return SIAMCL_OK;
}

int siamcl_group_count(const siamcl_group *g) { return g ? g->count : 0; }

static siamcl_status check_frame(const siamcl_image *f) {
    if (!f || !f->data) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "group: NULL frame");
    if (f->width <= 0 || f->height <= 0 || f->width > 65536 || f->height > 65536)
        return scl_fail(SIAMCL_ERR_SHAPE, "group: invalid frame size %dx%d", f->width, f->height);
    return SIAMCL_OK;
}

siamcl_status siamcl_group_add(siamcl_group *g, const siamcl_image *frame, siamcl_box box, int *id) {
    if (!g || !id) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "group_add: NULL argument");
    SCL_TRY(check_frame(frame));
    SCL_TRY(scl_box_check(box, frame->width, frame->height));
    if (g->nt == g->cap) {
        int cap = g->cap ? 2 * g->cap : 8;
        gtarget *t = scl_realloc(g->t, (size_t)cap * sizeof *t);
        if (!t) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "group_add: out of memory");
        g->t = t;
        g->cap = cap;
    }
    gtarget *t = &g->t[g->nt];
    memset(t, 0, sizeof *t);
    scl_pad_colour(frame, g->d.bgr, scl_sched_nets(g->s)->crop.u8_exact, t->pad);
    scl_crop_req z;
    scl_decoder_start(&g->dec, &t->st, box, &z);
    scl_sched_place(g->s, &t->zdev, &t->xdev);
    if (t->zdev < 0 || t->xdev < 0) return scl_fail(SIAMCL_ERR_NO_DEVICE, "group_add: no device left to run on");
    /* the template branch; its features cross to the search device once */
    const float *zf;
    SCL_TRY(scl_sched_template(g->s, t->zdev, frame, t->pad, z, &zf));
    SCL_TRY(scl_sched_attach(g->s, t->xdev, zf, &t->slot));
    t->active = 1;
    t->from = g->seq;
    *id = g->nt++;
    g->count++;
    return SIAMCL_OK;
}

siamcl_status siamcl_group_remove(siamcl_group *g, int id) {
    if (!g) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "group_remove: NULL group");
    if (id < 0 || id >= g->nt || !g->t[id].active)
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "group_remove: no target %d", id);
    scl_sched_detach(g->s, g->t[id].xdev, g->t[id].slot);
    g->t[id].active = 0;
    g->count--;
    return SIAMCL_OK;
}

siamcl_status siamcl_group_target_devices(const siamcl_group *g, int id, int *template_device, int *search_device) {
    if (!g) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "group_target_devices: NULL group");
    if (id < 0 || id >= g->nt || !g->t[id].active)
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "group_target_devices: no target %d", id);
    if (template_device) *template_device = g->t[id].zdev;
    if (search_device) *search_device = g->t[id].xdev;
    return SIAMCL_OK;
}

/* Compute the search requests of every target searched in frame `seq` and
 * enqueue the pass. */
static siamcl_status enqueue(siamcl_group *g, const siamcl_image *frame, long seq) {
    if (g->count > g->nitems) {
        scl_sched_item *items = scl_realloc(g->items, (size_t)g->count * sizeof *items);
        if (!items) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "group_submit: out of memory");
        g->items = items;
        int *it = scl_realloc(g->item_target, (size_t)g->count * sizeof *it);
        if (!it) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "group_submit: out of memory");
        g->item_target = it;
        g->nitems = g->count;
    }
    int n = 0;
    for (int i = 0; i < g->nt; i++) {
        gtarget *t = &g->t[i];
        if (!t->active || t->from > seq) continue;
        scl_decoder_search(&g->dec, &t->st, t->reqs);
        scl_sched_item *it = &g->items[n];
        memset(it, 0, sizeof *it);
        it->device = t->xdev;
        it->slot = t->slot;
        it->reqs = t->reqs;
        memcpy(it->pad, t->pad, sizeof it->pad);
        g->item_target[n++] = i;
    }
    SCL_TRY(scl_sched_submit(g->s, frame, g->items, n));
    g->nin = n;
    g->inflight = 1;
    g->ierr = SIAMCL_OK;
    g->fw = frame->width;
    g->fh = frame->height;
    return SIAMCL_OK;
}

siamcl_status siamcl_group_submit(siamcl_group *g, const siamcl_image *frame) {
    if (!g) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "group_submit: NULL group");
    if (g->queued) return scl_fail(SIAMCL_ERR_STATE, "group_submit: two frames are already in flight (wait first)");
    SCL_TRY(check_frame(frame));
    if (!g->inflight) {
        SCL_TRY(enqueue(g, frame, g->seq));
        g->seq++;
        return SIAMCL_OK;
    }
    /* a second frame: copy it and start its upload; wait() enqueues its pass */
    scl_sched_unstage(g->s); /* no upload may still read the copy */
    size_t bytes = (size_t)frame->width * frame->height * 3;
    if (bytes > g->qcap) {
        uint8_t *d = scl_malloc(bytes);
        if (!d) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "group_submit: out of memory");
        scl_free(g->qframe.data);
        g->qframe.data = d;
        g->qcap = bytes;
    }
    memcpy(g->qframe.data, frame->data, bytes);
    g->qframe.width = frame->width;
    g->qframe.height = frame->height;
    SCL_TRY(scl_sched_stage(g->s, &g->qframe));
    g->queued = 1;
    g->qseq = g->seq++;
    return SIAMCL_OK;
}

siamcl_status siamcl_group_wait(siamcl_group *g, siamcl_group_result *results, int cap, int *count) {
    if (!g) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "group_wait: NULL group");
    if (!g->inflight) return scl_fail(SIAMCL_ERR_STATE, "group_wait: nothing submitted");
    if (cap > 0 && !results) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "group_wait: NULL results");
    siamcl_status first = g->ierr;
    int n = g->ierr == SIAMCL_OK ? g->nin : 0, m = 0;
    if (n) scl_sched_collect(g->s, g->items, n);
    g->inflight = 0;
    g->ierr = SIAMCL_OK;
    for (int k = 0; k < n; k++) {
        gtarget *t = &g->t[g->item_target[k]];
        if (!t->active) continue; /* removed while in flight */
        scl_sched_item *it = &g->items[k];
        siamcl_group_result r = {g->item_target[k], it->status, {0, 0, 0, 0}, 0.0f};
        if (it->status == SIAMCL_OK) {
            scl_track_debug dbg;
            scl_decoder_decode(&g->dec, &t->st, it->out, g->fw, g->fh, &dbg);
            r.box = scl_decoder_box(&g->dec, &t->st);
            r.score = isfinite(dbg.score) ? (float)dbg.score : 0.0f;
        } else if (first == SIAMCL_OK) {
            first = it->status;
        }
        if (m < cap) results[m] = r;
        m++;
    }
    if (count) *count = m;
    if (g->queued) { /* the next frame's requests follow from these boxes: start it now */
        g->queued = 0;
        siamcl_status st = enqueue(g, &g->qframe, g->qseq);
        if (st != SIAMCL_OK) { /* reported by the next wait */
            g->inflight = 1;
            g->ierr = st;
            g->nin = 0;
        }
    }
    return first;
}

siamcl_status siamcl_group_update(siamcl_group *g, const siamcl_image *frame, siamcl_group_result *results, int cap,
                                  int *count) {
    if (!g) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "group_update: NULL group");
    if (cap > 0 && !results) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "group_update: NULL results");
    if (g->inflight || g->queued)
        return scl_fail(SIAMCL_ERR_STATE, "group_update: frames are in flight (wait for them first)");
    SCL_TRY(siamcl_group_submit(g, frame));
    return siamcl_group_wait(g, results, cap, count);
}

siamcl_status siamcl_group_test_fail_device(siamcl_group *g, int device, int n) {
    if (!g) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "group_test_fail_device: NULL group");
    return scl_sched_fail_device(g->s, device, n);
}
