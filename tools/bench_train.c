/* siamcl bench --train: one training step (forward, backward, optimiser
 * update, the loss read back) of the embedding net of golden/train at batch
 * 128 pairs (contrastive, Adam) and of SiamFC AlexNet at batch 8
 * template/search pairs (logistic, SGD), on random inputs; medians over
 * --runs after --warmup. scripts/torch_peer.py times PyTorch on the same. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train_cli.h"

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Steps of trainer t on inputs in (labels lab); median ms into *ms. */
static siamcl_status time_steps(siamcl_trainer *t, const float *const *in, const float *lab, int warmup, int runs,
                                double *ms, double *mn, double *mx) {
    double *v = malloc((size_t)runs * sizeof *v), loss;
    if (!v) return SIAMCL_ERR_OUT_OF_MEMORY;
    siamcl_status st = SIAMCL_OK;
    for (int i = 0; i < warmup + runs && st == SIAMCL_OK; i++) {
        double t0 = cli_now_s();
        st = siamcl_trainer_step(t, in, lab, &loss);
        if (i >= warmup) v[i - warmup] = (cli_now_s() - t0) * 1e3;
    }
    if (st == SIAMCL_OK) {
        qsort(v, (size_t)runs, sizeof *v, cmp_d);
        *ms = v[runs / 2];
        *mn = v[0];
        *mx = v[runs - 1];
    }
    free(v);
    return st;
}

static float *random_floats(size_t n, float scale, unsigned seed) {
    float *p = malloc(n * sizeof *p);
    uint64_t s = seed;
    for (size_t i = 0; p && i < n; i++) p[i] = (float)(cli_rand_next(&s) >> 40) / (float)(1 << 24) * scale;
    return p;
}

typedef struct case_def {
    const char *what, *model;
    siamcl_loss_kind loss;
    int batch, inputs;
    size_t item[2]; /* floats per input item */
    float scale;
} case_def;

static int run_case(siamcl_context *ctx, const case_def *c, int warmup, int runs) {
    siamcl_model *m = NULL;
    siamcl_status st = siamcl_model_load(c->model, &m);
    if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error());
    siamcl_train_params p;
    siamcl_train_params_init(&p, c->loss);
    p.batch = c->batch;
    p.template_batch = c->batch;
    p.optimizer = c->loss == SIAMCL_LOSS_LOGISTIC ? SIAMCL_OPT_SGD : SIAMCL_OPT_ADAM;
    if (c->loss == SIAMCL_LOSS_LOGISTIC) p.lr = 1e-6f; /* 0..255 inputs, unnormalised: a larger step diverges */
    siamcl_trainer *t = NULL;
    st = siamcl_trainer_create(ctx, m, &p, &t);
    siamcl_model_free(m);
    if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error());
    float *in[3] = {NULL, NULL, NULL}, *lab = random_floats((size_t)c->batch, 1, 7);
    for (int i = 0; i < c->inputs; i++) in[i] = random_floats(c->batch * c->item[i ? 1 : 0], c->scale, 11 + i);
    for (int i = 0; lab && i < c->batch; i++) lab[i] = (float)(i & 1);
    double ms = 0, mn = 0, mx = 0;
    st = time_steps(t, (const float *const *)in, lab, warmup, runs, &ms, &mn, &mx);
    if (st == SIAMCL_OK)
        printf("  %-44s %8.1f ms/step (%.1f..%.1f)  %6.2f steps/s\n", c->what, ms, mn, mx, 1e3 / ms);
    for (int i = 0; i < 3; i++) free(in[i]);
    free(lab);
    siamcl_trainer_free(t);
    return st == SIAMCL_OK ? 0 : cli_fail(st, siamcl_last_error());
}

static void usage_train(FILE *f) {
    fprintf(f, "usage: siamcl bench --train [--runs N] [--warmup N]\n"
               "Times one training step of the embedding net (batch 128 pairs) and SiamFC AlexNet (batch 8).\n");
}

int cli_bench_train(int argc, char **argv) {
    int runs = 10, warmup = 3;
    int train = 0;
    const cli_opt opts[] = {
        CLI_OPT_FLAG("--train", &train), CLI_OPT_INT("--runs", &runs, 1, 100000),
        CLI_OPT_INT("--warmup", &warmup, 0, 100000), CLI_OPT_END,
    };
    int r = cli_parse_opts("bench --train", argc, argv, opts, usage_train);
    if (r <= 0) return r < 0 ? 0 : 2;
    char embed[2048], alex[2048];
    snprintf(embed, sizeof embed, "%s/golden/train/embed_net.onnx", cli_shared_dir());
    siamcl_tracker_desc d;
    siamcl_status st = siamcl_tracker_desc_load("siamfc-alexnet", NULL, &d);
    if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error());
    snprintf(alex, sizeof alex, "%s", d.backbone);
    siamcl_context *ctx = NULL;
    st = siamcl_context_create(NULL, &ctx);
    if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error());
    siamcl_device_info info;
    siamcl_context_device_info(ctx, 0, &info);
    printf("training step (forward + backward + update), %s, median of %d after %d warm-up\n", info.name, runs,
           warmup);
    const case_def cases[2] = {
        {"embed_net contrastive, batch 128 pairs (Adam)", embed, SIAMCL_LOSS_CONTRASTIVE, 128, 2, {784, 784}, 1},
        {"SiamFC AlexNet logistic, batch 8 pairs (SGD)", alex, SIAMCL_LOSS_LOGISTIC, 8, 2,
         {3 * 127 * 127, 3 * 255 * 255}, 255}};
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++) rc = run_case(ctx, &cases[i], warmup, runs);
    printf("the PyTorch peer: /usr/bin/python3 scripts/torch_peer.py --threads N (same steps)\n");
    siamcl_context_free(ctx);
    return rc;
}
