/* Room lib/track: the public tracker and tracker group, model descriptions
 * and their lookup, and the tracking math. May call lib/sched (the networks,
 * the group engine), lib/graph, lib/ops and lib/runtime; nothing in lib/
 * calls it (eval, the tools and the plugin use the public API).
 *
 * Tracking math, host side: crop geometry, windows, response upsampling and
 * the per-model decoders (decoder.h: both behind one interface). No OpenCL
 * here except the crop request type; the device side (frame upload, crops,
 * plans, head) lives in tracker.c over lib/sched/nets.c.
 *
 * Coordinates are 0-based pixel centres; (cx, cy) is the target centre and
 * (w, h) its size in frame pixels. All arithmetic is double precision. */
#ifndef SCL_TRACK_H
#define SCL_TRACK_H

#include "ops/ops.h"
#include "siamcl/tracker.h"

/* ---- geometry.c ---- */
/* numpy/Python round(): half to even. */
double scl_round_half_even(double x);
/* Symmetric Hann window of n points, 0.5 - 0.5 cos(2 pi k / (n-1)), zero at
 * both ends (numpy.hanning); n == 1 gives 1. */
void scl_hann(int n, double *out);
/* Upsample a h x w float map to oh x ow like OpenCV INTER_CUBIC: Keys kernel
 * a = -0.75, half-pixel centres (src = (dst+0.5)*h/oh - 0.5), border taps
 * replicated. Double precision out; separable, tmp holds h * ow doubles. */
void scl_resize_cubic(const float *src, int h, int w, double *dst, int oh, int ow, double *tmp);
/* Crop windows (integer origin and side) for a centre and a side:
 *  original SiamFC: side' = floor(side + 0.5), origin = floor(c - (side'-1)/2 + 0.5);
 *  pysot (NanoTrack [PYB]): side integer, origin = floor(c - (side+1)/2 + 0.5);
 *  SiamDW: side integer, origin = round_half_even(c - (side+1)/2). */
scl_crop_req scl_window_siamfc(double cx, double cy, double side);
scl_crop_req scl_window_pysot(double cx, double cy, int side);
scl_crop_req scl_window_siamdw(double cx, double cy, int side);
/* Per-channel mean of an RGB frame, returned in the network's channel order
 * (bgr != 0: B, G, R). */
void scl_frame_mean(const siamcl_image *img, int bgr, double mean[3]);
/* A target's crop pad colour: the frame's mean in network order; the 8-bit
 * pipelines (u8 != 0) store it in uint8, truncated. */
void scl_pad_colour(const siamcl_image *img, int bgr, int u8, float pad[3]);
/* Validate an init box against a w x h frame: finite, positive size, at least
 * partly inside. SIAMCL_ERR_OUT_OF_RANGE with a message otherwise. */
siamcl_status scl_box_check(siamcl_box box, int width, int height);
/* A description a tracker or a group can be built from (desc.c): a known kind and
 * consistent sizes; `who` names the caller in the message. */
siamcl_status scl_desc_check(const siamcl_tracker_desc *d, const char *who);
/* The first tracking setting outside its range (the parser's), NULL if none. */
const char *scl_desc_setting_out_of_range(const siamcl_tracker_desc *d);

/* What one decode decided: for tests and logs. */
typedef struct scl_track_debug {
    int best;              /* SiamFC: chosen scale index; NanoTrack: chosen cell (row-major) */
    int peak_x, peak_y;    /* SiamFC: argmax in the upsampled map */
    double score;          /* SiamFC: peak of the chosen map; NanoTrack: fg probability */
    double pscore, penalty, lr;
    double scale_z, s_x;   /* NanoTrack: frame -> crop scale and search side of this frame */
} scl_track_debug;

/* ---- siamfc.c: SiamFC / SiamFC+ state and decoding ---- */
typedef struct scl_sfc {
    siamcl_tracker_desc d;
    int up;                  /* upsampled side = score_size * response_up */
    double *window;          /* up x up, sums to 1 */
    double *maps;            /* scale_count x up x up work area */
    double *tmp;             /* score_size x up: the horizontal pass of the upsampling */
    double scales[SIAMCL_TRACKER_MAX_SCALES];
    double cx, cy, w, h;     /* state */
    double s_x, s_x_min, s_x_max;
    double s_z;              /* template side */
    double upsample_ms;      /* host time of the upsampling, summed over decodes */
} scl_sfc;

siamcl_status scl_sfc_alloc(scl_sfc *s, const siamcl_tracker_desc *d);
void scl_sfc_release(scl_sfc *s);
/* New settings (same networks and map sizes): the scale factors follow. */
void scl_sfc_set_desc(scl_sfc *s, const siamcl_tracker_desc *d);
/* Initial state from an OTB box; *zreq gets the template crop window. */
void scl_sfc_start(scl_sfc *s, siamcl_box box, scl_crop_req *zreq);
/* The search windows, one per scale (scale_count of them). */
void scl_sfc_search(const scl_sfc *s, scl_crop_req *reqs);
/* Decode a [scale_count, score_size, score_size] response and update the
 * state; frame size for the clamps of the SiamDW flavour. */
void scl_sfc_decode(scl_sfc *s, const float *resp, int width, int height, scl_track_debug *dbg);
siamcl_box scl_sfc_box(const scl_sfc *s);

/* ---- nanotrack.c: NanoTrack state and decoding ([PY] flavour) ---- */
typedef struct scl_nano {
    siamcl_tracker_desc d;
    int n;                   /* score map side */
    double *window;          /* n x n, outer(hann, hann) */
    double *points;          /* 2 x n*n: x offsets then y offsets, crop pixels from the centre */
    double cx, cy, w, h;     /* state */
    double s_x;              /* search side (float) of the last search() */
    double scale_z;          /* crop scale of the last search() */
} scl_nano;

siamcl_status scl_nano_alloc(scl_nano *s, const siamcl_tracker_desc *d);
void scl_nano_release(scl_nano *s);
void scl_nano_start(scl_nano *s, siamcl_box box, scl_crop_req *zreq);
/* The search window for the current state (also sets s_x and scale_z). */
void scl_nano_search(scl_nano *s, scl_crop_req *req);
/* Decode cls [2,n,n] logits and loc [4,n,n] (l,t,r,b) and update the state. */
void scl_nano_decode(scl_nano *s, const float *cls, const float *loc, int width, int height,
                     scl_track_debug *dbg);
siamcl_box scl_nano_box(const scl_nano *s);

/* ---- tracker.c ---- */
/* The last decode's details and the raw state (cx, cy, w, h). */
void scl_tracker_debug(const siamcl_tracker *t, scl_track_debug *dbg, double state[4]);
/* The tracker's plans: 0 template backbone, 1 search backbone, 2 head (NanoTrack; else NULL). */

#endif
