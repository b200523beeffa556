/* The public trainer: a parameter set, the branch's training plans (one for
 * embedding losses, template + search for SiamFC's logistic loss), the loss
 * and the optimiser, one blocking read per step (the loss). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "graph/model_impl.h"
#include "onnx/onnx.h"
#include "siamcl/train.h"
#include "train/train.h"

struct siamcl_trainer {
    siamcl_train_params p;
    siamcl_model *model;
    scl_graph *g;      /* the model re-imported with BatchNormalization kept (or the model's graph) */
    scl_graph *own_g;  /* g when the trainer owns it */
    scl_device *dev;
    scl_tparams *ps;
    scl_tplan *main;   /* embedding losses: all sides stacked (2B or 3B); logistic: the search crops */
    scl_tplan *tmpl;   /* logistic: the templates */
    scl_tplan *eval;   /* siamcl_trainer_embed, eval_n items */
    int eval_n;
    int head;          /* logistic: index of head.bias */
    cl_mem labels, weights, loss, resp, dresp;
    float *host_loss;
    scl_opt opt;
    int computed;
    scl_dims item;     /* the input shape with n = 1 */
};

void siamcl_train_params_init(siamcl_train_params *p, siamcl_loss_kind loss) {
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->loss = loss;
    p->margin = 1.0f;
    p->batch = 8;
    p->template_batch = 1;
    p->template_size = 127;
    p->search_size = 255;
    p->head_scale = 0.001f;
    p->pos_radius = 16.0f;
    p->total_stride = 8.0f;
    p->optimizer = SIAMCL_OPT_SGD;
    p->lr = 1e-3f;
    p->momentum = 0.9f;
    p->beta1 = 0.9f;
    p->beta2 = 0.999f;
    p->eps = 1e-8f;
}

static int sides(const siamcl_trainer *t) { return t->p.loss == SIAMCL_LOSS_TRIPLET ? 3 : 2; }

static siamcl_status check_params(const siamcl_train_params *p) {
    if (p->loss < SIAMCL_LOSS_CONTRASTIVE || p->loss > SIAMCL_LOSS_LOGISTIC)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "training: unknown loss %d", (int)p->loss);
    if (p->batch < 1 || p->batch > 65536)
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "training: batch %d outside [1, 65536]", p->batch);
    if (!(p->lr > 0) || !isfinite(p->lr) || !(p->weight_decay >= 0) || !(p->momentum >= 0 && p->momentum < 1) ||
        !(p->beta1 >= 0 && p->beta1 < 1) || !(p->beta2 >= 0 && p->beta2 < 1) || !(p->eps > 0) ||
        !isfinite(p->margin))
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE,
                        "training: optimiser settings out of range (lr %g > 0, momentum %g and betas %g, %g in "
                        "[0, 1), weight decay %g >= 0, eps %g > 0)",
                        p->lr, p->momentum, p->beta1, p->beta2, p->weight_decay, p->eps);
    if (p->optimizer != SIAMCL_OPT_SGD && p->optimizer != SIAMCL_OPT_ADAM)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "training: unknown optimiser %d", (int)p->optimizer);
    if (p->loss == SIAMCL_LOSS_LOGISTIC &&
        ((p->template_batch != 1 && p->template_batch != p->batch) || p->template_size < 1 ||
         p->search_size < p->template_size || !(p->total_stride > 0) || !(p->pos_radius >= 0)))
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE,
                        "training: logistic head needs template batch 1 or %d (got %d), template %d <= search %d, "
                        "stride > 0",
                        p->batch, p->template_batch, p->template_size, p->search_size);
    return SIAMCL_OK;
}

/* The model's input with batch n (and side for the logistic crops). */
static siamcl_status input_dims(siamcl_trainer *t, int n, int side, scl_dims *d) {
    const scl_graph *g = t->g;
    *d = g->vals[g->inputs[0]].dims;
    if (d->rank != 4 && side)
        return scl_fail(SIAMCL_ERR_SHAPE, "training: %s's input is not N x C x H x W", g->name);
    d->d[0] = n;
    if (side) d->d[2] = d->d[3] = side;
    for (int i = 1; i < d->rank; i++)
        if (d->d[i] <= 0)
            return scl_fail(SIAMCL_ERR_SHAPE, "training: %s's input '%s' has a dynamic size; the embedding losses "
                            "need a fixed input shape", g->name, g->vals[g->inputs[0]].name);
    return SIAMCL_OK;
}

static siamcl_status make_plan(siamcl_trainer *t, int n, int side, int training, scl_tplan **out) {
    scl_dims d;
    SCL_TRY(input_dims(t, n, side, &d));
    return scl_tplan_create(t->g, t->ps, &d, training, out);
}

static siamcl_status alloc_bufs(siamcl_trainer *t) {
    const siamcl_train_params *p = &t->p;
    size_t nloss = (size_t)p->batch;
    t->host_loss = scl_malloc(nloss * sizeof(float));
    if (!t->host_loss) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "training: out of memory");
    SCL_TRY(scl_buffer_alloc(t->dev, nloss * sizeof(float), &t->loss));
    if (p->loss == SIAMCL_LOSS_CONTRASTIVE) SCL_TRY(scl_buffer_alloc(t->dev, nloss * sizeof(float), &t->labels));
    if (p->loss != SIAMCL_LOSS_LOGISTIC) return SIAMCL_OK;
    scl_view z = scl_tplan_output(t->tmpl), x = scl_tplan_output(t->main);
    if (z.h > x.h || z.w > x.w || z.h != z.w || x.h != x.w)
        return scl_fail(SIAMCL_ERR_SHAPE, "training: template features %dx%d do not fit search features %dx%d", z.h,
                        z.w, x.h, x.w);
    int r = x.h - z.h + 1;
    size_t cells = (size_t)r * r;
    float *lab = scl_malloc(cells * 2 * sizeof(float));
    if (!lab) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "training: out of memory");
    scl_logistic_labels(r, p->pos_radius, p->total_stride, lab, lab + cells);
    siamcl_status st = scl_buffer_alloc(t->dev, cells * sizeof(float), &t->labels);
    if (st == SIAMCL_OK) st = scl_buffer_alloc(t->dev, cells * sizeof(float), &t->weights);
    if (st == SIAMCL_OK) st = scl_buffer_write(t->dev, t->labels, 0, cells * sizeof(float), lab);
    if (st == SIAMCL_OK) st = scl_buffer_write(t->dev, t->weights, 0, cells * sizeof(float), lab + cells);
    scl_free(lab);
    if (st == SIAMCL_OK) st = scl_buffer_alloc(t->dev, (size_t)p->batch * cells * sizeof(float), &t->resp);
    if (st == SIAMCL_OK) st = scl_buffer_alloc(t->dev, (size_t)p->batch * cells * sizeof(float), &t->dresp);
    return st;
}

static siamcl_status build(siamcl_trainer *t) {
    const siamcl_train_params *p = &t->p;
    int logistic = p->loss == SIAMCL_LOSS_LOGISTIC;
    scl_tparam_extra head = {"head.bias", 1, p->head_bias};
    /* BatchNormalization trains in its own right: the file again, not folded */
    const char *file = t->model->g->name;
    if (access(file, R_OK) == 0) {
        SCL_TRY(scl_onnx_import_file_ex(file, 1, &t->own_g));
        t->g = t->own_g;
    }
    SCL_TRY(scl_tplan_check(t->g));
    SCL_TRY(scl_tparams_create(t->g, t->dev, &head, logistic, &t->ps));
    /* a file (not a buffer): every parameter must be an initializer, or export would fail after training */
    if (t->own_g) SCL_TRY(scl_tparams_export(t->ps, t->g->name, NULL));
    if (logistic) {
        t->head = scl_tparams_find(t->ps, "head.bias");
        SCL_TRY(make_plan(t, p->template_batch, p->template_size, 1, &t->tmpl));
        SCL_TRY(make_plan(t, p->batch, p->search_size, 1, &t->main));
    } else {
        SCL_TRY(make_plan(t, p->batch * sides(t), 0, 1, &t->main));
    }
    SCL_TRY(input_dims(t, 1, logistic ? p->template_size : 0, &t->item));
    t->opt = (scl_opt){p->optimizer == SIAMCL_OPT_ADAM ? SCL_OPT_ADAM : SCL_OPT_SGD, p->lr, p->momentum,
                       p->weight_decay, p->beta1, p->beta2, p->eps, 0};
    return alloc_bufs(t);
}

siamcl_status siamcl_trainer_create(siamcl_context *ctx, siamcl_model *model, const siamcl_train_params *p,
                                    siamcl_trainer **out) {
    if (!out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_trainer_create: out is NULL");
    *out = NULL;
    if (!ctx || !model || !p) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_trainer_create: NULL argument");
    SCL_TRY(check_params(p));
    if (p->device < 0 || p->device >= ctx->ndev)
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "training: device %d does not exist (%d devices)", p->device,
                        ctx->ndev);
    siamcl_trainer *t = scl_calloc(1, sizeof *t);
    if (!t) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "training: out of memory");
    t->p = *p;
    t->model = model;
    t->g = model->g;
    scl_model_retain(model);
    t->dev = &ctx->dev[p->device];
    t->head = -1;
    siamcl_status st = build(t);
    if (st != SIAMCL_OK) {
        siamcl_trainer_free(t);
        return st;
    }
    *out = t;
    return SIAMCL_OK;
}

void siamcl_trainer_free(siamcl_trainer *t) {
    if (!t) return;
    scl_tplan_free(t->main);
    scl_tplan_free(t->tmpl);
    scl_tplan_free(t->eval);
    cl_mem bufs[] = {t->labels, t->weights, t->loss, t->resp, t->dresp};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) scl_buffer_free(t->dev, bufs[i]);
    scl_tparams_free(t->ps);
    scl_graph_free(t->own_g);
    scl_free(t->host_loss);
    scl_model_release(t->model);
    scl_free(t);
}

static size_t item_floats(const siamcl_trainer *t) { return (size_t)scl_dims_count(&t->item); }

/* The embedding losses: upload every side into the stacked input, run, loss. */
static siamcl_status embed_loss(siamcl_trainer *t, const float *const *in, const float *labels) {
    const int B = t->p.batch;
    scl_view x = scl_tplan_input(t->main);
    size_t side = (size_t)B * item_floats(t) * sizeof(float);
    for (int s = 0; s < sides(t); s++) SCL_TRY(scl_buffer_write(t->dev, x.mem, x.off * 4 + s * side, side, in[s]));
    SCL_TRY(scl_tplan_forward(t->main));
    SCL_TRY(scl_tparams_zero_grad(t->ps));
    SCL_TRY(scl_tplan_zero_grad(t->main));
    scl_view e = scl_tplan_output(t->main), de = scl_tplan_output_grad(t->main);
    if (t->p.loss == SIAMCL_LOSS_CONTRASTIVE) {
        SCL_TRY(scl_buffer_write(t->dev, t->labels, 0, (size_t)B * sizeof(float), labels));
        return scl_loss_contrastive(t->dev, &e, t->labels, t->p.margin, &de, t->loss, B);
    }
    return scl_loss_triplet(t->dev, &e, t->p.margin, 1e-6f, &de, t->loss, B);
}

/* SiamFC: both branches, the head (scale * xcorr + bias), the loss and the head's backward. */
static siamcl_status logistic_loss(siamcl_trainer *t, const float *const *in) {
    const siamcl_train_params *p = &t->p;
    scl_view zi = scl_tplan_input(t->tmpl), xi = scl_tplan_input(t->main);
    SCL_TRY(scl_buffer_write(t->dev, zi.mem, zi.off * 4, scl_view_count(&zi) * 4, in[0]));
    SCL_TRY(scl_buffer_write(t->dev, xi.mem, xi.off * 4, scl_view_count(&xi) * 4, in[1]));
    SCL_TRY(scl_tplan_forward(t->tmpl));
    SCL_TRY(scl_tplan_forward(t->main));
    scl_view z = scl_tplan_output(t->tmpl), x = scl_tplan_output(t->main);
    int r = x.h - z.h + 1;
    scl_view resp = scl_view_make(t->resp, p->batch, 1, r, r), dresp = resp;
    dresp.mem = t->dresp;
    scl_view bias = scl_tparams_view(t->ps, t->head, 0), dbias = scl_tparams_view(t->ps, t->head, 1);
    scl_act_params none = {SCL_ACT_NONE, 0, 0};
    SCL_TRY(scl_xcorr_fwd(t->dev, p->head_scale, 0.0f, &z, &x, &resp));
    SCL_TRY(scl_binary_fwd(t->dev, SCL_BIN_ADD, &none, &resp, &bias, &resp));
    SCL_TRY(scl_tparams_zero_grad(t->ps));
    SCL_TRY(scl_tplan_zero_grad(t->tmpl));
    SCL_TRY(scl_tplan_zero_grad(t->main));
    SCL_TRY(scl_loss_logistic(t->dev, &resp, t->labels, t->weights, &dresp, t->loss));
    SCL_TRY(scl_reduce_acc(t->dev, &dresp, &dbias));
    scl_view dz = scl_tplan_output_grad(t->tmpl), dx = scl_tplan_output_grad(t->main);
    return scl_xcorr_bwd(t->dev, p->head_scale, &z, &x, &dresp, &dz, &dx);
}

static siamcl_status read_loss(siamcl_trainer *t, double *loss) {
    SCL_TRY(scl_buffer_read(t->dev, t->loss, 0, (size_t)t->p.batch * sizeof(float), t->host_loss));
    double s = 0;
    for (int i = 0; i < t->p.batch; i++) s += t->host_loss[i];
    *loss = s / t->p.batch;
    if (isfinite(*loss)) return SIAMCL_OK;
    const char *bad = NULL;
    SCL_TRY(scl_tparams_bad_grad(t->ps, &bad));
    return scl_fail(SIAMCL_ERR_NUMERIC, "training step %ld: the loss is %g; %s%s%s", t->opt.step + 1, *loss,
                    bad ? "the gradient of '" : "every gradient is finite", bad ? bad : "",
                    bad ? "' is not finite" : "");
}

siamcl_status siamcl_trainer_compute(siamcl_trainer *t, const float *const *inputs, const float *labels,
                                     double *loss) {
    if (!t || !inputs || !loss) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_trainer_compute: NULL argument");
    int need = t->p.loss == SIAMCL_LOSS_LOGISTIC ? 2 : sides(t);
    for (int i = 0; i < need; i++)
        if (!inputs[i]) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_trainer_compute: input %d is NULL", i);
    if (t->p.loss == SIAMCL_LOSS_CONTRASTIVE && !labels)
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_trainer_compute: the contrastive loss needs labels");
    t->computed = 0;
    if (t->p.loss == SIAMCL_LOSS_LOGISTIC) {
        SCL_TRY(logistic_loss(t, inputs));
        SCL_TRY(scl_tplan_backward(t->tmpl));
    } else {
        SCL_TRY(embed_loss(t, inputs, labels));
    }
    SCL_TRY(scl_tplan_backward(t->main));
    SCL_TRY(read_loss(t, loss));
    t->computed = 1;
    return SIAMCL_OK;
}

siamcl_status siamcl_trainer_apply(siamcl_trainer *t) {
    if (!t) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_trainer_apply: NULL trainer");
    if (!t->computed) return scl_fail(SIAMCL_ERR_STATE, "siamcl_trainer_apply: no gradients computed since the last step");
    t->computed = 0;
    return scl_opt_step(&t->opt, t->ps);
}

siamcl_status siamcl_trainer_step(siamcl_trainer *t, const float *const *inputs, const float *labels,
                                  double *loss) {
    SCL_TRY(siamcl_trainer_compute(t, inputs, labels, loss));
    return siamcl_trainer_apply(t);
}

siamcl_status siamcl_trainer_set_lr(siamcl_trainer *t, float lr) {
    if (!t) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_trainer_set_lr: NULL trainer");
    if (!(lr > 0) || !isfinite(lr)) return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "training: learning rate %g must be > 0", lr);
    t->opt.lr = lr;
    return SIAMCL_OK;
}

long siamcl_trainer_steps(const siamcl_trainer *t) { return t ? t->opt.step : 0; }
int siamcl_trainer_batch(const siamcl_trainer *t) { return t ? t->p.batch : 0; }
int siamcl_trainer_param_count(const siamcl_trainer *t) { return t ? t->ps->n : 0; }
const char *siamcl_trainer_param_name(const siamcl_trainer *t, int i) {
    return t && i >= 0 && i < t->ps->n ? t->ps->p[i].name : NULL;
}
size_t siamcl_trainer_param_size(const siamcl_trainer *t, int i) {
    return t && i >= 0 && i < t->ps->n ? t->ps->p[i].count : 0;
}

static siamcl_status find_param(const siamcl_trainer *t, const char *name, size_t count, int *i) {
    if (!t || !name) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "trainer: NULL argument");
    *i = scl_tparams_find(t->ps, name);
    if (*i < 0) return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "trainer: no parameter '%s'", name);
    if (t->ps->p[*i].count != count)
        return scl_fail(SIAMCL_ERR_SHAPE, "trainer: parameter '%s' has %zu values, not %zu", name,
                        t->ps->p[*i].count, count);
    return SIAMCL_OK;
}

siamcl_status siamcl_trainer_read(const siamcl_trainer *t, const char *name, int grad, float *dst, size_t count) {
    int i;
    SCL_TRY(find_param(t, name, count, &i));
    if (!dst) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_trainer_read: dst is NULL");
    return scl_buffer_read(t->dev, grad ? t->ps->g : t->ps->w, t->ps->p[i].off * 4, count * 4, dst);
}

siamcl_status siamcl_trainer_write(siamcl_trainer *t, const char *name, const float *src, size_t count) {
    int i;
    SCL_TRY(find_param(t, name, count, &i));
    if (!src) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_trainer_write: src is NULL");
    return scl_buffer_write(t->dev, t->ps->w, t->ps->p[i].off * 4, count * 4, src);
}

/* The flat gradient array is the trainable parameters' gradients back to back
 * (the device buffer aligns each parameter: the copies close the gaps). */
size_t siamcl_trainer_grad_count(const siamcl_trainer *t) {
    size_t n = 0;
    for (int i = 0; t && i < t->ps->n; i++)
        if (t->ps->p[i].off < t->ps->trainable) n += t->ps->p[i].count;
    return n;
}

static siamcl_status check_grads(const siamcl_trainer *t, const float *p, size_t count, const char *fn) {
    if (!t || !p) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
    size_t n = siamcl_trainer_grad_count(t);
    if (count != n) return scl_fail(SIAMCL_ERR_SHAPE, "%s: the gradients are %zu floats, not %zu", fn, n, count);
    return SIAMCL_OK;
}

/* dev: the device buffer's layout; flat: back to back. to_flat picks the direction. */
static void pack(const scl_tparams *ps, float *dev, float *flat, int to_flat) {
    size_t k = 0;
    for (int i = 0; i < ps->n; i++) {
        const scl_tparam *p = &ps->p[i];
        if (p->off >= ps->trainable) continue;
        if (to_flat) memcpy(flat + k, dev + p->off, p->count * sizeof(float));
        else memcpy(dev + p->off, flat + k, p->count * sizeof(float));
        k += p->count;
    }
}

siamcl_status siamcl_trainer_read_grads(const siamcl_trainer *t, float *dst, size_t count) {
    SCL_TRY(check_grads(t, dst, count, "siamcl_trainer_read_grads"));
    float *tmp = scl_malloc(t->ps->trainable * sizeof(float));
    if (!tmp) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "siamcl_trainer_read_grads: out of memory");
    siamcl_status st = scl_buffer_read(t->dev, t->ps->g, 0, t->ps->trainable * sizeof(float), tmp);
    if (st == SIAMCL_OK) pack(t->ps, tmp, dst, 1);
    scl_free(tmp);
    return st;
}

siamcl_status siamcl_trainer_write_grads(siamcl_trainer *t, const float *src, size_t count) {
    SCL_TRY(check_grads(t, src, count, "siamcl_trainer_write_grads"));
    float *tmp = scl_calloc(t->ps->trainable, sizeof(float));
    if (!tmp) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "siamcl_trainer_write_grads: out of memory");
    pack(t->ps, tmp, (float *)src, 0);
    siamcl_status st = scl_buffer_write(t->dev, t->ps->g, 0, t->ps->trainable * sizeof(float), tmp);
    scl_free(tmp);
    return st;
}

size_t siamcl_trainer_output_size(const siamcl_trainer *t) {
    if (!t) return 0;
    scl_view y = scl_tplan_output(t->main);
    int items = t->p.loss == SIAMCL_LOSS_LOGISTIC ? t->p.batch : t->p.batch * sides(t);
    return scl_view_count(&y) / (size_t)items;
}

siamcl_shape siamcl_trainer_input_shape(const siamcl_trainer *t) {
    siamcl_shape s = {0, 0, 0, 0};
    if (!t) return s;
    int d[4] = {1, 1, 1, 1};
    for (int k = 0; k < t->item.rank; k++) d[4 - t->item.rank + k] = (int)t->item.d[k];
    s = (siamcl_shape){d[0], d[1], d[2], d[3]};
    return s;
}

siamcl_status siamcl_trainer_embed(siamcl_trainer *t, const float *inputs, int n, float *out, size_t out_count) {
    if (!t || !inputs || !out || n < 1) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_trainer_embed: bad argument");
    if (t->p.loss == SIAMCL_LOSS_LOGISTIC)
        return scl_fail(SIAMCL_ERR_UNSUPPORTED, "siamcl_trainer_embed: a logistic (tracker) trainer has no embedding");
    if (!t->eval || t->eval_n != n) {
        scl_tplan_free(t->eval);
        t->eval = NULL;
        SCL_TRY(make_plan(t, n, 0, 0, &t->eval));
        t->eval_n = n;
    }
    scl_view x = scl_tplan_input(t->eval), y = scl_tplan_output(t->eval);
    if (out_count != scl_view_count(&y))
        return scl_fail(SIAMCL_ERR_SHAPE, "siamcl_trainer_embed: %zu output floats, not %zu", out_count,
                        scl_view_count(&y));
    SCL_TRY(scl_buffer_write(t->dev, x.mem, x.off * 4, scl_view_count(&x) * 4, inputs));
    SCL_TRY(scl_tplan_forward(t->eval));
    return scl_buffer_read(t->dev, y.mem, y.off * 4, out_count * 4, out);
}

siamcl_status siamcl_trainer_export(const siamcl_trainer *t, const char *path) {
    if (!t || !path) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_trainer_export: NULL argument");
    return scl_tparams_export(t->ps, t->g->name, path);
}

siamcl_status siamcl_trainer_save(const siamcl_trainer *t, const char *path) {
    if (!t || !path) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_trainer_save: NULL argument");
    return scl_tparams_save(t->ps, t->opt.step, path);
}

siamcl_status siamcl_trainer_load(siamcl_trainer *t, const char *path) {
    if (!t || !path) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_trainer_load: NULL argument");
    long step;
    SCL_TRY(scl_tparams_load(t->ps, path, &step));
    t->opt.step = step;
    t->computed = 0;
    return SIAMCL_OK;
}
