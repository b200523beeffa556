/* siamcl tune's search: the space per tracker kind, random and evolutionary
 * proposals, and the tuned description file.
 *
 * Spaces: SiamFC as SiamDW's tuner searches it (scale step 1.0-1.2, scale
 * penalty 0.95-1.0, window influence 0.05-0.7, scale lr 0.15-0.7); NanoTrack
 * penalty k 0-0.5, window influence 0.1-0.7, lr 0.1-0.8 (around the released
 * 0.15 / 0.49 / 0.385).
 *
 * Evolve: a round's children each take every setting from one of two parents
 * (each the better of two drawn from the best quarter of the trials so far,
 * at least two) and add Gaussian noise of a tenth of the range, shrinking by
 * 0.85 per round, clamped to the range. */
#define _XOPEN_SOURCE 700
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train_cli.h"
#include "tune_cli.h"

void tune_space_of(const siamcl_tracker_desc *d, tune_space *s) {
    static const tune_space siamfc = {4,
                                      {"scale_step", "scale_penalty", "window_influence", "scale_lr"},
                                      {1.0, 0.95, 0.05, 0.15},
                                      {1.2, 1.0, 0.7, 0.7}};
    static const tune_space nano = {3, {"penalty_k", "window_influence", "lr"}, {0.0, 0.1, 0.1}, {0.5, 0.7, 0.8}};
    *s = d->kind == SIAMCL_TRACKER_SIAMFC ? siamfc : nano;
}

void tune_get(const siamcl_tracker_desc *d, const tune_space *s, double *v) {
    siamcl_tracker_desc c = *d;
    for (int i = 0; i < s->n; i++) v[i] = *siamcl_tracker_desc_setting(&c, s->name[i]);
}

void tune_apply(siamcl_tracker_desc *d, const tune_space *s, const double *v) {
    for (int i = 0; i < s->n; i++) *siamcl_tracker_desc_setting(d, s->name[i]) = v[i];
}

static double round_trip(const char *fmt, double v) {
    char b[64];
    snprintf(b, sizeof b, fmt, v);
    return strtod(b, NULL);
}
double tune_q4(double v) { return round_trip("%.4f", v); }
double tune_q6(double v) { return round_trip("%.6f", v); }

/* Uniform in [0, 1) from trial-seeded xorshift. */
static double uniform(uint64_t *r) { return (double)(cli_rand_next(r) >> 11) * 0x1.0p-53; }

static double gauss(uint64_t *r) {
    double u = uniform(r), v = uniform(r);
    return sqrt(-2.0 * log(u > 0 ? u : 1e-300)) * cos(6.283185307179586 * v);
}

/* Indices of the done trials before `first`, best first (equal AUCs: the earlier). */
static int ranked(const tune_trial *t, int first, int *idx) {
    int n = 0, *done = malloc((size_t)(first > 0 ? first : 1) * sizeof *done);
    double *auc = malloc((size_t)(first > 0 ? first : 1) * sizeof *auc);
    for (int i = 0; done && auc && i < first; i++)
        if (t[i].done) done[n] = i, auc[n++] = t[i].auc;
    cli_order_desc(auc, n, idx);
    for (int k = 0; k < n; k++) idx[k] = done[idx[k]];
    free(done);
    free(auc);
    return n;
}

int tune_best(const tune_trial *t, int n) {
    int best = -1;
    for (int i = 0; i < n; i++)
        if (t[i].done && (best < 0 || t[i].auc > t[best].auc)) best = i;
    return best;
}

void tune_propose(const tune_space *s, tune_method m, uint64_t seed, const double *defaults, tune_trial *t, int first,
                  int count, int round) {
    int *idx = malloc((size_t)(first > 0 ? first : 1) * sizeof *idx);
    int nr = idx ? ranked(t, first, idx) : 0, elite = nr / 4 > 2 ? nr / 4 : (nr < 2 ? nr : 2);
    double sigma = 0.1 * pow(0.85, round > 1 ? round - 1 : 0);
    for (int i = first; i < first + count; i++) {
        tune_trial *c = &t[i];
        memset(c, 0, sizeof *c);
        c->round = round;
        uint64_t r = seed * 0x9e3779b97f4a7c15ULL + (uint64_t)i * 0xbf58476d1ce4e5b9ULL + 0x94d049bb133111ebULL;
        if (i == 0) {
            c->origin = "default";
            for (int k = 0; k < s->n; k++) c->v[k] = tune_q4(defaults[k]);
            continue;
        }
        if (m == TUNE_RANDOM || round == 0 || elite < 1) {
            c->origin = "random";
            for (int k = 0; k < s->n; k++) c->v[k] = tune_q4(s->lo[k] + (s->hi[k] - s->lo[k]) * uniform(&r));
            continue;
        }
        c->origin = "evolve";
        int pa[2];
        for (int p = 0; p < 2; p++) { /* tournament of two among the elite */
            int x = idx[cli_rand_next(&r) % (uint64_t)elite], y = idx[cli_rand_next(&r) % (uint64_t)elite];
            pa[p] = t[x].auc > t[y].auc || (t[x].auc == t[y].auc && x < y) ? x : y;
        }
        for (int k = 0; k < s->n; k++) {
            double v = t[pa[uniform(&r) < 0.5 ? 0 : 1]].v[k] + gauss(&r) * sigma * (s->hi[k] - s->lo[k]);
            c->v[k] = tune_q4(v < s->lo[k] ? s->lo[k] : v > s->hi[k] ? s->hi[k] : v);
        }
    }
    free(idx);
}

/* "key = value  # comment" -> key */
static int line_key(const char *line, char *key, size_t cap) {
    const char *p = line + strspn(line, " \t");
    size_t n = strcspn(p, " \t=#\r\n");
    if (!n || n >= cap || p[n + strspn(p + n, " \t")] != '=') return 0;
    memcpy(key, p, n);
    key[n] = 0;
    return 1;
}

/* The value a tuned description gives key, or NULL to keep the line. */
static const char *new_value(const char *key, const siamcl_tracker_desc *d, const tune_space *s, const double *v,
                             char *buf, size_t cap) {
    if (!strcmp(key, "name")) return snprintf(buf, cap, "%.60s-tuned", d->name), buf;
    if (!strcmp(key, "backbone") || !strcmp(key, "head")) {
        const char *p = !strcmp(key, "head") ? d->head : d->backbone;
        char *abs = realpath(p, NULL);
        snprintf(buf, cap, "%s", abs ? abs : p);
        free(abs);
        return buf;
    }
    for (int i = 0; i < s->n; i++)
        if (!strcmp(key, s->name[i])) return snprintf(buf, cap, "%.4f", v[i]), buf;
    return NULL;
}

int tune_write_model(const char *src, const siamcl_tracker_desc *d, const tune_space *s, const double *v,
                     const char *dst) {
    FILE *in = fopen(src, "r"), *out = in ? fopen(dst, "w") : NULL;
    if (!out) {
        fprintf(stderr, "siamcl tune: cannot %s %s\n", in ? "write" : "read", in ? dst : src);
        if (in) fclose(in);
        return 1;
    }
    fprintf(out, "# %s with the settings siamcl tune found (the best trial of trials.csv)\n", d->name);
    int seen[TUNE_MAX_PARAMS] = {0};
    char line[2048], key[64], val[1100];
    while (fgets(line, sizeof line, in)) {
        const char *nv = line_key(line, key, sizeof key) ? new_value(key, d, s, v, val, sizeof val) : NULL;
        for (int i = 0; i < s->n; i++) seen[i] |= nv && !strcmp(key, s->name[i]);
        if (nv) fprintf(out, "%s = %s\n", key, nv);
        else fprintf(out, "%s%s", line, line[0] && line[strlen(line) - 1] == '\n' ? "" : "\n");
    }
    for (int i = 0; i < s->n; i++) /* settings the file left at their defaults */
        if (!seen[i]) fprintf(out, "%s = %.4f\n", s->name[i], v[i]);
    fclose(in);
    if (fclose(out) != 0) {
        fprintf(stderr, "siamcl tune: cannot write %s\n", dst);
        return 1;
    }
    return 0;
}
