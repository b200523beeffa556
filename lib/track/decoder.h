/* The two decoders (siamfc.c, nanotrack.c) behind one interface, used by the
 * single tracker and the tracker group alike. A decoder holds the settings and
 * the work areas, shared by every target it decodes; a target's state
 * (scl_dstate) is small and its own. Head outputs: SiamFC the responses
 * [scales, n, n]; NanoTrack cls [2, n, n] then loc [4, n, n]. */
#ifndef SCL_TRACK_DECODER_H
#define SCL_TRACK_DECODER_H

#include "track/track.h"

typedef struct scl_decoder {
    int fc;          /* SiamFC, else NanoTrack */
    scl_sfc sfc;     /* settings and work areas of the kind in use */
    scl_nano nano;
} scl_decoder;

/* One target: its decoder's settings at its start, and its state (no work areas). */
typedef struct scl_dstate {
    scl_sfc sfc;
    scl_nano nano;
} scl_dstate;

siamcl_status scl_decoder_alloc(scl_decoder *dc, const siamcl_tracker_desc *d);
void scl_decoder_release(scl_decoder *dc);
/* New settings (same networks); targets started from now on use them. */
void scl_decoder_set_desc(scl_decoder *dc, const siamcl_tracker_desc *d);
/* Start a target at an OTB box; *zreq gets its template crop. */
void scl_decoder_start(const scl_decoder *dc, scl_dstate *st, siamcl_box box, scl_crop_req *zreq);
/* Its search crops for the next frame (scales for SiamFC, one for NanoTrack). */
void scl_decoder_search(const scl_decoder *dc, scl_dstate *st, scl_crop_req *reqs);
/* Decode its head output for a w x h frame and move its state. */
void scl_decoder_decode(const scl_decoder *dc, scl_dstate *st, const float *out, int w, int h, scl_track_debug *dbg);
siamcl_box scl_decoder_box(const scl_decoder *dc, const scl_dstate *st);
/* Its raw state: cx, cy, w, h. */
void scl_decoder_state(const scl_decoder *dc, const scl_dstate *st, double state[4]);
/* Host time of SiamFC's response upsampling in its decodes so far (ms). */
double scl_decoder_upsample_ms(const scl_decoder *dc, const scl_dstate *st);

#endif
