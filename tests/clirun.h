/* Tests that run the siamcl command: run a shell command and check its exit
 * code and output, and write a small Fashion-MNIST-shaped IDX set. */
#ifndef SCL_CLIRUN_H
#define SCL_CLIRUN_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "testutil.h"

/* `cmd` through the shell, stdout and stderr into out; its exit code (-1: none). */
static inline int cr_run(const char *cmd, char *out, size_t cap) { /* cmd: at most 8192 bytes */
    char full[8300];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    if (!p) return -1;
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = 0;
    while (fgetc(p) != EOF) { /* drain a longer output */
    }
    int rc = pclose(p);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Exit `code` and every needle (NULL-terminated list) in the output, which is
 * returned (a static buffer) for further checks. */
static inline const char *cr_expect_all(const char *cmd, int code, const char *const *needles) {
    static char out[1 << 17];
    int rc = cr_run(cmd, out, sizeof out);
    int ok = rc == code;
    for (int i = 0; needles[i]; i++)
        if (!strstr(out, needles[i])) {
            fprintf(stderr, "%s: output lacks '%s'\n", cmd, needles[i]);
            ok = 0;
        }
    if (!ok) {
        fprintf(stderr, "%s: exit %d (wanted %d):\n%s\n", cmd, rc, code, out);
        tu_failures++;
    } else {
        printf("ok: %.150s -> %d\n", cmd, rc);
    }
    return out;
}

static inline const char *cr_expect(const char *cmd, int code, const char *needle) {
    const char *needles[] = {needle, NULL};
    return cr_expect_all(cmd, code, needles);
}

static inline void cr_be32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* dir/PREFIX-images-idx3-ubyte and -labels-idx1-ubyte: n 28x28 images of 10
 * classes (a bright block per class on noise); nlab != n writes a label file
 * that does not match. */
static inline void cr_write_idx_set(const char *dir, const char *prefix, int n, int nlab) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s-images-idx3-ubyte", dir, prefix);
    FILE *f = fopen(p, "wb");
    if (!f) {
        fprintf(stderr, "cannot write %s\n", p);
        tu_failures++;
        return;
    }
    unsigned char h[16] = {0, 0, 8, 3};
    cr_be32(h + 4, (uint32_t)n), cr_be32(h + 8, 28), cr_be32(h + 12, 28);
    fwrite(h, 1, 16, f);
    unsigned char img[784];
    for (int i = 0; i < n; i++) {
        int c = i % 10;
        for (int k = 0; k < 784; k++) img[k] = (unsigned char)(tu_rand(0, 40));
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++) img[(2 + (c / 4) * 8 + y) * 28 + 2 + (c % 4) * 6 + x] = 230;
        fwrite(img, 1, 784, f);
    }
    fclose(f);
    snprintf(p, sizeof p, "%s/%s-labels-idx1-ubyte", dir, prefix);
    f = fopen(p, "wb");
    if (!f) return;
    unsigned char hl[8] = {0, 0, 8, 1};
    cr_be32(hl + 4, (uint32_t)nlab);
    fwrite(hl, 1, 8, f);
    for (int i = 0; i < nlab; i++) fputc(i % 10, f);
    fclose(f);
}

#endif
