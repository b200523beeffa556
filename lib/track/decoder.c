/* One interface over the SiamFC and NanoTrack decoders (decoder.h): a
 * target's state is run with its decoder's work areas and kept without them. */
#include <string.h>

#include "track/decoder.h"

siamcl_status scl_decoder_alloc(scl_decoder *dc, const siamcl_tracker_desc *d) {
    memset(dc, 0, sizeof *dc);
    dc->fc = d->kind == SIAMCL_TRACKER_SIAMFC;
    return dc->fc ? scl_sfc_alloc(&dc->sfc, d) : scl_nano_alloc(&dc->nano, d);
}

void scl_decoder_release(scl_decoder *dc) {
    scl_sfc_release(&dc->sfc);
    scl_nano_release(&dc->nano);
}

void scl_decoder_set_desc(scl_decoder *dc, const siamcl_tracker_desc *d) {
    if (dc->fc) scl_sfc_set_desc(&dc->sfc, d);
    else dc->nano.d = *d;
}

/* The target's state with the decoder's work areas, and back without them. */
static scl_sfc sfc_work(const scl_decoder *dc, const scl_dstate *st) {
    scl_sfc s = st->sfc;
    s.window = dc->sfc.window;
    s.maps = dc->sfc.maps;
    s.tmp = dc->sfc.tmp;
    return s;
}
static void sfc_keep(scl_dstate *st, scl_sfc s) {
    s.window = s.maps = s.tmp = NULL;
    st->sfc = s;
}
static scl_nano nano_work(const scl_decoder *dc, const scl_dstate *st) {
    scl_nano s = st->nano;
    s.window = dc->nano.window;
    s.points = dc->nano.points;
    return s;
}
static void nano_keep(scl_dstate *st, scl_nano s) {
    s.window = s.points = NULL;
    st->nano = s;
}

void scl_decoder_start(const scl_decoder *dc, scl_dstate *st, siamcl_box box, scl_crop_req *zreq) {
    memset(st, 0, sizeof *st);
    if (dc->fc) {
        scl_sfc s = dc->sfc;
        scl_sfc_start(&s, box, zreq);
        sfc_keep(st, s);
    } else {
        scl_nano s = dc->nano;
        scl_nano_start(&s, box, zreq);
        nano_keep(st, s);
    }
}

void scl_decoder_search(const scl_decoder *dc, scl_dstate *st, scl_crop_req *reqs) {
    if (dc->fc) {
        scl_sfc_search(&st->sfc, reqs);
    } else {
        scl_nano s = nano_work(dc, st);
        scl_nano_search(&s, reqs);
        nano_keep(st, s);
    }
}

void scl_decoder_decode(const scl_decoder *dc, scl_dstate *st, const float *out, int w, int h, scl_track_debug *dbg) {
    if (dc->fc) {
        scl_sfc s = sfc_work(dc, st);
        scl_sfc_decode(&s, out, w, h, dbg);
        sfc_keep(st, s);
    } else {
        scl_nano s = nano_work(dc, st);
        size_t nn = (size_t)s.n * s.n;
        scl_nano_decode(&s, out, out + 2 * nn, w, h, dbg);
        nano_keep(st, s);
    }
}

siamcl_box scl_decoder_box(const scl_decoder *dc, const scl_dstate *st) {
    return dc->fc ? scl_sfc_box(&st->sfc) : scl_nano_box(&st->nano);
}

void scl_decoder_state(const scl_decoder *dc, const scl_dstate *st, double state[4]) {
    state[0] = dc->fc ? st->sfc.cx : st->nano.cx;
    state[1] = dc->fc ? st->sfc.cy : st->nano.cy;
    state[2] = dc->fc ? st->sfc.w : st->nano.w;
    state[3] = dc->fc ? st->sfc.h : st->nano.h;
}

double scl_decoder_upsample_ms(const scl_decoder *dc, const scl_dstate *st) {
    return dc->fc ? st->sfc.upsample_ms : 0.0;
}
