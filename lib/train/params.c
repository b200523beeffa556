/* The parameter set: every float constant the graph's nodes read as data,
 * packed into one device buffer, with gradients and optimiser state of the
 * same layout (one optimiser launch updates everything). */
#include <math.h>
#include <string.h>

#include "train/train.h"

/* Constants read as data: every input of a Conv / Add / Gemm / MatMul / Sub / Mul
 * (Reshape's shape and Slice's bounds are I64 and never parameters). */
static int reads_as_data(const scl_node *n) {
    switch (n->op) {
    case SCL_GOP_CONV: case SCL_GOP_ADD: case SCL_GOP_SUB: case SCL_GOP_MUL: case SCL_GOP_GEMM: case SCL_GOP_MATMUL:
        return 1;
    default: return 0;
    }
}

static siamcl_status add_param(scl_tparams *ps, const char *name, int value, const scl_dims *d, size_t count) {
    scl_tparam *p = scl_realloc(ps->p, (size_t)(ps->n + 1) * sizeof *p);
    if (!p) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "training: out of memory listing parameters");
    ps->p = p;
    scl_tparam *q = &p[ps->n];
    memset(q, 0, sizeof *q);
    q->name = scl_strdup(name);
    if (!q->name) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "training: out of memory listing parameters");
    q->value = value;
    q->dims = *d;
    q->count = count;
    q->off = ps->total;
    ps->total += (count + 15) / 16 * 16; /* 64-byte aligned offsets */
    ps->n++;
    return SIAMCL_OK;
}

static siamcl_status add_value(const scl_graph *g, scl_tparams *ps, int v) {
    if (v < 0 || ps->of_value[v] >= 0) return SIAMCL_OK;
    const scl_value *val = &g->vals[v];
    if (val->kind != SCL_V_CONST || val->dtype != SCL_DT_F32) return SIAMCL_OK;
    ps->of_value[v] = ps->n;
    return add_param(ps, val->name, v, &val->dims, (size_t)scl_dims_count(&val->dims));
}

/* Trainable parameters first (the optimiser's range), then buffers
 * (BatchNormalization's running mean and variance: updated by the forward
 * pass, saved and exported, never stepped). */
static siamcl_status collect(const scl_graph *g, scl_tparams *ps, const scl_tparam_extra *extra, int nextra) {
    for (int k = 0; k < g->norder; k++) {
        const scl_node *n = &g->nodes[g->order[k]];
        if (n->op == SCL_GOP_BN) {
            SCL_TRY(add_value(g, ps, n->a.bn.gamma));
            SCL_TRY(add_value(g, ps, n->a.bn.beta));
        }
        for (int i = 0; reads_as_data(n) && i < n->nin; i++) SCL_TRY(add_value(g, ps, n->in[i]));
    }
    for (int i = 0; i < nextra; i++) {
        scl_dims d = {1, {(int64_t)extra[i].count}};
        SCL_TRY(add_param(ps, extra[i].name, -1, &d, extra[i].count));
    }
    ps->trainable = ps->total;
    for (int k = 0; k < g->norder; k++) {
        const scl_node *n = &g->nodes[g->order[k]];
        if (n->op != SCL_GOP_BN) continue;
        SCL_TRY(add_value(g, ps, n->a.bn.mean));
        SCL_TRY(add_value(g, ps, n->a.bn.var));
    }
    return SIAMCL_OK;
}

static siamcl_status upload(const scl_graph *g, scl_tparams *ps, const scl_tparam_extra *extra) {
    float *host = scl_calloc(ps->total ? ps->total : 1, sizeof(float));
    if (!host) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "training: out of memory staging %zu parameters", ps->total);
    int e = 0;
    for (int i = 0; i < ps->n; i++) {
        const scl_tparam *p = &ps->p[i];
        if (p->value >= 0)
            memcpy(host + p->off, g->vals[p->value].f, p->count * sizeof(float));
        else
            for (size_t j = 0; j < p->count; j++) host[p->off + j] = extra[e].init;
        e += p->value < 0;
    }
    size_t bytes = ps->total * sizeof(float);
    siamcl_status st = scl_buffer_alloc(ps->dev, bytes, &ps->w);
    if (st == SIAMCL_OK) st = scl_buffer_alloc(ps->dev, bytes, &ps->g);
    if (st == SIAMCL_OK) st = scl_buffer_alloc(ps->dev, bytes, &ps->s1);
    if (st == SIAMCL_OK) st = scl_buffer_alloc(ps->dev, bytes, &ps->s2);
    if (st == SIAMCL_OK) st = scl_buffer_write(ps->dev, ps->w, 0, bytes, host);
    if (st == SIAMCL_OK) st = scl_buffer_zero(ps->dev, ps->g, 0, bytes);
    if (st == SIAMCL_OK) st = scl_buffer_zero(ps->dev, ps->s1, 0, bytes);
    if (st == SIAMCL_OK) st = scl_buffer_zero(ps->dev, ps->s2, 0, bytes);
    scl_free(host);
    return st;
}

siamcl_status scl_tparams_create(const scl_graph *g, scl_device *dev, const scl_tparam_extra *extra, int nextra,
                                 scl_tparams **out) {
    *out = NULL;
    scl_tparams *ps = scl_calloc(1, sizeof *ps);
    if (!ps) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "training: out of memory");
    ps->dev = dev;
    ps->of_value = scl_malloc((size_t)(g->nvals ? g->nvals : 1) * sizeof(int));
    siamcl_status st = ps->of_value ? SIAMCL_OK : scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "training: out of memory");
    for (int v = 0; st == SIAMCL_OK && v < g->nvals; v++) ps->of_value[v] = -1;
    if (st == SIAMCL_OK) st = collect(g, ps, extra, nextra);
    if (st == SIAMCL_OK) st = upload(g, ps, extra);
    if (st != SIAMCL_OK) {
        scl_tparams_free(ps);
        return st;
    }
    *out = ps;
    return SIAMCL_OK;
}

void scl_tparams_free(scl_tparams *ps) {
    if (!ps) return;
    for (int i = 0; i < ps->n; i++) scl_free(ps->p[i].name);
    scl_free(ps->p);
    scl_free(ps->of_value);
    scl_buffer_free(ps->dev, ps->w);
    scl_buffer_free(ps->dev, ps->g);
    scl_buffer_free(ps->dev, ps->s1);
    scl_buffer_free(ps->dev, ps->s2);
    scl_free(ps);
}

int scl_tparams_find(const scl_tparams *ps, const char *name) {
    for (int i = 0; i < ps->n; i++)
        if (strcmp(ps->p[i].name, name) == 0) return i;
    return -1;
}

siamcl_status scl_tparams_zero_grad(scl_tparams *ps) {
    return scl_buffer_zero(ps->dev, ps->g, 0, ps->total * sizeof(float));
}

scl_view scl_tparams_view(const scl_tparams *ps, int i, int grad) {
    const scl_tparam *p = &ps->p[i];
    int d[4] = {1, 1, 1, 1};
    for (int k = 0; k < p->dims.rank && k < 4; k++) d[4 - p->dims.rank + k] = (int)p->dims.d[k];
    scl_view t = scl_view_make(grad ? ps->g : ps->w, d[0], d[1], d[2], d[3]);
    t.off = p->off;
    return t;
}

siamcl_status scl_tparams_bad_grad(const scl_tparams *ps, const char **name) {
    *name = NULL;
    float *g = scl_malloc((ps->total ? ps->total : 1) * sizeof(float));
    if (!g) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "training: out of memory reading gradients");
    siamcl_status st = scl_buffer_read(ps->dev, ps->g, 0, ps->total * sizeof(float), g);
    for (int i = 0; st == SIAMCL_OK && i < ps->n && !*name; i++)
        for (size_t j = 0; j < ps->p[i].count; j++)
            if (!isfinite(g[ps->p[i].off + j])) {
                *name = ps->p[i].name;
                break;
            }
    scl_free(g);
    return st;
}
