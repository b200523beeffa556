/* test-onnx-chain: a 20,000-node chain imports and sorts correctly (import and the
 * topological sort are linear: a hostile file of this size took 13 s when both were
 * quadratic; the time is printed, not asserted). Also a chain given in reverse order. */
#define _POSIX_C_SOURCE 200809L
#define OB_MAX 20100
#include "onnxbuild.h"
#include "testutil.h"
#include "graph/model_impl.h"

static ob g_b;

static double load_chain(int n, int reverse, siamcl_model **m) {
    ob_init(&g_b, 13);
    int64_t d[4] = {1, 1, 1, 4};
    ob_input(&g_b, "x0", 4, d, d, NULL);
    for (int k = 0; k < n; k++) {
        int i = reverse ? n - 1 - k : k;
        char in[32], out[32];
        snprintf(in, sizeof in, "x%d", i);
        snprintf(out, sizeof out, "x%d", i + 1);
        const char *ins[] = {in, NULL};
        ob_node(&g_b, i % 2 ? "Relu" : "Sigmoid", ins, out, NULL);
    }
    char last[32];
    snprintf(last, sizeof last, "x%d", n);
    ob_output(&g_b, last);
    size_t size;
    uint8_t *buf = ob_pack(&g_b, &size);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    *m = NULL;
    CHECK_OK(siamcl_model_load_memory(buf, size, "chain.onnx", m));
    double ms = tu_ms_since(t0);
    free(buf);
    ob_free(&g_b);
    return ms;
}

int main(void) {
    siamcl_log_set(tu_log, NULL, SIAMCL_LOG_WARN);
    const int n = 20000;
    for (int reverse = 0; reverse < 2; reverse++) {
        siamcl_model *m = NULL;
        double ms = load_chain(n, reverse, &m);
        printf("%d-node chain%s: imported in %.0f ms\n", n, reverse ? " (nodes in reverse order)" : "", ms);
        CHECK(m != NULL);
        if (!m) continue;
        const scl_graph *g = m->g;
        CHECK(g->norder == n);
        /* in order: node k reads x<k> */
        int ok = 1;
        for (int k = 0; k < g->norder && ok; k++) {
            const scl_node *nd = &g->nodes[g->order[k]];
            char want[32];
            snprintf(want, sizeof want, "x%d", k);
            ok = nd->nin == 1 && !strcmp(g->vals[nd->in[0]].name, want);
        }
        CHECK(ok);
        siamcl_model_free(m);
    }
    return tu_finish("test-onnx-chain");
}
