/* siamcl train's epoch loop: resume from the checkpoint, the learning-rate
 * schedule, steps with a progress bar, a checkpoint and the loss log after
 * every epoch, and the loss curve.
 *
 * The loss log (CHECKPOINT.losses) holds one line per step, "step loss", so
 * that a resumed run draws the whole curve; lines past the checkpoint's step
 * (an epoch cut short) are dropped on resume.
 *
 * Under mpirun (data parallel): every rank draws the same global batch, runs
 * its share of it, and the gradients are summed over the ranks with
 * MPI_Allreduce, each weighted by its share, so every rank takes the same
 * optimiser step as one process with the whole batch. Rank 0 alone writes
 * the checkpoint, the loss log and the pictures; every rank resumes from the
 * checkpoint (a folder they share). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dist.h"
#include "train_cli.h"

static float lr_at(const train_opts *o, float lr0, int epoch) {
    if (o->lr_end > 0 && o->epochs > 1) return (float)(lr0 * pow(o->lr_end / lr0, (double)epoch / (o->epochs - 1)));
    if (o->lr_step > 0) return (float)(lr0 * pow(o->lr_gamma, epoch / o->lr_step));
    return lr0;
}

void train_progress(const train_progress_state *s, int epoch, int epochs, int step, int steps, double loss) {
    if ((!s->tty && step < steps) || dist_rank() != 0) return;
    double el = cli_now_s() - s->t0;
    double rate = s->done > 0 && el > 0 ? s->done / el : 0;
    double eta = rate > 0 ? (s->total - s->done) / rate : 0;
    char bar[32];
    cli_bar(bar, 24, step, steps);
    fprintf(stderr, "%sepoch %d/%d [%s] step %d/%d  loss %.5f  lr %.3g  %.1f steps/s  ETA %d:%02d ",
            s->tty ? "\r" : "", epoch, epochs, bar, step, steps, loss, s->lr, rate, (int)eta / 60, (int)eta % 60);
    if (step == steps) fputc('\n', stderr);
    fflush(stderr);
}

typedef struct losses {
    double *v;
    long n, cap;
} losses;

static int push(losses *l, double v) {
    if (l->n == l->cap) {
        long cap = l->cap ? 2 * l->cap : 1024;
        double *p = realloc(l->v, (size_t)cap * sizeof *p);
        if (!p) return 0;
        l->v = p;
        l->cap = cap;
    }
    l->v[l->n++] = v;
    return 1;
}

/* The first `steps` losses of a previous run's log (0 if it has fewer). */
static int read_log(const char *path, long steps, losses *l) {
    FILE *f = fopen(path, "r");
    if (!f) return steps == 0;
    long s;
    double v;
    while (l->n < steps && fscanf(f, "%ld %lf", &s, &v) == 2 && s == l->n + 1) push(l, v);
    fclose(f);
    return l->n == steps;
}

static int write_log(const char *path, const losses *l) {
    char tmp[2100];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return 0;
    for (long i = 0; i < l->n; i++) fprintf(f, "%ld %.9g\n", i + 1, l->v[i]);
    return fclose(f) == 0 && rename(tmp, path) == 0;
}

/* Resume: load the checkpoint when there is one (and --fresh is not given). */
static int resume(siamcl_trainer *t, const train_opts *o, const train_files *f, int steps, losses *l, int *epoch0) {
    *epoch0 = 0;
    if (o->fresh || access(f->ckpt, F_OK) != 0) return 1;
    siamcl_status st = siamcl_trainer_load(t, f->ckpt);
    if (st != SIAMCL_OK) {
        cli_fail(st, siamcl_last_error());
        fprintf(stderr, "siamcl train: remove %s or pass --fresh to start over\n", f->ckpt);
        return 0;
    }
    long done = siamcl_trainer_steps(t);
    if (done % steps) {
        fprintf(stderr, "siamcl train: %s is at step %ld, not an epoch boundary of %d steps (another --steps or "
                        "--batch?); pass --fresh to start over\n", f->ckpt, done, steps);
        return 0;
    }
    *epoch0 = (int)(done / steps);
    if (!read_log(f->losses, done, l)) l->n = 0; /* the curve then starts here */
    printf("resuming from %s: %d epoch(s) done\n", f->ckpt, *epoch0);
    return 1;
}

/* This rank's part of the global batch. */
static void shard_of(const train_opts *o, const train_source *src, const float **in, const float **lab) {
    for (int k = 0; k < 3; k++) in[k] = src->inputs[k] ? src->inputs[k] + (size_t)o->shard0 * src->item[k] : NULL;
    *lab = src->labels ? src->labels + o->shard0 : NULL;
}

/* Data parallel: the batch's loss and gradient from every rank's share
 * (weighted by its size); a failure anywhere stops every rank (*elsewhere = 1
 * when this rank's own share went fine). */
static siamcl_status reduce(siamcl_trainer *t, const train_opts *o, siamcl_status st, double *loss, float *g, size_t n,
                            int *elsewhere) {
    double w = (double)o->shard / o->global_batch, v[2] = {st == SIAMCL_OK ? *loss * w : 0, st != SIAMCL_OK};
    dist_sum_f64(v, 2);
    *elsewhere = st == SIAMCL_OK && v[1] > 0;
    if (v[1] > 0) return st != SIAMCL_OK ? st : SIAMCL_ERR_NUMERIC;
    *loss = v[0];
    st = siamcl_trainer_read_grads(t, g, n);
    for (size_t i = 0; i < n; i++) g[i] *= (float)w;
    dist_sum_f32(g, n);
    return st == SIAMCL_OK ? siamcl_trainer_write_grads(t, g, n) : st;
}

/* One epoch; 0 on success. g: gradient scratch (data parallel), n floats. */
static int epoch_run(siamcl_trainer *t, const train_opts *o, int e, int steps, train_source *src, losses *l,
                     train_progress_state *ps, float *g, size_t n) {
    uint64_t rng = (uint64_t)o->seed * 0x9e3779b97f4a7c15ULL + (uint64_t)e * 0x632be59bd9b4e019ULL + 1;
    double sum = 0;
    const float *in[3], *lab;
    for (int s = 1; s <= steps; s++) {
        if (!src->next(src->ctx, &rng)) return 1;
        shard_of(o, src, in, &lab);
        double loss = 0;
        int elsewhere = 0;
        siamcl_status st = siamcl_trainer_compute(t, in, lab, &loss);
        if (dist_size() > 1) st = reduce(t, o, st, &loss, g, n, &elsewhere);
        if (st == SIAMCL_OK) st = siamcl_trainer_apply(t);
        if (st != SIAMCL_OK) {
            fputc('\n', stderr);
            return cli_fail(st, elsewhere ? "another rank's share of the batch failed" : siamcl_last_error());
        }
        if (!push(l, loss)) return cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "loss log");
        sum += loss;
        ps->done++;
        train_progress(ps, e + 1, o->epochs, s, steps, sum / s);
    }
    return 0;
}

static int plot_curve(const train_files *f, const losses *l, int steps, const char *loss) {
    /* mean over windows of a tenth of an epoch (at least one step) */
    int w = steps / 10 > 0 ? steps / 10 : 1;
    long n = l->n / w;
    double *y = malloc((size_t)(n ? n : 1) * sizeof *y);
    if (!y) return 0;
    for (long i = 0; i < n; i++) {
        double s = 0;
        for (int k = 0; k < w; k++) s += l->v[i * w + k];
        y[i] = s / w;
    }
    char title[96];
    snprintf(title, sizeof title, "Training loss (%s)", loss);
    int ok = n > 0 && cli_plot_curve(f->curve, title, "loss", y, (int)n, (double)w / steps, "epoch");
    free(y);
    return ok;
}

/* Rank 0: the checkpoint and the loss log after an epoch. */
static int save_epoch(siamcl_trainer *t, const train_files *f, const losses *l) {
    if (dist_rank() != 0) return 0;
    siamcl_status st = siamcl_trainer_save(t, f->ckpt);
    if (st != SIAMCL_OK || !write_log(f->losses, l)) return cli_fail(st ? st : SIAMCL_ERR_IO, st ? siamcl_last_error() : f->losses);
    return 0;
}

int train_run(siamcl_trainer *t, const train_opts *o, const train_files *f, float lr0, int steps, train_source *src) {
    losses l = {0};
    int e0 = 0;
    if (dist_max_int(!resume(t, o, f, steps, &l, &e0))) {
        free(l.v);
        return 1;
    }
    size_t n = dist_size() > 1 ? siamcl_trainer_grad_count(t) : 0;
    float *g = n ? malloc(n * sizeof *g) : NULL;
    if (dist_max_int(n && !g)) {
        free(l.v);
        return cli_fail(SIAMCL_ERR_OUT_OF_MEMORY, "gradient exchange");
    }
    train_progress_state ps = {cli_now_s(), 0, (long)(o->epochs - e0) * steps, isatty(2), lr0};
    int rc = 0;
    dist_settled(0); /* a rank failing alone mid-epoch would leave the others in MPI_Allreduce */
    for (int e = e0; e < o->epochs && !rc; e++) {
        ps.lr = lr_at(o, lr0, e);
        siamcl_trainer_set_lr(t, ps.lr);
        rc = epoch_run(t, o, e, steps, src, &l, &ps, g, n);
        if (!rc) rc = dist_max_int(save_epoch(t, f, &l));
    }
    free(g);
    double el = cli_now_s() - ps.t0;
    if (!rc && ps.done)
        printf("%ld steps in %.1f s (%.1f steps/s, %.1f ms/step)%s\n", ps.done, el, ps.done / el, 1e3 * el / ps.done,
               dist_size() > 1 ? " over MPI ranks" : "");
    if (!rc) printf("checkpoint: %s\n", f->ckpt);
    if (!rc && dist_rank() == 0 && plot_curve(f, &l, steps, o->loss)) printf("loss curve: %s\n", f->curve);
    free(l.v);
    return rc;
}
