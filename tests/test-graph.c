/* Plans against plain C references: small ONNX graphs built in memory with
 * protobuf-c, each node's reference computed on the host as it is added
 * (double accumulation), then imported, planned on the device and compared
 * with the op tolerance |a-b| <= 1e-4 + 1e-3|b|. Covers every supported op and
 * attribute form, the fusions (BN folding, conv+bias+activation, conv+residual,
 * binary+activation, dual 1x1 units, centre crops folded into residual units), views, liveness reuse, dynamic conv weights, two-input /
 * two-output graphs, weight sharing between plans, bindings, run-time shape
 * errors and a failing-allocator walk over plan creation. */
#include <float.h>

#include "graph/plan.h"
#include "graph/plan_impl.h"
#include "onnxbuild.h"
#include "testutil.h"

static ob B;

static float *rnd(size_t n, float lo, float hi) {
    float *p = ob_alloc(&B, n * sizeof(float));
    tu_fill(p, n, lo, hi);
    return p;
}

static size_t cnt(const int64_t *d, int r) {
    size_t n = 1;
    for (int i = 0; i < r; i++) n *= (size_t)d[i];
    return n;
}

/* ---- builders with references ---- */
static const char *t_input(const char *name, int64_t n, int64_t c, int64_t h, int64_t w) {
    int64_t d[4] = {n, c, h, w}, decl[4] = {0, c, 0, 0};
    ob_input(&B, name, 4, decl, d, rnd(cnt(d, 4), -2, 2));
    return name;
}

static const char *t_weight(int rank, const int64_t *d, float lo, float hi) {
    return ob_weight(&B, ob_name(&B, "W"), rank, d, rnd(cnt(d, rank), lo, hi));
}

typedef struct convp {
    int kh, kw, s, pt, pl, pb, pr, dil, group, bias;
} convp;

static void ref_conv(const ob_val *x, const ob_val *w, const ob_val *b, const convp *p, ob_val *y) {
    int64_t N = x->d[0], C = x->d[1], H = x->d[2], W = x->d[3], O = w->d[0], Cg = C / p->group, Og = O / p->group;
    int64_t OH = y->d[2], OW = y->d[3];
    for (int64_t n = 0; n < N; n++)
        for (int64_t o = 0; o < O; o++)
            for (int64_t oy = 0; oy < OH; oy++)
                for (int64_t ox = 0; ox < OW; ox++) {
                    double s = b ? b->f[o] : 0;
                    int64_t g = o / Og;
                    for (int64_t ci = 0; ci < Cg; ci++)
                        for (int ky = 0; ky < p->kh; ky++)
                            for (int kx = 0; kx < p->kw; kx++) {
                                int64_t iy = oy * p->s - p->pt + ky * p->dil, ix = ox * p->s - p->pl + kx * p->dil;
                                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                                s += (double)x->f[((n * C + g * Cg + ci) * H + iy) * W + ix] *
                                     w->f[((o * Cg + ci) * p->kh + ky) * p->kw + kx];
                            }
                    y->f[((n * O + o) * OH + oy) * OW + ox] = (float)s;
                }
}

/* Conv with weights given by name (an initializer, or a computed tensor). */
static const char *t_conv_w(const char *x, const char *wname, const convp *p) {
    ob_val *xv = ob_get(&B, x), *wv = ob_get(&B, wname);
    int64_t O = wv->d[0];
    const char *bname = NULL;
    if (p->bias) {
        int64_t bd[1] = {O};
        bname = t_weight(1, bd, -1, 1);
    }
    int64_t k[2] = {p->kh, p->kw}, st[2] = {p->s, p->s}, pads[4] = {p->pt, p->pl, p->pb, p->pr},
            dl[2] = {p->dil, p->dil};
    Onnx__AttributeProto *a[] = {ob_aints(&B, "kernel_shape", 2, k), ob_aints(&B, "strides", 2, st),
                                 ob_aints(&B, "pads", 4, pads),      ob_aints(&B, "dilations", 2, dl),
                                 ob_ai(&B, "group", p->group),       NULL};
    const char *y = ob_name(&B, "conv");
    const char *in[] = {x, wname, bname, NULL};
    ob_node(&B, "Conv", in, y, a);
    int64_t eh = (int64_t)(p->kh - 1) * p->dil + 1, ew = (int64_t)(p->kw - 1) * p->dil + 1;
    int64_t yd[4] = {xv->d[0], O, (xv->d[2] + p->pt + p->pb - eh) / p->s + 1, (xv->d[3] + p->pl + p->pr - ew) / p->s + 1};
    ob_val *yv = ob_put(&B, y, 4, yd, NULL);
    ref_conv(ob_get(&B, x), ob_get(&B, wname), bname ? ob_get(&B, bname) : NULL, p, yv);
    return y;
}

static const char *t_conv(const char *x, int co, const convp *p) {
    ob_val *xv = ob_get(&B, x);
    int64_t wd[4] = {co, xv->d[1] / p->group, p->kh, p->kw};
    float r = 1.0f / sqrtf((float)(wd[1] * p->kh * p->kw));
    return t_conv_w(x, t_weight(4, wd, -r, r), p);
}

static float act_ref(const char *op, float x, float a, float b) {
    if (!strcmp(op, "Relu")) return x > 0 ? x : 0;
    if (!strcmp(op, "Sigmoid")) return 1.0f / (1.0f + expf(-x));
    if (!strcmp(op, "Exp")) return expf(x);
    if (!strcmp(op, "HardSwish")) {
        float t = x / 6.0f + 0.5f;
        return x * (t < 0 ? 0 : t > 1 ? 1 : t);
    }
    if (!strcmp(op, "HardSigmoid")) {
        float t = a * x + b;
        return t < 0 ? 0 : t > 1 ? 1 : t;
    }
    if (!strcmp(op, "Clip")) return x < a ? a : x > b ? b : x;
    fprintf(stderr, "no reference for %s\n", op);
    exit(1);
}

/* Unary activation; HardSigmoid gets alpha/beta attributes when a != 0, Clip
 * its bounds as constant inputs (opset >= 11). */
static const char *t_act(const char *op, const char *x, float a, float b) {
    ob_val *xv = ob_get(&B, x);
    const char *y = ob_name(&B, op);
    if (!strcmp(op, "Clip")) {
        int64_t none[1] = {0};
        const char *lo = ob_weight(&B, ob_name(&B, "lo"), 0, none, &a);
        const char *hi = ob_weight(&B, ob_name(&B, "hi"), 0, none, &b);
        const char *in[] = {x, lo, hi, NULL};
        ob_node(&B, "Clip", in, y, NULL);
    } else if (!strcmp(op, "HardSigmoid") && a != 0) {
        Onnx__AttributeProto *at[] = {ob_af(&B, "alpha", a), ob_af(&B, "beta", b), NULL};
        const char *in[] = {x, NULL};
        ob_node(&B, op, in, y, at);
    } else {
        const char *in[] = {x, NULL};
        ob_node(&B, op, in, y, NULL);
        if (!strcmp(op, "HardSigmoid")) {
            a = 0.2f;
            b = 0.5f;
        }
    }
    xv = ob_get(&B, x);
    ob_val *yv = ob_put(&B, y, xv->rank, xv->d, NULL);
    for (int64_t i = 0; i < ob_count(xv); i++) yv->f[i] = act_ref(op, xv->f[i], a, b);
    return y;
}

/* BatchNormalization with random statistics. */
static const char *t_bn(const char *x) {
    ob_val *xv = ob_get(&B, x);
    int64_t C = xv->d[1], cd[1] = {C};
    float *g = rnd((size_t)C, 0.5f, 1.5f), *be = rnd((size_t)C, -0.2f, 0.2f), *mu = rnd((size_t)C, -0.1f, 0.1f),
          *var = rnd((size_t)C, 0.5f, 2.0f);
    const char *in[] = {x, ob_weight(&B, ob_name(&B, "g"), 1, cd, g), ob_weight(&B, ob_name(&B, "b"), 1, cd, be),
                        ob_weight(&B, ob_name(&B, "m"), 1, cd, mu), ob_weight(&B, ob_name(&B, "v"), 1, cd, var), NULL};
    const char *y = ob_name(&B, "bn");
    ob_node(&B, "BatchNormalization", in, y, NULL);
    xv = ob_get(&B, x);
    ob_val *yv = ob_put(&B, y, xv->rank, xv->d, NULL);
    int64_t inner = ob_count(xv) / (xv->d[0] * C);
    for (int64_t i = 0; i < ob_count(xv); i++) {
        int64_t c = (i / inner) % C;
        yv->f[i] = (float)((xv->f[i] - mu[c]) / sqrt((double)var[c] + 1e-5) * g[c] + be[c]);
    }
    return y;
}

/* numpy-broadcast binary op. */
static const char *t_bin(const char *op, const char *a, const char *b) {
    const char *y = ob_name(&B, op);
    const char *in[] = {a, b, NULL};
    ob_node(&B, op, in, y, NULL);
    ob_val *av = ob_get(&B, a), *bv = ob_get(&B, b);
    int r = av->rank > bv->rank ? av->rank : bv->rank;
    int64_t ad[4], bd[4], yd[4];
    for (int i = 0; i < r; i++) {
        ad[i] = i - (r - av->rank) >= 0 ? av->d[i - (r - av->rank)] : 1;
        bd[i] = i - (r - bv->rank) >= 0 ? bv->d[i - (r - bv->rank)] : 1;
        yd[i] = ad[i] > bd[i] ? ad[i] : bd[i];
    }
    ob_val *yv = ob_put(&B, y, r, yd, NULL);
    av = ob_get(&B, a);
    bv = ob_get(&B, b);
    for (int64_t i = 0; i < ob_count(yv); i++) {
        int64_t rem = i, ia = 0, ib = 0, sa = 1, sb = 1;
        for (int k = r - 1; k >= 0; k--) {
            int64_t c = rem % yd[k];
            rem /= yd[k];
            ia += (ad[k] == 1 ? 0 : c) * sa;
            ib += (bd[k] == 1 ? 0 : c) * sb;
            sa *= ad[k];
            sb *= bd[k];
        }
        float u = av->f[ia], v = bv->f[ib];
        yv->f[i] = !strcmp(op, "Add") ? u + v : !strcmp(op, "Sub") ? u - v : !strcmp(op, "Mul") ? u * v : u / v;
    }
    return y;
}

static const char *t_const(int rank, const int64_t *d, float lo, float hi) { return t_weight(rank, d, lo, hi); }

static const char *t_gap(const char *x) {
    ob_val *xv = ob_get(&B, x);
    const char *y = ob_name(&B, "gap");
    const char *in[] = {x, NULL};
    ob_node(&B, "GlobalAveragePool", in, y, NULL);
    int64_t yd[4] = {xv->d[0], xv->d[1], 1, 1};
    ob_val *yv = ob_put(&B, y, 4, yd, NULL);
    xv = ob_get(&B, x);
    int64_t hw = xv->d[2] * xv->d[3];
    for (int64_t i = 0; i < xv->d[0] * xv->d[1]; i++) {
        double s = 0;
        for (int64_t k = 0; k < hw; k++) s += xv->f[i * hw + k];
        yv->f[i] = (float)(s / (double)hw);
    }
    return y;
}

static const char *t_maxpool(const char *x, int k, int s, int pt, int pl, int pb, int pr, int ceil_mode) {
    ob_val *xv = ob_get(&B, x);
    int64_t kk[2] = {k, k}, st[2] = {s, s}, pads[4] = {pt, pl, pb, pr};
    Onnx__AttributeProto *a[] = {ob_aints(&B, "kernel_shape", 2, kk), ob_aints(&B, "strides", 2, st),
                                 ob_aints(&B, "pads", 4, pads), ob_ai(&B, "ceil_mode", ceil_mode), NULL};
    const char *y = ob_name(&B, "pool");
    const char *in[] = {x, NULL};
    ob_node(&B, "MaxPool", in, y, a);
    int64_t H = xv->d[2], W = xv->d[3], oh, ow;
    int64_t eh = H + pt + pb - k, ew = W + pl + pr - k;
    oh = (ceil_mode ? (eh + s - 1) / s : eh / s) + 1;
    ow = (ceil_mode ? (ew + s - 1) / s : ew / s) + 1;
    if (ceil_mode && (oh - 1) * s >= H + pt) oh--;
    if (ceil_mode && (ow - 1) * s >= W + pl) ow--;
    int64_t yd[4] = {xv->d[0], xv->d[1], oh, ow};
    ob_val *yv = ob_put(&B, y, 4, yd, NULL);
    xv = ob_get(&B, x);
    for (int64_t nc = 0; nc < xv->d[0] * xv->d[1]; nc++)
        for (int64_t i = 0; i < oh; i++)
            for (int64_t j = 0; j < ow; j++) {
                float m = -FLT_MAX;
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++) {
                        int64_t iy = i * s - pt + u, ix = j * s - pl + v;
                        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                        float q = xv->f[(nc * H + iy) * W + ix];
                        if (q > m) m = q;
                    }
                yv->f[(nc * oh + i) * ow + j] = m;
            }
    return y;
}

/* Reshape to shape (0 and -1 allowed) given as an int64 initializer. */
static const char *t_reshape(const char *x, int n, const int64_t *shape) {
    ob_val *xv = ob_get(&B, x);
    int64_t yd[4], known = 1;
    int inf = -1;
    for (int i = 0; i < n; i++) {
        yd[i] = shape[i] == 0 ? xv->d[i] : shape[i];
        if (shape[i] == -1) inf = i;
        else known *= yd[i];
    }
    if (inf >= 0) yd[inf] = ob_count(xv) / known;
    const char *y = ob_name(&B, "reshape");
    const char *in[] = {x, ob_ints(&B, ob_name(&B, "shape"), n, shape), NULL};
    ob_node(&B, "Reshape", in, y, NULL);
    ob_val *yv = ob_put(&B, y, n, yd, ob_get(&B, x)->f);
    (void)yv;
    return y;
}

static const char *t_simple_view(const char *op, const char *x, int64_t axis) {
    ob_val *xv = ob_get(&B, x);
    const char *y = ob_name(&B, op);
    const char *in[] = {x, NULL};
    int64_t yd[4];
    int r = xv->rank;
    if (!strcmp(op, "Flatten")) {
        Onnx__AttributeProto *a[] = {ob_ai(&B, "axis", axis), NULL};
        ob_node(&B, op, in, y, a);
        yd[0] = 1;
        for (int i = 0; i < axis; i++) yd[0] *= xv->d[i];
        yd[1] = ob_count(xv) / yd[0];
        r = 2;
    } else {
        ob_node(&B, op, in, y, NULL);
        for (int i = 0; i < r; i++) yd[i] = xv->d[i];
    }
    ob_put(&B, y, r, yd, ob_get(&B, x)->f);
    return y;
}

static const char *t_transpose(const char *x, int n, const int64_t *perm) {
    ob_val *xv = ob_get(&B, x);
    const char *y = ob_name(&B, "transpose");
    Onnx__AttributeProto *a[] = {ob_aints(&B, "perm", n, perm), NULL};
    const char *in[] = {x, NULL};
    ob_node(&B, "Transpose", in, y, a);
    int64_t yd[4];
    for (int i = 0; i < n; i++) yd[i] = xv->d[perm[i]];
    ob_val *yv = ob_put(&B, y, n, yd, NULL);
    xv = ob_get(&B, x);
    int64_t xs[4];
    xs[n - 1] = 1;
    for (int i = n - 2; i >= 0; i--) xs[i] = xs[i + 1] * xv->d[i + 1];
    for (int64_t i = 0; i < ob_count(yv); i++) {
        int64_t rem = i, src = 0;
        for (int k = n - 1; k >= 0; k--) {
            src += (rem % yd[k]) * xs[perm[k]];
            rem /= yd[k];
        }
        yv->f[i] = xv->f[src];
    }
    return y;
}

/* Slice (opset 13 inputs); starts/ends may be negative or out of range. */
static const char *t_slice(const char *x, int n, const int64_t *st, const int64_t *en, const int64_t *ax,
                           const int64_t *sp) {
    ob_val *xv = ob_get(&B, x);
    int r = xv->rank;
    int64_t s0[4] = {0, 0, 0, 0}, step[4] = {1, 1, 1, 1}, yd[4];
    for (int i = 0; i < r; i++) yd[i] = xv->d[i];
    for (int k = 0; k < n; k++) {
        int64_t a = ax[k] < 0 ? ax[k] + r : ax[k], d = xv->d[a];
        int64_t s = st[k] < 0 ? st[k] + d : st[k], e = en[k] < 0 ? en[k] + d : en[k];
        s = s < 0 ? 0 : s > d ? d : s;
        e = e < 0 ? 0 : e > d ? d : e;
        s0[a] = s;
        step[a] = sp[k];
        yd[a] = (e - s + sp[k] - 1) / sp[k];
    }
    const char *y = ob_name(&B, "slice");
    const char *in[] = {x, ob_ints(&B, ob_name(&B, "st"), n, st), ob_ints(&B, ob_name(&B, "en"), n, en),
                        ob_ints(&B, ob_name(&B, "ax"), n, ax), ob_ints(&B, ob_name(&B, "sp"), n, sp), NULL};
    ob_node(&B, "Slice", in, y, NULL);
    ob_val *yv = ob_put(&B, y, r, yd, NULL);
    xv = ob_get(&B, x);
    int64_t xs[4];
    xs[r - 1] = 1;
    for (int i = r - 2; i >= 0; i--) xs[i] = xs[i + 1] * xv->d[i + 1];
    for (int64_t i = 0; i < ob_count(yv); i++) {
        int64_t rem = i, src = 0;
        for (int k = r - 1; k >= 0; k--) {
            src += (s0[k] + (rem % yd[k]) * step[k]) * xs[k];
            rem /= yd[k];
        }
        yv->f[i] = xv->f[src];
    }
    return y;
}

static const char *t_concat(int n, const char *const *xs, int axis) {
    ob_val *x0 = ob_get(&B, xs[0]);
    int r = x0->rank;
    int a = axis < 0 ? axis + r : axis;
    int64_t yd[4];
    for (int i = 0; i < r; i++) yd[i] = x0->d[i];
    yd[a] = 0;
    for (int k = 0; k < n; k++) yd[a] += ob_get(&B, xs[k])->d[a];
    const char *y = ob_name(&B, "concat");
    const char *in[9] = {0};
    for (int k = 0; k < n; k++) in[k] = xs[k];
    Onnx__AttributeProto *at[] = {ob_ai(&B, "axis", axis), NULL};
    ob_node(&B, "Concat", in, y, at);
    ob_val *yv = ob_put(&B, y, r, yd, NULL);
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < a; i++) outer *= yd[i];
    for (int i = a + 1; i < r; i++) inner *= yd[i];
    int64_t pos = 0;
    for (int k = 0; k < n; k++) {
        ob_val *xv = ob_get(&B, xs[k]);
        int64_t blk = xv->d[a] * inner;
        for (int64_t o = 0; o < outer; o++) memcpy(yv->f + o * yd[a] * inner + pos, xv->f + o * blk, blk * sizeof(float));
        pos += blk;
    }
    return y;
}

/* Gemm: A [M,K] x W (random, [K,N] or [N,K] with transB) * alpha + beta * C[N]. */
static const char *t_gemm(const char *a, int64_t nout, int trans_b, float alpha, float beta, int with_c) {
    ob_val *av = ob_get(&B, a);
    int64_t M = av->d[0], K = av->d[1];
    int64_t wd[2] = {trans_b ? nout : K, trans_b ? K : nout}, cd[1] = {nout};
    const char *w = t_weight(2, wd, -0.5f, 0.5f);
    const char *c = with_c ? t_weight(1, cd, -1, 1) : NULL;
    Onnx__AttributeProto *at[] = {ob_ai(&B, "transB", trans_b), ob_af(&B, "alpha", alpha), ob_af(&B, "beta", beta),
                                  NULL};
    const char *y = ob_name(&B, "gemm");
    const char *in[] = {a, w, c, NULL};
    ob_node(&B, "Gemm", in, y, at);
    int64_t yd[2] = {M, nout};
    ob_val *yv = ob_put(&B, y, 2, yd, NULL);
    av = ob_get(&B, a);
    ob_val *wv = ob_get(&B, w), *cv = c ? ob_get(&B, c) : NULL;
    for (int64_t i = 0; i < M; i++)
        for (int64_t j = 0; j < nout; j++) {
            double s = 0;
            for (int64_t k = 0; k < K; k++) s += (double)av->f[i * K + k] * wv->f[trans_b ? j * K + k : k * nout + j];
            yv->f[i * nout + j] = (float)(alpha * s + (cv ? beta * cv->f[j] : 0));
        }
    return y;
}

/* MatMul with batch broadcasting of either operand (ranks 2..4). */
static const char *t_matmul(const char *a, const char *b) {
    ob_val *av = ob_get(&B, a), *bv = ob_get(&B, b);
    int r = av->rank > bv->rank ? av->rank : bv->rank;
    int64_t M = av->d[av->rank - 2], K = av->d[av->rank - 1], N = bv->d[bv->rank - 1];
    int64_t yd[4];
    int64_t ba = ob_count(av) / (M * K), bb = ob_count(bv) / (K * N);
    for (int i = 0; i < r - 2; i++) {
        int ia = i - (r - av->rank), ib = i - (r - bv->rank);
        int64_t da = ia >= 0 ? av->d[ia] : 1, db = ib >= 0 ? bv->d[ib] : 1;
        yd[i] = da > db ? da : db;
    }
    yd[r - 2] = M;
    yd[r - 1] = N;
    const char *y = ob_name(&B, "matmul");
    const char *in[] = {a, b, NULL};
    ob_node(&B, "MatMul", in, y, NULL);
    ob_val *yv = ob_put(&B, y, r, yd, NULL);
    av = ob_get(&B, a);
    bv = ob_get(&B, b);
    int64_t by = ob_count(yv) / (M * N);
    for (int64_t t = 0; t < by; t++)
        for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++) {
                double s = 0;
                const float *pa = av->f + (ba == 1 ? 0 : t) * M * K, *pb = bv->f + (bb == 1 ? 0 : t) * K * N;
                for (int64_t k = 0; k < K; k++) s += (double)pa[i * K + k] * pb[k * N + j];
                yv->f[(t * M + i) * N + j] = (float)s;
            }
    return y;
}

/* ---- running a built graph ---- */
typedef struct net_run {
    siamcl_model *m;
    siamcl_plan *p;
    siamcl_plan_stats st;
} net_run;

/* Load the graph built in B, plan it on the inputs' reference shapes, run,
 * compare every output with its reference. */
static net_run run_net(siamcl_context *ctx, const char *what) {
    net_run r = {0};
    size_t n;
    uint8_t *buf = ob_pack(&B, &n);
    CHECK_OK(siamcl_model_load_memory(buf, n, what, &r.m));
    free(buf);
    if (!r.m) return r;
    int nin = siamcl_model_input_count(r.m);
    siamcl_shape shapes[8];
    for (int i = 0; i < nin; i++) {
        ob_val *v = ob_get(&B, siamcl_model_input_name(r.m, i));
        int64_t d[4] = {1, 1, 1, 1};
        for (int k = 0; k < v->rank; k++) d[4 - v->rank + k] = v->d[k];
        siamcl_shape s = {(int)d[0], (int)d[1], (int)d[2], (int)d[3]};
        shapes[i] = s;
    }
    CHECK_OK(siamcl_plan_create(ctx, 0, r.m, nin, shapes, &r.p));
    if (!r.p) return r;
    for (int i = 0; i < nin; i++) {
        ob_val *v = ob_get(&B, siamcl_model_input_name(r.m, i));
        CHECK_OK(siamcl_tensor_upload(siamcl_plan_input(r.p, i), v->f, (size_t)ob_count(v)));
    }
    for (int rep = 0; rep < 2; rep++) { /* running twice gives the same answer */
        CHECK_OK(siamcl_plan_run(r.p));
        for (int i = 0; i < siamcl_model_output_count(r.m); i++) {
            ob_val *v = ob_get(&B, siamcl_model_output_name(r.m, i));
            siamcl_shape s;
            CHECK_OK(siamcl_plan_output_shape(r.p, i, &s));
            CHECK((int64_t)siamcl_shape_count(s) == ob_count(v));
            float *got = malloc((size_t)ob_count(v) * sizeof(float));
            CHECK_OK(siamcl_tensor_download(siamcl_plan_output(r.p, i), got, (size_t)ob_count(v)));
            char label[160];
            snprintf(label, sizeof label, "%s/%s", what, v->name);
            tu_compare(label, got, v->f, (size_t)ob_count(v));
            free(got);
        }
    }
    CHECK_OK(siamcl_plan_get_stats(r.p, &r.st));
    printf("%-10s %3d nodes -> %3d launches, activations %8zu bytes (without reuse %8zu), workspace %zu\n", what,
           r.st.nodes, r.st.launches, r.st.activation_bytes, r.st.naive_bytes, r.st.workspace_bytes);
    return r;
}

static void net_free(net_run *r) {
    siamcl_plan_free(r->p);
    siamcl_model_free(r->m);
}

static const convp C3 = {3, 3, 1, 1, 1, 1, 1, 1, 1, 1};

/* Convolutions: geometry variants, BN folding, fused activations, residuals. */
static void test_conv_net(siamcl_context *ctx) {
    ob_init(&B, 13);
    tu_seed(11);
    const char *x = t_input("x", 2, 3, 13, 11);
    const char *a = t_act("Relu", t_bn(t_conv(x, 8, &(convp){3, 3, 1, 1, 1, 1, 1, 1, 1, 0})), 0, 0); /* BN fold + relu */
    const char *b = t_act("HardSwish", t_conv(a, 8, &(convp){3, 3, 2, 0, 1, 1, 0, 1, 2, 1}), 0, 0); /* group 2 */
    const char *c = t_conv(b, 8, &(convp){3, 3, 1, 2, 2, 2, 2, 2, 8, 1});                          /* depthwise, dil 2 */
    const char *d = t_act("Relu", t_bin("Add", c, t_conv(c, 8, &(convp){1, 1, 1, 0, 0, 0, 0, 1, 1, 1})), 0, 0);
    /* residual whose other addend comes later: not fusable, still right */
    const char *e1 = t_conv(d, 8, &C3);
    const char *e2 = t_act("Sigmoid", t_conv(d, 8, &(convp){1, 1, 1, 0, 0, 0, 0, 1, 1, 0}), 0, 0);
    const char *e = t_bin("Add", e1, e2);
    const char *f = t_act("Clip", t_conv(e, 6, &(convp){2, 3, 1, 0, 1, 1, 0, 1, 2, 1}), -0.5f, 0.75f);
    const char *g = t_act("HardSigmoid", t_conv(f, 6, &(convp){1, 1, 1, 0, 0, 0, 0, 1, 3, 1}), 0.3f, 0.4f);
    const char *h = t_act("Exp", t_bn(t_conv(g, 5, &(convp){3, 1, 1, 1, 0, 1, 0, 1, 1, 0})), 0, 0);
    ob_output(&B, h);
    ob_output(&B, d); /* an output also read inside the graph */
    net_run r = run_net(ctx, "conv");
    /* 9 convs (+2 folded BN, 5 activations, 1 residual add fused); the unfusable add runs alone */
    CHECK(r.st.launches == 10);
    CHECK(r.st.activation_bytes < r.st.naive_bytes);
    net_free(&r);
    ob_free(&B);
}

/* Squeeze-excitation style blocks, pools, Gemm, binary ops, a BN that cannot fold. */
static void test_se_net(siamcl_context *ctx) {
    ob_init(&B, 13);
    tu_seed(22);
    const char *x = t_input("x", 2, 8, 9, 10);
    const char *p1 = t_maxpool(x, 3, 2, 1, 0, 1, 1, 1);  /* ceil mode, asymmetric pads */
    const char *p2 = t_maxpool(x, 2, 2, 0, 0, 0, 0, 0);
    const char *f = t_bn(t_act("Relu", p1, 0, 0));       /* BN after a Relu: mul + add */
    int64_t sh2[2] = {0, -1}, sh4[4] = {0, -1, 1, 1};
    const char *s = t_reshape(t_gap(f), 2, sh2);
    s = t_act("Relu", t_gemm(s, 4, 1, 1.0f, 1.0f, 1), 0, 0);
    s = t_act("HardSigmoid", t_gemm(s, 8, 0, 0.5f, 2.0f, 1), 1.0f / 6, 0.5f);
    s = t_reshape(s, 4, sh4);
    const char *g = t_bin("Mul", f, s);                   /* [N,C,H,W] x [N,C,1,1] */
    int64_t sd[1] = {1}, cd[4] = {1, 8, 1, 1}, wd[1] = {5};
    const char *h = t_bin("Sub", g, t_const(1, sd, 0.1f, 0.2f));
    h = t_act("HardSwish", t_bin("Div", h, t_const(4, cd, 1.0f, 2.0f)), 0, 0);
    h = t_bin("Add", h, t_const(1, wd, -1, 1));           /* broadcast over w */
    const char *q = t_act("Sigmoid", t_gemm(t_simple_view("Flatten", p2, 1), 3, 0, 1.0f, 1.0f, 0), 0, 0);
    ob_output(&B, h);
    ob_output(&B, q);
    net_run r = run_net(ctx, "se");
    net_free(&r);
    ob_free(&B);
}

/* Layout ops, MatMul broadcasting, dynamic conv weights (as NanoTrack v3's head). */
static void test_layout_net(siamcl_context *ctx) {
    ob_init(&B, 13);
    tu_seed(33);
    const char *x = t_input("x", 2, 6, 7, 9);
    const char *z = t_input("z", 1, 6, 4, 4);
    int64_t p0[4] = {0, 2, 3, 1}, p1[3] = {2, 0, 1};
    const char *t = t_transpose(x, 4, p0);                /* [2,7,9,6] */
    int64_t st[2] = {1, -5}, en[2] = {100, -1}, ax[2] = {1, -2}, sp[2] = {2, 1};
    const char *s = t_slice(t, 2, st, en, ax, sp);       /* [2,3,4,6] */
    int64_t st2[1] = {2}, en2[1] = {6}, ax2[1] = {3}, sp2[1] = {3};
    const char *s2 = t_slice(s, 1, st2, en2, ax2, sp2);  /* [2,3,4,2] */
    const char *cat[3] = {s, t_act("Exp", s2, 0, 0), s};
    const char *c = t_concat(3, cat, -1);                /* [2,3,4,14] */
    int64_t r3[3] = {0, 12, 14};
    const char *c3 = t_reshape(c, 3, r3);                /* [2,12,14] */
    const char *tt = t_transpose(c3, 3, p1);             /* [14,2,12] */
    const char *cat2[2] = {tt, tt};
    const char *c4 = t_concat(2, cat2, 0);               /* [28,2,12] */
    int64_t wd2[2] = {12, 5}, wd3[3] = {1, 5, 2}, wd4[3] = {28, 12, 3};
    const char *m1 = t_matmul(c4, t_const(2, wd2, -1, 1)); /* B broadcast: stacked */
    const char *m2 = t_matmul(t_const(3, wd3, -1, 1), t_simple_view("Identity", c4, 0)); /* A broadcast */
    const char *m3 = t_matmul(c4, t_const(3, wd4, -1, 1)); /* batched */
    /* dynamic depthwise weights computed from the second input */
    int64_t wsh[4] = {6, 1, 4, 4};
    const char *wz = t_reshape(t_conv(z, 6, &(convp){1, 1, 1, 0, 0, 0, 0, 1, 1, 1}), 4, wsh);
    const char *dyn = t_conv_w(x, wz, &(convp){4, 4, 1, 1, 1, 1, 1, 1, 6, 0});
    /* slice of a slice (composed into one launch), and a batch-1 literal reshape on batch 2 */
    int64_t st3[2] = {1, 0}, en3[2] = {-1, 5}, ax3[2] = {2, 3}, sp3[2] = {1, 2};
    int64_t st4[1] = {1}, en4[1] = {4}, ax4[1] = {2}, sp4[1] = {2};
    const char *s4 = t_slice(t_slice(x, 2, st3, en3, ax3, sp3), 1, st4, en4, ax4, sp4);
    ob_output(&B, s4);
    ob_output(&B, m1);
    ob_output(&B, m2);
    ob_output(&B, m3);
    ob_output(&B, dyn);
    net_run r = run_net(ctx, "layout");
    CHECK(siamcl_plan_input_count(r.p) == 2 && siamcl_plan_output_count(r.p) == 5);
    if (r.p) {
        int slices = 0;
        for (int i = 0; i < r.p->nsteps; i++) slices += r.p->steps[i].kind == SCL_STEP_SLICE;
        CHECK(slices == 3); /* 4 Slice nodes, the last two composed */
    }
    net_free(&r);
    ob_free(&B);
}

static int count_steps(const siamcl_plan *p, scl_step_kind k) {
    int c = 0;
    for (int i = 0; p && i < p->nsteps; i++) c += p->steps[i].kind == k;
    return c;
}

/* A spatial Slice read only by a MaxPool is folded into it (the pool reads the
 * window in place); a slice with another consumer, a strided or a channel
 * slice is not, and every form gives the reference. */
static void test_crop_pool(siamcl_context *ctx) {
    ob_init(&B, 13);
    tu_seed(77);
    const char *x = t_input("x", 2, 5, 21, 24);
    const char *a = t_act("Relu", t_conv(x, 6, &C3), 0, 0);
    /* CIResNet's form: one axis at a time (composed), then a padded 3x3/2 pool */
    int64_t sth[1] = {2}, enh[1] = {-2}, axh[1] = {2}, one[1] = {1};
    int64_t stw[1] = {1}, enw[1] = {-1}, axw[1] = {3};
    const char *c1 = t_slice(t_slice(a, 1, sth, enh, axh, one), 1, stw, enw, axw, one); /* 17x22 at (2,1) */
    const char *p1 = t_maxpool(c1, 3, 2, 1, 1, 1, 1, 0);
    /* both axes at once, asymmetric, a 2x2/2 ceil pool */
    int64_t st2[2] = {1, 3}, en2[2] = {20, 23}, ax2[2] = {2, 3}, sp2[2] = {1, 1};
    const char *p2 = t_maxpool(t_slice(a, 2, st2, en2, ax2, sp2), 2, 2, 0, 0, 0, 0, 1);
    /* the crop is also an output: not folded */
    int64_t st3[2] = {1, 1}, en3[2] = {-1, -1};
    const char *c3 = t_slice(a, 2, st3, en3, ax2, sp2);
    const char *p3 = t_maxpool(c3, 2, 2, 0, 0, 0, 0, 0);
    /* strided and channel slices: not folded */
    int64_t sp4[2] = {1, 2};
    const char *p4 = t_maxpool(t_slice(a, 2, st3, en3, ax2, sp4), 2, 2, 0, 0, 0, 0, 0);
    int64_t st5[1] = {1}, en5[1] = {4}, ax5[1] = {1};
    const char *p5 = t_maxpool(t_slice(a, 1, st5, en5, ax5, one), 3, 2, 1, 1, 1, 1, 0);
    ob_output(&B, p1);
    ob_output(&B, p2);
    ob_output(&B, p3);
    ob_output(&B, c3);
    ob_output(&B, p4);
    ob_output(&B, p5);
    net_run r = run_net(ctx, "croppool");
    CHECK(count_steps(r.p, SCL_STEP_MAXPOOL) == 5);
    CHECK(count_steps(r.p, SCL_STEP_SLICE) == 3); /* c3, the strided and the channel slice */
    net_free(&r);
    ob_free(&B);
}

static int count_dual(const siamcl_plan *p) {
    int c = 0;
    for (int i = 0; p && i < p->nsteps; i++) c += p->steps[i].kind == SCL_STEP_CONV && p->steps[i].conv.x2 >= 0;
    return c;
}

static const convp PW = {1, 1, 1, 0, 0, 0, 0, 1, 1, 1}, PW0 = {1, 1, 1, 0, 0, 0, 0, 1, 1, 0};

/* Residual units whose two 1x1 convs meet in an Add run as one dual conv
 * (where 1x1 runs direct); when a condition fails the plan falls back to the
 * residual fusion; every form gives the reference. */
static void build_units(void) {
    ob_init(&B, 13);
    tu_seed(88);
    const char *x = t_input("x", 3, 21, 7, 9);
    /* CIResNet's downsampling unit: expansion of the bottleneck + shortcut, then Relu */
    const char *a = t_act("Relu", t_conv(x, 13, &PW), 0, 0);
    const char *u1 = t_act("Relu", t_bin("Add", t_conv(a, 19, &PW), t_conv(x, 19, &PW)), 0, 0);
    /* shortcut first in the graph, no biases, no activation after */
    const char *d = t_conv(u1, 11, &PW0);
    const char *u2 = t_bin("Add", d, t_conv(t_act("Relu", t_conv(u1, 5, &PW), 0, 0), 11, &PW0));
    /* the expansion is read twice: no dual (residual fusion instead) */
    const char *e3 = t_conv(u2, 11, &PW);
    const char *u3 = t_act("Relu", t_bin("Add", e3, t_conv(u2, 11, &PW)), 0, 0);
    const char *o3 = t_bin("Mul", u3, e3);
    /* a 3x3 addend: no dual */
    const char *u4 = t_bin("Add", t_conv(o3, 11, &C3), t_conv(o3, 11, &PW));
    ob_output(&B, u4);
}

static void test_dual_units(siamcl_context *ctx) {
    build_units();
    net_run r = run_net(ctx, "dual");
    if (r.p) {
        int want = scl_conv_mode_pointwise_direct(r.p->dev, r.p->conv_mode) ? 2 : 0;
        CHECK(count_dual(r.p) == want);
        /* 10 convs, 2 dual pairs; the Mul runs alone */
        CHECK(r.st.launches == 10 - want + 1);
    }
    net_free(&r);
    ob_free(&B);
    /* forced GEMM: never dual, same results */
    const char *old = getenv("SIAMCL_CONV");
    char *keep = old ? strdup(old) : NULL;
    setenv("SIAMCL_CONV", "gemm", 1);
    build_units();
    r = run_net(ctx, "dual-gemm");
    CHECK(count_dual(r.p) == 0);
    net_free(&r);
    ob_free(&B);
    setenv("SIAMCL_CONV", "direct", 1);
    build_units();
    r = run_net(ctx, "dual-direct");
    CHECK(count_dual(r.p) == 2);
    net_free(&r);
    ob_free(&B);
    if (keep) setenv("SIAMCL_CONV", keep, 1);
    else unsetenv("SIAMCL_CONV");
    free(keep);
}

static int count_res_crop(const siamcl_plan *p) {
    int c = 0;
    for (int i = 0; p && i < p->nsteps; i++) c += p->steps[i].kind == SCL_STEP_CONV && p->steps[i].conv.res_crop > 0;
    return c;
}

/* CIResNet's identity unit: 1x1 -> 3x3 pad 1 -> 1x1 + Add(input) [-> Relu] -> crop 1 on H and W. */
static const char *crop_unit(const char *x, int mid, int relu_after, int swap) {
    ob_val *xv = ob_get(&B, x);
    int co = (int)xv->d[1];
    const char *a = t_act("Relu", t_conv(x, mid, &PW), 0, 0);
    const char *b = t_act("Relu", t_conv(a, mid, &C3), 0, 0);
    const char *e = t_conv(b, co, &PW);
    const char *r = swap ? t_bin("Add", x, e) : t_bin("Add", e, x);
    return relu_after ? t_act("Relu", r, 0, 0) : r;
}

static const char *crop_hw(const char *r, int crop, int one_axis_at_a_time) {
    int64_t one[2] = {1, 1}, st[2] = {crop, crop}, en[2] = {-crop, -crop}, ax[2] = {2, 3};
    if (!one_axis_at_a_time) return t_slice(r, 2, st, en, ax, one);
    return t_slice(t_slice(r, 1, st, en, ax, one), 1, st + 1, en + 1, ax + 1, one);
}

/* Identity residual units followed by a centre crop: the crop folds into the
 * unit's convolutions (3x3 unpadded, the residual read as a window) where 1x1
 * runs direct; a crop of 2, a unit output read twice and forced GEMM keep the
 * plain steps; every form gives the reference. */
static void build_crop_units(void) {
    ob_init(&B, 13);
    tu_seed(99);
    const char *x = t_input("x", 3, 16, 13, 27);
    /* CIResNet's form (Relu after the Add, one axis at a time), then no Relu, both axes, Add operands swapped */
    const char *s1 = crop_hw(crop_unit(x, 6, 1, 0), 1, 1);       /* 11x25 */
    const char *s2 = crop_hw(crop_unit(s1, 5, 0, 1), 1, 0);      /* 9x23 */
    /* a crop of 2: not folded */
    const char *s3 = crop_hw(crop_unit(s2, 6, 1, 0), 2, 0);      /* 5x19 */
    /* the unit's output read twice (the crop and a pool): not folded */
    const char *r4 = crop_unit(s3, 6, 1, 0);
    const char *s4 = t_bin("Mul", crop_hw(r4, 1, 1), t_gap(r4));    /* 3x17 */
    /* a small one (rows shorter than a vector), folded */
    const char *s5 = crop_hw(crop_unit(s4, 4, 1, 1), 1, 1);      /* 1x15 */
    ob_output(&B, s5);
}

static void test_crop_units(siamcl_context *ctx) {
    build_crop_units();
    net_run r = run_net(ctx, "cropunits");
    if (r.p) {
        int want = scl_conv_mode_pointwise_direct(r.p->dev, r.p->conv_mode) ? 3 : 0;
        CHECK(count_res_crop(r.p) == want);
        /* 15 convs, 5 crops (2 of 3 on one axis at a time composed), the Mul and the GAP */
        CHECK(count_steps(r.p, SCL_STEP_SLICE) == 5 - want);
        CHECK(r.st.launches == 15 + 5 - want + 2);
    }
    net_free(&r);
    ob_free(&B);
    const char *old = getenv("SIAMCL_CONV");
    char *keep = old ? strdup(old) : NULL;
    setenv("SIAMCL_CONV", "gemm", 1);
    build_crop_units();
    r = run_net(ctx, "cropunits-gemm");
    CHECK(count_res_crop(r.p) == 0);
    CHECK(count_steps(r.p, SCL_STEP_SLICE) == 5);
    net_free(&r);
    ob_free(&B);
    setenv("SIAMCL_CONV", "direct", 1);
    build_crop_units();
    r = run_net(ctx, "cropunits-direct");
    CHECK(count_res_crop(r.p) == 3);
    CHECK(count_steps(r.p, SCL_STEP_SLICE) == 2);
    net_free(&r);
    ob_free(&B);
    setenv("SIAMCL_CONV", "winograd", 1);
    build_crop_units();
    r = run_net(ctx, "cropunits-winograd");
    CHECK(count_res_crop(r.p) == 3);
    net_free(&r);
    ob_free(&B);
    if (keep) setenv("SIAMCL_CONV", keep, 1);
    else unsetenv("SIAMCL_CONV");
    free(keep);
}

/* A deep chain: buffers are reused (a few places serve 40 intermediates). */
static void test_liveness(siamcl_context *ctx) {
    ob_init(&B, 13);
    tu_seed(44);
    const char *x = t_input("x", 1, 4, 16, 16);
    const char *a = x;
    for (int i = 0; i < 20; i++) {
        const char *b = t_conv(a, 4, &C3);
        a = t_bin("Add", t_act("Relu", b, 0, 0), a); /* relu in between: no residual fusion */
    }
    ob_output(&B, a);
    net_run r = run_net(ctx, "chain");
    size_t one = 4 * 16 * 16 * sizeof(float);
    /* 40 intermediates of one size each; live at once: at most 3, plus input and output */
    CHECK(r.st.naive_bytes >= 41 * one);
    CHECK(r.st.activation_bytes <= 5 * one);
    net_free(&r);
    ob_free(&B);
}

static void build_small(int64_t n) {
    ob_init(&B, 13);
    tu_seed(55);
    const char *x = t_input("x", n, 3, 12, 12);
    const char *y = t_act("Relu", t_conv(t_conv(x, 16, &C3), 8, &(convp){3, 3, 2, 1, 1, 1, 1, 1, 1, 1}), 0, 0);
    ob_output(&B, y);
}

/* Two plans of one model share the weights; bindings; run-time errors. */
static void test_plans(siamcl_context *ctx) {
    build_small(1);
    size_t n;
    uint8_t *buf = ob_pack(&B, &n);
    siamcl_model *m = NULL;
    CHECK_OK(siamcl_model_load_memory(buf, n, "small.onnx", &m));
    free(buf);
    if (!m) return;
    size_t b0 = siamcl_context_device_bytes(ctx, 0);
    siamcl_shape s1 = {1, 3, 12, 12}, s4 = {4, 3, 20, 16};
    siamcl_plan *p1 = NULL, *p4 = NULL;
    CHECK_OK(siamcl_plan_create(ctx, 0, m, 1, &s1, &p1));
    size_t b1 = siamcl_context_device_bytes(ctx, 0);
    CHECK_OK(siamcl_plan_create(ctx, 0, m, 1, &s4, &p4));
    size_t b2 = siamcl_context_device_bytes(ctx, 0);
    siamcl_model_free(m); /* the plans keep it alive */
    if (!p1 || !p4) return;
    siamcl_plan_stats st1, st4;
    CHECK_OK(siamcl_plan_get_stats(p1, &st1));
    CHECK_OK(siamcl_plan_get_stats(p4, &st4));
    CHECK(st1.weight_bytes == st4.weight_bytes && st1.weight_bytes >= (16 * 27 + 16 + 8 * 144 + 8) * 4);
    CHECK(b1 - b0 == st1.weight_bytes + st1.activation_bytes + st1.workspace_bytes);
    CHECK(b2 - b1 == st4.activation_bytes + st4.workspace_bytes); /* no second copy of the weights */
    siamcl_shape os;
    CHECK_OK(siamcl_plan_output_shape(p4, 0, &os));
    CHECK(os.n == 4 && os.c == 8 && os.h == 10 && os.w == 8);
    CHECK(siamcl_plan_input(p1, 1) == NULL && siamcl_plan_output(p1, -1) == NULL);

    /* bind input and output to user tensors; results match the plan's own buffers */
    ob_val *xv = ob_get(&B, "x"), *yv = ob_get(&B, B.outs[0]->name);
    siamcl_tensor *tin = NULL, *tout = NULL, *bad = NULL;
    CHECK_OK(siamcl_tensor_create(ctx, 0, s1, &tin));
    siamcl_shape ys = {1, 8, 6, 6};
    CHECK_OK(siamcl_tensor_create(ctx, 0, ys, &tout));
    CHECK_OK(siamcl_tensor_upload(tin, xv->f, 3 * 144));
    CHECK_OK(siamcl_plan_bind_input(p1, 0, tin));
    CHECK_OK(siamcl_plan_bind_output(p1, 0, tout));
    CHECK_OK(siamcl_plan_run(p1));
    float got[288];
    CHECK_OK(siamcl_tensor_download(tout, got, 288));
    tu_compare("bound output", got, yv->f, 288);
    /* the plan's handles follow the binding */
    memset(got, 0, sizeof got);
    CHECK_OK(siamcl_tensor_download(siamcl_plan_output(p1, 0), got, 288));
    tu_compare("output handle", got, yv->f, 288);
    siamcl_shape hs = siamcl_tensor_shape(siamcl_plan_input(p1, 0));
    CHECK(hs.n == 1 && hs.c == 3 && hs.h == 12 && hs.w == 12);
    /* a shape that does not fit: refused, binding unchanged */
    siamcl_shape wrong = {1, 3, 12, 13};
    CHECK_OK(siamcl_tensor_create(ctx, 0, wrong, &bad));
    CHECK_STATUS(siamcl_plan_bind_input(p1, 0, bad), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(siamcl_plan_bind_output(p1, 0, bad), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(siamcl_plan_bind_input(p1, 1, tin), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(siamcl_tensor_upload(tin, xv->f, 3 * 144 - 1), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(siamcl_tensor_download(tout, got, 289), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(siamcl_tensor_upload(NULL, xv->f, 1), SIAMCL_ERR_INVALID_ARGUMENT);
    /* restore the plan's own buffers */
    CHECK_OK(siamcl_plan_bind_input(p1, 0, NULL));
    CHECK_OK(siamcl_plan_bind_output(p1, 0, NULL));
    CHECK_OK(siamcl_tensor_upload(siamcl_plan_input(p1, 0), xv->f, 3 * 144));
    CHECK_OK(siamcl_plan_run(p1));
    CHECK_OK(siamcl_tensor_download(siamcl_plan_output(p1, 0), got, 288));
    tu_compare("own buffers", got, yv->f, 288);
    /* chaining: the output of one plan bound as the input of another (same shapes) */
    CHECK_STATUS(siamcl_plan_bind_input(p4, 0, siamcl_plan_output(p1, 0)), SIAMCL_ERR_SHAPE);
    /* internal API: bind to a region at an offset inside a larger buffer */
    scl_device *dev = scl_plan_device(p1);
    cl_mem big = tu_upload(dev, NULL, 1000 + 3 * 144);
    CHECK_OK(scl_buffer_write(dev, big, 1000 * sizeof(float), 3 * 144 * sizeof(float), xv->f));
    CHECK_OK(scl_plan_bind_input_mem(p1, 0, big, 1000));
    scl_view v;
    CHECK_OK(scl_plan_input_view(p1, 0, &v));
    CHECK(v.mem == big && v.off == 1000 && v.n == 1 && v.c == 3 && v.h == 12 && v.w == 12);
    CHECK_OK(siamcl_plan_run(p1));
    CHECK_OK(siamcl_tensor_download(siamcl_plan_output(p1, 0), got, 288));
    tu_compare("bound at offset", got, yv->f, 288);
    CHECK_STATUS(scl_plan_bind_input_mem(p1, 0, big, 1001), SIAMCL_ERR_SHAPE); /* runs past the end */
    CHECK_OK(scl_plan_bind_input_mem(p1, 0, NULL, 0));
    CHECK_OK(scl_plan_output_view(p1, 0, &v));
    CHECK(v.n == 1 && v.c == 8 && v.h == 6 && v.w == 6);
    scl_buffer_free(dev, big);
    siamcl_tensor_free(siamcl_plan_input(p1, 0)); /* plan-owned: ignored */
    siamcl_tensor_free(tin);
    siamcl_tensor_free(tout);
    siamcl_tensor_free(bad);
    siamcl_tensor_free(NULL);

    /* shapes that do not fit the graph, bad arguments */
    siamcl_model *m2 = NULL;
    buf = ob_pack(&B, &n);
    CHECK_OK(siamcl_model_load_memory(buf, n, "small.onnx", &m2));
    free(buf);
    siamcl_plan *p = NULL;
    siamcl_shape c4 = {1, 4, 12, 12}, zero = {1, 3, 0, 12};
    CHECK_STATUS(siamcl_plan_create(ctx, 0, m2, 1, &c4, &p), SIAMCL_ERR_SHAPE);
    CHECK(strstr(siamcl_last_error(), "Conv") != NULL && strstr(siamcl_last_error(), "small.onnx") != NULL);
    CHECK_STATUS(siamcl_plan_create(ctx, 0, m2, 1, &zero, &p), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(siamcl_plan_create(ctx, 0, m2, 2, &s1, &p), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_plan_create(ctx, 1, m2, 1, &s1, &p), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(siamcl_plan_create(NULL, 0, m2, 1, &s1, &p), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_plan_create(ctx, 0, m2, 1, NULL, &p), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_plan_run(NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK(p == NULL);
    CHECK(siamcl_context_device_bytes(ctx, 0) == b2); /* failed plans leave nothing behind */
    siamcl_model_free(m2);

    siamcl_plan_free(p1);
    CHECK(siamcl_context_device_bytes(ctx, 0) == b2 - (st1.activation_bytes + st1.workspace_bytes));
    siamcl_plan_free(p4);
    CHECK(siamcl_context_device_bytes(ctx, 0) == b0);
    siamcl_plan_free(NULL);
    ob_free(&B);
}

/* Every host and device allocation of a plan creation fails once, in turn. */
static void test_failing_allocations(siamcl_context *ctx) {
    build_small(2);
    size_t n;
    uint8_t *buf = ob_pack(&B, &n);
    siamcl_model *m = NULL;
    CHECK_OK(siamcl_model_load_memory(buf, n, "small.onnx", &m));
    free(buf);
    if (!m) return;
    siamcl_shape s = {2, 3, 12, 12};
    siamcl_plan *p = NULL;
    size_t b0 = siamcl_context_device_bytes(ctx, 0);
    siamcl_test_fail_alloc(0);
    CHECK_OK(siamcl_plan_create(ctx, 0, m, 1, &s, &p));
    siamcl_plan_free(p);
    long total = siamcl_test_fail_alloc(0);
    CHECK(total > 10);
    for (long i = 1; i <= total; i++) {
        p = NULL;
        siamcl_test_fail_alloc(i);
        siamcl_status st = siamcl_plan_create(ctx, 0, m, 1, &s, &p);
        siamcl_test_fail_alloc(0);
        if (st == SIAMCL_OK) {
            fprintf(stderr, "  allocation %ld of %ld failing: plan created anyway\n", i, total);
            tu_failures++;
        }
        siamcl_plan_free(p);
        CHECK(siamcl_context_device_bytes(ctx, 0) == b0);
    }
    printf("failing allocator: %ld allocation sites of plan creation walked\n", total);
    /* the model still works afterwards */
    CHECK_OK(siamcl_plan_create(ctx, 0, m, 1, &s, &p));
    siamcl_plan_free(p);
    siamcl_model_free(m);
    ob_free(&B);
}

int main(void) {
    siamcl_context *ctx = tu_context();
    test_conv_net(ctx);
    test_se_net(ctx);
    test_layout_net(ctx);
    test_crop_pool(ctx);
    test_dual_units(ctx);
    test_crop_units(ctx);
    test_liveness(ctx);
    test_plans(ctx);
    test_failing_allocations(ctx);
    siamcl_context_free(ctx);
    return tu_finish("test-graph");
}
