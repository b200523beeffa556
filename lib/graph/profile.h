/* Per-layer profiling of a plan (for `siamcl bench`): every step (one fused
 * layer: conv + bias + activation + residual add, a pool, a slice, ...) is
 * timed on the device timeline by OpenCL markers enqueued between the steps,
 * so a step's time covers all its launches, CLBlast's included, without any
 * host synchronisation inside the run. */
#ifndef SCL_GRAPH_PROFILE_H
#define SCL_GRAPH_PROFILE_H

#include "siamcl/model.h"

typedef struct scl_layer_prof {
    char node[64];     /* graph node name (truncated) */
    char what[96];     /* op and geometry, fused nodes: "Conv 3x3/1 g1 +Add +Relu" */
    char shape[48];    /* output shape, "3x256x31x31" */
    long long macs;    /* multiply-adds of the step */
    double ms;         /* device time, marker to marker */
} scl_layer_prof;

/* Number of steps (layers after fusion) of a plan; 0 for NULL. */
int scl_plan_layer_count(const siamcl_plan *p);
/* Run the plan once, step by step with a marker between steps, wait, and fill
 * out[0 .. scl_plan_layer_count) (their `ms`, `macs` and names). */
siamcl_status scl_plan_profile(siamcl_plan *p, scl_layer_prof *out);

#endif
