/* ONNX import: the real models load with the expected inputs, outputs and
 * parameter counts; models built in memory with protobuf-c check attribute
 * handling (opset forms of Clip/Slice/Reshape, Constant, Gemm bias split, BN
 * folding) and every error path: unknown ops, unsupported attributes, foreign
 * domains, truncated and non-ONNX buffers, broken graphs, failing allocations. */
#include "graph/model_impl.h"
#include "onnxbuild.h"
#include "testutil.h"

static const scl_graph *G(const siamcl_model *m) { return m->g; }

/* Load from memory; returns the status, *m set on success. */
static siamcl_status load_ob(ob *b, const char *name, siamcl_model **m) {
    size_t n;
    uint8_t *buf = ob_pack(b, &n);
    *m = NULL;
    siamcl_status st = siamcl_model_load_memory(buf, n, name, m);
    free(buf);
    return st;
}

/* The load fails with `want` and the message names all of the given words. */
static void expect_error(ob *b, siamcl_status want, const char *w1, const char *w2, const char *w3) {
    siamcl_model *m = NULL;
    siamcl_status st = load_ob(b, "bad.onnx", &m);
    CHECK_STATUS(st, want);
    const char *msg = siamcl_last_error();
    const char *words[3] = {w1, w2, w3};
    for (int i = 0; i < 3; i++)
        if (words[i] && !strstr(msg, words[i])) {
            fprintf(stderr, "  message \"%s\" lacks \"%s\"\n", msg, words[i]);
            tu_failures++;
        }
    CHECK(m == NULL);
    siamcl_model_free(m);
}

static const int64_t D4[4] = {1, 2, 4, 4};

/* x -> op -> y with optional attributes */
static void one_node(ob *b, int64_t opset, const char *op, Onnx__AttributeProto *const *attrs) {
    ob_init(b, opset);
    ob_input(b, "x", 4, D4, D4, NULL);
    const char *in[] = {"x", NULL};
    ob_node(b, op, in, "y", attrs);
    ob_output(b, "y");
}

static void test_tiny(void) {
    ob b;
    ob_init(&b, 13);
    int64_t decl[4] = {0, 2, 0, 0};
    ob_input(&b, "x", 4, decl, D4, NULL);
    const char *in[] = {"x", NULL};
    ob_node(&b, "Relu", in, "y", NULL);
    ob_output(&b, "y");
    siamcl_model *m;
    CHECK_OK(load_ob(&b, "tiny.onnx", &m));
    if (m) {
        CHECK(siamcl_model_input_count(m) == 1 && siamcl_model_output_count(m) == 1);
        CHECK(!strcmp(siamcl_model_input_name(m, 0), "x"));
        CHECK(!strcmp(siamcl_model_output_name(m, 0), "y"));
        CHECK(siamcl_model_input_name(m, 1) == NULL && siamcl_model_output_name(m, -1) == NULL);
        CHECK(siamcl_model_input_index(m, "x") == 0 && siamcl_model_input_index(m, "nope") == -1);
        CHECK(siamcl_model_output_index(m, "y") == 0);
        siamcl_shape s;
        CHECK_OK(siamcl_model_input_shape(m, 0, &s));
        CHECK(s.n == 0 && s.c == 2 && s.h == 0 && s.w == 0);
        CHECK_STATUS(siamcl_model_input_shape(m, 3, &s), SIAMCL_ERR_OUT_OF_RANGE);
        CHECK(siamcl_model_param_count(m) == 0);
        CHECK(!strcmp(siamcl_model_name(m), "tiny.onnx"));
    }
    siamcl_model_free(m);
    siamcl_model_free(NULL);
    ob_free(&b);
}

static void test_unsupported(void) {
    ob b;
    /* an unknown op: status, op, node and file in the message */
    one_node(&b, 13, "FooBar", NULL);
    expect_error(&b, SIAMCL_ERR_UNSUPPORTED, "FooBar", "FooBar_node_", "bad.onnx");
    ob_free(&b);
    one_node(&b, 13, "Softmax", NULL);
    expect_error(&b, SIAMCL_ERR_UNSUPPORTED, "Softmax", "not supported", NULL);
    ob_free(&b);
    /* an unknown attribute */
    {
        ob_init(&b, 13);
        Onnx__AttributeProto *a[] = {ob_af(&b, "alpha", 0.1f), NULL};
        ob_input(&b, "x", 4, D4, D4, NULL);
        const char *in[] = {"x", NULL};
        ob_node(&b, "Relu", in, "y", a);
        ob_output(&b, "y");
        expect_error(&b, SIAMCL_ERR_UNSUPPORTED, "alpha", "Relu", "bad.onnx");
        ob_free(&b);
    }
    /* MaxPool with dilations, 3-D kernels, a bogus auto_pad */
    {
        ob_init(&b, 13);
        int64_t k[2] = {2, 2}, dl[2] = {2, 2};
        Onnx__AttributeProto *a[] = {ob_aints(&b, "kernel_shape", 2, k), ob_aints(&b, "dilations", 2, dl), NULL};
        ob_input(&b, "x", 4, D4, D4, NULL);
        const char *in[] = {"x", NULL};
        ob_node(&b, "MaxPool", in, "y", a);
        ob_output(&b, "y");
        expect_error(&b, SIAMCL_ERR_UNSUPPORTED, "dilations", "MaxPool", NULL);
        ob_free(&b);
    }
    {
        ob_init(&b, 13);
        int64_t k[3] = {2, 2, 2};
        Onnx__AttributeProto *a[] = {ob_aints(&b, "kernel_shape", 3, k), NULL};
        ob_input(&b, "x", 4, D4, D4, NULL);
        const char *in[] = {"x", NULL};
        ob_node(&b, "MaxPool", in, "y", a);
        ob_output(&b, "y");
        expect_error(&b, SIAMCL_ERR_UNSUPPORTED, "3-D", "MaxPool", NULL);
        ob_free(&b);
    }
    {
        ob_init(&b, 13);
        int64_t wd[4] = {2, 2, 1, 1};
        float w[4] = {1, 0, 0, 1};
        ob_input(&b, "x", 4, D4, D4, NULL);
        ob_weight(&b, "W", 4, wd, w);
        Onnx__AttributeProto *a[] = {ob_as(&b, "auto_pad", "BOGUS"), NULL};
        const char *in[] = {"x", "W", NULL};
        ob_node(&b, "Conv", in, "y", a);
        ob_output(&b, "y");
        expect_error(&b, SIAMCL_ERR_UNSUPPORTED, "auto_pad 'BOGUS'", "Conv", NULL);
        ob_free(&b);
    }
    /* Slice with a negative step */
    {
        ob_init(&b, 13);
        ob_input(&b, "x", 4, D4, D4, NULL);
        int64_t st[1] = {3}, en[1] = {0}, ax[1] = {3}, sp[1] = {-1};
        const char *in[] = {"x", ob_ints(&b, "s", 1, st), ob_ints(&b, "e", 1, en), ob_ints(&b, "a", 1, ax),
                            ob_ints(&b, "p", 1, sp), NULL};
        ob_node(&b, "Slice", in, "y", NULL);
        ob_output(&b, "y");
        expect_error(&b, SIAMCL_ERR_UNSUPPORTED, "step -1", "Slice", NULL);
        ob_free(&b);
    }
    /* Clip whose bound is computed, not constant */
    {
        ob_init(&b, 13);
        ob_input(&b, "x", 4, D4, D4, NULL);
        const char *r[] = {"x", NULL};
        ob_node(&b, "Relu", r, "lo", NULL);
        const char *in[] = {"x", "lo", NULL};
        ob_node(&b, "Clip", in, "y", NULL);
        ob_output(&b, "y");
        expect_error(&b, SIAMCL_ERR_UNSUPPORTED, "must be a constant", "Clip", NULL);
        ob_free(&b);
    }
    /* BatchNormalization in training mode */
    {
        ob_init(&b, 14);
        ob_input(&b, "x", 4, D4, D4, NULL);
        int64_t c[1] = {2};
        float one[2] = {1, 1};
        const char *in[] = {"x", ob_weight(&b, "g", 1, c, one), ob_weight(&b, "bb", 1, c, one),
                            ob_weight(&b, "mu", 1, c, one), ob_weight(&b, "var", 1, c, one), NULL};
        Onnx__AttributeProto *a[] = {ob_ai(&b, "training_mode", 1), NULL};
        ob_node(&b, "BatchNormalization", in, "y", a);
        ob_output(&b, "y");
        expect_error(&b, SIAMCL_ERR_UNSUPPORTED, "training_mode", NULL, NULL);
        ob_free(&b);
    }
    /* an op of another domain */
    {
        one_node(&b, 13, "Relu", NULL);
        b.nodes[0]->domain = (char *)"com.example";
        expect_error(&b, SIAMCL_ERR_UNSUPPORTED, "com.example", "Relu", NULL);
        ob_free(&b);
    }
    /* an integer input to Add */
    {
        ob_init(&b, 13);
        ob_input(&b, "x", 4, D4, D4, NULL);
        int64_t v[1] = {1};
        const char *in[] = {"x", ob_ints(&b, "k", 1, v), NULL};
        ob_node(&b, "Add", in, "y", NULL);
        ob_output(&b, "y");
        expect_error(&b, SIAMCL_ERR_UNSUPPORTED, "integer", "Add", NULL);
        ob_free(&b);
    }
}

static void test_broken_graphs(void) {
    ob b;
    /* a node reads a tensor nobody defines */
    {
        ob_init(&b, 13);
        ob_input(&b, "x", 4, D4, D4, NULL);
        const char *in[] = {"x", "ghost", NULL};
        ob_node(&b, "Add", in, "y", NULL);
        ob_output(&b, "y");
        expect_error(&b, SIAMCL_ERR_FORMAT, "ghost", "not defined", NULL);
        ob_free(&b);
    }
    /* two nodes write one tensor */
    {
        ob_init(&b, 13);
        ob_input(&b, "x", 4, D4, D4, NULL);
        const char *in[] = {"x", NULL};
        ob_node(&b, "Relu", in, "y", NULL);
        ob_node(&b, "Sigmoid", in, "y", NULL);
        ob_output(&b, "y");
        expect_error(&b, SIAMCL_ERR_FORMAT, "defined twice", NULL, NULL);
        ob_free(&b);
    }
    /* a cycle */
    {
        ob_init(&b, 13);
        ob_input(&b, "x", 4, D4, D4, NULL);
        const char *i1[] = {"x", "b", NULL}, *i2[] = {"a", NULL};
        ob_node(&b, "Add", i1, "a", NULL);
        ob_node(&b, "Relu", i2, "b", NULL);
        ob_output(&b, "a");
        expect_error(&b, SIAMCL_ERR_FORMAT, "cycle", NULL, NULL);
        ob_free(&b);
    }
    /* the output is computed by nothing; no opset; no graph input */
    {
        one_node(&b, 13, "Relu", NULL);
        b.outs[0]->name = (char *)"nowhere";
        expect_error(&b, SIAMCL_ERR_FORMAT, "nowhere", NULL, NULL);
        ob_free(&b);
        one_node(&b, 13, "Relu", NULL);
        b.model.n_opset_import = 0;
        expect_error(&b, SIAMCL_ERR_FORMAT, "opset", NULL, NULL);
        ob_free(&b);
        one_node(&b, 13, "Relu", NULL);
        b.graph.n_input = 0;
        expect_error(&b, SIAMCL_ERR_FORMAT, "no (non-constant) input", NULL, NULL);
        ob_free(&b);
    }
    /* an initializer whose data do not match its dims */
    {
        ob_init(&b, 13);
        ob_input(&b, "x", 4, D4, D4, NULL);
        int64_t d[1] = {3};
        float v[3] = {1, 2, 3};
        const char *in[] = {"x", ob_weight(&b, "k", 1, d, v), NULL};
        b.inits[0]->dims[0] = 5;
        ob_node(&b, "Add", in, "y", NULL);
        ob_output(&b, "y");
        expect_error(&b, SIAMCL_ERR_FORMAT, "'k'", "5 elements", NULL);
        ob_free(&b);
    }
}

static void test_bad_buffers(void) {
    siamcl_model *m = NULL;
    const char *text = "hello, this is not an ONNX model\n";
    CHECK_STATUS(siamcl_model_load_memory(text, strlen(text), "text.onnx", &m), SIAMCL_ERR_FORMAT);
    CHECK(strstr(siamcl_last_error(), "text.onnx") != NULL);
    CHECK(m == NULL);
    unsigned char rnd[4096];
    for (int trial = 0; trial < 20; trial++) {
        tu_seed(1000 + trial);
        for (size_t i = 0; i < sizeof rnd; i++) rnd[i] = (unsigned char)tu_rand(0, 256);
        CHECK_STATUS(siamcl_model_load_memory(rnd, sizeof rnd, "random.bin", &m), SIAMCL_ERR_FORMAT);
    }
    const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    CHECK_STATUS(siamcl_model_load_memory(png, sizeof png, "image.png", &m), SIAMCL_ERR_FORMAT);
    CHECK_STATUS(siamcl_model_load_memory(text, 0, "empty", &m), SIAMCL_ERR_FORMAT);
    CHECK_STATUS(siamcl_model_load_memory(NULL, 10, "null", &m), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_model_load_memory(text, 3, "x", NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_model_load("/nonexistent/model.onnx", &m), SIAMCL_ERR_IO);
    CHECK(strstr(siamcl_last_error(), "/nonexistent/model.onnx") != NULL);
    CHECK_STATUS(siamcl_model_load(NULL, &m), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_model_load("/", &m), SIAMCL_ERR_IO); /* a directory */
    CHECK(m == NULL);

    /* a real model cut at many places */
    char path[1024];
    snprintf(path, sizeof path, "%s/models/nanotrack-v2/head.onnx", tu_shared());
    size_t n = 0;
    unsigned char *data = tu_read_file(path, &n);
    CHECK(data != NULL && n > 1000);
    if (!data) return;
    size_t cuts[] = {1, 2, 7, 16, 100, 1000, 4097, n / 3, n / 2, n - 1000, n - 100, n - 10, n - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        siamcl_status st = siamcl_model_load_memory(data, cuts[i], "cut.onnx", &m);
        if (st != SIAMCL_ERR_FORMAT) {
            fprintf(stderr, "  cut at %zu of %zu: status %d\n", cuts[i], n, (int)st);
            tu_failures++;
        }
        siamcl_model_free(m);
        m = NULL;
    }
    /* a file cut short on disk */
    char tmp[] = "/tmp/siamcl-test-onnx-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd >= 0) {
        FILE *f = fdopen(fd, "wb");
        fwrite(data, 1, n / 2, f);
        fclose(f);
        CHECK_STATUS(siamcl_model_load(tmp, &m), SIAMCL_ERR_FORMAT);
        CHECK(strstr(siamcl_last_error(), tmp) != NULL);
        remove(tmp);
    }
    /* the whole file loads */
    CHECK_OK(siamcl_model_load_memory(data, n, "head.onnx", &m));
    siamcl_model_free(m);
    free(data);
}

static void test_real_models(void) {
    static const struct {
        const char *file, *in0, *in1, *out0, *out1;
        long long params;
        int c;
    } models[] = {
        {"siamfc-alexnet/backbone.onnx", "image", NULL, "feature", NULL, 2334080, 3},
        {"ciresnet22-random/backbone.onnx", "image", NULL, "features", NULL, 1439872, 3},
        {"ciresnet22-random/backbone_bn.onnx", "image", NULL, "features", NULL, 1439872, 3},
        {"nanotrack-v2/backbone.onnx", "input", NULL, "output", NULL, 0, 3},
        {"nanotrack-v2/head.onnx", "input1", "input2", "output1", "output2", 0, 48},
        {"nanotrack-v3/backbone.onnx", "input", NULL, "output", NULL, 0, 3},
        {"nanotrack-v3/head.onnx", "input1", "input2", "output1", "output2", 0, 96},
    };
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/models/%s", tu_shared(), models[i].file);
        siamcl_model *m = NULL;
        CHECK_OK(siamcl_model_load(path, &m));
        if (!m) continue;
        int nin = models[i].in1 ? 2 : 1;
        CHECK(siamcl_model_input_count(m) == nin && siamcl_model_output_count(m) == nin);
        CHECK(!strcmp(siamcl_model_input_name(m, 0), models[i].in0));
        CHECK(!strcmp(siamcl_model_output_name(m, 0), models[i].out0));
        if (nin == 2) {
            CHECK(!strcmp(siamcl_model_input_name(m, 1), models[i].in1));
            CHECK(!strcmp(siamcl_model_output_name(m, 1), models[i].out1));
        }
        siamcl_shape s;
        CHECK_OK(siamcl_model_input_shape(m, 0, &s));
        CHECK(s.c == models[i].c);
        if (models[i].params) CHECK(siamcl_model_param_count(m) == models[i].params);
        /* no BatchNormalization survives in the graph */
        const scl_graph *g = G(m);
        for (int k = 0; k < g->norder; k++) CHECK(g->nodes[g->order[k]].op != SCL_GOP_BN);
        printf("%-36s %3d nodes, %lld parameters\n", models[i].file, g->norder, siamcl_model_param_count(m));
        siamcl_model_free(m);
    }
}

/* siamcl_model_inspect: the nodes that run, their shapes and multiply-adds
 * agree with the IR; BN folding is counted; bad shapes and arguments refused. */
static void test_inspect(void) {
    char path[1024];
    snprintf(path, sizeof path, "%s/models/ciresnet22-random/backbone_bn.onnx", tu_shared());
    siamcl_model *m = NULL;
    CHECK_OK(siamcl_model_load(path, &m));
    if (!m) return;
    char decl[64];
    siamcl_model_input_decl(m, 0, decl, sizeof decl);
    CHECK(strchr(decl, 'x') != NULL);
    siamcl_model_input_decl(m, 5, decl, sizeof decl);
    CHECK(decl[0] == 0);
    siamcl_shape x = {1, 3, 255, 255};
    int n = -1, n2 = -1, folded = -1;
    CHECK_OK(siamcl_model_inspect(m, &x, 1, NULL, 0, &n, NULL));
    const scl_graph *g = G(m);
    CHECK(n == g->norder);
    siamcl_node_info *nodes = calloc((size_t)n + 1, sizeof *nodes);
    CHECK_OK(siamcl_model_inspect(m, &x, 1, nodes, n, &n2, &folded));
    CHECK(n2 == n && folded > 0);
    long long macs = 0;
    for (int k = 0; k < n; k++) macs += nodes[k].macs;
    CHECK(macs > 0 && !strcmp(nodes[0].op, "Conv") && nodes[0].shape[0] == '1');
    /* the last node writes the output, whose shape is the features' */
    CHECK(!strcmp(nodes[n - 1].output, siamcl_model_output_name(m, 0)));
    printf("inspect: %d nodes (+%d BN folded), %lld MACs, output %s\n", n, folded, macs, nodes[n - 1].shape);
    siamcl_shape bad = {1, 5, 255, 255};
    CHECK_STATUS(siamcl_model_inspect(m, &bad, 1, nodes, n, &n2, NULL), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(siamcl_model_inspect(m, &x, 2, nodes, n, &n2, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_model_inspect(m, &x, 1, NULL, 3, &n2, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(siamcl_model_inspect(NULL, &x, 1, nodes, n, &n2, NULL), SIAMCL_ERR_INVALID_ARGUMENT);
    free(nodes);
    siamcl_model_free(m);
}

/* Attribute forms and load-time rewrites, checked on the IR. */
static void test_forms(void) {
    ob b;
    /* Clip: opset 6 attributes and opset 13 inputs; Slice: opset 9 attributes; Reshape; Constant */
    {
        ob_init(&b, 6);
        ob_input(&b, "x", 4, D4, D4, NULL);
        Onnx__AttributeProto *a[] = {ob_af(&b, "min", -1.5f), ob_af(&b, "max", 2.5f), NULL};
        const char *in[] = {"x", NULL};
        ob_node(&b, "Clip", in, "c", a);
        int64_t st[2] = {1, -3}, en[2] = {3, 1000}, ax[2] = {2, 3};
        Onnx__AttributeProto *sa[] = {ob_aints(&b, "starts", 2, st), ob_aints(&b, "ends", 2, en),
                                      ob_aints(&b, "axes", 2, ax), NULL};
        const char *in2[] = {"c", NULL};
        ob_node(&b, "Slice", in2, "y", sa);
        ob_output(&b, "y");
        siamcl_model *m;
        CHECK_OK(load_ob(&b, "forms.onnx", &m));
        if (m) {
            const scl_graph *g = G(m);
            CHECK(g->norder == 2);
            const scl_node *c = &g->nodes[g->order[0]], *s = &g->nodes[g->order[1]];
            CHECK(c->op == SCL_GOP_CLIP && c->a.act.a == -1.5f && c->a.act.b == 2.5f);
            CHECK(s->op == SCL_GOP_SLICE && s->a.slice.n == 2 && s->a.slice.starts[1] == -3 &&
                  s->a.slice.axes[0] == 2 && s->a.slice.steps[1] == 1);
            scl_dims in = {4, {1, 2, 4, 4}}, dims[16];
            CHECK_OK(scl_graph_infer(g, &in, dims));
            scl_dims want = {4, {1, 2, 2, 3}};
            CHECK(scl_dims_equal(&dims[s->out], &want));
        }
        siamcl_model_free(m);
        ob_free(&b);
    }
    {
        ob_init(&b, 13);
        ob_input(&b, "x", 4, D4, D4, NULL);
        /* Clip bounds from Constant nodes (value_float), a Reshape shape from a Constant tensor */
        Onnx__AttributeProto *lo[] = {ob_af(&b, "value_float", 0.0f), NULL};
        Onnx__AttributeProto *hi[] = {ob_af(&b, "value_float", 6.0f), NULL};
        ob_node(&b, "Constant", NULL, "lo", lo);
        ob_node(&b, "Constant", NULL, "hi", hi);
        const char *in[] = {"x", "lo", "hi", NULL};
        ob_node(&b, "Clip", in, "c", NULL);
        int64_t d1[1] = {3};
        Onnx__TensorProto *t = ob_tensor_proto(&b, "shape", 1, d1);
        t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
        t->n_int64_data = 3;
        t->int64_data = ob_alloc(&b, 3 * sizeof(int64_t));
        t->int64_data[0] = 0;
        t->int64_data[1] = -1;
        t->int64_data[2] = 8;
        Onnx__AttributeProto *sv[] = {ob_atensor(&b, "value", t), NULL};
        ob_node(&b, "Constant", NULL, "shp", sv);
        const char *r[] = {"c", "shp", NULL};
        ob_node(&b, "Reshape", r, "y", NULL);
        ob_output(&b, "y");
        siamcl_model *m;
        CHECK_OK(load_ob(&b, "forms2.onnx", &m));
        if (m) {
            const scl_graph *g = G(m);
            CHECK(g->norder == 2);
            const scl_node *c = &g->nodes[g->order[0]];
            CHECK(c->op == SCL_GOP_CLIP && c->a.act.a == 0.0f && c->a.act.b == 6.0f && c->nin == 1);
            scl_dims in = {4, {3, 2, 4, 4}}, dims[16];
            CHECK_OK(scl_graph_infer(g, &in, dims));
            scl_dims want = {3, {3, 4, 8}};
            CHECK(scl_dims_equal(&dims[g->outputs[0]], &want));
            CHECK(siamcl_model_param_count(m) == 0); /* bounds and shapes are not parameters */
        }
        siamcl_model_free(m);
        ob_free(&b);
    }
    /* Gemm with C and beta: Gemm + Add(beta * C); Conv + BN: one Conv with folded weights */
    {
        ob_init(&b, 13);
        int64_t xd[2] = {1, 3}, wd[2] = {4, 3}, cd[1] = {4};
        float w[12], cc[4] = {1, 2, 3, 4};
        for (int i = 0; i < 12; i++) w[i] = (float)i;
        ob_input(&b, "x", 2, xd, xd, NULL);
        const char *in[] = {"x", ob_weight(&b, "W", 2, wd, w), ob_weight(&b, "C", 1, cd, cc), NULL};
        Onnx__AttributeProto *a[] = {ob_ai(&b, "transB", 1), ob_af(&b, "beta", 0.5f), ob_af(&b, "alpha", 2.0f), NULL};
        ob_node(&b, "Gemm", in, "y", a);
        ob_output(&b, "y");
        siamcl_model *m;
        CHECK_OK(load_ob(&b, "gemm.onnx", &m));
        if (m) {
            const scl_graph *g = G(m);
            CHECK(g->norder == 2);
            const scl_node *gm = &g->nodes[g->order[0]], *ad = &g->nodes[g->order[1]];
            CHECK(gm->op == SCL_GOP_GEMM && gm->a.gemm.trans_b == 1 && gm->a.gemm.alpha == 2.0f);
            CHECK(ad->op == SCL_GOP_ADD && ad->in[0] == gm->out);
            const scl_value *c = &g->vals[ad->in[1]];
            CHECK(c->kind == SCL_V_CONST && c->f[3] == 2.0f);
            CHECK(siamcl_model_param_count(m) == 16);
        }
        siamcl_model_free(m);
        ob_free(&b);
    }
    {
        ob_init(&b, 13);
        int64_t wd[4] = {2, 2, 1, 1}, cd[1] = {2};
        float w[4] = {1, 2, 3, 4}, gam[2] = {2, 3}, bet[2] = {0.5f, -1}, mu[2] = {1, -1}, var[2] = {3, 8};
        ob_input(&b, "x", 4, D4, D4, NULL);
        const char *ci[] = {"x", ob_weight(&b, "W", 4, wd, w), NULL};
        ob_node(&b, "Conv", ci, "c", NULL);
        const char *bi[] = {"c", ob_weight(&b, "g", 1, cd, gam), ob_weight(&b, "b", 1, cd, bet),
                            ob_weight(&b, "mu", 1, cd, mu), ob_weight(&b, "var", 1, cd, var), NULL};
        Onnx__AttributeProto *a[] = {ob_af(&b, "epsilon", 1.0f), NULL};
        ob_node(&b, "BatchNormalization", bi, "y", a);
        ob_output(&b, "y");
        siamcl_model *m;
        CHECK_OK(load_ob(&b, "bn.onnx", &m));
        if (m) {
            const scl_graph *g = G(m);
            CHECK(g->norder == 1);
            const scl_node *c = &g->nodes[g->order[0]];
            CHECK(c->op == SCL_GOP_CONV && c->nin == 3 && c->out == g->outputs[0]);
            const float *fw = g->vals[c->in[1]].f, *fb = g->vals[c->in[2]].f;
            /* s = gamma / sqrt(var + eps) = {1, 1}; t = beta - mean * s */
            CHECK(fabsf(fw[0] - 1) < 1e-6f && fabsf(fw[3] - 4) < 1e-6f);
            CHECK(fabsf(fb[0] - (0.5f - 1)) < 1e-6f && fabsf(fb[1] - (-1 + 1)) < 1e-6f);
            CHECK(siamcl_model_param_count(m) == 6);
        }
        siamcl_model_free(m);
        ob_free(&b);
    }
}

/* Every host allocation of a load fails once, in turn: a clean error, no leak. */
static void test_failing_allocations(void) {
    ob b;
    ob_init(&b, 13);
    int64_t wd[4] = {2, 2, 3, 3}, cd[1] = {2};
    float w[36], bb[2] = {1, 2};
    for (int i = 0; i < 36; i++) w[i] = (float)i / 36;
    ob_input(&b, "x", 4, D4, D4, NULL);
    const char *ci[] = {"x", ob_weight(&b, "W", 4, wd, w), ob_weight(&b, "B", 1, cd, bb), NULL};
    ob_node(&b, "Conv", ci, "c", NULL);
    const char *bi[] = {"c", ob_weight(&b, "g", 1, cd, bb), ob_weight(&b, "be", 1, cd, bb),
                        ob_weight(&b, "mu", 1, cd, bb), ob_weight(&b, "var", 1, cd, bb), NULL};
    ob_node(&b, "BatchNormalization", bi, "n", NULL);
    int64_t shp[2] = {1, -1};
    const char *ri[] = {"n", ob_ints(&b, "shape", 2, shp), NULL};
    ob_node(&b, "Reshape", ri, "r", NULL);
    int64_t gw[2] = {4, 32}, gc[1] = {4};
    float gwv[128], gcv[4] = {1, 2, 3, 4};
    for (int i = 0; i < 128; i++) gwv[i] = (float)i / 128;
    const char *gi[] = {"r", ob_weight(&b, "GW", 2, gw, gwv), ob_weight(&b, "GC", 1, gc, gcv), NULL};
    Onnx__AttributeProto *ga[] = {ob_ai(&b, "transB", 1), ob_af(&b, "beta", 0.5f), NULL};
    ob_node(&b, "Gemm", gi, "gm", ga);
    Onnx__AttributeProto *lo[] = {ob_af(&b, "value_float", 0.0f), NULL};
    ob_node(&b, "Constant", NULL, "lo", lo);
    const char *cl[] = {"gm", "lo", "", NULL};
    ob_node(&b, "Clip", cl, "cl", NULL);
    int64_t st[1] = {1}, en[1] = {3};
    const char *si[] = {"cl", ob_ints(&b, "st", 1, st), ob_ints(&b, "en", 1, en), NULL};
    ob_node(&b, "Slice", si, "y", NULL);
    ob_output(&b, "y");
    size_t n;
    uint8_t *buf = ob_pack(&b, &n);
    siamcl_model *m = NULL;
    siamcl_test_fail_alloc(0);
    CHECK_OK(siamcl_model_load_memory(buf, n, "oom.onnx", &m));
    siamcl_model_free(m);
    long total = siamcl_test_fail_alloc(0);
    CHECK(total > 10);
    for (long i = 1; i <= total; i++) {
        m = NULL;
        siamcl_test_fail_alloc(i);
        siamcl_status st = siamcl_model_load_memory(buf, n, "oom.onnx", &m);
        siamcl_test_fail_alloc(0);
        if (st != SIAMCL_ERR_OUT_OF_MEMORY) {
            fprintf(stderr, "  allocation %ld of %ld failing: status %d\n", i, total, (int)st);
            tu_failures++;
        }
        CHECK(m == NULL);
        siamcl_model_free(m);
    }
    printf("failing allocator: %ld allocation sites walked\n", total);
    free(buf);
    ob_free(&b);
}

static char g_warn[2048];
static void capture_warn(siamcl_log_level l, const char *m, void *u) {
    (void)u;
    if (l == SIAMCL_LOG_WARN) snprintf(g_warn, sizeof g_warn, "%s", m);
}

/* Details a hostile file exercised: typed attributes, huge op names, negative dims, NaN weights. */
static void test_hostile_details(void) {
    ob b;
    /* kernel_shape typed FLOAT (with ints beside it) is malformed, not read as ints */
    {
        ob_init(&b, 13);
        int64_t k[2] = {2, 2};
        Onnx__AttributeProto *ks = ob_aints(&b, "kernel_shape", 2, k);
        ks->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
        Onnx__AttributeProto *a[] = {ks, NULL};
        ob_input(&b, "x", 4, D4, D4, NULL);
        const char *in[] = {"x", NULL};
        ob_node(&b, "MaxPool", in, "y", a);
        ob_output(&b, "y");
        expect_error(&b, SIAMCL_ERR_FORMAT, "kernel_shape", "list of integers", "MaxPool");
        ob_free(&b);
    }
    /* a 100 KB op_type is named by its start, not echoed whole */
    {
        static char op[100001];
        memset(op, 'Q', sizeof op - 1);
        one_node(&b, 13, op, NULL);
        expect_error(&b, SIAMCL_ERR_UNSUPPORTED, "QQQQQQQQ", "not supported", NULL);
        CHECK(strlen(siamcl_last_error()) < 1024);
        ob_free(&b);
    }
    /* an input declared with dimension -1 (a free dimension is named, not negative) */
    {
        ob_init(&b, 13);
        ob_input(&b, "x", 4, D4, D4, NULL);
        b.ins[0]->type->tensor_type->shape->dim[2]->dim_value = -1;
        const char *in[] = {"x", NULL};
        ob_node(&b, "Relu", in, "y", NULL);
        ob_output(&b, "y");
        expect_error(&b, SIAMCL_ERR_FORMAT, "'x'", "-1", NULL);
        ob_free(&b);
    }
    /* fuzz-onnx found it: a graph output that is a graph input (no node at hand) crashed the message */
    {
        ob_init(&b, 13);
        ob_input(&b, "x", 4, D4, D4, NULL);
        const char *in[] = {"x", NULL};
        ob_node(&b, "Relu", in, "y", NULL);
        ob_output(&b, "x");
        expect_error(&b, SIAMCL_ERR_UNSUPPORTED, "graph output 'x'", "not computed", "bad.onnx");
        ob_free(&b);
    }
    /* NaN and infinite weights load, with a warning naming the initializer */
    {
        ob_init(&b, 13);
        ob_input(&b, "x", 4, D4, D4, NULL);
        float w[4] = {1, NAN, INFINITY, 2};
        int64_t wd[1] = {4};
        const char *wn = ob_weight(&b, "bad_weights", 1, wd, w);
        const char *in[] = {"x", wn, NULL};
        ob_node(&b, "Add", in, "y", NULL);
        ob_output(&b, "y");
        g_warn[0] = 0;
        siamcl_log_set(capture_warn, NULL, SIAMCL_LOG_WARN);
        siamcl_model *m = NULL;
        CHECK_OK(load_ob(&b, "nan.onnx", &m));
        siamcl_log_set(tu_log, NULL, SIAMCL_LOG_WARN);
        CHECK(strstr(g_warn, "bad_weights") && strstr(g_warn, "2 NaN or infinite values of 4"));
        siamcl_model_free(m);
        ob_free(&b);
    }
}

int main(void) {
    siamcl_log_set(tu_log, NULL, SIAMCL_LOG_WARN);
    test_hostile_details();
    test_tiny();
    test_unsupported();
    test_broken_graphs();
    test_bad_buffers();
    test_real_models();
    test_inspect();
    test_forms();
    test_failing_allocations();
    return tu_finish("test-onnx");
}
