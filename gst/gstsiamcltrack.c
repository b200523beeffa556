/* siamcltrack: track targets in raw RGB-family video with siamcl, in place.
 *
 *   ... ! videoconvert ! siamcltrack model=nanotrack-v2 init-box=205,151,17,50 ! ...
 *
 * Every buffer gets one GstVideoRegionOfInterestMeta per target (id = target id,
 * roi type "siamcl", a param structure "siamcl" with score and lost), and the
 * element posts one element message "siamcl-track" per frame (frame, pts, targets:
 * a list of "target" structures with id, x, y, w, h in OTB convention, score and
 * lost). Targets come from init-box (first frame), the add-target action signal
 * and, with add-from-meta, upstream region-of-interest metas; all of them are
 * tracked by one siamcl_group (one batched pass per frame). */
#include "gstsiamcltrack.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

GST_DEBUG_CATEGORY_STATIC(siamcl_track_debug);
#define GST_CAT_DEFAULT siamcl_track_debug

#define CAPS_FORMATS "{ RGB, BGR, RGBx, BGRx, RGBA, BGRA }"

enum {
    PROP_0,
    PROP_MODEL,
    PROP_MODELS_DIR,
    PROP_DEVICE,
    PROP_INIT_BOX,
    PROP_DRAW,
    PROP_MAX_TARGETS,
    PROP_LOST_THRESHOLD,
    PROP_LOST_FRAMES,
    PROP_ADD_FROM_META,
};

enum { SIGNAL_ADD_TARGET, SIGNAL_REMOVE_TARGET, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct pending_add {
    gint id;
    siamcl_box box;
} pending_add;

struct _GstSiamclTrack {
    GstVideoFilter parent;
    /* properties (under the object lock) */
    gchar *model, *models_dir, *device, *init_box;
    gboolean draw, add_from_meta;
    guint max_targets, lost_frames;
    gdouble lost_threshold;
    /* what signals hand to the streaming thread (under lock) */
    GMutex lock;
    GArray *adds;    /* pending_add */
    GArray *removes; /* gint */
    gint next_id;
    guint live;      /* targets tracked or waiting to be added */
    /* streaming state */
    siamcl_context *ctx;
    siamcl_group *group;
    siamcl_tracker_desc desc;
    GArray *targets; /* siamcl_gst_target */
    siamcl_group_result *res;
    guint res_cap;
    siamcl_image rgb;
    guint64 frame;
};

G_DEFINE_TYPE(GstSiamclTrack, gst_siamcl_track, GST_TYPE_VIDEO_FILTER)

/* ---- boxes ---- */

/* "x,y,w,h": four finite numbers, w and h > 0, nothing else. */
static gboolean parse_box(const gchar *s, siamcl_box *b) {
    gdouble v[4];
    const gchar *p = s;
    for (int k = 0; k < 4; k++) {
        gchar *end;
        v[k] = g_ascii_strtod(p, &end);
        if (end == p || !isfinite(v[k])) return FALSE;
        p = end;
        if (k < 3 && *p++ != ',') return FALSE;
    }
    if (*p || !(v[2] > 0) || !(v[3] > 0)) return FALSE;
    *b = (siamcl_box){(float)v[0], (float)v[1], (float)v[2], (float)v[3]};
    return TRUE;
}

static double iou(siamcl_box a, siamcl_box b) {
    double x0 = MAX(a.x, b.x), y0 = MAX(a.y, b.y);
    double x1 = MIN(a.x + a.w, b.x + b.w), y1 = MIN(a.y + a.h, b.y + b.h);
    double in = MAX(0.0, x1 - x0) * MAX(0.0, y1 - y0);
    double un = (double)a.w * a.h + (double)b.w * b.h - in;
    return un > 0 ? in / un : 0;
}

/* ---- signals (any thread) ---- */

static gint add_target(GstSiamclTrack *self, gdouble x, gdouble y, gdouble w, gdouble h) {
    if (!isfinite(x) || !isfinite(y) || !(w > 0) || !(h > 0) || !isfinite(w) || !isfinite(h)) {
        GST_WARNING_OBJECT(self, "add-target: bad box %g,%g,%g,%g", x, y, w, h);
        return -1;
    }
    GST_OBJECT_LOCK(self);
    guint max = self->max_targets;
    GST_OBJECT_UNLOCK(self);
    g_mutex_lock(&self->lock);
    gint id = -1;
    if (self->live < max) {
        pending_add a = {self->next_id++, {(float)x, (float)y, (float)w, (float)h}};
        g_array_append_val(self->adds, a);
        self->live++;
        id = a.id;
    } else {
        GST_WARNING_OBJECT(self, "add-target: already %u targets (max-targets)", max);
    }
    g_mutex_unlock(&self->lock);
    return id;
}

static gboolean remove_target(GstSiamclTrack *self, gint id) {
    g_mutex_lock(&self->lock);
    gboolean known = id >= 0 && id < self->next_id;
    for (guint i = 0; known && i < self->removes->len; i++) known = g_array_index(self->removes, gint, i) != id;
    if (known) g_array_append_val(self->removes, id);
    g_mutex_unlock(&self->lock);
    return known;
}

/* ---- lifecycle ---- */

static void free_tracking(GstSiamclTrack *self) {
    siamcl_group_free(self->group);
    self->group = NULL;
    siamcl_context_free(self->ctx);
    self->ctx = NULL;
    g_free(self->res);
    self->res = NULL;
    self->res_cap = 0;
    siamcl_image_free(&self->rgb);
    g_array_set_size(self->targets, 0);
}

static gboolean gst_siamcl_track_start(GstBaseTransform *bt) {
    GstSiamclTrack *self = GST_SIAMCL_TRACK(bt);
    GST_OBJECT_LOCK(self);
    gchar *model = g_strdup(self->model), *dir = g_strdup(self->models_dir), *device = g_strdup(self->device);
    gchar *init = g_strdup(self->init_box);
    GST_OBJECT_UNLOCK(self);
    gboolean ok = FALSE;
    siamcl_status st = SIAMCL_OK;
    siamcl_box box = {0, 0, 0, 0};
    if (!model || !*model) {
        GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("No model set"),
                          ("set the model property to a model name (e.g. nanotrack-v2) or a .model file"));
    } else if (init && *init && !parse_box(init, &box)) {
        GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("Bad init-box '%s'", init),
                          ("init-box wants x,y,w,h: four numbers, w and h > 0 (OTB convention, 1-based)"));
    } else if ((st = siamcl_tracker_desc_load(model, dir && *dir ? dir : NULL, &self->desc)) != SIAMCL_OK) {
        GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("Cannot load model '%s'", model), ("%s (%s)",
                          siamcl_last_error(), siamcl_status_string(st)));
    } else {
        siamcl_context_params cp = {NULL, device && *device ? device : NULL, SIAMCL_DEVICE_ALL, NULL};
        if ((st = siamcl_context_create(&cp, &self->ctx)) != SIAMCL_OK)
            GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ, ("No OpenCL device"), ("%s (%s)", siamcl_last_error(),
                              siamcl_status_string(st)));
        else if ((st = siamcl_group_create(self->ctx, &self->desc, NULL, &self->group)) != SIAMCL_OK)
            GST_ELEMENT_ERROR(self, LIBRARY, INIT, ("Cannot create the tracker for '%s'", model),
                              ("%s (%s)", siamcl_last_error(), siamcl_status_string(st)));
        else
            ok = TRUE;
    }
    if (ok && init && *init) add_target(self, box.x, box.y, box.w, box.h);
    if (!ok) free_tracking(self);
    self->frame = 0;
    g_free(model);
    g_free(dir);
    g_free(device);
    g_free(init);
    return ok;
}

static gboolean gst_siamcl_track_stop(GstBaseTransform *bt) {
    GstSiamclTrack *self = GST_SIAMCL_TRACK(bt);
    free_tracking(self);
    g_mutex_lock(&self->lock);
    g_array_set_size(self->adds, 0);
    g_array_set_size(self->removes, 0);
    self->live = 0;
    g_mutex_unlock(&self->lock);
    return TRUE;
}

/* ---- one frame (streaming thread) ---- */

static gint find_target(GstSiamclTrack *self, gint id) {
    for (guint i = 0; i < self->targets->len; i++)
        if (g_array_index(self->targets, siamcl_gst_target, i).id == id) return (gint)i;
    return -1;
}

static void drop_target(GstSiamclTrack *self, guint i) {
    siamcl_gst_target *t = &g_array_index(self->targets, siamcl_gst_target, i);
    siamcl_group_remove(self->group, t->gid);
    g_array_remove_index(self->targets, i);
    g_mutex_lock(&self->lock);
    self->live--;
    g_mutex_unlock(&self->lock);
}

/* Removals asked since the last frame; targets reported lost on the last frame. */
static void apply_removals(GstSiamclTrack *self) {
    for (guint i = self->targets->len; i-- > 0;)
        if (g_array_index(self->targets, siamcl_gst_target, i).lost) drop_target(self, i);
    g_mutex_lock(&self->lock);
    GArray *rm = self->removes;
    self->removes = g_array_new(FALSE, FALSE, sizeof(gint));
    g_mutex_unlock(&self->lock);
    for (guint k = 0; k < rm->len; k++) {
        gint i = find_target(self, g_array_index(rm, gint, k));
        if (i >= 0) drop_target(self, (guint)i);
        else { /* still pending: drop it from the adds */
            g_mutex_lock(&self->lock);
            for (guint a = 0; a < self->adds->len; a++)
                if (g_array_index(self->adds, pending_add, a).id == g_array_index(rm, gint, k)) {
                    g_array_remove_index(self->adds, a);
                    self->live--;
                    break;
                }
            g_mutex_unlock(&self->lock);
        }
    }
    g_array_free(rm, TRUE);
}

/* Track every target into the frame; lost bookkeeping. */
static GstFlowReturn track(GstSiamclTrack *self) {
    guint n = self->targets->len;
    if (n == 0) return GST_FLOW_OK;
    if (self->res_cap < n) {
        self->res = g_renew(siamcl_group_result, self->res, n);
        self->res_cap = n;
    }
    int count = 0;
    siamcl_status st = siamcl_group_update(self->group, &self->rgb, self->res, (int)n, &count);
    if (st != SIAMCL_OK && count == 0) {
        GST_ELEMENT_ERROR(self, STREAM, FAILED, ("Tracking failed on frame %" G_GUINT64_FORMAT, self->frame),
                          ("%s (%s)", siamcl_last_error(), siamcl_status_string(st)));
        return GST_FLOW_ERROR;
    }
    GST_OBJECT_LOCK(self);
    gdouble thr = self->lost_threshold;
    guint frames = self->lost_frames;
    GST_OBJECT_UNLOCK(self);
    for (int r = 0; r < count; r++) {
        for (guint i = 0; i < n; i++) {
            siamcl_gst_target *t = &g_array_index(self->targets, siamcl_gst_target, i);
            if (t->gid != self->res[r].id) continue;
            if (self->res[r].status != SIAMCL_OK) {
                t->lost = TRUE; /* the device failed it: report and drop */
                t->score = 0;
                break;
            }
            t->box = self->res[r].box;
            t->score = self->res[r].score;
            t->low = t->score < thr ? t->low + 1 : 0;
            if (t->low >= MAX(frames, 1u)) t->lost = TRUE;
            break;
        }
    }
    return GST_FLOW_OK;
}

static void add_one(GstSiamclTrack *self, gint id, siamcl_box box) {
    int gid;
    siamcl_status st = siamcl_group_add(self->group, &self->rgb, box, &gid);
    if (st != SIAMCL_OK) {
        GST_ELEMENT_WARNING(self, STREAM, FAILED, ("Target %d not added", id),
                            ("box %g,%g,%g,%g on frame %" G_GUINT64_FORMAT ": %s", (double)box.x, (double)box.y,
                             (double)box.w, (double)box.h, self->frame, siamcl_last_error()));
        g_mutex_lock(&self->lock);
        self->live--;
        g_mutex_unlock(&self->lock);
        return;
    }
    siamcl_gst_target t = {id, gid, box, 1.0, 0, FALSE};
    g_array_append_val(self->targets, t);
}

/* Upstream region-of-interest metas that overlap no tracked target become targets. */
static void adds_from_meta(GstSiamclTrack *self, GstBuffer *buf) {
    gpointer state = NULL;
    GstMeta *m;
    GQuark ours = g_quark_from_static_string("siamcl");
    while ((m = gst_buffer_iterate_meta_filtered(buf, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
        GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *)m;
        if (roi->roi_type == ours || roi->w == 0 || roi->h == 0) continue;
        siamcl_box b = {(float)roi->x + 1, (float)roi->y + 1, (float)roi->w, (float)roi->h};
        gboolean overlaps = FALSE;
        for (guint i = 0; i < self->targets->len && !overlaps; i++)
            overlaps = iou(b, g_array_index(self->targets, siamcl_gst_target, i).box) > 0.5;
        g_mutex_lock(&self->lock);
        for (guint a = 0; a < self->adds->len && !overlaps; a++)
            overlaps = iou(b, g_array_index(self->adds, pending_add, a).box) > 0.5;
        g_mutex_unlock(&self->lock);
        if (!overlaps) add_target(self, b.x, b.y, b.w, b.h);
    }
}

static void apply_adds(GstSiamclTrack *self, GstBuffer *buf) {
    GST_OBJECT_LOCK(self);
    gboolean from_meta = self->add_from_meta;
    GST_OBJECT_UNLOCK(self);
    if (from_meta) adds_from_meta(self, buf);
    g_mutex_lock(&self->lock);
    GArray *adds = self->adds;
    self->adds = g_array_new(FALSE, FALSE, sizeof(pending_add));
    g_mutex_unlock(&self->lock);
    for (guint i = 0; i < adds->len; i++) {
        pending_add *a = &g_array_index(adds, pending_add, i);
        add_one(self, a->id, a->box);
    }
    g_array_free(adds, TRUE);
}

/* A box in whole pixels inside the frame (0-based), for the meta. */
static void clip_box(siamcl_box b, int fw, int fh, guint *x, guint *y, guint *w, guint *h) {
    double x0 = CLAMP(floor(b.x - 1 + 0.5), 0, fw), y0 = CLAMP(floor(b.y - 1 + 0.5), 0, fh);
    double x1 = CLAMP(floor(b.x - 1 + b.w + 0.5), 0, fw), y1 = CLAMP(floor(b.y - 1 + b.h + 0.5), 0, fh);
    *x = (guint)x0, *y = (guint)y0, *w = (guint)(x1 - x0), *h = (guint)(y1 - y0);
}

static void publish(GstSiamclTrack *self, GstVideoFrame *frame) {
    GstBuffer *buf = frame->buffer;
    GValue list = G_VALUE_INIT;
    g_value_init(&list, GST_TYPE_LIST);
    for (guint i = 0; i < self->targets->len; i++) {
        siamcl_gst_target *t = &g_array_index(self->targets, siamcl_gst_target, i);
        guint x, y, w, h;
        clip_box(t->box, GST_VIDEO_FRAME_WIDTH(frame), GST_VIDEO_FRAME_HEIGHT(frame), &x, &y, &w, &h);
        GstVideoRegionOfInterestMeta *m = gst_buffer_add_video_region_of_interest_meta(buf, "siamcl", x, y, w, h);
        if (m) {
            m->id = t->id;
            gst_video_region_of_interest_meta_add_param(
                m, gst_structure_new("siamcl", "score", G_TYPE_DOUBLE, t->score, "lost", G_TYPE_BOOLEAN, t->lost, NULL));
        }
        GValue v = G_VALUE_INIT;
        g_value_init(&v, GST_TYPE_STRUCTURE);
        GstStructure *s = gst_structure_new("target", "id", G_TYPE_INT, t->id, "x", G_TYPE_DOUBLE, (double)t->box.x,
                                            "y", G_TYPE_DOUBLE, (double)t->box.y, "w", G_TYPE_DOUBLE,
                                            (double)t->box.w, "h", G_TYPE_DOUBLE, (double)t->box.h, "score",
                                            G_TYPE_DOUBLE, t->score, "lost", G_TYPE_BOOLEAN, t->lost, NULL);
        gst_value_set_structure(&v, s);
        gst_structure_free(s);
        gst_value_list_append_and_take_value(&list, &v);
    }
    GstStructure *s = gst_structure_new("siamcl-track", "frame", G_TYPE_UINT64, self->frame, "pts", G_TYPE_UINT64,
                                        (guint64)GST_BUFFER_PTS(buf), NULL);
    gst_structure_take_value(s, "targets", &list);
    gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), s));
}

static void draw(GstSiamclTrack *self, GstVideoFrame *frame) {
    static const guint8 green[3] = {40, 230, 40}, red[3] = {240, 40, 40}, white[3] = {255, 255, 255};
    for (guint i = 0; i < self->targets->len; i++) {
        siamcl_gst_target *t = &g_array_index(self->targets, siamcl_gst_target, i);
        siamcl_image_draw_rect(&self->rgb, t->box, t->lost ? red : green, 2);
        char label[48];
        snprintf(label, sizeof label, "%d %.2f", t->id, t->score);
        siamcl_image_draw_text(&self->rgb, (int)t->box.x, (int)t->box.y - 10, label, white, 1);
    }
    siamcl_gst_rgb_to_frame(&self->rgb, frame);
}

static GstFlowReturn gst_siamcl_track_transform_frame_ip(GstVideoFilter *vf, GstVideoFrame *frame) {
    GstSiamclTrack *self = GST_SIAMCL_TRACK(vf);
    if (!self->group) return GST_FLOW_ERROR;
    if (!siamcl_gst_frame_to_rgb(frame, &self->rgb)) {
        GST_ELEMENT_ERROR(self, STREAM, FORMAT, ("Cannot read frame %" G_GUINT64_FORMAT, self->frame),
                          ("format %s, %dx%d", gst_video_format_to_string(GST_VIDEO_FRAME_FORMAT(frame)),
                           GST_VIDEO_FRAME_WIDTH(frame), GST_VIDEO_FRAME_HEIGHT(frame)));
        return GST_FLOW_ERROR;
    }
    apply_removals(self);
    GstFlowReturn ret = track(self); /* the targets added before this frame */
    if (ret != GST_FLOW_OK) return ret;
    apply_adds(self, frame->buffer); /* new targets start on this frame */
    publish(self, frame);
    GST_OBJECT_LOCK(self);
    gboolean want_draw = self->draw;
    GST_OBJECT_UNLOCK(self);
    if (want_draw) draw(self, frame);
    self->frame++;
    return GST_FLOW_OK;
}

/* ---- properties ---- */

static void set_string(GstSiamclTrack *self, gchar **field, const GValue *v) {
    GST_OBJECT_LOCK(self);
    g_free(*field);
    *field = g_value_dup_string(v);
    GST_OBJECT_UNLOCK(self);
}

static void gst_siamcl_track_set_property(GObject *o, guint id, const GValue *v, GParamSpec *ps) {
    GstSiamclTrack *self = GST_SIAMCL_TRACK(o);
    switch (id) {
    case PROP_MODEL: set_string(self, &self->model, v); break;
    case PROP_MODELS_DIR: set_string(self, &self->models_dir, v); break;
    case PROP_DEVICE: set_string(self, &self->device, v); break;
    case PROP_INIT_BOX: set_string(self, &self->init_box, v); break;
    case PROP_DRAW: GST_OBJECT_LOCK(self); self->draw = g_value_get_boolean(v); GST_OBJECT_UNLOCK(self); break;
    case PROP_ADD_FROM_META:
        GST_OBJECT_LOCK(self);
        self->add_from_meta = g_value_get_boolean(v);
        GST_OBJECT_UNLOCK(self);
        break;
    case PROP_MAX_TARGETS:
        GST_OBJECT_LOCK(self);
        self->max_targets = g_value_get_uint(v);
        GST_OBJECT_UNLOCK(self);
        break;
    case PROP_LOST_THRESHOLD:
        GST_OBJECT_LOCK(self);
        self->lost_threshold = g_value_get_double(v);
        GST_OBJECT_UNLOCK(self);
        break;
    case PROP_LOST_FRAMES:
        GST_OBJECT_LOCK(self);
        self->lost_frames = g_value_get_uint(v);
        GST_OBJECT_UNLOCK(self);
        break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(o, id, ps); break;
    }
}

static void gst_siamcl_track_get_property(GObject *o, guint id, GValue *v, GParamSpec *ps) {
    GstSiamclTrack *self = GST_SIAMCL_TRACK(o);
    GST_OBJECT_LOCK(self);
    switch (id) {
    case PROP_MODEL: g_value_set_string(v, self->model); break;
    case PROP_MODELS_DIR: g_value_set_string(v, self->models_dir); break;
    case PROP_DEVICE: g_value_set_string(v, self->device); break;
    case PROP_INIT_BOX: g_value_set_string(v, self->init_box); break;
    case PROP_DRAW: g_value_set_boolean(v, self->draw); break;
    case PROP_ADD_FROM_META: g_value_set_boolean(v, self->add_from_meta); break;
    case PROP_MAX_TARGETS: g_value_set_uint(v, self->max_targets); break;
    case PROP_LOST_THRESHOLD: g_value_set_double(v, self->lost_threshold); break;
    case PROP_LOST_FRAMES: g_value_set_uint(v, self->lost_frames); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(o, id, ps); break;
    }
    GST_OBJECT_UNLOCK(self);
}

static void gst_siamcl_track_finalize(GObject *o) {
    GstSiamclTrack *self = GST_SIAMCL_TRACK(o);
    free_tracking(self);
    g_free(self->model);
    g_free(self->models_dir);
    g_free(self->device);
    g_free(self->init_box);
    g_array_free(self->adds, TRUE);
    g_array_free(self->removes, TRUE);
    g_array_free(self->targets, TRUE);
    g_mutex_clear(&self->lock);
    G_OBJECT_CLASS(gst_siamcl_track_parent_class)->finalize(o);
}

static void gst_siamcl_track_init(GstSiamclTrack *self) {
    self->max_targets = 16;
    self->lost_frames = 10;
    self->lost_threshold = -G_MAXDOUBLE;
    g_mutex_init(&self->lock);
    self->adds = g_array_new(FALSE, FALSE, sizeof(pending_add));
    self->removes = g_array_new(FALSE, FALSE, sizeof(gint));
    self->targets = g_array_new(FALSE, FALSE, sizeof(siamcl_gst_target));
    /* in place, and never passthrough: metas are added to every buffer */
    gst_base_transform_set_in_place(GST_BASE_TRANSFORM(self), TRUE);
    /* every frame is tracked: late buffers are not dropped for QoS (the qos property turns it on) */
    gst_base_transform_set_qos_enabled(GST_BASE_TRANSFORM(self), FALSE);
}

#define RW_READY (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)
#define RW_PLAYING (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)

static void install_properties(GObjectClass *oc) {
    g_object_class_install_property(oc, PROP_MODEL,
        g_param_spec_string("model", "Model", "Tracker model: a name (siamfc-alexnet, ciresnet22, nanotrack-v2, "
                            "nanotrack-v3; looked up in SIAMCL_MODELS, then the installed share/siamcl/models) or "
                            "a path to a .model file", NULL, RW_READY));
    g_object_class_install_property(oc, PROP_MODELS_DIR,
        g_param_spec_string("models-dir", "Models folder", "Where the model's ONNX files are searched (':' list; "
                            "default: beside the model description)", NULL, RW_READY));
    g_object_class_install_property(oc, PROP_DEVICE,
        g_param_spec_string("device", "OpenCL device", "Device(s) in SIAMCL_DEVICE syntax: an index or a name "
                            "substring, a comma list for several (default: the SIAMCL_* environment)", NULL, RW_READY));
    g_object_class_install_property(oc, PROP_INIT_BOX,
        g_param_spec_string("init-box", "Initial box", "\"x,y,w,h\" of a target in the first frame, OTB "
                            "convention (1-based top-left corner, pixels); empty: no initial target", NULL, RW_READY));
    g_object_class_install_property(oc, PROP_DRAW,
        g_param_spec_boolean("draw", "Draw", "Draw each target's box, id and score into the frames", FALSE,
                             RW_PLAYING));
    g_object_class_install_property(oc, PROP_MAX_TARGETS,
        g_param_spec_uint("max-targets", "Max targets", "Targets tracked at most; further adds are refused", 1, 4096,
                          16, RW_PLAYING));
    g_object_class_install_property(oc, PROP_LOST_THRESHOLD,
        g_param_spec_double("lost-threshold", "Lost threshold", "A target whose score stays below this for "
                            "lost-frames frames is reported lost (lost=true) and dropped (NanoTrack scores are "
                            "probabilities, SiamFC's response peaks); the default, the lowest double, never drops",
                            -G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, RW_PLAYING));
    g_object_class_install_property(oc, PROP_LOST_FRAMES,
        g_param_spec_uint("lost-frames", "Lost frames", "Consecutive low-score frames before a target is lost", 1,
                          100000, 10, RW_PLAYING));
    g_object_class_install_property(oc, PROP_ADD_FROM_META,
        g_param_spec_boolean("add-from-meta", "Add from meta", "Upstream GstVideoRegionOfInterestMeta (e.g. from a "
                             "detector) become new targets unless they overlap a tracked one at IoU > 0.5", FALSE,
                             RW_PLAYING));
}

static void gst_siamcl_track_class_init(GstSiamclTrackClass *klass) {
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    GstElementClass *ec = GST_ELEMENT_CLASS(klass);
    GstBaseTransformClass *bt = GST_BASE_TRANSFORM_CLASS(klass);
    GstVideoFilterClass *vf = GST_VIDEO_FILTER_CLASS(klass);
    oc->set_property = gst_siamcl_track_set_property;
    oc->get_property = gst_siamcl_track_get_property;
    oc->finalize = gst_siamcl_track_finalize;
    install_properties(oc);
    /**
     * add-target: (x, y, w, h) -> id. Starts tracking the box (OTB convention) from the
     * next frame; returns the target's id, or -1 for a bad box or max-targets reached.
     */
    signals[SIGNAL_ADD_TARGET] = g_signal_new_class_handler(
        "add-target", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK(add_target), NULL,
        NULL, NULL, G_TYPE_INT, 4, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
    /** remove-target: (id) -> TRUE if the id was known; the target goes at the next frame. */
    signals[SIGNAL_REMOVE_TARGET] = g_signal_new_class_handler(
        "remove-target", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK(remove_target),
        NULL, NULL, NULL, G_TYPE_BOOLEAN, 1, G_TYPE_INT);
    gst_element_class_set_static_metadata(
        ec, "siamcl tracker", "Filter/Analyzer/Video",
        "Tracks targets with fully-convolutional Siamese networks (SiamFC, SiamFC+, NanoTrack) on any OpenCL "
        "device; boxes as GstVideoRegionOfInterestMeta and \"siamcl-track\" element messages",
        "siamcl developers");
    GstCaps *caps = gst_caps_from_string(GST_VIDEO_CAPS_MAKE(CAPS_FORMATS));
    gst_element_class_add_pad_template(ec, gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS, caps));
    gst_element_class_add_pad_template(ec, gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps));
    gst_caps_unref(caps);
    bt->start = gst_siamcl_track_start;
    bt->stop = gst_siamcl_track_stop;
    bt->passthrough_on_same_caps = FALSE;
    bt->transform_ip_on_passthrough = FALSE;
    vf->transform_frame_ip = gst_siamcl_track_transform_frame_ip;
    GST_DEBUG_CATEGORY_INIT(siamcl_track_debug, "siamcltrack", 0, "siamcl tracker element");
}

static gboolean plugin_init(GstPlugin *plugin) {
    return gst_element_register(plugin, "siamcltrack", GST_RANK_NONE, GST_TYPE_SIAMCL_TRACK);
}

#ifndef PACKAGE
#define PACKAGE "siamcl"
#endif
GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, siamcl,
                  "siamcl: Siamese-network trackers on any OpenCL device", plugin_init, SIAMCL_VERSION_STRING,
                  "unknown", "siamcl", "siamcl")
