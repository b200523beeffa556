/* The Winograd F(2x2,3x3) path of scl_conv2d_fwd (SCL_CONV_WINOGRAD) against a
 * plain C reference conv (double accumulation) on inputs in [-1,1]: odd H/W
 * (partial tiles at the border), pad 1 / pad 0 / asymmetric pads, C_in/C_out
 * not multiples of the 8-channel block, batch 3, bias, residual (also in
 * place), every fused activation, a layer-sized 256-channel case; layers it
 * does not apply to fall back to direct with no workspace. Then workspace
 * sizing and bad inputs. Tolerance: tu_close (1e-4 + 1e-3 |ref|). */
#include "ops/ops.h"
#include "refops.h"
#include "testutil.h"

typedef struct wcase {
    const char *name;
    int n, c, h, w, oc;
    int kh, sh, pt, pl, pb, pr, dil;
    int bias, res; /* res 2: residual is y itself (in place) */
    scl_act_params act;
} wcase;

static void ref_conv(const wcase *t, int oh, int ow, const float *x, const float *w, const float *bias,
                     const float *res, float *y) {
    scl_conv_params p = {t->kh, t->kh, t->sh, t->sh, t->pt, t->pl, t->pb, t->pr, t->dil, t->dil, 1, t->act, 0};
    ref_conv2d(&p, t->n, t->c, t->h, t->w, t->oc, oh, ow, x, w, bias, res, y);
}

static scl_conv_params params_of(const wcase *t) {
    scl_conv_params p = {t->kh, t->kh, t->sh, t->sh, t->pt, t->pl, t->pb, t->pr, t->dil, t->dil, 1, t->act,
                         SCL_CONV_WINOGRAD};
    return p;
}

/* One case, tensors at non-zero offsets in their buffers, output prefilled with NaN. */
static void run_case(scl_device *dev, const wcase *t) {
    scl_conv_params p = params_of(t);
    int oh = 0, ow = 0;
    CHECK_OK(scl_conv2d_out_size(&p, t->h, t->w, &oh, &ow));
    if (oh <= 0 || ow <= 0) return;
    const size_t XO = 3, WO = 5, BO = 7, YO = 11, RO = 2;
    size_t nx = (size_t)t->n * t->c * t->h * t->w, nw = (size_t)t->oc * t->c * t->kh * t->kh,
           ny = (size_t)t->n * t->oc * oh * ow;
    float *x = malloc((XO + nx) * 4), *w = malloc((WO + nw) * 4), *b = malloc((BO + t->oc) * 4),
          *r = malloc((RO + ny) * 4), *y0 = malloc((YO + ny) * 4), *ref = malloc(ny * 4);
    CHECK(x && w && b && r && y0 && ref);
    tu_fill(x, XO + nx, -1, 1);
    tu_fill(w, WO + nw, -1, 1);
    tu_fill(b, BO + t->oc, -1, 1);
    tu_fill(r, RO + ny, -2, 2);
    for (size_t i = 0; i < YO + ny; i++) y0[i] = t->res == 2 ? r[RO + (i >= YO ? i - YO : 0)] : NAN;
    cl_mem dx = tu_upload(dev, x, XO + nx), dw = tu_upload(dev, w, WO + nw), db = tu_upload(dev, b, BO + t->oc),
           dr = tu_upload(dev, r, RO + ny), dy = tu_upload(dev, y0, YO + ny);
    scl_view tx = {dx, XO, t->n, t->c, t->h, t->w}, ty = {dy, YO, t->n, t->oc, oh, ow},
               tr = {dr, RO, t->n, t->oc, oh, ow};
    const scl_view *res = t->res == 1 ? &tr : t->res == 2 ? &ty : NULL;
    int applies = scl_conv_winograd_applies(&p);
    size_t wsb = scl_conv2d_workspace_bytes(&p, &tx, &ty);
    size_t tiles = (size_t)t->n * ((oh + 1) / 2) * ((ow + 1) / 2), tp = (tiles + 15) / 16 * 16,
           kp = ((size_t)t->oc + 7) / 8 * 8;
    CHECK(wsb == (applies ? 16 * (t->c * kp + t->c * tp + kp * tp) * sizeof(float) : 0));
    cl_mem ws = NULL;
    if (wsb) CHECK_OK(scl_buffer_alloc(dev, wsb, &ws));
    siamcl_status st = scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &tx, .w = dw, .woff = WO,
                                                                .bias = t->bias ? db : NULL, .boff = BO,
                                                                .residual = res, .workspace = ws, .y = &ty});
    char what[200];
    snprintf(what, sizeof what, "%s %dx%dx%dx%d->%d k%d s%d p%d,%d,%d,%d d%d bias%d res%d act%d", t->name, t->n, t->c,
             t->h, t->w, t->oc, t->kh, t->sh, t->pt, t->pl, t->pb, t->pr, t->dil, t->bias, t->res, (int)t->act.act);
    if (st != SIAMCL_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, siamcl_status_string(st), siamcl_last_error());
        tu_failures++;
    } else {
        ref_conv(t, oh, ow, x + XO, w + WO, t->bias ? b + BO : NULL, t->res ? r + RO : NULL, ref);
        float *got = tu_download(dev, dy, YO + ny);
        CHECK(got != NULL);
        if (got) {
            tu_compare(what, got + YO, ref, ny);
            for (size_t i = 0; i < YO; i++) CHECK(isnan(got[i]) || t->res == 2);
        }
        free(got);
    }
    scl_buffer_free(dev, ws);
    scl_buffer_free(dev, dx);
    scl_buffer_free(dev, dw);
    scl_buffer_free(dev, db);
    scl_buffer_free(dev, dr);
    scl_buffer_free(dev, dy);
    free(x);
    free(w);
    free(b);
    free(r);
    free(y0);
    free(ref);
}

#define NOACT {SCL_ACT_NONE, 0, 0}
#define RELU {SCL_ACT_RELU, 0, 0}

static const wcase cases[] = {
    /* name           n  c   h   w   oc  k s pt pl pb pr d bias res act */
    {"pad1 odd",      1, 17, 15, 13, 19, 3, 1, 1, 1, 1, 1, 1, 1, 0, RELU},
    {"pad1 even",     1, 8, 12, 10, 8, 3, 1, 1, 1, 1, 1, 1, 1, 1, NOACT},
    {"pad0 odd",      1, 7, 11, 9, 5, 3, 1, 0, 0, 0, 0, 1, 0, 0, NOACT},
    {"batch3 pad1",   3, 13, 9, 11, 21, 3, 1, 1, 1, 1, 1, 1, 1, 1, RELU},
    {"batch3 pad0",   3, 10, 8, 7, 9, 3, 1, 0, 0, 0, 0, 1, 0, 1, NOACT},
    {"in place res",  2, 6, 9, 7, 6, 3, 1, 1, 1, 1, 1, 1, 1, 2, RELU},
    {"asym pads",     1, 5, 8, 10, 7, 3, 1, 2, 0, 1, 3, 1, 1, 0, NOACT},
    {"tiny",          1, 1, 3, 3, 1, 3, 1, 0, 0, 0, 0, 1, 1, 0, NOACT},
    {"1 pixel pad1",  2, 3, 1, 1, 4, 3, 1, 1, 1, 1, 1, 1, 1, 0, NOACT},
    {"64 ch",         1, 64, 17, 19, 67, 3, 1, 1, 1, 1, 1, 1, 1, 1, RELU},
    {"256 ch",        1, 256, 15, 15, 256, 3, 1, 0, 0, 0, 0, 1, 1, 0, RELU},
    {"512 in",        1, 512, 9, 9, 24, 3, 1, 1, 1, 1, 1, 1, 1, 1, NOACT},
    /* not Winograd-shaped: direct fallback, no workspace */
    {"stride2",       1, 6, 11, 9, 5, 3, 2, 1, 1, 1, 1, 1, 1, 0, NOACT},
    {"dilation2",     1, 6, 13, 14, 5, 3, 1, 2, 2, 2, 2, 2, 1, 0, NOACT},
    {"5x5",           1, 4, 9, 9, 6, 5, 1, 2, 2, 2, 2, 1, 1, 0, RELU},
};

int main(void) {
    siamcl_context *ctx = tu_context();
    scl_device *dev = tu_dev(ctx);
    tu_seed(6);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) run_case(dev, &cases[i]);

    const scl_act_params acts[] = {{SCL_ACT_NONE, 0, 0},      {SCL_ACT_RELU, 0, 0},
                                   {SCL_ACT_CLIP, 0, 6},      {SCL_ACT_CLIP, -0.5f, 0.75f},
                                   {SCL_ACT_HARDSWISH, 0, 0}, {SCL_ACT_HARDSIGMOID, 0.2f, 0.5f},
                                   {SCL_ACT_SIGMOID, 0, 0},   {SCL_ACT_EXP, 0, 0}};
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        wcase t = {"act", 2, 5, 9, 7, 6, 3, 1, 1, 1, 1, 1, 1, 1, (int)(i & 1), acts[i]};
        run_case(dev, &t);
    }

    /* ---- workspace queries ---- */
    {
        scl_conv_params p = {3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, {SCL_ACT_NONE, 0, 0}, SCL_CONV_WINOGRAD};
        scl_view x = {NULL, 0, 2, 4, 10, 9}, y = {NULL, 0, 2, 9, 10, 9};
        /* tiles 2*5*5 = 50 -> 64, C_out 9 -> 16 */
        CHECK(scl_conv2d_workspace_bytes(&p, &x, &y) == 16 * (4 * 16 + 4 * 64 + 16 * 64) * sizeof(float));
        CHECK(scl_conv_winograd_workspace_bytes(&p, &x, &y) == scl_conv2d_workspace_bytes(&p, &x, &y));
        p.groups = 2;
        CHECK(scl_conv2d_workspace_bytes(&p, &x, &y) == 0);
        CHECK(!scl_conv_winograd_applies(&p));
        CHECK(!scl_conv_winograd_applies(NULL));
        CHECK(scl_conv_winograd_workspace_bytes(NULL, &x, &y) == 0);
    }

    /* ---- bad inputs: a clean status ---- */
    {
        cl_mem dx = tu_upload(dev, NULL, 2 * 4 * 10 * 10), dw = tu_upload(dev, NULL, 8 * 4 * 9),
               dy = tu_upload(dev, NULL, 2 * 8 * 10 * 10), small = tu_upload(dev, NULL, 4);
        scl_view x = {dx, 0, 2, 4, 10, 10}, y = {dy, 0, 2, 8, 10, 10};
        scl_conv_params p = {3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, {SCL_ACT_NONE, 0, 0}, SCL_CONV_WINOGRAD};
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .y = &y}), SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .workspace = small, .y = &y}),
                     SIAMCL_ERR_SHAPE);
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .workspace = dx, .y = &y}),
                     SIAMCL_ERR_SHAPE);
        size_t wsb = scl_conv2d_workspace_bytes(&p, &x, &y);
        cl_mem ws = NULL;
        CHECK_OK(scl_buffer_alloc(dev, wsb, &ws));
        y.c = 9; /* output exceeds its buffer */
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .workspace = ws, .y = &y}),
                     SIAMCL_ERR_SHAPE);
        y.c = 8;
        CHECK_STATUS(scl_conv_winograd_fwd(NULL, &p, &(scl_conv_args){.x = &x, .w = dw, .workspace = ws,
                                                                      .y = &y}, wsb / 4),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(scl_conv_winograd_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .workspace = dx,
                                                                     .y = &y}, 1u << 30),
                     SIAMCL_ERR_INVALID_ARGUMENT); /* workspace aliases the input */
        p.stride_h = 2;
        CHECK_STATUS(scl_conv_winograd_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .workspace = ws,
                                                                     .y = &y}, wsb / 4),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        p.stride_h = 1;
        CHECK_OK(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .workspace = ws, .y = &y}));
        CHECK(clFinish(dev->queue) == CL_SUCCESS);
        scl_buffer_free(dev, ws);
        scl_buffer_free(dev, dx);
        scl_buffer_free(dev, dw);
        scl_buffer_free(dev, dy);
        scl_buffer_free(dev, small);
    }
    siamcl_context_free(ctx);
    return tu_finish("test-winograd");
}
