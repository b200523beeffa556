/* test-cli: every numeric option and box of the siamcl command is parsed whole and
 * range-checked: a bad value exits with status 2 and a message naming the option,
 * before anything runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clirun.h"

static void expect_refused(const char *args, const char *option) {
    char cmd[2048];
    static char out[1 << 16];
    snprintf(cmd, sizeof cmd, "'%s' %s", SIAMCL_CLI, args);
    int code = cr_run(cmd, out, sizeof out);
    if (code != 2 || !strstr(out, option)) {
        fprintf(stderr, "siamcl %s: exit %d, wanted 2 and a message naming %s:\n%s\n", args, code, option, out);
        tu_failures++;
    }
}

int main(void) {
    char seq[1024], a[2048];
    snprintf(seq, sizeof seq, "--model nanotrack-v2 --seq '%s/data/otb/Crossing'", tu_shared());
    const struct {
        const char *extra, *option;
    } track[] = {{"--frames 1e3", "--frames"},     {"--frames -1", "--frames"},  {"--frames 0", "--frames"},
                 {"--frames abc", "--frames"},     {"--frames ''", "--frames"},  {"--every 0", "--every"},
                 {"--device abc", "--device"},     {"--device -1", "--device"},  {"--target ../x", "--target"},
                 {"--target 1.5", "--target"},     {"--init 1,2,3,4,5", "--init"}, {"--init 1,2,3", "--init"},
                 {"--init 1,2,0,4", "--init"},     {"--init nan,2,3,4", "--init"}, {"--init 0x10,2,3,4", "--init"},
                 {"--init 1,2,3,4 --init 1,2,3", "--init"}, {"--init 1,2,3,4 --init 5,6,7,8 --frames x", "--frames"}};
    for (size_t i = 0; i < sizeof track / sizeof track[0]; i++) {
        snprintf(a, sizeof a, "track %s %s", seq, track[i].extra);
        expect_refused(a, track[i].option);
    }
    expect_refused("bench --runs 0", "--runs");
    expect_refused("bench --batch 2x", "--batch");
    expect_refused("bench --warmup -3", "--warmup");
    expect_refused("bench --targets 0", "--targets");
    expect_refused("bench --targets 4 --frames 1e2", "--frames");
    expect_refused("info x.onnx --runs many", "--runs");
    expect_refused("eval --run --model nanotrack-v2 --out /tmp/x --device one", "--device");
    const struct {
        const char *args, *option;
    } tune[] = {{"--trials abc --out /tmp/x", "--trials"},
                {"--trials 0 --out /tmp/x", "--trials"},
                {"--trials 4 --population 1 --out /tmp/x", "--population"},
                {"--trials 4 --method grid --out /tmp/x", "--method"},
                {"--trials 4 --frames 1 --out /tmp/x", "--frames"},
                {"--trials 4 --seed -2 --out /tmp/x", "--seed"},
                {"--out /tmp/x", "--trials"},
                {"--trials 4", "--out"}};
    for (size_t i = 0; i < sizeof tune / sizeof tune[0]; i++) {
        snprintf(a, sizeof a, "tune --model nanotrack-v2 %s", tune[i].args);
        expect_refused(a, tune[i].option);
    }
    expect_refused("tune --trials 4 --out /tmp/x", "--model");
    /* several targets in one group: every target's first box from its ground truth, or given */
    char cmd[4096], out[600];
    snprintf(out, sizeof out, "/tmp/siamcl-test-cli-%d", (int)getpid());
    snprintf(cmd, sizeof cmd, "'%s' track --model nanotrack-v2 --seq '%s/data/otb/Jogging' --all-targets --frames 5 "
             "--out '%s'", SIAMCL_CLI, tu_shared(), out);
    const char *two[] = {"target 1: ", "target 2: ", "2 targets x 5 frames", NULL};
    cr_expect_all(cmd, 0, two);
    snprintf(cmd, sizeof cmd, "'%s' track --model nanotrack-v2 --seq '%s/data/otb/Jogging' --init 111,98,25,101 "
             "--init 180,79,37,117 --init 1,1,0,5 --out '%s'", SIAMCL_CLI, tu_shared(), out);
    cr_expect(cmd, 2, "--init");
    snprintf(cmd, sizeof cmd, "rm -f '%s'.1.txt '%s'.2.txt", out, out);
    if (system(cmd) != 0) tu_failures++;
    return tu_finish("test-cli");
}
