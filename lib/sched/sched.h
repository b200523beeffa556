/* Room lib/sched: the engine that runs a tracker's networks. nets.h holds a
 * description's networks and the rules every user shares (the single tracker
 * and the group engine below); sched.c places and batches branch jobs over
 * the devices of a context. May call lib/graph, lib/ops and lib/runtime;
 * lib/track calls it.
 *
 * The engine under the tracker group: runs branch jobs on the devices of a
 * context. A template job cuts one exemplar crop on its device, runs the
 * batch-1 template plan and brings the features to the host; attaching puts
 * those features in a slot of a search device's template bank (one host ->
 * device copy, whichever device computed them). A search pass cuts the search
 * crops of every attached slot of a device in one launch (per run of equal pad
 * colour), runs a backbone plan built for the batch (power-of-two slot
 * capacity, at most SCL_SCHED_CHUNK slots per pass) and the head, and reads
 * the head outputs back without blocking; collect waits for them.
 * Knows plans and devices, not tracking math: requests and outputs are opaque
 * floats for lib/track/group.c. */
#ifndef SCL_SCHED_H
#define SCL_SCHED_H

#include "graph/plan.h"
#include "sched/nets.h"
#include "siamcl/group.h"

#define SCL_SCHED_CHUNK 16 /* slots (targets) per backbone pass */

typedef struct scl_sched scl_sched;

/* One search item of a frame: the slot of a target on its search device. */
typedef struct scl_sched_item {
    int device, slot;
    const scl_crop_req *reqs;  /* `per` requests (scales; NanoTrack 1) */
    float pad[3];              /* crop pad colour of this target */
    /* filled by scl_sched_collect */
    siamcl_status status;
    const float *out;          /* SiamFC: per x n x n response; NanoTrack: cls 2nn then loc 4nn */
} scl_sched_item;

/* Build the engine for `desc` under schedule `sc` (NULL = environment / auto).
 * Loads the networks; auto measures every device. */
siamcl_status scl_sched_create(siamcl_context *ctx, const siamcl_tracker_desc *desc, const siamcl_schedule *sc,
                               scl_sched **out);
void scl_sched_free(scl_sched *s);
siamcl_schedule scl_sched_schedule(const scl_sched *s);
int scl_sched_per(const scl_sched *s); /* search items per target */
const scl_nets *scl_sched_nets(const scl_sched *s); /* the networks and their shared rules */

/* Choose template and search devices for a new target (by the schedule and
 * the current loads). */
void scl_sched_place(const scl_sched *s, int *zdev, int *xdev);
/* Template job on device zdev: crop `req` from frame with `pad`, run the
 * template branch, features to the host: *zf points at scl_sched_zcount
 * floats owned by the engine, valid until the next template job. Runs on the
 * device's second queue, so it overlaps a search pass in flight. */
size_t scl_sched_zcount(const scl_sched *s);
siamcl_status scl_sched_template(scl_sched *s, int zdev, const siamcl_image *frame, const float pad[3],
                                 scl_crop_req req, const float **zf);
/* Put features zf in a free slot of device xdev (grows the bank); *slot gets it.
 * Allowed with a pass in flight: the slot is written to the bank at collect
 * and searched from the next submit on. */
siamcl_status scl_sched_attach(scl_sched *s, int xdev, const float *zf, int *slot);
void scl_sched_detach(scl_sched *s, int xdev, int slot);

/* Enqueue the search pass of `frame` for items[0..n) on every device that has
 * some, then return; collect waits and fills status/out of each item. Outputs
 * stay valid until the next submit. */
siamcl_status scl_sched_submit(scl_sched *s, const siamcl_image *frame, scl_sched_item *items, int n);
void scl_sched_collect(scl_sched *s, scl_sched_item *items, int n);
/* Start uploading `frame` (non-blocking, on the second queue) to every live
 * device with targets; the next submit, which must be for this same frame and
 * whose caller keeps frame->data alive and unchanged until then, uses it. */
siamcl_status scl_sched_stage(scl_sched *s, const siamcl_image *frame);
/* Drop a staged frame: waits for its uploads, after which the caller's copy
 * may change. submit does it for the devices it did not use. */
void scl_sched_unstage(scl_sched *s);

/* Test hook: fail every search pass of device d from the n-th on. */
siamcl_status scl_sched_fail_device(scl_sched *s, int d, int n);

/* Measured search time per target on device d (ms; 0 if not measured). */
double scl_sched_device_ms(const scl_sched *s, int d);

#endif
