/* The device tensor behind the public siamcl_tensor: a user-owned buffer, or
 * a handle whose region its owner (a plan's input or output) resolves on
 * every use, so that it follows the owner's current binding. Knows nothing of
 * plans: an owner registers a resolver (graph/plan.c does). */
#ifndef SCL_GRAPH_TENSOR_H
#define SCL_GRAPH_TENSOR_H

#include "ops/ops.h"
#include "siamcl/model.h"

/* The region of handle (io: 0 input, 1 output; index) of owner. */
typedef siamcl_status (*scl_tensor_resolver)(const void *owner, int io, int index, scl_view *out);

struct siamcl_tensor {
    scl_device *dev;
    cl_mem mem;                   /* user tensors: owned */
    siamcl_shape shape;
    const void *owner;            /* handles: resolved through the owner, never freed by siamcl_tensor_free */
    scl_tensor_resolver resolve;
    int io, index;
};

/* A handle on region (io, index) of owner, on dev. */
void scl_tensor_handle_init(siamcl_tensor *t, scl_device *dev, const void *owner, scl_tensor_resolver resolve,
                            int io, int index);
/* The tensor's current device region and device. */
siamcl_status scl_view_of(const siamcl_tensor *t, scl_device **dev, scl_view *out);

#endif
