/* Test helper: build small ONNX models in memory with protobuf-c (nodes,
 * initializers, attributes, inputs/outputs), keeping beside each named tensor
 * its host value so tests can compute plain C references as they build. Used by
 * test-onnx.c and test-graph.c. Everything is freed by ob_free. */
#ifndef SCL_TEST_ONNXBUILD_H
#define SCL_TEST_ONNXBUILD_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"

#ifndef OB_MAX
#define OB_MAX 512
#endif

typedef struct ob_val { /* host value of a named tensor */
    char name[96];
    int rank;
    int64_t d[4];
    float *f;
} ob_val;

typedef struct ob {
    Onnx__ModelProto model;
    Onnx__GraphProto graph;
    Onnx__OperatorSetIdProto opset;
    Onnx__OperatorSetIdProto *opsets[1];
    Onnx__NodeProto *nodes[OB_MAX];
    Onnx__TensorProto *inits[OB_MAX];
    Onnx__ValueInfoProto *ins[16], *outs[16];
    void *mem[8 * OB_MAX]; /* everything allocated, freed by ob_free */
    int nmem;
    ob_val vals[OB_MAX];
    int nvals, counter;
    int raw_toggle;        /* alternate raw_data / float_data for initializers */
} ob;

static inline void *ob_alloc(ob *b, size_t n) {
    void *p = calloc(1, n ? n : 1);
    if (!p || b->nmem >= 8 * OB_MAX) {
        fprintf(stderr, "onnxbuild: out of memory\n");
        exit(1);
    }
    b->mem[b->nmem++] = p;
    return p;
}

static inline char *ob_str(ob *b, const char *s) {
    char *d = ob_alloc(b, strlen(s) + 1);
    strcpy(d, s);
    return d;
}

/* A fresh tensor name "prefix_N". */
static inline const char *ob_name(ob *b, const char *prefix) {
    char tmp[96];
    snprintf(tmp, sizeof tmp, "%s_%d", prefix, b->counter++);
    return ob_str(b, tmp);
}

static inline void ob_init(ob *b, int64_t opset) {
    memset(b, 0, sizeof *b);
    Onnx__ModelProto m = ONNX__MODEL_PROTO__INIT;
    Onnx__GraphProto g = ONNX__GRAPH_PROTO__INIT;
    Onnx__OperatorSetIdProto o = ONNX__OPERATOR_SET_ID_PROTO__INIT;
    b->model = m;
    b->graph = g;
    b->opset = o;
    b->opset.has_version = 1;
    b->opset.version = opset;
    b->opset.domain = (char *)"";
    b->opsets[0] = &b->opset;
    b->model.has_ir_version = 1;
    b->model.ir_version = 7;
    b->model.n_opset_import = 1;
    b->model.opset_import = b->opsets;
    b->model.graph = &b->graph;
    b->graph.name = (char *)"test";
    b->graph.node = b->nodes;
    b->graph.initializer = b->inits;
    b->graph.input = b->ins;
    b->graph.output = b->outs;
}

static inline void ob_free(ob *b) {
    for (int i = 0; i < b->nmem; i++) free(b->mem[i]);
    b->nmem = 0;
}

static inline ob_val *ob_get(ob *b, const char *name) {
    for (int i = b->nvals - 1; i >= 0; i--)
        if (!strcmp(b->vals[i].name, name)) return &b->vals[i];
    fprintf(stderr, "onnxbuild: no value %s\n", name);
    exit(1);
}

static int64_t ob_count(const ob_val *v) {
    int64_t n = 1;
    for (int i = 0; i < v->rank; i++) n *= v->d[i];
    return n;
}

/* Register a host value (data copied; NULL data = zeros). */
static inline ob_val *ob_put(ob *b, const char *name, int rank, const int64_t *d, const float *data) {
    if (b->nvals >= OB_MAX) exit(1);
    ob_val *v = &b->vals[b->nvals++];
    snprintf(v->name, sizeof v->name, "%s", name);
    v->rank = rank;
    for (int i = 0; i < rank; i++) v->d[i] = d[i];
    v->f = ob_alloc(b, sizeof(float) * (size_t)ob_count(v));
    if (data) memcpy(v->f, data, sizeof(float) * (size_t)ob_count(v));
    return v;
}

static inline Onnx__ValueInfoProto *ob_valueinfo(ob *b, const char *name, int rank, const int64_t *d) {
    Onnx__ValueInfoProto *vi = ob_alloc(b, sizeof *vi);
    Onnx__ValueInfoProto v0 = ONNX__VALUE_INFO_PROTO__INIT;
    *vi = v0;
    vi->name = ob_str(b, name);
    Onnx__TypeProto *tp = ob_alloc(b, sizeof *tp);
    Onnx__TypeProto t0 = ONNX__TYPE_PROTO__INIT;
    *tp = t0;
    Onnx__TypeProto__Tensor *tt = ob_alloc(b, sizeof *tt);
    Onnx__TypeProto__Tensor tt0 = ONNX__TYPE_PROTO__TENSOR__INIT;
    *tt = tt0;
    tt->has_elem_type = 1;
    tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    if (rank > 0) {
        Onnx__TensorShapeProto *sh = ob_alloc(b, sizeof *sh);
        Onnx__TensorShapeProto s0 = ONNX__TENSOR_SHAPE_PROTO__INIT;
        *sh = s0;
        sh->n_dim = (size_t)rank;
        sh->dim = ob_alloc(b, sizeof(void *) * (size_t)rank);
        for (int i = 0; i < rank; i++) {
            Onnx__TensorShapeProto__Dimension *dm = ob_alloc(b, sizeof *dm);
            Onnx__TensorShapeProto__Dimension d0 = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
            *dm = d0;
            if (d[i] > 0) {
                dm->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
                dm->dim_value = d[i];
            } else {
                dm->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
                dm->dim_param = ob_str(b, "dyn");
            }
            sh->dim[i] = dm;
        }
        tt->shape = sh;
    }
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    vi->type = tp;
    return vi;
}

/* A graph input with declared dims (0 = dynamic) and the host value used by the test. */
static inline void ob_input(ob *b, const char *name, int rank, const int64_t *decl, const int64_t *d, const float *data) {
    b->ins[b->graph.n_input++] = ob_valueinfo(b, name, rank, decl);
    ob_put(b, name, rank, d, data);
}

static inline void ob_output(ob *b, const char *name) { b->outs[b->graph.n_output++] = ob_valueinfo(b, name, 0, NULL); }

static inline Onnx__TensorProto *ob_tensor_proto(ob *b, const char *name, int rank, const int64_t *d) {
    Onnx__TensorProto *t = ob_alloc(b, sizeof *t);
    Onnx__TensorProto t0 = ONNX__TENSOR_PROTO__INIT;
    *t = t0;
    t->name = ob_str(b, name);
    t->n_dims = (size_t)rank;
    t->dims = ob_alloc(b, sizeof(int64_t) * (size_t)(rank ? rank : 1));
    for (int i = 0; i < rank; i++) t->dims[i] = d[i];
    t->has_data_type = 1;
    return t;
}

static inline void ob_fill_float(ob *b, Onnx__TensorProto *t, const float *data, size_t n) {
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    if (b->raw_toggle++ & 1) {
        t->n_float_data = n;
        t->float_data = ob_alloc(b, sizeof(float) * n);
        memcpy(t->float_data, data, sizeof(float) * n);
    } else {
        t->has_raw_data = 1;
        t->raw_data.len = sizeof(float) * n;
        t->raw_data.data = ob_alloc(b, sizeof(float) * n);
        memcpy(t->raw_data.data, data, sizeof(float) * n);
    }
}

/* A float initializer (also registered as a host value). */
static inline const char *ob_weight(ob *b, const char *name, int rank, const int64_t *d, const float *data) {
    ob_val *v = ob_put(b, name, rank, d, data);
    Onnx__TensorProto *t = ob_tensor_proto(b, name, rank, d);
    ob_fill_float(b, t, v->f, (size_t)ob_count(v));
    b->inits[b->graph.n_initializer++] = t;
    return v->name;
}

/* An int64 initializer (shape / slice parameters). */
static inline const char *ob_ints(ob *b, const char *name, int n, const int64_t *vals) {
    int64_t d[1] = {n};
    Onnx__TensorProto *t = ob_tensor_proto(b, name, 1, d);
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
    t->n_int64_data = (size_t)n;
    t->int64_data = ob_alloc(b, sizeof(int64_t) * (size_t)(n ? n : 1));
    memcpy(t->int64_data, vals, sizeof(int64_t) * (size_t)n);
    b->inits[b->graph.n_initializer++] = t;
    return t->name;
}

/* Attributes. */
static inline Onnx__AttributeProto *ob_attr(ob *b, const char *name, Onnx__AttributeProto__AttributeType type) {
    Onnx__AttributeProto *a = ob_alloc(b, sizeof *a);
    Onnx__AttributeProto a0 = ONNX__ATTRIBUTE_PROTO__INIT;
    *a = a0;
    a->name = ob_str(b, name);
    a->has_type = 1;
    a->type = type;
    return a;
}
static inline Onnx__AttributeProto *ob_ai(ob *b, const char *name, int64_t v) {
    Onnx__AttributeProto *a = ob_attr(b, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = 1;
    a->i = v;
    return a;
}
static inline Onnx__AttributeProto *ob_af(ob *b, const char *name, float v) {
    Onnx__AttributeProto *a = ob_attr(b, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = 1;
    a->f = v;
    return a;
}
static inline Onnx__AttributeProto *ob_as(ob *b, const char *name, const char *v) {
    Onnx__AttributeProto *a = ob_attr(b, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    a->has_s = 1;
    a->s.len = strlen(v);
    a->s.data = (uint8_t *)ob_str(b, v);
    return a;
}
static inline Onnx__AttributeProto *ob_aints(ob *b, const char *name, int n, const int64_t *v) {
    Onnx__AttributeProto *a = ob_attr(b, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->n_ints = (size_t)n;
    a->ints = ob_alloc(b, sizeof(int64_t) * (size_t)(n ? n : 1));
    memcpy(a->ints, v, sizeof(int64_t) * (size_t)n);
    return a;
}
static inline Onnx__AttributeProto *ob_atensor(ob *b, const char *name, Onnx__TensorProto *t) {
    Onnx__AttributeProto *a = ob_attr(b, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    a->t = t;
    return a;
}

/* A node: inputs as a NULL-terminated list of names ("" = absent), one output,
 * attributes as a NULL-terminated list. */
static inline Onnx__NodeProto *ob_node(ob *b, const char *op, const char *const *inputs, const char *out,
                                Onnx__AttributeProto *const *attrs) {
    Onnx__NodeProto *n = ob_alloc(b, sizeof *n);
    Onnx__NodeProto n0 = ONNX__NODE_PROTO__INIT;
    *n = n0;
    n->op_type = ob_str(b, op);
    char nm[96];
    snprintf(nm, sizeof nm, "%s_node_%d", op, b->counter++);
    n->name = ob_str(b, nm);
    size_t ni = 0;
    while (inputs && inputs[ni]) ni++;
    n->n_input = ni;
    n->input = ob_alloc(b, sizeof(char *) * (ni ? ni : 1));
    for (size_t i = 0; i < ni; i++) n->input[i] = ob_str(b, inputs[i]);
    n->n_output = 1;
    n->output = ob_alloc(b, sizeof(char *));
    n->output[0] = ob_str(b, out);
    size_t na = 0;
    while (attrs && attrs[na]) na++;
    n->n_attribute = na;
    n->attribute = ob_alloc(b, sizeof(void *) * (na ? na : 1));
    for (size_t i = 0; i < na; i++) n->attribute[i] = attrs[i];
    b->nodes[b->graph.n_node++] = n;
    return n;
}

/* Serialize; the buffer is malloc'ed (free it). */
static uint8_t *ob_pack(ob *b, size_t *size) {
    *size = onnx__model_proto__get_packed_size(&b->model);
    uint8_t *buf = malloc(*size ? *size : 1);
    onnx__model_proto__pack(&b->model, buf);
    return buf;
}

#endif
