/* siamcl bench: the command runs, prints its stage and layer tables, its
 * --json output is valid JSON with the documented fields and consistent
 * figures, bad options are refused. No timing assertions: only that times are
 * positive and shares add up. */
#include <ctype.h>
#include <sys/wait.h>

#include "clirun.h"

static char out[1 << 20];

static int cli(const char *args) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' --shared '%s' bench %s", SIAMCL_CLI, tu_shared(), args);
    return cr_run(cmd, out, sizeof out);
}

/* ---- a small JSON reader: a tree of nodes, enough to check the output ---- */
typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jkind;
typedef struct jnode {
    jkind kind;
    double num;
    char str[256];
    struct jnode *kids; /* arrays and objects: children; objects keep keys in str of each child's key */
    char (*keys)[64];
    int n;
} jnode;

typedef struct jparser {
    const char *s;
    int err;
} jparser;

static void jws(jparser *p) {
    while (*p->s == ' ' || *p->s == '\n' || *p->s == '\t' || *p->s == '\r') p->s++;
}

static int jstring(jparser *p, char *dst, size_t cap) {
    if (*p->s != '"') return 0;
    p->s++;
    size_t n = 0;
    while (*p->s && *p->s != '"') {
        char c = *p->s++;
        if ((unsigned char)c < 0x20) return 0;
        if (c == '\\') {
            char e = *p->s++;
            if (e == 'u') {
                for (int i = 0; i < 4; i++)
                    if (!isxdigit((unsigned char)*p->s++)) return 0;
                c = '?';
            } else if (strchr("\"\\/bfnrt", e)) {
                c = e == 'n' ? '\n' : e == 't' ? '\t' : e;
            } else {
                return 0;
            }
        }
        if (n + 1 < cap) dst[n++] = c;
    }
    if (*p->s != '"') return 0;
    p->s++;
    dst[n] = 0;
    return 1;
}

static void jfree(jnode *v) {
    if (v->kind == J_ARR || v->kind == J_OBJ) {
        for (int i = 0; i < v->n; i++) jfree(&v->kids[i]);
        free(v->kids);
        free(v->keys);
    }
}

static int jvalue(jparser *p, jnode *v, int depth);

static int jcontainer(jparser *p, jnode *v, int depth, int obj) {
    v->kind = obj ? J_OBJ : J_ARR;
    p->s++;
    jws(p);
    char close = obj ? '}' : ']';
    if (*p->s == close) {
        p->s++;
        return 1;
    }
    for (;;) {
        jnode *k = realloc(v->kids, (size_t)(v->n + 1) * sizeof *k);
        if (!k) return 0;
        v->kids = k;
        char(*ks)[64] = realloc(v->keys, (size_t)(v->n + 1) * sizeof *ks);
        if (!ks) return 0;
        v->keys = ks;
        memset(&v->kids[v->n], 0, sizeof(jnode));
        v->keys[v->n][0] = 0;
        v->n++;
        jws(p);
        if (obj) {
            if (!jstring(p, v->keys[v->n - 1], 64)) return 0;
            jws(p);
            if (*p->s++ != ':') return 0;
        }
        if (!jvalue(p, &v->kids[v->n - 1], depth + 1)) return 0;
        jws(p);
        if (*p->s == ',') {
            p->s++;
            continue;
        }
        if (*p->s == close) {
            p->s++;
            return 1;
        }
        return 0;
    }
}

static int jvalue(jparser *p, jnode *v, int depth) {
    if (depth > 32) return 0;
    jws(p);
    memset(v, 0, sizeof *v);
    if (*p->s == '{') return jcontainer(p, v, depth, 1);
    if (*p->s == '[') return jcontainer(p, v, depth, 0);
    if (*p->s == '"') {
        v->kind = J_STR;
        return jstring(p, v->str, sizeof v->str);
    }
    if (!strncmp(p->s, "null", 4)) {
        p->s += 4;
        v->kind = J_NULL;
        return 1;
    }
    if (!strncmp(p->s, "true", 4) || !strncmp(p->s, "false", 5)) {
        v->kind = J_BOOL;
        v->num = *p->s == 't';
        p->s += *p->s == 't' ? 4 : 5;
        return 1;
    }
    char *end;
    if (*p->s != '-' && !isdigit((unsigned char)*p->s)) return 0;
    v->num = strtod(p->s, &end);
    if (end == p->s) return 0;
    v->kind = J_NUM;
    p->s = end;
    return 1;
}

static int jparse(const char *s, jnode *root) {
    jparser p = {s, 0};
    if (!jvalue(&p, root, 0)) return 0;
    jws(&p);
    return *p.s == 0;
}

static const jnode *jget(const jnode *o, const char *key) {
    if (!o || o->kind != J_OBJ) return NULL;
    for (int i = 0; i < o->n; i++)
        if (!strcmp(o->keys[i], key)) return &o->kids[i];
    return NULL;
}

static double jnum(const jnode *o, const char *key) {
    const jnode *v = jget(o, key);
    return v && v->kind == J_NUM ? v->num : NAN;
}

/* Find the element of array a whose "name" is name. */
static const jnode *jfind(const jnode *a, const char *name) {
    if (!a || a->kind != J_ARR) return NULL;
    for (int i = 0; i < a->n; i++) {
        const jnode *nm = jget(&a->kids[i], "name");
        if (nm && nm->kind == J_STR && !strcmp(nm->str, name)) return &a->kids[i];
    }
    return NULL;
}

static void test_json_reader(void) {
    jnode v;
    CHECK(jparse("{\"a\": [1, 2.5e3, \"x\\\"y\", null, true], \"b\": {}}", &v));
    CHECK(v.kind == J_OBJ && v.n == 2 && jget(&v, "a")->n == 5 && jget(&v, "a")->kids[1].num == 2500);
    jfree(&v);
    const char *bad[] = {"{", "{\"a\" 1}", "[1,]", "[1] x", "{\"a\": nan}", "\"\x01\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&v, 0, sizeof v);
        CHECK(!jparse(bad[i], &v));
        jfree(&v);
    }
}

/* ---- the command ---- */
static void test_help_and_errors(void) {
    CHECK(cli("--help") == 0);
    CHECK(strstr(out, "usage: siamcl bench") && strstr(out, "--json") && strstr(out, "--batch"));
    CHECK(cli("--runs 0") == 2);
    CHECK(cli("--frobnicate") == 2);
    CHECK(cli("--model no-such-model --sgemm 0") == 1);
    CHECK(strstr(out, "no-such-model") != NULL);
    /* a SiamFC tracker takes an odd number of scales */
    CHECK(cli("--model siamfc-alexnet --batch 2 --sgemm 0 --runs 1 --warmup 0") == 1);
    CHECK(strstr(out, "odd") != NULL);
}

static void test_text(void) {
    int rc = cli("--model siamfc-alexnet --batch 1 --runs 2 --warmup 1 --sgemm 64");
    CHECK(rc == 0);
    if (rc) fprintf(stderr, "%s\n", out);
    const char *want[] = {"ceiling: CLBlast SGEMM 64x64x64", "frame upload", "crop (1 x 255x255)",
                          "template branch (1x3x127x127)", "search branch (1x3x255x255)", "head (xcorr, 1 maps)",
                          "download", "upsample (host, 1 x 17->272)", "whole update", "frames/s",
                          "template branch: ", "search branch: ", "GFLOP/s", "Conv 11x11/2 g1 +Relu", "MaxPool"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(out, want[i])) {
            fprintf(stderr, "missing in the bench table: '%s'\n", want[i]);
            tu_failures++;
        }
}

static void test_json(void) {
    int rc = cli("--model siamfc-alexnet --batch 1 --runs 3 --warmup 1 --sgemm 64 --json");
    CHECK(rc == 0);
    jnode root;
    memset(&root, 0, sizeof root);
    int ok = rc == 0 && jparse(out, &root);
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "bench --json output is not JSON:\n%.2000s\n", out);
        jfree(&root);
        return;
    }
    const jnode *dev = jget(&root, "device");
    CHECK(dev && jget(dev, "name") && jget(dev, "name")->kind == J_STR);
    CHECK(jnum(&root, "runs") == 3 && jnum(&root, "warmup") == 1);
    const jnode *sg = jget(&root, "sgemm");
    CHECK(sg && jnum(sg, "m") == 64 && jnum(sg, "gflops") > 0);
    CHECK(sg && jnum(jget(sg, "ms"), "median") > 0 && jnum(jget(sg, "ms"), "runs") == 3);
    const jnode *models = jget(&root, "models");
    CHECK(models && models->kind == J_ARR && models->n == 1);
    if (!models || models->n != 1) {
        jfree(&root);
        return;
    }
    const jnode *m = &models->kids[0];
    CHECK(jget(m, "name") && !strcmp(jget(m, "name")->str, "siamfc-alexnet"));
    CHECK(jnum(m, "batch") == 1 && jnum(m, "fps") > 0);
    const jnode *stages = jget(m, "stages");
    const char *names[] = {"frame upload", "crop", "template branch", "search branch", "head", "download",
                           "upsample", "decode", "whole update"};
    double share = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const jnode *s = jfind(stages, names[i]);
        CHECK(s != NULL);
        if (!s) continue;
        const jnode *ms = jget(s, "ms");
        double med = jnum(ms, "median");
        CHECK(med >= 0 && jnum(ms, "min") <= med && med <= jnum(ms, "max") && jnum(ms, "runs") == 3);
        CHECK(jnum(ms, "p10") <= jnum(ms, "p90"));
        const jnode *sh = jget(s, "share");
        if (sh && sh->kind == J_NUM && strcmp(names[i], "whole update")) share += sh->num;
    }
    /* the stages of an update are timed apart: their medians add up to about the whole (not exactly) */
    CHECK(share > 0.3 && share < 3.0);
    const jnode *upd = jfind(stages, "whole update");
    CHECK(upd && fabs(jnum(m, "fps") * jnum(jget(upd, "ms"), "median") - 1000.0) < 1e-3 * 1000.0);
    const jnode *search = jfind(stages, "search branch");
    /* SiamFC AlexNet at 1x3x255x255: 2.72 G multiply-adds in its five convs */
    CHECK(search && jnum(search, "macs") > 2.6e9 && jnum(search, "macs") < 2.8e9 && jnum(search, "gflops") > 0);
    const jnode *br = jfind(jget(m, "branches"), "search");
    CHECK(br != NULL);
    if (br) {
        const jnode *layers = jget(br, "layers");
        CHECK(layers && layers->kind == J_ARR && layers->n >= 5);
        double macs = 0, ms = 0, sh = 0;
        int convs = 0;
        for (int i = 0; layers && i < layers->n; i++) {
            const jnode *l = &layers->kids[i];
            macs += jnum(l, "macs");
            ms += jnum(l, "ms");
            sh += jnum(l, "share");
            const jnode *op = jget(l, "op");
            if (op && !strncmp(op->str, "Conv", 4)) convs++;
            CHECK(jnum(l, "ms") >= 0 && jget(l, "node") && jget(l, "output"));
        }
        CHECK(convs == 5);
        CHECK(macs == jnum(br, "macs") && macs == jnum(search, "macs"));
        CHECK(fabs(ms - jnum(br, "ms")) <= 1e-3 * ms + 1e-3);
        CHECK(fabs(sh - 1.0) < 1e-3);
    }
    jfree(&root);
}

int main(void) {
    test_json_reader();
    test_help_and_errors();
    test_text();
    test_json();
    return tu_finish("test-bench");
}
