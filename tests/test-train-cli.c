/* siamcl train end to end on a small synthetic Fashion-MNIST-shaped set (IDX
 * files written here: 10 classes, a bright block per class, noise): it trains,
 * writes the model, checkpoint and pictures, prints the k-NN accuracy, resumes
 * from its checkpoint, and its model loads in siamcl info. Bad data and
 * options end with a message naming the file or option. */
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clirun.h"

static char g_tmp[256];

/* siamcl ARGS: exit `code` and every needle (NULL-terminated list) in the output */
static void expect_all(const char *args, int code, const char *const *needles) {
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "'%s' %s", SIAMCL_CLI, args);
    cr_expect_all(cmd, code, needles);
}

static void expect(const char *args, int code, const char *needle) {
    const char *needles[] = {needle, NULL};
    expect_all(args, code, needles);
}

int main(void) {
    snprintf(g_tmp, sizeof g_tmp, "/tmp/siamcl-test-train-cli-%d", (int)getpid());
    char data[300], bad[300], a[4096], model[1024];
    snprintf(data, sizeof data, "%s/data", g_tmp);
    snprintf(bad, sizeof bad, "%s/bad", g_tmp);
    mkdir(g_tmp, 0755), mkdir(data, 0755), mkdir(bad, 0755);
    cr_write_idx_set(data, "train", 400, 400);
    cr_write_idx_set(data, "t10k", 100, 100);
    cr_write_idx_set(bad, "train", 400, 399);
    cr_write_idx_set(bad, "t10k", 100, 100);
    snprintf(model, sizeof model, "%s/golden/train/embed_net.onnx", tu_shared());
    const char *common = "--data fashion-mnist --loss contrastive --batch 16 --steps 4";

    snprintf(a, sizeof a, "train --model '%s' %s --epochs 2 --data-dir '%s' --out '%s/out/m.onnx'", model, common, data,
             g_tmp);
    expect(a, 0, "k-NN accuracy");
    const char *files[] = {"out/m.onnx", "out/m.onnx.ckpt", "out/m-loss.png", "out/m-embedding.png"};
    for (int i = 0; i < 4; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", g_tmp, files[i]);
        struct stat sb;
        int ok = stat(p, &sb) == 0 && sb.st_size > 0;
        printf("%s %s\n", ok ? "written:" : "MISSING:", p);
        CHECK(ok);
    }
    /* a rerun resumes after the two finished epochs; triplets train too */
    snprintf(a, sizeof a, "train --model '%s' %s --epochs 3 --data-dir '%s' --out '%s/out/m.onnx'", model, common, data,
             g_tmp);
    expect(a, 0, "2 epoch(s) done");
    /* learning-rate schedules: exponential 1e-3 -> 1e-5 over 3 epochs; x0.5 every 2 epochs */
    const char *exp_lr[] = {"epoch 1/3", "lr 0.001  ", "lr 0.0001  ", "lr 1e-05  ", NULL};
    snprintf(a, sizeof a, "train --model '%s' %s --epochs 3 --lr 1e-3 --lr-end 1e-5 --fresh --data-dir '%s' "
             "--out '%s/s/e.onnx'", model, common, data, g_tmp);
    expect_all(a, 0, exp_lr);
    const char *step_lr[] = {"lr 0.001  ", "lr 0.0005  ", NULL};
    snprintf(a, sizeof a, "train --model '%s' %s --epochs 3 --lr 1e-3 --lr-step 2,0.5 --fresh --data-dir '%s' "
             "--out '%s/s/p.onnx'", model, common, data, g_tmp);
    expect_all(a, 0, step_lr);
    snprintf(a, sizeof a, "info '%s/out/m.onnx'", g_tmp);
    expect(a, 0, "parameters             128,356");
    snprintf(a, sizeof a, "train --model '%s' --data fashion-mnist --loss triplet --batch 8 --steps 2 --epochs 1 "
             "--data-dir '%s' --out '%s/out/t.onnx'", model, data, g_tmp);
    expect(a, 0, "k-NN accuracy");

    /* bad data and options */
    snprintf(a, sizeof a, "train --model '%s' %s --epochs 1 --data-dir '%s' --out '%s/x.onnx'", model, common, bad, g_tmp);
    expect(a, 1, "399 labels");
    snprintf(a, sizeof a, "train --model '%s' %s --epochs 1 --data-dir '%s/none' --out '%s/x.onnx'", model, common,
             g_tmp, g_tmp);
    expect(a, 1, "train-images-idx3-ubyte");
    snprintf(a, sizeof a, "train --model '%s' %s --epochs 1 --data-dir '%s' --out '%s'", model, common, data, model);
    expect(a, 2, "source model"); /* refused before anything is written beside the model */
    snprintf(a, sizeof a, "%s.ckpt", model);
    CHECK(access(a, F_OK) != 0);
    snprintf(a, sizeof a, "train --model '%s' %s --epochs 1 --data-dir '%s' --out '%s/out/m2.onnx' --checkpoint "
             "'%s/out/t.onnx.ckpt'", model, common, data, g_tmp, g_tmp);
    expect(a, 1, "--fresh");
    snprintf(a, sizeof a, "train --model nanotrack-v2 --data otb --loss logistic --epochs 1 "
             "--seqs '%s/data/otb/Crossing' --out '%s/n.onnx'", tu_shared(), g_tmp);
    expect(a, 2, "SiamFC model description");
    const struct {
        const char *extra, *option;
    } refused[] = {{"--epochs abc", "--epochs"}, {"--epochs 0", "--epochs"}, {"--batch 1e3", "--batch"},
                   {"--lr nan", "--lr"},         {"--lr 0x1p-3", "--lr"},   {"--lr -1", "--lr"},
                   {"--lr-step 5", "--lr-step"}, {"--momentum 1.5", "--momentum"}, {"--loss hinge", "--loss"},
                   {"--data cifar", "--data"},   {"--optimizer rmsprop", "--optimizer"}};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        snprintf(a, sizeof a, "train --model '%s' --data fashion-mnist --loss contrastive --epochs 1 --out '%s/y.onnx' %s",
                 model, g_tmp, refused[i].extra);
        expect(a, 2, refused[i].option);
    }
    snprintf(a, sizeof a, "train --model '%s' --data fashion-mnist --loss contrastive --epochs 1", model);
    expect(a, 2, "--out");
    snprintf(a, sizeof a, "rm -rf '%s'", g_tmp);
    if (system(a) != 0) fprintf(stderr, "could not remove %s\n", g_tmp);
    return tu_finish("test-train-cli");
}
