/* siamcl info: describe an ONNX model (inputs, outputs, ops, per-node shapes,
 * parameters, MACs) and what a plan of it costs on a device (memory after
 * liveness reuse, build time, one run). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: siamcl info MODEL.onnx [--input NxCxHxW]... [--nodes] [--no-plan] [--runs N]\n\n"
            "Describes an ONNX model: its inputs and outputs, op counts (after BatchNormalization\n"
            "folding), the output shape of every node, the parameter count (weights + biases after\n"
            "folding) and the multiply-adds for the given input shape. Then builds a plan on the\n"
            "selected OpenCL device (SIAMCL_DEVICE etc., see 'siamcl --help') and reports its device\n"
            "memory (weights + activations after buffer reuse + conv workspace), build time and the\n"
            "time of one run.\n\n"
            "options:\n"
            "  --input S   shape of the next model input, e.g. 1x3x255x255 (give it once per input,\n"
            "              in model order; default: the shape declared in the file, batch 1)\n"
            "  --nodes     list every node with its output shape (default: on)\n"
            "  --quiet     no per-node list\n"
            "  --no-plan   do not touch a device\n"
            "  --runs N    time N runs after the build (default 1)\n");
}

static int parse_shape(const char *s, siamcl_shape *out) {
    long v[4];
    int n = 0;
    const char *p = s;
    while (*p && n < 4) {
        char *end;
        long x = strtol(p, &end, 10);
        if (end == p || x <= 0 || x > (1 << 24)) return 0;
        v[n++] = x;
        p = end;
        if (*p == 'x' || *p == 'X' || *p == ',') p++;
        else if (*p) return 0;
    }
    if (*p || n == 0) return 0;
    int all[4] = {1, 1, 1, 1};
    for (int i = 0; i < n; i++) all[4 - n + i] = (int)v[i];
    out->n = all[0];
    out->c = all[1];
    out->h = all[2];
    out->w = all[3];
    return 1;
}

static void print_count(const char *label, long long v) {
    char buf[64], out[96];
    snprintf(buf, sizeof buf, "%lld", v);
    size_t n = strlen(buf), j = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) out[j++] = ',';
        out[j++] = buf[i];
    }
    out[j] = 0;
    printf("%-22s %s\n", label, out);
}

static const char *mib(size_t b, char *buf, size_t cap) {
    snprintf(buf, cap, "%.2f MiB (%zu bytes)", (double)b / (1 << 20), b);
    return buf;
}

typedef struct info_args {
    const char *path;
    siamcl_shape shapes[16];
    int nshapes;
} info_args;

static int add_shape(const char *opt, const char *v, void *dst) {
    info_args *ia = dst;
    if (ia->nshapes >= 16 || !parse_shape(v, &ia->shapes[ia->nshapes])) {
        fprintf(stderr, "siamcl info: bad %s '%s' (expected e.g. 1x3x127x127; at most 16)\n", opt, v);
        return 0;
    }
    ia->nshapes++;
    return 1;
}

static int set_path(const char *opt, const char *v, void *dst) {
    (void)opt;
    info_args *ia = dst;
    if (ia->path) {
        fprintf(stderr, "siamcl info: more than one model given\n");
        return 0;
    }
    ia->path = v;
    return 1;
}

/* The shape each input is planned with: --input, else the declared one
 * (batch 1; a dynamic height/width becomes 255, a dynamic channel count is an error). */
static int input_shapes(const siamcl_model *m, const char *path, info_args *ia) {
    int nin = siamcl_model_input_count(m);
    if (ia->nshapes && ia->nshapes != nin) {
        fprintf(stderr, "siamcl info: %s has %d inputs, %d --input given\n", path, nin, ia->nshapes);
        return 0;
    }
    for (int i = 0; i < nin; i++) {
        siamcl_shape *sh = &ia->shapes[i];
        if (i >= ia->nshapes) {
            siamcl_model_input_shape(m, i, sh);
            if (!sh->n) sh->n = 1;
            if (!sh->c) {
                fprintf(stderr, "siamcl info: input '%s' has a dynamic channel count: give --input\n",
                        siamcl_model_input_name(m, i));
                return 0;
            }
            if (!sh->h || !sh->w) { /* Siamese backbones: default to the search size */
                if (!sh->h) sh->h = 255;
                if (!sh->w) sh->w = 255;
                printf("note                   input '%s' has dynamic height/width: using 255 (see --input)\n",
                       siamcl_model_input_name(m, i));
            }
        }
        char decl[64];
        siamcl_model_input_decl(m, i, decl, sizeof decl);
        printf("input %-16d %s: declared %s, using %dx%dx%dx%d\n", i, siamcl_model_input_name(m, i), decl, sh->n,
               sh->c, sh->h, sh->w);
    }
    return 1;
}

/* Op counts in order of first appearance: "Conv:5 Relu:4 ...". */
static void print_op_counts(const siamcl_node_info *nodes, int n) {
    printf("ops                   ");
    for (int k = 0; k < n; k++) {
        int seen = 0, c = 0;
        for (int j = 0; j < k && !seen; j++) seen = !strcmp(nodes[j].op, nodes[k].op);
        if (seen) continue;
        for (int j = k; j < n; j++) c += !strcmp(nodes[j].op, nodes[k].op);
        printf(" %s:%d", nodes[k].op, c);
    }
    printf("\n");
}

/* Output i's shape: that of the node writing it. */
static const char *output_shape(const siamcl_model *m, int i, const siamcl_node_info *nodes, int n) {
    const char *name = siamcl_model_output_name(m, i);
    for (int k = 0; k < n; k++)
        if (name && !strcmp(nodes[k].output, name)) return nodes[k].shape;
    return "?";
}

/* Outputs, op counts, the node table (nodes), parameters; the MACs to *macs. */
static siamcl_status describe_graph(const siamcl_model *m, const siamcl_shape *shapes, int nodes_flag,
                                    long long *macs) {
    int n = 0, folded = 0, nin = siamcl_model_input_count(m);
    CLI_TRY(siamcl_model_inspect(m, shapes, nin, NULL, 0, &n, NULL));
    siamcl_node_info *nodes = calloc((size_t)n + 1, sizeof *nodes);
    if (!nodes) return cli_error(SIAMCL_ERR_OUT_OF_MEMORY, "out of memory");
    siamcl_status st = siamcl_model_inspect(m, shapes, nin, nodes, n, &n, &folded);
    if (st != SIAMCL_OK) {
        free(nodes);
        return st;
    }
    for (int i = 0; i < siamcl_model_output_count(m); i++)
        printf("output %-15d %s: %s\n", i, siamcl_model_output_name(m, i), output_shape(m, i, nodes, n));
    *macs = 0;
    for (int k = 0; k < n; k++) *macs += nodes[k].macs;
    printf("nodes                  %d", n);
    if (folded) printf(" (+%d BatchNormalization folded into Conv)", folded);
    printf("\n");
    print_op_counts(nodes, n);
    if (nodes_flag) {
        printf("\n  #   op                  output shape       MACs            node\n");
        for (int k = 0; k < n; k++)
            printf("%4d   %-19s %-18s %-15lld %s\n", k, nodes[k].op, nodes[k].shape, nodes[k].macs, nodes[k].name);
        printf("\n");
    }
    print_count("parameters", siamcl_model_param_count(m));
    print_count("MACs", *macs);
    free(nodes);
    return SIAMCL_OK;
}

/* A plan on device 0: its launches, memory, build time and `runs` timed runs. */
static int describe_plan(siamcl_model *m, const siamcl_shape *shapes, long long macs, int runs) {
    siamcl_context *ctx = NULL;
    siamcl_plan *p = NULL;
    siamcl_status st = siamcl_context_create(NULL, &ctx);
    if (st == SIAMCL_OK) st = siamcl_plan_create(ctx, 0, m, siamcl_model_input_count(m), shapes, &p);
    if (st != SIAMCL_OK) {
        siamcl_context_free(ctx);
        return cli_fail(st, siamcl_last_error());
    }
    siamcl_device_info di;
    siamcl_context_device_info(ctx, 0, &di);
    siamcl_plan_stats ps;
    siamcl_plan_get_stats(p, &ps);
    char b[96], b2[96];
    printf("device                 %s (%s)\n", di.name, di.platform_name);
    printf("plan launches          %d (for %d nodes)\n", ps.launches, ps.nodes);
    printf("plan weights           %s\n", mib(ps.weight_bytes, b, sizeof b));
    printf("plan activations       %s (one buffer per tensor would take %s)\n", mib(ps.activation_bytes, b, sizeof b),
           mib(ps.naive_bytes, b2, sizeof b2));
    printf("plan workspace         %s\n", mib(ps.workspace_bytes, b, sizeof b));
    printf("plan device memory     %s\n", mib(ps.weight_bytes + ps.activation_bytes + ps.workspace_bytes, b, sizeof b));
    printf("plan build time        %.1f ms (includes kernel compilation and one warm-up run)\n", ps.build_ms);
    int rc = 0;
    for (int r = 0; r < runs && rc == 0; r++) {
        double t0 = cli_now_ms();
        st = siamcl_plan_run(p);
        if (st == SIAMCL_OK) st = siamcl_plan_finish(p);
        if (st != SIAMCL_OK) {
            rc = cli_fail(st, siamcl_last_error());
            break;
        }
        double ms = cli_now_ms() - t0;
        printf("run %-18d %.2f ms (%.2f GMAC/s)\n", r + 1, ms, ms > 0 ? (double)macs / ms * 1e-6 : 0.0);
    }
    siamcl_plan_free(p);
    siamcl_context_free(ctx);
    return rc;
}

int cmd_info(int argc, char **argv) {
    info_args ia = {0};
    int quiet = 0, nodes_flag = 0, no_plan = 0, runs = 1;
    const cli_opt opts[] = {
        CLI_OPT_FN("--input", &ia, add_shape),  CLI_OPT_FLAG("--nodes", &nodes_flag),
        CLI_OPT_FLAG("--quiet", &quiet),        CLI_OPT_FLAG("--no-plan", &no_plan),
        CLI_OPT_INT("--runs", &runs, 0, 100000), CLI_OPT_POSITIONAL(&ia, set_path),
        CLI_OPT_END,
    };
    int r = cli_parse_opts("info", argc, argv, opts, usage);
    if (r <= 0) return r < 0 ? 0 : 2;
    if (!ia.path) {
        usage(stderr);
        return 2;
    }
    siamcl_model *m = NULL;
    siamcl_status st = siamcl_model_load(ia.path, &m);
    if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error());
    printf("model                  %s\n", ia.path);
    int rc = 0;
    long long macs = 0;
    if (!input_shapes(m, ia.path, &ia)) rc = 2;
    else if ((st = describe_graph(m, ia.shapes, !quiet || nodes_flag, &macs)) != SIAMCL_OK)
        rc = cli_fail(st, cli_error_text());
    else if (!no_plan)
        rc = describe_plan(m, ia.shapes, macs, runs);
    siamcl_model_free(m);
    return rc;
}
