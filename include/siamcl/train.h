/* Training Siamese networks on the op layer: twin branches with one set of
 * weights, a contrastive, triplet or SiamFC logistic loss, SGD or Adam, and
 * the trained weights written back as ONNX.
 *
 *   siamcl_train_params tp;
 *   siamcl_train_params_init(&tp, SIAMCL_LOSS_CONTRASTIVE);
 *   tp.batch = 128;                       // pairs per step
 *   siamcl_trainer *t;
 *   siamcl_trainer_create(ctx, model, &tp, &t);
 *   const float *in[2] = {a, b};          // 128 x 1 x 28 x 28 each
 *   double loss;
 *   siamcl_trainer_step(t, in, labels, &loss);   // forward, backward, update
 *   siamcl_trainer_export(t, "trained.onnx");
 *
 * Inputs per loss (batch B, the model's input shape C x H x W):
 *  - CONTRASTIVE: in[0], in[1] the two sides of B pairs; labels B floats,
 *    0 = similar, 1 = dissimilar. L = mean (1-Y) D^2/2 + Y max(0, m-D)^2/2.
 *  - TRIPLET: in[0] anchors, in[1] positives, in[2] negatives; labels NULL.
 *    L = mean max(0, d(a,p) - d(a,n) + m), d with PyTorch's eps 1e-6.
 *  - LOGISTIC (SiamFC): in[0] templates (template_batch x 3 x ts x ts, 1 =
 *    one template for every search), in[1] B search crops 3 x ss x ss;
 *    labels NULL (+1 within pos_radius of the map centre, balanced weights).
 *    response = head_scale * xcorr(f(z), f(x)) + head.bias (a learnable scalar).
 * The model is the branch: one input, one output (the embedding or the
 * feature map). Both branches run through it with the same weights and their
 * gradients add up. Ops with a backward pass: Conv (any stride, padding,
 * dilation, groups), Relu, MaxPool, Add, Gemm, Flatten/Reshape; others are
 * refused at creation naming the node. Threading: one thread at a time. */
#ifndef SIAMCL_TRAIN_H
#define SIAMCL_TRAIN_H

#include <stdint.h>

#include "siamcl/model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum siamcl_loss_kind {
    SIAMCL_LOSS_CONTRASTIVE = 0,
    SIAMCL_LOSS_TRIPLET,
    SIAMCL_LOSS_LOGISTIC
} siamcl_loss_kind;

typedef enum siamcl_optimizer_kind { SIAMCL_OPT_SGD = 0, SIAMCL_OPT_ADAM } siamcl_optimizer_kind;

typedef struct siamcl_train_params {
    siamcl_loss_kind loss;
    float margin;             /* contrastive / triplet margin (1) */
    int batch;                /* pairs, triplets or search crops per step (8) */
    int template_batch;       /* LOGISTIC: 1 (shared) or batch (one per search) (1) */
    int template_size;        /* LOGISTIC: template crop side (127) */
    int search_size;          /* LOGISTIC: search crop side (255) */
    float head_scale;         /* LOGISTIC: response scale (0.001) */
    float head_bias;          /* LOGISTIC: initial head.bias (0) */
    float pos_radius;         /* LOGISTIC: positive radius in search pixels (16) */
    float total_stride;       /* LOGISTIC: response cell size in search pixels (8) */
    siamcl_optimizer_kind optimizer;
    float lr;                 /* 1e-3 */
    float momentum;           /* SGD (0.9) */
    float weight_decay;       /* 0 */
    float beta1, beta2, eps;  /* Adam (0.9, 0.999, 1e-8) */
    int device;               /* index in the context (0) */
} siamcl_train_params;

/* Defaults for a loss (the values in brackets above). */
SIAMCL_API void siamcl_train_params_init(siamcl_train_params *p, siamcl_loss_kind loss);

typedef struct siamcl_trainer siamcl_trainer;

/* Build the training plans and upload the weights (a copy: the model is not
 * changed). SIAMCL_ERR_UNSUPPORTED names a node without a backward pass. */
SIAMCL_API siamcl_status siamcl_trainer_create(siamcl_context *ctx, siamcl_model *model,
                                               const siamcl_train_params *p, siamcl_trainer **out);
SIAMCL_API void siamcl_trainer_free(siamcl_trainer *t);

/* Forward and backward over one batch: *loss gets the batch mean, the
 * gradients are ready for siamcl_trainer_apply. A NaN or infinite loss gives
 * SIAMCL_ERR_NUMERIC naming the first parameter whose gradient went bad. */
SIAMCL_API siamcl_status siamcl_trainer_compute(siamcl_trainer *t, const float *const *inputs, const float *labels,
                                                double *loss);
/* One optimiser step with the last computed gradients. */
SIAMCL_API siamcl_status siamcl_trainer_apply(siamcl_trainer *t);
/* compute + apply. */
SIAMCL_API siamcl_status siamcl_trainer_step(siamcl_trainer *t, const float *const *inputs, const float *labels,
                                             double *loss);
SIAMCL_API siamcl_status siamcl_trainer_set_lr(siamcl_trainer *t, float lr);
/* Items per step (the batch it was created with). */
SIAMCL_API int siamcl_trainer_batch(const siamcl_trainer *t);
/* Optimiser steps taken so far. */
SIAMCL_API long siamcl_trainer_steps(const siamcl_trainer *t);

/* Parameters: names as in the ONNX file (plus "head.bias" for LOGISTIC). */
SIAMCL_API int siamcl_trainer_param_count(const siamcl_trainer *t);
SIAMCL_API const char *siamcl_trainer_param_name(const siamcl_trainer *t, int i);
SIAMCL_API size_t siamcl_trainer_param_size(const siamcl_trainer *t, int i);
/* Blocking copies of a parameter's values or its last gradient (exactly its
 * size: SIAMCL_ERR_SHAPE otherwise; SIAMCL_ERR_OUT_OF_RANGE for an unknown name). */
SIAMCL_API siamcl_status siamcl_trainer_read(const siamcl_trainer *t, const char *name, int grad, float *dst,
                                             size_t count);
SIAMCL_API siamcl_status siamcl_trainer_write(siamcl_trainer *t, const char *name, const float *src, size_t count);

/* Every trainable parameter's last gradient as one flat array, in parameter
 * order (count = siamcl_trainer_grad_count): data-parallel training sums the
 * workers' gradients and writes them back before siamcl_trainer_apply.
 * SIAMCL_ERR_SHAPE for another count. Blocking copies. */
SIAMCL_API size_t siamcl_trainer_grad_count(const siamcl_trainer *t);
SIAMCL_API siamcl_status siamcl_trainer_read_grads(const siamcl_trainer *t, float *dst, size_t count);
SIAMCL_API siamcl_status siamcl_trainer_write_grads(siamcl_trainer *t, const float *src, size_t count);

/* The branch's output for n inputs of the model's input shape (any n): the
 * embeddings of a batch with the current weights. out: n * dim floats. */
SIAMCL_API siamcl_status siamcl_trainer_embed(siamcl_trainer *t, const float *inputs, int n, float *out,
                                              size_t out_count);
/* Floats per item of the branch's output. */
SIAMCL_API size_t siamcl_trainer_output_size(const siamcl_trainer *t);
/* The model's input shape per item (n = 1). */
SIAMCL_API siamcl_shape siamcl_trainer_input_shape(const siamcl_trainer *t);

/* Write the model's ONNX file again with the trained weights as its
 * initializers (same graph). Refuses to overwrite the model's own file. */
SIAMCL_API siamcl_status siamcl_trainer_export(const siamcl_trainer *t, const char *path);

/* Checkpoints: weights, optimiser state and step count in one file, tied to
 * the model (loading a checkpoint of another model: SIAMCL_ERR_FORMAT). */
SIAMCL_API siamcl_status siamcl_trainer_save(const siamcl_trainer *t, const char *path);
SIAMCL_API siamcl_status siamcl_trainer_load(siamcl_trainer *t, const char *path);

/* ---- IDX files (MNIST, Fashion-MNIST), plain or .gz ---- */
typedef struct siamcl_idx {
    uint8_t *data;     /* count bytes, row-major */
    int ndims;         /* 1..4 */
    int dims[4];
    size_t count;
} siamcl_idx;
/* Unsigned-byte IDX only. Missing: SIAMCL_ERR_IO; truncated, trailing bytes,
 * bad magic: SIAMCL_ERR_FORMAT naming the file. */
SIAMCL_API siamcl_status siamcl_idx_read(const char *path, siamcl_idx *out);
SIAMCL_API void siamcl_idx_free(siamcl_idx *idx);

#ifdef __cplusplus
}
#endif

#endif
