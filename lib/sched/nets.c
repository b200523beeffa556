/* A tracker description's networks and the rules their users share (nets.h). */
#include <string.h>

#include "sched/nets.h"

void scl_nets_release(scl_nets *n) {
    if (!n) return;
    siamcl_model_free(n->head);
    siamcl_model_free(n->backbone);
    n->head = n->backbone = NULL;
}

/* NanoTrack's head: two inputs (template, search), two outputs (cls, loc),
 * found by name (input1/input2, output1/output2), else by position. */
static siamcl_status load_head(scl_nets *n) {
    const siamcl_tracker_desc *d = &n->d;
    SCL_TRY(siamcl_model_load(d->head, &n->head));
    if (siamcl_model_input_count(n->head) != 2 || siamcl_model_output_count(n->head) != 2)
        return scl_fail(SIAMCL_ERR_SHAPE, "%s: head %s must take 2 inputs and give 2 outputs", d->name, d->head);
    n->iz = siamcl_model_input_index(n->head, "input1");
    n->ix = siamcl_model_input_index(n->head, "input2");
    if (n->iz < 0 || n->ix < 0 || n->iz == n->ix) n->iz = 0, n->ix = 1;
    n->out_cls = siamcl_model_output_index(n->head, "output1");
    n->out_loc = siamcl_model_output_index(n->head, "output2");
    if (n->out_cls < 0 || n->out_loc < 0 || n->out_cls == n->out_loc) n->out_cls = 0, n->out_loc = 1;
    return SIAMCL_OK;
}

siamcl_status scl_nets_load(scl_nets *n, const siamcl_tracker_desc *d) {
    memset(n, 0, sizeof *n);
    n->d = *d;
    int fc = d->kind == SIAMCL_TRACKER_SIAMFC;
    n->per = fc ? d->scale_count : 1;
    size_t nn = (size_t)d->score_size * d->score_size;
    n->ocount = fc ? (size_t)n->per * nn : 6 * nn;
    n->crop.swap_rb = d->bgr ? 1 : 0;
    /* NanoTrack and SiamDW crop 8-bit images with OpenCV; the original SiamFC in float */
    n->crop.u8_exact = !fc || d->flavour == SIAMCL_SIAMFC_SIAMDW;
    SCL_TRY(siamcl_model_load(d->backbone, &n->backbone));
    if (siamcl_model_input_count(n->backbone) != 1 || siamcl_model_output_count(n->backbone) < 1)
        return scl_fail(SIAMCL_ERR_SHAPE, "%s: backbone %s must have one input", d->name, d->backbone);
    return fc ? SIAMCL_OK : load_head(n);
}

siamcl_status scl_nets_check_features(const scl_nets *n, siamcl_shape zf, siamcl_shape xf, int items) {
    const siamcl_tracker_desc *d = &n->d;
    int r = xf.h - zf.h + 1;
    if (zf.n != 1 || xf.n != items || zf.c != xf.c || xf.h != xf.w || zf.h != zf.w || r != d->score_size)
        return scl_fail(SIAMCL_ERR_SHAPE,
                        "%s: backbone features %dx%dx%dx%d (template) and %dx%dx%dx%d (search) do not give a "
                        "%dx%d response",
                        d->name, zf.n, zf.c, zf.h, zf.w, xf.n, xf.c, xf.h, xf.w, d->score_size, d->score_size);
    return SIAMCL_OK;
}

siamcl_status scl_nets_head_plan(const scl_nets *n, siamcl_context *ctx, int device, siamcl_shape zf,
                                 siamcl_shape xf, siamcl_plan **out) {
    const siamcl_tracker_desc *d = &n->d;
    siamcl_shape shapes[2];
    shapes[n->iz] = zf;
    shapes[n->ix] = xf;
    shapes[n->ix].n = 1;
    SCL_TRY(siamcl_plan_create(ctx, device, n->head, 2, shapes, out));
    siamcl_shape cls, loc;
    SCL_TRY(siamcl_plan_output_shape(*out, n->out_cls, &cls));
    SCL_TRY(siamcl_plan_output_shape(*out, n->out_loc, &loc));
    int s = d->score_size;
    if (cls.n != 1 || cls.c != 2 || cls.h != s || cls.w != s || loc.n != 1 || loc.c != 4 || loc.h != s || loc.w != s)
        return scl_fail(SIAMCL_ERR_SHAPE,
                        "%s: head outputs %dx%dx%dx%d and %dx%dx%dx%d, expected 1x2x%dx%d and 1x4x%dx%d", d->name, cls.n, cls.c, cls.h, cls.w, loc.n, loc.c, loc.h, loc.w, s, s, s, s);
    return SIAMCL_OK;
}

siamcl_status scl_nets_crop(const scl_nets *n, scl_device *dev, const float pad[3], cl_mem frame, int w, int h,
                            const scl_crop_req *reqs, int m, cl_mem reqbuf, const scl_view *in) {
    scl_crop_params cp = n->crop;
    cp.out = in->h;
    memcpy(cp.pad, pad, sizeof cp.pad);
    scl_view part = *in;
    part.n = m;
    return scl_crop_fwd(dev, &cp, frame, 0, w, h, 3, reqs, m, reqbuf, &part);
}

siamcl_status scl_nets_xcorr(const scl_nets *n, scl_device *dev, const scl_view *zf, const scl_view *xf,
                             scl_view *r) {
    return scl_xcorr_fwd(dev, (float)n->d.head_scale, (float)n->d.head_bias, zf, xf, r);
}
