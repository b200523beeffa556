/* Op launchers: one file per op family, each enqueuing a kernel of cl/<family>.cl
 * on a device's in-order queue. Float32, NCHW, batch N >= 1.
 *
 * Conventions (so a backward pass can later sit beside each forward):
 *  - scl_<family>_<op>_fwd(dev, params, inputs..., outputs...) -> siamcl_status;
 *    a future scl_<family>_<op>_bwd takes the same params plus the gradients.
 *  - tensors are scl_tensor views: a buffer, an element offset and a 4-D shape;
 *  - launchers validate shapes and return SIAMCL_ERR_SHAPE / _INVALID_ARGUMENT
 *    before enqueuing anything; they never block (no clFinish);
 *  - kernels take shapes as arguments (one compiled program serves every shape)
 *    unless a fast path specialises them through the #define preamble. */
#ifndef SCL_OPS_H
#define SCL_OPS_H

#include "runtime/runtime.h"

typedef struct scl_tensor {
    cl_mem mem;
    size_t off;   /* offset in floats */
    int n, c, h, w;
} scl_tensor;

static inline size_t scl_tensor_count(const scl_tensor *t) {
    return (size_t)t->n * (size_t)t->c * (size_t)t->h * (size_t)t->w;
}
static inline scl_tensor scl_tensor_make(cl_mem m, int n, int c, int h, int w) {
    scl_tensor t = {m, 0, n, c, h, w};
    return t;
}

/* Activations that can be fused into conv / eltwise. */
typedef enum scl_act {
    SCL_ACT_NONE = 0,
    SCL_ACT_RELU,
    SCL_ACT_CLIP,        /* min(max(x, a), b); relu6 = clip(0, 6) */
    SCL_ACT_HARDSWISH,   /* x * max(0, min(1, x/6 + 0.5)) */
    SCL_ACT_HARDSIGMOID, /* max(0, min(1, a*x + b)) */
    SCL_ACT_SIGMOID,
    SCL_ACT_EXP
} scl_act;

typedef struct scl_act_params {
    scl_act act;
    float a, b;
} scl_act_params;

/* The #define lines every kernel file understands for fused activations
 * (ACT_NONE .. ACT_EXP), kept in one place with the enum above. */
#define SCL_ACT_DEFINES                                                             \
    "#define ACT_NONE 0\n#define ACT_RELU 1\n#define ACT_CLIP 2\n#define ACT_HARDSWISH 3\n" \
    "#define ACT_HARDSIGMOID 4\n#define ACT_SIGMOID 5\n#define ACT_EXP 6\n"

/* ---- eltwise.c ---- */
/* y = act(x) elementwise (in place allowed: y == x). */
siamcl_status scl_eltwise_act_fwd(scl_device *dev, const scl_act_params *act, const scl_tensor *x, scl_tensor *y);
/* y = act(a + b), equal shapes (residual add). */
siamcl_status scl_eltwise_add_fwd(scl_device *dev, const scl_act_params *act, const scl_tensor *a,
                                  const scl_tensor *b, scl_tensor *y);

#endif
