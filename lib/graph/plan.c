/* Plans: a graph specialised to one input shape on one device.
 *
 * Creation: shape inference -> steps (one launcher call each, with fusions:
 * conv + bias + activation, conv + residual Add, binary/eltwise + activation,
 * a spatial Slice read in place by the MaxPool that consumes it, two 1x1 convs
 * summed by an Add as one dual conv where 1x1 runs direct (a residual unit's
 * expansion + downsampling shortcut), a centre crop after an identity residual
 * unit folded into its 3x3 (unpadded) and its 1x1 (residual read as a window);
 * Reshape/Flatten/Identity are views) -> storage: every intermediate gets a
 * place in a pool of buffers reused by liveness (a buffer is free once the last
 * step reading its current occupant has run); inputs and outputs have their own
 * buffers (they can be rebound) -> allocation of pool, inputs, outputs and the
 * conv workspace -> one warm-up run (compiles every kernel, CLBlast included).
 * Running only enqueues. */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "graph/model_impl.h"
#include "graph/plan.h"
#include "graph/plan_impl.h"
#include "graph/tensor.h"

/* 4-D view dims of a rank-r shape (right-aligned, leading 1s). */
static void dims4(const scl_dims *d, int out[4]) {
    for (int i = 0; i < 4; i++) out[i] = 1;
    for (int i = 0; i < d->rank; i++) out[4 - d->rank + i] = (int)d->d[i];
}

siamcl_status scl_plan_conv_params(const scl_graph *g, const scl_node *n, const scl_dims *dims, scl_conv_params *c) {
    scl_conv_geom k;
    SCL_TRY(scl_graph_conv_geom(g, n, &dims[n->in[0]], &dims[n->in[1]], &k));
    memset(c, 0, sizeof *c);
    c->kh = k.kh, c->kw = k.kw, c->stride_h = k.stride[0], c->stride_w = k.stride[1];
    c->pad_t = k.pad[0], c->pad_l = k.pad[1], c->pad_b = k.pad[2], c->pad_r = k.pad[3];
    c->dil_h = k.dil[0], c->dil_w = k.dil[1], c->groups = k.group;
    c->act.act = SCL_ACT_NONE;
    c->algo = SCL_CONV_AUTO;
    return SIAMCL_OK;
}

siamcl_status scl_plan_pool_params(const scl_graph *g, const scl_node *n, const scl_dims *dims, scl_pool_params *p) {
    scl_conv_geom k;
    SCL_TRY(scl_graph_pool_geom(g, n, &dims[n->in[0]], &k));
    *p = (scl_pool_params){k.kh, k.kw, k.stride[0], k.stride[1], k.pad[0], k.pad[1], k.pad[2], k.pad[3],
                           n->a.pool.ceil_mode};
    return SIAMCL_OK;
}

static scl_act_params act_of(const scl_node *n) {
    scl_act_params a = {SCL_ACT_NONE, 0, 0};
    switch (n->op) {
    case SCL_GOP_RELU: a.act = SCL_ACT_RELU; break;
    case SCL_GOP_CLIP: a.act = SCL_ACT_CLIP; a.a = n->a.act.a; a.b = n->a.act.b; break;
    case SCL_GOP_HARDSWISH: a.act = SCL_ACT_HARDSWISH; break;
    case SCL_GOP_HARDSIGMOID: a.act = SCL_ACT_HARDSIGMOID; a.a = n->a.act.a; a.b = n->a.act.b; break;
    case SCL_GOP_SIGMOID: a.act = SCL_ACT_SIGMOID; break;
    case SCL_GOP_EXP: a.act = SCL_ACT_EXP; break;
    default: break;
    }
    return a;
}

static siamcl_status plan_fail(const siamcl_plan *p, const scl_node *n, siamcl_status s, const char *msg) {
    return scl_fail(s, "%s: node '%s' (%s): %s", p->g->name, n->name, scl_gop_name(n->op), msg);
}

/* ---- step building and fusion ---- */
int scl_step_reads(const scl_step *s, int out[SCL_STEP_MAX_READS]) {
    int n = 0;
    out[n++] = s->x;
    switch (s->kind) {
    case SCL_STEP_CONV: {
        const scl_step_conv *c = &s->conv;
        const int r[6] = {c->w, c->b, c->res, c->x2, c->w2, c->b2};
        for (int i = 0; i < 6; i++)
            if (r[i] >= 0) out[n++] = r[i];
        break;
    }
    case SCL_STEP_ADD: case SCL_STEP_BINARY: out[n++] = s->bin.in2; break;
    case SCL_STEP_BN: out[n++] = s->bn.scale; out[n++] = s->bn.shift; break;
    case SCL_STEP_GEMM: out[n++] = s->gemm.in2; break;
    default: break;
    }
    return n;
}

static int is_view(const scl_node *n) { return n->op == SCL_GOP_RESHAPE; }

/* The step after which value v can be read (-1: an input or constant, always
 * ready), looking through views. */
static int ready_step(const siamcl_plan *p, int v) {
    for (;;) {
        const scl_value *val = &p->g->vals[v];
        if (val->kind != SCL_V_ACT || val->producer < 0) return -1;
        const scl_node *n = &p->g->nodes[val->producer];
        if (!is_view(n)) return p->value_step[v];
        v = n->in[0];
    }
}

/* Consumers of value v among live nodes, plus one if it is a graph output. */
static int use_count(const siamcl_plan *p, int v) { return p->uses[v] + scl_graph_is_output(p->g, v); }

/* Step sp is a lone 1x1 stride-1 unpadded dense conv writing v, read only
 * by the node being built (no residual, activation or second input yet). */
static int pointwise_alone(const siamcl_plan *p, int sp, int v) {
    const scl_step *t = &p->steps[sp];
    const scl_conv_params *c = &t->conv.p;
    return t->kind == SCL_STEP_CONV && !t->dead && t->y == v && use_count(p, v) == 1 && t->conv.res < 0 &&
           t->conv.x2 < 0 && t->act.act == SCL_ACT_NONE && t->nfused + 3 <= SCL_STEP_MAX_FUSED &&
           scl_conv_is_pointwise(c) && c->dil_h == 1 && c->dil_w == 1 && c->groups == 1 && p->dims[t->x].rank == 4;
}

/* A residual unit's centre crop folded into its convolutions (CIResNet's
 * identity units): the plan built
 *   B: conv 3x3 stride 1 pad 1 (b) [+ act] -> c      (c read only by C)
 *   C: conv 1x1 (c) + Add(r) [+ act] -> R             (R read only by D)
 *   D: Slice R[:, :, 1:-1, 1:-1] -> S
 * and since the crop commutes with the pointwise tail and the centre of a
 * pad-1 3x3 conv is the unpadded conv, it becomes
 *   B': conv 3x3 stride 1 pad 0 (b) [+ act] -> c' ((H-2) x (W-2))
 *   C': conv 1x1 (c') + Add(window of r at (1,1)) [+ act] -> S
 * with D gone. Only where 1x1 runs direct (the windowed residual is a direct
 * kernel feature); anything else keeps the plain steps. Runs before the dead
 * steps are dropped, while shapes can still change (storage is planned after). */
static void fold_residual_crops(siamcl_plan *p) {
    if (!scl_conv_mode_pointwise_direct(p->dev, p->conv_mode)) return;
    scl_dims *dims = p->dims;
    for (int i = 0; i < p->nsteps; i++) {
        scl_step *d = &p->steps[i];
        if (d->dead || d->kind != SCL_STEP_SLICE) continue;
        int R = d->x, S = d->y;
        if (dims[R].rank != 4 || dims[S].rank != 4 || use_count(p, R) != 1) continue;
        const int64_t *rd = dims[R].d, *sd = dims[S].d;
        if (rd[0] != sd[0] || rd[1] != sd[1] || rd[2] != sd[2] + 2 || rd[3] != sd[3] + 2 || sd[2] < 1 || sd[3] < 1)
            continue;
        int ok = d->slice.start[0] == 0 && d->slice.start[1] == 0 && d->slice.start[2] == 1 && d->slice.start[3] == 1;
        for (int k = 0; k < 4; k++) ok = ok && d->slice.step[k] == 1;
        int ci = p->value_step[R];
        if (!ok || ci < 0 || ci >= i) continue;
        scl_step *c = &p->steps[ci];
        const scl_conv_params *cc = &c->conv.p;
        if (c->dead || c->kind != SCL_STEP_CONV || c->y != R || c->conv.res < 0 || c->conv.x2 >= 0 ||
            c->conv.res_crop || c->nfused + 1 + d->nfused > SCL_STEP_MAX_FUSED || !scl_conv_is_pointwise(cc) ||
            dims[c->conv.res].rank != 4 || !scl_dims_equal(&dims[c->conv.res], &dims[R]))
            continue;
        int cv = c->x, bi = p->value_step[cv];
        if (use_count(p, cv) != 1 || bi < 0 || bi >= ci || dims[cv].rank != 4) continue;
        scl_step *b = &p->steps[bi];
        const scl_conv_params *bc = &b->conv.p;
        if (b->dead || b->kind != SCL_STEP_CONV || b->y != cv || b->conv.res >= 0 || b->conv.x2 >= 0 || bc->kh != 3 ||
            bc->kw != 3 || bc->stride_h != 1 || bc->stride_w != 1 || bc->dil_h != 1 || bc->dil_w != 1 ||
            bc->pad_t != 1 || bc->pad_l != 1 || bc->pad_b != 1 || bc->pad_r != 1 || dims[cv].d[2] != rd[2] ||
            dims[cv].d[3] != rd[3])
            continue;
        /* B': unpadded, its output shrinks by the crop (so do the values inside
         * both fused steps, which only the per-layer MAC count reads) */
        b->conv.p.pad_t = b->conv.p.pad_l = b->conv.p.pad_b = b->conv.p.pad_r = 0;
        const scl_node *nodes = p->g->nodes;
        dims[cv].d[2] -= 2;
        dims[cv].d[3] -= 2;
        for (int k = -1; k < b->nfused; k++) {
            int v = nodes[k < 0 ? b->node : b->fused[k]].out;
            if (v != cv && dims[v].rank == 4) dims[v] = dims[cv];
        }
        for (int k = -1; k < c->nfused; k++) {
            int v = nodes[k < 0 ? c->node : c->fused[k]].out;
            if (dims[v].rank == 4) dims[v] = dims[S];
        }
        /* C': writes S, reading the residual's centre window; the slice's nodes are C's now */
        c->conv.res_crop = 1;
        c->y = S;
        c->fused[c->nfused++] = d->node;
        for (int k = 0; k < d->nfused; k++) c->fused[c->nfused++] = d->fused[k];
        p->value_step[S] = ci;
        p->node_step[d->node] = ci;
        for (int k = 0; k < d->nfused; k++) p->node_step[d->fused[k]] = ci;
        d->dead = 1;
    }
}

/* ---- lowering: one step per node ---- */
static siamcl_status lower_gemm(const siamcl_plan *p, const scl_node *n, scl_step *s) {
    const scl_dims *dims = p->dims;
    const scl_dims *a = &dims[n->in[0]];
    s->kind = SCL_STEP_GEMM;
    s->gemm.in2 = n->in[1];
    s->gemm.ta = n->a.gemm.trans_a;
    s->gemm.tb = n->a.gemm.trans_b;
    s->gemm.m = (int)dims[n->out].d[0];
    s->gemm.n = (int)dims[n->out].d[1];
    s->gemm.k = (int)(s->gemm.ta ? a->d[0] : a->d[1]);
    s->gemm.lda = s->gemm.ta ? s->gemm.m : s->gemm.k;
    s->gemm.ldb = s->gemm.tb ? s->gemm.k : s->gemm.n;
    s->gemm.alpha = n->a.gemm.alpha;
    s->gemm.batch = 1;
    s->gemm.loops = 1;
    return SIAMCL_OK;
}

static siamcl_status lower_matmul(siamcl_plan *p, const scl_node *n, scl_step *s) {
    const scl_dims *dims = p->dims;
    const scl_dims *a = &dims[n->in[0]], *b = &dims[n->in[1]], *y = &dims[n->out];
    s->kind = SCL_STEP_GEMM;
    s->gemm.in2 = n->in[1];
    s->gemm.m = (int)a->d[a->rank - 2];
    s->gemm.k = (int)a->d[a->rank - 1];
    s->gemm.n = (int)b->d[b->rank - 1];
    s->gemm.lda = s->gemm.k;
    s->gemm.ldb = s->gemm.n;
    s->gemm.alpha = 1.0f;
    int64_t ba = scl_dims_count(a) / ((int64_t)s->gemm.m * s->gemm.k),
            bb = scl_dims_count(b) / ((int64_t)s->gemm.k * s->gemm.n),
            by = scl_dims_count(y) / ((int64_t)s->gemm.m * s->gemm.n);
    s->gemm.batch = 1;
    s->gemm.loops = 1;
    if (ba == by && bb == by) {
        s->gemm.batch = (int)by;
        s->gemm.sa = (size_t)s->gemm.m * s->gemm.k;
        s->gemm.sb = (size_t)s->gemm.k * s->gemm.n;
        s->gemm.sc = (size_t)s->gemm.m * s->gemm.n;
    } else if (bb == 1 && ba == by) {
        s->gemm.m *= (int)ba; /* the batches of A stack into one tall matrix */
    } else if (ba == 1 && bb == by) {
        s->gemm.loops = (int)by; /* one call per B batch, A shared */
        s->gemm.sb = (size_t)s->gemm.k * s->gemm.n;
        s->gemm.sc = (size_t)s->gemm.m * s->gemm.n;
    } else {
        return plan_fail(p, n, SIAMCL_ERR_UNSUPPORTED, "batch broadcasting between both operands");
    }
    return SIAMCL_OK;
}

static siamcl_status lower_slice(siamcl_plan *p, const scl_node *n, scl_step *s) {
    int64_t st[SCL_MAX_RANK], sp[SCL_MAX_RANK];
    scl_dims yd;
    SCL_TRY(scl_graph_slice_resolve(p->g, n, &p->dims[n->in[0]], st, sp, &yd));
    int r = p->dims[n->in[0]].rank, pad = 4 - r;
    s->kind = SCL_STEP_SLICE;
    for (int i = 0; i < 4; i++) {
        s->slice.start[i] = i < pad ? 0 : (int)st[i - pad];
        s->slice.step[i] = i < pad ? 1 : (int)sp[i - pad];
    }
    return SIAMCL_OK;
}

/* A MatMul C [m,n] = A [m,k] . B [k,n] (or `loops` B's sharing A) is a 1x1
 * convolution with A as the weights over B seen as images of k channels and
 * n pixels. Where 1x1 convolutions run direct (CPUs) that is one launch of the
 * direct kernel instead of CLBlast's (NanoTrack's pixel-wise correlation).
 * Not for fully connected layers (Gemm with W^T: 1-pixel images), where the
 * direct kernel measured slower than CLBlast on PoCL. */
static int gemm_is_pointwise(const siamcl_plan *p, const scl_step_gemm *m) {
    return scl_conv_mode_pointwise_direct(p->dev, p->conv_mode) && !m->ta && !m->tb && m->alpha == 1.0f &&
           m->batch == 1 && m->lda == m->k && m->ldb == m->n &&
           (m->loops == 1 || (m->sb == (size_t)m->k * m->n && m->sc == (size_t)m->m * m->n));
}

/* The step of node ni (s zeroed): its kind and operands, no fusion. */
static siamcl_status lower_node(siamcl_plan *p, int ni, scl_step *s) {
    const scl_graph *g = p->g;
    const scl_dims *dims = p->dims;
    const scl_node *n = &g->nodes[ni];
    s->node = ni;
    s->y = n->out;
    s->x = n->in[0];
    s->act.act = SCL_ACT_NONE;
    switch (n->op) {
    case SCL_GOP_CONV:
        SCL_TRY(scl_plan_conv_params(g, n, dims, &s->conv.p));
        s->kind = SCL_STEP_CONV;
        s->conv.w = n->in[1];
        s->conv.b = n->nin > 2 ? n->in[2] : -1;
        s->conv.res = s->conv.x2 = s->conv.w2 = s->conv.b2 = -1;
        return SIAMCL_OK;
    case SCL_GOP_BN: s->kind = SCL_STEP_BN; s->bn.scale = n->in[1]; s->bn.shift = n->in[2]; return SIAMCL_OK;
    case SCL_GOP_RELU: case SCL_GOP_CLIP: case SCL_GOP_HARDSWISH: case SCL_GOP_HARDSIGMOID:
    case SCL_GOP_SIGMOID: case SCL_GOP_EXP:
        s->kind = SCL_STEP_ACT;
        s->act = act_of(n);
        return SIAMCL_OK;
    case SCL_GOP_ADD: {
        int a = n->in[0], b = n->in[1];
        int same = scl_dims_equal(&dims[a], &dims[b]) && scl_dims_equal(&dims[a], &dims[n->out]);
        s->kind = same ? SCL_STEP_ADD : SCL_STEP_BINARY;
        s->bin.op = SCL_BIN_ADD;
        s->bin.in2 = b;
        return SIAMCL_OK;
    }
    case SCL_GOP_SUB: case SCL_GOP_MUL: case SCL_GOP_DIV:
        s->kind = SCL_STEP_BINARY;
        s->bin.op = n->op == SCL_GOP_SUB ? SCL_BIN_SUB : n->op == SCL_GOP_MUL ? SCL_BIN_MUL : SCL_BIN_DIV;
        s->bin.in2 = n->in[1];
        return SIAMCL_OK;
    case SCL_GOP_GAP: s->kind = SCL_STEP_GAP; return SIAMCL_OK;
    case SCL_GOP_MAXPOOL: {
        SCL_TRY(scl_plan_pool_params(g, n, dims, &s->pool.p));
        s->kind = SCL_STEP_MAXPOOL;
        int xd[4];
        dims4(&dims[n->in[0]], xd);
        s->pool.win[2] = xd[2];
        s->pool.win[3] = xd[3];
        return SIAMCL_OK;
    }
    case SCL_GOP_GEMM:
    case SCL_GOP_MATMUL:
        SCL_TRY(n->op == SCL_GOP_GEMM ? lower_gemm(p, n, s) : lower_matmul(p, n, s));
        s->gemm.pointwise = gemm_is_pointwise(p, &s->gemm);
        return SIAMCL_OK;
    case SCL_GOP_TRANSPOSE: {
        int r = dims[n->in[0]].rank, pad = 4 - r;
        s->kind = SCL_STEP_TRANSPOSE;
        for (int i = 0; i < 4; i++)
            s->tr.perm[i] = i < pad ? i : (n->a.transpose.n ? n->a.transpose.perm[i - pad] : r - 1 - (i - pad)) + pad;
        return SIAMCL_OK;
    }
    case SCL_GOP_SLICE: return lower_slice(p, n, s);
    case SCL_GOP_CONCAT: {
        int r = dims[n->in[0]].rank;
        s->kind = SCL_STEP_CONCAT;
        s->cat.axis = (n->a.concat.axis < 0 ? n->a.concat.axis + r : n->a.concat.axis) + 4 - r;
        return SIAMCL_OK;
    }
    default: return plan_fail(p, n, SIAMCL_ERR_UNSUPPORTED, "no launcher for this op");
    }
}

/* ---- fusion passes: node ni, lowered to s, joins an earlier step (1) or not (0) ---- */

/* Node ni now computes value `out` in step sp. */
static void joined(siamcl_plan *p, int ni, int sp) {
    p->value_step[p->g->nodes[ni].out] = sp;
    p->node_step[ni] = sp;
}

/* An activation joins the step that computes its input, if it is that value's only use. */
static int fuse_activation(siamcl_plan *p, int ni, const scl_step *s) {
    const scl_node *n = &p->g->nodes[ni];
    int src = n->in[0], sp = p->value_step[src];
    if (s->kind != SCL_STEP_ACT || sp < 0 || use_count(p, src) != 1) return 0;
    scl_step *t = &p->steps[sp];
    int can = (t->kind == SCL_STEP_CONV || t->kind == SCL_STEP_BINARY || t->kind == SCL_STEP_ADD ||
               t->kind == SCL_STEP_BN) && t->act.act == SCL_ACT_NONE && t->y == src;
    if (!can) return 0;
    t->act = s->act;
    t->y = n->out;
    t->fused[t->nfused++] = ni;
    joined(p, ni, sp);
    return 1;
}

/* Both addends 1x1 convs used only here: one dual step over both inputs (the later conv's
 * step, where both inputs are ready); the earlier conv's output is never written. */
static int fuse_dual_pointwise(siamcl_plan *p, int ni, const scl_step *s) {
    const scl_node *n = &p->g->nodes[ni];
    if (s->kind != SCL_STEP_ADD || !scl_conv_mode_pointwise_direct(p->dev, p->conv_mode)) return 0;
    int a = n->in[0], b = n->in[1], sa = p->value_step[a], sb = p->value_step[b];
    if (a == b || sa < 0 || sb < 0 || sa == sb || !pointwise_alone(p, sa, a) || !pointwise_alone(p, sb, b)) return 0;
    int first = sa < sb ? sa : sb, last = sa < sb ? sb : sa;
    scl_step *t = &p->steps[last], *f = &p->steps[first];
    t->conv.x2 = f->x;
    t->conv.w2 = f->conv.w;
    t->conv.b2 = f->conv.b;
    t->fused[t->nfused++] = f->node;
    t->fused[t->nfused++] = ni;
    t->y = n->out;
    f->dead = 1;
    p->value_step[f->y] = last;
    p->node_step[f->node] = last;
    joined(p, ni, last);
    return 1;
}

/* Residual: one addend is a conv output used only here, the other is ready before that conv. */
static int fuse_residual(siamcl_plan *p, int ni, const scl_step *s) {
    const scl_node *n = &p->g->nodes[ni];
    if (s->kind != SCL_STEP_ADD) return 0;
    int best = -1, other = -1;
    for (int side = 0; side < 2; side++) {
        int xv = n->in[side], ov = n->in[1 - side];
        int sp = p->value_step[xv];
        if (sp < 0 || use_count(p, xv) != 1) continue;
        const scl_step *t = &p->steps[sp];
        if (t->kind != SCL_STEP_CONV || t->conv.res >= 0 || t->act.act != SCL_ACT_NONE || t->y != xv) continue;
        if (ready_step(p, ov) >= sp) continue;
        if (best < 0 || sp > best) {
            best = sp;
            other = ov;
        }
    }
    if (best < 0) return 0;
    scl_step *t = &p->steps[best];
    t->conv.res = other;
    t->y = n->out;
    t->fused[t->nfused++] = ni;
    joined(p, ni, best);
    return 1;
}

/* A spatial crop read only by this max-pool: the slice step becomes the pool (its input is
 * ready there) and reads the window in place; the pool's node names it, the slices are fused. */
static int fuse_crop_pool(siamcl_plan *p, int ni, const scl_step *s) {
    const scl_dims *dims = p->dims;
    int src = p->g->nodes[ni].in[0], sp0 = p->value_step[src];
    if (s->kind != SCL_STEP_MAXPOOL || sp0 < 0 || use_count(p, src) != 1) return 0;
    scl_step *t = &p->steps[sp0];
    const scl_dims *sd = &dims[t->x];
    int crop = t->kind == SCL_STEP_SLICE && t->y == src && t->nfused + 2 <= SCL_STEP_MAX_FUSED && sd->rank == 4 &&
               dims[src].rank == 4 && sd->d[0] == dims[src].d[0] && sd->d[1] == dims[src].d[1];
    for (int i = 0; i < 4 && crop; i++) crop = t->slice.step[i] == 1 && (i >= 2 || t->slice.start[i] == 0);
    if (!crop) return 0;
    int fz[SCL_STEP_MAX_FUSED], nf = 0;
    fz[nf++] = t->node;
    for (int i = 0; i < t->nfused; i++) fz[nf++] = t->fused[i];
    int tx = t->x, y0 = t->slice.start[2], x0 = t->slice.start[3];
    *t = *s;
    t->x = tx;
    t->pool.win[0] = y0;
    t->pool.win[1] = x0;
    memcpy(t->fused, fz, sizeof fz);
    t->nfused = nf;
    joined(p, ni, sp0);
    return 1;
}

/* A slice of a slice (CIResNet crops one axis at a time) is one slice. */
static int fuse_slice_slice(siamcl_plan *p, int ni, const scl_step *s) {
    int src = p->g->nodes[ni].in[0], sp0 = p->value_step[src];
    if (s->kind != SCL_STEP_SLICE || sp0 < 0 || use_count(p, src) != 1) return 0;
    scl_step *t = &p->steps[sp0];
    if (t->kind != SCL_STEP_SLICE || t->y != src || t->nfused >= SCL_STEP_MAX_FUSED) return 0;
    for (int i = 0; i < 4; i++) {
        t->slice.start[i] += t->slice.step[i] * s->slice.start[i];
        t->slice.step[i] *= s->slice.step[i];
    }
    t->y = p->g->nodes[ni].out;
    t->fused[t->nfused++] = ni;
    joined(p, ni, sp0);
    return 1;
}

/* Tried in this order on every node; the first that fuses wins. */
static const struct {
    const char *name;
    int (*fuse)(siamcl_plan *p, int ni, const scl_step *s);
} FUSIONS[] = {
    {"activation into its producer", fuse_activation},
    {"two 1x1 convs summed into one dual conv", fuse_dual_pointwise},
    {"residual add into a conv", fuse_residual},
    {"crop read by a max-pool", fuse_crop_pool},
    {"slice of a slice", fuse_slice_slice},
};

/* Drop the steps folded into later ones, renumbering what points at steps. */
static void drop_dead_steps(siamcl_plan *p) {
    int *map = p->scratch, k = 0;
    for (int i = 0; i < p->nsteps; i++) {
        map[i] = p->steps[i].dead ? -1 : k;
        if (!p->steps[i].dead) p->steps[k++] = p->steps[i];
    }
    for (int v = 0; v < p->g->nvals; v++)
        if (p->value_step[v] >= 0) p->value_step[v] = map[p->value_step[v]];
    for (int i = 0; i < p->g->nnodes; i++)
        if (p->node_step[i] >= 0) p->node_step[i] = map[p->node_step[i]];
    p->nsteps = k;
}

/* Lower every node in order, fusing where a pass can; views (Reshape) get no step. */
static siamcl_status build_steps(siamcl_plan *p) {
    const scl_graph *g = p->g;
    p->steps = scl_calloc((size_t)(g->norder ? g->norder : 1), sizeof *p->steps);
    p->node_step = scl_malloc(sizeof(int) * (size_t)(g->nnodes ? g->nnodes : 1));
    if (!p->steps || !p->node_step) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "plan: out of memory");
    for (int i = 0; i < g->nnodes; i++) p->node_step[i] = -1;
    for (int k = 0; k < g->norder; k++) {
        int ni = g->order[k];
        if (is_view(&g->nodes[ni])) continue;
        scl_step *s = &p->steps[p->nsteps];
        memset(s, 0, sizeof *s);
        SCL_TRY(lower_node(p, ni, s));
        int fused = 0;
        for (size_t f = 0; f < sizeof FUSIONS / sizeof FUSIONS[0] && !fused; f++) fused = FUSIONS[f].fuse(p, ni, s);
        if (fused) continue;
        joined(p, ni, p->nsteps);
        p->nsteps++;
    }
    fold_residual_crops(p);
    drop_dead_steps(p);
    return SIAMCL_OK;
}

/* ---- storage ---- */
static siamcl_status plan_storage(siamcl_plan *p) {
    const scl_graph *g = p->g;
    int nv = g->nvals;
    /* roots: views alias their input (in order, so chains resolve) */
    for (int v = 0; v < nv; v++) p->root[v] = v;
    for (int k = 0; k < g->norder; k++) {
        const scl_node *n = &g->nodes[g->order[k]];
        if (is_view(n)) p->root[n->out] = p->root[n->in[0]];
    }
    /* live range of each root: first writing step, last reading step */
    int *first = p->scratch, *last = p->scratch + nv;
    for (int v = 0; v < nv; v++) first[v] = last[v] = -1;
    for (int s = 0; s < p->nsteps; s++) {
        const scl_step *st = &p->steps[s];
        int rv = p->root[st->y];
        if (first[rv] < 0) first[rv] = s;
        int reads[SCL_STEP_MAX_READS];
        int nr = scl_step_reads(st, reads);
        for (int i = 0; i < nr; i++)
            if (reads[i] >= 0) last[p->root[reads[i]]] = s;
        if (st->kind == SCL_STEP_CONCAT) {
            const scl_node *n = &g->nodes[st->node];
            for (int i = 0; i < n->nin; i++) last[p->root[n->in[i]]] = s;
        }
    }
    /* dedicated places: graph inputs and outputs */
    for (int v = 0; v < nv; v++) p->place[v] = -1;
    p->nplaces = 0;
    for (int i = 0; i < g->ninputs; i++) {
        int r = p->root[g->inputs[i]];
        if (p->place[r] < 0) p->place[r] = p->nplaces++;
        p->in_place[i] = p->place[r];
    }
    for (int i = 0; i < g->noutputs; i++) {
        int r = p->root[g->outputs[i]];
        if (g->vals[r].kind == SCL_V_CONST)
            return scl_fail(SIAMCL_ERR_UNSUPPORTED, "%s: output '%s' is a constant", g->name,
                            g->vals[g->outputs[i]].name);
        if (p->place[r] < 0) p->place[r] = p->nplaces++;
        p->out_place[i] = p->place[r];
    }
    p->ndedicated = p->nplaces;
    for (int i = 0; i < p->nplaces; i++) p->place_bytes[i] = 0;
    for (int v = 0; v < nv; v++) {
        if (p->root[v] != v || p->place[v] < 0 || p->place[v] >= p->ndedicated) continue;
        size_t b = (size_t)scl_dims_count(&p->dims[v]) * sizeof(float);
        if (b > p->place_bytes[p->place[v]]) p->place_bytes[p->place[v]] = b;
    }
    /* pool: greedy by definition order, best fit among buffers free at that step */
    int *busy_until = p->scratch + 2 * nv; /* per pool buffer: last step reading its occupant */
    p->naive_bytes = 0;
    for (int i = 0; i < p->ndedicated; i++) p->naive_bytes += p->place_bytes[i];
    for (int s = 0; s < p->nsteps; s++) {
        int r = p->root[p->steps[s].y];
        if (first[r] != s || p->place[r] >= 0 || g->vals[r].kind != SCL_V_ACT) continue;
        size_t need = (size_t)scl_dims_count(&p->dims[r]) * sizeof(float);
        p->naive_bytes += need;
        int lastuse = last[r] < s ? s : last[r];
        int best = -1, grow = -1;
        for (int b = p->ndedicated; b < p->nplaces; b++) {
            if (busy_until[b - p->ndedicated] >= s) continue;
            if (p->place_bytes[b] >= need) {
                if (best < 0 || p->place_bytes[b] < p->place_bytes[best]) best = b;
            } else if (grow < 0 || p->place_bytes[b] > p->place_bytes[grow]) {
                grow = b;
            }
        }
        if (best < 0 && grow >= 0) {
            best = grow;
            p->place_bytes[best] = need;
        }
        if (best < 0) {
            best = p->nplaces++;
            p->place_bytes[best] = need;
        }
        p->place[r] = best;
        busy_until[best - p->ndedicated] = lastuse;
    }
    for (int s = 0; s < p->nsteps; s++) {
        int r = p->root[p->steps[s].y];
        if (p->place[r] < 0) return scl_fail(SIAMCL_ERR_INTERNAL, "%s: no storage for '%s'", g->name, g->vals[r].name);
    }
    return SIAMCL_OK;
}

/* Every value's current device view (constants: weight set; others: their place). */
static void resolve_views(siamcl_plan *p) {
    const scl_graph *g = p->g;
    for (int v = 0; v < g->nvals; v++) {
        scl_view *t = &p->vt[v];
        int d[4];
        dims4(&p->dims[v], d);
        t->n = d[0];
        t->c = d[1];
        t->h = d[2];
        t->w = d[3];
        int r = p->root[v];
        if (g->vals[r].kind == SCL_V_CONST) {
            t->mem = p->m->woff[r] != SIZE_MAX ? p->ws->mem : NULL;
            t->off = p->m->woff[r] != SIZE_MAX ? p->m->woff[r] : 0;
        } else if (p->place[r] >= 0) {
            t->mem = p->place_mem[p->place[r]];
            t->off = p->place_off[p->place[r]];
        } else {
            t->mem = NULL;
            t->off = 0;
        }
    }
}

/* ---- run ---- */
static siamcl_status run_gemm_pointwise(scl_device *dev, const scl_step_gemm *m, const scl_view *a,
                                        const scl_view *b, const scl_view *y) {
    scl_conv_params c = {1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, {SCL_ACT_NONE, 0, 0}, SCL_CONV_DIRECT};
    scl_view xin = scl_view_make(b->mem, m->loops, m->k, 1, m->n), out = scl_view_make(y->mem, m->loops, m->m, 1, m->n);
    xin.off = b->off;
    out.off = y->off;
    return scl_conv2d_fwd(dev, &c, &(scl_conv_args){.x = &xin, .w = a->mem, .woff = a->off, .y = &out});
}

static siamcl_status run_step(siamcl_plan *p, const scl_step *s) {
    scl_device *dev = p->dev;
    scl_view *vt = p->vt;
    scl_view *x = &vt[s->x], *y = &vt[s->y];
    switch (s->kind) {
    case SCL_STEP_CONV: {
        scl_conv_params c = s->conv.p;
        c.act = s->act;
        scl_conv_args a = {.x = x, .w = vt[s->conv.w].mem, .woff = vt[s->conv.w].off, .workspace = p->workspace,
                           .y = y};
        if (s->conv.b >= 0) a.bias = vt[s->conv.b].mem, a.boff = vt[s->conv.b].off;
        if (s->conv.x2 >= 0) {
            a.x2 = &vt[s->conv.x2];
            a.w2 = vt[s->conv.w2].mem;
            a.w2off = vt[s->conv.w2].off;
            if (s->conv.b2 >= 0) a.bias2 = vt[s->conv.b2].mem, a.b2off = vt[s->conv.b2].off;
            return scl_conv2d_dual_fwd(dev, &c, &a);
        }
        if (s->conv.res < 0) return scl_conv2d_fwd(dev, &c, &a);
        const scl_view *r = &vt[s->conv.res];
        if (!s->conv.res_crop) {
            a.residual = r;
            return scl_conv2d_fwd(dev, &c, &a);
        }
        /* the residual's centre window (y's shape inside res's layout) */
        scl_view rw = *y;
        rw.mem = r->mem;
        rw.off = r->off + (size_t)s->conv.res_crop * (size_t)r->w + (size_t)s->conv.res_crop;
        a.residual = &rw;
        a.res_row = r->w;
        a.res_plane = r->h * r->w;
        return scl_conv2d_reswin_fwd(dev, &c, &a);
    }
    case SCL_STEP_ACT: return scl_eltwise_act_fwd(dev, &s->act, x, y);
    case SCL_STEP_ADD: return scl_eltwise_add_fwd(dev, &s->act, x, &vt[s->bin.in2], y);
    case SCL_STEP_BINARY: return scl_binary_fwd(dev, s->bin.op, &s->act, x, &vt[s->bin.in2], y);
    case SCL_STEP_BN: {
        /* per-channel scale then shift, channels on the input's axis 1 */
        scl_view sc = vt[s->bn.scale], sh = vt[s->bn.shift];
        int d[4] = {1, 1, 1, 1};
        d[4 - p->dims[s->x].rank + 1] = (int)scl_dims_count(&p->dims[s->bn.scale]);
        sc.n = sh.n = d[0];
        sc.c = sh.c = d[1];
        sc.h = sh.h = d[2];
        sc.w = sh.w = d[3];
        scl_act_params none = {SCL_ACT_NONE, 0, 0};
        SCL_TRY(scl_binary_fwd(dev, SCL_BIN_MUL, &none, x, &sc, y));
        return scl_binary_fwd(dev, SCL_BIN_ADD, &s->act, y, &sh, y);
    }
    case SCL_STEP_GAP: return scl_global_avgpool_fwd(dev, x, y);
    case SCL_STEP_MAXPOOL:
        return scl_maxpool_window_fwd(dev, &s->pool.p, x, s->pool.win[0], s->pool.win[1], s->pool.win[2],
                                      s->pool.win[3], y);
    case SCL_STEP_GEMM: {
        const scl_view *b = &vt[s->gemm.in2];
        const scl_step_gemm *m = &s->gemm;
        if (m->pointwise) return run_gemm_pointwise(dev, m, x, b, y);
        for (int l = 0; l < m->loops; l++)
            SCL_TRY(scl_gemm_fwd(dev, m->ta, m->tb, m->m, m->n, m->k, m->alpha, x->mem, x->off, m->lda, m->sa, b->mem,
                                 b->off + (m->loops > 1 ? (size_t)l * m->sb : 0), m->ldb, m->sb, 0.0f, y->mem,
                                 y->off + (m->loops > 1 ? (size_t)l * m->sc : 0), m->n, m->sc, m->batch));
        return SIAMCL_OK;
    }
    case SCL_STEP_TRANSPOSE: return scl_transpose_fwd(dev, s->tr.perm, x, y);
    case SCL_STEP_SLICE: return scl_slice_fwd(dev, s->slice.start, s->slice.step, x, y);
    case SCL_STEP_CONCAT: {
        const scl_node *n = &p->g->nodes[s->node];
        const scl_view *xs[64];
        for (int i = 0; i < n->nin && i < 64; i++) xs[i] = &vt[n->in[i]];
        return scl_concat_fwd(dev, s->cat.axis, xs, n->nin, y);
    }
    }
    return scl_fail(SIAMCL_ERR_INTERNAL, "plan: unknown step kind %d", (int)s->kind);
}

siamcl_status scl_plan_run_step(siamcl_plan *p, int i) {
    if (!p || i < 0 || i >= p->nsteps) return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "plan: no step %d", i);
    siamcl_status st = run_step(p, &p->steps[i]);
    if (st != SIAMCL_OK) {
        const scl_node *n = &p->g->nodes[p->steps[i].node];
        return scl_fail(st, "%s: running node '%s' (%s) failed: %s", p->g->name, n->name, scl_gop_name(n->op),
                        siamcl_status_string(st));
    }
    return SIAMCL_OK;
}

siamcl_status siamcl_plan_run(siamcl_plan *p) {
    if (!p) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_plan_run: plan is NULL");
    for (int i = 0; i < p->nsteps; i++) SCL_TRY(scl_plan_run_step(p, i));
    return SIAMCL_OK;
}

siamcl_status siamcl_plan_finish(siamcl_plan *p) {
    if (!p) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_plan_finish: plan is NULL");
    SCL_CL(scl_queue_finish(p->dev, SCL_Q_MAIN), "clFinish");
    return SIAMCL_OK;
}

/* ---- creation ---- */
static size_t conv_workspace(const siamcl_plan *p) {
    size_t ws = 0;
    for (int i = 0; i < p->nsteps; i++) {
        const scl_step *s = &p->steps[i];
        if (s->kind != SCL_STEP_CONV) continue;
        scl_conv_params c = s->conv.p;
        c.act = s->act;
        size_t b = scl_conv2d_workspace_bytes(&c, &p->vt[s->x], &p->vt[s->y]);
        if (b > ws) ws = b;
    }
    return ws;
}

static siamcl_status to_dims(const siamcl_plan *p, int i, const siamcl_shape *s, scl_dims *d) {
    const scl_value *v = &p->g->vals[p->g->inputs[i]];
    int r = v->dims.rank ? v->dims.rank : 4;
    int all[4] = {s->n, s->c, s->h, s->w};
    for (int k = 0; k < 4 - r; k++)
        if (all[k] != 1)
            return scl_fail(SIAMCL_ERR_SHAPE, "%s: input '%s' has rank %d: leading dimensions of %dx%dx%dx%d must be 1",
                            p->g->name, v->name, r, s->n, s->c, s->h, s->w);
    d->rank = r;
    for (int k = 0; k < r; k++) d->d[k] = all[4 - r + k];
    return SIAMCL_OK;
}

static siamcl_status plan_build(siamcl_plan *p, const siamcl_shape *shapes) {
    const scl_graph *g = p->g;
    int nv = g->nvals;
    size_t nvs = (size_t)(nv ? nv : 1);
    p->dims = scl_calloc(nvs, sizeof *p->dims);
    p->root = scl_malloc(nvs * sizeof(int));
    p->place = scl_malloc(nvs * sizeof(int));
    p->uses = scl_calloc(nvs, sizeof(int));
    p->value_step = scl_malloc(nvs * sizeof(int));
    p->scratch = scl_malloc(nvs * 3 * sizeof(int));
    p->vt = scl_calloc(nvs, sizeof *p->vt);
    p->place_bytes = scl_calloc(nvs, sizeof(size_t));
    p->place_mem = scl_calloc(nvs, sizeof(cl_mem));
    p->place_own = scl_calloc(nvs, sizeof(cl_mem));
    p->place_off = scl_calloc(nvs, sizeof(size_t));
    p->in_place = scl_calloc((size_t)g->ninputs + 1, sizeof(int));
    p->out_place = scl_calloc((size_t)g->noutputs + 1, sizeof(int));
    p->in_t = scl_calloc((size_t)g->ninputs + 1, sizeof *p->in_t);
    p->out_t = scl_calloc((size_t)g->noutputs + 1, sizeof *p->out_t);
    scl_dims *in_dims = scl_calloc((size_t)g->ninputs + 1, sizeof *in_dims);
    if (!p->dims || !p->root || !p->place || !p->uses || !p->value_step || !p->scratch || !p->vt ||
        !p->place_bytes || !p->place_mem || !p->place_own || !p->place_off || !p->in_place || !p->out_place ||
        !p->in_t || !p->out_t || !in_dims) {
        scl_free(in_dims);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "plan: out of memory");
    }
    siamcl_status st = SIAMCL_OK;
    for (int i = 0; i < g->ninputs && st == SIAMCL_OK; i++) st = to_dims(p, i, &shapes[i], &in_dims[i]);
    if (st == SIAMCL_OK) st = scl_graph_infer(g, in_dims, p->dims);
    scl_free(in_dims);
    SCL_TRY(st);
    for (int k = 0; k < g->norder; k++) {
        const scl_node *n = &g->nodes[g->order[k]];
        for (int i = 0; i < n->nin; i++)
            if (n->in[i] >= 0) p->uses[n->in[i]]++;
        p->macs += scl_graph_node_macs(g, n, p->dims);
    }
    for (int v = 0; v < nv; v++) p->value_step[v] = -1;
    SCL_TRY(build_steps(p));
    SCL_TRY(plan_storage(p));
    return SIAMCL_OK;
}

static siamcl_status plan_allocate(siamcl_plan *p) {
    SCL_TRY(scl_model_weights_acquire(p->m, p->dev, &p->ws));
    for (int i = 0; i < p->nplaces; i++) {
        SCL_TRY(scl_buffer_alloc(p->dev, p->place_bytes[i], &p->place_own[i]));
        p->place_mem[i] = p->place_own[i];
        p->place_off[i] = 0;
        p->activation_bytes += p->place_bytes[i];
    }
    resolve_views(p);
    p->workspace_bytes = conv_workspace(p);
    if (p->workspace_bytes) SCL_TRY(scl_buffer_alloc(p->dev, p->workspace_bytes, &p->workspace));
    return SIAMCL_OK;
}

/* Zero the inputs, run once and wait: compiles every kernel now, not at the first frame. */
static siamcl_status plan_warmup(siamcl_plan *p) {
    size_t most = 0;
    for (int i = 0; i < p->ndedicated; i++)
        if (p->place_bytes[i] > most) most = p->place_bytes[i];
    void *zero = scl_calloc(1, most ? most : 4);
    if (!zero) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "plan: out of memory");
    siamcl_status st = SIAMCL_OK;
    for (int i = 0; i < p->g->ninputs && st == SIAMCL_OK; i++)
        st = scl_buffer_write(p->dev, p->place_own[p->in_place[i]], 0, p->place_bytes[p->in_place[i]], zero);
    scl_free(zero);
    SCL_TRY(st);
    SCL_TRY(siamcl_plan_run(p));
    return siamcl_plan_finish(p);
}

/* Every conv step starts with the mode's algorithm; dual steps only exist
 * where 1x1 runs direct. */
static void conv_preset(siamcl_plan *p, int mode) {
    scl_conv_algo a = scl_conv_mode_algo(mode);
    for (int i = 0; i < p->nsteps; i++)
        if (p->steps[i].kind == SCL_STEP_CONV) p->steps[i].conv.p.algo = p->steps[i].conv.x2 >= 0 ? SCL_CONV_DIRECT : a;
}

typedef struct step_timer {
    siamcl_plan *p;
    int i;
} step_timer;

/* Best of 3 timed runs of one step with algorithm a (after one untimed run). */
static siamcl_status time_step(void *arg, scl_conv_algo a, double *ms) {
    step_timer *t = arg;
    t->p->steps[t->i].conv.p.algo = a;
    double best = 1e30;
    for (int r = 0; r < 4; r++) {
        double t0 = scl_now_ms();
        SCL_TRY(scl_plan_run_step(t->p, t->i));
        SCL_CL(scl_queue_finish(t->p->dev, SCL_Q_MAIN), "clFinish");
        double ms_r = scl_now_ms() - t0;
        if (r > 0 && ms_r < best) best = ms_r;
    }
    *ms = best;
    return SIAMCL_OK;
}

/* The tuner's choice for every conv step but the dual ones. */
static siamcl_status conv_tune(siamcl_plan *p) {
    scl_conv_tuner tu;
    scl_conv_tuner_open(&tu, p->dev);
    siamcl_status st = SIAMCL_OK;
    for (int i = 0; i < p->nsteps && st == SIAMCL_OK; i++) {
        scl_step *s = &p->steps[i];
        if (s->kind != SCL_STEP_CONV || s->conv.x2 >= 0) continue;
        scl_conv_layer l = {p->g->nodes[s->node].name, &s->conv.p, &p->vt[s->x], &p->vt[s->y], (int)s->act.act,
                            s->conv.res >= 0, p->workspace_bytes};
        step_timer t = {p, i};
        scl_conv_algo a = SCL_CONV_AUTO;
        st = scl_conv_tuner_choose(&tu, &l, time_step, &t, &a);
        if (st == SIAMCL_OK) s->conv.p.algo = a;
    }
    scl_conv_tuner_close(&tu);
    return st;
}

/* Measured choice per conv layer, then the workspace the chosen paths need. */
static siamcl_status plan_tune(siamcl_plan *p) {
    SCL_TRY(conv_tune(p));
    SCL_CL(scl_queue_finish(p->dev, SCL_Q_MAIN), "clFinish");
    size_t need = conv_workspace(p);
    if (need < p->workspace_bytes) {
        scl_buffer_free(p->dev, p->workspace);
        p->workspace = NULL;
        p->workspace_bytes = need;
        if (need) SCL_TRY(scl_buffer_alloc(p->dev, need, &p->workspace));
    }
    return SIAMCL_OK;
}

/* The plan's input/output handles follow its current binding. */
static siamcl_status resolve_io(const void *owner, int io, int index, scl_view *out) {
    const siamcl_plan *p = owner;
    return io ? scl_plan_output_view(p, index, out) : scl_plan_input_view(p, index, out);
}

siamcl_status siamcl_plan_create(siamcl_context *ctx, int device, siamcl_model *m, int n_inputs,
                                 const siamcl_shape *shapes, siamcl_plan **out) {
    if (!out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_plan_create: out is NULL");
    *out = NULL;
    if (!ctx || !m || (n_inputs > 0 && !shapes))
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_plan_create: NULL argument");
    if (device < 0 || device >= ctx->ndev)
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "siamcl_plan_create: device %d does not exist (context has %d)",
                        device, ctx->ndev);
    if (n_inputs != m->g->ninputs)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "%s: %d input shapes given, the model has %d inputs", m->g->name,
                        n_inputs, m->g->ninputs);
    double t0 = scl_now_ms();
    siamcl_plan *p = scl_calloc(1, sizeof *p);
    if (!p) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "plan: out of memory");
    p->m = m;
    scl_model_retain(m);
    p->g = m->g;
    p->dev = &ctx->dev[device];
    int mode = scl_conv_mode(p->dev);
    p->conv_mode = mode;
    siamcl_status st = plan_build(p, shapes);
    if (st == SIAMCL_OK) conv_preset(p, mode);
    if (st == SIAMCL_OK) st = plan_allocate(p);
    if (st == SIAMCL_OK) {
        for (int i = 0; i < p->g->ninputs; i++) scl_tensor_handle_init(&p->in_t[i], p->dev, p, resolve_io, 0, i);
        for (int i = 0; i < p->g->noutputs; i++) scl_tensor_handle_init(&p->out_t[i], p->dev, p, resolve_io, 1, i);
        st = plan_warmup(p);
        if (st == SIAMCL_OK && mode == SCL_CONV_MODE_TUNE) st = plan_tune(p);
    }
    if (st != SIAMCL_OK) {
        siamcl_plan_free(p);
        return st;
    }
    p->build_ms = scl_now_ms() - t0;
    *out = p;
    return SIAMCL_OK;
}

void siamcl_plan_free(siamcl_plan *p) {
    if (!p) return;
    if (p->dev) scl_queue_drain(p->dev);
    for (int i = 0; p->place_own && i < p->nplaces; i++) scl_buffer_free(p->dev, p->place_own[i]);
    scl_buffer_free(p->dev, p->workspace);
    if (p->ws) scl_model_weights_release(p->m, p->ws);
    scl_free(p->dims);
    scl_free(p->root);
    scl_free(p->place);
    scl_free(p->uses);
    scl_free(p->value_step);
    scl_free(p->node_step);
    scl_free(p->scratch);
    scl_free(p->vt);
    scl_free(p->place_bytes);
    scl_free(p->place_mem);
    scl_free(p->place_own);
    scl_free(p->place_off);
    scl_free(p->in_place);
    scl_free(p->out_place);
    scl_free(p->in_t);
    scl_free(p->out_t);
    scl_free(p->steps);
    scl_model_release(p->m);
    scl_free(p);
}

/* ---- inputs, outputs, bindings ---- */
int siamcl_plan_input_count(const siamcl_plan *p) { return p ? p->g->ninputs : 0; }
int siamcl_plan_output_count(const siamcl_plan *p) { return p ? p->g->noutputs : 0; }

static siamcl_status io_check(const siamcl_plan *p, int io, int i, const char *fn) {
    if (!p) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "%s: plan is NULL", fn);
    int n = io ? p->g->noutputs : p->g->ninputs;
    if (i < 0 || i >= n)
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "%s: %s %d does not exist (%d)", fn, io ? "output" : "input", i, n);
    return SIAMCL_OK;
}

static int io_value(const siamcl_plan *p, int io, int i) { return io ? p->g->outputs[i] : p->g->inputs[i]; }

static siamcl_shape shape_of(const scl_dims *d) {
    int v[4];
    dims4(d, v);
    siamcl_shape s = {v[0], v[1], v[2], v[3]};
    return s;
}

siamcl_status siamcl_plan_input_shape(const siamcl_plan *p, int i, siamcl_shape *out) {
    SCL_TRY(io_check(p, 0, i, "siamcl_plan_input_shape"));
    if (!out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_plan_input_shape: out is NULL");
    *out = shape_of(&p->dims[io_value(p, 0, i)]);
    return SIAMCL_OK;
}

siamcl_status siamcl_plan_output_shape(const siamcl_plan *p, int i, siamcl_shape *out) {
    SCL_TRY(io_check(p, 1, i, "siamcl_plan_output_shape"));
    if (!out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_plan_output_shape: out is NULL");
    *out = shape_of(&p->dims[io_value(p, 1, i)]);
    return SIAMCL_OK;
}

siamcl_tensor *siamcl_plan_input(siamcl_plan *p, int i) {
    return p && i >= 0 && i < p->g->ninputs ? &p->in_t[i] : NULL;
}

siamcl_tensor *siamcl_plan_output(siamcl_plan *p, int i) {
    return p && i >= 0 && i < p->g->noutputs ? &p->out_t[i] : NULL;
}

scl_device *scl_plan_device(const siamcl_plan *p) { return p ? p->dev : NULL; }

static siamcl_status scl_plan_io_view(const siamcl_plan *p, int io, int i, scl_view *out) {
    SCL_TRY(io_check(p, io, i, "plan view"));
    if (!out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "plan view: out is NULL");
    *out = p->vt[io_value(p, io, i)];
    return SIAMCL_OK;
}

siamcl_status scl_plan_input_view(const siamcl_plan *p, int i, scl_view *out) { return scl_plan_io_view(p, 0, i, out); }
siamcl_status scl_plan_output_view(const siamcl_plan *p, int i, scl_view *out) {
    return scl_plan_io_view(p, 1, i, out);
}

static siamcl_status bind_mem(siamcl_plan *p, int io, int i, cl_mem mem, size_t off) {
    SCL_TRY(io_check(p, io, i, io ? "bind output" : "bind input"));
    int pl = io ? p->out_place[i] : p->in_place[i];
    if (!mem) {
        p->place_mem[pl] = p->place_own[pl];
        p->place_off[pl] = 0;
    } else {
        size_t bytes = scl_buffer_size(mem);
        if (!scl_buffer_on(p->dev, mem))
            return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "%s: binding %s %d to a buffer of another device", p->g->name,
                            io ? "output" : "input", i);
        if (off * sizeof(float) + p->place_bytes[pl] > bytes)
            return scl_fail(SIAMCL_ERR_SHAPE, "%s: %s %d needs %zu bytes at float offset %zu, the buffer has %zu",
                            p->g->name, io ? "output" : "input", i, p->place_bytes[pl], off, bytes);
        p->place_mem[pl] = mem;
        p->place_off[pl] = off;
    }
    resolve_views(p);
    return SIAMCL_OK;
}

siamcl_status scl_plan_bind_input_mem(siamcl_plan *p, int i, cl_mem mem, size_t off) {
    return bind_mem(p, 0, i, mem, off);
}
siamcl_status scl_plan_bind_output_mem(siamcl_plan *p, int i, cl_mem mem, size_t off) {
    return bind_mem(p, 1, i, mem, off);
}

static siamcl_status bind_tensor(siamcl_plan *p, int io, int i, const siamcl_tensor *t) {
    SCL_TRY(io_check(p, io, i, io ? "siamcl_plan_bind_output" : "siamcl_plan_bind_input"));
    if (!t) return bind_mem(p, io, i, NULL, 0);
    scl_device *dev;
    scl_view v;
    SCL_TRY(scl_view_of(t, &dev, &v));
    if (dev != p->dev)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "%s: binding %s %d to a tensor of another device", p->g->name,
                        io ? "output" : "input", i);
    const scl_view *want = &p->vt[io_value(p, io, i)];
    if (v.n != want->n || v.c != want->c || v.h != want->h || v.w != want->w)
        return scl_fail(SIAMCL_ERR_SHAPE, "%s: %s %d is %dx%dx%dx%d, the tensor bound to it is %dx%dx%dx%d",
                        p->g->name, io ? "output" : "input", i, want->n, want->c, want->h, want->w, v.n, v.c, v.h,
                        v.w);
    if (t->owner == p && t->io == io && t->index == i) return SIAMCL_OK; /* itself: nothing to do */
    return bind_mem(p, io, i, v.mem, v.off);
}

siamcl_status siamcl_plan_bind_input(siamcl_plan *p, int i, const siamcl_tensor *t) { return bind_tensor(p, 0, i, t); }
siamcl_status siamcl_plan_bind_output(siamcl_plan *p, int i, const siamcl_tensor *t) { return bind_tensor(p, 1, i, t); }

siamcl_status siamcl_plan_get_stats(const siamcl_plan *p, siamcl_plan_stats *out) {
    if (!p || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_plan_get_stats: NULL argument");
    memset(out, 0, sizeof *out);
    out->weight_bytes = p->ws ? p->ws->bytes : 0;
    out->activation_bytes = p->activation_bytes;
    out->workspace_bytes = p->workspace_bytes;
    out->naive_bytes = p->naive_bytes;
    int launches = 0;
    for (int i = 0; i < p->nsteps; i++)
        launches += p->steps[i].kind == SCL_STEP_BN     ? 2
                    : p->steps[i].kind == SCL_STEP_GEMM ? p->steps[i].gemm.loops
                                                        : 1;
    out->launches = launches;
    out->nodes = p->g->norder;
    out->macs = p->macs;
    out->build_ms = p->build_ms;
    return SIAMCL_OK;
}
