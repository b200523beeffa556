/* The networks of a tracker description and the rules that every user of
 * them shares (the single tracker, lib/track/tracker.c, and the engine under
 * tracker groups, sched.c): loading and checking the models, search crops per
 * target, how crops are cut, the head's inputs and outputs, and running the
 * head. Loaded once per tracker or group; plans are built per device by the
 * users, which differ in batching and placement only. */
#ifndef SCL_SCHED_NETS_H
#define SCL_SCHED_NETS_H

#include "graph/plan.h"
#include "siamcl/tracker.h"

typedef struct scl_nets {
    siamcl_tracker_desc d;
    siamcl_model *backbone;
    siamcl_model *head;            /* NanoTrack; NULL for SiamFC (cross-correlation) */
    int per;                       /* search crops per target: SiamFC scales, NanoTrack 1 */
    int iz, ix, out_cls, out_loc;  /* NanoTrack head: template/search inputs, cls/loc outputs */
    size_t ocount;                 /* floats of one target's head output: per x n x n, or 6 x n x n */
    scl_crop_params crop;          /* channel order and crop arithmetic (8-bit or float) */
} scl_nets;

/* Load and check the description's networks (d must have passed scl_desc_check). */
siamcl_status scl_nets_load(scl_nets *n, const siamcl_tracker_desc *d);
void scl_nets_release(scl_nets *n);

/* SiamFC: template features zf [1,C,h,w] and search features xf [items,C,H,W]
 * (one per search crop of the plan) give the description's score_size response. */
siamcl_status scl_nets_check_features(const scl_nets *n, siamcl_shape zf, siamcl_shape xf, int items);
/* NanoTrack: the head plan on device for template features zf and one search
 * item's features xf (batch 1), its outputs checked against score_size. */
siamcl_status scl_nets_head_plan(const scl_nets *n, siamcl_context *ctx, int device, siamcl_shape zf,
                                 siamcl_shape xf, siamcl_plan **out);
/* Cut m crops (reqs, pad colour pad) of the w x h 8-bit frame into the plan
 * input view `in` (m items from in.off); reqbuf holds at least m requests. */
siamcl_status scl_nets_crop(const scl_nets *n, scl_device *dev, const float pad[3], cl_mem frame, int w, int h,
                            const scl_crop_req *reqs, int m, cl_mem reqbuf, const scl_view *in);
/* SiamFC's head: the response of template features zf against search
 * features xf (one template per item or one for all) into r. */
siamcl_status scl_nets_xcorr(const scl_nets *n, scl_device *dev, const scl_view *zf, const scl_view *xf,
                             scl_view *r);

#endif
