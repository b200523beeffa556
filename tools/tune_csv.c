/* siamcl tune's trial table: DIR/trials.csv (written whole after every round,
 * through a temporary file) read back to resume, and the AUC-per-trial plot. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tune_cli.h"

static void header(char *buf, size_t cap, const tune_space *s) {
    size_t n = (size_t)snprintf(buf, cap, "trial,round,origin");
    for (int i = 0; i < s->n && n < cap; i++) n += (size_t)snprintf(buf + n, cap - n, ",%s", s->name[i]);
    if (n < cap) snprintf(buf + n, cap - n, ",auc,precision20");
}

int tune_csv_write(const char *path, const tune_space *s, const tune_trial *t, int n) {
    char tmp[4200], head[512];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "siamcl tune: %s: %s\n", tmp, strerror(errno));
        return 1;
    }
    header(head, sizeof head, s);
    fprintf(f, "%s\n", head);
    for (int i = 0; i < n; i++) {
        if (!t[i].done) break; /* rows stay consecutive */
        fprintf(f, "%d,%d,%s", i + 1, t[i].round, t[i].origin);
        for (int k = 0; k < s->n; k++) fprintf(f, ",%.4f", t[i].v[k]);
        fprintf(f, ",%.6f,%.6f\n", t[i].auc, t[i].precision);
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "siamcl tune: %s: %s\n", path, strerror(errno));
        remove(tmp);
        return 1;
    }
    return 0;
}

static const char *origin_name(const char *s) {
    static const char *const names[] = {"default", "random", "evolve"};
    for (int i = 0; i < 3; i++)
        if (!strcmp(s, names[i])) return names[i];
    return NULL;
}

/* One row: "trial,round,origin,v...,auc,precision". 1 if well formed. */
static int parse_row(char *line, const tune_space *s, int expect, tune_trial *t) {
    char *save = NULL, *tok[3 + TUNE_MAX_PARAMS + 2];
    int k = 0, want = 3 + s->n + 2;
    for (char *p = strtok_r(line, ",\r\n", &save); p && k <= want; p = strtok_r(NULL, ",\r\n", &save)) {
        if (k == want) return 0;
        tok[k++] = p;
    }
    if (k != want) return 0;
    char *end;
    long trial = strtol(tok[0], &end, 10);
    if (*end || trial != expect) return 0;
    long round = strtol(tok[1], &end, 10);
    if (*end || round < 0) return 0;
    if (!(t->origin = origin_name(tok[2]))) return 0;
    t->round = (int)round;
    for (int i = 0; i < s->n + 2; i++) {
        double v = strtod(tok[3 + i], &end);
        if (*end || end == tok[3 + i] || !(v == v)) return 0;
        if (i < s->n) t->v[i] = v;
        else if (i == s->n) t->auc = v;
        else t->precision = v;
    }
    t->done = 1;
    return 1;
}

int tune_csv_read(const char *path, const tune_space *s, tune_trial *t, int n, int *rows) {
    *rows = 0;
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[2048], head[512];
    header(head, sizeof head, s);
    int rc = 0, lineno = 1;
    if (!fgets(line, sizeof line, f) || strncmp(line, head, strlen(head)) != 0 ||
        (line[strlen(head)] != '\n' && line[strlen(head)] != '\r')) {
        fprintf(stderr, "siamcl tune: %s: its header is not \"%s\": a search of another tracker kind? Use another "
                        "--out or remove the file\n", path, head);
        fclose(f);
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '\n' || line[0] == '\r') continue;
        tune_trial row;
        memset(&row, 0, sizeof row);
        if (!parse_row(line, s, *rows + 1, &row)) {
            fprintf(stderr, "siamcl tune: %s:%d: not a trial row (trial %d,round,origin,%d settings,auc,precision "
                            "expected)\n", path, lineno, *rows + 1, s->n);
            rc = 1;
            break;
        }
        if (*rows < n) t[*rows] = row;
        (*rows)++;
    }
    fclose(f);
    return rc;
}

int tune_plot(const char *path, const tune_trial *t, int n) {
    float *xy = malloc((size_t)(2 * n + 2) * sizeof *xy);
    uint8_t *cls = malloc((size_t)(n + 1) * sizeof *cls);
    int m = 0;
    double best = -1;
    for (int i = 0; xy && cls && i < n; i++) {
        if (!t[i].done) continue;
        xy[2 * m] = (float)(i + 1);
        xy[2 * m + 1] = (float)t[i].auc;
        cls[m++] = (uint8_t)(!strcmp(t[i].origin, "default") ? 2 : !strcmp(t[i].origin, "random") ? 0 : 1);
        if (t[i].auc > best) best = t[i].auc;
    }
    static const char *const names[] = {"random", "evolve", "default"};
    char title[96];
    snprintf(title, sizeof title, "Success AUC per trial (best %.3f)", best);
    int ok = m > 0 && cli_plot_scatter(path, title, xy, cls, m, names, 3, 9);
    free(xy);
    free(cls);
    return ok ? 0 : 1;
}
