/* Training against PyTorch float64 (golden/train/golden.json): the loss,
 * every gradient and three SGD steps for SiamFC AlexNet with the logistic
 * loss on real crops, and the embedding net with the contrastive and the
 * triplet loss. Tolerances are golden.json's:
 *   gradients  ||g - g*|| <= 1e-4 ||g*|| + 1e-7 sqrt(n)
 *   3 steps    ||u - u*|| <= 1e-3 ||u*|| + 4e-7 ||p||  (u = after - initial)
 *   losses     relative 1e-5, at the start, before each step and at golden's
 *              weights after 3 steps (the loss along our own float32 trajectory
 *              after 3 steps is printed: the update tolerance lets SiamFC's move
 *              by a few 1e-5, the embedding net's agrees to 1e-7) */
#include <ctype.h>

#include "siamcl.h"
#include "testutil.h"

static char *g_json;

/* The numbers after "key": inside the object that follows "scope" in golden.json. */
static int json_nums(const char *scope, const char *key, double *out, int cap) {
    const char *s = strstr(g_json, scope);
    if (!s) return 0;
    char pat[96];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(s, pat);
    if (!p) return 0;
    p += strlen(pat);
    while (isspace((unsigned char)*p)) p++;
    int n = 0, arr = *p == '[';
    if (arr) p++;
    while (n < cap) {
        while (isspace((unsigned char)*p)) p++;
        char *end;
        double v = strtod(p, &end);
        if (end == p) break;
        out[n++] = v;
        p = end;
        while (isspace((unsigned char)*p)) p++;
        if (!arr || *p != ',') break;
        p++;
    }
    return n;
}

static double json_num(const char *scope, const char *key) {
    double v = NAN;
    CHECK(json_nums(scope, key, &v, 1) == 1);
    return v;
}

/* The golden file named in the case's files.<section>.<param> (file name only). */
static float *golden(const char *prefix, const char *section, const char *param, size_t count) {
    char rel[512];
    /* file names follow <prefix>_<section>_<param>_<dims>.f32; find it by listing the dims in golden.json */
    char pat[256];
    snprintf(pat, sizeof pat, "%s_%s_%s_", prefix, section, param);
    const char *p = strstr(g_json, pat);
    if (!p) {
        fprintf(stderr, "golden.json names no file %s*\n", pat);
        exit(1);
    }
    const char *q = strchr(p, '"');
    snprintf(rel, sizeof rel, "golden/train/%.*s", (int)(q - p), p);
    return tu_load_f32(rel, count);
}

static void check_norm(const char *what, const float *got, const float *want, size_t n, double rel, double abs_term) {
    double e = 0, r = 0;
    for (size_t i = 0; i < n; i++) {
        e += ((double)got[i] - want[i]) * ((double)got[i] - want[i]);
        r += (double)want[i] * want[i];
    }
    e = sqrt(e);
    r = sqrt(r);
    int ok = e <= rel * r + abs_term;
    printf("  %-34s ||err|| %.3e  bound %.3e  ||ref|| %.3e  %s\n", what, e, rel * r + abs_term, r, ok ? "ok" : "FAIL");
    CHECK(ok);
}

static void check_loss(const char *what, double got, double want) {
    int ok = fabs(got - want) <= 1e-5 * fabs(want);
    printf("  %-34s %.9f  golden %.9f  rel %.1e  %s\n", what, got, want, fabs(got - want) / fabs(want), ok ? "ok" : "FAIL");
    CHECK(ok);
}

static double l2(const float *p, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)p[i] * p[i];
    return sqrt(s);
}

/* One case: loss + gradients at the start, three SGD steps, the update. */
static void run_case(siamcl_trainer *t, const char *scope, const char *prefix, const float *const *in,
                     const float *labels) {
    int np = siamcl_trainer_param_count(t);
    float **init = calloc((size_t)np, sizeof *init);
    for (int i = 0; i < np; i++) {
        size_t n = siamcl_trainer_param_size(t, i);
        init[i] = malloc(n * sizeof(float));
        CHECK_OK(siamcl_trainer_read(t, siamcl_trainer_param_name(t, i), 0, init[i], n));
    }
    double before[3];
    CHECK(json_nums(scope, "loss_before_step", before, 3) == 3);
    for (int s = 0; s < 3; s++) {
        double loss = 0;
        CHECK_OK(siamcl_trainer_compute(t, in, labels, &loss));
        char what[64];
        snprintf(what, sizeof what, "loss before step %d", s + 1);
        check_loss(what, loss, before[s]);
        if (s == 0)
            for (int i = 0; i < np; i++) {
                const char *name = siamcl_trainer_param_name(t, i);
                size_t n = siamcl_trainer_param_size(t, i);
                float *g = malloc(n * sizeof(float)), *want = golden(prefix, "grad", name, n);
                CHECK_OK(siamcl_trainer_read(t, name, 1, g, n));
                snprintf(what, sizeof what, "grad %s", name);
                check_norm(what, g, want, n, 1e-4, 1e-7 * sqrt((double)n));
                free(g);
                free(want);
            }
        CHECK_OK(siamcl_trainer_apply(t));
    }
    /* our own trajectory's loss: reported; its weights differ from golden's by up to the update
     * tolerance (float32 rounding of the parameters), see the check at golden's weights below */
    double loss = 0, want3 = json_num(scope, "loss_after_3_steps");
    CHECK_OK(siamcl_trainer_compute(t, in, labels, &loss));
    printf("  %-34s %.9f  golden %.9f  rel %.1e  (float32 trajectory, reported)\n", "loss after 3 steps", loss, want3,
           fabs(loss - want3) / fabs(want3));
    for (int i = 0; i < np; i++) {
        const char *name = siamcl_trainer_param_name(t, i);
        size_t n = siamcl_trainer_param_size(t, i);
        float *p = malloc(n * sizeof(float)), *want = golden(prefix, "update3", name, n);
        CHECK_OK(siamcl_trainer_read(t, name, 0, p, n));
        for (size_t k = 0; k < n; k++) p[k] -= init[i][k];
        char what[64];
        snprintf(what, sizeof what, "3-step update %s", name);
        check_norm(what, p, want, n, 1e-3, 4e-7 * l2(init[i], n));
        free(p);
        free(want);
        free(init[i]);
    }
    free(init);
    /* the loss at golden's weights after 3 steps */
    for (int i = 0; i < np; i++) {
        const char *name = siamcl_trainer_param_name(t, i);
        size_t n = siamcl_trainer_param_size(t, i);
        float *w = golden(prefix, "after3", name, n);
        CHECK_OK(siamcl_trainer_write(t, name, w, n));
        free(w);
    }
    CHECK_OK(siamcl_trainer_compute(t, in, labels, &loss));
    check_loss("loss at golden's 3-step weights", loss, want3);
}

static siamcl_model *load(const char *rel) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", tu_shared(), rel);
    siamcl_model *m = NULL;
    CHECK_OK(siamcl_model_load(path, &m));
    if (!m) exit(1);
    return m;
}

static void sgd_from_json(siamcl_train_params *p, const char *scope) {
    char sc[128];
    snprintf(sc, sizeof sc, "%s", scope);
    p->optimizer = SIAMCL_OPT_SGD;
    p->lr = (float)json_num(sc, "lr");
    p->momentum = (float)json_num(sc, "momentum");
    p->weight_decay = (float)json_num(sc, "weight_decay");
}

static void embed_case(siamcl_context *ctx, siamcl_loss_kind kind) {
    const char *scope = kind == SIAMCL_LOSS_CONTRASTIVE ? "\"embed-contrastive\"" : "\"embed-triplet\"";
    const char *prefix = kind == SIAMCL_LOSS_CONTRASTIVE ? "embed_contrastive" : "embed_triplet";
    printf("%s\n", scope);
    siamcl_model *m = load("golden/train/embed_net.onnx");
    siamcl_train_params p;
    siamcl_train_params_init(&p, kind);
    p.batch = 8;
    sgd_from_json(&p, scope);
    siamcl_trainer *t = NULL;
    CHECK_OK(siamcl_trainer_create(ctx, m, &p, &t));
    float *a = tu_load_f32("golden/train/embed_input_a_8x1x28x28.f32", 8 * 784);
    float *b = tu_load_f32("golden/train/embed_input_b_8x1x28x28.f32", 8 * 784);
    float *c = tu_load_f32("golden/train/embed_input_c_8x1x28x28.f32", 8 * 784);
    const float labels[8] = {0, 1, 0, 1, 1, 0, 1, 1};
    const float *in[3] = {a, b, c};
    /* the embeddings of a at the start */
    float emb[16], *want = golden(prefix, "embed", "a", 16);
    CHECK_OK(siamcl_trainer_embed(t, a, 8, emb, 16));
    check_norm("embeddings of a", emb, want, 16, 1e-5, 1e-7);
    CHECK(siamcl_trainer_output_size(t) == 2);
    run_case(t, scope, prefix, in, kind == SIAMCL_LOSS_CONTRASTIVE ? labels : NULL);
    free(a), free(b), free(c), free(want);
    siamcl_trainer_free(t);
    siamcl_model_free(m);
}

static void siamfc_case(siamcl_context *ctx) {
    const char *scope = "\"siamfc-logistic\"";
    printf("%s\n", scope);
    siamcl_model *m = load("models/siamfc-alexnet/backbone.onnx");
    siamcl_train_params p;
    siamcl_train_params_init(&p, SIAMCL_LOSS_LOGISTIC);
    p.batch = 3;
    p.template_batch = 1;
    p.head_bias = -2.1483638f;
    p.head_scale = 0.001f;
    sgd_from_json(&p, scope);
    siamcl_trainer *t = NULL;
    CHECK_OK(siamcl_trainer_create(ctx, m, &p, &t));
    float *z = tu_load_f32("golden/siamfc-alexnet/input_template_1x3x127x127.f32", 3 * 127 * 127);
    float *x = tu_load_f32("golden/siamfc-alexnet/input_search_3x3x255x255.f32", 3 * 3 * 255 * 255);
    const float *in[2] = {z, x};
    run_case(t, scope, "siamfc", in, NULL);
    free(z), free(x);
    siamcl_trainer_free(t);
    siamcl_model_free(m);
}

int main(void) {
    char path[1024];
    snprintf(path, sizeof path, "%s/golden/train/golden.json", tu_shared());
    size_t n = 0;
    char *raw = tu_read_file(path, &n);
    g_json = raw ? calloc(n + 1, 1) : NULL;
    if (g_json) memcpy(g_json, raw, n);
    free(raw);
    if (!g_json) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    siamcl_context *ctx = tu_context();
    embed_case(ctx, SIAMCL_LOSS_CONTRASTIVE);
    embed_case(ctx, SIAMCL_LOSS_TRIPLET);
    siamfc_case(ctx);
    siamcl_context_free(ctx);
    free(g_json);
    return tu_finish("test-train-golden");
}
