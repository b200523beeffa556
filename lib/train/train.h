/* lib/train: training on the op layer. Owns the parameter set (weights,
 * gradients and optimiser state of one model on one device), training plans
 * (autograd over the graph: a forward pass that keeps every activation, then
 * the reverse pass calling each op's backward launcher), the losses and the
 * optimisers. May call lib/graph (the IR, shapes), lib/ops and lib/runtime;
 * lib/onnx only to write trained weights back. Nothing below calls it.
 *
 * Twin branches share weights by sharing one scl_tparams: every plan built
 * on it reads the same weights and accumulates into the same gradients. */
#ifndef SCL_TRAIN_TRAIN_H
#define SCL_TRAIN_TRAIN_H

#include "graph/graph.h"
#include "ops/ops.h"

/* ---- params.c: the parameter set ---- */
typedef struct scl_tparam {
    char *name;
    int value;      /* graph value index, -1 for parameters outside the graph (a head's bias) */
    scl_dims dims;
    size_t off;     /* float offset in the set's buffers */
    size_t count;
} scl_tparam;

typedef struct scl_tparams {
    scl_device *dev;
    scl_tparam *p;
    int n;
    size_t total;   /* floats */
    size_t trainable; /* floats [0, trainable) the optimiser steps; buffers after */
    int *of_value;  /* graph value -> parameter index, -1 */
    cl_mem w, g, s1, s2; /* weights, gradients, optimiser state (s2: Adam only) */
} scl_tparams;

/* Every float constant a graph node reads as data (weights, biases) becomes a
 * parameter, initialised from the graph; extra: parameters outside the graph
 * (name, count, initial value), may be NULL. Uploads to dev. */
typedef struct scl_tparam_extra {
    const char *name;
    size_t count;
    float init;
} scl_tparam_extra;
siamcl_status scl_tparams_create(const scl_graph *g, scl_device *dev, const scl_tparam_extra *extra, int nextra,
                                 scl_tparams **out);
void scl_tparams_free(scl_tparams *ps);
int scl_tparams_find(const scl_tparams *ps, const char *name);
/* Zero every gradient (enqueued). */
siamcl_status scl_tparams_zero_grad(scl_tparams *ps);
/* The 4-D view of parameter i in the weights (grad = 0) or gradients (grad = 1). */
scl_view scl_tparams_view(const scl_tparams *ps, int i, int grad);
/* Name of the first parameter with a NaN or infinite gradient, NULL if none (blocking read). */
siamcl_status scl_tparams_bad_grad(const scl_tparams *ps, const char **name);

/* ---- checkpoint.c ---- */
/* src's ONNX file written to dst with the graph parameters' current values;
 * dst NULL: only check that every graph parameter is a float initializer of src. */
siamcl_status scl_tparams_export(const scl_tparams *ps, const char *src, const char *dst);
/* Weights + optimiser state + step count; load checks the file is of this parameter set. */
siamcl_status scl_tparams_save(const scl_tparams *ps, long step, const char *path);
siamcl_status scl_tparams_load(scl_tparams *ps, const char *path, long *step);

/* ---- tplan.c: a training plan for one input shape ---- */
typedef struct scl_tplan scl_tplan;
/* One input, one output, and a backward pass for every live node (else
 * SIAMCL_ERR_UNSUPPORTED naming the first node without one). */
siamcl_status scl_tplan_check(const scl_graph *g);
/* The graph must have one input and one output; every live node needs a
 * backward pass (SIAMCL_ERR_UNSUPPORTED naming the node otherwise). */
/* training = 0: an evaluation plan (BatchNormalization from its running statistics). */
siamcl_status scl_tplan_create(const scl_graph *g, scl_tparams *ps, const scl_dims *in_dims, int training,
                               scl_tplan **out);
void scl_tplan_free(scl_tplan *t);
scl_view scl_tplan_input(const scl_tplan *t);
scl_view scl_tplan_output(const scl_tplan *t);
/* The output's gradient: written by a loss after scl_tplan_zero_grad. */
scl_view scl_tplan_output_grad(const scl_tplan *t);
siamcl_status scl_tplan_forward(scl_tplan *t);
/* Zero the plan's activation gradients (not the parameters'). */
siamcl_status scl_tplan_zero_grad(scl_tplan *t);
/* Reverse pass from the output gradient: parameter gradients accumulate. */
siamcl_status scl_tplan_backward(scl_tplan *t);
/* Gradient bytes as planned (buffers reused by liveness) and with one buffer per value. */
void scl_tplan_memory(const scl_tplan *t, size_t *grad_bytes, size_t *grad_naive);

/* ---- loss.c (+ cl/loss.cl) ---- */
/* Each writes per-item losses to loss (N floats) and the mean's gradient to de. */
siamcl_status scl_loss_contrastive(scl_device *dev, const scl_view *e, cl_mem labels, float margin,
                                   scl_view *de, cl_mem loss, int n);
siamcl_status scl_loss_triplet(scl_device *dev, const scl_view *e, float margin, float eps, scl_view *de,
                               cl_mem loss, int n);
siamcl_status scl_loss_logistic(scl_device *dev, const scl_view *r, cl_mem labels, cl_mem weights,
                                scl_view *dr, cl_mem loss);
/* SiamFC's labels and weights for a size x size response map: +1 within
 * radius/stride cells of the centre, else -1; weights 0.5/#pos and 0.5/#neg. */
void scl_logistic_labels(int size, float radius, float stride, float *labels, float *weights);

/* ---- optim.c (+ cl/optim.cl) ---- */
typedef enum scl_opt_kind { SCL_OPT_SGD = 0, SCL_OPT_ADAM } scl_opt_kind;
typedef struct scl_opt {
    scl_opt_kind kind;
    float lr, momentum, weight_decay, beta1, beta2, eps;
    long step;      /* steps taken so far */
} scl_opt;
/* One step over every parameter of ps (one launch); advances o->step. */
siamcl_status scl_opt_step(scl_opt *o, scl_tparams *ps);

#endif
