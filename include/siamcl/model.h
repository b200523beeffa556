/* siamcl models, plans and device tensors.
 *
 * A model is an ONNX network loaded on the host (weights kept in host memory,
 * BatchNormalization already folded into the preceding convolutions). A plan
 * is that model specialised to one input shape on one device of a context:
 * every intermediate buffer is sized once (and reused by liveness), kernels are
 * compiled and the weights uploaded when the plan is created, and running it
 * only enqueues kernels. Tensors are float32, NCHW.
 *
 *   siamcl_model *m;
 *   siamcl_model_load("models/siamfc-alexnet/backbone.onnx", &m);
 *   siamcl_shape z = {1, 3, 127, 127}, x = {3, 3, 255, 255};
 *   siamcl_plan *pz, *px;
 *   siamcl_plan_create(ctx, 0, m, 1, &z, &pz);  // uploads the weights to device 0
 *   siamcl_plan_create(ctx, 0, m, 1, &x, &px);  // shares them: no second copy
 *   siamcl_tensor_upload(siamcl_plan_input(pz, 0), crop, 1 * 3 * 127 * 127);
 *   siamcl_plan_run(pz);                        // enqueues, returns at once
 *   siamcl_tensor_download(siamcl_plan_output(pz, 0), feat, count); // waits
 *   siamcl_plan_free(pz); siamcl_plan_free(px); siamcl_model_free(m);
 *
 * Chaining plans without a host round trip (NanoTrack: backbone -> head):
 *   siamcl_plan_bind_input(head, 0, siamcl_plan_output(template_plan, 0));
 *   siamcl_plan_bind_input(head, 1, siamcl_plan_output(search_plan, 0));
 * Plans of one device share its in-order queue, so running template_plan,
 * search_plan and head in that order needs no explicit synchronisation.
 *
 * Lifetimes:
 *  - a plan keeps its model alive (siamcl_model_free only drops the caller's
 *    reference; the host weights go when the last plan of the model is freed);
 *  - the device copy of the weights belongs to the model and is shared by all
 *    plans of that model on that device; it is uploaded by the first such plan
 *    and released with the last one;
 *  - plans and tensors must be freed before the context they were made on;
 *  - a binding refers to the bound tensor's buffer: keep that tensor (or the
 *    plan that owns it) alive while the binding is in use.
 * Threading: a model, its plans and their context are used by one thread at a time.
 *
 * Shapes: the graph may use tensors of rank 1..4; a rank-r tensor is reported
 * right-aligned in siamcl_shape (rank 2 [M, K] is n = 1, c = 1, h = M, w = K). */
#ifndef SIAMCL_MODEL_H
#define SIAMCL_MODEL_H

#include "siamcl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct siamcl_shape {
    int n, c, h, w;
} siamcl_shape;

static inline size_t siamcl_shape_count(siamcl_shape s) {
    return (size_t)s.n * (size_t)s.c * (size_t)s.h * (size_t)s.w;
}

typedef struct siamcl_model siamcl_model;
typedef struct siamcl_plan siamcl_plan;
typedef struct siamcl_tensor siamcl_tensor;

/* ---- models ---- */
/* Load an ONNX file. Errors: SIAMCL_ERR_IO (unreadable), SIAMCL_ERR_FORMAT
 * (truncated, not ONNX, inconsistent graph), SIAMCL_ERR_UNSUPPORTED (an op or
 * attribute value siamcl does not handle; the message names op, node and file). */
SIAMCL_API siamcl_status siamcl_model_load(const char *path, siamcl_model **out);
/* Same from memory (the buffer is not kept). name is used in messages (may be NULL). */
SIAMCL_API siamcl_status siamcl_model_load_memory(const void *data, size_t size, const char *name,
                                                  siamcl_model **out);
SIAMCL_API void siamcl_model_free(siamcl_model *m);

SIAMCL_API const char *siamcl_model_name(const siamcl_model *m);
SIAMCL_API int siamcl_model_input_count(const siamcl_model *m);
SIAMCL_API int siamcl_model_output_count(const siamcl_model *m);
SIAMCL_API const char *siamcl_model_input_name(const siamcl_model *m, int i);  /* NULL if out of range */
SIAMCL_API const char *siamcl_model_output_name(const siamcl_model *m, int i); /* NULL if out of range */
/* Index of the input/output called name, or -1. */
SIAMCL_API int siamcl_model_input_index(const siamcl_model *m, const char *name);
SIAMCL_API int siamcl_model_output_index(const siamcl_model *m, const char *name);
/* The input's shape as declared in the file; dynamic dimensions read 0. */
SIAMCL_API siamcl_status siamcl_model_input_shape(const siamcl_model *m, int i, siamcl_shape *out);
/* Learnable parameters after BatchNormalization folding (weights + biases). */
SIAMCL_API long long siamcl_model_param_count(const siamcl_model *m);

/* ---- plans ---- */
/* Specialise model m to input shapes shapes[0..n_inputs) (one per model input,
 * in model order) on device `device` of ctx. Uploads the weights to that device
 * unless another plan of m already did, allocates every buffer, compiles every
 * kernel (one warm-up pass). SIAMCL_ERR_SHAPE if the shapes do not fit the graph. */
SIAMCL_API siamcl_status siamcl_plan_create(siamcl_context *ctx, int device, siamcl_model *m, int n_inputs,
                                            const siamcl_shape *shapes, siamcl_plan **out);
SIAMCL_API void siamcl_plan_free(siamcl_plan *p);

/* Enqueue every launch of the plan on its device's in-order queue; returns
 * without waiting. Allocates nothing. */
SIAMCL_API siamcl_status siamcl_plan_run(siamcl_plan *p);
/* Wait until everything enqueued on the plan's device has finished. */
SIAMCL_API siamcl_status siamcl_plan_finish(siamcl_plan *p);

SIAMCL_API int siamcl_plan_input_count(const siamcl_plan *p);
SIAMCL_API int siamcl_plan_output_count(const siamcl_plan *p);
SIAMCL_API siamcl_status siamcl_plan_input_shape(const siamcl_plan *p, int i, siamcl_shape *out);
SIAMCL_API siamcl_status siamcl_plan_output_shape(const siamcl_plan *p, int i, siamcl_shape *out);
/* The plan's input/output i as a tensor handle owned by the plan (never free
 * it; siamcl_tensor_free ignores it). It always refers to what is currently
 * bound (the plan's own buffer unless rebound). NULL if i is out of range. */
SIAMCL_API siamcl_tensor *siamcl_plan_input(siamcl_plan *p, int i);
SIAMCL_API siamcl_tensor *siamcl_plan_output(siamcl_plan *p, int i);
/* Make input/output i read/write t's buffer instead of the plan's own: t must
 * live on the plan's device and have exactly the input's/output's shape
 * (SIAMCL_ERR_SHAPE otherwise). t may be another plan's input/output handle.
 * t = NULL restores the plan's own buffer. */
SIAMCL_API siamcl_status siamcl_plan_bind_input(siamcl_plan *p, int i, const siamcl_tensor *t);
SIAMCL_API siamcl_status siamcl_plan_bind_output(siamcl_plan *p, int i, const siamcl_tensor *t);

typedef struct siamcl_plan_stats {
    size_t weight_bytes;     /* the model's device weights (shared with other plans of the model) */
    size_t activation_bytes; /* this plan's inputs, outputs and reused intermediate buffers */
    size_t workspace_bytes;  /* scratch of the convolution algorithms */
    size_t naive_bytes;      /* activations if every tensor had its own buffer (for comparison) */
    int launches;            /* steps per run after fusion */
    int nodes;               /* graph nodes */
    long long macs;          /* multiply-adds of one run (conv, gemm, matmul) */
    double build_ms;         /* wall time of siamcl_plan_create */
} siamcl_plan_stats;
SIAMCL_API siamcl_status siamcl_plan_get_stats(const siamcl_plan *p, siamcl_plan_stats *out);

/* ---- inspection (what `siamcl info` prints) ---- */
/* Input i's declared shape as text, any rank, dynamic dimensions as '?'
 * ("1x3x?x?"); "" for a bad index. */
SIAMCL_API void siamcl_model_input_decl(const siamcl_model *m, int i, char *buf, size_t cap);

typedef struct siamcl_node_info {
    const char *name;   /* node name (points into the model) */
    const char *op;     /* operator, "Conv", "Relu", ... */
    const char *output; /* its output value's name */
    char shape[64];     /* that output's shape for the given inputs, "1x64x61x61" */
    long long macs;     /* its multiply-adds for them */
} siamcl_node_info;
/* The nodes that run (BatchNormalization folded into its Conv does not), in
 * order, with shapes and multiply-adds for inputs `shapes` (one per model
 * input, 4-D with leading 1s for lower ranks). Fills out[0 .. min(count, cap));
 * *count gets the number of nodes, *folded (may be NULL) the BatchNormalization
 * nodes folded. cap 0 only sizes (the shapes are not inferred then); with
 * cap > 0 a shape the model cannot take is SIAMCL_ERR_SHAPE naming the node. */
SIAMCL_API siamcl_status siamcl_model_inspect(const siamcl_model *m, const siamcl_shape *shapes, int n_inputs,
                                              siamcl_node_info *out, int cap, int *count, int *folded);

/* ---- per-layer profile (what `siamcl bench` prints) ---- */
/* Every step of a plan (one fused layer: conv + bias + activation + residual
 * add, a pool, a slice, ...) is timed on the device timeline by OpenCL markers
 * enqueued between the steps, so a step's time covers all its launches
 * (CLBlast's included) without a host synchronisation inside the run. */
typedef struct siamcl_layer_profile {
    char node[64];     /* graph node name (truncated) */
    char what[96];     /* op and geometry, fused nodes: "Conv 3x3/1 g1 +Add +Relu" */
    char shape[48];    /* output shape, "3x256x31x31" */
    long long macs;    /* multiply-adds of the step */
    double ms;         /* device time, marker to marker */
} siamcl_layer_profile;
/* Steps (layers after fusion) of a plan; 0 for NULL. */
SIAMCL_API int siamcl_plan_layer_count(const siamcl_plan *p);
/* Run the plan once step by step with a marker between steps, wait, and fill
 * out[0 .. siamcl_plan_layer_count) (names, multiply-adds and times). */
SIAMCL_API siamcl_status siamcl_plan_profile(siamcl_plan *p, siamcl_layer_profile *out);

/* ---- device tensors ---- */
/* A float32 tensor on device `device` of ctx; contents undefined until uploaded. */
SIAMCL_API siamcl_status siamcl_tensor_create(siamcl_context *ctx, int device, siamcl_shape shape,
                                              siamcl_tensor **out);
SIAMCL_API void siamcl_tensor_free(siamcl_tensor *t); /* no-op for plan-owned handles */
SIAMCL_API siamcl_shape siamcl_tensor_shape(const siamcl_tensor *t);
/* Blocking copies of exactly `count` floats (SIAMCL_ERR_SHAPE if count differs
 * from the tensor's element count). Download waits for the queued work first. */
SIAMCL_API siamcl_status siamcl_tensor_upload(siamcl_tensor *t, const float *src, size_t count);
SIAMCL_API siamcl_status siamcl_tensor_download(const siamcl_tensor *t, float *dst, size_t count);

#ifdef __cplusplus
}
#endif
#endif
