/* ONNX -> graph IR. Every op handler checks the attributes it is given: an
 * attribute it does not know, or a value it cannot honour, is an
 * SIAMCL_ERR_UNSUPPORTED error naming the op, the node and the file. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "onnx.pb-c.h"
#include "onnx/onnx.h"

/* ---- protobuf-c allocations go through scl_malloc (failing-allocator hook) ---- */
typedef struct pb_state { int failed; } pb_state;
static void *pb_alloc(void *ud, size_t n) {
    void *p = scl_malloc(n);
    if (!p) ((pb_state *)ud)->failed = 1;
    return p;
}
static void pb_free(void *ud, void *p) {
    (void)ud;
    scl_free(p);
}

typedef struct imp {
    scl_graph *g;
    const char *file;
    int64_t opset;
    const Onnx__NodeProto *node; /* node being converted */
} imp;

#define NODE_NAME(n) ((n)->name && *(n)->name ? (n)->name : ((n)->n_output ? (n)->output[0] : "?"))

static siamcl_status unsupported(const imp *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static siamcl_status unsupported(const imp *c, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!c->node) return scl_fail(SIAMCL_ERR_UNSUPPORTED, "%s: %s", c->file, msg);
    return scl_fail(SIAMCL_ERR_UNSUPPORTED, "%s: node '%.128s' (%.64s): %s", c->file, NODE_NAME(c->node),
                    c->node->op_type, msg);
}

static siamcl_status malformed(const imp *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static siamcl_status malformed(const imp *c, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->node)
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: node '%.128s' (%.64s): %s", c->file, NODE_NAME(c->node), c->node->op_type,
                        msg);
    return scl_fail(SIAMCL_ERR_FORMAT, "%s: %s", c->file, msg);
}

/* ---- attributes ---- */
static const Onnx__AttributeProto *attr(const imp *c, const char *name) {
    for (size_t i = 0; i < c->node->n_attribute; i++)
        if (c->node->attribute[i]->name && !strcmp(c->node->attribute[i]->name, name)) return c->node->attribute[i];
    return NULL;
}

/* Every attribute of the node must be in the NULL-terminated list. */
static siamcl_status attrs_known(const imp *c, const char *const *known) {
    for (size_t i = 0; i < c->node->n_attribute; i++) {
        const char *nm = c->node->attribute[i]->name ? c->node->attribute[i]->name : "";
        int ok = 0;
        for (const char *const *k = known; *k && !ok; k++) ok = !strcmp(*k, nm);
        if (!ok) return unsupported(c, "attribute '%s' is not supported", nm);
    }
    return SIAMCL_OK;
}

static siamcl_status attr_int(const imp *c, const char *name, int64_t def, int64_t *out) {
    const Onnx__AttributeProto *a = attr(c, name);
    *out = def;
    if (!a) return SIAMCL_OK;
    if (!(a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT ||
          (a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED && a->has_i)))
        return malformed(c, "attribute '%s' must be an integer", name);
    *out = a->i;
    return SIAMCL_OK;
}

static siamcl_status attr_float(const imp *c, const char *name, float def, float *out) {
    const Onnx__AttributeProto *a = attr(c, name);
    *out = def;
    if (!a) return SIAMCL_OK;
    if (!(a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT ||
          (a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED && a->has_f)))
        return malformed(c, "attribute '%s' must be a float", name);
    *out = a->f;
    return SIAMCL_OK;
}

/* ints attribute: *n = -1 if absent; more than cap entries is unsupported. */
static siamcl_status attr_ints(const imp *c, const char *name, int64_t *vals, int cap, int *n) {
    const Onnx__AttributeProto *a = attr(c, name);
    *n = -1;
    if (!a) return SIAMCL_OK;
    if (!(a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS ||
          (a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED && a->n_ints > 0)))
        return malformed(c, "attribute '%s' must be a list of integers", name);
    if (a->n_ints > (size_t)cap) return unsupported(c, "attribute '%s' has %zu entries (at most %d)", name, a->n_ints, cap);
    for (size_t i = 0; i < a->n_ints; i++) vals[i] = a->ints[i];
    *n = (int)a->n_ints;
    return SIAMCL_OK;
}

static siamcl_status attr_autopad(const imp *c, scl_autopad *out) {
    const Onnx__AttributeProto *a = attr(c, "auto_pad");
    *out = SCL_PAD_NOTSET;
    if (!a) return SIAMCL_OK;
    char s[32] = "";
    if (a->has_s) snprintf(s, sizeof s, "%.*s", (int)(a->s.len < 31 ? a->s.len : 31), (const char *)a->s.data);
    if (!strcmp(s, "NOTSET") || !s[0]) *out = SCL_PAD_NOTSET;
    else if (!strcmp(s, "VALID")) *out = SCL_PAD_VALID;
    else if (!strcmp(s, "SAME_UPPER")) *out = SCL_PAD_SAME_UPPER;
    else if (!strcmp(s, "SAME_LOWER")) *out = SCL_PAD_SAME_LOWER;
    else return unsupported(c, "auto_pad '%s'", s);
    return SIAMCL_OK;
}

static int fits_int(int64_t v) { return v >= 0 && v <= (1 << 24); }

/* kernel_shape / strides / dilations / pads of a 2-D window op. */
static siamcl_status window_attrs(const imp *c, int *kh, int *kw, int stride[2], int dil[2], int pad[4],
                                  scl_autopad *autopad) {
    int64_t v[8];
    int n;
    *kh = *kw = 0;
    SCL_TRY(attr_ints(c, "kernel_shape", v, 8, &n));
    if (n >= 0) {
        if (n != 2) return unsupported(c, "%d-D kernels (only 2-D)", n);
        if (!fits_int(v[0]) || !fits_int(v[1]) || v[0] < 1 || v[1] < 1) return malformed(c, "invalid kernel_shape");
        *kh = (int)v[0];
        *kw = (int)v[1];
    }
    stride[0] = stride[1] = 1;
    SCL_TRY(attr_ints(c, "strides", v, 8, &n));
    if (n >= 0) {
        if (n != 2) return unsupported(c, "%d strides (only 2-D)", n);
        if (v[0] < 1 || v[1] < 1 || !fits_int(v[0]) || !fits_int(v[1])) return malformed(c, "invalid strides");
        stride[0] = (int)v[0];
        stride[1] = (int)v[1];
    }
    if (dil) {
        dil[0] = dil[1] = 1;
        SCL_TRY(attr_ints(c, "dilations", v, 8, &n));
        if (n >= 0) {
            if (n != 2) return unsupported(c, "%d dilations (only 2-D)", n);
            if (v[0] < 1 || v[1] < 1 || !fits_int(v[0]) || !fits_int(v[1])) return malformed(c, "invalid dilations");
            dil[0] = (int)v[0];
            dil[1] = (int)v[1];
        }
    }
    memset(pad, 0, sizeof(int) * 4);
    SCL_TRY(attr_ints(c, "pads", v, 8, &n));
    if (n >= 0) {
        if (n != 4) return unsupported(c, "%d pads (only 2-D)", n);
        for (int i = 0; i < 4; i++)
            if (!fits_int(v[i])) return unsupported(c, "pad %lld", (long long)v[i]);
        /* ONNX order: x1_begin, x2_begin, x1_end, x2_end = top, left, bottom, right */
        for (int i = 0; i < 4; i++) pad[i] = (int)v[i];
    }
    SCL_TRY(attr_autopad(c, autopad));
    if (*autopad != SCL_PAD_NOTSET && n >= 0 && (pad[0] || pad[1] || pad[2] || pad[3]))
        return malformed(c, "both auto_pad and pads given");
    return SIAMCL_OK;
}

/* ---- tensors ---- */
static const char *dtype_name(int t) {
    switch (t) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: return "float32";
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8: return "uint8";
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT8: return "int8";
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: return "int32";
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: return "int64";
    case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL: return "bool";
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16: return "float16";
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: return "float64";
    case ONNX__TENSOR_PROTO__DATA_TYPE__STRING: return "string";
    default: return "an unhandled type";
    }
}

/* Convert a TensorProto to a graph constant named `name`. */
static siamcl_status add_tensor(imp *c, const Onnx__TensorProto *t, const char *name, int *idx) {
    if (t->n_dims > SCL_MAX_RANK)
        return scl_fail(SIAMCL_ERR_UNSUPPORTED, "%s: tensor '%s' has rank %zu (at most %d)", c->file, name, t->n_dims,
                        SCL_MAX_RANK);
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return scl_fail(SIAMCL_ERR_UNSUPPORTED, "%s: tensor '%s' keeps its data in an external file", c->file, name);
    scl_dims d = {(int)t->n_dims, {0}};
    int64_t count = 1;
    for (size_t i = 0; i < t->n_dims; i++) {
        if (t->dims[i] < 0 || t->dims[i] > (1 << 30))
            return scl_fail(SIAMCL_ERR_FORMAT, "%s: tensor '%s' has an invalid dimension %lld", c->file, name,
                            (long long)t->dims[i]);
        d.d[i] = t->dims[i];
        count *= t->dims[i];
        if (count > ((int64_t)1 << 31))
            return scl_fail(SIAMCL_ERR_FORMAT, "%s: tensor '%s' is too large", c->file, name);
    }
    if (count == 0)
        return scl_fail(SIAMCL_ERR_UNSUPPORTED, "%s: tensor '%s' is empty", c->file, name);
    int type = t->has_data_type ? t->data_type : 0;
    size_t raw = t->has_raw_data ? t->raw_data.len : 0;
    const uint8_t *rp = t->has_raw_data ? t->raw_data.data : NULL;
    float *f = NULL;
    int64_t *iv = NULL;
    scl_dtype dt;
    size_t esz;
    size_t have;
    switch (type) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: dt = SCL_DT_F32; esz = 4; have = t->n_float_data; break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: dt = SCL_DT_F32; esz = 8; have = t->n_double_data; break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: dt = SCL_DT_I64; esz = 8; have = t->n_int64_data; break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: dt = SCL_DT_I64; esz = 4; have = t->n_int32_data; break;
    default:
        return scl_fail(SIAMCL_ERR_UNSUPPORTED, "%s: tensor '%s' has data type %s (float32/64, int32/64 only)",
                        c->file, name, dtype_name(type));
    }
    if (raw ? raw != (size_t)count * esz : have != (size_t)count)
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: tensor '%s' holds %zu %s of data for %lld elements", c->file, name,
                        raw ? raw : have, raw ? "bytes" : "values", (long long)count);
    if (dt == SCL_DT_F32) f = scl_malloc(sizeof(float) * (size_t)count);
    else iv = scl_malloc(sizeof(int64_t) * (size_t)count);
    if (!f && !iv) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory reading '%s'", c->file, name);
    for (int64_t k = 0; k < count; k++) {
        switch (type) { /* raw data is little-endian */
        case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
            if (raw) memcpy(&f[k], rp + 4 * k, 4);
            else f[k] = t->float_data[k];
            break;
        case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: {
            double x;
            if (raw) memcpy(&x, rp + 8 * k, 8);
            else x = t->double_data[k];
            f[k] = (float)x;
            break;
        }
        case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
            if (raw) memcpy(&iv[k], rp + 8 * k, 8);
            else iv[k] = t->int64_data[k];
            break;
        default: {
            int32_t x;
            if (raw) memcpy(&x, rp + 4 * k, 4);
            else x = t->int32_data[k];
            iv[k] = x;
            break;
        }
        }
    }
    if (f) { /* a trained network never holds these: say so, the outputs will show it */
        int64_t bad = 0;
        for (int64_t k = 0; k < count; k++) bad += !isfinite(f[k]);
        if (bad)
            scl_log(SIAMCL_LOG_WARN, "%s: initializer '%.128s' holds %lld NaN or infinite values of %lld", c->file,
                    name, (long long)bad, (long long)count);
    }
    return scl_graph_add_value(c->g, name, SCL_V_CONST, dt, &d, f, iv, idx);
}

static int value_of(const imp *c, const char *name) { return name && *name ? scl_graph_find(c->g, name) : -1; }

/* Input k of the current node as a constant (NULL if absent; error if not constant). */
static siamcl_status const_input(const imp *c, int k, const scl_value **out) {
    *out = NULL;
    if ((size_t)k >= c->node->n_input || !c->node->input[k][0]) return SIAMCL_OK;
    int v = value_of(c, c->node->input[k]);
    if (v < 0) return malformed(c, "input '%s' is not defined", c->node->input[k]);
    if (c->g->vals[v].kind != SCL_V_CONST)
        return unsupported(c, "input %d ('%s') must be a constant (computed values are not supported here)", k,
                           c->node->input[k]);
    *out = &c->g->vals[v];
    return SIAMCL_OK;
}

static siamcl_status const_ints(const imp *c, int k, int64_t *vals, int cap, int *n) {
    const scl_value *v;
    SCL_TRY(const_input(c, k, &v));
    *n = -1;
    if (!v) return SIAMCL_OK;
    if (v->dtype != SCL_DT_I64) return malformed(c, "input %d must hold integers", k);
    int64_t cnt = scl_dims_count(&v->dims);
    if (v->dims.rank > 1 || cnt > cap) return unsupported(c, "input %d has %lld entries (at most %d)", k, (long long)cnt, cap);
    for (int64_t i = 0; i < cnt; i++) vals[i] = v->i[i];
    *n = (int)cnt;
    return SIAMCL_OK;
}

static siamcl_status const_scalar(const imp *c, int k, float def, float *out) {
    const scl_value *v;
    SCL_TRY(const_input(c, k, &v));
    *out = def;
    if (!v) return SIAMCL_OK;
    if (scl_dims_count(&v->dims) != 1) return malformed(c, "input %d must be a scalar", k);
    *out = v->dtype == SCL_DT_F32 ? v->f[0] : (float)v->i[0];
    return SIAMCL_OK;
}

/* Data inputs [first, first+count) of the node as value indices. */
static siamcl_status data_inputs(const imp *c, int first, int count, int *in, int min_required) {
    for (int k = 0; k < count; k++) {
        in[k] = -1;
        size_t src = (size_t)(first + k);
        if (src >= c->node->n_input || !c->node->input[src][0]) {
            if (k < min_required) return malformed(c, "input %d is missing", first + k);
            continue;
        }
        in[k] = value_of(c, c->node->input[src]);
        if (in[k] < 0) return malformed(c, "input '%s' is not defined", c->node->input[src]);
    }
    return SIAMCL_OK;
}

static siamcl_status add_node(imp *c, scl_gop op, const int *in, int nin, scl_node **out) {
    int y = value_of(c, c->node->output[0]);
    int idx;
    SCL_TRY(scl_graph_add_node(c->g, op, NODE_NAME(c->node), in, nin, y, &idx));
    *out = &c->g->nodes[idx];
    return SIAMCL_OK;
}

/* ---- op handlers ---- */
static siamcl_status op_conv(imp *c) {
    static const char *const known[] = {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides", NULL};
    SCL_TRY(attrs_known(c, known));
    scl_conv_attr a;
    memset(&a, 0, sizeof a);
    SCL_TRY(window_attrs(c, &a.kh, &a.kw, a.stride, a.dil, a.pad, &a.autopad));
    int64_t grp;
    SCL_TRY(attr_int(c, "group", 1, &grp));
    if (grp < 1 || grp > (1 << 20)) return malformed(c, "group %lld", (long long)grp);
    a.group = (int)grp;
    int in[3];
    SCL_TRY(data_inputs(c, 0, 3, in, 2));
    const scl_value *b = in[2] >= 0 ? &c->g->vals[in[2]] : NULL;
    if (b && b->kind == SCL_V_CONST && b->dtype != SCL_DT_F32) return malformed(c, "bias must be float");
    scl_node *n;
    SCL_TRY(add_node(c, SCL_GOP_CONV, in, in[2] >= 0 ? 3 : 2, &n));
    n->a.conv = a;
    return SIAMCL_OK;
}

static siamcl_status op_bn(imp *c) {
    static const char *const known[] = {"epsilon", "momentum", "spatial", "training_mode", NULL};
    SCL_TRY(attrs_known(c, known));
    float eps, momentum;
    int64_t spatial, training;
    SCL_TRY(attr_float(c, "epsilon", 1e-5f, &eps));
    SCL_TRY(attr_float(c, "momentum", 0.9f, &momentum));
    SCL_TRY(attr_int(c, "spatial", 1, &spatial));
    SCL_TRY(attr_int(c, "training_mode", 0, &training));
    if (spatial != 1) return unsupported(c, "spatial=%lld", (long long)spatial);
    if (training != 0) return unsupported(c, "training_mode=%lld", (long long)training);
    for (size_t k = 1; k < c->node->n_output; k++)
        if (c->node->output[k][0]) return unsupported(c, "training outputs (output %zu)", k);
    const scl_value *p[4];
    int orig[4];
    for (int k = 0; k < 4; k++) {
        SCL_TRY(const_input(c, k + 1, &p[k]));
        if (!p[k]) return malformed(c, "input %d is missing", k + 1);
        if (p[k]->dtype != SCL_DT_F32) return malformed(c, "input %d must be float", k + 1);
        orig[k] = (int)(p[k] - c->g->vals);
    }
    if (!(eps > 0) || !(momentum >= 0 && momentum <= 1))
        return malformed(c, "epsilon %g must be > 0 and momentum %g in [0, 1]", eps, momentum);
    int64_t ch = scl_dims_count(&p[0]->dims);
    for (int k = 1; k < 4; k++)
        if (scl_dims_count(&p[k]->dims) != ch) return malformed(c, "scale, bias, mean and var differ in size");
    int in[3];
    SCL_TRY(data_inputs(c, 0, 1, in, 1));
    float *s = scl_malloc(sizeof(float) * (size_t)ch), *t = scl_malloc(sizeof(float) * (size_t)ch);
    if (!s || !t) {
        scl_free(s);
        scl_free(t);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", c->file);
    }
    /* y = gamma (x - mean) / sqrt(var + eps) + beta = x * s + t */
    for (int64_t i = 0; i < ch; i++) {
        double sc = (double)p[0]->f[i] / sqrt((double)p[3]->f[i] + (double)eps);
        s[i] = (float)sc;
        t[i] = (float)((double)p[1]->f[i] - (double)p[2]->f[i] * sc);
    }
    scl_dims d = {1, {ch}};
    char nm[512];
    snprintf(nm, sizeof nm, "%s/bn_scale", NODE_NAME(c->node));
    siamcl_status st = scl_graph_add_value(c->g, nm, SCL_V_CONST, SCL_DT_F32, &d, s, NULL, &in[1]);
    if (st != SIAMCL_OK) {
        scl_free(t);
        return st;
    }
    snprintf(nm, sizeof nm, "%s/bn_shift", NODE_NAME(c->node));
    SCL_TRY(scl_graph_add_value(c->g, nm, SCL_V_CONST, SCL_DT_F32, &d, t, NULL, &in[2]));
    scl_node *n;
    SCL_TRY(add_node(c, SCL_GOP_BN, in, 3, &n));
    n->a.bn.eps = eps;
    n->a.bn.momentum = momentum;
    n->a.bn.gamma = orig[0], n->a.bn.beta = orig[1], n->a.bn.mean = orig[2], n->a.bn.var = orig[3];
    return SIAMCL_OK;
}

static siamcl_status op_unary(imp *c, scl_gop op) {
    static const char *const none[] = {NULL};
    static const char *const hs[] = {"alpha", "beta", NULL};
    SCL_TRY(attrs_known(c, op == SCL_GOP_HARDSIGMOID ? hs : none));
    int in[1];
    SCL_TRY(data_inputs(c, 0, 1, in, 1));
    scl_node *n;
    float a = 0, b = 0;
    if (op == SCL_GOP_HARDSIGMOID) {
        SCL_TRY(attr_float(c, "alpha", 0.2f, &a));
        SCL_TRY(attr_float(c, "beta", 0.5f, &b));
    }
    SCL_TRY(add_node(c, op, in, 1, &n));
    n->a.act.a = a;
    n->a.act.b = b;
    return SIAMCL_OK;
}

static siamcl_status op_clip(imp *c) {
    float lo = -FLT_MAX, hi = FLT_MAX;
    if (c->opset < 11) {
        static const char *const known[] = {"min", "max", NULL};
        SCL_TRY(attrs_known(c, known));
        SCL_TRY(attr_float(c, "min", -FLT_MAX, &lo));
        SCL_TRY(attr_float(c, "max", FLT_MAX, &hi));
    } else {
        static const char *const none[] = {NULL};
        SCL_TRY(attrs_known(c, none));
        SCL_TRY(const_scalar(c, 1, -FLT_MAX, &lo));
        SCL_TRY(const_scalar(c, 2, FLT_MAX, &hi));
    }
    int in[1];
    SCL_TRY(data_inputs(c, 0, 1, in, 1));
    scl_node *n;
    SCL_TRY(add_node(c, SCL_GOP_CLIP, in, 1, &n));
    n->a.act.a = lo;
    n->a.act.b = hi;
    return SIAMCL_OK;
}

static siamcl_status op_binary(imp *c, scl_gop op) {
    static const char *const none[] = {NULL};
    SCL_TRY(attrs_known(c, none)); /* legacy broadcast/axis attributes (opset < 7) are not handled */
    int in[2];
    SCL_TRY(data_inputs(c, 0, 2, in, 2));
    for (int k = 0; k < 2; k++)
        if (c->g->vals[in[k]].kind == SCL_V_CONST && c->g->vals[in[k]].dtype != SCL_DT_F32)
            return unsupported(c, "integer operand '%s'", c->g->vals[in[k]].name);
    scl_node *n;
    return add_node(c, op, in, 2, &n);
}

static siamcl_status op_gap(imp *c) {
    static const char *const none[] = {NULL};
    SCL_TRY(attrs_known(c, none));
    int in[1];
    SCL_TRY(data_inputs(c, 0, 1, in, 1));
    scl_node *n;
    return add_node(c, SCL_GOP_GAP, in, 1, &n);
}

static siamcl_status op_maxpool(imp *c) {
    static const char *const known[] = {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads",
                                        "storage_order", "strides", NULL};
    SCL_TRY(attrs_known(c, known));
    for (size_t k = 1; k < c->node->n_output; k++)
        if (c->node->output[k][0]) return unsupported(c, "the Indices output");
    scl_pool_attr a;
    memset(&a, 0, sizeof a);
    int dil[2];
    SCL_TRY(window_attrs(c, &a.kh, &a.kw, a.stride, dil, a.pad, &a.autopad));
    if (!a.kh) return malformed(c, "kernel_shape is required");
    if (dil[0] != 1 || dil[1] != 1) return unsupported(c, "dilations %dx%d", dil[0], dil[1]);
    int64_t ceil_mode;
    SCL_TRY(attr_int(c, "ceil_mode", 0, &ceil_mode));
    if (ceil_mode != 0 && ceil_mode != 1) return malformed(c, "ceil_mode %lld", (long long)ceil_mode);
    a.ceil_mode = (int)ceil_mode;
    if (a.pad[0] >= a.kh || a.pad[2] >= a.kh || a.pad[1] >= a.kw || a.pad[3] >= a.kw)
        return malformed(c, "pads must be smaller than the window");
    int in[1];
    SCL_TRY(data_inputs(c, 0, 1, in, 1));
    scl_node *n;
    SCL_TRY(add_node(c, SCL_GOP_MAXPOOL, in, 1, &n));
    n->a.pool = a;
    return SIAMCL_OK;
}

/* Gemm(A, B, C) = alpha op(A) op(B) + beta C -> Gemm(A, B) then Add(., beta C):
 * the bias add runs as a broadcasting binary op, where an activation can fuse. */
static siamcl_status op_gemm(imp *c) {
    static const char *const known[] = {"alpha", "beta", "transA", "transB", "broadcast", NULL};
    SCL_TRY(attrs_known(c, known));
    float alpha, beta;
    int64_t ta, tb, bc;
    SCL_TRY(attr_float(c, "alpha", 1.0f, &alpha));
    SCL_TRY(attr_float(c, "beta", 1.0f, &beta));
    SCL_TRY(attr_int(c, "transA", 0, &ta));
    SCL_TRY(attr_int(c, "transB", 0, &tb));
    SCL_TRY(attr_int(c, "broadcast", 1, &bc));
    if ((ta != 0 && ta != 1) || (tb != 0 && tb != 1)) return malformed(c, "transA/transB must be 0 or 1");
    int in[3];
    SCL_TRY(data_inputs(c, 0, 3, in, 2));
    int cv = beta != 0.0f ? in[2] : -1;
    int y = value_of(c, c->node->output[0]);
    int mid = y;
    if (cv >= 0) {
        const scl_value *cc = &c->g->vals[cv];
        if (beta != 1.0f) {
            if (cc->kind != SCL_V_CONST) return unsupported(c, "beta %g with a computed C", beta);
            if (cc->dtype != SCL_DT_F32) return malformed(c, "C must be float");
            int64_t cnt = scl_dims_count(&cc->dims);
            float *sc = scl_malloc(sizeof(float) * (size_t)cnt);
            if (!sc) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", c->file);
            for (int64_t i = 0; i < cnt; i++) sc[i] = beta * cc->f[i];
            scl_dims d = cc->dims;
            char nm[512];
            snprintf(nm, sizeof nm, "%s/beta_C", NODE_NAME(c->node));
            SCL_TRY(scl_graph_add_value(c->g, nm, SCL_V_CONST, SCL_DT_F32, &d, sc, NULL, &cv));
        }
        char nm[512];
        snprintf(nm, sizeof nm, "%s/AB", c->node->output[0]);
        SCL_TRY(scl_graph_add_value(c->g, nm, SCL_V_ACT, SCL_DT_F32, NULL, NULL, NULL, &mid));
    }
    int idx;
    SCL_TRY(scl_graph_add_node(c->g, SCL_GOP_GEMM, NODE_NAME(c->node), in, 2, mid, &idx));
    c->g->nodes[idx].a.gemm.alpha = alpha;
    c->g->nodes[idx].a.gemm.trans_a = (int)ta;
    c->g->nodes[idx].a.gemm.trans_b = (int)tb;
    if (cv >= 0) {
        char nm[512];
        snprintf(nm, sizeof nm, "%s/bias", NODE_NAME(c->node));
        int add_in[2] = {mid, cv};
        SCL_TRY(scl_graph_add_node(c->g, SCL_GOP_ADD, nm, add_in, 2, y, &idx));
    }
    return SIAMCL_OK;
}

static siamcl_status op_matmul(imp *c) {
    static const char *const none[] = {NULL};
    SCL_TRY(attrs_known(c, none));
    int in[2];
    SCL_TRY(data_inputs(c, 0, 2, in, 2));
    scl_node *n;
    return add_node(c, SCL_GOP_MATMUL, in, 2, &n);
}

static siamcl_status op_reshape(imp *c, int mode) {
    int in[1];
    SCL_TRY(data_inputs(c, 0, 1, in, 1));
    int64_t shape[SCL_MAX_RANK];
    int n = 0;
    int64_t allowzero = 0, axis = 1;
    if (mode == SCL_RESHAPE) {
        if (c->opset < 5) {
            static const char *const known[] = {"shape", NULL};
            SCL_TRY(attrs_known(c, known));
            SCL_TRY(attr_ints(c, "shape", shape, SCL_MAX_RANK, &n));
        } else {
            static const char *const known[] = {"allowzero", NULL};
            SCL_TRY(attrs_known(c, known));
            SCL_TRY(attr_int(c, "allowzero", 0, &allowzero));
            SCL_TRY(const_ints(c, 1, shape, SCL_MAX_RANK, &n));
        }
        if (n < 0) return malformed(c, "the target shape is missing");
        if (n == 0) return unsupported(c, "reshape to a scalar");
    } else if (mode == SCL_FLATTEN) {
        static const char *const known[] = {"axis", NULL};
        SCL_TRY(attrs_known(c, known));
        SCL_TRY(attr_int(c, "axis", 1, &axis));
        if (axis < -SCL_MAX_RANK || axis > SCL_MAX_RANK) return malformed(c, "axis %lld", (long long)axis);
    } else {
        static const char *const none[] = {NULL};
        SCL_TRY(attrs_known(c, none));
    }
    scl_node *nd;
    SCL_TRY(add_node(c, SCL_GOP_RESHAPE, in, 1, &nd));
    nd->a.reshape.mode = mode;
    nd->a.reshape.n = n;
    memcpy(nd->a.reshape.shape, shape, sizeof(int64_t) * (size_t)n);
    nd->a.reshape.allowzero = (int)allowzero;
    nd->a.reshape.axis = (int)axis;
    return SIAMCL_OK;
}

static siamcl_status op_transpose(imp *c) {
    static const char *const known[] = {"perm", NULL};
    SCL_TRY(attrs_known(c, known));
    int64_t perm[SCL_MAX_RANK];
    int n;
    SCL_TRY(attr_ints(c, "perm", perm, SCL_MAX_RANK, &n));
    int in[1];
    SCL_TRY(data_inputs(c, 0, 1, in, 1));
    scl_node *nd;
    SCL_TRY(add_node(c, SCL_GOP_TRANSPOSE, in, 1, &nd));
    nd->a.transpose.n = n < 0 ? 0 : n;
    for (int i = 0; i < n; i++) {
        if (perm[i] < 0 || perm[i] >= SCL_MAX_RANK) return malformed(c, "perm entry %lld", (long long)perm[i]);
        nd->a.transpose.perm[i] = (int)perm[i];
    }
    return SIAMCL_OK;
}

static siamcl_status op_slice(imp *c) {
    int64_t st[SCL_MAX_RANK], en[SCL_MAX_RANK], ax[SCL_MAX_RANK], sp[SCL_MAX_RANK];
    int ns, ne, na, np = -1;
    if (c->opset < 10) {
        static const char *const known[] = {"starts", "ends", "axes", NULL};
        SCL_TRY(attrs_known(c, known));
        SCL_TRY(attr_ints(c, "starts", st, SCL_MAX_RANK, &ns));
        SCL_TRY(attr_ints(c, "ends", en, SCL_MAX_RANK, &ne));
        SCL_TRY(attr_ints(c, "axes", ax, SCL_MAX_RANK, &na));
    } else {
        static const char *const none[] = {NULL};
        SCL_TRY(attrs_known(c, none));
        SCL_TRY(const_ints(c, 1, st, SCL_MAX_RANK, &ns));
        SCL_TRY(const_ints(c, 2, en, SCL_MAX_RANK, &ne));
        SCL_TRY(const_ints(c, 3, ax, SCL_MAX_RANK, &na));
        SCL_TRY(const_ints(c, 4, sp, SCL_MAX_RANK, &np));
    }
    if (ns < 0 || ne < 0 || ns != ne) return malformed(c, "starts and ends missing or of different length");
    if ((na >= 0 && na != ns) || (np >= 0 && np != ns)) return malformed(c, "axes/steps length differs from starts");
    for (int i = 0; i < ns; i++) {
        if (na < 0) ax[i] = i;
        if (np < 0) sp[i] = 1;
        if (sp[i] <= 0) return unsupported(c, "step %lld (only positive steps)", (long long)sp[i]);
    }
    int in[1];
    SCL_TRY(data_inputs(c, 0, 1, in, 1));
    scl_node *nd;
    SCL_TRY(add_node(c, SCL_GOP_SLICE, in, 1, &nd));
    nd->a.slice.n = ns;
    memcpy(nd->a.slice.starts, st, sizeof(int64_t) * (size_t)ns);
    memcpy(nd->a.slice.ends, en, sizeof(int64_t) * (size_t)ns);
    memcpy(nd->a.slice.axes, ax, sizeof(int64_t) * (size_t)ns);
    memcpy(nd->a.slice.steps, sp, sizeof(int64_t) * (size_t)ns);
    return SIAMCL_OK;
}

static siamcl_status op_concat(imp *c) {
    static const char *const known[] = {"axis", NULL};
    SCL_TRY(attrs_known(c, known));
    if (!attr(c, "axis")) return malformed(c, "axis is required");
    int64_t axis;
    SCL_TRY(attr_int(c, "axis", 1, &axis));
    if (axis < -SCL_MAX_RANK || axis >= SCL_MAX_RANK) return unsupported(c, "axis %lld", (long long)axis);
    int nin = (int)c->node->n_input;
    if (nin < 1 || nin > 64) return unsupported(c, "%d inputs", nin);
    int in[64];
    SCL_TRY(data_inputs(c, 0, nin, in, nin));
    for (int k = 0; k < nin; k++)
        if (c->g->vals[in[k]].kind == SCL_V_CONST && c->g->vals[in[k]].dtype != SCL_DT_F32)
            return unsupported(c, "integer input '%s'", c->g->vals[in[k]].name);
    scl_node *nd;
    SCL_TRY(add_node(c, SCL_GOP_CONCAT, in, nin, &nd));
    nd->a.concat.axis = (int)axis;
    return SIAMCL_OK;
}

/* Constant: becomes a graph constant under the node's output name. */
static siamcl_status op_constant(imp *c) {
    if (c->node->n_attribute != 1) return unsupported(c, "%zu attributes (exactly one expected)", c->node->n_attribute);
    const Onnx__AttributeProto *a = c->node->attribute[0];
    const char *nm = a->name ? a->name : "";
    const char *out = c->node->output[0];
    int idx;
    if (!strcmp(nm, "value")) {
        if (!a->t) return malformed(c, "'value' holds no tensor");
        return add_tensor(c, a->t, out, &idx);
    }
    if (!strcmp(nm, "value_float") || !strcmp(nm, "value_floats")) {
        int one = !strcmp(nm, "value_float");
        size_t n = one ? 1 : a->n_floats;
        if (n == 0) return unsupported(c, "an empty constant");
        float *f = scl_malloc(sizeof(float) * n);
        if (!f) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", c->file);
        for (size_t i = 0; i < n; i++) f[i] = one ? a->f : a->floats[i];
        scl_dims d = {one ? 0 : 1, {(int64_t)n}};
        return scl_graph_add_value(c->g, out, SCL_V_CONST, SCL_DT_F32, &d, f, NULL, &idx);
    }
    if (!strcmp(nm, "value_int") || !strcmp(nm, "value_ints")) {
        int one = !strcmp(nm, "value_int");
        size_t n = one ? 1 : a->n_ints;
        if (n == 0) return unsupported(c, "an empty constant");
        int64_t *iv = scl_malloc(sizeof(int64_t) * n);
        if (!iv) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", c->file);
        for (size_t i = 0; i < n; i++) iv[i] = one ? a->i : a->ints[i];
        scl_dims d = {one ? 0 : 1, {(int64_t)n}};
        return scl_graph_add_value(c->g, out, SCL_V_CONST, SCL_DT_I64, &d, NULL, iv, &idx);
    }
    return unsupported(c, "attribute '%s'", nm);
}

enum { K_CONV, K_BN, K_UNARY, K_CLIP, K_BINARY, K_GAP, K_MAXPOOL, K_GEMM, K_MATMUL, K_RESHAPE, K_FLATTEN,
       K_IDENTITY, K_TRANSPOSE, K_SLICE, K_CONCAT, K_CONSTANT };

static const struct {
    const char *name;
    int kind;
    scl_gop op;
} ops[] = {
    {"Conv", K_CONV, SCL_GOP_CONV},
    {"BatchNormalization", K_BN, SCL_GOP_BN},
    {"Relu", K_UNARY, SCL_GOP_RELU},
    {"HardSwish", K_UNARY, SCL_GOP_HARDSWISH},
    {"HardSigmoid", K_UNARY, SCL_GOP_HARDSIGMOID},
    {"Sigmoid", K_UNARY, SCL_GOP_SIGMOID},
    {"Exp", K_UNARY, SCL_GOP_EXP},
    {"Clip", K_CLIP, SCL_GOP_CLIP},
    {"Add", K_BINARY, SCL_GOP_ADD},
    {"Sub", K_BINARY, SCL_GOP_SUB},
    {"Mul", K_BINARY, SCL_GOP_MUL},
    {"Div", K_BINARY, SCL_GOP_DIV},
    {"GlobalAveragePool", K_GAP, SCL_GOP_GAP},
    {"MaxPool", K_MAXPOOL, SCL_GOP_MAXPOOL},
    {"Gemm", K_GEMM, SCL_GOP_GEMM},
    {"MatMul", K_MATMUL, SCL_GOP_MATMUL},
    {"Reshape", K_RESHAPE, SCL_GOP_RESHAPE},
    {"Flatten", K_FLATTEN, SCL_GOP_RESHAPE},
    {"Identity", K_IDENTITY, SCL_GOP_RESHAPE},
    {"Transpose", K_TRANSPOSE, SCL_GOP_TRANSPOSE},
    {"Slice", K_SLICE, SCL_GOP_SLICE},
    {"Concat", K_CONCAT, SCL_GOP_CONCAT},
    {"Constant", K_CONSTANT, SCL_GOP_COUNT},
};

static int op_kind(const char *name, scl_gop *op) {
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(ops[i].name, name)) {
            *op = ops[i].op;
            return ops[i].kind;
        }
    return -1;
}

static siamcl_status convert_node(imp *c) {
    const Onnx__NodeProto *n = c->node;
    scl_gop op = SCL_GOP_COUNT;
    int kind = op_kind(n->op_type, &op);
    switch (kind) {
    case K_CONV: return op_conv(c);
    case K_BN: return op_bn(c);
    case K_UNARY: return op_unary(c, op);
    case K_CLIP: return op_clip(c);
    case K_BINARY: return op_binary(c, op);
    case K_GAP: return op_gap(c);
    case K_MAXPOOL: return op_maxpool(c);
    case K_GEMM: return op_gemm(c);
    case K_MATMUL: return op_matmul(c);
    case K_RESHAPE: return op_reshape(c, SCL_RESHAPE);
    case K_FLATTEN: return op_reshape(c, SCL_FLATTEN);
    case K_IDENTITY: return op_reshape(c, SCL_IDENTITY);
    case K_TRANSPOSE: return op_transpose(c);
    case K_SLICE: return op_slice(c);
    case K_CONCAT: return op_concat(c);
    case K_CONSTANT: return SIAMCL_OK; /* made in the first pass */
    default: return unsupported(c, "operator '%.64s' is not supported", n->op_type);
    }
}

static int is_default_domain(const char *d) { return !d || !*d || !strcmp(d, "ai.onnx"); }

static siamcl_status check_node(imp *c) {
    const Onnx__NodeProto *n = c->node;
    if (!n->op_type || !*n->op_type) return malformed(c, "a node has no op_type");
    if (!is_default_domain(n->domain))
        return scl_fail(SIAMCL_ERR_UNSUPPORTED, "%s: node '%.128s': operator '%.64s' of domain '%.64s' is not supported",
                        c->file, NODE_NAME(n), n->op_type, n->domain);
    if (n->n_output < 1 || !n->output[0][0]) return malformed(c, "the node has no output");
    scl_gop op;
    if (op_kind(n->op_type, &op) < 0)
        return scl_fail(SIAMCL_ERR_UNSUPPORTED, "%s: node '%.128s': operator '%.64s' is not supported", c->file,
                        NODE_NAME(n), n->op_type);
    return SIAMCL_OK;
}

static siamcl_status declared_dims(imp *c, const Onnx__ValueInfoProto *vi, scl_dims *d) {
    memset(d, 0, sizeof *d);
    const Onnx__TypeProto *tp = vi->type;
    if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
        return scl_fail(SIAMCL_ERR_UNSUPPORTED, "%s: input '%s' is not a tensor", c->file, vi->name);
    const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
    if (tt->has_elem_type && tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
        return scl_fail(SIAMCL_ERR_UNSUPPORTED, "%s: input '%s' has element type %s (float32 only)", c->file,
                        vi->name, dtype_name(tt->elem_type));
    if (!tt->shape) return SIAMCL_OK;
    if (tt->shape->n_dim > SCL_MAX_RANK || tt->shape->n_dim == 0)
        return scl_fail(SIAMCL_ERR_UNSUPPORTED, "%s: input '%s' has rank %zu (1 to %d supported)", c->file, vi->name,
                        tt->shape->n_dim, SCL_MAX_RANK);
    d->rank = (int)tt->shape->n_dim;
    for (int i = 0; i < d->rank; i++) {
        const Onnx__TensorShapeProto__Dimension *dm = tt->shape->dim[i];
        if (dm->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE && dm->dim_value < 0)
            return scl_fail(SIAMCL_ERR_FORMAT, "%s: input '%.128s' declares dimension %d as %lld (a size is >= 0; "
                            "a free one is named, dim_param)", c->file, vi->name, i, (long long)dm->dim_value);
        d->d[i] = dm->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE && dm->dim_value > 0
                      ? dm->dim_value
                      : 0;
    }
    return SIAMCL_OK;
}

static siamcl_status convert(imp *c, const Onnx__ModelProto *m) {
    const Onnx__GraphProto *gp = m->graph;
    c->opset = 0;
    for (size_t i = 0; i < m->n_opset_import; i++)
        if (is_default_domain(m->opset_import[i]->domain) && m->opset_import[i]->has_version)
            c->opset = m->opset_import[i]->version;
    if (c->opset == 0) return malformed(c, "no opset_import for the default ONNX domain");
    /* 1. constants: initializers and Constant nodes */
    for (size_t i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *t = gp->initializer[i];
        if (!t->name || !*t->name) return malformed(c, "initializer %zu has no name", i);
        if (scl_graph_find(c->g, t->name) >= 0) return malformed(c, "initializer '%s' defined twice", t->name);
        int idx;
        SCL_TRY(add_tensor(c, t, t->name, &idx));
    }
    for (size_t i = 0; i < gp->n_node; i++) {
        c->node = gp->node[i];
        SCL_TRY(check_node(c));
        if (strcmp(c->node->op_type, "Constant") != 0) continue;
        if (scl_graph_find(c->g, c->node->output[0]) >= 0)
            return malformed(c, "output '%s' defined twice", c->node->output[0]);
        SCL_TRY(op_constant(c));
    }
    c->node = NULL;
    /* 2. graph inputs (old files list initializers as inputs too: those are constants) */
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *vi = gp->input[i];
        if (!vi->name || !*vi->name) return malformed(c, "graph input %zu has no name", i);
        if (scl_graph_find(c->g, vi->name) >= 0) continue;
        scl_dims d;
        SCL_TRY(declared_dims(c, vi, &d));
        int idx;
        SCL_TRY(scl_graph_add_value(c->g, vi->name, SCL_V_INPUT, SCL_DT_F32, &d, NULL, NULL, &idx));
        SCL_TRY(scl_graph_add_input(c->g, idx));
    }
    if (c->g->ninputs == 0) return malformed(c, "the graph has no (non-constant) input");
    /* 3. a value for every computed output, so that nodes may come in any order */
    for (size_t i = 0; i < gp->n_node; i++) {
        c->node = gp->node[i];
        if (!strcmp(c->node->op_type, "Constant")) continue;
        for (size_t k = 1; k < c->node->n_output; k++)
            if (c->node->output[k][0] && strcmp(c->node->op_type, "BatchNormalization") &&
                strcmp(c->node->op_type, "MaxPool"))
                return unsupported(c, "%zu outputs", c->node->n_output);
        if (scl_graph_find(c->g, c->node->output[0]) >= 0)
            return malformed(c, "output '%s' defined twice", c->node->output[0]);
        int idx;
        SCL_TRY(scl_graph_add_value(c->g, c->node->output[0], SCL_V_ACT, SCL_DT_F32, NULL, NULL, NULL, &idx));
    }
    /* 4. nodes */
    for (size_t i = 0; i < gp->n_node; i++) {
        c->node = gp->node[i];
        SCL_TRY(convert_node(c));
    }
    c->node = NULL;
    /* 5. outputs */
    for (size_t i = 0; i < gp->n_output; i++) {
        const char *nm = gp->output[i]->name;
        int v = nm ? scl_graph_find(c->g, nm) : -1;
        if (v < 0) return malformed(c, "graph output '%s' is not computed by any node", nm ? nm : "");
        if (c->g->vals[v].kind != SCL_V_ACT) return unsupported(c, "graph output '%.128s' is not computed (it is an input or a constant)", nm);
        SCL_TRY(scl_graph_add_output(c->g, v));
    }
    return scl_graph_finalize(c->g);
}

static siamcl_status import(const void *data, size_t size, const char *name, int keep_bn, scl_graph **out);

siamcl_status scl_onnx_import(const void *data, size_t size, const char *name, scl_graph **out) {
    return import(data, size, name, 0, out);
}

static siamcl_status import(const void *data, size_t size, const char *name, int keep_bn, scl_graph **out) {
    if (!out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "onnx import: out is NULL");
    *out = NULL;
    const char *file = name ? name : "(memory)";
    if (!data || size == 0) return scl_fail(SIAMCL_ERR_FORMAT, "%s: empty buffer, not an ONNX model", file);
    pb_state ps = {0};
    ProtobufCAllocator al = {pb_alloc, pb_free, &ps};
    Onnx__ModelProto *m = onnx__model_proto__unpack(&al, size, (const uint8_t *)data);
    if (!m) {
        if (ps.failed) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory parsing the model", file);
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: not a valid ONNX model (truncated or not protobuf, %zu bytes)", file,
                        size);
    }
    siamcl_status st;
    if (!m->graph || m->graph->n_node == 0 || m->graph->n_output == 0) {
        st = scl_fail(SIAMCL_ERR_FORMAT, "%s: not an ONNX model (no graph with nodes and outputs)", file);
        onnx__model_proto__free_unpacked(m, &al);
        return st;
    }
    scl_graph *g = NULL;
    st = scl_graph_create(file, &g);
    if (st == SIAMCL_OK) {
        g->keep_bn = keep_bn;
        imp c = {g, g->name, 0, NULL};
        st = convert(&c, m);
    }
    onnx__model_proto__free_unpacked(m, &al);
    if (st != SIAMCL_OK) {
        scl_graph_free(g);
        return st;
    }
    *out = g;
    return SIAMCL_OK;
}

siamcl_status scl_onnx_import_file(const char *path, scl_graph **out) {
    return scl_onnx_import_file_ex(path, 0, out);
}

siamcl_status scl_onnx_import_file_ex(const char *path, int keep_bn, scl_graph **out) {
    if (!path || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "onnx import: NULL argument");
    *out = NULL;
    uint8_t *buf;
    size_t n;
    SCL_TRY(scl_read_file(path, &buf, &n));
    siamcl_status st = n ? import(buf, n, path, keep_bn, out)
                         : scl_fail(SIAMCL_ERR_FORMAT, "%s: empty file, not an ONNX model", path);
    scl_free(buf);
    return st;
}
