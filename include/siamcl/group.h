/* siamcl tracker groups: many targets of one video on the devices of a context.
 *
 *     siamcl_group *g;
 *     st = siamcl_group_create(ctx, &desc, NULL, &g);    // schedule from SIAMCL_SCHEDULE, else auto
 *     st = siamcl_group_add(g, &frame0, box_a, &id_a);   // template branch, once per target
 *     st = siamcl_group_add(g, &frame0, box_b, &id_b);
 *     for (each later frame) {
 *         siamcl_group_result r[2];
 *         int n;
 *         st = siamcl_group_update(g, &frame, r, 2, &n);  // one batched search pass per device
 *     }
 *     siamcl_group_free(g);
 *
 * Each target is placed on a template device (where its template branch runs,
 * once, at add) and a search device (where its search branch runs every
 * frame). The template features are copied to the search device once, through
 * the host. On each frame every search device cuts the search crops of all its
 * targets (targets x scales) in one launch into a backbone plan built for that
 * batch (capacities are powers of two, at most 16 targets per pass; plans are
 * built on first need and reused), runs the backbone once and the head over the
 * whole batch (SiamFC: one cross-correlation launch with one template per
 * item; NanoTrack: the batch-1 head once per target on its slice of the
 * batched features). All devices are enqueued before any result is read, so
 * devices compute concurrently. Every target's boxes equal (fp32 tolerance)
 * those of a siamcl_tracker tracking it alone.
 *
 * Each device has two queues: search passes run on one, template branches
 * (siamcl_group_add) and frame uploads on the other, so adding a target while
 * a frame is in flight overlaps that frame's search pass.
 *
 * Schedules (siamcl_schedule, or the SIAMCL_SCHEDULE environment variable in
 * the text form of siamcl_schedule_parse):
 *   single[:D]  everything on device D (default 0);
 *   split       each new target goes, template and search, to the device with
 *               the least expected load: (targets + 1) x its measured search
 *               time per target (unmeasured devices count 1);
 *   twin[:Z,X]  template branches on device Z, search branches on device X
 *               (defaults 0 and 1; both 0 on a one-device context);
 *   auto        the default: one device -> single; several -> the search pass
 *               of one target is timed on each device at creation, and the
 *               group runs `split` weighted by those times. A device slower
 *               than 8x the fastest gets no targets at all. Rationale: the
 *               search branch runs every frame and the template branch once
 *               per target, so throughput is decided by where searches run;
 *               weighting by measured time sends everything to a GPU next to
 *               a slow CPU and shares evenly between equal devices.
 *
 * Failures: when a device's search pass fails (an OpenCL error, or the test
 * hook below), every target on that device gets the error in its result and
 * the others are tracked as usual; the device is retired for later frames
 * (its targets keep reporting the error; remove or re-add them).
 * Threading: a group and its context are used by one thread at a time. */
#ifndef SIAMCL_GROUP_H
#define SIAMCL_GROUP_H

#include "siamcl/core.h"
#include "siamcl/image.h"
#include "siamcl/tracker.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum siamcl_schedule_policy {
    SIAMCL_SCHEDULE_AUTO = 0,
    SIAMCL_SCHEDULE_SINGLE = 1,
    SIAMCL_SCHEDULE_SPLIT = 2,
    SIAMCL_SCHEDULE_TWIN = 3
} siamcl_schedule_policy;

typedef struct siamcl_schedule {
    siamcl_schedule_policy policy;
    int device;                         /* single: the device */
    int template_device, search_device; /* twin */
} siamcl_schedule;

/* Parse "auto", "single", "single:D", "split", "twin", "twin:Z,X" (case
 * sensitive, no spaces); SIAMCL_ERR_FORMAT otherwise. Unset devices read -1
 * (defaults resolved at group creation). */
SIAMCL_API siamcl_status siamcl_schedule_parse(const char *text, siamcl_schedule *out);

typedef struct siamcl_group siamcl_group;

/* A group of targets tracked with `desc` on the devices of ctx. schedule NULL:
 * SIAMCL_SCHEDULE if set, else auto. Devices out of range: SIAMCL_ERR_OUT_OF_RANGE. */
SIAMCL_API siamcl_status siamcl_group_create(siamcl_context *ctx, const siamcl_tracker_desc *desc,
                                             const siamcl_schedule *schedule, siamcl_group **out);
SIAMCL_API void siamcl_group_free(siamcl_group *g);

/* The schedule in force (auto resolved to what it chose). */
SIAMCL_API siamcl_status siamcl_group_schedule(const siamcl_group *g, siamcl_schedule *out);

/* Start tracking `box` of `frame` (box rules of siamcl_tracker_init). *id
 * receives the target's id (0, 1, 2, ... in order of addition, never reused).
 * Allowed while frames are in flight (see siamcl_group_submit): the template
 * branch then runs alongside their search, and the target is searched from the
 * next frame submitted after this call on. */
SIAMCL_API siamcl_status siamcl_group_add(siamcl_group *g, const siamcl_image *frame, siamcl_box box, int *id);
/* Stop tracking target id (SIAMCL_ERR_OUT_OF_RANGE if there is none). Allowed
 * while frames are in flight: they report no result for it. */
SIAMCL_API siamcl_status siamcl_group_remove(siamcl_group *g, int id);
SIAMCL_API int siamcl_group_count(const siamcl_group *g); /* targets tracked */
/* Where target id runs. */
SIAMCL_API siamcl_status siamcl_group_target_devices(const siamcl_group *g, int id, int *template_device,
                                                     int *search_device);

typedef struct siamcl_group_result {
    int id;
    siamcl_status status; /* SIAMCL_OK, or why this target got no box this frame */
    siamcl_box box;       /* valid when status is SIAMCL_OK */
    float score;
} siamcl_group_result;

/* Track every target into `frame`. One result per target, in id order, up to
 * cap of them (*count receives the number of targets). Returns SIAMCL_OK when
 * every target was tracked, else the first target error (the other results
 * are still filled in), or an argument error (nothing tracked).
 * SIAMCL_ERR_STATE while frames submitted with siamcl_group_submit are not
 * all waited for. */
SIAMCL_API siamcl_status siamcl_group_update(siamcl_group *g, const siamcl_image *frame,
                                             siamcl_group_result *results, int cap, int *count);

/* Asynchronous form, up to two frames in flight. submit(t) with nothing in
 * flight enqueues frame t's search on every device and returns. submit(t+1)
 * while t is in flight copies the frame and starts its upload (frame t+1's
 * crops depend on frame t's boxes, so its search cannot start yet). wait()
 * blocks for the oldest frame in flight and fills its results (as update; the
 * targets searched in it that are still tracked); when a second frame is in
 * flight, wait enqueues its search, from the boxes just computed, before
 * returning, so the devices work on it while the caller prepares the next:
 *     submit(f0); submit(f1); wait(f0); submit(f2); wait(f1); ... wait(fN)
 * Boxes equal those of synchronous updates. A frame is copied (or uploaded)
 * at submit, so the caller may reuse it at once. SIAMCL_ERR_STATE for a wait
 * with nothing in flight or a third submit before a wait. If the second
 * frame's search cannot be started inside wait, the next wait returns that
 * error with no results. siamcl_group_free with frames in flight waits for
 * the devices and drops them. */
SIAMCL_API siamcl_status siamcl_group_submit(siamcl_group *g, const siamcl_image *frame);
SIAMCL_API siamcl_status siamcl_group_wait(siamcl_group *g, siamcl_group_result *results, int cap, int *count);

/* ---- test hook (for the library's own tests) ----
 * Make every search pass on `device` from the n-th one on (n >= 1; counted
 * from this call) fail as if the device had stopped; n = 0 disables. */
SIAMCL_API siamcl_status siamcl_group_test_fail_device(siamcl_group *g, int device, int n);

#ifdef __cplusplus
}
#endif
#endif
