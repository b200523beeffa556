/* Choosing a convolution algorithm per layer (convtune.c): the SIAMCL_CONV
 * mode, and a tuner that returns a layer's cached choice or measures the
 * candidates through a timer its caller (a plan) supplies and caches the
 * fastest. Knows devices and launcher parameters, not plans. */
#ifndef SCL_GRAPH_CONVTUNE_H
#define SCL_GRAPH_CONVTUNE_H

#include "ops/ops.h"

/* SIAMCL_CONV = direct | gemm | winograd | auto | tune; the default is tune on
 * GPUs/accelerators, auto on CPUs. */
enum { SCL_CONV_MODE_AUTO = 0, SCL_CONV_MODE_DIRECT, SCL_CONV_MODE_GEMM, SCL_CONV_MODE_TUNE, SCL_CONV_MODE_WINOGRAD };
int scl_conv_mode(const scl_device *dev);
/* Nonzero when the mode runs a 1x1 stride-1 conv with the direct kernel on
 * this device (then two of them summed may run as one dual step). */
int scl_conv_mode_pointwise_direct(const scl_device *dev, int mode);
/* The algorithm every conv layer starts with under the mode (tune: GEMM, so
 * that a workspace is sized for the largest candidate until tuned). */
scl_conv_algo scl_conv_mode_algo(int mode);

/* One conv layer as the tuner sees it. */
typedef struct scl_conv_layer {
    const char *name;             /* for the debug log */
    const scl_conv_params *conv;
    const scl_view *x, *y;
    int act, res;                 /* fused activation, residual (part of the key) */
    size_t workspace_bytes;       /* what the caller can give a candidate */
} scl_conv_layer;

/* Time the layer with algorithm a (ms). */
typedef siamcl_status (*scl_conv_timer)(void *arg, scl_conv_algo a, double *ms);

typedef struct scl_conv_tuner {
    const scl_device *dev;
    char path[600];               /* SIAMCL_CACHE_DIR/conv-tune.txt, "" without a cache */
    char *cache;                  /* its text when opened */
} scl_conv_tuner;

void scl_conv_tuner_open(scl_conv_tuner *t, const scl_device *dev);
void scl_conv_tuner_close(scl_conv_tuner *t);
/* The layer's cached algorithm, else the fastest of direct, GEMM and (where it
 * applies and fits) Winograd by `time`, appended to the cache. */
siamcl_status scl_conv_tuner_choose(scl_conv_tuner *t, const scl_conv_layer *l, scl_conv_timer time, void *arg,
                                    scl_conv_algo *out);

#endif
