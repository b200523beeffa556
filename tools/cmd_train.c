/* siamcl train: train a Siamese network on Fashion-MNIST pairs (contrastive)
 * or triplets, with a progress bar, a checkpoint per epoch that a rerun
 * resumes from, a loss curve, the test embedding's scatter plot and its k-NN
 * accuracy; the trained weights are written as ONNX. (--data otb: train_otb.c.) */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "dist.h"
#include "train_cli.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: siamcl train --model NET.onnx|NAME --data fashion-mnist|otb --loss contrastive|triplet|logistic\n"
            "                    --epochs N --out TRAINED.onnx [options]\n\n"
            "Trains the network (its weights shared by the twin branches) on the selected device and\n"
            "writes the trained weights as an ONNX file with the same graph. NAME is a model\n"
            "description such as siamfc-alexnet (its backbone is trained).\n\n"
            "data:\n"
            "  fashion-mnist   IDX files of Debian's dataset-fashion-mnist; pairs (half similar) or\n"
            "                  triplets sampled anew each epoch; ends with the k-NN (k = 5) accuracy of\n"
            "                  the test embeddings against the train embeddings and a scatter plot\n"
            "  otb             SiamFC fine-tuning on OTB sequences (--seqs DIR...), logistic loss\n\n"
            "options:\n"
            "  --batch N          pairs / triplets / search crops per step (128; otb 8)\n"
            "  --optimizer adam|sgd  (adam for fashion-mnist, sgd for otb)\n"
            "  --lr X             learning rate (adam 1e-3; sgd 1e-2, otb 1e-6)\n"
            "  --lr-end X         exponential decay to X at the last epoch (SiamFC's log-space schedule)\n"
            "  --lr-step N,G      step schedule: multiply by G every N epochs\n"
            "  --momentum X       SGD momentum (0.9)\n"
            "  --weight-decay X   (0; otb 5e-4)\n"
            "  --margin X         contrastive / triplet margin (1)\n"
            "  --steps N          steps per epoch (default: one pass over the training images)\n"
            "  --seed N           sampling seed (1)\n"
            "  --data-dir DIR     IDX folder (default /usr/share/datasets/fashion-mnist)\n"
            "  --seqs DIR...      otb: training sequences (folders); --val SEQ...: validation sequences\n"
            "  --checkpoint FILE  per-epoch checkpoint (default TRAINED.onnx.ckpt), resumed when present\n"
            "  --fresh            ignore an existing checkpoint\n"
            "  --plots DIR        where the PNGs go (default: TRAINED.onnx's folder)\n"
            "  --device N         device index in the selected context (0; under mpirun the local rank\n"
            "                     modulo the devices)\n"
            "The input model is never overwritten.\n\n"
            "over MPI (%s): mpirun -n N siamcl train ... splits every batch over N ranks (each\n"
            "draws the same batch and runs its share) and averages the gradients with MPI_Allreduce:\n"
            "the same steps as one process with the whole batch (to float rounding; BatchNormalization\n"
            "uses each rank's share for its statistics). Rank 0 writes the files; the checkpoint is\n"
            "read by every rank on resume (a shared folder).\n",
            dist_built() ? "built in" : "not in this build: -DSIAMCL_MPI=ON");
}

/* --lr-step N,G */
static int lr_step(const char *opt, const char *v, void *dst) {
    train_opts *o = dst;
    char n[32];
    const char *comma = strchr(v, ',');
    if (!comma || comma - v >= (long)sizeof n) {
        fprintf(stderr, "siamcl train: %s wants N,G (e.g. 5,0.1), got '%s'\n", opt, v);
        return 0;
    }
    snprintf(n, sizeof n, "%.*s", (int)(comma - v), v);
    return cli_parse_int(opt, n, 1, 100000, &o->lr_step) && cli_parse_float(opt, comma + 1, 1e-6, 1, &o->lr_gamma);
}

/* 1 parsed, 0 refused, -1 --help */
static int parse(int argc, char **argv, train_opts *o) {
    memset(o, 0, sizeof *o);
    o->epochs = -1;
    o->seed = 1;
    o->device = -1;
    o->data_dir = "/usr/share/datasets/fashion-mnist";
    o->momentum = o->weight_decay = o->margin = -1; /* unset: the data set's defaults */
    cli_list seqs = {NULL, 0}, val = {NULL, 0};
    const cli_opt opts[] = {
        CLI_OPT_STR("--model", &o->model),          CLI_OPT_STR("--data", &o->data),
        CLI_OPT_STR("--loss", &o->loss),            CLI_OPT_STR("--out", &o->out),
        CLI_OPT_STR("--optimizer", &o->optimizer),  CLI_OPT_STR("--data-dir", &o->data_dir),
        CLI_OPT_STR("--checkpoint", &o->checkpoint), CLI_OPT_STR("--plots", &o->plots),
        CLI_OPT_FLAG("--fresh", &o->fresh),
        CLI_OPT_INT("--epochs", &o->epochs, 1, 100000),
        CLI_OPT_INT("--batch", &o->batch, 1, 65536),
        CLI_OPT_INT("--steps", &o->steps, 1, 100000000),
        CLI_OPT_INT("--seed", &o->seed, 0, 2147483647),
        CLI_OPT_INT("--device", &o->device, 0, 255),
        CLI_OPT_FLOAT("--lr", &o->lr, 1e-12, 10),
        CLI_OPT_FLOAT("--lr-end", &o->lr_end, 1e-12, 10),
        CLI_OPT_FN("--lr-step", o, lr_step),
        CLI_OPT_FLOAT("--momentum", &o->momentum, 0, 0.9999),
        CLI_OPT_FLOAT("--weight-decay", &o->weight_decay, 0, 1),
        CLI_OPT_FLOAT("--margin", &o->margin, 0, 1e6),
        CLI_OPT_LIST("--seqs", &seqs),              CLI_OPT_LIST("--val", &val),
        CLI_OPT_END,
    };
    int r = cli_parse_opts("train", argc, argv, opts, usage);
    if (r <= 0) return r;
    o->seqs = seqs.v, o->nseqs = seqs.n, o->val = val.v, o->nval = val.n;
    const char *missing = !o->model ? "--model" : !o->data ? "--data" : !o->loss ? "--loss" : o->epochs < 0 ? "--epochs"
                          : !o->out ? "--out" : NULL;
    if (missing) {
        fprintf(stderr, "siamcl train: %s is required (see siamcl train --help)\n", missing);
        return 0;
    }
    if (strlen(o->out) > 1000 || (o->checkpoint && strlen(o->checkpoint) > 1000) || (o->plots && strlen(o->plots) > 900)) {
        fprintf(stderr, "siamcl train: --out, --checkpoint and --plots are limited to 1000 characters\n");
        return 0;
    }
    return 1;
}

/* The ONNX file to train: a path, or a model description's backbone (*d
 * filled and *have_desc = 1 then). */
static int resolve_model(const char *m, char *out, size_t cap, siamcl_tracker_desc *d, int *have_desc) {
    struct stat sb;
    size_t n = strlen(m);
    *have_desc = 0;
    if (stat(m, &sb) == 0 || (n > 5 && !strcmp(m + n - 5, ".onnx"))) {
        snprintf(out, cap, "%s", m);
        return 1;
    }
    siamcl_status st = siamcl_tracker_desc_load(m, NULL, d);
    if (st != SIAMCL_OK) {
        cli_fail(st, siamcl_last_error());
        return 0;
    }
    snprintf(out, cap, "%s", d->backbone);
    *have_desc = 1;
    return 1;
}

static int loss_kind(const char *s, siamcl_loss_kind *k) {
    if (!strcmp(s, "contrastive")) *k = SIAMCL_LOSS_CONTRASTIVE;
    else if (!strcmp(s, "triplet")) *k = SIAMCL_LOSS_TRIPLET;
    else if (!strcmp(s, "logistic")) *k = SIAMCL_LOSS_LOGISTIC;
    else {
        fprintf(stderr, "siamcl train: --loss wants contrastive, triplet or logistic, got '%s'\n", s);
        return 0;
    }
    return 1;
}

/* Options -> trainer parameters, with the data set's defaults (otb: the head
 * and crops of the SiamFC description d, NULL when the model was a file). */
static int train_params(train_opts *o, int otb, const siamcl_tracker_desc *d, siamcl_train_params *p) {
    siamcl_loss_kind k;
    if (!loss_kind(o->loss, &k)) return 0;
    if (otb != (k == SIAMCL_LOSS_LOGISTIC)) {
        fprintf(stderr, "siamcl train: --data %s goes with --loss %s\n", o->data, otb ? "logistic" : "contrastive or triplet");
        return 0;
    }
    siamcl_train_params_init(p, k);
    o->global_batch = o->batch ? o->batch : otb ? 8 : 128;
    int ranks = dist_size(), r = dist_rank();
    if (o->global_batch < ranks) {
        if (r == 0) fprintf(stderr, "siamcl train: --batch %d is smaller than the %d MPI ranks it is split over\n",
                            o->global_batch, ranks);
        return 0;
    }
    /* rank r runs items [B r / N, B (r + 1) / N) of each batch */
    o->shard0 = (int)((long)o->global_batch * r / ranks);
    o->shard = (int)((long)o->global_batch * (r + 1) / ranks) - o->shard0;
    p->batch = o->shard;
    p->template_batch = otb ? p->batch : 1;
    const char *opt = o->optimizer ? o->optimizer : otb ? "sgd" : "adam";
    if (strcmp(opt, "sgd") && strcmp(opt, "adam")) {
        fprintf(stderr, "siamcl train: --optimizer wants sgd or adam, got '%s'\n", opt);
        return 0;
    }
    p->optimizer = !strcmp(opt, "adam") ? SIAMCL_OPT_ADAM : SIAMCL_OPT_SGD;
    /* the shared SiamFC backbone is BN-folded and unnormalised (0..255 input): its gradients are
     * large (||dL/dconv1|| ~ 120 on the golden crops), fine-tuning wants a small step */
    p->lr = o->lr > 0 ? o->lr : p->optimizer == SIAMCL_OPT_ADAM ? 1e-3f : otb ? 1e-6f : 1e-2f;
    if (o->momentum >= 0) p->momentum = o->momentum; /* given (-1: unset) */
    p->weight_decay = o->weight_decay >= 0 ? o->weight_decay : otb ? 5e-4f : 0.0f;
    if (o->margin >= 0) p->margin = o->margin;
    p->device = o->device;
    if (otb) {
        if (!d || d->kind != SIAMCL_TRACKER_SIAMFC) {
            fprintf(stderr, "siamcl train: --data otb fine-tunes a SiamFC model description (--model siamfc-alexnet)\n");
            return 0;
        }
        p->head_scale = (float)d->head_scale;
        p->head_bias = (float)d->head_bias;
        p->template_size = d->exemplar_size;
        p->search_size = d->instance_size;
        p->total_stride = (float)d->stride;
    }
    return 1;
}

static void out_files(const train_opts *o, train_files *f) {
    snprintf(f->out, sizeof f->out, "%s", o->out);
    if (o->checkpoint) snprintf(f->ckpt, sizeof f->ckpt, "%s", o->checkpoint);
    else snprintf(f->ckpt, sizeof f->ckpt, "%.2000s.ckpt", o->out);
    /* pictures beside the output, named after it without .onnx */
    char stem[2048], dir[2048];
    snprintf(stem, sizeof stem, "%s", o->out);
    size_t n = strlen(stem);
    if (n > 5 && !strcmp(stem + n - 5, ".onnx")) stem[n - 5] = 0;
    const char *base = strrchr(stem, '/');
    if (o->plots) snprintf(dir, sizeof dir, "%s/%s", o->plots, base ? base + 1 : stem);
    else snprintf(dir, sizeof dir, "%s", stem);
    snprintf(f->curve, sizeof f->curve, "%.2000s-loss.png", dir);
    snprintf(f->scatter, sizeof f->scatter, "%.2000s-embedding.png", dir);
    snprintf(f->losses, sizeof f->losses, "%.2000s.losses", f->ckpt);
}

static int run(siamcl_context *ctx, train_opts *o, int otb) {
    char path[4096];
    siamcl_tracker_desc d;
    int have_desc;
    if (!resolve_model(o->model, path, sizeof path, &d, &have_desc)) return 1;
    siamcl_train_params p;
    if (!train_params(o, otb, have_desc ? &d : NULL, &p)) return 2;
    p.device = dist_device(ctx, o->device);
    struct stat a, b;
    if (stat(path, &a) == 0 && stat(o->out, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
        fprintf(stderr, "siamcl train: --out %s is the source model; write the trained model to another file\n", o->out);
        return 2;
    }
    train_files f;
    out_files(o, &f);
    if (o->plots && !cli_make_dirs(o->plots)) return 1;
    char dir[2048];
    snprintf(dir, sizeof dir, "%s", o->out);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = 0;
        if (!cli_make_dirs(dir)) return 1;
    }
    siamcl_model *m = NULL;
    siamcl_status st = siamcl_model_load(path, &m);
    if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error());
    siamcl_trainer *t = NULL;
    st = siamcl_trainer_create(ctx, m, &p, &t);
    siamcl_model_free(m);
    if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error());
    printf("model %s: %d parameter tensors, batch %d, %s lr %g, loss %s\n", path, siamcl_trainer_param_count(t),
           o->global_batch, p.optimizer == SIAMCL_OPT_ADAM ? "Adam" : "SGD", p.lr, o->loss);
    if (dist_size() > 1)
        printf("data parallel over %d MPI ranks: %d-%d items of each batch per rank, gradients averaged\n",
               dist_size(), o->global_batch / dist_size(), (o->global_batch + dist_size() - 1) / dist_size());
    double before = 0;
    int rc = otb ? train_otb(t, o, &f, p.lr, &d, &before) : train_mnist(t, o, &f, p.lr);
    dist_settled(1); /* the ranks exchange nothing after the epochs */
    if (rc == 0 && dist_rank() == 0) {
        st = siamcl_trainer_export(t, f.out);
        if (st != SIAMCL_OK) rc = cli_fail(st, siamcl_last_error());
        else printf("trained model: %s\n", f.out);
    }
    if (rc == 0 && otb) rc = train_otb_validate(o, &d, f.out, before);
    siamcl_trainer_free(t);
    return rc;
}

int cmd_train(int argc, char **argv) {
    train_opts o;
    int p = parse(argc, argv, &o);
    if (p <= 0) return p < 0 ? 0 : 2;
    if (dist_rank() != 0 && !freopen("/dev/null", "w", stdout)) return 1; /* rank 0 reports */
    dist_settled(1); /* until the epochs: every rank reads the same options and files, and fails alike */
    int otb = !strcmp(o.data, "otb");
    if (!otb && strcmp(o.data, "fashion-mnist")) {
        fprintf(stderr, "siamcl train: --data wants fashion-mnist or otb, got '%s'\n", o.data);
        return 2;
    }
    if (otb && o.nseqs == 0) {
        fprintf(stderr, "siamcl train: --data otb needs --seqs DIR...\n");
        return 2;
    }
    siamcl_context *ctx = NULL;
    siamcl_status st = siamcl_context_create(NULL, &ctx);
    if (st != SIAMCL_OK) return cli_fail(st, siamcl_last_error());
    int rc = run(ctx, &o, otb);
    siamcl_context_free(ctx);
    return rc;
}
