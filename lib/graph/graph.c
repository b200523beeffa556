/* Graph IR core: values, nodes, load-time rewrites (BatchNormalization folded
 * into the preceding Conv), dead-node removal and topological order. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "graph/graph.h"

static const char *const gop_names[SCL_GOP_COUNT] = {
    "Conv", "BatchNormalization", "Relu", "Clip", "HardSwish", "HardSigmoid", "Sigmoid", "Exp", "Add", "Sub",
    "Mul", "Div", "GlobalAveragePool", "MaxPool", "Gemm", "MatMul", "Reshape", "Transpose", "Slice", "Concat"};

const char *scl_gop_name(scl_gop op) { return op >= 0 && op < SCL_GOP_COUNT ? gop_names[op] : "?"; }

int scl_gop_is_act(scl_gop op) { return op >= SCL_GOP_RELU && op <= SCL_GOP_EXP; }

int64_t scl_dims_count(const scl_dims *s) {
    int64_t n = 1;
    for (int i = 0; i < s->rank; i++) n *= s->d[i];
    return n;
}

int scl_dims_equal(const scl_dims *a, const scl_dims *b) {
    if (a->rank != b->rank) return 0;
    for (int i = 0; i < a->rank; i++)
        if (a->d[i] != b->d[i]) return 0;
    return 1;
}

const char *scl_dims_str(const scl_dims *s, char *buf, size_t cap) {
    size_t used = 0;
    buf[0] = 0;
    if (s->rank == 0) snprintf(buf, cap, "scalar");
    for (int i = 0; i < s->rank && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, i ? "x%lld" : "%lld", (long long)s->d[i]);
    return buf;
}

siamcl_status scl_graph_create(const char *name, scl_graph **out) {
    *out = NULL;
    scl_graph *g = scl_calloc(1, sizeof *g);
    if (!g) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "graph: out of memory");
    g->name = scl_strdup(name ? name : "(memory)");
    if (!g->name) {
        scl_free(g);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "graph: out of memory");
    }
    *out = g;
    return SIAMCL_OK;
}

void scl_graph_free(scl_graph *g) {
    if (!g) return;
    for (int i = 0; i < g->nvals; i++) {
        scl_free(g->vals[i].name);
        scl_free(g->vals[i].f);
        scl_free(g->vals[i].i);
    }
    for (int i = 0; i < g->nnodes; i++) {
        scl_free(g->nodes[i].name);
        scl_free(g->nodes[i].in);
    }
    scl_free(g->vals);
    scl_free(g->index);
    scl_free(g->nodes);
    scl_free(g->inputs);
    scl_free(g->outputs);
    scl_free(g->order);
    scl_free(g->name);
    scl_free(g);
}

/* The slot of `name` in the index: where it is, or the empty slot where it would go. */
static int index_slot(const scl_graph *g, const char *name) {
    unsigned mask = (unsigned)g->index_cap - 1, k = (unsigned)scl_fnv1a(SCL_FNV_OFFSET, name, strlen(name)) & mask;
    while (g->index[k] && strcmp(g->vals[g->index[k] - 1].name, name) != 0) k = (k + 1) & mask;
    return (int)k;
}

/* Index value i (a later value of the same name replaces an earlier one); 0 on OOM. */
static int index_put(scl_graph *g, int i) {
    if (2 * (g->nvals + 1) > g->index_cap) { /* keep the load under one half */
        int cap = g->index_cap ? g->index_cap * 2 : 256;
        int *old = g->index, oldcap = g->index_cap;
        g->index = scl_calloc((size_t)cap, sizeof *g->index);
        if (!g->index) {
            g->index = old;
            return 0;
        }
        g->index_cap = cap;
        for (int k = 0; k < oldcap; k++)
            if (old[k]) g->index[index_slot(g, g->vals[old[k] - 1].name)] = old[k];
        scl_free(old);
    }
    g->index[index_slot(g, g->vals[i].name)] = i + 1;
    return 1;
}

int scl_graph_find(const scl_graph *g, const char *name) {
    if (!g->index_cap || !name) return -1;
    int k = index_slot(g, name);
    return g->index[k] ? g->index[k] - 1 : -1;
}

static int grow(void **p, int *cap, int need, size_t elem) {
    if (need <= *cap) return 1;
    int nc = *cap ? *cap * 2 : 64;
    while (nc < need) nc *= 2;
    void *q = scl_realloc(*p, (size_t)nc * elem);
    if (!q) return 0;
    memset((char *)q + (size_t)*cap * elem, 0, (size_t)(nc - *cap) * elem);
    *p = q;
    *cap = nc;
    return 1;
}

siamcl_status scl_graph_add_value(scl_graph *g, const char *name, scl_vkind kind, scl_dtype dt, const scl_dims *dims,
                                  float *f, int64_t *i, int *idx) {
    char *nm = scl_strdup(name ? name : "");
    if (!nm || !grow((void **)&g->vals, &g->cap_vals, g->nvals + 1, sizeof *g->vals)) {
        scl_free(nm);
        scl_free(f);
        scl_free(i);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory adding value %s", g->name, name ? name : "");
    }
    scl_value *v = &g->vals[g->nvals];
    memset(v, 0, sizeof *v);
    v->name = nm;
    if (!index_put(g, g->nvals)) {
        scl_free(nm);
        scl_free(f);
        scl_free(i);
        v->name = NULL;
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory adding value %s", g->name, name ? name : "");
    }
    v->kind = kind;
    v->dtype = dt;
    if (dims) v->dims = *dims;
    v->f = f;
    v->i = i;
    v->producer = -1;
    if (idx) *idx = g->nvals;
    g->nvals++;
    return SIAMCL_OK;
}

siamcl_status scl_graph_add_node(scl_graph *g, scl_gop op, const char *name, const int *in, int nin, int out,
                                 int *idx) {
    if (out < 0 || out >= g->nvals || g->vals[out].kind != SCL_V_ACT || g->vals[out].producer >= 0)
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: node %s writes a tensor that is already defined", g->name,
                        name ? name : "");
    char *nm = scl_strdup(name ? name : "");
    int *ins = scl_malloc(sizeof(int) * (size_t)(nin > 0 ? nin : 1));
    if (!nm || !ins || !grow((void **)&g->nodes, &g->cap_nodes, g->nnodes + 1, sizeof *g->nodes)) {
        scl_free(nm);
        scl_free(ins);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory adding node %s", g->name, name ? name : "");
    }
    if (nin > 0) memcpy(ins, in, sizeof(int) * (size_t)nin);
    scl_node *n = &g->nodes[g->nnodes];
    memset(n, 0, sizeof *n);
    n->op = op;
    n->name = nm;
    n->nin = nin;
    n->in = ins;
    n->out = out;
    g->vals[out].producer = g->nnodes;
    if (idx) *idx = g->nnodes;
    g->nnodes++;
    return SIAMCL_OK;
}

static siamcl_status add_index(scl_graph *g, int **arr, int *n, int v) {
    int *p = scl_realloc(*arr, sizeof(int) * (size_t)(*n + 1));
    if (!p) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", g->name);
    p[*n] = v;
    *arr = p;
    (*n)++;
    return SIAMCL_OK;
}

siamcl_status scl_graph_add_input(scl_graph *g, int v) { return add_index(g, &g->inputs, &g->ninputs, v); }
siamcl_status scl_graph_add_output(scl_graph *g, int v) { return add_index(g, &g->outputs, &g->noutputs, v); }

int scl_graph_uses(const scl_graph *g, int v) {
    int n = 0;
    for (int i = 0; i < g->nnodes; i++) {
        if (g->nodes[i].dead) continue;
        for (int k = 0; k < g->nodes[i].nin; k++) n += g->nodes[i].in[k] == v;
    }
    return n;
}

int scl_graph_is_output(const scl_graph *g, int v) {
    for (int i = 0; i < g->noutputs; i++)
        if (g->outputs[i] == v) return 1;
    return 0;
}

static const scl_value *const_f32(const scl_graph *g, int v) {
    if (v < 0 || v >= g->nvals) return NULL;
    const scl_value *x = &g->vals[v];
    return x->kind == SCL_V_CONST && x->dtype == SCL_DT_F32 && x->f ? x : NULL;
}

/* BN(conv(x, W, B)) -> conv(x, W*s, B*s + t) when the conv output feeds only the
 * BN: s/t are the per-channel scale and shift the importer precomputed. New
 * constants are made (the old ones may be shared by other nodes). */
static siamcl_status fold_bn(scl_graph *g, int bi) {
    scl_node *bn = &g->nodes[bi];
    int x = bn->in[0];
    if (g->vals[x].kind != SCL_V_ACT) return SIAMCL_OK;
    int ci = g->vals[x].producer;
    if (ci < 0 || g->nodes[ci].dead || g->nodes[ci].op != SCL_GOP_CONV) return SIAMCL_OK;
    if (scl_graph_uses(g, x) != 1 || scl_graph_is_output(g, x)) return SIAMCL_OK;
    const scl_value *w = const_f32(g, g->nodes[ci].in[1]);
    const scl_value *b = g->nodes[ci].nin > 2 && g->nodes[ci].in[2] >= 0 ? const_f32(g, g->nodes[ci].in[2]) : NULL;
    const scl_value *s = const_f32(g, bn->in[1]), *t = const_f32(g, bn->in[2]);
    if (!w || !s || !t || w->dims.rank != 4) return SIAMCL_OK;
    if (g->nodes[ci].nin > 2 && g->nodes[ci].in[2] >= 0 && !b) return SIAMCL_OK;
    int64_t co = w->dims.d[0], per = scl_dims_count(&w->dims) / (co ? co : 1);
    if (scl_dims_count(&s->dims) != co || scl_dims_count(&t->dims) != co || (b && scl_dims_count(&b->dims) != co))
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: node '%s' (BatchNormalization): %lld channels after a Conv with %lld",
                        g->name, bn->name, (long long)scl_dims_count(&s->dims), (long long)co);
    float *nw = scl_malloc(sizeof(float) * (size_t)(co * per));
    float *nb = scl_malloc(sizeof(float) * (size_t)co);
    if (!nw || !nb) {
        scl_free(nw);
        scl_free(nb);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory folding BatchNormalization", g->name);
    }
    for (int64_t o = 0; o < co; o++) {
        for (int64_t k = 0; k < per; k++) nw[o * per + k] = w->f[o * per + k] * s->f[o];
        nb[o] = (b ? b->f[o] : 0.0f) * s->f[o] + t->f[o];
    }
    scl_dims wd = w->dims, bd = {1, {co}};
    char nm[512];
    int wv, bv;
    snprintf(nm, sizeof nm, "%s/folded_W", g->nodes[ci].name);
    siamcl_status st = scl_graph_add_value(g, nm, SCL_V_CONST, SCL_DT_F32, &wd, nw, NULL, &wv);
    if (st != SIAMCL_OK) {
        scl_free(nb);
        return st;
    }
    snprintf(nm, sizeof nm, "%s/folded_B", g->nodes[ci].name);
    SCL_TRY(scl_graph_add_value(g, nm, SCL_V_CONST, SCL_DT_F32, &bd, nb, NULL, &bv));
    scl_node *conv = &g->nodes[ci]; /* (re)take pointers: add_value may move vals only */
    bn = &g->nodes[bi];
    if (conv->nin < 3) {
        int *in = scl_realloc(conv->in, sizeof(int) * 3);
        if (!in) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory folding BatchNormalization", g->name);
        conv->in = in;
        conv->nin = 3;
    }
    conv->in[1] = wv;
    conv->in[2] = bv;
    /* the conv now writes the BN's output; the BN's old input becomes orphaned */
    int y = bn->out;
    g->vals[x].producer = -1;
    conv->out = y;
    g->vals[y].producer = ci;
    bn->dead = 1;
    return SIAMCL_OK;
}

/* Nodes not leading to any output are dropped. */
static siamcl_status mark_live(scl_graph *g) {
    char *live = scl_calloc((size_t)(g->nnodes ? g->nnodes : 1), 1);
    int *stack = scl_malloc(sizeof(int) * (size_t)(g->nnodes + g->noutputs + 1));
    if (!live || !stack) {
        scl_free(live);
        scl_free(stack);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", g->name);
    }
    int sp = 0;
    for (int i = 0; i < g->noutputs; i++) {
        int p = g->vals[g->outputs[i]].producer;
        if (p >= 0 && !live[p]) {
            live[p] = 1;
            stack[sp++] = p;
        }
    }
    while (sp > 0) {
        scl_node *n = &g->nodes[stack[--sp]];
        for (int k = 0; k < n->nin; k++) {
            if (n->in[k] < 0) continue;
            int p = g->vals[n->in[k]].producer;
            if (p >= 0 && !live[p] && !g->nodes[p].dead) {
                live[p] = 1;
                stack[sp++] = p;
            }
        }
    }
    for (int i = 0; i < g->nnodes; i++)
        if (!live[i]) g->nodes[i].dead = 1;
    scl_free(live);
    scl_free(stack);
    return SIAMCL_OK;
}

/* A binary min-heap of node indices. */
static void heap_push(int *h, int *n, int v) {
    int k = (*n)++;
    while (k > 0 && h[(k - 1) / 2] > v) {
        h[k] = h[(k - 1) / 2];
        k = (k - 1) / 2;
    }
    h[k] = v;
}

static int heap_pop(int *h, int *n) {
    int top = h[0], v = h[--(*n)], k = 0;
    for (;;) {
        int c = 2 * k + 1;
        if (c >= *n) break;
        if (c + 1 < *n && h[c + 1] < h[c]) c++;
        if (h[c] >= v) break;
        h[k] = h[c];
        k = c;
    }
    if (*n) h[k] = v;
    return top;
}

/* Kahn's algorithm, always taking the lowest-index ready node: keeps the file's
 * order when it is already topological. Linear in the graph (times log of the
 * ready set): each value lists its consumers once. */
static siamcl_status sort_nodes(scl_graph *g) {
    int nn = g->nnodes ? g->nnodes : 1, nv = g->nvals ? g->nvals : 1, ne = 0;
    for (int i = 0; i < g->nnodes; i++) ne += g->nodes[i].nin;
    scl_free(g->order);
    g->order = scl_malloc(sizeof(int) * (size_t)nn);
    char *done = scl_calloc((size_t)nn, 1), *ready = scl_calloc((size_t)nv, 1);
    int *pending = scl_calloc((size_t)nn, sizeof(int)), *heap = scl_malloc(sizeof(int) * (size_t)nn);
    int *first = scl_calloc((size_t)nv + 1, sizeof(int)), *cons = scl_malloc(sizeof(int) * (size_t)(ne ? ne : 1));
    int *pos = scl_calloc((size_t)nv, sizeof(int));
    if (!g->order || !done || !ready || !pending || !heap || !first || !cons || !pos) {
        scl_free(done), scl_free(ready), scl_free(pending), scl_free(heap), scl_free(first), scl_free(cons);
        scl_free(pos);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", g->name);
    }
    for (int v = 0; v < g->nvals; v++) ready[v] = g->vals[v].kind != SCL_V_ACT;
    /* consumers of each not-yet-ready value, as one array sliced by first[] */
    for (int i = 0; i < g->nnodes; i++)
        for (int k = 0; !g->nodes[i].dead && k < g->nodes[i].nin; k++) {
            int v = g->nodes[i].in[k];
            if (v >= 0 && !ready[v]) first[v + 1]++, pending[i]++;
        }
    for (int v = 0; v < g->nvals; v++) first[v + 1] += first[v];
    int nlive = 0, nheap = 0;
    for (int i = 0; i < g->nnodes; i++)
        for (int k = 0; !g->nodes[i].dead && k < g->nodes[i].nin; k++) {
            int v = g->nodes[i].in[k];
            if (v >= 0 && !ready[v]) cons[first[v] + pos[v]++] = i;
        }
    scl_free(pos);
    for (int i = 0; i < g->nnodes; i++) {
        if (g->nodes[i].dead) continue;
        nlive++;
        if (!pending[i]) heap_push(heap, &nheap, i);
    }
    g->norder = 0;
    while (nheap) {
        int pick = heap_pop(heap, &nheap);
        done[pick] = 1;
        g->order[g->norder++] = pick;
        int v = g->nodes[pick].out;
        if (ready[v]) continue;
        ready[v] = 1;
        for (int e = first[v]; e < first[v + 1]; e++)
            if (--pending[cons[e]] == 0) heap_push(heap, &nheap, cons[e]);
    }
    scl_free(pending), scl_free(heap), scl_free(first), scl_free(cons);
    siamcl_status st = SIAMCL_OK;
    if (g->norder < nlive) {
        const char *nm = "?";
        for (int i = 0; i < g->nnodes; i++)
            if (!g->nodes[i].dead && !done[i]) {
                nm = g->nodes[i].name;
                break;
            }
        st = scl_fail(SIAMCL_ERR_FORMAT,
                      "%s: the graph has a cycle or reads a tensor nothing computes (first stuck node: '%s')",
                      g->name, nm);
    }
    scl_free(done);
    scl_free(ready);
    return st;
}

siamcl_status scl_graph_finalize(scl_graph *g) {
    if (g->noutputs == 0) return scl_fail(SIAMCL_ERR_FORMAT, "%s: the graph has no outputs", g->name);
    for (int i = 0; i < g->noutputs; i++) {
        const scl_value *v = &g->vals[g->outputs[i]];
        if (v->kind == SCL_V_ACT && v->producer < 0)
            return scl_fail(SIAMCL_ERR_FORMAT, "%s: graph output '%s' is computed by no node", g->name, v->name);
    }
    for (int i = 0; i < g->nnodes; i++) {
        const scl_node *n = &g->nodes[i];
        for (int k = 0; k < n->nin; k++) {
            int v = n->in[k];
            if (v >= 0 && g->vals[v].kind == SCL_V_ACT && g->vals[v].producer < 0)
                return scl_fail(SIAMCL_ERR_FORMAT, "%s: node '%s' (%s) reads '%s', which no node computes", g->name,
                                n->name, scl_gop_name(n->op), g->vals[v].name);
        }
    }
    SCL_TRY(mark_live(g));
    SCL_TRY(sort_nodes(g));
    int folded = 0;
    for (int k = 0; k < g->norder; k++) {
        int i = g->order[k];
        if (!g->keep_bn && !g->nodes[i].dead && g->nodes[i].op == SCL_GOP_BN) {
            SCL_TRY(fold_bn(g, i));
            folded += g->nodes[i].dead;
        }
    }
    if (folded) {
        SCL_TRY(mark_live(g));
        SCL_TRY(sort_nodes(g));
    }
    return SIAMCL_OK;
}

/* Float constants read as data by live nodes, each counted once. */
long long scl_graph_param_count(const scl_graph *g) {
    long long total = 0;
    for (int i = 0; i < g->nnodes; i++) {
        const scl_node *n = &g->nodes[i];
        if (n->dead) continue;
        for (int k = 0; k < n->nin; k++) {
            int v = n->in[k];
            if (v < 0 || g->vals[v].kind != SCL_V_CONST || g->vals[v].dtype != SCL_DT_F32) continue;
            int seen = 0; /* read by an earlier live node, or earlier by this one? */
            for (int j = 0; j <= i && !seen; j++) {
                const scl_node *o = &g->nodes[j];
                if (o->dead) continue;
                for (int q = 0; q < (j == i ? k : o->nin) && !seen; q++) seen = o->in[q] == v;
            }
            if (!seen) total += scl_dims_count(&g->vals[v].dims);
        }
    }
    return total;
}
