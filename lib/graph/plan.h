/* Internal plan access for library code above lib/graph (lib/sched, lib/track):
 * the device and the raw device views (cl_mem + float offset + 4-D NCHW shape)
 * of a plan's inputs and outputs, and binding them to arbitrary buffer regions.
 *
 * Typical use by a tracker (one device):
 *   scl_device *dev = scl_plan_device(search_plan);
 *   scl_view x;  scl_plan_input_view(search_plan, 0, &x);   // [N,3,255,255]
 *   scl_crop_fwd(dev, &crop, frame, 0, W, H, 3, reqs, N, reqbuf, &x); // crop straight into it
 *   siamcl_plan_run(search_plan);
 *   scl_view f;  scl_plan_output_view(search_plan, 0, &f);  // [N,C,h,w]
 *   scl_xcorr_fwd(dev, 0.001f, bias, &zf, &f, &resp);
 * NanoTrack: feed search item k of a batched backbone output to the head:
 *   scl_plan_bind_input_mem(head, 1, f.mem, f.off + k * C*h*w);
 *
 * Views stay valid until the binding changes or the plan is freed. Everything
 * runs on the device's in-order queue (dev->queue). */
#ifndef SCL_GRAPH_PLAN_H
#define SCL_GRAPH_PLAN_H

#include "graph/graph.h"
#include "ops/ops.h"
#include "siamcl/model.h"

/* The device a plan runs on (never NULL for a valid plan). */
scl_device *scl_plan_device(const siamcl_plan *p);

/* The region currently bound to input/output i (4-D, lower ranks right-aligned). */
siamcl_status scl_plan_input_view(const siamcl_plan *p, int i, scl_view *out);
siamcl_status scl_plan_output_view(const siamcl_plan *p, int i, scl_view *out);

/* Bind input/output i to `mem` at float offset `off` (a buffer of the plan's
 * device holding at least off + count floats of the input's shape); mem = NULL
 * restores the plan's own buffer. */
siamcl_status scl_plan_bind_input_mem(siamcl_plan *p, int i, cl_mem mem, size_t off);
siamcl_status scl_plan_bind_output_mem(siamcl_plan *p, int i, cl_mem mem, size_t off);

/* A Conv / MaxPool node's resolved geometry as launcher parameters (no
 * activation, automatic algorithm), for the value shapes in dims. */
siamcl_status scl_plan_conv_params(const scl_graph *g, const scl_node *n, const scl_dims *dims, scl_conv_params *c);
siamcl_status scl_plan_pool_params(const scl_graph *g, const scl_node *n, const scl_dims *dims, scl_pool_params *p);

#endif
