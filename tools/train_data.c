/* siamcl train's data: Fashion-MNIST from its IDX files, pair and triplet
 * sampling helpers, and the k-NN accuracy of embeddings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dist.h"
#include "train_cli.h"

uint64_t cli_rand_next(uint64_t *s) {
    uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ULL;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dULL;
}

/* dir/name or dir/name.gz, whichever exists (the .gz name when neither does, for the message) */
static void idx_path(const char *dir, const char *name, char *out, size_t cap) {
    snprintf(out, cap, "%s/%s", dir, name);
    if (access(out, R_OK) == 0) return;
    snprintf(out, cap, "%s/%s.gz", dir, name);
}

static int open_pair(const char *dir, const char *img, const char *lab, siamcl_idx *x, siamcl_idx *y) {
    char p[4096], q[4096];
    idx_path(dir, img, p, sizeof p);
    idx_path(dir, lab, q, sizeof q);
    siamcl_status st = siamcl_idx_read(p, x);
    if (st == SIAMCL_OK) st = siamcl_idx_read(q, y);
    if (st != SIAMCL_OK) {
        cli_fail(st, siamcl_last_error());
        if (st == SIAMCL_ERR_IO)
            fprintf(stderr, "siamcl train: Fashion-MNIST comes with Debian's dataset-fashion-mnist package "
                            "(apt-get install dataset-fashion-mnist), or give --data-dir\n");
        return 0;
    }
    if (x->ndims != 3 || x->dims[1] != 28 || x->dims[2] != 28) {
        fprintf(stderr, "siamcl train: %s: images are not N x 28 x 28\n", p);
        return 0;
    }
    if (y->ndims != 1 || y->dims[0] != x->dims[0]) {
        fprintf(stderr, "siamcl train: %s has %d labels for the %d images of %s\n", q, y->ndims == 1 ? y->dims[0] : -1,
                x->dims[0], p);
        return 0;
    }
    for (size_t i = 0; i < y->count; i++)
        if (y->data[i] > 9) {
            fprintf(stderr, "siamcl train: %s: label %d of item %zu is not a class 0..9\n", q, y->data[i], i);
            return 0;
        }
    return 1;
}

int cli_mnist_open(const char *dir, cli_mnist *m) {
    memset(m, 0, sizeof *m);
    if (open_pair(dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", &m->train_x, &m->train_y) &&
        open_pair(dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", &m->test_x, &m->test_y))
        return 1;
    cli_mnist_free(m);
    return 0;
}

void cli_mnist_free(cli_mnist *m) {
    siamcl_idx_free(&m->train_x);
    siamcl_idx_free(&m->train_y);
    siamcl_idx_free(&m->test_x);
    siamcl_idx_free(&m->test_y);
}

void cli_mnist_images(const siamcl_idx *x, const int *idx, int n, float *out) {
    for (int i = 0; i < n; i++) {
        const uint8_t *src = x->data + (size_t)idx[i] * 784;
        for (int k = 0; k < 784; k++) out[(size_t)i * 784 + k] = src[k] / 255.0f;
    }
}

double cli_knn_accuracy(const float *train, const uint8_t *train_lab, int ntrain, const float *test,
                        const uint8_t *test_lab, int ntest, int dim, int k) {
    if (k > 16) k = 16;
    long correct = 0;
    for (int i = 0; i < ntest; i++) {
        const float *q = test + (size_t)i * dim;
        double bd[16];
        int bl[16], nb = 0;
        for (int j = 0; j < ntrain; j++) {
            const float *r = train + (size_t)j * dim;
            double d = 0;
            for (int c = 0; c < dim; c++) d += (double)(q[c] - r[c]) * (q[c] - r[c]);
            if (nb == k && d >= bd[k - 1]) continue;
            int at = nb < k ? nb++ : k - 1;
            while (at > 0 && bd[at - 1] > d) { /* keep the k nearest sorted */
                bd[at] = bd[at - 1];
                bl[at] = bl[at - 1];
                at--;
            }
            bd[at] = d;
            bl[at] = train_lab[j];
        }
        int votes[256] = {0}, best = -1;
        for (int t = 0; t < nb; t++) votes[bl[t]]++;
        for (int t = 0; t < nb; t++) /* most votes; ties go to the class of the nearer neighbour */
            if (best < 0 || votes[bl[t]] > votes[best]) best = bl[t];
        correct += best == test_lab[i];
    }
    return ntest ? (double)correct / ntest : 0.0;
}

/* ---- siamcl train --data fashion-mnist ---- */
static const char *const FASHION_NAMES[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                              "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

typedef struct mnist_src {
    const cli_mnist *m;
    int *by_cls[10], ncls[10];
    int triplet, batch;
    int *ia, *ib, *ic;
    float *a, *b, *c, *lab;
} mnist_src;

/* A partner of class c (same) or of a uniformly chosen other class. */
static int pick(const mnist_src *s, int c, int same, uint64_t *rng) {
    int k = same ? c : (int)((c + 1 + cli_rand_next(rng) % 9) % 10);
    return s->by_cls[k][cli_rand_next(rng) % (uint64_t)s->ncls[k]];
}

/* Anchors uniform over the training images; pairs half similar, half not. */
static int mnist_next(void *ctx, uint64_t *rng) {
    mnist_src *s = ctx;
    int n = s->m->train_x.dims[0];
    for (int i = 0; i < s->batch; i++) {
        int a = (int)(cli_rand_next(rng) % (uint64_t)n), c = s->m->train_y.data[a];
        s->ia[i] = a;
        if (s->triplet) {
            s->ib[i] = pick(s, c, 1, rng);
            s->ic[i] = pick(s, c, 0, rng);
        } else {
            int same = (cli_rand_next(rng) & 1) == 0;
            s->ib[i] = pick(s, c, same, rng);
            s->lab[i] = same ? 0.0f : 1.0f;
        }
    }
    cli_mnist_images(&s->m->train_x, s->ia, s->batch, s->a);
    cli_mnist_images(&s->m->train_x, s->ib, s->batch, s->b);
    if (s->triplet) cli_mnist_images(&s->m->train_x, s->ic, s->batch, s->c);
    return 1;
}

static int src_init(mnist_src *s, const cli_mnist *m, int triplet, int batch) {
    memset(s, 0, sizeof *s);
    s->m = m;
    s->triplet = triplet;
    s->batch = batch;
    int n = m->train_x.dims[0];
    for (int i = 0; i < n; i++) s->ncls[m->train_y.data[i]]++;
    int ok = 1;
    for (int c = 0; c < 10; c++) {
        if (!s->ncls[c]) {
            fprintf(stderr, "siamcl train: the training labels have no image of class %d\n", c);
            ok = 0;
        }
        s->by_cls[c] = malloc((size_t)(s->ncls[c] + 1) * sizeof(int));
        ok = ok && s->by_cls[c];
        s->ncls[c] = 0;
    }
    for (int i = 0; ok && i < n; i++) s->by_cls[m->train_y.data[i]][s->ncls[m->train_y.data[i]]++] = i;
    size_t img = (size_t)batch * 784 * sizeof(float);
    s->ia = malloc(batch * sizeof(int)), s->ib = malloc(batch * sizeof(int)), s->ic = malloc(batch * sizeof(int));
    s->a = malloc(img), s->b = malloc(img), s->c = malloc(img), s->lab = malloc(batch * sizeof(float));
    return ok && s->ia && s->ib && s->ic && s->a && s->b && s->c && s->lab;
}

static void src_free(mnist_src *s) {
    for (int c = 0; c < 10; c++) free(s->by_cls[c]);
    free(s->ia), free(s->ib), free(s->ic), free(s->a), free(s->b), free(s->c), free(s->lab);
}

/* Embeddings of a whole split, in chunks of 500 images (NULL after an error, reported). */
static float *embed_split(siamcl_trainer *t, const siamcl_idx *x, int dim) {
    int n = x->dims[0], chunk = 500;
    float *out = malloc((size_t)n * dim * sizeof(float)), *img = malloc((size_t)chunk * 784 * sizeof(float));
    int *idx = malloc((size_t)chunk * sizeof(int));
    for (int s = 0; out && img && idx && s < n; s += chunk) {
        int m = n - s < chunk ? n - s : chunk;
        for (int i = 0; i < m; i++) idx[i] = s + i;
        cli_mnist_images(x, idx, m, img);
        siamcl_status st = siamcl_trainer_embed(t, img, m, out + (size_t)s * dim, (size_t)m * dim);
        if (st != SIAMCL_OK) {
            cli_fail(st, siamcl_last_error());
            free(out);
            out = NULL;
        }
    }
    free(img);
    free(idx);
    return out;
}

/* k-NN accuracy of the test split and the scatter plot of its embedding. */
static int evaluate(siamcl_trainer *t, const cli_mnist *m, const train_opts *o, const train_files *f) {
    int dim = (int)siamcl_trainer_output_size(t);
    double t0 = cli_now_s();
    float *tr = embed_split(t, &m->train_x, dim), *te = tr ? embed_split(t, &m->test_x, dim) : NULL;
    int ok = te != NULL;
    if (ok) {
        double acc = cli_knn_accuracy(tr, m->train_y.data, m->train_x.dims[0], te, m->test_y.data, m->test_x.dims[0],
                                      dim, 5);
        printf("k-NN accuracy (k = 5, %d test vs %d train embeddings of dimension %d): %.2f%% (%.1f s)\n",
               m->test_x.dims[0], m->train_x.dims[0], dim, 100.0 * acc, cli_now_s() - t0);
    }
    if (ok && dim >= 2) {
        int n = m->test_x.dims[0];
        float *xy = malloc((size_t)n * 2 * sizeof(float));
        for (int i = 0; xy && i < n; i++) {
            xy[2 * i] = te[(size_t)i * dim];
            xy[2 * i + 1] = te[(size_t)i * dim + 1];
        }
        char title[128];
        snprintf(title, sizeof title, "Fashion-MNIST test embedding (%s)%s", o->loss, dim > 2 ? ", dims 0-1" : "");
        ok = xy && cli_plot_scatter(f->scatter, title, xy, m->test_y.data, n, FASHION_NAMES, 10, 3);
        if (ok) printf("embedding plot: %s\n", f->scatter);
        free(xy);
    }
    free(tr);
    free(te);
    return ok ? 0 : 1;
}

int train_mnist(siamcl_trainer *t, const train_opts *o, const train_files *f, float lr0) {
    cli_mnist m;
    if (!cli_mnist_open(o->data_dir, &m)) return 1;
    siamcl_shape in = siamcl_trainer_input_shape(t);
    if (in.c != 1 || in.h != 28 || in.w != 28) {
        fprintf(stderr, "siamcl train: the model's input is %dx%dx%d; Fashion-MNIST needs 1x28x28\n", in.c, in.h, in.w);
        cli_mnist_free(&m);
        return 1;
    }
    mnist_src s;
    int triplet = !strcmp(o->loss, "triplet"), batch = o->global_batch;
    int rc = src_init(&s, &m, triplet, batch) ? 0 : cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "training batches");
    const float *in3[3] = {s.a, s.b, s.c};
    train_source src = {mnist_next, &s, in3, triplet ? NULL : s.lab, {784, 784, 784}};
    int steps = o->steps ? o->steps : m.train_x.dims[0] / batch;
    if (rc == 0) rc = train_run(t, o, f, lr0, steps > 0 ? steps : 1, &src);
    if (rc == 0 && dist_rank() == 0) rc = evaluate(t, &m, o, f);
    src_free(&s);
    cli_mnist_free(&m);
    return rc;
}
