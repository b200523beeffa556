/* siamcl_model: a model made of an imported graph (the ONNX loaders are
 * lib/onnx/load.c), accessors, reference counting and the per-device weight
 * sets shared by all plans of a model on one device. */
#include <stdint.h>
#include <string.h>

#include "graph/model_impl.h"

#define WEIGHT_ALIGN 32 /* floats: every constant starts on a 128-byte boundary */

/* Lay out every F32 constant read as data by a live node. */
static siamcl_status layout_weights(siamcl_model *m) {
    scl_graph *g = m->g;
    m->woff = scl_malloc(sizeof(size_t) * (size_t)(g->nvals ? g->nvals : 1));
    if (!m->woff) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", g->name);
    for (int v = 0; v < g->nvals; v++) m->woff[v] = SIZE_MAX;
    size_t off = 0;
    for (int k = 0; k < g->norder; k++) {
        const scl_node *n = &g->nodes[g->order[k]];
        for (int i = 0; i < n->nin; i++) {
            int v = n->in[i];
            if (v < 0 || g->vals[v].kind != SCL_V_CONST || m->woff[v] != SIZE_MAX) continue;
            if (g->vals[v].dtype != SCL_DT_F32)
                return scl_fail(SIAMCL_ERR_UNSUPPORTED, "%s: node '%s' (%s) reads integer tensor '%s' as data",
                                g->name, n->name, scl_gop_name(n->op), g->vals[v].name);
            m->woff[v] = off;
            off += scl_round_up((size_t)scl_dims_count(&g->vals[v].dims), WEIGHT_ALIGN);
        }
    }
    m->wfloats = off;
    m->params = scl_graph_param_count(g);
    return SIAMCL_OK;
}

siamcl_status scl_model_from_graph(scl_graph *g, siamcl_model **out) {
    siamcl_model *m = scl_calloc(1, sizeof *m);
    if (!m) {
        scl_graph_free(g);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "model: out of memory");
    }
    m->g = g;
    m->refs = 1;
    siamcl_status st = layout_weights(m);
    if (st != SIAMCL_OK) {
        scl_model_release(m);
        return st;
    }
    *out = m;
    return SIAMCL_OK;
}

void scl_model_retain(siamcl_model *m) { m->refs++; }

void scl_model_release(siamcl_model *m) {
    if (!m || --m->refs > 0) return;
    /* plans hold references, so no weight set is left here */
    scl_graph_free(m->g);
    scl_free(m->woff);
    scl_free(m);
}

void siamcl_model_free(siamcl_model *m) { scl_model_release(m); }

siamcl_status scl_model_weights_acquire(siamcl_model *m, scl_device *dev, scl_weight_set **out) {
    for (scl_weight_set *w = m->sets; w; w = w->next)
        if (w->dev == dev) {
            w->refs++;
            *out = w;
            return SIAMCL_OK;
        }
    scl_weight_set *w = scl_calloc(1, sizeof *w);
    if (!w) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", m->g->name);
    w->dev = dev;
    w->bytes = m->wfloats * sizeof(float);
    siamcl_status st = scl_buffer_alloc(dev, w->bytes, &w->mem);
    const scl_graph *g = m->g;
    for (int v = 0; st == SIAMCL_OK && v < g->nvals; v++) {
        if (m->woff[v] == SIZE_MAX) continue;
        size_t n = (size_t)scl_dims_count(&g->vals[v].dims);
        st = scl_buffer_write(dev, w->mem, m->woff[v] * sizeof(float), n * sizeof(float), g->vals[v].f);
    }
    if (st != SIAMCL_OK) {
        scl_buffer_free(dev, w->mem);
        scl_free(w);
        return st;
    }
    w->refs = 1;
    w->next = m->sets;
    m->sets = w;
    *out = w;
    return SIAMCL_OK;
}

void scl_model_weights_release(siamcl_model *m, scl_weight_set *w) {
    if (!m || !w || --w->refs > 0) return;
    for (scl_weight_set **p = &m->sets; *p; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            break;
        }
    scl_buffer_free(w->dev, w->mem);
    scl_free(w);
}

/* ---- accessors ---- */
const char *siamcl_model_name(const siamcl_model *m) { return m ? m->g->name : NULL; }
int siamcl_model_input_count(const siamcl_model *m) { return m ? m->g->ninputs : 0; }
int siamcl_model_output_count(const siamcl_model *m) { return m ? m->g->noutputs : 0; }

const char *siamcl_model_input_name(const siamcl_model *m, int i) {
    return m && i >= 0 && i < m->g->ninputs ? m->g->vals[m->g->inputs[i]].name : NULL;
}

const char *siamcl_model_output_name(const siamcl_model *m, int i) {
    return m && i >= 0 && i < m->g->noutputs ? m->g->vals[m->g->outputs[i]].name : NULL;
}

int siamcl_model_input_index(const siamcl_model *m, const char *name) {
    for (int i = 0; m && name && i < m->g->ninputs; i++)
        if (!strcmp(m->g->vals[m->g->inputs[i]].name, name)) return i;
    return -1;
}

int siamcl_model_output_index(const siamcl_model *m, const char *name) {
    for (int i = 0; m && name && i < m->g->noutputs; i++)
        if (!strcmp(m->g->vals[m->g->outputs[i]].name, name)) return i;
    return -1;
}

siamcl_status siamcl_model_input_shape(const siamcl_model *m, int i, siamcl_shape *out) {
    if (!m || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_model_input_shape: NULL argument");
    if (i < 0 || i >= m->g->ninputs)
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "%s: input %d does not exist (%d inputs)", m->g->name, i,
                        m->g->ninputs);
    const scl_dims *d = &m->g->vals[m->g->inputs[i]].dims;
    int v[4] = {1, 1, 1, 1};
    if (d->rank == 0) v[0] = v[1] = v[2] = v[3] = 0;
    for (int k = 0; k < d->rank; k++) v[4 - d->rank + k] = (int)d->d[k];
    out->n = v[0];
    out->c = v[1];
    out->h = v[2];
    out->w = v[3];
    return SIAMCL_OK;
}

long long siamcl_model_param_count(const siamcl_model *m) { return m ? m->params : 0; }
