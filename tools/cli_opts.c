/* The subcommands' option parsing: one table per command, read here. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_opt *find(const cli_opt *opts, const char *name) {
    for (const cli_opt *o = opts; o->name; o++)
        if (!strcmp(o->name, name)) return o;
    return NULL;
}

/* "a|b|c" -> the index of v, or -1. */
static int choice(const char *choices, const char *v) {
    size_t n = strlen(v);
    int i = 0;
    for (const char *c = choices; *c; i++) {
        size_t k = strcspn(c, "|");
        if (k == n && !strncmp(c, v, n)) return i;
        c += k + (c[k] == '|');
    }
    return -1;
}

static void wants(const char *cmd, const cli_opt *o, const char *v) {
    char list[256];
    snprintf(list, sizeof list, "%s", o->choices);
    char *last = strrchr(list, '|');
    for (char *p = list; *p; p++)
        if (*p == '|') *p = ',';
    if (last) *last = 0;
    fprintf(stderr, "siamcl %s: %s wants %s%s%s, got '%s'\n", cmd, o->name, list, last ? " or " : "",
            last ? last + 1 : "", v);
}

/* One option with its value v (NULL for a flag); 1 if taken. */
static int take(const char *cmd, const cli_opt *o, const char *v) {
    switch (o->kind) {
    case CLI_FLAG: *(int *)o->dst = 1; return 1;
    case CLI_STR: *(const char **)o->dst = v; return 1;
    case CLI_INT: return cli_parse_int(o->name, v, (long)o->lo, (long)o->hi, o->dst);
    case CLI_FLOAT: return cli_parse_float(o->name, v, o->lo, o->hi, o->dst);
    case CLI_CHOICE: {
        int i = choice(o->choices, v);
        if (i < 0) {
            wants(cmd, o, v);
            return 0;
        }
        *(int *)o->dst = i;
        return 1;
    }
    case CLI_FN: return o->fn(o->name, v, o->dst);
    case CLI_LIST: return 0; /* taken by cli_parse_opts */
    }
    return 0;
}

int cli_parse_opts(const char *cmd, int argc, char **argv, const cli_opt *opts, void (*usage)(FILE *)) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return -1;
        }
        const cli_opt *o = find(opts, a[0] == '-' ? a : "");
        if (o && !o->name[0]) { /* a positional argument */
            if (!take(cmd, o, a)) return 0;
            continue;
        }
        if (!o) {
            fprintf(stderr, "siamcl %s: unknown option %s (see --help)\n", cmd, a);
            return 0;
        }
        if (o->kind == CLI_LIST) {
            int n = 0;
            while (i + 1 + n < argc && strncmp(argv[i + 1 + n], "--", 2) != 0) n++;
            if (n == 0) {
                fprintf(stderr, "siamcl %s: %s needs at least one value\n", cmd, a);
                return 0;
            }
            cli_list *l = o->dst;
            l->v = (const char *const *)&argv[i + 1];
            l->n = n;
            i += n;
            continue;
        }
        const char *v = NULL;
        if (o->kind != CLI_FLAG) {
            if (i + 1 >= argc) {
                fprintf(stderr, "siamcl %s: %s needs a value (see --help)\n", cmd, a);
                return 0;
            }
            v = argv[++i];
        }
        if (!take(cmd, o, v)) return 0;
    }
    return 1;
}
