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
            "usage: siamcl track --model M --seq DIR [options]\n\n"
            "Tracks a target through an image sequence (OTB layout: DIR/img/NNNN.jpg +\n"
            "groundtruth_rect[.K].txt, or a plain folder of .jpg/.png frames) and writes one\n"
            "box per frame, x,y,w,h with 1-based x,y (OTB convention); frame 1 is the init box.\n\n"
            "options:\n"
            "  --model M      model description: a .model file, or a name looked up as\n"
            "                 models/M.model next to the build (siamfc-alexnet, ciresnet22,\n"
            "                 nanotrack-v2, nanotrack-v3)\n"
            "  --models DIR   where the ONNX files named by the description are searched\n"
            "                 (':'-separated list; default <shared>/models)\n"
            "  --seq DIR      the sequence folder\n"
            "  --target K     ground truth groundtruth_rect.K.txt (e.g. Jogging: 1 or 2)\n"
            "  --init x,y,w,h initial box (default: the first ground-truth box)\n"
            "                 (repeated, or --all-targets: several targets, see --all-targets --help)\n"
            "  --frames N     track only the first N frames\n"
            "  --all          track every frame even where the ground truth ends early\n"
            "  --out FILE     write the boxes there (default: standard output)\n"
            "  --vis DIR      write DIR/NNNN.png with the box drawn (green; ground truth in\n"
            "                 red when known) and DIR/sheet.png, a contact sheet of every Nth frame\n"
            "  --every N      contact sheet spacing (default: about 24 tiles)\n"
            "  --device I     device index within the selected context (default 0)\n"
            "  -q             no progress line\n\n"
            "A progress line goes to stderr; at the end the tracking fps (tracker updates\n"
            "only) and the end-to-end fps (decode, upload, tracking, writing) are printed.\n"
            "A ground truth with fewer boxes than frames is an error, except for a benchmark\n"
            "frame range (OTB Football1: frames 1-74 of 81 are tracked); --frames or --all\n"
            "override it.\n");
}

static int parse_box(const char *s, siamcl_box *b) {
    float v[4];
    if (sscanf(s, "%f,%f,%f,%f", &v[0], &v[1], &v[2], &v[3]) != 4) return 0;
    b->x = v[0];
    b->y = v[1];
    b->w = v[2];
    b->h = v[3];
    return 1;
}

/* mkdir -p */
static int make_dir(const char *d) {
    char p[1024];
    if (snprintf(p, sizeof p, "%s", d) >= (int)sizeof p) return 0;
    for (char *s = p + 1;; s++) {
        char c = *s;
        if (c == '/' || c == 0) {
            *s = 0;
            struct stat st;
            if (mkdir(p, 0777) != 0 && !(errno == EEXIST && stat(p, &st) == 0 && S_ISDIR(st.st_mode))) {
                fprintf(stderr, "siamcl track: cannot create %s: %s\n", p, strerror(errno));
                return 0;
            }
            *s = c;
        }
        if (!c) return 1;
    }
}

typedef struct vis {
    const char *dir;
    int every, cols, tw, th, tiles;
    siamcl_image sheet;
} vis;

static const uint8_t GREEN[3] = {40, 230, 40}, RED[3] = {240, 40, 40}, WHITE[3] = {255, 255, 255},
                     BLACK[3] = {0, 0, 0};

static siamcl_status vis_frame(vis *v, siamcl_image *img, int i, const siamcl_box *box, const siamcl_box *gt,
                               float score) {
    if (gt) siamcl_image_draw_rect(img, *gt, RED, 1);
    siamcl_image_draw_rect(img, *box, GREEN, 2);
    char label[64];
    snprintf(label, sizeof label, "#%d %.3f", i + 1, (double)score);
    siamcl_image_fill_rect(img, 0, 0, (int)strlen(label) * 6 + 4, 12, BLACK);
    siamcl_image_draw_text(img, 2, 2, label, WHITE, 1);
    char path[1200];
    snprintf(path, sizeof path, "%s/%04d.png", v->dir, i + 1);
    siamcl_status st = siamcl_image_save_png(path, img);
    if (st != SIAMCL_OK) return st;
    if (v->sheet.data && i % v->every == 0) {
        int t = i / v->every;
        if (t < v->tiles)
            siamcl_image_blit_scaled(&v->sheet, (t % v->cols) * v->tw, (t / v->cols) * v->th, v->tw - 2, v->th - 2,
                                     img);
    }
    return SIAMCL_OK;
}

int cmd_track(int argc, char **argv) {
    for (int i = 1, inits = 0; i < argc; i++) /* several targets: tools/track_multi.c */
        if (!strcmp(argv[i], "--all-targets") || (!strcmp(argv[i], "--init") && ++inits == 2))
            return cli_track_multi(argc, argv);
    const char *model = NULL, *models = NULL, *seqdir = NULL, *out = NULL, *visdir = NULL, *init = NULL;
    int target = 0, frames_max = 0, all = 0, every = 0, device = 0, quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--model") && more) {
            model = argv[++i];
        } else if (!strcmp(a, "--models") && more) {
            models = argv[++i];
        } else if (!strcmp(a, "--seq") && more) {
            seqdir = argv[++i];
        } else if (!strcmp(a, "--target") && more) {
            target = atoi(argv[++i]);
        } else if (!strcmp(a, "--init") && more) {
            init = argv[++i];
        } else if (!strcmp(a, "--frames") && more) {
            frames_max = atoi(argv[++i]);
        } else if (!strcmp(a, "--all")) {
            all = 1;
        } else if (!strcmp(a, "--out") && more) {
            out = argv[++i];
        } else if (!strcmp(a, "--vis") && more) {
            visdir = argv[++i];
        } else if (!strcmp(a, "--every") && more) {
            every = atoi(argv[++i]);
        } else if (!strcmp(a, "--device") && more) {
            device = atoi(argv[++i]);
        } else if (!strcmp(a, "-q")) {
            quiet = 1;
        } else {
            fprintf(stderr, "siamcl track: unknown or incomplete option %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (!model || !seqdir) {
        fprintf(stderr, "siamcl track: --model and --seq are required\n");
        usage(stderr);
        return 2;
    }
    char mpath[1200], search[1200];
    if (!cli_find_model(model, mpath, sizeof mpath)) {
        fprintf(stderr, "siamcl track: no model description '%s' (tried it as a path, %s.model, models/%s.model)\n",
                model, model, model);
        return 1;
    }
    if (!models) {
        snprintf(search, sizeof search, "%s/models", cli_shared_dir());
        models = search;
    }
    double t_start = cli_now_s();
    siamcl_tracker_desc desc;
    siamcl_status st = siamcl_tracker_desc_load(mpath, models, &desc);
    if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error());

    siamcl_sequence *seq = NULL;
    st = siamcl_sequence_open(seqdir, target, &seq);
    if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error());
    int n = siamcl_sequence_length(seq), gtn = siamcl_sequence_groundtruth_count(seq);
    siamcl_box box0;
    if (init) {
        if (!parse_box(init, &box0)) {
            fprintf(stderr, "siamcl track: --init wants x,y,w,h, got '%s'\n", init);
            siamcl_sequence_free(seq);
            return 2;
        }
    } else if (!siamcl_sequence_groundtruth(seq, 0, &box0)) {
        fprintf(stderr, "siamcl track: %s has no ground truth: give the first box with --init x,y,w,h\n", seqdir);
        siamcl_sequence_free(seq);
        return 1;
    }
    if (frames_max > 0 && frames_max < n) n = frames_max;
    if (gtn > 0 && gtn < n && !all) {
        /* a benchmark range (OTB Football1: 1-74 of 81) is expected; anything else is a
         * truncated or mismatched ground-truth file */
        siamcl_eval_range r;
        if (siamcl_eval_frame_range(siamcl_sequence_name(seq), &r) && r.first == 1 && r.last == gtn) {
            fprintf(stderr, "siamcl track: %s: the benchmark evaluates frames 1-%d of %d; tracking those "
                    "(--all tracks every frame)\n", siamcl_sequence_name(seq), gtn, n);
            n = gtn;
        } else {
            fprintf(stderr,
                    "siamcl track: %s: the ground truth has %d boxes for %d frames (truncated or not this "
                    "sequence's?); --frames %d tracks the covered frames, --all tracks every frame anyway\n",
                    seqdir, gtn, n, gtn);
            siamcl_sequence_free(seq);
            return 1;
        }
    }
    if (n < 1) {
        fprintf(stderr, "siamcl track: %s has no frames\n", seqdir);
        siamcl_sequence_free(seq);
        return 1;
    }

    if (out) { /* fail now rather than after the whole run */
        FILE *f = fopen(out, "w");
        if (!f) {
            fprintf(stderr, "siamcl track: cannot write %s: %s\n", out, strerror(errno));
            siamcl_sequence_free(seq);
            return 1;
        }
        fclose(f);
    }
    if (visdir && !make_dir(visdir)) {
        siamcl_sequence_free(seq);
        return 1;
    }
    siamcl_context *ctx = NULL;
    siamcl_tracker *trk = NULL;
    siamcl_box *boxes = calloc((size_t)n, sizeof *boxes);
    siamcl_image img = {0, 0, NULL};
    vis v;
    memset(&v, 0, sizeof v);
    int rc = 1, done = 0;
    if (!boxes) {
        fprintf(stderr, "siamcl track: out of memory\n");
        goto cleanup;
    }
    st = siamcl_context_create(NULL, &ctx);
    if (st != SIAMCL_OK) {
        cli_fail(st, siamcl_last_error());
        goto cleanup;
    }
    st = siamcl_tracker_create(ctx, device, &desc, &trk);
    if (st != SIAMCL_OK) {
        cli_fail(st, siamcl_last_error());
        goto cleanup;
    }
    double t_loop = cli_now_s();
    for (int i = 0; i < n; i++) {
        siamcl_image_free(&img);
        st = siamcl_sequence_load_frame(seq, i, &img);
        if (st != SIAMCL_OK) {
            fprintf(stderr, "\nsiamcl track: frame %d (%s): %s\n", i + 1, siamcl_sequence_frame_path(seq, i),
                    siamcl_last_error());
            cli_fail(st, "cannot read a frame");
            goto cleanup;
        }
        float score = 1.0f;
        if (i == 0) {
            st = siamcl_tracker_init(trk, &img, box0);
            boxes[0] = box0;
            if (st != SIAMCL_OK) {
                cli_fail(st, siamcl_last_error());
                goto cleanup;
            }
            if (visdir) {
                v.dir = visdir;
                v.every = every > 0 ? every : (n + 23) / 24;
                if (v.every < 1) v.every = 1;
                v.tiles = (n + v.every - 1) / v.every;
                v.cols = v.tiles < 6 ? v.tiles : 6;
                v.tw = img.width / 2 > 0 ? img.width / 2 : 1;
                v.th = img.height / 2 > 0 ? img.height / 2 : 1;
                int rows = (v.tiles + v.cols - 1) / v.cols;
                if (siamcl_image_alloc(&v.sheet, v.cols * v.tw, rows * v.th) != SIAMCL_OK) v.sheet.data = NULL;
            }
        } else {
            st = siamcl_tracker_update(trk, &img, &boxes[i], &score);
            if (st != SIAMCL_OK) {
                fprintf(stderr, "\nsiamcl track: frame %d: ", i + 1);
                cli_fail(st, siamcl_last_error());
                goto cleanup;
            }
        }
        if (visdir) {
            siamcl_box gt;
            int has_gt = siamcl_sequence_groundtruth(seq, i, &gt);
            st = vis_frame(&v, &img, i, &boxes[i], has_gt ? &gt : NULL, score);
            if (st != SIAMCL_OK) {
                cli_fail(st, siamcl_last_error());
                goto cleanup;
            }
        }
        done = i + 1;
        if (!quiet) {
            double el = cli_now_s() - t_loop;
            fprintf(stderr, "\r%s %s: frame %d/%d  %.1f fps  box %.1f,%.1f,%.1f,%.1f  score %.3f   ",
                    desc.name, siamcl_sequence_name(seq), i + 1, n, el > 0 ? done / el : 0.0, (double)boxes[i].x,
                    (double)boxes[i].y, (double)boxes[i].w, (double)boxes[i].h, (double)score);
            fflush(stderr);
        }
    }
    if (!quiet) fprintf(stderr, "\n");
    if (out) {
        st = siamcl_boxes_write(out, boxes, n);
        if (st != SIAMCL_OK) {
            cli_fail(st, siamcl_last_error());
            goto cleanup;
        }
    } else {
        for (int i = 0; i < n; i++)
            printf("%.4f,%.4f,%.4f,%.4f\n", (double)boxes[i].x, (double)boxes[i].y, (double)boxes[i].w,
                   (double)boxes[i].h);
    }
    if (v.sheet.data) {
        char path[1200];
        snprintf(path, sizeof path, "%s/sheet.png", visdir);
        st = siamcl_image_save_png(path, &v.sheet);
        if (st != SIAMCL_OK) {
            cli_fail(st, siamcl_last_error());
            goto cleanup;
        }
    }
    {
        siamcl_tracker_times tm;
        siamcl_tracker_get_times(trk, &tm);
        double total = cli_now_s() - t_start, loop = cli_now_s() - t_loop;
        int calls = tm.updates + tm.inits;
        fprintf(stderr,
                "%s on %s: %d frames\n"
                "  tracking   %.2f fps (%.1f ms per update; per call: upload %.2f ms, crops+network %.1f ms, "
                "decode %.2f ms; init %.0f ms)\n"
                "  end-to-end %.2f fps (frame decode, tracking%s; %.2f fps counting %.1f s of model load "
                "and kernel builds)\n",
                desc.name, siamcl_sequence_name(seq), n, tm.update_ms > 0 ? tm.updates * 1e3 / tm.update_ms : 0.0,
                tm.updates ? tm.update_ms / tm.updates : 0.0, calls ? tm.upload_ms / calls : 0.0,
                calls ? tm.network_ms / calls : 0.0, tm.updates ? tm.decode_ms / tm.updates : 0.0, tm.init_ms,
                loop > 0 ? n / loop : 0.0, visdir ? ", drawing and PNG writing" : "", total > 0 ? n / total : 0.0,
                t_loop - t_start);
        /* score against the ground truth where it covers the tracked frames */
        siamcl_box *gt = malloc((size_t)n * sizeof *gt);
        int ngt = 0;
        while (gt && ngt < n && siamcl_sequence_groundtruth(seq, ngt, &gt[ngt])) ngt++;
        siamcl_eval_curves c;
        if (ngt > 1 && siamcl_eval_sequence(boxes, gt, ngt, NULL, &c) == SIAMCL_OK)
            fprintf(stderr, "  accuracy   success AUC %.3f, precision@20 %.3f over %d frames with ground truth\n",
                    c.auc, c.precision20, ngt);
        free(gt);
        if (out) fprintf(stderr, "boxes: %s\n", out);
        if (visdir) fprintf(stderr, "pictures: %s/0001.png .. %s/%04d.png, contact sheet %s/sheet.png\n", visdir,
                            visdir, n, visdir);
    }
    rc = 0;
cleanup:
    if (rc && done == 0 && !quiet) fprintf(stderr, "siamcl track: nothing tracked\n");
    siamcl_image_free(&img);
    siamcl_image_free(&v.sheet);
    siamcl_tracker_free(trk);
    siamcl_context_free(ctx);
    siamcl_sequence_free(seq);
    free(boxes);
    return rc;
}
