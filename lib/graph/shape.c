/* Shape inference: every value's dims for given input shapes, conv/pool
 * geometry (auto_pad resolved), and multiply-add counts. */
#include <stdio.h>
#include <string.h>

#include "graph/graph.h"

#define NODE_FAIL(g, n, ...) node_fail((g), (n), __VA_ARGS__)

static siamcl_status node_fail(const scl_graph *g, const scl_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static siamcl_status node_fail(const scl_graph *g, const scl_node *n, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return scl_fail(SIAMCL_ERR_SHAPE, "%s: node '%s' (%s): %s", g->name, n->name, scl_gop_name(n->op), msg);
}

/* Pads for auto_pad, per axis: in, kernel extent, stride -> begin/end. */
static void auto_pad(scl_autopad mode, int64_t in, int64_t ext, int stride, int *pb, int *pe) {
    if (mode == SCL_PAD_VALID) {
        *pb = *pe = 0;
        return;
    }
    int64_t out = (in + stride - 1) / stride;
    int64_t total = (out - 1) * stride + ext - in;
    if (total < 0) total = 0;
    int64_t small = total / 2, big = total - small;
    *pb = (int)(mode == SCL_PAD_SAME_UPPER ? small : big);
    *pe = (int)(mode == SCL_PAD_SAME_UPPER ? big : small);
}

siamcl_status scl_graph_conv_geom(const scl_graph *g, const scl_node *n, const scl_dims *x, const scl_dims *w,
                                  scl_conv_geom *out) {
    const scl_conv_attr *a = &n->a.conv;
    if (x->rank != 4) return NODE_FAIL(g, n, "input must be 4-D NCHW, got rank %d", x->rank);
    if (w->rank != 4) return NODE_FAIL(g, n, "weight must be 4-D, got rank %d", w->rank);
    memset(out, 0, sizeof *out);
    out->kh = (int)w->d[2];
    out->kw = (int)w->d[3];
    if ((a->kh && a->kh != out->kh) || (a->kw && a->kw != out->kw))
        return NODE_FAIL(g, n, "kernel_shape %dx%d does not match the weight's %dx%d", a->kh, a->kw, out->kh,
                         out->kw);
    out->group = a->group > 0 ? a->group : 1;
    for (int i = 0; i < 2; i++) {
        out->stride[i] = a->stride[i] > 0 ? a->stride[i] : 1;
        out->dil[i] = a->dil[i] > 0 ? a->dil[i] : 1;
    }
    if (a->autopad == SCL_PAD_NOTSET) {
        memcpy(out->pad, a->pad, sizeof out->pad);
    } else {
        auto_pad(a->autopad, x->d[2], (int64_t)(out->kh - 1) * out->dil[0] + 1, out->stride[0], &out->pad[0],
                 &out->pad[2]);
        auto_pad(a->autopad, x->d[3], (int64_t)(out->kw - 1) * out->dil[1] + 1, out->stride[1], &out->pad[1],
                 &out->pad[3]);
    }
    return SIAMCL_OK;
}

siamcl_status scl_graph_pool_geom(const scl_graph *g, const scl_node *n, const scl_dims *x, scl_conv_geom *out) {
    const scl_pool_attr *a = &n->a.pool;
    if (x->rank != 4) return NODE_FAIL(g, n, "input must be 4-D NCHW, got rank %d", x->rank);
    memset(out, 0, sizeof *out);
    out->kh = a->kh;
    out->kw = a->kw;
    out->group = 1;
    out->dil[0] = out->dil[1] = 1;
    for (int i = 0; i < 2; i++) out->stride[i] = a->stride[i] > 0 ? a->stride[i] : 1;
    if (a->autopad == SCL_PAD_NOTSET) {
        memcpy(out->pad, a->pad, sizeof out->pad);
    } else {
        auto_pad(a->autopad, x->d[2], out->kh, out->stride[0], &out->pad[0], &out->pad[2]);
        auto_pad(a->autopad, x->d[3], out->kw, out->stride[1], &out->pad[1], &out->pad[3]);
    }
    return SIAMCL_OK;
}

static int64_t div_floor_ceil(int64_t a, int64_t b, int ceil_mode) { return ceil_mode ? (a + b - 1) / b : a / b; }

static siamcl_status infer_conv(const scl_graph *g, const scl_node *n, const scl_dims *dims, scl_dims *y) {
    const scl_dims *x = &dims[n->in[0]], *w = &dims[n->in[1]];
    scl_conv_geom k;
    SCL_TRY(scl_graph_conv_geom(g, n, x, w, &k));
    int64_t c = x->d[1], o = w->d[0];
    if (c % k.group || o % k.group)
        return NODE_FAIL(g, n, "group %d does not divide %lld input / %lld output channels", k.group, (long long)c,
                         (long long)o);
    if (w->d[1] * k.group != c)
        return NODE_FAIL(g, n, "input has %lld channels, the weight expects %lld (x group %d)", (long long)c,
                         (long long)w->d[1], k.group);
    if (n->nin > 2 && n->in[2] >= 0 && scl_dims_count(&dims[n->in[2]]) != o)
        return NODE_FAIL(g, n, "bias has %lld values for %lld output channels", (long long)scl_dims_count(&dims[n->in[2]]),
                         (long long)o);
    int64_t eh = (int64_t)(k.kh - 1) * k.dil[0] + 1, ew = (int64_t)(k.kw - 1) * k.dil[1] + 1;
    int64_t oh = x->d[2] + k.pad[0] + k.pad[2] - eh, ow = x->d[3] + k.pad[1] + k.pad[3] - ew;
    if (oh < 0 || ow < 0)
        return NODE_FAIL(g, n, "input %lldx%lld is smaller than the %lldx%lld kernel", (long long)x->d[2],
                         (long long)x->d[3], (long long)eh, (long long)ew);
    y->rank = 4;
    y->d[0] = x->d[0];
    y->d[1] = o;
    y->d[2] = oh / k.stride[0] + 1;
    y->d[3] = ow / k.stride[1] + 1;
    return SIAMCL_OK;
}

static siamcl_status infer_pool(const scl_graph *g, const scl_node *n, const scl_dims *x, scl_dims *y) {
    scl_conv_geom k;
    SCL_TRY(scl_graph_pool_geom(g, n, x, &k));
    int64_t oh = x->d[2] + k.pad[0] + k.pad[2] - k.kh, ow = x->d[3] + k.pad[1] + k.pad[3] - k.kw;
    if (oh < 0 || ow < 0)
        return NODE_FAIL(g, n, "input %lldx%lld is smaller than the %dx%d window", (long long)x->d[2],
                         (long long)x->d[3], k.kh, k.kw);
    y->rank = 4;
    y->d[0] = x->d[0];
    y->d[1] = x->d[1];
    y->d[2] = div_floor_ceil(oh, k.stride[0], n->a.pool.ceil_mode) + 1;
    y->d[3] = div_floor_ceil(ow, k.stride[1], n->a.pool.ceil_mode) + 1;
    /* ONNX: with ceil_mode the last window must start inside the (left-padded) input */
    if (n->a.pool.ceil_mode) {
        if ((y->d[2] - 1) * k.stride[0] >= x->d[2] + k.pad[0]) y->d[2]--;
        if ((y->d[3] - 1) * k.stride[1] >= x->d[3] + k.pad[1]) y->d[3]--;
    }
    return SIAMCL_OK;
}

static siamcl_status broadcast(const scl_graph *g, const scl_node *n, const scl_dims *a, const scl_dims *b,
                               scl_dims *y) {
    int r = a->rank > b->rank ? a->rank : b->rank;
    y->rank = r;
    for (int i = 0; i < r; i++) {
        int ia = i - (r - a->rank), ib = i - (r - b->rank);
        int64_t da = ia >= 0 ? a->d[ia] : 1, db = ib >= 0 ? b->d[ib] : 1;
        if (da != db && da != 1 && db != 1) {
            char s1[64], s2[64];
            return NODE_FAIL(g, n, "shapes %s and %s do not broadcast", scl_dims_str(a, s1, sizeof s1),
                             scl_dims_str(b, s2, sizeof s2));
        }
        y->d[i] = da == 1 ? db : da;
    }
    return SIAMCL_OK;
}

static siamcl_status infer_gemm(const scl_graph *g, const scl_node *n, const scl_dims *a, const scl_dims *b,
                                scl_dims *y) {
    if (a->rank != 2 || b->rank != 2) return NODE_FAIL(g, n, "A and B must be 2-D (ranks %d, %d)", a->rank, b->rank);
    int64_t m = n->a.gemm.trans_a ? a->d[1] : a->d[0], k = n->a.gemm.trans_a ? a->d[0] : a->d[1];
    int64_t kb = n->a.gemm.trans_b ? b->d[1] : b->d[0], nn = n->a.gemm.trans_b ? b->d[0] : b->d[1];
    if (k != kb) return NODE_FAIL(g, n, "inner dimensions differ (%lld vs %lld)", (long long)k, (long long)kb);
    y->rank = 2;
    y->d[0] = m;
    y->d[1] = nn;
    return SIAMCL_OK;
}

static siamcl_status infer_matmul(const scl_graph *g, const scl_node *n, const scl_dims *a, const scl_dims *b,
                                  scl_dims *y) {
    if (a->rank < 2 || b->rank < 2)
        return NODE_FAIL(g, n, "1-D operands are not supported (ranks %d, %d)", a->rank, b->rank);
    if (a->d[a->rank - 1] != b->d[b->rank - 2])
        return NODE_FAIL(g, n, "inner dimensions differ (%lld vs %lld)", (long long)a->d[a->rank - 1],
                         (long long)b->d[b->rank - 2]);
    scl_dims ba = *a, bb = *b;
    ba.rank -= 2;
    bb.rank -= 2;
    SCL_TRY(broadcast(g, n, &ba, &bb, y));
    y->d[y->rank++] = a->d[a->rank - 2];
    y->d[y->rank++] = b->d[b->rank - 1];
    return SIAMCL_OK;
}

static siamcl_status infer_reshape(const scl_graph *g, const scl_node *n, const scl_dims *x, scl_dims *y) {
    int64_t total = scl_dims_count(x);
    if (n->a.reshape.mode == SCL_IDENTITY) {
        *y = *x;
        return SIAMCL_OK;
    }
    if (n->a.reshape.mode == SCL_FLATTEN) {
        int ax = n->a.reshape.axis < 0 ? n->a.reshape.axis + x->rank : n->a.reshape.axis;
        if (ax < 0 || ax > x->rank) return NODE_FAIL(g, n, "axis %d out of range for rank %d", n->a.reshape.axis, x->rank);
        y->rank = 2;
        y->d[0] = 1;
        for (int i = 0; i < ax; i++) y->d[0] *= x->d[i];
        y->d[1] = total / (y->d[0] ? y->d[0] : 1);
        return SIAMCL_OK;
    }
    y->rank = n->a.reshape.n;
    int infer = -1;
    int64_t known = 1;
    for (int i = 0; i < y->rank; i++) {
        int64_t s = n->a.reshape.shape[i];
        if (s == 0 && !n->a.reshape.allowzero) {
            if (i >= x->rank) return NODE_FAIL(g, n, "shape entry %d is 0 but the input has rank %d", i, x->rank);
            s = x->d[i];
        }
        if (s == -1) {
            if (infer >= 0) return NODE_FAIL(g, n, "more than one -1 in the target shape");
            infer = i;
            s = 1;
        } else if (s <= 0) {
            return NODE_FAIL(g, n, "target shape entry %d is %lld", i, (long long)s);
        }
        y->d[i] = s;
        known *= s;
    }
    if (infer >= 0) {
        if (known == 0 || total % known) return NODE_FAIL(g, n, "cannot infer the -1 entry");
        y->d[infer] = total / known;
    }
    if (scl_dims_count(y) != total && n->a.reshape.shape[0] == 1 && x->rank > 0 && x->d[0] > 1 &&
        scl_dims_count(y) * x->d[0] == total && infer < 0) {
        /* Exporters trace view(batch, ...) with batch 1 as the literal 1: when the
         * count only fits with the input's batch there, keep the batch (a strict
         * reading would be an error, so no valid result changes). */
        y->d[0] = x->d[0];
    }
    if (scl_dims_count(y) != total) {
        char s1[64], s2[64];
        return NODE_FAIL(g, n, "cannot reshape %s into %s", scl_dims_str(x, s1, sizeof s1),
                         scl_dims_str(y, s2, sizeof s2));
    }
    return SIAMCL_OK;
}

static siamcl_status infer_transpose(const scl_graph *g, const scl_node *n, const scl_dims *x, scl_dims *y) {
    int r = x->rank;
    if (n->a.transpose.n && n->a.transpose.n != r)
        return NODE_FAIL(g, n, "perm has %d entries for a rank-%d input", n->a.transpose.n, r);
    int used[SCL_MAX_RANK] = {0};
    y->rank = r;
    for (int i = 0; i < r; i++) {
        int p = n->a.transpose.n ? n->a.transpose.perm[i] : r - 1 - i;
        if (p < 0 || p >= r || used[p]) return NODE_FAIL(g, n, "perm is not a permutation");
        used[p] = 1;
        y->d[i] = x->d[p];
    }
    return SIAMCL_OK;
}

siamcl_status scl_graph_slice_resolve(const scl_graph *g, const scl_node *n, const scl_dims *x, int64_t start[],
                                      int64_t step[], scl_dims *y) {
    *y = *x;
    for (int i = 0; i < x->rank; i++) {
        start[i] = 0;
        step[i] = 1;
    }
    int touched[SCL_MAX_RANK] = {0};
    for (int k = 0; k < n->a.slice.n; k++) {
        int64_t ax = n->a.slice.axes[k];
        if (ax < 0) ax += x->rank;
        if (ax < 0 || ax >= x->rank) return NODE_FAIL(g, n, "axis %lld out of range", (long long)n->a.slice.axes[k]);
        if (touched[ax]) return NODE_FAIL(g, n, "axis %lld repeated", (long long)ax);
        touched[ax] = 1;
        int64_t d = x->d[ax], s = n->a.slice.starts[k], e = n->a.slice.ends[k], st = n->a.slice.steps[k];
        if (st <= 0) return NODE_FAIL(g, n, "step %lld (only positive steps are supported)", (long long)st);
        if (s < 0) s += d;
        if (e < 0) e += d;
        s = s < 0 ? 0 : (s > d ? d : s);
        e = e < 0 ? 0 : (e > d ? d : e);
        int64_t len = e > s ? (e - s + st - 1) / st : 0;
        if (len <= 0) return NODE_FAIL(g, n, "empty slice on axis %lld", (long long)ax);
        start[ax] = s;
        step[ax] = st;
        y->d[ax] = len;
    }
    return SIAMCL_OK;
}

static siamcl_status infer_concat(const scl_graph *g, const scl_node *n, const scl_dims *dims, scl_dims *y) {
    const scl_dims *x0 = &dims[n->in[0]];
    int ax = n->a.concat.axis < 0 ? n->a.concat.axis + x0->rank : n->a.concat.axis;
    if (ax < 0 || ax >= x0->rank) return NODE_FAIL(g, n, "axis %d out of range", n->a.concat.axis);
    *y = *x0;
    for (int k = 1; k < n->nin; k++) {
        const scl_dims *x = &dims[n->in[k]];
        if (x->rank != x0->rank) return NODE_FAIL(g, n, "inputs of different rank");
        for (int i = 0; i < x->rank; i++)
            if (i != ax && x->d[i] != x0->d[i]) {
                char s1[64], s2[64];
                return NODE_FAIL(g, n, "inputs %s and %s differ outside axis %d", scl_dims_str(x0, s1, sizeof s1),
                                 scl_dims_str(x, s2, sizeof s2), ax);
            }
        y->d[ax] += x->d[ax];
    }
    return SIAMCL_OK;
}

static siamcl_status infer_node(const scl_graph *g, const scl_node *n, scl_dims *dims) {
    scl_dims *y = &dims[n->out];
    memset(y, 0, sizeof *y);
    for (int k = 0; k < n->nin; k++)
        if (n->in[k] >= 0 && dims[n->in[k]].rank == 0 && g->vals[n->in[k]].kind != SCL_V_CONST)
            return NODE_FAIL(g, n, "input %d has no shape", k);
    const scl_dims *x = &dims[n->in[0]];
    switch (n->op) {
    case SCL_GOP_CONV: SCL_TRY(infer_conv(g, n, dims, y)); break;
    case SCL_GOP_BN:
        if (x->rank < 2 || x->d[1] != scl_dims_count(&dims[n->in[1]]))
            return NODE_FAIL(g, n, "input channels do not match the %lld statistics",
                             (long long)scl_dims_count(&dims[n->in[1]]));
        *y = *x;
        break;
    case SCL_GOP_RELU: case SCL_GOP_CLIP: case SCL_GOP_HARDSWISH: case SCL_GOP_HARDSIGMOID:
    case SCL_GOP_SIGMOID: case SCL_GOP_EXP:
        *y = *x;
        break;
    case SCL_GOP_ADD: case SCL_GOP_SUB: case SCL_GOP_MUL: case SCL_GOP_DIV:
        SCL_TRY(broadcast(g, n, x, &dims[n->in[1]], y));
        break;
    case SCL_GOP_GAP:
        if (x->rank != 4) return NODE_FAIL(g, n, "input must be 4-D NCHW, got rank %d", x->rank);
        *y = *x;
        y->d[2] = y->d[3] = 1;
        break;
    case SCL_GOP_MAXPOOL: SCL_TRY(infer_pool(g, n, x, y)); break;
    case SCL_GOP_GEMM: SCL_TRY(infer_gemm(g, n, x, &dims[n->in[1]], y)); break;
    case SCL_GOP_MATMUL: SCL_TRY(infer_matmul(g, n, x, &dims[n->in[1]], y)); break;
    case SCL_GOP_RESHAPE: SCL_TRY(infer_reshape(g, n, x, y)); break;
    case SCL_GOP_TRANSPOSE: SCL_TRY(infer_transpose(g, n, x, y)); break;
    case SCL_GOP_SLICE: {
        int64_t st[SCL_MAX_RANK], sp[SCL_MAX_RANK];
        SCL_TRY(scl_graph_slice_resolve(g, n, x, st, sp, y));
        break;
    }
    case SCL_GOP_CONCAT: SCL_TRY(infer_concat(g, n, dims, y)); break;
    default: return NODE_FAIL(g, n, "no shape rule");
    }
    if (y->rank < 1 || y->rank > SCL_MAX_RANK) return NODE_FAIL(g, n, "output rank %d not supported", y->rank);
    for (int i = 0; i < y->rank; i++)
        if (y->d[i] < 1 || y->d[i] > (1 << 30)) {
            char s[64];
            return NODE_FAIL(g, n, "output shape %s is empty or too large", scl_dims_str(y, s, sizeof s));
        }
    return SIAMCL_OK;
}

siamcl_status scl_graph_infer(const scl_graph *g, const scl_dims *in_dims, scl_dims *dims) {
    for (int v = 0; v < g->nvals; v++) {
        if (g->vals[v].kind == SCL_V_CONST) dims[v] = g->vals[v].dims;
        else memset(&dims[v], 0, sizeof dims[v]);
    }
    for (int i = 0; i < g->ninputs; i++) {
        const scl_value *v = &g->vals[g->inputs[i]];
        const scl_dims *d = &in_dims[i];
        if (d->rank < 1 || d->rank > SCL_MAX_RANK)
            return scl_fail(SIAMCL_ERR_SHAPE, "%s: input '%s': rank %d not supported", g->name, v->name, d->rank);
        if (v->dims.rank && v->dims.rank != d->rank)
            return scl_fail(SIAMCL_ERR_SHAPE, "%s: input '%s' has rank %d, got a rank-%d shape", g->name, v->name,
                            v->dims.rank, d->rank);
        for (int k = 0; k < d->rank; k++)
            if (d->d[k] < 1 || d->d[k] > (1 << 30)) {
                char s[64];
                return scl_fail(SIAMCL_ERR_SHAPE, "%s: input '%s': invalid shape %s", g->name, v->name,
                                scl_dims_str(d, s, sizeof s));
            }
        dims[g->inputs[i]] = *d;
    }
    for (int k = 0; k < g->norder; k++) SCL_TRY(infer_node(g, &g->nodes[g->order[k]], dims));
    return SIAMCL_OK;
}

long long scl_graph_node_macs(const scl_graph *g, const scl_node *n, const scl_dims *dims) {
    (void)g;
    const scl_dims *y = &dims[n->out];
    switch (n->op) {
    case SCL_GOP_CONV: {
        const scl_dims *w = &dims[n->in[1]];
        return (long long)scl_dims_count(y) * w->d[1] * w->d[2] * w->d[3];
    }
    case SCL_GOP_GEMM: {
        const scl_dims *a = &dims[n->in[0]];
        return (long long)scl_dims_count(y) * (n->a.gemm.trans_a ? a->d[0] : a->d[1]);
    }
    case SCL_GOP_MATMUL: {
        const scl_dims *a = &dims[n->in[0]];
        return (long long)scl_dims_count(y) * a->d[a->rank - 1];
    }
    default: return 0;
    }
}
