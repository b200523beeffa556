/* test-gst: the GStreamer element siamcltrack (gst/), with gstcheck.
 * Frames come from OTB Crossing (360x240). The plugin is found through
 * GST_PLUGIN_PATH (CTest points it at the build's gst/ folder). */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <siamcl.h>

#define W 360
#define H 240
#define NF 12

static siamcl_image g_frames[NF];
static siamcl_box g_gt0;

static const char *shared_dir(void) {
    const char *s = getenv("SIAMCL_SHARED");
    return s && *s ? s : "../shared";
}

static void load_frames(void) {
    if (g_frames[0].data) return;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/data/otb/Crossing", shared_dir());
    siamcl_sequence *seq = NULL;
    fail_unless(siamcl_sequence_open(dir, 0, &seq) == SIAMCL_OK, "cannot open %s", dir);
    for (int i = 0; i < NF; i++) fail_unless(siamcl_sequence_load_frame(seq, i, &g_frames[i]) == SIAMCL_OK);
    fail_unless(siamcl_sequence_groundtruth(seq, 0, &g_gt0));
    siamcl_sequence_free(seq);
}

/* Frame i as a buffer of the given packed format ("RGB", "BGRx", ...), optionally half size. */
static GstBuffer *frame_buffer(int i, const char *format, int half) {
    const siamcl_image *f = &g_frames[i];
    GstVideoInfo info;
    int w = half ? f->width / 2 : f->width, h = half ? f->height / 2 : f->height;
    gst_video_info_set_format(&info, gst_video_format_from_string(format), w, h);
    GstBuffer *buf = gst_buffer_new_allocate(NULL, info.size, NULL);
    GstMapInfo map;
    gst_buffer_map(buf, &map, GST_MAP_WRITE);
    const GstVideoFormatInfo *fi = info.finfo;
    int px = GST_VIDEO_FORMAT_INFO_PSTRIDE(fi, 0);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const guint8 *s = f->data + ((size_t)(half ? 2 * y : y) * f->width + (half ? 2 * x : x)) * 3;
            guint8 *d = map.data + (size_t)y * info.stride[0] + (size_t)x * px;
            for (int c = 0; c < 3; c++) d[GST_VIDEO_FORMAT_INFO_POFFSET(fi, c)] = s[c];
            if (px == 4) d[3] = 255; /* R, G, B sit in bytes 0-2 of every 4-byte format here */
        }
    gst_buffer_unmap(buf, &map);
    GST_BUFFER_PTS(buf) = (GstClockTime)i * GST_SECOND / 30;
    return buf;
}

static GstHarness *harness(const char *props, const char *format, GstBus **bus) {
    char line[512];
    snprintf(line, sizeof line, "siamcltrack %s", props);
    GstHarness *h = gst_harness_new_parse(line);
    *bus = gst_bus_new();
    gst_element_set_bus(h->element, *bus);
    char caps[128];
    snprintf(caps, sizeof caps, "video/x-raw,format=%s,width=%d,height=%d,framerate=30/1", format, W, H);
    gst_harness_set_src_caps_str(h, caps);
    return h;
}

static int count_metas(GstBuffer *b, gint *ids, int cap) {
    gpointer state = NULL;
    GstMeta *m;
    int n = 0;
    while ((m = gst_buffer_iterate_meta_filtered(b, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
        GstVideoRegionOfInterestMeta *r = (GstVideoRegionOfInterestMeta *)m;
        if (r->roi_type != g_quark_from_string("siamcl")) continue;
        fail_unless(gst_video_region_of_interest_meta_get_param(r, "siamcl") != NULL);
        if (n < cap) ids[n] = r->id;
        n++;
    }
    return n;
}

/* The next "siamcl-track" message: its frame number and target count. */
static const GstStructure *next_track_message(GstBus *bus, GstMessage **keep) {
    GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_ELEMENT);
    fail_unless(m != NULL, "no siamcl-track message");
    const GstStructure *s = gst_message_get_structure(m);
    fail_unless(gst_structure_has_name(s, "siamcl-track"));
    *keep = m;
    return s;
}

static guint n_targets(const GstStructure *s) { return gst_value_list_get_size(gst_structure_get_value(s, "targets")); }

static const GstStructure *target_at(const GstStructure *s, guint i) {
    return gst_value_get_structure(gst_value_list_get_value(gst_structure_get_value(s, "targets"), i));
}

GST_START_TEST(test_properties) {
    GstElement *e = gst_element_factory_make("siamcltrack", NULL);
    fail_unless(e != NULL, "siamcltrack not found (GST_PLUGIN_PATH?)");
    gchar *model = NULL, *box = NULL;
    gboolean draw = TRUE, meta = TRUE;
    guint maxt = 0, lf = 0;
    gdouble thr = 0;
    g_object_get(e, "model", &model, "init-box", &box, "draw", &draw, "add-from-meta", &meta, "max-targets", &maxt,
                 "lost-frames", &lf, "lost-threshold", &thr, NULL);
    fail_unless(model == NULL && box == NULL && !draw && !meta && maxt == 16 && lf == 10 && thr < -1e300);
    g_object_set(e, "model", "nanotrack-v2", "models-dir", "/x", "device", "0", "init-box", "1,2,3,4", "draw", TRUE,
                 "max-targets", 3, "lost-threshold", 0.25, "lost-frames", 4, NULL);
    gchar *dir = NULL, *dev = NULL;
    g_object_get(e, "model", &model, "models-dir", &dir, "device", &dev, "init-box", &box, "draw", &draw,
                 "max-targets", &maxt, "lost-threshold", &thr, "lost-frames", &lf, NULL);
    fail_unless(!strcmp(model, "nanotrack-v2") && !strcmp(dir, "/x") && !strcmp(dev, "0") && !strcmp(box, "1,2,3,4"));
    fail_unless(draw && maxt == 3 && thr == 0.25 && lf == 4);
    g_free(model), g_free(box), g_free(dir), g_free(dev);
    /* the pads take the six packed RGB-family formats */
    GstPad *sink = gst_element_get_static_pad(e, "sink");
    GstCaps *caps = gst_pad_get_pad_template_caps(sink);
    const char *fmts[] = {"RGB", "BGR", "RGBx", "BGRx", "RGBA", "BGRA"};
    for (int i = 0; i < 6; i++) {
        char c[128];
        snprintf(c, sizeof c, "video/x-raw,format=%s,width=4,height=4,framerate=1/1", fmts[i]);
        GstCaps *one = gst_caps_from_string(c);
        fail_unless(gst_caps_can_intersect(caps, one), "format %s refused", fmts[i]);
        gst_caps_unref(one);
    }
    GstCaps *i420 = gst_caps_from_string("video/x-raw,format=I420,width=4,height=4,framerate=1/1");
    fail_if(gst_caps_can_intersect(caps, i420));
    gst_caps_unref(i420);
    gst_caps_unref(caps);
    gst_object_unref(sink);
    gst_object_unref(e);
}
GST_END_TEST;

/* init-box: a meta and a message on every buffer, in every format; the same boxes in each format. */
GST_START_TEST(test_init_box_every_buffer) {
    load_frames();
    const char *fmts[] = {"RGB", "BGR", "RGBx", "BGRx", "RGBA", "BGRA"};
    double first_x[6];
    for (int f = 0; f < 6; f++) {
        GstBus *bus;
        GstHarness *h = harness("model=nanotrack-v2 init-box=205,151,17,50", fmts[f], &bus);
        for (int i = 0; i < 6; i++) {
            fail_unless_equals_int(gst_harness_push(h, frame_buffer(i, fmts[f], 0)), GST_FLOW_OK);
            GstBuffer *out = gst_harness_pull(h);
            gint id = -1;
            fail_unless_equals_int(count_metas(out, &id, 1), 1);
            fail_unless_equals_int(id, 0);
            gst_buffer_unref(out);
            GstMessage *m;
            const GstStructure *s = next_track_message(bus, &m);
            guint64 frame = 99, pts = 0;
            fail_unless(gst_structure_get_uint64(s, "frame", &frame) && frame == (guint64)i);
            fail_unless(gst_structure_get_uint64(s, "pts", &pts) && pts == (guint64)i * GST_SECOND / 30);
            fail_unless_equals_int(n_targets(s), 1);
            const GstStructure *t = target_at(s, 0);
            gint tid;
            gdouble x, y, w, hh, score;
            gboolean lost;
            fail_unless(gst_structure_get_int(t, "id", &tid) && tid == 0);
            fail_unless(gst_structure_get(t, "x", G_TYPE_DOUBLE, &x, "y", G_TYPE_DOUBLE, &y, "w", G_TYPE_DOUBLE, &w,
                                          "h", G_TYPE_DOUBLE, &hh, "score", G_TYPE_DOUBLE, &score, "lost",
                                          G_TYPE_BOOLEAN, &lost, NULL));
            fail_unless(w > 0 && hh > 0 && !lost);
            if (i == 0) fail_unless(x == 205 && y == 151 && w == 17 && hh == 50);
            if (i == 5) first_x[f] = x;
            gst_message_unref(m);
        }
        gst_harness_teardown(h);
        gst_object_unref(bus);
    }
    for (int f = 1; f < 6; f++) fail_unless(first_x[f] == first_x[0], "format %s tracks differently", fmts[f]);
}
GST_END_TEST;

GST_START_TEST(test_signals) {
    load_frames();
    GstBus *bus;
    GstHarness *h = harness("model=nanotrack-v2 max-targets=2", "RGB", &bus);
    GstElement *el = gst_harness_find_element(h, "siamcltrack");
    gint ids[4], a = -9, b = -9, c = -9;
    fail_unless_equals_int(gst_harness_push(h, frame_buffer(0, "RGB", 0)), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull(h);
    fail_unless_equals_int(count_metas(out, ids, 4), 0); /* no target yet */
    gst_buffer_unref(out);
    g_signal_emit_by_name(el, "add-target", 205.0, 151.0, 17.0, 50.0, &a);
    g_signal_emit_by_name(el, "add-target", 100.0, 100.0, 40.0, 40.0, &b);
    g_signal_emit_by_name(el, "add-target", 10.0, 10.0, 5.0, 5.0, &c); /* over max-targets */
    gint bad = 0;
    g_signal_emit_by_name(el, "add-target", 1.0, 1.0, -5.0, 5.0, &bad);
    fail_unless(a == 0 && b == 1 && c == -1 && bad == -1);
    fail_unless_equals_int(gst_harness_push(h, frame_buffer(1, "RGB", 0)), GST_FLOW_OK);
    out = gst_harness_pull(h);
    fail_unless_equals_int(count_metas(out, ids, 4), 2);
    fail_unless(ids[0] == 0 && ids[1] == 1);
    gst_buffer_unref(out);
    gboolean ok = FALSE, unknown = TRUE;
    g_signal_emit_by_name(el, "remove-target", 0, &ok);
    g_signal_emit_by_name(el, "remove-target", 42, &unknown);
    fail_unless(ok && !unknown);
    fail_unless_equals_int(gst_harness_push(h, frame_buffer(2, "RGB", 0)), GST_FLOW_OK);
    out = gst_harness_pull(h);
    fail_unless_equals_int(count_metas(out, ids, 4), 1);
    fail_unless_equals_int(ids[0], 1);
    gst_buffer_unref(out);
    /* room again: a third id, never reused */
    g_signal_emit_by_name(el, "add-target", 205.0, 151.0, 17.0, 50.0, &c);
    fail_unless_equals_int(c, 2);
    /* a box entirely outside the frame is refused at the next frame with a warning, not an error */
    g_signal_emit_by_name(el, "remove-target", 1, &ok);
    fail_unless_equals_int(gst_harness_push(h, frame_buffer(3, "RGB", 0)), GST_FLOW_OK);
    out = gst_harness_pull(h);
    fail_unless_equals_int(count_metas(out, ids, 4), 1);
    fail_unless_equals_int(ids[0], 2);
    gst_buffer_unref(out);
    g_signal_emit_by_name(el, "add-target", 5000.0, 5000.0, 10.0, 10.0, &bad);
    fail_unless_equals_int(bad, 3);
    fail_unless_equals_int(gst_harness_push(h, frame_buffer(4, "RGB", 0)), GST_FLOW_OK);
    out = gst_harness_pull(h);
    fail_unless_equals_int(count_metas(out, ids, 4), 1);
    fail_unless_equals_int(ids[0], 2);
    gst_buffer_unref(out);
    GstMessage *w = gst_bus_pop_filtered(bus, GST_MESSAGE_WARNING);
    fail_unless(w != NULL, "no warning for a box outside the frame");
    gst_message_unref(w);
    gst_object_unref(el);
    gst_harness_teardown(h);
    gst_object_unref(bus);
}
GST_END_TEST;

/* A state change that must fail with an error naming the problem. */
static void expect_start_error(const char *props, const char *needle) {
    char line[512];
    snprintf(line, sizeof line, "videotestsrc num-buffers=2 ! video/x-raw,format=RGB,width=64,height=48 ! "
                                "siamcltrack %s ! fakesink", props);
    GstElement *p = gst_parse_launch(line, NULL);
    fail_unless(p != NULL);
    GstStateChangeReturn r = gst_element_set_state(p, GST_STATE_PAUSED);
    GstBus *bus = gst_element_get_bus(p);
    GstMessage *m = gst_bus_timed_pop_filtered(bus, 10 * GST_SECOND, GST_MESSAGE_ERROR | GST_MESSAGE_ASYNC_DONE);
    fail_unless(m && GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR, "%s: no error", props);
    GError *err = NULL;
    gchar *dbg = NULL;
    gst_message_parse_error(m, &err, &dbg);
    gchar *all = g_strdup_printf("%s %s", err->message, dbg ? dbg : "");
    fail_unless(strstr(all, needle) != NULL, "%s: error '%s' does not name '%s'", props, all, needle);
    fail_unless(r == GST_STATE_CHANGE_FAILURE || r == GST_STATE_CHANGE_ASYNC);
    g_free(all), g_free(dbg), g_error_free(err);
    gst_message_unref(m);
    gst_object_unref(bus);
    gst_element_set_state(p, GST_STATE_NULL);
    gst_object_unref(p);
}

GST_START_TEST(test_bad_settings) {
    expect_start_error("model=no-such-model", "no-such-model");
    expect_start_error("", "model");
    expect_start_error("model=nanotrack-v2 init-box=1,2,3", "init-box");
    expect_start_error("model=nanotrack-v2 init-box=1,2,-3,4", "init-box");
    expect_start_error("model=nanotrack-v2 device=no-such-device", "no-such-device");
}
GST_END_TEST;

/* New caps mid-stream (half size): tracking goes on, boxes stay inside the new frame; EOS passes. */
GST_START_TEST(test_resolution_change_and_eos) {
    load_frames();
    GstBus *bus;
    GstHarness *h = harness("model=nanotrack-v2 init-box=205,151,17,50", "RGB", &bus);
    gint ids[2];
    for (int i = 0; i < 3; i++) {
        fail_unless_equals_int(gst_harness_push(h, frame_buffer(i, "RGB", 0)), GST_FLOW_OK);
        gst_buffer_unref(gst_harness_pull(h));
    }
    char caps[128];
    snprintf(caps, sizeof caps, "video/x-raw,format=RGB,width=%d,height=%d,framerate=30/1", W / 2, H / 2);
    gst_harness_set_src_caps_str(h, caps);
    for (int i = 3; i < 6; i++) {
        fail_unless_equals_int(gst_harness_push(h, frame_buffer(i, "RGB", 1)), GST_FLOW_OK);
        GstBuffer *out = gst_harness_pull(h);
        fail_unless_equals_int(count_metas(out, ids, 2), 1);
        GstVideoRegionOfInterestMeta *m = gst_buffer_get_video_region_of_interest_meta_id(out, 0);
        fail_unless(m && m->x + m->w <= W / 2 && m->y + m->h <= H / 2);
        gst_buffer_unref(out);
    }
    fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
    GstEvent *e;
    gboolean eos = FALSE;
    while ((e = gst_harness_try_pull_event(h))) {
        eos |= GST_EVENT_TYPE(e) == GST_EVENT_EOS;
        gst_event_unref(e);
    }
    fail_unless(eos, "EOS did not pass");
    gst_harness_teardown(h);
    gst_object_unref(bus);
}
GST_END_TEST;

/* lost-threshold above any NanoTrack score: lost after lost-frames frames, then gone. */
GST_START_TEST(test_lost) {
    load_frames();
    GstBus *bus;
    GstHarness *h = harness("model=nanotrack-v2 init-box=205,151,17,50 lost-threshold=2 lost-frames=2", "RGB", &bus);
    gboolean lost_at[5] = {0};
    guint counts[5];
    for (int i = 0; i < 5; i++) {
        fail_unless_equals_int(gst_harness_push(h, frame_buffer(i, "RGB", 0)), GST_FLOW_OK);
        gst_buffer_unref(gst_harness_pull(h));
        GstMessage *m;
        const GstStructure *s = next_track_message(bus, &m);
        counts[i] = n_targets(s);
        if (counts[i]) gst_structure_get_boolean(target_at(s, 0), "lost", &lost_at[i]);
        gst_message_unref(m);
    }
    /* frame 0: added; 1: first low score; 2: second -> lost; 3: gone */
    fail_unless(counts[0] == 1 && counts[1] == 1 && counts[2] == 1 && counts[3] == 0 && counts[4] == 0);
    fail_unless(!lost_at[0] && !lost_at[1] && lost_at[2]);
    gst_harness_teardown(h);
    gst_object_unref(bus);
}
GST_END_TEST;

/* add-from-meta: an upstream region becomes a target, unless it overlaps one (IoU > 0.5). */
GST_START_TEST(test_add_from_meta) {
    load_frames();
    GstBus *bus;
    GstHarness *h = harness("model=nanotrack-v2 add-from-meta=true", "RGB", &bus);
    gint ids[4];
    GstBuffer *in = frame_buffer(0, "RGB", 0);
    gst_buffer_add_video_region_of_interest_meta(in, "person", 204, 150, 17, 50);
    gst_buffer_add_video_region_of_interest_meta(in, "person", 205, 151, 17, 50); /* same object */
    fail_unless_equals_int(gst_harness_push(h, in), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull(h);
    fail_unless_equals_int(count_metas(out, ids, 4), 1);
    gst_buffer_unref(out);
    in = frame_buffer(1, "RGB", 0);
    gst_buffer_add_video_region_of_interest_meta(in, "person", 203, 150, 18, 50); /* tracked already */
    gst_buffer_add_video_region_of_interest_meta(in, "car", 20, 20, 60, 40);      /* new */
    fail_unless_equals_int(gst_harness_push(h, in), GST_FLOW_OK);
    out = gst_harness_pull(h);
    fail_unless_equals_int(count_metas(out, ids, 4), 2);
    gst_buffer_unref(out);
    gst_harness_teardown(h);
    gst_object_unref(bus);
}
GST_END_TEST;

/* Run a pipeline to EOS; boxes of target 0 from the messages. Returns frames seen. */
static int run_pipeline(const char *line, siamcl_box *boxes, int cap) {
    GError *err = NULL;
    GstElement *p = gst_parse_launch(line, &err);
    fail_unless(p != NULL, "%s: %s", line, err ? err->message : "?");
    GstBus *bus = gst_element_get_bus(p);
    gst_element_set_state(p, GST_STATE_PLAYING);
    int n = 0;
    for (;;) {
        GstMessage *m = gst_bus_timed_pop_filtered(bus, 300 * GST_SECOND,
                                                   GST_MESSAGE_ELEMENT | GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
        fail_unless(m != NULL, "pipeline timed out");
        if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR) {
            GError *e = NULL;
            gst_message_parse_error(m, &e, NULL);
            fail("pipeline error: %s", e->message);
        }
        int done = GST_MESSAGE_TYPE(m) == GST_MESSAGE_EOS;
        const GstStructure *s = gst_message_get_structure(m);
        if (!done && s && gst_structure_has_name(s, "siamcl-track") && n_targets(s) == 1 && n < cap) {
            const GstStructure *t = target_at(s, 0);
            gdouble x, y, w, h;
            gst_structure_get(t, "x", G_TYPE_DOUBLE, &x, "y", G_TYPE_DOUBLE, &y, "w", G_TYPE_DOUBLE, &w, "h",
                              G_TYPE_DOUBLE, &h, NULL);
            boxes[n++] = (siamcl_box){(float)x, (float)y, (float)w, (float)h};
        }
        gst_message_unref(m);
        if (done) break;
    }
    gst_element_set_state(p, GST_STATE_NULL);
    gst_object_unref(bus);
    gst_object_unref(p);
    return n;
}

static int read_boxes(const char *path, siamcl_box *out, int cap) {
    siamcl_box *b = NULL;
    int n = 0;
    fail_unless(siamcl_boxes_read(path, &b, &n) == SIAMCL_OK, "%s", path);
    if (n > cap) n = cap;
    memcpy(out, b, (size_t)n * sizeof *b);
    siamcl_boxes_free(b);
    return n;
}

#define NSEQ 120

/* End to end: PNG frames through pngdec equal siamcl track on the same PNG folder (0.01 px);
 * the original JPEGs through jpegdec stay within 0.02 AUC of siamcl track on them. */
GST_START_TEST(test_end_to_end) {
    const char *cli = SIAMCL_CLI;
    char tmp[] = "/tmp/siamcl-test-gst-XXXXXX";
    fail_unless(mkdtemp(tmp) != NULL);
    char dir[1024], line[4096], cmd[4096], out[1200];
    snprintf(dir, sizeof dir, "%s/data/otb/Crossing", shared_dir());
    siamcl_sequence *seq = NULL;
    fail_unless(siamcl_sequence_open(dir, 0, &seq) == SIAMCL_OK);
    int n = siamcl_sequence_length(seq) < NSEQ ? siamcl_sequence_length(seq) : NSEQ;
    static siamcl_box gt[NSEQ], ref[NSEQ], got[NSEQ];
    for (int i = 0; i < n; i++) {
        siamcl_image img;
        fail_unless(siamcl_sequence_load_frame(seq, i, &img) == SIAMCL_OK);
        char p[1200];
        snprintf(p, sizeof p, "%s/%04d.png", tmp, i + 1);
        fail_unless(siamcl_image_save_png(p, &img) == SIAMCL_OK);
        siamcl_image_free(&img);
        fail_unless(siamcl_sequence_groundtruth(seq, i, &gt[i]));
    }
    siamcl_sequence_free(seq);
    char init[96];
    snprintf(init, sizeof init, "%g,%g,%g,%g", (double)gt[0].x, (double)gt[0].y, (double)gt[0].w, (double)gt[0].h);

    snprintf(out, sizeof out, "%s/png.txt", tmp);
    snprintf(cmd, sizeof cmd, "'%s' track --model siamfc-alexnet --seq '%s' --init %s --frames %d -q --out '%s'",
             cli, tmp, init, n, out);
    fail_unless(system(cmd) == 0, "%s", cmd);
    fail_unless_equals_int(read_boxes(out, ref, NSEQ), n);
    snprintf(line, sizeof line,
             "multifilesrc location=%s/%%04d.png index=1 stop-index=%d caps=image/png,framerate=30/1 ! pngdec ! "
             "videoconvert ! siamcltrack model=siamfc-alexnet init-box=%s ! fakesink",
             tmp, n, init);
    fail_unless_equals_int(run_pipeline(line, got, NSEQ), n);
    double worst = 0;
    for (int i = 0; i < n; i++) {
        worst = fmax(worst, fabs((double)got[i].x - ref[i].x));
        worst = fmax(worst, fabs((double)got[i].y - ref[i].y));
        worst = fmax(worst, fabs((double)got[i].w - ref[i].w));
        worst = fmax(worst, fabs((double)got[i].h - ref[i].h));
    }
    printf("pngdec pipeline vs siamcl track, %d frames: largest difference %.6f px\n", n, worst);
    fail_unless(worst <= 0.01, "pngdec pipeline differs by %g px", worst);

    snprintf(out, sizeof out, "%s/jpg.txt", tmp);
    snprintf(cmd, sizeof cmd, "'%s' track --model siamfc-alexnet --seq '%s' --frames %d -q --out '%s'", cli, dir, n,
             out);
    fail_unless(system(cmd) == 0, "%s", cmd);
    fail_unless_equals_int(read_boxes(out, ref, NSEQ), n);
    snprintf(line, sizeof line,
             "multifilesrc location=%s/img/%%04d.jpg index=1 stop-index=%d caps=image/jpeg,framerate=30/1 ! jpegdec ! "
             "videoconvert ! siamcltrack model=siamfc-alexnet init-box=%s ! fakesink",
             dir, n, init);
    fail_unless_equals_int(run_pipeline(line, got, NSEQ), n);
    siamcl_eval_curves a, b;
    fail_unless(siamcl_eval_sequence(ref, gt, n, NULL, &a) == SIAMCL_OK);
    fail_unless(siamcl_eval_sequence(got, gt, n, NULL, &b) == SIAMCL_OK);
    printf("jpegdec pipeline AUC %.4f, siamcl track on the JPEGs %.4f\n", b.auc, a.auc);
    fail_unless(fabs(a.auc - b.auc) <= 0.02);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    fail_unless(system(cmd) == 0);
}
GST_END_TEST;

/* gst-inspect-1.0 documents every property and signal (skipped in sanitizer builds:
 * the uninstrumented gst-inspect cannot load an instrumented plugin). */
GST_START_TEST(test_inspect) {
    if (getenv("SIAMCL_SKIP_INSPECT")) return;
    FILE *f = popen("gst-inspect-1.0 siamcltrack 2>&1", "r");
    fail_unless(f != NULL);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fail_unless(pclose(f) == 0, "gst-inspect-1.0 siamcltrack failed: %s", text);
    const char *want[] = {"model", "models-dir", "device", "init-box", "draw", "max-targets", "lost-threshold",
                          "lost-frames", "add-from-meta", "\"add-target\"", "\"remove-target\"", "format: { (string)RGB"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        fail_unless(strstr(text, want[i]) != NULL, "gst-inspect does not show %s", want[i]);
}
GST_END_TEST;

static Suite *siamcltrack_suite(void) {
    Suite *s = suite_create("siamcltrack");
    TCase *tc = tcase_create("general");
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, test_properties);
    tcase_add_test(tc, test_inspect);
    tcase_add_test(tc, test_init_box_every_buffer);
    tcase_add_test(tc, test_signals);
    tcase_add_test(tc, test_bad_settings);
    tcase_add_test(tc, test_resolution_change_and_eos);
    tcase_add_test(tc, test_lost);
    tcase_add_test(tc, test_add_from_meta);
    tcase_add_test(tc, test_end_to_end);
    suite_add_tcase(s, tc);
    return s;
}

GST_CHECK_MAIN(siamcltrack);
