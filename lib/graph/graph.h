/* Room lib/graph: the graph IR, models, plans (plan.c: lowering and the
 * named fusion passes, storage, running), the per-layer convolution choice
 * (convtune.c), the public device tensor (tensor.h), profiles and inspection.
 * May call lib/ops and lib/runtime; onnx, sched, track and train call it.
 *
 * The graph IR: values (inputs, host constants, computed activations), nodes
 * (one output each), graph inputs/outputs, a topological order, load-time
 * rewrites (BatchNormalization folding, Gemm bias split) and shape inference.
 * Importers (lib/onnx) build it with scl_graph_add_*; plans (plan.c) read it.
 * Pure host code: nothing here touches a device. */
#ifndef SCL_GRAPH_GRAPH_H
#define SCL_GRAPH_GRAPH_H

#include <stdint.h>

#include "runtime/runtime.h"

#define SCL_MAX_RANK 4

typedef enum scl_gop {
    SCL_GOP_CONV = 0,
    SCL_GOP_BN,          /* inputs x, scale, shift (per channel, precomputed at import) */
    SCL_GOP_RELU,
    SCL_GOP_CLIP,
    SCL_GOP_HARDSWISH,
    SCL_GOP_HARDSIGMOID,
    SCL_GOP_SIGMOID,
    SCL_GOP_EXP,
    SCL_GOP_ADD,
    SCL_GOP_SUB,
    SCL_GOP_MUL,
    SCL_GOP_DIV,
    SCL_GOP_GAP,         /* GlobalAveragePool */
    SCL_GOP_MAXPOOL,
    SCL_GOP_GEMM,        /* inputs A, B (C split off into an Add at load) */
    SCL_GOP_MATMUL,
    SCL_GOP_RESHAPE,     /* also Flatten and Identity: a view, never a copy */
    SCL_GOP_TRANSPOSE,
    SCL_GOP_SLICE,
    SCL_GOP_CONCAT,
    SCL_GOP_COUNT
} scl_gop;

const char *scl_gop_name(scl_gop op);
/* 1 for the elementwise activations (Relu .. Exp). */
int scl_gop_is_act(scl_gop op);

typedef enum scl_vkind { SCL_V_INPUT = 0, SCL_V_CONST, SCL_V_ACT } scl_vkind;
typedef enum scl_dtype { SCL_DT_F32 = 0, SCL_DT_I64 } scl_dtype;

typedef struct scl_dims {
    int rank;
    int64_t d[SCL_MAX_RANK];
} scl_dims;

int64_t scl_dims_count(const scl_dims *s);
int scl_dims_equal(const scl_dims *a, const scl_dims *b);
/* "1x3x127x127" into buf. */
const char *scl_dims_str(const scl_dims *s, char *buf, size_t cap);

typedef struct scl_value {
    char *name;
    scl_vkind kind;
    scl_dtype dtype;
    scl_dims dims;   /* CONST: exact; INPUT: as declared (0 = dynamic); ACT: filled by shape inference */
    float *f;        /* CONST F32 data (host, owned) */
    int64_t *i;      /* CONST I64 data (host, owned) */
    int producer;    /* node index for ACT, -1 otherwise */
} scl_value;

typedef enum scl_autopad { SCL_PAD_NOTSET = 0, SCL_PAD_VALID, SCL_PAD_SAME_UPPER, SCL_PAD_SAME_LOWER } scl_autopad;

typedef struct scl_conv_attr {
    int kh, kw;          /* 0 = from the weight's shape */
    int stride[2], dil[2];
    int pad[4];          /* top, left, bottom, right */
    int group;
    scl_autopad autopad;
} scl_conv_attr;

typedef struct scl_pool_attr {
    int kh, kw, stride[2], pad[4], ceil_mode;
    scl_autopad autopad;
} scl_pool_attr;

enum { SCL_RESHAPE = 0, SCL_FLATTEN, SCL_IDENTITY };

typedef struct scl_node {
    scl_gop op;
    char *name;
    int nin;
    int *in;     /* value indices of the data inputs (-1: absent optional input) */
    int out;     /* value index of the output */
    int dead;    /* removed by a rewrite */
    union {
        scl_conv_attr conv;
        scl_pool_attr pool;
        struct { float a, b; } act;                 /* Clip min/max, HardSigmoid alpha/beta */
        struct { float alpha; int trans_a, trans_b; } gemm;
        struct { int n; int perm[SCL_MAX_RANK]; } transpose;  /* n = 0: reverse */
        struct { int n; int64_t starts[SCL_MAX_RANK], ends[SCL_MAX_RANK], axes[SCL_MAX_RANK],
                 steps[SCL_MAX_RANK]; } slice;
        struct { int axis; } concat;
        /* BatchNormalization: the ONNX tensors behind scale/shift (value indices) and attributes */
        struct { float eps, momentum; int gamma, beta, mean, var; } bn;
        struct { int mode; int n; int64_t shape[SCL_MAX_RANK]; int allowzero; int axis; } reshape;
        /* reshape.mode: SCL_RESHAPE (shape/n/allowzero), SCL_FLATTEN (axis), SCL_IDENTITY */
    } a;
} scl_node;

typedef struct scl_graph {
    char *name;          /* file or buffer name, for messages */
    scl_value *vals;
    int nvals, cap_vals;
    scl_node *nodes;
    int nnodes, cap_nodes;
    int *inputs, ninputs;   /* value indices (graph inputs that are not constants) */
    int *outputs, noutputs; /* value indices */
    int *order, norder;     /* live nodes, topologically sorted (scl_graph_finalize) */
    int *index, index_cap;  /* value names -> index + 1, open addressing (import stays linear) */
    int keep_bn;            /* 1: scl_graph_finalize leaves BatchNormalization unfolded (training) */
} scl_graph;

siamcl_status scl_graph_create(const char *name, scl_graph **out);
void scl_graph_free(scl_graph *g);

/* Find a value by name; -1 if none. */
int scl_graph_find(const scl_graph *g, const char *name);
/* Add a value; name is copied. Constant data are taken over (owned by the graph
 * from now on, even on failure). Returns the index in *idx. */
siamcl_status scl_graph_add_value(scl_graph *g, const char *name, scl_vkind kind, scl_dtype dt, const scl_dims *dims,
                                  float *f, int64_t *i, int *idx);
/* Add a node (attributes zeroed; the caller fills node->a after). Inputs are
 * copied; the output value must exist and have no producer yet. */
siamcl_status scl_graph_add_node(scl_graph *g, scl_gop op, const char *name, const int *in, int nin, int out,
                                 int *idx);
siamcl_status scl_graph_add_input(scl_graph *g, int v);
siamcl_status scl_graph_add_output(scl_graph *g, int v);

/* Validate, rewrite (BN fold unless keep_bn, Gemm bias split), drop unused
 * nodes and sort. Call once after import. */
siamcl_status scl_graph_finalize(scl_graph *g);

/* Number of nodes reading value v (live nodes only) and whether v is a graph output. */
int scl_graph_uses(const scl_graph *g, int v);
int scl_graph_is_output(const scl_graph *g, int v);

/* Constants used as data by live nodes (weights, biases, ...): their total
 * float count = parameters after BN folding. */
long long scl_graph_param_count(const scl_graph *g);

/* Shape inference for the given input shapes (one per graph input, in order):
 * writes every value's dims into dims[0..nvals) (constants and inputs included).
 * SIAMCL_ERR_SHAPE names the node that does not fit. */
siamcl_status scl_graph_infer(const scl_graph *g, const scl_dims *in_dims, scl_dims *dims);

/* Resolved conv/pool geometry for a node once shapes are known. */
typedef struct scl_conv_geom {
    int kh, kw, stride[2], dil[2], pad[4], group;
} scl_conv_geom;
siamcl_status scl_graph_conv_geom(const scl_graph *g, const scl_node *n, const scl_dims *x, const scl_dims *w,
                                  scl_conv_geom *out);
siamcl_status scl_graph_pool_geom(const scl_graph *g, const scl_node *n, const scl_dims *x, scl_conv_geom *out);

/* Slice resolved per axis of x (ONNX clamping): start, step, and y's extents. */
siamcl_status scl_graph_slice_resolve(const scl_graph *g, const scl_node *n, const scl_dims *x, int64_t start[],
                                      int64_t step[], scl_dims *y);

/* Multiply-adds of node n with the given value shapes (conv, gemm, matmul; 0 for others). */
long long scl_graph_node_macs(const scl_graph *g, const scl_node *n, const scl_dims *dims);

#endif
