/* siamcl train, shared between its files: options, output names, the epoch
 * loop (train_loop.c) and the data sources (train_data.c, train_otb.c). */
#ifndef SIAMCL_TRAIN_CLI_H
#define SIAMCL_TRAIN_CLI_H

#include "cli.h"

/* train_data.c: Fashion-MNIST pairs / triplets and the k-NN score. */
typedef struct cli_mnist {
    siamcl_idx train_x, train_y, test_x, test_y;
} cli_mnist;
/* dir/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]; labels must match the images. */
int cli_mnist_open(const char *dir, cli_mnist *m);
void cli_mnist_free(cli_mnist *m);
/* Images i of set x as floats in 0..1 (28*28 each) into out. */
void cli_mnist_images(const siamcl_idx *x, const int *idx, int n, float *out);
/* k-NN (k = 5, Euclidean, majority vote, ties to the nearest) accuracy of the
 * test embeddings against the train embeddings (dim floats each). */
double cli_knn_accuracy(const float *train, const uint8_t *train_lab, int ntrain, const float *test,
                        const uint8_t *test_lab, int ntest, int dim, int k);
/* xorshift RNG, seeded per run (train_data.c) */
uint64_t cli_rand_next(uint64_t *s);


typedef struct train_opts {
    const char *model, *data, *loss, *out, *optimizer, *data_dir, *checkpoint, *plots;
    int epochs, batch, steps, seed, device, fresh, lr_step;
    /* data parallel (MPI): every rank samples the global batch, runs items
     * [shard0, shard0 + shard) of it, and the gradients are averaged */
    int global_batch, shard0, shard;
    float lr, lr_end, lr_gamma, momentum, weight_decay, margin; /* momentum, weight_decay, margin: -1 unset */
    const char *const *seqs, *const *val;
    int nseqs, nval;
} train_opts;

typedef struct train_files {
    char out[2048], ckpt[2048], curve[2048], scatter[2048], losses[2048];
} train_files;

/* A batch source: fill the inputs (and labels) of the global batch for the next step. */
typedef struct train_source {
    int (*next)(void *ctx, uint64_t *rng);
    void *ctx;
    const float *const *inputs;
    const float *labels;
    size_t item[3]; /* floats per item of each input */
} train_source;

/* Progress bar on stderr: redrawn in place on a terminal, once per epoch otherwise. */
typedef struct train_progress_state {
    double t0;
    long done, total;
    int tty;
    float lr;       /* the epoch's learning rate, shown on the bar */
} train_progress_state;
void train_progress(const train_progress_state *s, int epoch, int epochs, int step, int steps, double loss);

/* Epochs [resumed .. o->epochs) of `steps` steps: learning-rate schedule,
 * progress bar, checkpoint + loss log per epoch, loss-curve PNG. 0 on success. */
int train_run(siamcl_trainer *t, const train_opts *o, const train_files *f, float lr0, int steps, train_source *src);

int train_mnist(siamcl_trainer *t, const train_opts *o, const train_files *f, float lr0);
/* SiamFC description d; *before: the validation AUC with the model as loaded (--val). */
int train_otb(siamcl_trainer *t, const train_opts *o, const train_files *f, float lr0, const siamcl_tracker_desc *d,
              double *before);
/* The validation AUC with the exported model `trained`, beside `before` (nothing without --val). */
int train_otb_validate(const train_opts *o, const siamcl_tracker_desc *d, const char *trained, double before);

#endif
