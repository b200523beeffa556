/* Training plans: autograd over the graph for one input shape. The forward
 * pass runs the graph node by node without fusions and keeps every
 * activation (the backward launchers read them); the reverse pass walks the
 * nodes backwards and calls each op's backward launcher, gradients
 * accumulating (a value read twice sums both contributions; parameters live
 * in the shared scl_tparams). Reshape/Flatten/Identity alias their input's
 * buffers, so their backward is free.
 *
 * Adding an op: its forward and backward launchers in lib/ops, one case in
 * node_fwd and one in node_bwd below, its name in has_bwd. */
#include <string.h>

#include "graph/plan.h"
#include "train/train.h"

struct scl_tplan {
    const scl_graph *g;
    scl_tparams *ps;
    scl_device *dev;
    scl_dims *dims;
    cl_mem *act, *grad;  /* per value (activations and the input); aliases share */
    unsigned char *own;  /* 1: act buffer of this value is its own (freed) */
    int *zero_next, *zero_head; /* roots whose gradient is zeroed before node k's backward (lists) */
    cl_mem *slot;        /* gradient buffers, reused by liveness over the reverse pass */
    int nslots;
    cl_mem out_grad;     /* the output's gradient (written by the loss) */
    cl_mem *bn_saved;    /* per node: BatchNormalization's batch mean and inverse std (2*C floats) */
    unsigned char *fused_relu; /* per node: a Conv whose Relu runs inside it */
    int training;        /* 0: evaluation (BatchNormalization from the running statistics) */
    cl_mem ws;
    size_t grad_bytes, grad_naive;
    int in, out;
};

static int has_bwd(const scl_node *n) {
    switch (n->op) {
    case SCL_GOP_CONV: case SCL_GOP_RELU: case SCL_GOP_MAXPOOL: case SCL_GOP_ADD: case SCL_GOP_RESHAPE:
    case SCL_GOP_BN: return 1;
    case SCL_GOP_GEMM: return !n->a.gemm.trans_a;
    default: return 0;
    }
}

static scl_view view(const scl_tplan *t, int v, int grad) {
    if (t->g->vals[v].kind == SCL_V_CONST) return scl_tparams_view(t->ps, t->ps->of_value[v], grad);
    int d[4] = {1, 1, 1, 1};
    const scl_dims *s = &t->dims[v];
    for (int k = 0; k < s->rank; k++) d[4 - s->rank + k] = (int)s->d[k];
    return scl_view_make(grad ? t->grad[v] : t->act[v], d[0], d[1], d[2], d[3]);
}

static siamcl_status conv_params(const scl_tplan *t, const scl_node *n, scl_conv_params *c) {
    return scl_plan_conv_params(t->g, n, t->dims, c);
}

static siamcl_status pool_params(const scl_tplan *t, const scl_node *n, scl_pool_params *p) {
    return scl_plan_pool_params(t->g, n, t->dims, p);
}

/* GEMM operand geometry: y [m, n] = alpha a [m, k] op(b) */
static void gemm_geom(const scl_tplan *t, const scl_node *n, int *m, int *nn, int *k) {
    const scl_dims *y = &t->dims[n->out], *a = &t->dims[n->in[0]];
    *m = (int)y->d[0];
    *nn = (int)y->d[1];
    *k = (int)a->d[1];
}

/* A Relu may overwrite its input when nothing else reads it and the input's
 * producer does not need its own output backwards (Conv, Add, Gemm, BN: they read
 * their inputs); Relu's backward reads only its output. */
static int relu_in_place(const scl_graph *g, const scl_node *n) {
    if (n->op != SCL_GOP_RELU || g->vals[n->in[0]].kind != SCL_V_ACT || scl_graph_uses(g, n->in[0]) != 1 ||
        scl_graph_is_output(g, n->in[0]))
        return 0;
    scl_gop p = g->nodes[g->vals[n->in[0]].producer].op;
    return p == SCL_GOP_CONV || p == SCL_GOP_ADD || p == SCL_GOP_GEMM || p == SCL_GOP_BN;
}

/* A Relu that overwrites the output of the Conv before it runs inside that
 * Conv (fused activation): the Conv's output is never stored unrectified, and
 * nothing needs it (the Relu's backward reads the rectified values). */
static int relu_fused(const scl_graph *g, const scl_node *relu) {
    return relu_in_place(g, relu) && g->nodes[g->vals[relu->in[0]].producer].op == SCL_GOP_CONV;
}

/* The Relu fused into conv node n, if any. */
static int conv_fuses_relu(const scl_tplan *t, const scl_node *n) {
    return t->fused_relu[n - t->g->nodes];
}

/* BatchNormalization's x as [N, C, P] (channels on axis 1 at any rank). */
static scl_view bn_view(const scl_tplan *t, int v, int grad) {
    const scl_dims *d = &t->dims[v];
    int64_t p = 1;
    for (int k = 2; k < d->rank; k++) p *= d->d[k];
    scl_view x = scl_view_make(grad ? t->grad[v] : t->act[v], (int)d->d[0], d->rank > 1 ? (int)d->d[1] : 1,
                                   (int)p, 1);
    return x;
}

static scl_bn_tensors bn_tensors(const scl_tplan *t, const scl_node *n, int ni) {
    scl_view g = view(t, n->a.bn.gamma, 0), b = view(t, n->a.bn.beta, 0), m = view(t, n->a.bn.mean, 0),
               v = view(t, n->a.bn.var, 0);
    scl_bn_tensors bt = {g.mem, b.mem, m.mem, v.mem, t->bn_saved[ni], g.off, b.off, m.off, v.off,
                         n->a.bn.eps, n->a.bn.momentum, t->training};
    return bt;
}

static siamcl_status node_fwd(scl_tplan *t, const scl_node *n) {
    scl_device *dev = t->dev;
    scl_view x = view(t, n->in[0], 0), y = view(t, n->out, 0);
    switch (n->op) {
    case SCL_GOP_CONV: {
        scl_conv_params c;
        SCL_TRY(conv_params(t, n, &c));
        scl_view w = view(t, n->in[1], 0), b = n->nin > 2 && n->in[2] >= 0 ? view(t, n->in[2], 0) : w;
        int hb = n->nin > 2 && n->in[2] >= 0;
        if (conv_fuses_relu(t, n)) c.act.act = SCL_ACT_RELU;
        return scl_conv2d_fwd(dev, &c, &(scl_conv_args){.x = &x, .w = w.mem, .woff = w.off, .bias = hb ? b.mem : NULL,
                                                        .boff = hb ? b.off : 0, .workspace = t->ws, .y = &y});
    }
    case SCL_GOP_RELU: {
        if (relu_fused(t->g, n)) return SIAMCL_OK; /* ran inside its Conv */
        scl_act_params a = {SCL_ACT_RELU, 0, 0};
        return scl_eltwise_act_fwd(dev, &a, &x, &y);
    }
    case SCL_GOP_MAXPOOL: {
        scl_pool_params p;
        SCL_TRY(pool_params(t, n, &p));
        return scl_maxpool_fwd(dev, &p, &x, &y);
    }
    case SCL_GOP_ADD: {
        scl_act_params a = {SCL_ACT_NONE, 0, 0};
        scl_view b = view(t, n->in[1], 0);
        return scl_binary_fwd(dev, SCL_BIN_ADD, &a, &x, &b, &y);
    }
    case SCL_GOP_GEMM: {
        int m, nn, k;
        gemm_geom(t, n, &m, &nn, &k);
        scl_view b = view(t, n->in[1], 0);
        int tb = n->a.gemm.trans_b;
        return scl_gemm_train(dev, 0, tb, m, nn, k, n->a.gemm.alpha, x.mem, x.off, k, b.mem, b.off, tb ? k : nn, 0.0f,
                              y.mem, y.off, nn);
    }
    case SCL_GOP_BN: {
        scl_bn_tensors bt = bn_tensors(t, n, (int)(n - t->g->nodes));
        scl_view bx = bn_view(t, n->in[0], 0), by = bn_view(t, n->out, 0);
        return scl_bn_fwd(dev, &bt, t->training, &bx, &by);
    }
    case SCL_GOP_RESHAPE: return SIAMCL_OK; /* aliased */
    default: return scl_fail(SIAMCL_ERR_UNSUPPORTED, "training: node '%s' (%s) has no training pass", n->name,
                             scl_gop_name(n->op));
    }
}

/* Gradient target of input i of n, or 0 when it needs none (graph inputs). */
static int wants_grad(const scl_tplan *t, int v) {
    if (v < 0) return 0;
    const scl_value *val = &t->g->vals[v];
    return val->kind == SCL_V_ACT || (val->kind == SCL_V_CONST && t->ps->of_value[v] >= 0);
}

static siamcl_status gemm_bwd(scl_tplan *t, const scl_node *n) {
    int m, nn, k, tb = n->a.gemm.trans_b;
    gemm_geom(t, n, &m, &nn, &k);
    float al = n->a.gemm.alpha;
    scl_view a = view(t, n->in[0], 0), b = view(t, n->in[1], 0), dy = view(t, n->out, 1);
    if (wants_grad(t, n->in[0])) { /* dA [m,k] += alpha dY [m,n] op(B)^T */
        scl_view da = view(t, n->in[0], 1);
        SCL_TRY(scl_gemm_train(t->dev, 0, !tb, m, k, nn, al, dy.mem, dy.off, nn, b.mem, b.off, tb ? k : nn, 1.0f,
                               da.mem, da.off, k));
    }
    if (wants_grad(t, n->in[1])) {
        scl_view db = view(t, n->in[1], 1);
        if (tb) /* dB [n,k] += alpha dY^T A */
            return scl_gemm_train(t->dev, 1, 0, nn, k, m, al, dy.mem, dy.off, nn, a.mem, a.off, k, 1.0f, db.mem,
                                  db.off, k);
        /* dB [k,n] += alpha A^T dY */
        return scl_gemm_train(t->dev, 1, 0, k, nn, m, al, a.mem, a.off, k, dy.mem, dy.off, nn, 1.0f, db.mem, db.off,
                              nn);
    }
    return SIAMCL_OK;
}

static siamcl_status node_bwd(scl_tplan *t, const scl_node *n) {
    scl_device *dev = t->dev;
    scl_view x = view(t, n->in[0], 0), dy = view(t, n->out, 1), dx = view(t, n->in[0], 1);
    int gx = wants_grad(t, n->in[0]);
    switch (n->op) {
    case SCL_GOP_CONV: {
        scl_conv_params c;
        SCL_TRY(conv_params(t, n, &c));
        scl_view w = view(t, n->in[1], 0), dw = view(t, n->in[1], 1);
        int hb = n->nin > 2 && n->in[2] >= 0;
        scl_view db = hb ? view(t, n->in[2], 1) : dw;
        return scl_conv2d_bwd(dev, &c, &x, w.mem, w.off, &dy, gx ? &dx : NULL, dw.mem, dw.off, hb ? db.mem : NULL,
                              hb ? db.off : 0, t->ws);
    }
    case SCL_GOP_RELU: {
        scl_view y = view(t, n->out, 0);
        return gx ? scl_relu_bwd(dev, &y, &dy, &dx) : SIAMCL_OK;
    }
    case SCL_GOP_MAXPOOL: {
        scl_pool_params p;
        SCL_TRY(pool_params(t, n, &p));
        return gx ? scl_maxpool_bwd(dev, &p, &x, &dy, &dx, t->ws) : SIAMCL_OK;
    }
    case SCL_GOP_ADD:
        for (int i = 0; i < 2; i++)
            if (wants_grad(t, n->in[i])) {
                scl_view d = view(t, n->in[i], 1);
                SCL_TRY(scl_reduce_acc(dev, &dy, &d));
            }
        return SIAMCL_OK;
    case SCL_GOP_GEMM: return gemm_bwd(t, n);
    case SCL_GOP_BN: {
        scl_bn_tensors bt = bn_tensors(t, n, (int)(n - t->g->nodes));
        scl_view bx = bn_view(t, n->in[0], 0), bdy = bn_view(t, n->out, 1), bdx = bn_view(t, n->in[0], 1);
        scl_view dg = view(t, n->a.bn.gamma, 1), db = view(t, n->a.bn.beta, 1);
        return scl_bn_bwd(dev, &bt, &bx, &bdy, gx ? &bdx : NULL, dg.mem, dg.off, db.mem, db.off, t->ws);
    }
    case SCL_GOP_RESHAPE: return SIAMCL_OK; /* aliased */
    default: return scl_fail(SIAMCL_ERR_UNSUPPORTED, "training: node '%s' (%s) has no backward pass", n->name,
                             scl_gop_name(n->op));
    }
}

/* Workspace for node n: the larger of its forward and backward needs. */
static siamcl_status node_ws(scl_tplan *t, const scl_node *n, size_t *bytes) {
    *bytes = 0;
    if (n->op == SCL_GOP_MAXPOOL) {
        scl_view y = view(t, n->out, 0);
        *bytes = scl_maxpool_bwd_workspace_bytes(&y);
    }
    if (n->op == SCL_GOP_BN) *bytes = 2 * (size_t)bn_view(t, n->in[0], 0).c * sizeof(float);
    if (n->op != SCL_GOP_CONV) return SIAMCL_OK;
    scl_conv_params c;
    SCL_TRY(conv_params(t, n, &c));
    scl_view x = view(t, n->in[0], 0), y = view(t, n->out, 0);
    size_t f = scl_conv2d_workspace_bytes(&c, &x, &y), b = scl_conv2d_bwd_workspace_bytes(&c, &x, &y);
    *bytes = f > b ? f : b;
    return SIAMCL_OK;
}

siamcl_status scl_tplan_check(const scl_graph *g) {
    if (g->ninputs != 1 || g->noutputs != 1)
        return scl_fail(SIAMCL_ERR_UNSUPPORTED, "training: %s has %d inputs and %d outputs (one of each is needed)",
                        g->name, g->ninputs, g->noutputs);
    for (int k = 0; k < g->norder; k++) {
        const scl_node *n = &g->nodes[g->order[k]];
        if (!has_bwd(n))
            return scl_fail(SIAMCL_ERR_UNSUPPORTED, "training: node '%s' (%s%s) of %s has no backward pass", n->name,
                            scl_gop_name(n->op), n->op == SCL_GOP_GEMM ? " with transA" : "", g->name);
    }
    return SIAMCL_OK;
}

static size_t value_bytes(const scl_tplan *t, int v) { return (size_t)scl_dims_count(&t->dims[v]) * sizeof(float); }

/* Activations: one buffer each (the reverse pass reads them); Reshape outputs
 * and in-place Relus alias their input. */
static siamcl_status plan_activations(scl_tplan *t, size_t *ws) {
    const scl_graph *g = t->g;
    SCL_TRY(scl_buffer_alloc(t->dev, value_bytes(t, t->in), &t->act[t->in]));
    t->own[t->in] = 1;
    *ws = 0;
    for (int k = 0; k < g->norder; k++) {
        const scl_node *n = &g->nodes[g->order[k]];
        if (n->op == SCL_GOP_RESHAPE || relu_in_place(g, n)) { /* a view of its input */
            t->act[n->out] = t->act[n->in[0]];
            continue;
        }
        SCL_TRY(scl_buffer_alloc(t->dev, value_bytes(t, n->out), &t->act[n->out]));
        t->own[n->out] = 1;
        if (n->op == SCL_GOP_BN) {
            size_t sb = 2 * (size_t)bn_view(t, n->in[0], 0).c * sizeof(float);
            SCL_TRY(scl_buffer_alloc(t->dev, sb, &t->bn_saved[g->order[k]]));
        }
        size_t b;
        SCL_TRY(node_ws(t, n, &b));
        if (b > *ws) *ws = b;
    }
    return SIAMCL_OK;
}

/* The value whose buffers v shares (through Reshapes). */
static int root_of(const scl_graph *g, int v) {
    while (g->vals[v].producer >= 0 && g->nodes[g->vals[v].producer].op == SCL_GOP_RESHAPE)
        v = g->nodes[g->vals[v].producer].in[0];
    return v;
}

/* A free slot for `bytes`: the smallest that fits, else the largest free one
 * grown to fit, else a new one (sizes only: buffers are made after planning). */
static int take_slot(scl_tplan *t, size_t bytes, size_t *slot_bytes, unsigned char *busy) {
    int fit = -1, big = -1;
    for (int i = 0; i < t->nslots; i++) {
        if (busy[i]) continue;
        if (slot_bytes[i] >= bytes && (fit < 0 || slot_bytes[i] < slot_bytes[fit])) fit = i;
        if (big < 0 || slot_bytes[i] > slot_bytes[big]) big = i;
    }
    int s = fit >= 0 ? fit : big >= 0 ? big : t->nslots++;
    if (slot_bytes[s] < bytes) slot_bytes[s] = bytes;
    busy[s] = 1;
    return s;
}

/* Gradients by liveness over the reverse pass: the gradient of a value (its
 * Reshape aliases included) is born zeroed before the backward of its last
 * reader in forward order and dies after the backward of its producer. */
static siamcl_status plan_gradients(scl_tplan *t, int *first, int *slot_of, size_t *slot_bytes, unsigned char *busy) {
    const scl_graph *g = t->g;
    int nv = g->nvals, rout = root_of(g, t->out);
    for (int v = 0; v < nv; v++) first[v] = -1, slot_of[v] = -1, t->zero_next[v] = -1;
    for (int k = 0; k < g->norder; k++) {
        const scl_node *n = &g->nodes[g->order[k]];
        t->zero_head[k] = -1;
        for (int i = 0; i < n->nin && n->op != SCL_GOP_RESHAPE; i++)
            if (n->in[i] >= 0 && g->vals[n->in[i]].kind == SCL_V_ACT) first[root_of(g, n->in[i])] = k;
    }
    SCL_TRY(scl_buffer_alloc(t->dev, value_bytes(t, rout), &t->out_grad));
    t->grad_bytes += value_bytes(t, rout);
    for (int k = g->norder - 1; k >= 0; k--) {
        for (int v = 0; v < nv; v++)
            if (first[v] == k && v != rout && root_of(g, v) == v) {
                slot_of[v] = take_slot(t, value_bytes(t, v), slot_bytes, busy);
                t->zero_next[v] = t->zero_head[k];
                t->zero_head[k] = v;
                t->grad_naive += value_bytes(t, v);
            }
        const scl_node *n = &g->nodes[g->order[k]];
        if (n->op != SCL_GOP_RESHAPE && slot_of[n->out] >= 0) busy[slot_of[n->out]] = 0;
    }
    for (int i = 0; i < t->nslots; i++) {
        SCL_TRY(scl_buffer_alloc(t->dev, slot_bytes[i], &t->slot[i]));
        t->grad_bytes += slot_bytes[i];
    }
    for (int v = 0; v < nv; v++) {
        int r = root_of(g, v);
        t->grad[v] = r == rout ? t->out_grad : slot_of[r] >= 0 ? t->slot[slot_of[r]] : NULL;
    }
    t->grad_naive += value_bytes(t, rout);
    return SIAMCL_OK;
}

static siamcl_status build(scl_tplan *t) {
    size_t ws;
    SCL_TRY(plan_activations(t, &ws));
    size_t nv = (size_t)t->g->nvals;
    int *first = scl_malloc(nv * sizeof(int)), *slot_of = scl_malloc(nv * sizeof(int));
    size_t *slot_bytes = scl_calloc(nv, sizeof(size_t));
    unsigned char *busy = scl_calloc(nv, 1);
    t->slot = scl_calloc(nv, sizeof(cl_mem));
    siamcl_status st = first && slot_of && slot_bytes && busy && t->slot
                           ? plan_gradients(t, first, slot_of, slot_bytes, busy)
                           : scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "training plan: out of memory");
    scl_free(first);
    scl_free(slot_of);
    scl_free(slot_bytes);
    scl_free(busy);
    SCL_TRY(st);
    if (ws) SCL_TRY(scl_buffer_alloc(t->dev, ws, &t->ws));
    return SIAMCL_OK;
}

siamcl_status scl_tplan_create(const scl_graph *g, scl_tparams *ps, const scl_dims *in_dims, int training,
                               scl_tplan **out) {
    *out = NULL;
    SCL_TRY(scl_tplan_check(g));
    scl_tplan *t = scl_calloc(1, sizeof *t);
    if (!t) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "training plan: out of memory");
    t->g = g;
    t->ps = ps;
    t->dev = ps->dev;
    t->in = g->inputs[0];
    t->out = g->outputs[0];
    t->training = training;
    size_t nv = (size_t)g->nvals;
    t->dims = scl_calloc(nv, sizeof *t->dims);
    t->act = scl_calloc(nv, sizeof *t->act);
    t->grad = scl_calloc(nv, sizeof *t->grad);
    t->own = scl_calloc(nv, 1);
    t->zero_next = scl_calloc(nv, sizeof(int));
    t->zero_head = scl_calloc((size_t)g->norder + 1, sizeof(int));
    t->bn_saved = scl_calloc((size_t)g->nnodes + 1, sizeof(cl_mem));
    t->fused_relu = scl_calloc((size_t)g->nnodes + 1, 1);
    siamcl_status st = t->dims && t->act && t->grad && t->own && t->zero_next && t->zero_head && t->bn_saved &&
                               t->fused_relu
                           ? SIAMCL_OK
                           : scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "training plan: out of memory");
    for (int k = 0; st == SIAMCL_OK && k < g->norder; k++) {
        const scl_node *n = &g->nodes[g->order[k]];
        if (n->op == SCL_GOP_RELU && relu_fused(g, n)) t->fused_relu[g->vals[n->in[0]].producer] = 1;
    }
    if (st == SIAMCL_OK) st = scl_graph_infer(g, in_dims, t->dims);
    if (st == SIAMCL_OK) st = build(t);
    if (st != SIAMCL_OK) {
        scl_tplan_free(t);
        return st;
    }
    *out = t;
    return SIAMCL_OK;
}

void scl_tplan_free(scl_tplan *t) {
    if (!t) return;
    for (int v = 0; t->own && v < t->g->nvals; v++)
        if (t->own[v]) scl_buffer_free(t->dev, t->act[v]);
    for (int i = 0; t->slot && i < t->nslots; i++) scl_buffer_free(t->dev, t->slot[i]);
    scl_buffer_free(t->dev, t->out_grad);
    scl_buffer_free(t->dev, t->ws);
    for (int i = 0; t->bn_saved && i < t->g->nnodes; i++) scl_buffer_free(t->dev, t->bn_saved[i]);
    scl_free(t->bn_saved);
    scl_free(t->fused_relu);
    scl_free(t->slot);
    scl_free(t->zero_next);
    scl_free(t->zero_head);
    scl_free(t->dims);
    scl_free(t->act);
    scl_free(t->grad);
    scl_free(t->own);
    scl_free(t);
}

scl_view scl_tplan_input(const scl_tplan *t) { return view(t, t->in, 0); }
scl_view scl_tplan_output(const scl_tplan *t) { return view(t, t->out, 0); }
scl_view scl_tplan_output_grad(const scl_tplan *t) { return view(t, t->out, 1); }

siamcl_status scl_tplan_forward(scl_tplan *t) {
    for (int k = 0; k < t->g->norder; k++) SCL_TRY(node_fwd(t, &t->g->nodes[t->g->order[k]]));
    return SIAMCL_OK;
}

siamcl_status scl_tplan_zero_grad(scl_tplan *t) {
    return scl_buffer_zero(t->dev, t->out_grad, 0, value_bytes(t, root_of(t->g, t->out)));
}

siamcl_status scl_tplan_backward(scl_tplan *t) {
    for (int k = t->g->norder - 1; k >= 0; k--) {
        for (int v = t->zero_head[k]; v >= 0; v = t->zero_next[v]) SCL_TRY(scl_buffer_zero(t->dev, t->grad[v], 0, value_bytes(t, v)));
        SCL_TRY(node_bwd(t, &t->g->nodes[t->g->order[k]]));
    }
    return SIAMCL_OK;
}

void scl_tplan_memory(const scl_tplan *t, size_t *grad_bytes, size_t *grad_naive) {
    *grad_bytes = t->grad_bytes;
    *grad_naive = t->grad_naive;
}
