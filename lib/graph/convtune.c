/* Per-layer choice of the convolution algorithm of a plan.
 *
 * SIAMCL_CONV selects how: `direct` or `gemm` force that path on every conv
 * (testing, comparisons), `auto` keeps the launcher's fixed rule
 * (scl_conv2d_fwd, SCL_CONV_AUTO), `tune` measures every candidate on each
 * conv layer when the plan is created and keeps the fastest. Default: `tune`
 * on GPUs and accelerators; `auto` on CPUs, where siamcl bench measured the
 * direct kernel at 5-20x CLBlast's GEMM on every layer of the three trackers
 * (PoCL, default CLBlast tuning) so measuring would only cost plan time.
 *
 * Tuning results are cached on disk next to the kernel binaries
 * (SIAMCL_CACHE_DIR/conv-tune.txt), one line per device, driver and layer
 * geometry: "<key> <algo> <ms direct> <ms gemm>". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "graph/convtune.h"

int scl_conv_mode(const scl_device *dev) {
    const char *e = getenv("SIAMCL_CONV");
    if (e && *e) {
        if (!strcasecmp(e, "direct")) return SCL_CONV_MODE_DIRECT;
        if (!strcasecmp(e, "gemm")) return SCL_CONV_MODE_GEMM;
        if (!strcasecmp(e, "tune")) return SCL_CONV_MODE_TUNE;
        if (!strcasecmp(e, "winograd")) return SCL_CONV_MODE_WINOGRAD;
        if (!strcasecmp(e, "auto")) return SCL_CONV_MODE_AUTO;
        scl_log(SIAMCL_LOG_WARN, "SIAMCL_CONV=%s is not direct, gemm, winograd, auto or tune: using the default", e);
    }
    return dev && dev->info.type == SIAMCL_DEVICE_CPU ? SCL_CONV_MODE_AUTO : SCL_CONV_MODE_TUNE;
}

int scl_conv_mode_pointwise_direct(const scl_device *dev, int mode) {
    /* AUTO: direct on CPUs (scl_conv2d_fwd's rule); Winograd does not apply to 1x1 */
    return mode == SCL_CONV_MODE_DIRECT || mode == SCL_CONV_MODE_WINOGRAD ||
           (mode == SCL_CONV_MODE_AUTO && dev && dev->info.type == SIAMCL_DEVICE_CPU);
}

scl_conv_algo scl_conv_mode_algo(int mode) {
    return mode == SCL_CONV_MODE_DIRECT     ? SCL_CONV_DIRECT
           : mode == SCL_CONV_MODE_WINOGRAD ? SCL_CONV_WINOGRAD
           : mode == SCL_CONV_MODE_GEMM || mode == SCL_CONV_MODE_TUNE ? SCL_CONV_GEMM
                                                                       : SCL_CONV_AUTO;
}

static void layer_key(const scl_device *dev, const scl_conv_layer *l, char *key, size_t cap) {
    const scl_conv_params *c = l->conv;
    const scl_view *x = l->x, *y = l->y;
    char raw[512];
    snprintf(raw, sizeof raw, "%s|%s|k%dx%d|s%dx%d|p%d,%d,%d,%d|d%dx%d|g%d|x%dx%dx%dx%d|oc%d|a%d|r%d",
             dev->info.name, dev->info.driver_version, c->kh, c->kw, c->stride_h, c->stride_w, c->pad_t,
             c->pad_l, c->pad_b, c->pad_r, c->dil_h, c->dil_w, c->groups, x->n, x->c, x->h, x->w, y->c,
             (int)l->act, l->res);
    /* one token: spaces in device names become '_' */
    size_t n = 0;
    for (const char *r = raw; *r && n + 1 < cap; r++) key[n++] = *r == ' ' || *r == '\t' ? '_' : *r;
    key[n] = 0;
}

/* The cached algorithm for key, or SCL_CONV_AUTO. */
static scl_conv_algo cache_lookup(const char *text, const char *key) {
    size_t kl = strlen(key);
    for (const char *l = text; l && *l;) {
        const char *nl = strchr(l, '\n');
        if (!strncmp(l, key, kl) && l[kl] == ' ') {
            if (!strncmp(l + kl + 1, "direct", 6)) return SCL_CONV_DIRECT;
            if (!strncmp(l + kl + 1, "gemm", 4)) return SCL_CONV_GEMM;
            if (!strncmp(l + kl + 1, "winograd", 8)) return SCL_CONV_WINOGRAD;
        }
        l = nl ? nl + 1 : NULL;
    }
    return SCL_CONV_AUTO;
}

static char *read_cache(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && n < (1 << 24) && fseek(f, 0, SEEK_SET) == 0) {
            buf = scl_malloc((size_t)n + 1);
            if (buf) {
                size_t got = fread(buf, 1, (size_t)n, f);
                buf[got] = 0;
            }
        }
    }
    fclose(f);
    return buf;
}

void scl_conv_tuner_open(scl_conv_tuner *t, const scl_device *dev) {
    memset(t, 0, sizeof *t);
    t->dev = dev;
    if (dev->cache_dir[0]) {
        snprintf(t->path, sizeof t->path, "%s/conv-tune.txt", dev->cache_dir);
        t->cache = read_cache(t->path);
    }
}

void scl_conv_tuner_close(scl_conv_tuner *t) {
    scl_free(t->cache);
    t->cache = NULL;
}

static const char *algo_name(scl_conv_algo a) {
    return a == SCL_CONV_GEMM ? "gemm" : a == SCL_CONV_WINOGRAD ? "winograd" : "direct";
}

siamcl_status scl_conv_tuner_choose(scl_conv_tuner *t, const scl_conv_layer *l, scl_conv_timer time, void *arg,
                                    scl_conv_algo *out) {
    char key[600];
    layer_key(t->dev, l, key, sizeof key);
    scl_conv_algo a = t->cache ? cache_lookup(t->cache, key) : SCL_CONV_AUTO;
    if (a != SCL_CONV_AUTO) {
        *out = a;
        return SIAMCL_OK;
    }
    double md = 0, mg = 0, mw = 1e30;
    SCL_TRY(time(arg, SCL_CONV_DIRECT, &md));
    SCL_TRY(time(arg, SCL_CONV_GEMM, &mg));
    /* Winograd where it applies and fits the workspace at hand */
    scl_conv_params wp = *l->conv;
    wp.algo = SCL_CONV_WINOGRAD;
    size_t wb = scl_conv_winograd_workspace_bytes(&wp, l->x, l->y);
    if (wb && wb <= l->workspace_bytes) SCL_TRY(time(arg, SCL_CONV_WINOGRAD, &mw));
    a = mg < md ? SCL_CONV_GEMM : SCL_CONV_DIRECT;
    if (mw < md && mw < mg) a = SCL_CONV_WINOGRAD;
    scl_log(SIAMCL_LOG_DEBUG, "conv tune: %s: direct %.3f ms, gemm %.3f ms, winograd %.3f ms -> %s", l->name, md, mg,
            mw < 1e29 ? mw : -1.0, algo_name(a));
    if (t->path[0]) {
        FILE *f = fopen(t->path, "a");
        if (f) {
            fprintf(f, "%s %s %.4f %.4f %.4f\n", key, algo_name(a), md, mg, mw < 1e29 ? mw : -1.0);
            fclose(f);
        }
    }
    *out = a;
    return SIAMCL_OK;
}
