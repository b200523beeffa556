/* Box files: one "x y w h" box per line, fields separated by commas, tabs or
 * spaces in any mix ("1,2\t3 4"); CRLF endings, trailing blank lines and a last
 * line without newline are accepted. A malformed line (wrong field count, not a
 * decimal number (hex is refused), an infinite or absurd value (beyond 1e7), an
 * empty field, a blank line before the last box) is an error naming file:line.
 * NaN is read (trackers write it for a lost target); ground truth is checked
 * further by scl_boxes_check_gt. Written as "x,y,w,h" with the shortest decimal that reads back to
 * the same float. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* Parse one line (NUL-terminated, no '\n'). Returns 0 on success, else writes
 * the reason to why. A separator is any run of blanks holding at most one comma. */
static int parse_line(char *s, siamcl_box *b, const char **why) {
    float v[4];
    int n = 0;
    while (is_space(*s)) s++;
    while (*s) {
        if (n == 4) {
            *why = "more than 4 fields";
            return -1;
        }
        char *end;
        errno = 0;
        double d = strtod(s, &end);
        if (end == s) {
            *why = *s == ',' ? "empty field" : "not a number";
            return -1;
        }
        if ((*end && !is_space(*end) && *end != ',') || memchr(s, 'x', (size_t)(end - s)) ||
            memchr(s, 'X', (size_t)(end - s))) {
            *why = "not a decimal number";
            return -1;
        }
        if (isinf(d) || (!isnan(d) && fabs(d) > SCL_BOX_MAX)) {
            *why = "infinite or absurdly large value";
            return -1;
        }
        v[n++] = (float)d;
        s = end;
        int commas = 0;
        while (is_space(*s) || *s == ',') commas += *s++ == ',';
        if (commas > 1 || (commas == 1 && !*s)) {
            *why = "empty field";
            return -1;
        }
    }
    if (n != 4) {
        *why = n < 4 ? "fewer than 4 fields" : "more than 4 fields";
        return -1;
    }
    b->x = v[0];
    b->y = v[1];
    b->w = v[2];
    b->h = v[3];
    return 0;
}

static int blank(const char *s) {
    while (is_space(*s)) s++;
    return *s == 0;
}

siamcl_status siamcl_boxes_read(const char *path, siamcl_box **boxes, int *count) {
    if (!path || !boxes || !count) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_boxes_read: NULL argument");
    *boxes = NULL;
    *count = 0;
    uint8_t *data;
    size_t size;
    SCL_TRY(scl_read_file(path, &data, &size));
    /* one NUL-terminated copy so lines can be cut in place */
    char *text = scl_malloc(size + 1);
    if (!text) {
        scl_free(data);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory", path);
    }
    memcpy(text, data, size);
    text[size] = 0;
    scl_free(data);
    if (memchr(text, 0, size)) {
        scl_free(text);
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: binary data (NUL byte) in a box file", path);
    }
    size_t lines = 1;
    for (size_t i = 0; i < size; i++) lines += text[i] == '\n';
    if (lines > (size_t)1 << 28) {
        scl_free(text);
        return scl_fail(SIAMCL_ERR_FORMAT, "%s: too many lines", path);
    }
    siamcl_box *out = scl_malloc(lines * sizeof *out);
    if (!out) {
        scl_free(text);
        return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "%s: out of memory for %zu boxes", path, lines);
    }
    int n = 0;
    long first_blank = 0; /* line number of a blank line seen after the last box, 0 = none */
    char *line = text;
    for (long ln = 1; line; ln++) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = 0;
        if (blank(line)) {
            if (!first_blank) first_blank = ln;
        } else {
            const char *why = NULL;
            if (first_blank) {
                scl_free(out);
                scl_free(text);
                return scl_fail(SIAMCL_ERR_FORMAT, "%s:%ld: blank line between boxes", path, first_blank);
            }
            if (parse_line(line, &out[n], &why) != 0) {
                scl_free(out);
                scl_free(text);
                return scl_fail(SIAMCL_ERR_FORMAT, "%s:%ld: malformed box line (%s)", path, ln, why);
            }
            n++;
        }
        line = nl ? nl + 1 : NULL;
    }
    scl_free(text);
    if (n == 0) {
        scl_free(out);
        return SIAMCL_OK;
    }
    *boxes = out;
    *count = n;
    return SIAMCL_OK;
}

siamcl_status scl_boxes_check_gt(const char *path, const siamcl_box *b, int n) {
    for (int i = 0; i < n; i++) {
        const char *why = scl_box_has_nan(b[i])        ? "NaN"
                          : b[i].w < 0 || b[i].h < 0 ? "a negative size"
                                                     : NULL;
        /* rows are lines: blank lines may only follow the last box */
        if (why) return scl_fail(SIAMCL_ERR_FORMAT, "%s:%d: ground-truth box with %s", path, i + 1, why);
    }
    return SIAMCL_OK;
}

/* Shortest "%.*g" that reads back as exactly v. */
static void fmt_float(char *buf, size_t cap, float v) {
    if (isnan(v)) {
        snprintf(buf, cap, "nan");
        return;
    }
    if (isfinite(v) && fabsf(v) < 1e15f && v == truncf(v)) { /* integers as integers: "50", not "5e+01" */
        snprintf(buf, cap, "%.0f", (double)v);
        return;
    }
    for (int prec = 1; prec <= 9; prec++) {
        snprintf(buf, cap, "%.*g", prec, (double)v);
        if (strtof(buf, NULL) == v) return;
    }
}

siamcl_status siamcl_boxes_write(const char *path, const siamcl_box *boxes, int count) {
    if (!path || count < 0 || (!boxes && count > 0))
        return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_boxes_write: bad argument");
    FILE *f = fopen(path, "w");
    if (!f) return scl_fail(SIAMCL_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    int ok = 1;
    for (int i = 0; i < count && ok; i++) {
        char a[32], b[32], c[32], d[32];
        fmt_float(a, sizeof a, boxes[i].x);
        fmt_float(b, sizeof b, boxes[i].y);
        fmt_float(c, sizeof c, boxes[i].w);
        fmt_float(d, sizeof d, boxes[i].h);
        ok = fprintf(f, "%s,%s,%s,%s\n", a, b, c, d) > 0;
    }
    int e = errno;
    if (fclose(f) != 0 || !ok) {
        if (ok) e = errno;
        remove(path);
        return scl_fail(SIAMCL_ERR_IO, "%s: write error: %s", path, strerror(e));
    }
    return SIAMCL_OK;
}

void siamcl_boxes_free(siamcl_box *boxes) { scl_free(boxes); }
