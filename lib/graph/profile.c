/* Per-layer profiling of a plan: markers between the steps of one run. */
#include <stdio.h>
#include <string.h>

#include "graph/plan_impl.h"

int siamcl_plan_layer_count(const siamcl_plan *p) { return p ? p->nsteps : 0; }

static void describe(const siamcl_plan *p, const scl_step *s, siamcl_layer_profile *o) {
    const scl_graph *g = p->g;
    const scl_node *n = &g->nodes[s->node];
    size_t cap = sizeof o->what;
    int len;
    if (s->kind == SCL_STEP_CONV) {
        const scl_conv_params *c = &s->conv.p;
        len = snprintf(o->what, cap, "Conv %dx%d/%d g%d", c->kh, c->kw, c->stride_h, c->groups);
        if (c->dil_h > 1) len += snprintf(o->what + len, cap - (size_t)len, " d%d", c->dil_h);
    } else {
        len = snprintf(o->what, cap, "%s", scl_gop_name(n->op));
    }
    for (int f = 0; f < s->nfused && len > 0 && (size_t)len < cap; f++)
        len += snprintf(o->what + len, cap - (size_t)len, " +%s", scl_gop_name(g->nodes[s->fused[f]].op));
    scl_dims_str(&p->dims[s->y], o->shape, sizeof o->shape);
    snprintf(o->node, sizeof o->node, "%s", n->name ? n->name : "");
    o->macs = scl_graph_node_macs(g, n, p->dims);
    for (int f = 0; f < s->nfused; f++) o->macs += scl_graph_node_macs(g, &g->nodes[s->fused[f]], p->dims);
}

siamcl_status siamcl_plan_profile(siamcl_plan *p, siamcl_layer_profile *out) {
    if (!p || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "plan profile: NULL argument");
    int n = p->nsteps;
    cl_event *ev = scl_calloc((size_t)n + 1, sizeof *ev);
    if (!ev) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "plan profile: out of memory");
    siamcl_status st = SIAMCL_OK;
    cl_int e = scl_queue_marker(p->dev, &ev[0]);
    for (int i = 0; i < n && e == CL_SUCCESS && st == SIAMCL_OK; i++) {
        st = scl_plan_run_step(p, i);
        if (st == SIAMCL_OK) e = scl_queue_marker(p->dev, &ev[i + 1]);
    }
    cl_int fin = scl_queue_finish(p->dev, SCL_Q_MAIN);
    if (st == SIAMCL_OK && e != CL_SUCCESS)
        st = scl_fail((siamcl_status)e, "plan profile: marker: %s", siamcl_status_string((siamcl_status)e));
    if (st == SIAMCL_OK && fin != CL_SUCCESS)
        st = scl_fail((siamcl_status)fin, "plan profile: clFinish: %s", siamcl_status_string((siamcl_status)fin));
    uint64_t prev = 0;
    for (int i = 0; i <= n && st == SIAMCL_OK; i++) {
        uint64_t t = 0;
        e = scl_event_end_ns(ev[i], &t);
        if (e != CL_SUCCESS) {
            st = scl_fail((siamcl_status)e, "plan profile: marker time: %s", siamcl_status_string((siamcl_status)e));
            break;
        }
        if (i > 0) {
            describe(p, &p->steps[i - 1], &out[i - 1]);
            out[i - 1].ms = t >= prev ? (double)(t - prev) * 1e-6 : 0.0;
        }
        prev = t;
    }
    for (int i = 0; i <= n; i++) scl_event_release(ev[i]);
    scl_free(ev);
    return st;
}
