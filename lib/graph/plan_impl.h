/* Plan internals shared by plan.c and tensor.c (not for other rooms: they use
 * graph/plan.h). */
#ifndef SCL_GRAPH_PLAN_IMPL_H
#define SCL_GRAPH_PLAN_IMPL_H

#include "graph/model_impl.h"
#include "graph/convtune.h"
#include "ops/ops.h"

typedef enum scl_step_kind {
    SCL_STEP_CONV = 0,  /* conv2d + bias + residual + activation */
    SCL_STEP_ACT,       /* standalone activation */
    SCL_STEP_ADD,       /* equal-shape add (+ activation) */
    SCL_STEP_BINARY,    /* broadcasting add/sub/mul/div (+ activation) */
    SCL_STEP_BN,        /* BatchNormalization not foldable into a conv: mul + add */
    SCL_STEP_GAP,
    SCL_STEP_MAXPOOL,
    SCL_STEP_GEMM,      /* Gemm and MatMul */
    SCL_STEP_TRANSPOSE,
    SCL_STEP_SLICE,
    SCL_STEP_CONCAT
} scl_step_kind;

#define SCL_STEP_MAX_FUSED 4

/* The operands of each kind of step (value indices, -1 if unused). */
typedef struct scl_step_conv {
    int w, b;                 /* weights, bias (-1: none) */
    int res;                  /* residual added before the activation (-1: none) */
    int res_crop;             /* the residual is res's centre window, this many cells in on each side
                                 (a Slice after the Add folded in), 0 = res itself */
    int x2, w2, b2;           /* dual: a second 1x1 conv summed in (input, weights, bias), -1 if none */
    scl_conv_params p;
} scl_step_conv;
typedef struct scl_step_gemm {
    int in2;                  /* B */
    int ta, tb, m, n, k, lda, ldb, batch, loops;
    size_t sa, sb, sc;        /* batch strides */
    float alpha;
    int pointwise;            /* run as a 1x1 convolution (plan.c, gemm_is_pointwise) */
} scl_step_gemm;

typedef struct scl_step {
    scl_step_kind kind;       /* which member of the union below */
    int node;                 /* the graph node it comes from */
    int fused[SCL_STEP_MAX_FUSED], nfused; /* nodes folded into it (residual Add, activation) */
    int x, y;                 /* main input and output values */
    int dead;                 /* folded into a later step (removed once the steps are built) */
    scl_act_params act;       /* fused activation (conv, add, binary, bn) or the step itself (act) */
    union {
        scl_step_conv conv;                                 /* SCL_STEP_CONV */
        struct { int in2; scl_binary_op op; } bin;          /* SCL_STEP_ADD, SCL_STEP_BINARY */
        struct { int scale, shift; } bn;                    /* SCL_STEP_BN */
        struct { scl_pool_params p; int win[4]; } pool;     /* SCL_STEP_MAXPOOL: the window (y0, x0, h, w) of x */
        scl_step_gemm gemm;                                 /* SCL_STEP_GEMM */
        struct { int perm[4]; } tr;                         /* SCL_STEP_TRANSPOSE */
        struct { int start[4], step[4]; } slice;            /* SCL_STEP_SLICE */
        struct { int axis; } cat;                           /* SCL_STEP_CONCAT: inputs are the node's */
    };
} scl_step;

/* The values a step reads besides a concat's inputs (x first); returns how many. */
#define SCL_STEP_MAX_READS 7
int scl_step_reads(const scl_step *s, int out[SCL_STEP_MAX_READS]);

struct siamcl_plan {
    siamcl_model *m;
    const scl_graph *g;
    scl_device *dev;
    scl_weight_set *ws;
    scl_dims *dims;       /* per value */
    int *uses;            /* per value: live consumers */
    int *root;            /* per value: the value whose storage it views */
    int *place;           /* per root value: index into the places, -1 if none */
    int *value_step;      /* per value: step that writes it, -1 if none */
    int *node_step;       /* per node: step that runs it, -1 for views */
    int *scratch;         /* 3 x nvals ints */
    scl_view *vt;       /* per value: current device view */
    scl_step *steps;
    int nsteps;
    int conv_mode;        /* SCL_CONV_MODE_* for this plan's device */
    /* places: [0, ndedicated) inputs and outputs, then the reused pool */
    int nplaces, ndedicated;
    size_t *place_bytes;
    cl_mem *place_own;    /* allocated by the plan */
    cl_mem *place_mem;    /* currently used (own or bound) */
    size_t *place_off;    /* float offset into place_mem */
    int *in_place, *out_place;
    siamcl_tensor *in_t, *out_t;
    cl_mem workspace;
    size_t workspace_bytes, activation_bytes, naive_bytes;
    long long macs;
    double build_ms;
};

/* Enqueue step i alone (the per-layer profiler, lib/graph/profile.c). */
siamcl_status scl_plan_run_step(siamcl_plan *p, int i);

#endif
