/* siamcl trackers: SiamFC (AlexNet), SiamFC+ (CIResNet-22, SiamDW flavour) and
 * NanoTrack (v2/v3), each described by a small model description file.
 *
 * Usage:
 *
 *     siamcl_tracker_desc desc;
 *     siamcl_tracker *t = NULL;
 *     st = siamcl_tracker_desc_load("siamfc-alexnet", NULL, &desc); // name or path
 *     st = siamcl_tracker_create(ctx, 0, &desc, &t);       // loads ONNX, builds plans
 *     st = siamcl_tracker_init(t, &frame0, box0);            // template branch, once
 *     for (each later frame) {
 *         siamcl_box box; float score;
 *         st = siamcl_tracker_update(t, &frame, &box, &score);
 *     }
 *     siamcl_tracker_free(t);
 *
 * Per frame the 8-bit frame goes up once, the search crops (all scales) are cut
 * on the device straight into the search plan's input, the backbone runs once
 * over the batch, the head runs against the template features kept on the
 * device since init, and only the response (NanoTrack: cls and reg) comes down;
 * the host decodes it. update() allocates nothing.
 *
 * Boxes are OTB boxes (x, y = top-left, 1-based pixels, see siamcl_box).
 * Frames may change size between calls (the device frame buffer grows when
 * needed); the box is always interpreted in the current frame. */
#ifndef SIAMCL_TRACKER_H
#define SIAMCL_TRACKER_H

#include "siamcl/core.h"
#include "siamcl/image.h"
#include "siamcl/model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum siamcl_tracker_kind {
    SIAMCL_TRACKER_SIAMFC = 0,   /* SiamFC / SiamFC+: scale pyramid, xcorr response */
    SIAMCL_TRACKER_NANOTRACK = 1 /* NanoTrack: cls + ltrb regression head */
} siamcl_tracker_kind;

/* Arithmetic flavour of a SiamFC tracker (see the README and ../shared/spec/SIAMFC.md). */
typedef enum siamcl_siamfc_flavour {
    /* the original SiamFC-3s: centre x-1+(w-1)/2, float crops with mean-colour
     * padding, bicubic x16, exact 135.5 centre, displacement by s_x*scale */
    SIAMCL_SIAMFC_ORIGINAL = 0,
    /* SiamDW's SiamFC+ (§3): centre x-1+w/2, half-even rounding of s_z and crop
     * origins, 8-bit crops (OpenCV fixed point), 136 centre, displacement by
     * s_x, centre/size clamps. The two-stage pyramid resampling of §3.5 is
     * approximated by one resampling per scale. */
    SIAMCL_SIAMFC_SIAMDW = 1
} siamcl_siamfc_flavour;

#define SIAMCL_TRACKER_MAX_SCALES 8

/* A parsed model description: everything the tracker needs, plain data. */
typedef struct siamcl_tracker_desc {
    char name[64];
    siamcl_tracker_kind kind;
    siamcl_siamfc_flavour flavour; /* SiamFC only */
    char backbone[1024];          /* resolved path of the backbone ONNX */
    char head[1024];              /* resolved path of the head ONNX (NanoTrack), else "" */
    int bgr;                      /* 1: the network wants BGR input (frames are RGB) */
    int exemplar_size;            /* template crop side (127) */
    int instance_size;            /* search crop side (255) */
    int stride;                   /* total stride of the backbone (8 / 16) */
    int score_size;               /* response / score map side (17 / 16 / 15) */
    double context;               /* context amount (0.5) */
    /* SiamFC head: response = head_scale * xcorr(z, x) + head_bias */
    double head_scale, head_bias;
    /* SiamFC scale search */
    int scale_count;              /* odd, <= SIAMCL_TRACKER_MAX_SCALES */
    double scale_step, scale_penalty, scale_lr;
    int response_up;              /* response upsampling factor (16) */
    double scale_min, scale_max;  /* clamp of the search side, x its initial value */
    /* both */
    double window_influence;
    /* NanoTrack */
    double penalty_k, lr;
    double min_size;              /* lower clamp of w and h (10), where the flavour clamps */
} siamcl_tracker_desc;

/* Find a model description: `name` is a path to a file, or a name such as
 * "siamfc-alexnet" looked up as NAME.model in each folder of SIAMCL_MODELS
 * (':'-separated), then in the installed share folder (<prefix>/share/siamcl/
 * models, found relative to the library itself, so an installed tree may
 * move), then in the build folder's mirror of it (an uninstalled build). The
 * path found is written to out. SIAMCL_ERR_IO naming every folder tried. */
SIAMCL_API siamcl_status siamcl_model_find(const char *name, char *out, size_t cap);

/* Read a model description ("key = value" lines, '#' comments; the format is
 * documented in the README), given by path or by name (siamcl_model_find).
 * The ONNX files it names are looked up as given when absolute, else in each
 * folder of `search_path` (':'-separated) and then next to the description;
 * with search_path NULL: next to the description (the installed layout),
 * then SIAMCL_MODELS, $SIAMCL_SHARED/models and ../shared/models. A missing
 * file, unknown key, bad value or missing required key is an error naming the
 * file and line (SIAMCL_ERR_IO / SIAMCL_ERR_FORMAT). Works from any working
 * directory: siamcl_tracker_desc_load("siamfc-alexnet", NULL, &desc). */
SIAMCL_API siamcl_status siamcl_tracker_desc_load(const char *name, const char *search_path,
                                                  siamcl_tracker_desc *out);
/* The same from text; `origin` names it in messages and gives the folder that
 * is searched last (may be NULL). */
/* The tracking setting `key` of d (context, window_influence, min_size, scale_step,
 * scale_penalty, scale_lr, scale_min, scale_max, penalty_k, lr: the description's
 * keys), or NULL for another key: what siamcl_tracker_set_params may change. */
SIAMCL_API double *siamcl_tracker_desc_setting(siamcl_tracker_desc *d, const char *key);
SIAMCL_API siamcl_status siamcl_tracker_desc_parse(const char *text, const char *origin,
                                                   const char *search_path, siamcl_tracker_desc *out);

typedef struct siamcl_tracker siamcl_tracker;

/* Load the description's networks onto device `device` of ctx, build the
 * template and search plans and allocate everything update() needs. */
SIAMCL_API siamcl_status siamcl_tracker_create(siamcl_context *ctx, int device, const siamcl_tracker_desc *desc,
                                               siamcl_tracker **out);
SIAMCL_API void siamcl_tracker_free(siamcl_tracker *t);

/* Change the tracking settings of a tracker without rebuilding its networks
 * (a hyper-parameter search): window_influence, context, scale_step,
 * scale_penalty, scale_lr, scale_min, scale_max (SiamFC), penalty_k, lr,
 * min_size (NanoTrack), and the name. Every other field must equal the
 * tracker's (SIAMCL_ERR_INVALID_ARGUMENT naming the first that differs);
 * takes effect at the next siamcl_tracker_init. */
SIAMCL_API siamcl_status siamcl_tracker_set_params(siamcl_tracker *t, const siamcl_tracker_desc *desc);

/* Start (or restart) tracking the target `box` of `frame`: a box of zero or
 * negative size, non-finite values or lying entirely outside the frame is
 * SIAMCL_ERR_OUT_OF_RANGE (a box partly outside is fine). */
SIAMCL_API siamcl_status siamcl_tracker_init(siamcl_tracker *t, const siamcl_image *frame, siamcl_box box);

/* Track into the next frame: *box receives the new box (finite, positive
 * size), *score (may be NULL) the confidence: SiamFC the peak of the chosen
 * response, NanoTrack the foreground probability of the chosen cell.
 * SIAMCL_ERR_STATE before init. */
SIAMCL_API siamcl_status siamcl_tracker_update(siamcl_tracker *t, const siamcl_image *frame, siamcl_box *box,
                                               float *score);

/* Time spent by the calls so far (milliseconds, summed over calls; host wall
 * clock, the device stages measured to their completion). */
typedef struct siamcl_tracker_times {
    int inits, updates;
    double init_ms, update_ms;    /* whole calls */
    double upload_ms;             /* frame upload */
    double network_ms;            /* crops + backbone + head, until the result is on the host */
    double decode_ms;             /* host decode */
} siamcl_tracker_times;
SIAMCL_API void siamcl_tracker_get_times(const siamcl_tracker *t, siamcl_tracker_times *out);

/* Stage times for benchmarks (`siamcl bench`). With profiling on, init and
 * update wait for the device after each stage, so that each stage's wall time
 * is its own (and the calls run slower); off (the default), nothing waits
 * that would not and the stages read 0. Milliseconds of the last call. */
typedef struct siamcl_tracker_stages {
    double template_ms;           /* the last init's template branch */
    double upload_ms;             /* the last update's frame upload */
    double crop_ms;               /* its search crops, cut on the device */
    double search_ms;             /* its search branch over all crops */
    double head_ms;               /* its head: SiamFC cross-correlation, NanoTrack head network */
    double download_ms;           /* the response to the host */
    double upsample_ms;           /* SiamFC: bicubic upsampling of the responses (host) */
    double decode_ms;             /* the rest of the host decode */
} siamcl_tracker_stages;
SIAMCL_API siamcl_status siamcl_tracker_set_profiling(siamcl_tracker *t, int on);
SIAMCL_API void siamcl_tracker_get_stages(const siamcl_tracker *t, siamcl_tracker_stages *out);

/* The tracker's plans, for inspection and siamcl_plan_profile: 0 template
 * branch, 1 search branch, 2 head (NanoTrack; NULL for SiamFC, whose head is a
 * cross-correlation). Owned by the tracker; NULL for another index. */
SIAMCL_API siamcl_plan *siamcl_tracker_plan(siamcl_tracker *t, int which);

#ifdef __cplusplus
}
#endif
#endif
