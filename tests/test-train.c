/* The training API around the golden cases: a resumed run equals an unbroken
 * one bit for bit, the exported ONNX loads and computes the trainer's own
 * embeddings, and every bad input is refused with a clear error: an op without
 * a backward pass, apply before compute, a NaN loss, a checkpoint of another
 * model or truncated, overwriting the input model, and IDX files that are
 * missing, truncated, of another type or longer than announced. */
#include <sys/stat.h>
#include <unistd.h>

#include "graph/model_impl.h"
#include "onnxbuild.h"
#include "siamcl.h"
#include "testutil.h"
#include "train/train.h"

#define B 8

static char g_tmp[256];

static siamcl_model *load(const char *rel) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", tu_shared(), rel);
    siamcl_model *m = NULL;
    CHECK_OK(siamcl_model_load(path, &m));
    if (!m) exit(1);
    return m;
}

static siamcl_trainer *embed_trainer(siamcl_context *ctx, siamcl_model *m) {
    siamcl_train_params p;
    siamcl_train_params_init(&p, SIAMCL_LOSS_CONTRASTIVE);
    p.batch = B;
    p.optimizer = SIAMCL_OPT_ADAM;
    siamcl_trainer *t = NULL;
    CHECK_OK(siamcl_trainer_create(ctx, m, &p, &t));
    if (!t) exit(1);
    return t;
}

static float *params(siamcl_trainer *t, size_t *n) {
    *n = 0;
    for (int i = 0; i < siamcl_trainer_param_count(t); i++) *n += siamcl_trainer_param_size(t, i);
    float *all = malloc(*n * sizeof(float)), *p = all;
    for (int i = 0; i < siamcl_trainer_param_count(t); i++) {
        size_t k = siamcl_trainer_param_size(t, i);
        CHECK_OK(siamcl_trainer_read(t, siamcl_trainer_param_name(t, i), 0, p, k));
        p += k;
    }
    return all;
}

/* 3 steps in one go == 2 steps, checkpoint, a new trainer, load, 1 step. */
static void resume_is_exact(siamcl_context *ctx, siamcl_model *m, const float *const *in, const float *lab) {
    siamcl_trainer *a = embed_trainer(ctx, m), *b = embed_trainer(ctx, m), *c = embed_trainer(ctx, m);
    double loss;
    for (int s = 0; s < 3; s++) CHECK_OK(siamcl_trainer_step(a, in, lab, &loss));
    for (int s = 0; s < 2; s++) CHECK_OK(siamcl_trainer_step(b, in, lab, &loss));
    char ck[512];
    snprintf(ck, sizeof ck, "%s/run.ckpt", g_tmp);
    CHECK_OK(siamcl_trainer_save(b, ck));
    CHECK_OK(siamcl_trainer_load(c, ck));
    CHECK(siamcl_trainer_steps(c) == 2);
    CHECK_OK(siamcl_trainer_step(c, in, lab, &loss));
    size_t na, nc;
    float *pa = params(a, &na), *pc = params(c, &nc);
    CHECK(na == nc && memcmp(pa, pc, na * sizeof(float)) == 0);
    printf("resume: 3 steps == 2 steps + checkpoint + 1 step, %zu parameters bit-identical\n", na);
    /* a truncated checkpoint, and one of another model */
    size_t len = 0;
    char *bytes = tu_read_file(ck, &len);
    char bad[600];
    snprintf(bad, sizeof bad, "%s/short.ckpt", g_tmp);
    FILE *f = fopen(bad, "wb");
    fwrite(bytes, 1, len / 2, f);
    fclose(f);
    CHECK_STATUS(siamcl_trainer_load(c, bad), SIAMCL_ERR_FORMAT);
    CHECK(strstr(siamcl_last_error(), "short.ckpt") != NULL);
    free(bytes);
    free(pa);
    free(pc);
    siamcl_trainer_free(a);
    siamcl_trainer_free(b);
    siamcl_trainer_free(c);
}

/* The exported file loads and its plan computes the trainer's embeddings. */
static void export_roundtrip(siamcl_context *ctx, siamcl_model *m, const float *const *in, const float *lab) {
    siamcl_trainer *t = embed_trainer(ctx, m);
    double loss;
    for (int s = 0; s < 3; s++) CHECK_OK(siamcl_trainer_step(t, in, lab, &loss));
    char out[512];
    snprintf(out, sizeof out, "%s/trained.onnx", g_tmp);
    CHECK_OK(siamcl_trainer_export(t, out));
    CHECK_STATUS(siamcl_trainer_export(t, siamcl_model_name(m)), SIAMCL_ERR_INVALID_ARGUMENT);
    float want[B * 2], got[B * 2];
    CHECK_OK(siamcl_trainer_embed(t, in[0], B, want, B * 2));
    siamcl_model *e = NULL;
    CHECK_OK(siamcl_model_load(out, &e));
    siamcl_shape s = {B, 1, 28, 28};
    siamcl_plan *p = NULL;
    CHECK_OK(siamcl_plan_create(ctx, 0, e, 1, &s, &p));
    CHECK_OK(siamcl_tensor_upload(siamcl_plan_input(p, 0), in[0], (size_t)B * 784));
    CHECK_OK(siamcl_plan_run(p));
    CHECK_OK(siamcl_tensor_download(siamcl_plan_output(p, 0), got, B * 2));
    tu_compare("exported model's embeddings", got, want, B * 2);
    /* and they are not the untrained model's */
    siamcl_plan *p0 = NULL;
    float first[B * 2];
    CHECK_OK(siamcl_plan_create(ctx, 0, m, 1, &s, &p0));
    CHECK_OK(siamcl_tensor_upload(siamcl_plan_input(p0, 0), in[0], (size_t)B * 784));
    CHECK_OK(siamcl_plan_run(p0));
    CHECK_OK(siamcl_tensor_download(siamcl_plan_output(p0, 0), first, B * 2));
    CHECK(memcmp(first, got, sizeof got) != 0);
    printf("export: %s reloads, embeddings rel L2 %.1e from the trainer's\n", out, tu_rel_l2(got, want, B * 2));
    siamcl_plan_free(p0);
    siamcl_plan_free(p);
    siamcl_model_free(e);
    siamcl_trainer_free(t);
}

static void bad_training(siamcl_context *ctx, siamcl_model *m, const float *const *in, const float *lab) {
    siamcl_trainer *t = embed_trainer(ctx, m);
    CHECK_STATUS(siamcl_trainer_apply(t), SIAMCL_ERR_STATE);
    /* a NaN weight: the loss is NaN and the error names a parameter */
    float nan2[2] = {NAN, 0};
    CHECK_OK(siamcl_trainer_write(t, "fc2.bias", nan2, 2));
    double loss = 0;
    CHECK_STATUS(siamcl_trainer_compute(t, in, lab, &loss), SIAMCL_ERR_NUMERIC);
    CHECK(strstr(siamcl_last_error(), "step 1") && strstr(siamcl_last_error(), "gradient of '"));
    printf("NaN: %s\n", siamcl_last_error());
    CHECK_STATUS(siamcl_trainer_write(t, "fc2.bias", nan2, 3), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(siamcl_trainer_write(t, "no.such", nan2, 2), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK_STATUS(siamcl_trainer_compute(t, in, NULL, &loss), SIAMCL_ERR_INVALID_ARGUMENT);
    /* a checkpoint of another model */
    siamcl_model *alex = load("models/siamfc-alexnet/backbone.onnx");
    siamcl_train_params p;
    siamcl_train_params_init(&p, SIAMCL_LOSS_LOGISTIC);
    p.batch = 1;
    siamcl_trainer *s = NULL;
    CHECK_OK(siamcl_trainer_create(ctx, alex, &p, &s));
    char ck[512];
    snprintf(ck, sizeof ck, "%s/alex.ckpt", g_tmp);
    CHECK_OK(siamcl_trainer_save(s, ck));
    CHECK_STATUS(siamcl_trainer_load(t, ck), SIAMCL_ERR_FORMAT);
    CHECK(strstr(siamcl_last_error(), "another model") != NULL);
    /* bad settings */
    p.batch = 0;
    siamcl_trainer *x = NULL;
    CHECK_STATUS(siamcl_trainer_create(ctx, alex, &p, &x), SIAMCL_ERR_OUT_OF_RANGE);
    p.batch = 2;
    p.template_batch = 3;
    CHECK_STATUS(siamcl_trainer_create(ctx, alex, &p, &x), SIAMCL_ERR_OUT_OF_RANGE);
    siamcl_train_params_init(&p, SIAMCL_LOSS_CONTRASTIVE);
    CHECK_STATUS(siamcl_trainer_create(ctx, alex, &p, &x), SIAMCL_ERR_SHAPE); /* dynamic input size */
    p.lr = -1;
    CHECK_STATUS(siamcl_trainer_create(ctx, m, &p, &x), SIAMCL_ERR_OUT_OF_RANGE);
    CHECK(x == NULL);
    siamcl_trainer_free(s);
    siamcl_model_free(alex);
    siamcl_trainer_free(t);
    /* an op without a backward pass (NanoTrack's Clip / HardSwish / BN-folded convs) */
    siamcl_model *nano = load("models/nanotrack-v3/backbone.onnx");
    siamcl_train_params_init(&p, SIAMCL_LOSS_LOGISTIC);
    CHECK_STATUS(siamcl_trainer_create(ctx, nano, &p, &x), SIAMCL_ERR_UNSUPPORTED);
    CHECK(strstr(siamcl_last_error(), "node '") && strstr(siamcl_last_error(), "no backward pass"));
    printf("unsupported: %s\n", siamcl_last_error());
    siamcl_model_free(nano);
}

/* A net with BatchNormalization: it trains in training mode (batch statistics,
 * the running statistics move), the export carries all four of its tensors, and
 * the exported model (BN folded at load) computes the trainer's evaluation-mode
 * embeddings. */
static void batchnorm_model(siamcl_context *ctx) {
    ob b;
    ob_init(&b, 13);
    int64_t D[4] = {0, 1, 8, 8}, wd[4] = {4, 1, 3, 3}, c4[1] = {4}, fd[2] = {2, 144}, c2[1] = {2};
    float w[36], bias[4] = {0.1f, -0.2f, 0.3f, 0}, gam[4] = {1, 0.5f, 2, 1}, bet[4] = {0, 0.1f, -0.1f, 0.2f};
    float mean[4] = {0, 0, 0, 0}, var[4] = {1, 1, 1, 1}, fc[288], fcb[2] = {0, 0};
    tu_fill(w, 36, -0.5f, 0.5f);
    tu_fill(fc, 288, -0.1f, 0.1f);
    ob_input(&b, "x", 4, D, D, NULL);
    ob_weight(&b, "c.weight", 4, wd, w), ob_weight(&b, "c.bias", 1, c4, bias);
    ob_weight(&b, "bn.weight", 1, c4, gam), ob_weight(&b, "bn.bias", 1, c4, bet);
    ob_weight(&b, "bn.running_mean", 1, c4, mean), ob_weight(&b, "bn.running_var", 1, c4, var);
    ob_weight(&b, "fc.weight", 2, fd, fc), ob_weight(&b, "fc.bias", 1, c2, fcb);
    const char *i1[] = {"x", "c.weight", "c.bias", NULL}, *i2[] = {"c", "bn.weight", "bn.bias", "bn.running_mean",
                                                                  "bn.running_var", NULL};
    const char *i3[] = {"bn", NULL}, *i4[] = {"r", NULL}, *i5[] = {"f", "fc.weight", "fc.bias", NULL};
    ob_node(&b, "Conv", i1, "c", NULL);
    ob_node(&b, "BatchNormalization", i2, "bn", NULL);
    ob_node(&b, "Relu", i3, "r", NULL);
    ob_node(&b, "Flatten", i4, "f", NULL);
    Onnx__AttributeProto *ga[] = {ob_ai(&b, "transB", 1), NULL};
    ob_node(&b, "Gemm", i5, "y", ga);
    ob_output(&b, "y");
    size_t n;
    uint8_t *buf = ob_pack(&b, &n);
    char path[512], out[512];
    snprintf(path, sizeof path, "%s/bn.onnx", g_tmp);
    snprintf(out, sizeof out, "%s/bn-trained.onnx", g_tmp);
    FILE *f = fopen(path, "wb");
    fwrite(buf, 1, n, f);
    fclose(f);
    free(buf);
    ob_free(&b);
    siamcl_model *m = NULL;
    CHECK_OK(siamcl_model_load(path, &m));
    siamcl_train_params p;
    siamcl_train_params_init(&p, SIAMCL_LOSS_CONTRASTIVE);
    p.batch = 4;
    p.optimizer = SIAMCL_OPT_ADAM;
    p.lr = 1e-2f;
    siamcl_trainer *t = NULL;
    CHECK_OK(siamcl_trainer_create(ctx, m, &p, &t));
    if (!t) return;
    CHECK(siamcl_trainer_param_count(t) == 8);
    float xa[4 * 64], xb[4 * 64], lab[4] = {0, 1, 0, 1}, rm[4], g0[4], g1[4];
    tu_fill(xa, 256, 0, 1);
    tu_fill(xb, 256, 0, 1);
    const float *in[2] = {xa, xb};
    double l0 = 0, l = 0;
    CHECK_OK(siamcl_trainer_read(t, "bn.weight", 0, g0, 4));
    for (int s = 0; s < 20; s++) CHECK_OK(siamcl_trainer_step(t, in, lab, s ? &l : &l0));
    CHECK_OK(siamcl_trainer_read(t, "bn.running_mean", 0, rm, 4));
    CHECK_OK(siamcl_trainer_read(t, "bn.weight", 0, g1, 4));
    CHECK(rm[0] != 0 && memcmp(g0, g1, sizeof g0) != 0 && l < l0);
    printf("batchnorm: loss %.4f -> %.4f in 20 steps, running mean[0] %.4f, gamma[0] %.4f -> %.4f\n", l0, l, rm[0],
           g0[0], g1[0]);
    CHECK_OK(siamcl_trainer_export(t, out));
    float want[8], got[8];
    CHECK_OK(siamcl_trainer_embed(t, xa, 4, want, 8));
    siamcl_model *e = NULL;
    CHECK_OK(siamcl_model_load(out, &e));
    siamcl_shape sh = {4, 1, 8, 8};
    siamcl_plan *pl = NULL;
    CHECK_OK(siamcl_plan_create(ctx, 0, e, 1, &sh, &pl));
    CHECK_OK(siamcl_tensor_upload(siamcl_plan_input(pl, 0), xa, 256));
    CHECK_OK(siamcl_plan_run(pl));
    CHECK_OK(siamcl_tensor_download(siamcl_plan_output(pl, 0), got, 8));
    tu_compare("exported BN model vs evaluation-mode trainer", got, want, 8);
    siamcl_plan_free(pl);
    siamcl_model_free(e);
    siamcl_trainer_free(t);
    siamcl_model_free(m);
}

/* Gradient buffers are reused by liveness over the reverse pass. */
static void gradient_memory(siamcl_context *ctx) {
    siamcl_model *m = load("models/siamfc-alexnet/backbone.onnx");
    scl_tparams *ps = NULL;
    scl_tplan *t = NULL;
    scl_dims d = {4, {8, 3, 255, 255}};
    CHECK_OK(scl_tparams_create(m->g, &ctx->dev[0], NULL, 0, &ps));
    CHECK_OK(scl_tplan_create(m->g, ps, &d, 1, &t));
    size_t planned = 0, naive = 0;
    if (t) scl_tplan_memory(t, &planned, &naive);
    printf("SiamFC AlexNet 8x3x255x255 gradients: %.1f MiB planned, %.1f MiB one buffer per value\n",
           planned / 1048576.0, naive / 1048576.0);
    CHECK(planned > 0 && planned * 2 < naive);
    scl_tplan_free(t);
    scl_tparams_free(ps);
    siamcl_model_free(m);
}

static void write_bytes(const char *path, const unsigned char *b, size_t n) {
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, n, f);
    fclose(f);
}

static void idx_files(void) {
    char path[512];
    snprintf(path, sizeof path, "%s/ok.idx", g_tmp);
    const unsigned char ok[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6};
    write_bytes(path, ok, sizeof ok);
    siamcl_idx x;
    CHECK_OK(siamcl_idx_read(path, &x));
    CHECK(x.ndims == 3 && x.dims[0] == 2 && x.dims[1] == 1 && x.dims[2] == 3 && x.count == 6 && x.data[5] == 6);
    siamcl_idx_free(&x);
    write_bytes(path, ok, sizeof ok - 1); /* truncated */
    CHECK_STATUS(siamcl_idx_read(path, &x), SIAMCL_ERR_FORMAT);
    CHECK(strstr(siamcl_last_error(), "truncated") && strstr(siamcl_last_error(), "ok.idx"));
    unsigned char longer[sizeof ok + 1];
    memcpy(longer, ok, sizeof ok);
    longer[sizeof ok] = 9;
    write_bytes(path, longer, sizeof longer);
    CHECK_STATUS(siamcl_idx_read(path, &x), SIAMCL_ERR_FORMAT);
    unsigned char flt[sizeof ok];
    memcpy(flt, ok, sizeof ok);
    flt[2] = 0x0d; /* float data */
    write_bytes(path, flt, sizeof flt);
    CHECK_STATUS(siamcl_idx_read(path, &x), SIAMCL_ERR_UNSUPPORTED);
    flt[2] = 8;
    flt[0] = 0x1f; /* gzip-looking garbage is neither */
    write_bytes(path, flt, sizeof flt);
    CHECK_STATUS(siamcl_idx_read(path, &x), SIAMCL_ERR_FORMAT);
    const unsigned char huge[] = {0, 0, 8, 2, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff};
    write_bytes(path, huge, sizeof huge);
    CHECK_STATUS(siamcl_idx_read(path, &x), SIAMCL_ERR_FORMAT);
    snprintf(path, sizeof path, "%s/missing.idx", g_tmp);
    CHECK_STATUS(siamcl_idx_read(path, &x), SIAMCL_ERR_IO);
    CHECK(x.data == NULL);
}

static siamcl_trainer *sgd_trainer(siamcl_context *ctx, siamcl_model *m, int batch) {
    siamcl_train_params p;
    siamcl_train_params_init(&p, SIAMCL_LOSS_CONTRASTIVE);
    p.batch = batch;
    p.optimizer = SIAMCL_OPT_SGD;
    p.lr = 0.05f;
    siamcl_trainer *t = NULL;
    CHECK_OK(siamcl_trainer_create(ctx, m, &p, &t));
    if (!t) exit(1);
    return t;
}

/* Data parallelism's arithmetic: the gradients of two half batches, averaged
 * and written back, give the whole batch's step (to float rounding). */
static void split_batch(siamcl_context *ctx, siamcl_model *m, const float *const *in, const float *lab) {
    siamcl_trainer *whole = sgd_trainer(ctx, m, B), *half = sgd_trainer(ctx, m, B / 2);
    size_t n = siamcl_trainer_grad_count(whole), np;
    CHECK(n == siamcl_trainer_grad_count(half) && n > 0);
    float *gw = malloc(n * sizeof(float)), *g1 = malloc(n * sizeof(float)), *g2 = malloc(n * sizeof(float));
    double lw, l1, l2;
    CHECK_OK(siamcl_trainer_compute(whole, in, lab, &lw));
    CHECK_OK(siamcl_trainer_read_grads(whole, gw, n));
    /* the flat array is the parameters' gradients in order */
    size_t off = 0;
    for (int i = 0; i < siamcl_trainer_param_count(whole); i++) {
        size_t k = siamcl_trainer_param_size(whole, i);
        float *one = malloc(k * sizeof(float));
        CHECK_OK(siamcl_trainer_read(whole, siamcl_trainer_param_name(whole, i), 1, one, k));
        CHECK(memcmp(one, gw + off, k * sizeof(float)) == 0);
        off += k;
        free(one);
    }
    CHECK(off == n);
    const float *second[2] = {in[0] + (B / 2) * 784, in[1] + (B / 2) * 784};
    CHECK_OK(siamcl_trainer_compute(half, second, lab + B / 2, &l2));
    CHECK_OK(siamcl_trainer_read_grads(half, g2, n));
    CHECK_OK(siamcl_trainer_compute(half, in, lab, &l1));
    CHECK_OK(siamcl_trainer_read_grads(half, g1, n));
    double worst = 0, scale = 0;
    for (size_t i = 0; i < n; i++) {
        g1[i] = 0.5f * g1[i] + 0.5f * g2[i];
        double d = fabs((double)g1[i] - gw[i]);
        worst = d > worst ? d : worst;
        scale = fabs(gw[i]) > scale ? fabs(gw[i]) : scale;
    }
    printf("split batch: loss %.6f vs halves' mean %.6f; largest gradient difference %.3g (largest gradient %.3g)\n",
           lw, 0.5 * (l1 + l2), worst, scale);
    CHECK(fabs(lw - 0.5 * (l1 + l2)) <= 1e-6 * (1 + fabs(lw)));
    CHECK(worst <= 1e-5 * scale);
    CHECK_OK(siamcl_trainer_write_grads(half, g1, n));
    CHECK_OK(siamcl_trainer_apply(half));
    CHECK_OK(siamcl_trainer_apply(whole));
    float *pw = params(whole, &np), *ph = params(half, &np);
    double wd = 0;
    for (size_t i = 0; i < np; i++) wd = fmax(wd, fabs((double)pw[i] - ph[i]));
    printf("split batch: weights after the step differ by at most %.3g\n", wd);
    CHECK(wd <= 1e-6);
    CHECK_STATUS(siamcl_trainer_read_grads(half, g1, n - 1), SIAMCL_ERR_SHAPE);
    CHECK_STATUS(siamcl_trainer_write_grads(half, NULL, n), SIAMCL_ERR_INVALID_ARGUMENT);
    free(pw), free(ph), free(gw), free(g1), free(g2);
    siamcl_trainer_free(whole);
    siamcl_trainer_free(half);
}

int main(void) {
    snprintf(g_tmp, sizeof g_tmp, "/tmp/siamcl-test-train-%d", (int)getpid());
    mkdir(g_tmp, 0755);
    siamcl_context *ctx = tu_context();
    siamcl_model *m = load("golden/train/embed_net.onnx");
    float *a = tu_load_f32("golden/train/embed_input_a_8x1x28x28.f32", B * 784);
    float *b = tu_load_f32("golden/train/embed_input_b_8x1x28x28.f32", B * 784);
    const float lab[B] = {0, 1, 0, 1, 1, 0, 1, 1};
    const float *in[2] = {a, b};
    resume_is_exact(ctx, m, in, lab);
    split_batch(ctx, m, in, lab);
    export_roundtrip(ctx, m, in, lab);
    bad_training(ctx, m, in, lab);
    idx_files();
    gradient_memory(ctx);
    batchnorm_model(ctx);
    free(a);
    free(b);
    siamcl_model_free(m);
    siamcl_context_free(ctx);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", g_tmp);
    return tu_finish("test-train");
}
