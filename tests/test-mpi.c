/* siamcl over MPI, 2 ranks on one machine (mpirun --oversubscribe, PoCL split
 * into two devices by POCL_DEVICES): sharded eval --run writes the same result
 * files as one process, says which rank ran what, resumes across ranks and
 * names a rank's failing sequence; tune writes the same trials.csv and
 * best.model as one process and resumes from a cut CSV; data-parallel train
 * ends with the weights of one process with the same global batch. */
#include <sys/stat.h>
#include <unistd.h>

#include "clirun.h"
#include "siamcl.h"

static char g_tmp[256], g_cmd[8192];

/* "mpirun -n N siamcl ARGS" (N = 0: siamcl alone). Under AddressSanitizer the ranks run
 * without LeakSanitizer: Open MPI unloads its components in MPI_Finalize, and what they keep
 * until then shows as leaks of unknown modules that no suppression can name. The same code
 * runs in one process (N = 0), leak-checked. */
static const char *siamcl(int ranks, const char *args) {
    if (ranks)
        snprintf(g_cmd, sizeof g_cmd, "ASAN_OPTIONS=\"$ASAN_OPTIONS:detect_leaks=0\" '%s' --oversubscribe -n %d '%s' %s",
                 SIAMCL_MPIEXEC, ranks, SIAMCL_CLI, args);
    else snprintf(g_cmd, sizeof g_cmd, "'%s' %s", SIAMCL_CLI, args);
    return g_cmd;
}

static int same_file(const char *a, const char *b) {
    char cmd[2100];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    int same = system(cmd) == 0;
    if (!same) fprintf(stderr, "%s and %s differ\n", a, b);
    return same;
}

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (f) fputs(text, f), fclose(f);
}

static const char *SEQS[] = {"Crossing", "Couple", "Football1", "Jogging-1"};

static void sharded_eval(void) {
    char set[512], a[4096], p1[1024], p2[1024];
    snprintf(set, sizeof set, "%s/eval.txt", g_tmp);
    write_text(set, "Crossing\nCouple\nFootball1\nJogging-1\n");
    snprintf(a, sizeof a, "eval --run --model nanotrack-v2 --set '%s' --out '%s/one' --no-seq", set, g_tmp);
    cr_expect(siamcl(0, a), 0, "tracked 641 frames");
    /* largest first, balanced by frames: Jogging-1 (307) on rank 0, the other three (334) on rank 1 */
    const char *two[] = {"2 ranks tracked 641 frames", "rank 0 (device 0): 307 frames", "Jogging-1\n",
                         "rank 1 (device 1): 334 frames", "Crossing Couple Football1\n", "success AUC", NULL};
    snprintf(a, sizeof a, "eval --run --model nanotrack-v2 --set '%s' --out '%s/two' --no-seq", set, g_tmp);
    cr_expect_all(siamcl(2, a), 0, two);
    for (int i = 0; i < 4; i++) {
        snprintf(p1, sizeof p1, "%s/one/%s.txt", g_tmp, SEQS[i]);
        snprintf(p2, sizeof p2, "%s/two/%s.txt", g_tmp, SEQS[i]);
        CHECK(same_file(p1, p2));
    }
    /* resume: only the missing result is tracked, by whichever rank gets it */
    snprintf(p2, sizeof p2, "%s/two/Couple.txt", g_tmp);
    remove(p2);
    const char *resumed[] = {"3 already done, 1 to track", "2 ranks tracked 140 frames", NULL};
    cr_expect_all(siamcl(2, a), 0, resumed);
    snprintf(p1, sizeof p1, "%s/one/Couple.txt", g_tmp);
    CHECK(same_file(p1, p2));
}

/* A dataset where one sequence has a corrupt frame: its rank says so, the rest is written. */
static void failing_rank(void) {
    char d[600], cmd[5000], set[600], a[4096], p[1024];
    snprintf(d, sizeof d, "%s/data", g_tmp);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/Broken/img' && ln -s '%s/data/otb/Crossing' '%s/Crossing' && "
             "head -n 20 '%s/data/otb/Crossing/groundtruth_rect.txt' > '%s/Broken/groundtruth_rect.txt' && "
             "for i in $(seq -w 1 20); do cp '%s/data/otb/Crossing/img/0001.jpg' '%s/Broken/img/00'$i.jpg; done && "
             "echo 'not a jpeg' > '%s/Broken/img/0007.jpg'", d, tu_shared(), d, tu_shared(), d, tu_shared(), d, d);
    CHECK(system(cmd) == 0);
    snprintf(set, sizeof set, "%s/broken.txt", g_tmp);
    write_text(set, "Crossing\nBroken\n");
    const char *needles[] = {"failed on Broken", "0007.jpg", "1 of 2 sequences failed", NULL};
    snprintf(a, sizeof a, "eval --run --model nanotrack-v2 --dataset '%s' --set '%s' --out '%s/fail'", d, set, g_tmp);
    cr_expect_all(siamcl(2, a), 1, needles);
    snprintf(p, sizeof p, "%s/fail/Crossing.txt", g_tmp);
    CHECK(access(p, F_OK) == 0);
}

static void tune(void) {
    char dev[512], test[512], a[4096], p1[1024], p2[1024];
    snprintf(dev, sizeof dev, "%s/dev.txt", g_tmp);
    snprintf(test, sizeof test, "%s/test.txt", g_tmp);
    write_text(dev, "Crossing\nCouple\n");
    write_text(test, "Football1\n");
    const char *common = "tune --model nanotrack-v2 --trials 6 --population 3 --frames 30 --seed 7";
    const char *one[] = {"round 1: trials 4-6 of 6", "held-out (1 sequences", "best.model", NULL};
    snprintf(a, sizeof a, "%s --set '%s' --test '%s' --out '%s/t1'", common, dev, test, g_tmp);
    cr_expect_all(siamcl(0, a), 0, one);
    const char *two[] = {"over MPI ranks", "on 2 ranks", "rank 1:", NULL};
    snprintf(a, sizeof a, "%s --set '%s' --test '%s' --out '%s/t2'", common, dev, test, g_tmp);
    cr_expect_all(siamcl(2, a), 0, two);
    const char *files[] = {"trials.csv", "best.model", "heldout.csv"};
    for (int i = 0; i < 3; i++) {
        snprintf(p1, sizeof p1, "%s/t1/%s", g_tmp, files[i]);
        snprintf(p2, sizeof p2, "%s/t2/%s", g_tmp, files[i]);
        CHECK(same_file(p1, p2));
    }
    /* resume from a CSV cut after trial 2 (a search interrupted mid-round) */
    snprintf(a, sizeof a, "head -n 3 '%s/t2/trials.csv' > '%s/cut' && mv '%s/cut' '%s/t2/trials.csv'", g_tmp, g_tmp,
             g_tmp, g_tmp);
    CHECK(system(a) == 0);
    snprintf(a, sizeof a, "%s --set '%s' --test '%s' --out '%s/t2'", common, dev, test, g_tmp);
    cr_expect(siamcl(2, a), 0, "2 trial(s) done");
    snprintf(p1, sizeof p1, "%s/t1/trials.csv", g_tmp);
    snprintf(p2, sizeof p2, "%s/t2/trials.csv", g_tmp);
    CHECK(same_file(p1, p2));
    /* another seed does not continue this CSV; the test set stays out of the tuning set */
    snprintf(a, sizeof a, "%s --seed 8 --set '%s' --test '%s' --out '%s/t2'", common, dev, test, g_tmp);
    cr_expect(siamcl(2, a), 1, "not this search's trial 2");
    snprintf(a, sizeof a, "%s --set '%s' --test '%s' --out '%s/t3'", common, dev, dev, g_tmp);
    cr_expect(siamcl(2, a), 2, "classic mistake");
}

/* Every trainable weight of an ONNX file, through a trainer. */
static float *weights(siamcl_context *ctx, const char *path, size_t *n) {
    siamcl_model *m = NULL;
    siamcl_trainer *t = NULL;
    siamcl_train_params p;
    siamcl_train_params_init(&p, SIAMCL_LOSS_CONTRASTIVE);
    CHECK_OK(siamcl_model_load(path, &m));
    if (m) CHECK_OK(siamcl_trainer_create(ctx, m, &p, &t));
    siamcl_model_free(m);
    *n = 0;
    if (!t) return NULL;
    for (int i = 0; i < siamcl_trainer_param_count(t); i++) *n += siamcl_trainer_param_size(t, i);
    float *w = malloc(*n * sizeof *w), *q = w;
    for (int i = 0; w && i < siamcl_trainer_param_count(t); i++) {
        size_t k = siamcl_trainer_param_size(t, i);
        CHECK_OK(siamcl_trainer_read(t, siamcl_trainer_param_name(t, i), 0, q, k));
        q += k;
    }
    siamcl_trainer_free(t);
    return w;
}

static void data_parallel(void) {
    char data[512], a[4096], o1[1024], o2[1024], model[1024];
    snprintf(data, sizeof data, "%s/idx", g_tmp);
    mkdir(data, 0755);
    cr_write_idx_set(data, "train", 400, 400);
    cr_write_idx_set(data, "t10k", 100, 100);
    snprintf(model, sizeof model, "%s/golden/train/embed_net.onnx", tu_shared());
    siamcl_context *ctx = NULL;
    CHECK_OK(siamcl_context_create(NULL, &ctx));
    /* an even and an uneven split of the batch (SGD: Adam divides by the gradient's running
     * RMS, so a gradient that is 0 in one run and 1e-12 in the other moves a weight by a
     * whole learning rate: equal only to rounding of what it divides) */
    const struct {
        int batch;
        const char *opt;
    } runs[] = {{16, "sgd --lr 0.02"}, {15, "sgd --lr 0.05 --momentum 0.5"}};
    for (int r = 0; r < 2; r++) {
        snprintf(o1, sizeof o1, "%s/dp1-%d.onnx", g_tmp, r);
        snprintf(o2, sizeof o2, "%s/dp2-%d.onnx", g_tmp, r);
        const char *common = "train --data fashion-mnist --loss contrastive --steps 5 --epochs 2 --fresh";
        snprintf(a, sizeof a, "%s --model '%s' --data-dir '%s' --batch %d --optimizer %s --out '%s'", common, model,
                 data, runs[r].batch, runs[r].opt, o1);
        cr_expect(siamcl(0, a), 0, "trained model");
        snprintf(a, sizeof a, "%s --model '%s' --data-dir '%s' --batch %d --optimizer %s --out '%s'", common, model,
                 data, runs[r].batch, runs[r].opt, o2);
        cr_expect(siamcl(2, a), 0, "data parallel over 2 MPI ranks");
        size_t n1, n2;
        float *w1 = weights(ctx, o1, &n1), *w2 = weights(ctx, o2, &n2);
        CHECK(w1 && w2 && n1 == n2 && n1 > 0);
        double worst = 0, scale = 0;
        for (size_t i = 0; w1 && w2 && i < n1; i++) {
            worst = fmax(worst, fabs((double)w1[i] - w2[i]));
            scale = fmax(scale, fabs((double)w1[i]));
        }
        /* float tolerance: summation order differs (the halves' gradients are added) */
        printf("data parallel, batch %d, %s: %zu weights, largest difference %.3g (largest weight %.3g)\n",
               runs[r].batch, runs[r].opt, n1, worst, scale);
        CHECK(worst <= 1e-5 * scale);
        free(w1);
        free(w2);
    }
    siamcl_context_free(ctx);
    snprintf(a, sizeof a, "train --model '%s' --data fashion-mnist --loss contrastive --epochs 1 --data-dir '%s' "
             "--batch 1 --out '%s/x.onnx'", model, data, g_tmp);
    cr_expect(siamcl(2, a), 2, "smaller than the 2 MPI ranks");
}

int main(void) {
    snprintf(g_tmp, sizeof g_tmp, "/tmp/siamcl-test-mpi-%d", (int)getpid());
    mkdir(g_tmp, 0755);
    sharded_eval();
    failing_rank();
    tune();
    data_parallel();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", g_tmp);
    return tu_finish("test-mpi");
}
