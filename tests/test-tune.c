/* siamcl tune in one process: the files it writes (trials.csv with a header and
 * one row per trial, best.model that loads with the best row's settings,
 * auc.png, heldout.csv), the same CSV from the same seed, resume from a cut
 * CSV, and refusals: a CSV of another search or a malformed one (file and
 * line named), a sequence in both the tuning and the held-out set. */
#include <sys/stat.h>
#include <unistd.h>

#include "clirun.h"
#include "siamcl.h"

static char g_tmp[256];

static const char *cli(const char *args) {
    static char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' %s", SIAMCL_CLI, args);
    return cmd;
}

static int lines(const char *path) {
    FILE *f = fopen(path, "r");
    int n = 0, c;
    while (f && (c = fgetc(f)) != EOF) n += c == '\n';
    if (f) fclose(f);
    return n;
}

static int same_file(const char *a, const char *b) {
    char cmd[2100];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return system(cmd) == 0;
}

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (f) fputs(text, f), fclose(f);
}

/* The best row of trials.csv: its settings (penalty_k, window_influence, lr). */
static int best_row(const char *csv, double *v) {
    FILE *f = fopen(csv, "r");
    char line[512];
    double best = -1;
    if (!f || !fgets(line, sizeof line, f)) return 0;
    while (fgets(line, sizeof line, f)) {
        int trial, round;
        char origin[16];
        double a, b, c, auc, prec;
        if (sscanf(line, "%d,%d,%15[^,],%lf,%lf,%lf,%lf,%lf", &trial, &round, origin, &a, &b, &c, &auc, &prec) != 8)
            return 0;
        if (auc > best) best = auc, v[0] = a, v[1] = b, v[2] = c;
    }
    fclose(f);
    return best >= 0;
}

int main(void) {
    snprintf(g_tmp, sizeof g_tmp, "/tmp/siamcl-test-tune-%d", (int)getpid());
    mkdir(g_tmp, 0755);
    char dev[512], test[512], a[4096], p1[1024], p2[1024];
    snprintf(dev, sizeof dev, "%s/dev.txt", g_tmp);
    snprintf(test, sizeof test, "%s/test.txt", g_tmp);
    write_text(dev, "Crossing\nCouple\n");
    write_text(test, "Football1\n");
    const char *common = "tune --model nanotrack-v2 --trials 5 --population 3 --frames 25";
    const char *first[] = {"round 0: trials 1-3 of 5", "round 1: trials 4-5 of 5", "held-out (1 sequences",
                           "auc.png", NULL};
    snprintf(a, sizeof a, "%s --set '%s' --test '%s' --out '%s/a'", common, dev, test, g_tmp);
    cr_expect_all(cli(a), 0, first);
    const char *files[] = {"trials.csv", "best.model", "auc.png", "heldout.csv"};
    for (int i = 0; i < 4; i++) {
        snprintf(p1, sizeof p1, "%s/a/%s", g_tmp, files[i]);
        struct stat sb;
        CHECK(stat(p1, &sb) == 0 && sb.st_size > 0);
    }
    snprintf(p1, sizeof p1, "%s/a/trials.csv", g_tmp);
    CHECK(lines(p1) == 6); /* header + 5 trials */
    snprintf(p2, sizeof p2, "%s/a/heldout.csv", g_tmp);
    CHECK(lines(p2) == 3);
    /* best.model is a description with the best row's settings */
    double v[3] = {0};
    CHECK(best_row(p1, v));
    snprintf(p2, sizeof p2, "%s/a/best.model", g_tmp);
    siamcl_tracker_desc d;
    CHECK_OK(siamcl_tracker_desc_load(p2, NULL, &d));
    CHECK(fabs(d.penalty_k - v[0]) < 1e-9 && fabs(d.window_influence - v[1]) < 1e-9 && fabs(d.lr - v[2]) < 1e-9);
    CHECK(strstr(d.name, "-tuned") != NULL);
    /* it tracks */
    snprintf(a, sizeof a, "track --model '%s' --seq '%s/data/otb/Football1' --frames 10 --out '%s/b.txt'", p2,
             tu_shared(), g_tmp);
    cr_expect(cli(a), 0, "");
    /* the same seed, the same trials; random search too */
    snprintf(a, sizeof a, "%s --set '%s' --out '%s/c'", common, dev, g_tmp);
    cr_expect(cli(a), 0, "no --test sequences");
    snprintf(p2, sizeof p2, "%s/c/trials.csv", g_tmp);
    CHECK(same_file(p1, p2));
    snprintf(a, sizeof a, "%s --method random --seed 3 --set '%s' --out '%s/r'", common, dev, g_tmp);
    cr_expect(cli(a), 0, "random search");
    /* resume: cut after trial 2, rerun, the same file */
    snprintf(a, sizeof a, "head -n 3 '%s' > '%s/cut' && mv '%s/cut' '%s'", p2, g_tmp, g_tmp, p2);
    CHECK(system(a) == 0);
    snprintf(a, sizeof a, "%s --set '%s' --out '%s/c'", common, dev, g_tmp);
    cr_expect(cli(a), 0, "resuming from");
    CHECK(same_file(p1, p2));
    /* refusals */
    snprintf(a, sizeof a, "printf 'trial,round,origin,penalty_k,window_influence,lr,auc,precision20\\n1,0,default,"
             "0.15,x,0.385,0.7,1\\n' > '%s'", p2);
    CHECK(system(a) == 0);
    snprintf(a, sizeof a, "%s --set '%s' --out '%s/c'", common, dev, g_tmp);
    cr_expect(cli(a), 1, "trials.csv:2: not a trial row");
    snprintf(a, sizeof a, "tune --model siamfc-alexnet --trials 2 --frames 5 --set '%s' --out '%s/c'", dev, g_tmp);
    cr_expect(cli(a), 1, "header");
    snprintf(a, sizeof a, "%s --set '%s' --test '%s' --out '%s/d'", common, dev, dev, g_tmp);
    cr_expect(cli(a), 2, "classic mistake");
    snprintf(a, sizeof a, "printf 'Crossing\\nNoSuchSeq\\n' > '%s/bad.txt'", g_tmp);
    CHECK(system(a) == 0);
    snprintf(a, sizeof a, "%s --set '%s/bad.txt' --out '%s/e'", common, g_tmp, g_tmp);
    CHECK(!strstr(cr_expect(cli(a), 1, "NoSuchSeq"), "memory")); /* the reason, not a consequence */
    snprintf(a, sizeof a, "%s --set '%s/none.txt' --out '%s/e'", common, g_tmp, g_tmp);
    CHECK(!strstr(cr_expect(cli(a), 1, "nor a list file"), "memory"));
    snprintf(a, sizeof a, "rm -rf '%s'", g_tmp);
    if (system(a) != 0) fprintf(stderr, "could not remove %s\n", g_tmp);
    return tu_finish("test-tune");
}
