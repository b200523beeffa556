/* Model inspection for the public API (siamcl info): declared input shapes
 * and the nodes that run with their shapes and multiply-adds. */
#include <stdio.h>
#include <string.h>

#include "graph/model_impl.h"

void siamcl_model_input_decl(const siamcl_model *m, int i, char *buf, size_t cap) {
    if (!buf || !cap) return;
    buf[0] = 0;
    if (m && i >= 0 && i < m->g->ninputs) scl_dims_str(&m->g->vals[m->g->inputs[i]].dims, buf, cap);
}

/* Every value's shape (dims[nvals]) for the 4-D input shapes. */
static siamcl_status infer(const scl_graph *g, const siamcl_shape *shapes, scl_dims *dims) {
    scl_dims *in = scl_calloc((size_t)g->ninputs + 1, sizeof *in);
    if (!in) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "model inspect: out of memory");
    for (int i = 0; i < g->ninputs; i++) {
        int r = g->vals[g->inputs[i]].dims.rank ? g->vals[g->inputs[i]].dims.rank : 4;
        int all[4] = {shapes[i].n, shapes[i].c, shapes[i].h, shapes[i].w};
        in[i].rank = r;
        for (int k = 0; k < r; k++) in[i].d[k] = all[4 - r + k];
    }
    siamcl_status st = scl_graph_infer(g, in, dims);
    scl_free(in);
    return st;
}

siamcl_status siamcl_model_inspect(const siamcl_model *m, const siamcl_shape *shapes, int n_inputs,
                                   siamcl_node_info *out, int cap, int *count, int *folded) {
    if (!m || !count || (n_inputs && !shapes) || (cap > 0 && !out))
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_model_inspect: NULL argument");
    const scl_graph *g = m->g;
    if (n_inputs != g->ninputs)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "%s: %d input shapes given for %d inputs", g->name, n_inputs,
                        g->ninputs);
    *count = g->norder;
    if (folded) {
        *folded = 0;
        for (int i = 0; i < g->nnodes; i++) *folded += g->nodes[i].dead && g->nodes[i].op == SCL_GOP_BN;
    }
    if (cap <= 0) return SIAMCL_OK; /* sizing only: nothing to infer */
    scl_dims *dims = scl_calloc((size_t)g->nvals + 1, sizeof *dims);
    if (!dims) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "model inspect: out of memory");
    siamcl_status st = infer(g, shapes, dims);
    for (int k = 0; k < g->norder && k < cap && st == SIAMCL_OK; k++) {
        const scl_node *n = &g->nodes[g->order[k]];
        siamcl_node_info *o = &out[k];
        o->name = n->name;
        o->op = scl_gop_name(n->op);
        o->output = g->vals[n->out].name;
        scl_dims_str(&dims[n->out], o->shape, sizeof o->shape);
        o->macs = scl_graph_node_macs(g, n, dims);
    }
    scl_free(dims);
    return st;
}
