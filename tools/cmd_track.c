/* siamcl track: track one target through an image sequence, write one OTB box
 * per frame, report speed, and optionally draw the run (frames + contact sheet). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
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
            "usage: siamcl track --model M (--seq DIR | --video FILE --init x,y,w,h) [options]\n\n"
            "Tracks a target through an image sequence (OTB layout: DIR/img/NNNN.jpg +\n"
            "groundtruth_rect[.K].txt, or a plain folder of .jpg/.png frames) or a video file\n"
            "(anything FFmpeg decodes: .mp4, .mkv, .avi, ...) and writes one box per frame,\n"
            "x,y,w,h with 1-based x,y (OTB convention); frame 1 is the init box.\n\n"
            "options:\n"
            "  --model M      model description: a .model file, or a name (siamfc-alexnet,\n"
            "                 ciresnet22, nanotrack-v2, nanotrack-v3) looked up in $SIAMCL_MODELS,\n"
            "                 then the installed share/siamcl/models (or the build's)\n"
            "  --models DIR   where the ONNX files named by the description are searched\n"
            "                 (':'-separated list; default: beside the description, then\n"
            "                 $SIAMCL_MODELS, <shared>/models)\n"
            "  --seq DIR      the sequence folder\n"
            "  --video FILE   a video file instead (needs --init; built with FFmpeg)\n"
            "  --target K     ground truth groundtruth_rect.K.txt (e.g. Jogging: 1 or 2)\n"
            "  --init x,y,w,h initial box (default: the first ground-truth box)\n"
            "                 (repeated, or --all-targets: several targets, see --all-targets --help)\n"
            "  --frames N     track only the first N frames\n"
            "  --all          track every frame even where the ground truth ends early\n"
            "  --out FILE     write the boxes there (default: standard output)\n"
            "  --vis DIR      write DIR/NNNN.png with the box drawn (green; ground truth in\n"
            "                 red when known) and DIR/sheet.png, a contact sheet of every Nth frame;\n"
            "                 a file name ending .mp4, .mkv, .avi, ... writes an overlay video instead\n"
            "  --every N      contact sheet spacing (default: about 24 tiles)\n"
            "  --device I     device index within the selected context (default 0)\n"
            "  -q             no progress line\n\n"
            "A progress line goes to stderr; at the end the tracking fps (tracker updates\n"
            "only) and the end-to-end fps (decode, upload, tracking, writing) are printed.\n"
            "A ground truth with fewer boxes than frames is an error, except for a benchmark\n"
            "frame range (OTB Football1: frames 1-74 of 81 are tracked); --frames or --all\n"
            "override it.\n");
}

typedef struct track_opts {
    const char *model, *models, *seqdir, *video, *out, *visdir, *init;
    int target, frames_max, all, every, device, quiet;
} track_opts;

/* 0 ok, 1 --help printed, 2 bad usage */
static int parse_opts(int argc, char **argv, track_opts *o) {
    memset(o, 0, sizeof *o);
    const cli_opt opts[] = {
        CLI_OPT_STR("--model", &o->model),   CLI_OPT_STR("--models", &o->models),
        CLI_OPT_STR("--seq", &o->seqdir),    CLI_OPT_STR("--video", &o->video),
        CLI_OPT_INT("--target", &o->target, 0, 99),
        CLI_OPT_STR("--init", &o->init),
        CLI_OPT_INT("--frames", &o->frames_max, 1, 1 << 30),
        CLI_OPT_FLAG("--all", &o->all),      CLI_OPT_STR("--out", &o->out),
        CLI_OPT_STR("--vis", &o->visdir),    CLI_OPT_INT("--every", &o->every, 1, 1 << 30),
        CLI_OPT_INT("--device", &o->device, 0, 63),
        CLI_OPT_FLAG("-q", &o->quiet),       CLI_OPT_END,
    };
    int r = cli_parse_opts("track", argc, argv, opts, usage);
    if (r <= 0) return r < 0 ? 1 : 2;
    if (!o->model || !o->seqdir == !o->video) {
        fprintf(stderr, "siamcl track: --model and one of --seq or --video are required\n");
        usage(stderr);
        return 2;
    }
    if (o->video && !o->init) {
        fprintf(stderr, "siamcl track: a video has no ground truth: give the first box with --init x,y,w,h\n");
        return 2;
    }
    return 0;
}

/* How many frames to track (-1: until the video ends); 0 with a message when the ground truth is short. */
static int frames_to_track(const track_opts *o, const cli_frames *fr, int *n) {
    *n = cli_frames_count(fr);
    if (o->frames_max > 0 && (*n < 0 || o->frames_max < *n)) *n = o->frames_max;
    const siamcl_sequence *seq = cli_frames_sequence(fr);
    int gtn = seq ? siamcl_sequence_groundtruth_count(seq) : 0;
    if (gtn > 0 && gtn < *n && !o->all) {
        /* a benchmark range (OTB Football1: 1-74 of 81) is expected; anything else is a
         * truncated or mismatched ground-truth file */
        siamcl_eval_range r;
        if (siamcl_eval_frame_range(siamcl_sequence_name(seq), &r) && r.first == 1 && r.last == gtn) {
            fprintf(stderr, "siamcl track: %s: the benchmark evaluates frames 1-%d of %d; tracking those "
                    "(--all tracks every frame)\n", siamcl_sequence_name(seq), gtn, *n);
            *n = gtn;
        } else {
            fprintf(stderr,
                    "siamcl track: %s: the ground truth has %d boxes for %d frames (truncated or not this "
                    "sequence's?); --frames %d tracks the covered frames, --all tracks every frame anyway\n",
                    o->seqdir, gtn, *n, gtn);
            return 0;
        }
    }
    return 1;
}

/* A growable list of boxes (a video's length may be unknown). */
typedef struct box_list {
    siamcl_box *b;
    int n, cap;
} box_list;

static int box_push(box_list *l, siamcl_box b) {
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 256;
        siamcl_box *p = realloc(l->b, (size_t)cap * sizeof *p);
        if (!p) return 0;
        l->b = p;
        l->cap = cap;
    }
    l->b[l->n++] = b;
    return 1;
}

static void report(const track_opts *o, const siamcl_tracker_desc *desc, const cli_frames *fr, siamcl_tracker *trk,
                   const box_list *boxes, double t_start, double t_loop) {
    siamcl_tracker_times tm;
    siamcl_tracker_get_times(trk, &tm);
    double now = cli_now_s(), total = now - t_start, loop = now - t_loop;
    int n = boxes->n, calls = tm.updates + tm.inits;
    fprintf(stderr,
            "%s on %s: %d frames\n"
            "  tracking   %.2f fps (%.1f ms per update; per call: upload %.2f ms, crops+network %.1f ms, "
            "decode %.2f ms; init %.0f ms)\n"
            "  end-to-end %.2f fps (frame decode, tracking%s; %.2f fps counting %.1f s of model load "
            "and kernel builds)\n",
            desc->name, cli_frames_name(fr), n, tm.update_ms > 0 ? tm.updates * 1e3 / tm.update_ms : 0.0,
            tm.updates ? tm.update_ms / tm.updates : 0.0, calls ? tm.upload_ms / calls : 0.0,
            calls ? tm.network_ms / calls : 0.0, tm.updates ? tm.decode_ms / tm.updates : 0.0, tm.init_ms,
            loop > 0 ? n / loop : 0.0,
            o->visdir ? (cli_is_video_name(o->visdir) ? ", drawing and encoding" : ", drawing and PNG writing") : "",
            total > 0 ? n / total : 0.0, t_loop - t_start);
    /* score against the ground truth where it covers the tracked frames */
    siamcl_box *gt = malloc((size_t)(n > 0 ? n : 1) * sizeof *gt);
    int ngt = 0;
    while (gt && ngt < n && cli_frames_groundtruth(fr, ngt, &gt[ngt])) ngt++;
    siamcl_eval_curves c;
    if (ngt > 1 && siamcl_eval_sequence(boxes->b, gt, ngt, NULL, &c) == SIAMCL_OK)
        fprintf(stderr, "  accuracy   success AUC %.3f, precision@20 %.3f over %d frames with ground truth\n", c.auc,
                c.precision20, ngt);
    free(gt);
}

static int write_boxes(const char *out, const box_list *l) {
    if (out) {
        siamcl_status st = siamcl_boxes_write(out, l->b, l->n);
        if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error());
        fprintf(stderr, "boxes: %s\n", out);
        return 0;
    }
    for (int i = 0; i < l->n; i++)
        printf("%.4f,%.4f,%.4f,%.4f\n", (double)l->b[i].x, (double)l->b[i].y, (double)l->b[i].w, (double)l->b[i].h);
    return 0;
}

/* Track frames 0..n-1 (n < 0: to the end); 0 on success, else the exit code. */
static int track_loop(const track_opts *o, const char *name, cli_frames *fr, siamcl_tracker *trk, siamcl_box box0,
                      int n, cli_vis *vis, box_list *boxes) {
    siamcl_image img = {0, 0, NULL};
    double t_loop = cli_now_s();
    int rc = 0;
    for (int i = 0; n < 0 || i < n; i++) {
        int got;
        siamcl_status st = cli_frames_read(fr, i, &img, &got);
        if (st != SIAMCL_OK) {
            fprintf(stderr, "\nsiamcl track: frame %d: %s\n", i + 1, siamcl_last_error());
            rc = cli_fail(st, "cannot read a frame");
            break;
        }
        if (!got) break;
        float score = 1.0f;
        siamcl_box box = box0;
        st = i == 0 ? siamcl_tracker_init(trk, &img, box0) : siamcl_tracker_update(trk, &img, &box, &score);
        if (st != SIAMCL_OK) {
            fprintf(stderr, "\nsiamcl track: frame %d: ", i + 1);
            rc = cli_fail(st, siamcl_last_error());
            break;
        }
        if (!box_push(boxes, box)) {
            rc = cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "track");
            break;
        }
        if (vis) {
            siamcl_box gt;
            int has_gt = cli_frames_groundtruth(fr, i, &gt);
            if ((st = cli_vis_frame(vis, &img, i, &box, has_gt ? &gt : NULL, score)) != SIAMCL_OK) {
                rc = cli_fail(st, siamcl_last_error());
                break;
            }
        }
        if (!o->quiet) {
            double el = cli_now_s() - t_loop;
            char total[16] = "?";
            if (n > 0) snprintf(total, sizeof total, "%d", n);
            fprintf(stderr, "\r%s %s: frame %d/%s  %.1f fps  box %.1f,%.1f,%.1f,%.1f  score %.3f   ", name,
                    cli_frames_name(fr), i + 1, total, el > 0 ? (i + 1) / el : 0.0, (double)box.x, (double)box.y,
                    (double)box.w, (double)box.h, (double)score);
            fflush(stderr);
        }
    }
    if (!o->quiet) fprintf(stderr, "\n");
    siamcl_image_free(&img);
    return rc;
}

int cmd_track(int argc, char **argv) {
    for (int i = 1, inits = 0; i < argc; i++) /* several targets: tools/track_multi.c */
        if (!strcmp(argv[i], "--all-targets") || (!strcmp(argv[i], "--init") && ++inits == 2))
            return cli_track_multi(argc, argv);
    track_opts o;
    int prc = parse_opts(argc, argv, &o);
    if (prc) return prc == 1 ? 0 : 2;
    siamcl_box box0;
    if (o.init && !cli_parse_box("--init", o.init, &box0)) return 2;
    double t_start = cli_now_s();
    siamcl_tracker_desc desc;
    siamcl_status st = siamcl_tracker_desc_load(o.model, o.models, &desc);
    if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error());
    cli_frames *fr = NULL;
    st = cli_frames_open(o.seqdir, o.video, o.target, &fr);
    if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error());
    int n, rc = 1;
    siamcl_context *ctx = NULL;
    siamcl_tracker *trk = NULL;
    cli_vis *vis = NULL;
    box_list boxes = {NULL, 0, 0};
    if (!o.init && !cli_frames_groundtruth(fr, 0, &box0)) {
        fprintf(stderr, "siamcl track: %s has no ground truth: give the first box with --init x,y,w,h\n", o.seqdir);
        goto cleanup;
    }
    if (!frames_to_track(&o, fr, &n)) goto cleanup;
    if (n == 0) {
        fprintf(stderr, "siamcl track: %s has no frames\n", cli_frames_name(fr));
        goto cleanup;
    }
    if (o.out) { /* fail now rather than after the whole run */
        FILE *f = fopen(o.out, "w");
        if (!f) {
            fprintf(stderr, "siamcl track: cannot write %s: %s\n", o.out, strerror(errno));
            goto cleanup;
        }
        fclose(f);
    }
    if (o.visdir && (st = cli_vis_open(o.visdir, n, o.every, cli_frames_fps(fr), &vis)) != SIAMCL_OK) goto cleanup;
    if ((st = siamcl_context_create(NULL, &ctx)) != SIAMCL_OK ||
        (st = siamcl_tracker_create(ctx, o.device, &desc, &trk)) != SIAMCL_OK) {
        cli_fail(st, siamcl_last_error());
        goto cleanup;
    }
    double t_loop = cli_now_s();
    rc = track_loop(&o, desc.name, fr, trk, box0, n, vis, &boxes);
    if (rc == 0 && boxes.n == 0) {
        fprintf(stderr, "siamcl track: %s has no frames\n", cli_frames_name(fr));
        rc = 1;
    }
    if (rc == 0) rc = write_boxes(o.out, &boxes);
    if (rc == 0) report(&o, &desc, fr, trk, &boxes, t_start, t_loop);
    if (rc == 0 && vis) cli_vis_describe(vis, boxes.n, stderr);
cleanup:
    if (rc && boxes.n == 0 && !o.quiet) fprintf(stderr, "siamcl track: nothing tracked\n");
    st = cli_vis_close(vis);
    if (st != SIAMCL_OK && rc == 0) rc = cli_fail(st, siamcl_last_error());
    siamcl_tracker_free(trk);
    siamcl_context_free(ctx);
    cli_frames_free(fr);
    free(boxes.b);
    return rc;
}
