/* Room lib/ops: the op launchers, one file per op family (its backward in
 * <family>_bwd.c), each enqueuing a kernel of cl/<family>.cl (cl/<family>_bwd.cl)
 * on a device's in-order queue. Float32, NCHW, batch N >= 1. May call
 * lib/runtime only; graph, train, sched and track call it.
 *
 * Conventions (so a backward pass can later sit beside each forward):
 *  - scl_<family>_<op>_fwd(dev, params, inputs..., outputs...) -> siamcl_status;
 *    a future scl_<family>_<op>_bwd takes the same params plus the gradients.
 *  - tensors are scl_view views: a buffer, an element offset and a 4-D shape;
 *  - launchers validate shapes and return SIAMCL_ERR_SHAPE / _INVALID_ARGUMENT
 *    before enqueuing anything; they never block (no clFinish);
 *  - kernels take shapes as arguments (one compiled program serves every shape)
 *    unless a fast path specialises them through the #define preamble. */
#ifndef SCL_OPS_H
#define SCL_OPS_H

#include "runtime/runtime.h"

/* A 4-D float view (NCHW) of a device buffer at a float offset: what launchers
 * read and write. Internal; the public tensor is siamcl_tensor (graph/tensor.h
 * turns one into a view with scl_view_of). */
typedef struct scl_view {
    cl_mem mem;
    size_t off;   /* offset in floats */
    int n, c, h, w;
} scl_view;

static inline size_t scl_view_count(const scl_view *t) {
    return (size_t)t->n * (size_t)t->c * (size_t)t->h * (size_t)t->w;
}
static inline scl_view scl_view_make(cl_mem m, int n, int c, int h, int w) {
    scl_view t = {m, 0, n, c, h, w};
    return t;
}

/* Validate a launcher's tensor: non-NULL buffer, positive dims, at most
 * max_count elements (the kernel's index range). SIAMCL_ERR_INVALID_ARGUMENT /
 * SIAMCL_ERR_SHAPE with `what` in the message. */
siamcl_status scl_view_check(const scl_view *t, const char *what, size_t max_count);

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
siamcl_status scl_eltwise_act_fwd(scl_device *dev, const scl_act_params *act, const scl_view *x, scl_view *y);
/* y = act(a + b), equal shapes (residual add). */
siamcl_status scl_eltwise_add_fwd(scl_device *dev, const scl_act_params *act, const scl_view *a,
                                  const scl_view *b, scl_view *y);

/* ---- conv.c (+ cl/conv.cl, cl/im2col.cl): 2-D convolution ---- */
typedef enum scl_conv_algo {
    SCL_CONV_AUTO = 0, /* launcher picks (1x1 -> GEMM, depthwise -> direct, ...) */
    SCL_CONV_DIRECT,   /* direct kernel */
    SCL_CONV_GEMM,     /* im2col + CLBlast SGEMM (1x1 stride-1 unpadded: GEMM straight on x) */
    SCL_CONV_WINOGRAD  /* F(2x2,3x3) for 3x3 stride-1 dilation-1 dense convs (others: direct) */
} scl_conv_algo;

typedef struct scl_conv_params {
    int kh, kw;
    int stride_h, stride_w;
    int pad_t, pad_l, pad_b, pad_r;
    int dil_h, dil_w;
    int groups;              /* 1 = dense; == C_in == C_out: depthwise */
    scl_act_params act;      /* fused activation applied last */
    scl_conv_algo algo;
} scl_conv_params;

/* Output spatial size for input h/w; returns SIAMCL_ERR_SHAPE if non-positive. */
siamcl_status scl_conv2d_out_size(const scl_conv_params *p, int h, int w, int *oh, int *ow);
/* 1x1, stride 1, no padding: a per-pixel product over channels. */
static inline int scl_conv_is_pointwise(const scl_conv_params *p) {
    return p->kh == 1 && p->kw == 1 && p->stride_h == 1 && p->stride_w == 1 && p->pad_t == 0 && p->pad_l == 0 &&
           p->pad_b == 0 && p->pad_r == 0;
}
/* The tensors of one convolution launch (designated initialisers: what is
 * not named is absent). */
typedef struct scl_conv_args {
    const scl_view *x;          /* input [N, C_in, H, W] */
    cl_mem w;                   /* weights [C_out, C_in/groups, kh, kw] at float offset woff */
    size_t woff;
    cl_mem bias;                /* [C_out] at boff, or NULL */
    size_t boff;
    const scl_view *residual;   /* added before the activation, or NULL */
    int res_row, res_plane;     /* reswin: the residual's row and plane strides (0 = y's layout) */
    const scl_view *x2;         /* dual: a second 1x1 conv summed in (input, weights [C_out, C2], bias) */
    cl_mem w2;
    size_t w2off;
    cl_mem bias2;
    size_t b2off;
    cl_mem workspace;           /* at least scl_conv2d_workspace_bytes, NULL if that is 0 */
    scl_view *y;                /* output */
} scl_conv_args;

/* Scratch bytes the chosen algorithm needs for this shape (0 for direct). */
size_t scl_conv2d_workspace_bytes(const scl_conv_params *p, const scl_view *x, const scl_view *y);
/* y = act(conv(x, w) + bias + residual), the residual a tensor of y's shape
 * (a fused residual add); reads x, w, woff, bias, boff, residual, workspace, y. */
siamcl_status scl_conv2d_fwd(scl_device *dev, const scl_conv_params *p, const scl_conv_args *a);

/* y = act(conv(x, w) + bias + conv(x2, w2) + bias2) for two 1x1 stride-1
 * unpadded groups-1 convolutions of inputs with one batch and spatial size
 * (channels C and C2, weights [C_out, C] and [C_out, C2]): one direct launch
 * over K = C + C2 (p->algo is not consulted). Biases may be NULL. A residual
 * unit's expansion conv plus its downsampling shortcut and the Add between
 * them, without the first conv's output ever being written. */
siamcl_status scl_conv2d_dual_fwd(scl_device *dev, const scl_conv_params *p, const scl_conv_args *a);

/* The same with the residual a window of a larger tensor: residual->off is
 * its first element and its shape is y's; rows are res_row floats apart and
 * channel planes res_plane (images res_plane * C_out); 0 = y's own layout.
 * E.g. the centre crop [1:-1, 1:-1] of an N x C x H x W tensor t at offset o:
 * off o + W + 1, res_row W, res_plane H * W. Always the direct kernel
 * (p->algo is not consulted); the window must not overlap y. */
siamcl_status scl_conv2d_reswin_fwd(scl_device *dev, const scl_conv_params *p, const scl_conv_args *a);

/* im2col of x's images into col: C*kh*kw rows of oh*ow columns per image,
 * row r of image n at n*img_stride + r*row_stride floats (the forward GEMM:
 * (rows*oh*ow, oh*ow); the backward pass: images side by side, (oh*ow, N*oh*ow)). */
siamcl_status scl_conv_im2col(scl_device *dev, const scl_conv_params *p, const scl_view *x, cl_mem col, int oh,
                              int ow, size_t img_stride, size_t row_stride);

/* ---- conv_winograd.c (+ cl/conv_winograd.cl): Winograd F(2x2,3x3) ---- */
/* Nonzero for 3x3 stride-1 dilation-1 groups-1 convs (any padding). */
int scl_conv_winograd_applies(const scl_conv_params *p);
/* Workspace bytes of the Winograd path for x -> y (0 if it does not apply). */
size_t scl_conv_winograd_workspace_bytes(const scl_conv_params *p, const scl_view *x, const scl_view *y);
/* The Winograd path of scl_conv2d_fwd (which checks shapes and buffers and
 * dispatches here for SCL_CONV_WINOGRAD); workspace_floats: its size. */
siamcl_status scl_conv_winograd_fwd(scl_device *dev, const scl_conv_params *p, const scl_conv_args *a,
                                    size_t workspace_floats);

/* ---- gemm.c (+ cl/conv_gemm.cl): CLBlast SGEMM, row-major ---- */
/* C = alpha * op(A) * op(B) + beta * C for `batch` matrices at strides sa/sb/sc
 * (floats; batch 1 ignores them). A is M x K after op, B is K x N, C is M x N.
 * Runs CLBlastSgemm once per batch item (one CLBlast program to compile);
 * problems of at most 2^20 multiply-adds per item run a small kernel instead
 * (CLBlast's fixed cost is 100-200 us per call on PoCL). beta = 0: C not read. */
siamcl_status scl_gemm_fwd(scl_device *dev, int trans_a, int trans_b, int m, int n, int k, float alpha, cl_mem a,
                           size_t aoff, int lda, size_t sa, cl_mem b, size_t boff, int ldb, size_t sb, float beta,
                           cl_mem c, size_t coff, int ldc, size_t sc, int batch);
/* The same for one matrix, with the small kernel taking larger problems
 * (training's fully-connected layers). */
siamcl_status scl_gemm_train(scl_device *dev, int trans_a, int trans_b, int m, int n, int k, float alpha, cl_mem a,
                             size_t aoff, int lda, cl_mem b, size_t boff, int ldb, float beta, cl_mem c, size_t coff,
                             int ldc);
/* gemm.c sets CLBlast's Xgemm parameters for a CPU device on its first call;
 * this makes the next call set them again (after something else overrode them). */
void scl_gemm_blas_reset(scl_device *dev);

/* ---- pool.c (+ cl/pool.cl) ---- */
typedef struct scl_pool_params {
    int kh, kw, stride_h, stride_w, pad_t, pad_l, pad_b, pad_r;
    int ceil_mode; /* 0 = floor */
} scl_pool_params;
siamcl_status scl_pool_out_size(const scl_pool_params *p, int h, int w, int *oh, int *ow);
siamcl_status scl_maxpool_fwd(scl_device *dev, const scl_pool_params *p, const scl_view *x, scl_view *y);
/* The same over the h x w window of x whose top-left cell is (y0, x0): a
 * spatial crop of x pooled in place (x's own row and plane strides), cells
 * outside the window are padding like those outside a tensor. */
siamcl_status scl_maxpool_window_fwd(scl_device *dev, const scl_pool_params *p, const scl_view *x, int y0,
                                     int x0, int h, int w, scl_view *y);
/* y [N,C,1,1] = mean over H,W */
siamcl_status scl_global_avgpool_fwd(scl_device *dev, const scl_view *x, scl_view *y);

/* ---- binary.c (+ cl/binary.cl): broadcasting add/mul ---- */
typedef enum scl_binary_op { SCL_BIN_ADD = 0, SCL_BIN_MUL, SCL_BIN_SUB, SCL_BIN_DIV } scl_binary_op;
/* y = act(a op b) with numpy broadcasting over the 4 dims (each dim of a and b
 * equals y's or is 1): covers [N,C,H,W] x [N,C,1,1] and scalars. In place
 * (y the same view as a or b) is allowed when that input has y's shape. */
siamcl_status scl_binary_fwd(scl_device *dev, scl_binary_op op, const scl_act_params *act, const scl_view *a,
                             const scl_view *b, scl_view *y);

/* ---- layout.c (+ cl/layout.cl): transpose, slice, concat ---- */
/* Inputs and output must not overlap (SIAMCL_ERR_INVALID_ARGUMENT). */
/* y = x permuted: y dim i = x dim perm[i]. */
siamcl_status scl_transpose_fwd(scl_device *dev, const int perm[4], const scl_view *x, scl_view *y);
/* y[i] = x[start + i*step] per dim (step >= 1); y's shape gives the extents. */
siamcl_status scl_slice_fwd(scl_device *dev, const int start[4], const int step[4], const scl_view *x,
                            scl_view *y);
/* y = concat of n inputs along axis (0..3). */
siamcl_status scl_concat_fwd(scl_device *dev, int axis, const scl_view *const *xs, int n, scl_view *y);

/* ---- xcorr.c (+ cl/xcorr.cl): Siamese cross-correlation ---- */
/* SiamFC head: y[n,0,i,j] = scale * sum_c,u,v z[zn,c,u,v] x[n,c,i+u,j+v] + bias,
 * z batch 1 (shared by every n) or N (one template per search item). */
siamcl_status scl_xcorr_fwd(scl_device *dev, float scale, float bias, const scl_view *z, const scl_view *x,
                            scl_view *y);
/* Depthwise: y[n,c,i,j] = sum_u,v z[zn,c,u,v] x[n,c,i+u,j+v], z batch 1 or N. */
siamcl_status scl_xcorr_dw_fwd(scl_device *dev, const scl_view *z, const scl_view *x, scl_view *y);

/* ---- crop.c (+ cl/crop.cl): sub-windows straight from an 8-bit frame ---- */
/* One request: the integer square window [x0, x0+side) x [y0, y0+side) of the
 * frame (may reach outside it), resampled to out x out. */
typedef struct scl_crop_req {
    int x0, y0, side;
} scl_crop_req;
typedef struct scl_crop_params {
    int out;          /* output side S */
    int swap_rb;      /* 1: frame is RGB and the network wants BGR (or vice versa) */
    float pad[3];     /* colour outside the frame, in the network's channel order
                         (u8_exact: truncated to 0..255 integers, like a numpy uint8 canvas) */
    int u8_exact;     /* 1: emulate OpenCV uint8 INTER_LINEAR (fixed-point, rounded to 8 bit) */
    int tile[2];      /* work-item tile V x B (V 4, 8 or 16 columns; B 1..256 rows); 0: the device's
                         (SIAMCL_CROP_TILE at context creation, else 8x64 on CPUs, 4x8 elsewhere) */
    int reqs_kept;    /* 1: the caller keeps `reqs` until its next blocking call on the queue, so
                         they are written without waiting (0: a blocking write) */
} scl_crop_params;
/* frame: device buffer of H x W x channels uint8 (channels 1 or 3, row stride
 * W*channels) at byte offset foff. y: [M,3,S,S] float, bilinear with half-pixel
 * centres (src = (dst+0.5)*side/S - 0.5), no antialias; all M requests in one launch. */
siamcl_status scl_crop_fwd(scl_device *dev, const scl_crop_params *p, cl_mem frame, size_t foff, int width,
                           int height, int channels, const scl_crop_req *reqs, int m, cl_mem reqbuf,
                           scl_view *y);
/* reqbuf: caller-owned device buffer of at least m * sizeof(scl_crop_req) bytes,
 * written (blocking) by the launcher; plans/trackers allocate it once. */

/* ---- resize.c (+ cl/resize.cl) ---- */
/* Bicubic upsampling like OpenCV INTER_CUBIC: a = -0.75, half-pixel centres,
 * replicated border; y's h/w give the output size (e.g. 17 -> 272). */
siamcl_status scl_resize_bicubic_fwd(scl_device *dev, const scl_view *x, scl_view *y);

/* ==== backward passes (<family>_bwd.c + cl/<family>_bwd.cl) ====
 * Every gradient is accumulated (+=), never overwritten: a tensor read by
 * several nodes (or a weight shared by two branches) sums its gradients, and
 * a training step zeroes them once. NULL gradient outputs are skipped. */

/* ---- conv_bwd.c: for y = conv(x, w) + bias (p->act must be NONE) ---- */
/* Workspace bytes of scl_conv2d_bwd (one image's column matrix). */
size_t scl_conv2d_bwd_workspace_bytes(const scl_conv_params *p, const scl_view *x, const scl_view *dy);
/* dx += dL/dx, dw (at dwoff, w's layout) += dL/dw, db (at dboff) += dL/dbias. */
siamcl_status scl_conv2d_bwd(scl_device *dev, const scl_conv_params *p, const scl_view *x, cl_mem w, size_t woff,
                             const scl_view *dy, scl_view *dx, cl_mem dw, size_t dwoff, cl_mem db, size_t dboff,
                             cl_mem workspace);

/* ---- eltwise_bwd.c ---- */
/* Relu from its output y: dx += dy where y > 0. */
siamcl_status scl_relu_bwd(scl_device *dev, const scl_view *y, const scl_view *dy, scl_view *dx);
/* dx += dy summed over the dims where dx is 1 and dy is not (backward of a
 * broadcast; equal shapes: accumulate). Reshape: view both flat. */
siamcl_status scl_reduce_acc(scl_device *dev, const scl_view *dy, scl_view *dx);

/* ---- pool_bwd.c ---- */
/* ws: a buffer of scl_maxpool_bwd_workspace_bytes(dy) (the windows' maxima). */
size_t scl_maxpool_bwd_workspace_bytes(const scl_view *dy);
siamcl_status scl_maxpool_bwd(scl_device *dev, const scl_pool_params *p, const scl_view *x, const scl_view *dy,
                              scl_view *dx, cl_mem ws);

/* ---- batchnorm.c / batchnorm_bwd.c: BatchNormalization, training mode ---- */
/* Per-channel tensors (float offsets into their buffers) and settings; x is
 * [N, C, P] as a view's n, c and h*w. saved: 2*C floats the forward writes
 * (batch mean, inverse std) and the backward reads. */
typedef struct scl_bn_tensors {
    cl_mem gamma, beta, mean, var, saved;
    size_t gamma_off, beta_off, mean_off, var_off;
    float eps, momentum;     /* ONNX: running = momentum * running + (1 - momentum) * batch */
    int update_running;      /* training: update mean/var with the batch statistics */
} scl_bn_tensors;
siamcl_status scl_bn_check(const scl_bn_tensors *b, const scl_view *x, const char *what);
/* training: batch statistics (and the running update); else the running statistics. */
siamcl_status scl_bn_fwd(scl_device *dev, const scl_bn_tensors *b, int training, const scl_view *x,
                         scl_view *y);
/* After a training-mode forward: dx (may be NULL) += dL/dx, dgamma/dbeta (may be NULL) +=;
 * sums: a scratch buffer of 2*C floats. */
siamcl_status scl_bn_bwd(scl_device *dev, const scl_bn_tensors *b, const scl_view *x, const scl_view *dy,
                         scl_view *dx, cl_mem dgamma, size_t dgoff, cl_mem dbeta, size_t dboff, cl_mem sums);

/* ---- xcorr_bwd.c: for y = scale * xcorr(z, x) (+ bias), z batch 1 or N ---- */
siamcl_status scl_xcorr_bwd(scl_device *dev, float scale, const scl_view *z, const scl_view *x,
                            const scl_view *dy, scl_view *dz, scl_view *dx);

#endif
