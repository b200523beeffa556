/* scl_conv2d_fwd against a plain C reference (double accumulation) on random
 * inputs: odd shapes, strides, asymmetric padding, dilation, groups, depthwise,
 * batches, bias, fused residual and every activation, through the direct
 * kernel, the im2col + CLBlast GEMM path and AUTO; the dual form and a
 * residual read as a window of a larger tensor. Then bad inputs and a
 * failing-allocation walk. Tolerance: tu_close (1e-4 + 1e-3 |ref|). */
#include "ops/ops.h"
#include "refops.h"
#include "testutil.h"

typedef struct ccase {
    const char *name;
    int n, c, h, w, oc;
    int kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, groups;
    int bias, res; /* res 2: residual is y itself (in place) */
    scl_act_params act;
} ccase;

static void ref_conv(const ccase *t, int oh, int ow, const float *x, const float *w, const float *bias,
                     const float *res, float *y) {
    scl_conv_params p = {t->kh, t->kw, t->sh, t->sw, t->pt, t->pl, t->pb, t->pr, t->dh, t->dw, t->groups, t->act, 0};
    ref_conv2d(&p, t->n, t->c, t->h, t->w, t->oc, oh, ow, x, w, bias, res, y);
}

static scl_conv_params params_of(const ccase *t, scl_conv_algo algo) {
    scl_conv_params p = {t->kh, t->kw, t->sh, t->sw, t->pt, t->pl, t->pb, t->pr, t->dh, t->dw, t->groups, t->act, algo};
    return p;
}

static const char *algo_name(scl_conv_algo a) {
    return a == SCL_CONV_DIRECT ? "direct" : a == SCL_CONV_GEMM ? "gemm" : "auto";
}

/* Run one case through one algorithm, tensors at non-zero offsets in their buffers. */
static void run_case(scl_device *dev, const ccase *t, scl_conv_algo algo) {
    scl_conv_params p = params_of(t, algo);
    int oh = 0, ow = 0;
    CHECK_OK(scl_conv2d_out_size(&p, t->h, t->w, &oh, &ow));
    if (oh <= 0 || ow <= 0) return;
    const size_t XO = 3, WO = 5, BO = 7, YO = 11, RO = 2;
    size_t nx = (size_t)t->n * t->c * t->h * t->w, nw = (size_t)t->oc * (t->c / t->groups) * t->kh * t->kw,
           ny = (size_t)t->n * t->oc * oh * ow;
    float *x = malloc((XO + nx) * 4), *w = malloc((WO + nw) * 4), *b = malloc((BO + t->oc) * 4),
          *r = malloc((RO + ny) * 4), *y0 = malloc((YO + ny) * 4), *ref = malloc(ny * 4);
    tu_fill(x, XO + nx, -1, 1);
    tu_fill(w, WO + nw, -1, 1);
    tu_fill(b, BO + t->oc, -1, 1);
    tu_fill(r, RO + ny, -2, 2);
    /* the output starts as NaN (or the residual, in place): beta = 0 must not read it */
    for (size_t i = 0; i < YO + ny; i++) y0[i] = t->res == 2 ? r[RO + (i >= YO ? i - YO : 0)] : NAN;
    cl_mem dx = tu_upload(dev, x, XO + nx), dw = tu_upload(dev, w, WO + nw), db = tu_upload(dev, b, BO + t->oc),
           dr = tu_upload(dev, r, RO + ny), dy = tu_upload(dev, y0, YO + ny);
    scl_view tx = {dx, XO, t->n, t->c, t->h, t->w}, ty = {dy, YO, t->n, t->oc, oh, ow},
               tr = {dr, RO, t->n, t->oc, oh, ow};
    const scl_view *res = t->res == 1 ? &tr : t->res == 2 ? &ty : NULL;
    size_t wsb = scl_conv2d_workspace_bytes(&p, &tx, &ty);
    cl_mem ws = NULL;
    if (wsb) CHECK_OK(scl_buffer_alloc(dev, wsb, &ws));
    if (algo != SCL_CONV_GEMM) CHECK(wsb == 0); /* AUTO never needs one */
    int pointwise = t->kh == 1 && t->kw == 1 && t->sh == 1 && t->sw == 1 && !t->pt && !t->pl && !t->pb && !t->pr;
    if (algo == SCL_CONV_GEMM) CHECK((wsb == 0) == pointwise);
    siamcl_status st = scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &tx, .w = dw, .woff = WO,
                                                                .bias = t->bias ? db : NULL, .boff = BO,
                                                                .residual = res, .workspace = ws, .y = &ty});
    char what[200];
    snprintf(what, sizeof what, "%s [%s] %dx%dx%dx%d->%d k%dx%d s%dx%d p%d,%d,%d,%d d%dx%d g%d bias%d res%d act%d",
             t->name, algo_name(algo), t->n, t->c, t->h, t->w, t->oc, t->kh, t->kw, t->sh, t->sw, t->pt, t->pl, t->pb,
             t->pr, t->dh, t->dw, t->groups, t->bias, t->res, (int)t->act.act);
    if (st != SIAMCL_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, siamcl_status_string(st), siamcl_last_error());
        tu_failures++;
    } else {
        ref_conv(t, oh, ow, x + XO, w + WO, t->bias ? b + BO : NULL, t->res ? r + RO : NULL, ref);
        float *got = tu_download(dev, dy, YO + ny);
        CHECK(got != NULL);
        if (got) {
            tu_compare(what, got + YO, ref, ny);
            for (size_t i = 0; i < YO; i++) CHECK(isnan(got[i]) || t->res == 2); /* nothing written before y */
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

/* The dual form: y = act(conv1x1(x, w) + b + conv1x1(x2, w2) + b2), against
 * the reference of the two convs (the first's output fed as the residual of
 * the second, activation last). */
static void run_dual(scl_device *dev, int n, int c, int c2, int h, int w, int oc, int bias, int bias2,
                     scl_act_params act) {
    size_t nx = (size_t)n * c * h * w, nx2 = (size_t)n * c2 * h * w, ny = (size_t)n * oc * h * w;
    float *x = malloc(nx * 4), *x2 = malloc(nx2 * 4), *wt = malloc((size_t)oc * c * 4), *wt2 = malloc((size_t)oc * c2 * 4);
    float *b = malloc((size_t)oc * 4), *b2 = malloc((size_t)oc * 4), *t = malloc(ny * 4), *ref = malloc(ny * 4);
    tu_fill(x, nx, -1, 1);
    tu_fill(x2, nx2, -1, 1);
    tu_fill(wt, (size_t)oc * c, -0.3f, 0.3f);
    tu_fill(wt2, (size_t)oc * c2, -0.3f, 0.3f);
    tu_fill(b, (size_t)oc, -1, 1);
    tu_fill(b2, (size_t)oc, -1, 1);
    scl_conv_params p = {1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, {SCL_ACT_NONE, 0, 0}, SCL_CONV_AUTO};
    ref_conv2d(&p, n, c, h, w, oc, h, w, x, wt, bias ? b : NULL, NULL, t);
    p.act = act;
    ref_conv2d(&p, n, c2, h, w, oc, h, w, x2, wt2, bias2 ? b2 : NULL, t, ref);
    /* everything at odd offsets inside larger buffers; the second input shares the first's buffer */
    const size_t XO = 3, X2O = XO + nx + 5, WO = 7, W2O = 2, BO = 1, B2O = 4, YO = 9;
    cl_mem dx = tu_upload(dev, NULL, X2O + nx2), dw = tu_upload(dev, NULL, WO + (size_t)oc * c),
           dw2 = tu_upload(dev, NULL, W2O + (size_t)oc * c2), db = tu_upload(dev, NULL, BO + (size_t)oc),
           db2 = tu_upload(dev, NULL, B2O + (size_t)oc), dy = tu_upload(dev, NULL, YO + ny);
    CHECK_OK(scl_buffer_write(dev, dx, XO * 4, nx * 4, x));
    CHECK_OK(scl_buffer_write(dev, dx, X2O * 4, nx2 * 4, x2));
    CHECK_OK(scl_buffer_write(dev, dw, WO * 4, (size_t)oc * c * 4, wt));
    CHECK_OK(scl_buffer_write(dev, dw2, W2O * 4, (size_t)oc * c2 * 4, wt2));
    CHECK_OK(scl_buffer_write(dev, db, BO * 4, (size_t)oc * 4, b));
    CHECK_OK(scl_buffer_write(dev, db2, B2O * 4, (size_t)oc * 4, b2));
    scl_view tx = {dx, XO, n, c, h, w}, tx2 = {dx, X2O, n, c2, h, w}, ty = {dy, YO, n, oc, h, w};
    CHECK_OK(scl_conv2d_dual_fwd(dev, &p, &(scl_conv_args){.x = &tx, .w = dw, .woff = WO, .bias = bias ? db : NULL,
                                                           .boff = BO, .x2 = &tx2, .w2 = dw2, .w2off = W2O,
                                                           .bias2 = bias2 ? db2 : NULL, .b2off = B2O, .y = &ty}));
    float *got = tu_download(dev, dy, YO + ny);
    char what[160];
    snprintf(what, sizeof what, "dual 1x1 %dx(%d+%d)x%dx%d->%d bias%d%d act%d", n, c, c2, h, w, oc, bias, bias2,
             (int)act.act);
    if (got) tu_compare(what, got + YO, ref, ny);
    free(got);
    scl_buffer_free(dev, dx);
    scl_buffer_free(dev, dw);
    scl_buffer_free(dev, dw2);
    scl_buffer_free(dev, db);
    scl_buffer_free(dev, db2);
    scl_buffer_free(dev, dy);
    free(x);
    free(x2);
    free(wt);
    free(wt2);
    free(b);
    free(b2);
    free(t);
    free(ref);
}

/* A residual window: y = act(conv(x) + bias + r[:, :, y0:y0+oh, x0:x0+ow]) with
 * r an n x oc x rh x rw tensor (row stride rw, plane stride rh*rw), against
 * the reference fed the window copied out. k: 1 (1x1) or 3 (3x3, pad). */
static void run_reswin(scl_device *dev, int n, int c, int h, int w, int oc, int k, int pad, int bias, int y0,
                       int x0, int rh, int rw, scl_act_params act) {
    scl_conv_params p = {k, k, 1, 1, pad, pad, pad, pad, 1, 1, 1, act, SCL_CONV_AUTO};
    int oh = 0, ow = 0;
    CHECK_OK(scl_conv2d_out_size(&p, h, w, &oh, &ow));
    CHECK(y0 + oh <= rh && x0 + ow <= rw);
    const size_t XO = 3, WO = 5, BO = 7, YO = 11, RO = 2;
    size_t nx = (size_t)n * c * h * w, nw = (size_t)oc * c * k * k, ny = (size_t)n * oc * oh * ow,
           nr = (size_t)n * oc * rh * rw;
    float *x = malloc((XO + nx) * 4), *wt = malloc((WO + nw) * 4), *b = malloc((BO + oc) * 4),
          *r = malloc((RO + nr) * 4), *win = malloc(ny * 4), *y0v = malloc((YO + ny) * 4), *ref = malloc(ny * 4);
    tu_fill(x, XO + nx, -1, 1);
    tu_fill(wt, WO + nw, -0.5f, 0.5f);
    tu_fill(b, BO + oc, -1, 1);
    tu_fill(r, RO + nr, -2, 2);
    for (size_t i = 0; i < YO + ny; i++) y0v[i] = NAN;
    for (int q = 0; q < n * oc; q++)
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
                win[((size_t)q * oh + i) * ow + j] = r[RO + ((size_t)q * rh + y0 + i) * rw + x0 + j];
    ref_conv2d(&p, n, c, h, w, oc, oh, ow, x + XO, wt + WO, bias ? b + BO : NULL, win, ref);
    cl_mem dx = tu_upload(dev, x, XO + nx), dw = tu_upload(dev, wt, WO + nw), db = tu_upload(dev, b, BO + oc),
           dr = tu_upload(dev, r, RO + nr), dy = tu_upload(dev, y0v, YO + ny);
    scl_view tx = {dx, XO, n, c, h, w}, ty = {dy, YO, n, oc, oh, ow},
               tr = {dr, RO + (size_t)y0 * rw + x0, n, oc, oh, ow};
    char what[200];
    snprintf(what, sizeof what, "residual window %dx%dx%dx%d->%d k%d p%d bias%d at (%d,%d) of %dx%d act%d", n, c, h,
             w, oc, k, pad, bias, y0, x0, rh, rw, (int)act.act);
    siamcl_status st = scl_conv2d_reswin_fwd(dev, &p, &(scl_conv_args){.x = &tx, .w = dw, .woff = WO,
                                                                       .bias = bias ? db : NULL, .boff = BO,
                                                                       .residual = &tr, .res_row = rw,
                                                                       .res_plane = rh * rw, .y = &ty});
    if (st != SIAMCL_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, siamcl_status_string(st), siamcl_last_error());
        tu_failures++;
    } else {
        float *got = tu_download(dev, dy, YO + ny);
        CHECK(got != NULL);
        if (got) {
            tu_compare(what, got + YO, ref, ny);
            for (size_t i = 0; i < YO; i++) CHECK(isnan(got[i]));
        }
        free(got);
    }
    scl_buffer_free(dev, dx);
    scl_buffer_free(dev, dw);
    scl_buffer_free(dev, db);
    scl_buffer_free(dev, dr);
    scl_buffer_free(dev, dy);
    free(x);
    free(wt);
    free(b);
    free(r);
    free(win);
    free(y0v);
    free(ref);
}

#define NOACT {SCL_ACT_NONE, 0, 0}
#define RELU {SCL_ACT_RELU, 0, 0}

static const ccase cases[] = {
    /* name            n  c   h   w  oc  kh kw sh sw pt pl pb pr dh dw g  bias res act */
    {"1x1",            1, 13, 7,  9, 11, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, NOACT},
    {"1x1 batch",      3, 16, 5, 11, 21, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 1, RELU},
    {"1x1 stride2",    2, 9, 9,  8,  7, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 0, NOACT},
    {"1x1 padded",     1, 5, 4,  6,  6, 1, 1, 1, 1, 1, 0, 1, 2, 1, 1, 1, 1, 0, NOACT},
    {"3x3 pad1",       1, 17, 15, 13, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, RELU},
    {"3x3 pad1 res",   2, 8, 11, 12, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, RELU},
    {"3x3 in place",   1, 6, 9,  7,  6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, NOACT},
    {"3x3 nopad",      3, 7, 10, 9,  5, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, NOACT},
    {"7x7 s2 p3",      1, 3, 37, 35, 9, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 0, RELU},
    {"11x11 s2",       2, 3, 41, 39, 10, 11, 11, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 0, RELU},
    {"asym pad",       1, 5, 8, 10, 7, 3, 2, 1, 1, 2, 0, 1, 3, 1, 1, 1, 1, 0, NOACT},
    {"asym s2",        2, 4, 11, 9, 6, 4, 3, 2, 3, 0, 2, 3, 1, 1, 1, 1, 0, 1, NOACT},
    {"dilation2",      1, 6, 13, 14, 5, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1, 1, 0, NOACT},
    {"dil 2x3 s2",     1, 4, 17, 19, 3, 3, 3, 2, 1, 1, 3, 2, 0, 2, 3, 1, 1, 0, NOACT},
    {"groups2",        1, 8, 13, 11, 12, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 2, 1, 0, RELU},
    {"groups2 batch",  3, 10, 7, 9, 6, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2, 1, 1, NOACT},
    {"groups3 1x1",    2, 9, 5, 7, 15, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 3, 1, 0, NOACT},
    {"groups4 1x1 n1", 1, 8, 6, 5, 12, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 4, 0, 0, NOACT},
    {"dw 3x3",         1, 12, 14, 15, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 12, 1, 0, {SCL_ACT_HARDSWISH, 0, 0}},
    {"dw 5x5 s2",      2, 7, 17, 16, 7, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1, 7, 1, 0, RELU},
    {"dw mult2",       1, 5, 9, 8, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 5, 0, 0, NOACT},
    {"dw dil2 asym",   2, 5, 37, 20, 5, 3, 3, 1, 1, 2, 1, 3, 2, 2, 2, 5, 1, 1, NOACT},
    {"dw 5x5 tall",    1, 3, 40, 9, 3, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 3, 1, 0, RELU},
    {"batch3 3x3 s2",  3, 6, 15, 16, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, {SCL_ACT_CLIP, 0, 6}},
    {"k > input pad",  1, 2, 2, 3, 3, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 0, NOACT},
    {"1x1 pixel",      2, 3, 1, 1, 4, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, NOACT},
    /* shapes that reach every path of the direct kernel's register blocking:
     * whole 8-channel blocks and a tail block, rows wider than one block of
     * 2x16 columns, interior/masked/edge-of-tensor loads, stride 2 and 3 */
    {"wide 3x3",       2, 9, 12, 70, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, RELU},
    {"wide 5x5 s2",    1, 4, 11, 75, 16, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 0, NOACT},
    {"wide s3",        1, 3, 10, 80, 8, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0, NOACT},
    {"wide 1x1",       3, 10, 9, 13, 24, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, {SCL_ACT_HARDSWISH, 0, 0}},
    {"wide dw s2",     2, 6, 21, 66, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 6, 1, 0, NOACT},
    {"ocg 12 g2",      1, 6, 9, 40, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 0, NOACT},
    {"deep 1x1",       1, 300, 3, 7, 9, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, NOACT},
    /* a layer-sized conv: specialised direct program, CLBlast's indirect GEMM */
    {"big 3x3",        1, 64, 44, 45, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, RELU},
};

int main(void) {
    siamcl_context *ctx = tu_context();
    scl_device *dev = tu_dev(ctx);
    tu_seed(42);
    const scl_conv_algo algos[] = {SCL_CONV_DIRECT, SCL_CONV_GEMM, SCL_CONV_AUTO};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int a = 0; a < 3; a++) run_case(dev, &cases[i], algos[a]);

    /* every activation, fused, on both paths */
    const scl_act_params acts[] = {{SCL_ACT_NONE, 0, 0},      {SCL_ACT_RELU, 0, 0},
                                   {SCL_ACT_CLIP, 0, 6},      {SCL_ACT_CLIP, -0.5f, 0.75f},
                                   {SCL_ACT_HARDSWISH, 0, 0}, {SCL_ACT_HARDSIGMOID, 0.2f, 0.5f},
                                   {SCL_ACT_SIGMOID, 0, 0},   {SCL_ACT_EXP, 0, 0}};
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        ccase t = {"act", 2, 5, 9, 7, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, (int)(i & 1), acts[i]};
        for (int a = 0; a < 3; a++) run_case(dev, &t, algos[a]);
        ccase d = {"act dw", 1, 4, 8, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4, 1, 1, acts[i]};
        run_case(dev, &d, SCL_CONV_DIRECT);
        run_case(dev, &d, SCL_CONV_GEMM);
    }

    /* ---- a residual window (a centre crop of a larger tensor, read in place) ---- */
    {
        const scl_act_params relu = {SCL_ACT_RELU, 0, 0}, none = {SCL_ACT_NONE, 0, 0};
        /* 1x1: rows of >= 16 (a vector crosses one row end), of < 16 (several), odd sizes,
         * channel counts with a tail block; the centre crop (1,1) and a (0,0) window of a
         * wider, taller tensor */
        run_reswin(dev, 3, 13, 9, 21, 19, 1, 0, 1, 1, 1, 11, 23, relu);
        run_reswin(dev, 3, 13, 9, 21, 19, 1, 0, 0, 0, 0, 10, 24, none);
        run_reswin(dev, 3, 7, 5, 5, 11, 1, 0, 1, 1, 1, 7, 7, relu);
        run_reswin(dev, 3, 7, 7, 3, 9, 1, 0, 1, 0, 0, 9, 5, none);
        run_reswin(dev, 3, 16, 7, 16, 8, 1, 0, 1, 1, 1, 9, 18, relu);
        run_reswin(dev, 2, 5, 11, 37, 12, 1, 0, 0, 0, 0, 12, 40, relu);
        run_reswin(dev, 2, 5, 6, 11, 7, 1, 0, 1, 0, 0, 9, 11, none); /* rows contiguous, planes apart */
        /* layer-sized 1x1 (the specialised program), CIResNet-like 25 -> 23 */
        run_reswin(dev, 3, 64, 23, 23, 40, 1, 0, 1, 1, 1, 25, 25, relu);
        /* 3x3 pad 1 and pad 0: the 2-D form, rows of several tiles */
        run_reswin(dev, 3, 6, 9, 11, 10, 3, 1, 1, 1, 1, 11, 13, relu);
        run_reswin(dev, 3, 6, 13, 37, 10, 3, 1, 0, 0, 0, 14, 40, none);
        run_reswin(dev, 3, 9, 13, 41, 17, 3, 0, 1, 1, 1, 13, 41, relu);
        /* bad inputs */
        cl_mem d = tu_upload(dev, NULL, 4096), dwt = tu_upload(dev, NULL, 64);
        scl_view x = {d, 0, 1, 4, 4, 4}, y = {d, 1024, 1, 4, 4, 4}, r = {d, 2048 + 7, 1, 4, 4, 4};
        scl_conv_params p = {1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, {SCL_ACT_NONE, 0, 0}, SCL_CONV_AUTO};
        CHECK_OK(scl_conv2d_reswin_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .residual = &r, .res_row = 6,
                                                                 .res_plane = 36, .y = &y}));
        /* strides 0: y's own layout */
        CHECK_OK(scl_conv2d_reswin_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .residual = &r, .y = &y}));
        CHECK_STATUS(scl_conv2d_reswin_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .res_row = 6, .res_plane = 36,
                                                                     .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(scl_conv2d_reswin_fwd(NULL, &p, &(scl_conv_args){.x = &x, .w = dwt, .residual = &r, .res_row = 6,
                                                                      .res_plane = 36, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(scl_conv2d_reswin_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .residual = &r, .res_row = 3,
                                                                     .res_plane = 36, .y = &y}),
                     SIAMCL_ERR_SHAPE);
        CHECK_STATUS(scl_conv2d_reswin_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .residual = &r, .res_row = 6,
                                                                     .res_plane = 20, .y = &y}),
                     SIAMCL_ERR_SHAPE);
        CHECK_STATUS(scl_conv2d_reswin_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .residual = &r, .res_row = -6,
                                                                     .res_plane = 36, .y = &y}),
                     SIAMCL_ERR_SHAPE);
        scl_view rbig = r;
        rbig.off = 4096 - 100; /* the window's planes run past the buffer */
        CHECK_STATUS(scl_conv2d_reswin_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .residual = &rbig, .res_row = 6,
                                                                     .res_plane = 36, .y = &y}),
                     SIAMCL_ERR_SHAPE);
        scl_view rsh = r;
        rsh.h = 3;
        CHECK_STATUS(scl_conv2d_reswin_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .residual = &rsh, .res_row = 6,
                                                                     .res_plane = 36, .y = &y}),
                     SIAMCL_ERR_SHAPE);
        scl_view rov = r;
        rov.off = 1024 - 60; /* the window's span reaches into y */
        CHECK_STATUS(scl_conv2d_reswin_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .residual = &rov, .res_row = 6,
                                                                     .res_plane = 36, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        scl_buffer_free(dev, d);
        scl_buffer_free(dev, dwt);
    }

    /* ---- the dual (two-input pointwise) form ---- */
    {
        const scl_act_params relu = {SCL_ACT_RELU, 0, 0}, none = {SCL_ACT_NONE, 0, 0};
        /* odd H*W (a partial last column tile), C and C2 not multiples of the block, OC with a tail block */
        run_dual(dev, 3, 13, 21, 7, 9, 19, 1, 1, relu);
        run_dual(dev, 3, 5, 3, 11, 13, 8, 1, 0, none);
        run_dual(dev, 1, 16, 40, 9, 9, 24, 0, 1, relu);
        run_dual(dev, 2, 1, 7, 1, 3, 5, 0, 0, (scl_act_params){SCL_ACT_CLIP, -0.5f, 0.5f});
        /* a layer-sized one: the specialised program (both channel counts baked in) */
        run_dual(dev, 3, 64, 96, 19, 17, 40, 1, 1, relu);
        /* bad inputs */
        cl_mem d = tu_upload(dev, NULL, 4096), dwt = tu_upload(dev, NULL, 64);
        scl_view x = {d, 0, 1, 4, 4, 4}, x2 = {d, 64, 1, 2, 4, 4}, y = {d, 1024, 1, 4, 4, 4};
        scl_conv_params p = {1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, {SCL_ACT_NONE, 0, 0}, SCL_CONV_AUTO};
        CHECK_OK(scl_conv2d_dual_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .x2 = &x2, .w2 = dwt, .w2off = 16,
                                                               .y = &y}));
        CHECK_STATUS(scl_conv2d_dual_fwd(NULL, &p, &(scl_conv_args){.x = &x, .w = dwt, .x2 = &x2, .w2 = dwt, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(scl_conv2d_dual_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .x2 = NULL, .w2 = dwt, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(scl_conv2d_dual_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .x2 = &x2, .w2 = NULL, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        scl_view x2bad = {d, 64, 1, 2, 4, 5};
        CHECK_STATUS(scl_conv2d_dual_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .x2 = &x2bad, .w2 = dwt,
                                                                   .y = &y}),
                     SIAMCL_ERR_SHAPE);
        scl_view yover = {d, 70, 1, 4, 4, 4};
        CHECK_STATUS(scl_conv2d_dual_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .x2 = &x2, .w2 = dwt,
                                                                   .y = &yover}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(scl_conv2d_dual_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .x2 = &x2, .w2 = dwt, .w2off = 60,
                                                                   .y = &y}),
                     SIAMCL_ERR_SHAPE);
        CHECK_STATUS(scl_conv2d_dual_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dwt, .bias = dwt, .boff = 62,
                                                                   .x2 = &x2, .w2 = dwt, .y = &y}),
                     SIAMCL_ERR_SHAPE);
        scl_conv_params p3 = p;
        p3.kh = p3.kw = 3;
        p3.pad_t = p3.pad_l = p3.pad_b = p3.pad_r = 1;
        CHECK_STATUS(scl_conv2d_dual_fwd(dev, &p3, &(scl_conv_args){.x = &x, .w = dwt, .x2 = &x2, .w2 = dwt, .y = &y}),
                     SIAMCL_ERR_UNSUPPORTED);
        scl_conv_params pg = p;
        pg.groups = 2;
        CHECK_STATUS(scl_conv2d_dual_fwd(dev, &pg, &(scl_conv_args){.x = &x, .w = dwt, .x2 = &x2, .w2 = dwt, .y = &y}),
                     SIAMCL_ERR_UNSUPPORTED);
        scl_buffer_free(dev, d);
        scl_buffer_free(dev, dwt);
    }

    /* ---- output size and workspace queries ---- */
    {
        scl_conv_params p = {3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, {SCL_ACT_NONE, 0, 0}, SCL_CONV_GEMM};
        int oh = 0, ow = 0;
        CHECK_OK(scl_conv2d_out_size(&p, 255, 254, &oh, &ow));
        CHECK(oh == 128 && ow == 127);
        scl_conv_params q = {11, 11, 2, 2, 0, 0, 0, 0, 1, 1, 1, {SCL_ACT_NONE, 0, 0}, SCL_CONV_AUTO};
        CHECK_OK(scl_conv2d_out_size(&q, 255, 255, &oh, &ow));
        CHECK(oh == 123 && ow == 123);
        CHECK_STATUS(scl_conv2d_out_size(&q, 10, 255, &oh, &ow), SIAMCL_ERR_SHAPE);
        CHECK_STATUS(scl_conv2d_out_size(&q, 0, 255, &oh, &ow), SIAMCL_ERR_SHAPE);
        CHECK_STATUS(scl_conv2d_out_size(NULL, 20, 20, &oh, &ow), SIAMCL_ERR_INVALID_ARGUMENT);
        scl_view x = {NULL, 0, 2, 4, 10, 10}, y = {NULL, 0, 2, 8, 5, 5};
        CHECK(scl_conv2d_workspace_bytes(&p, &x, &y) == (size_t)2 * 4 * 9 * 25 * 4);
        p.algo = SCL_CONV_DIRECT;
        CHECK(scl_conv2d_workspace_bytes(&p, &x, &y) == 0);
        scl_conv_params pw = {1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, {SCL_ACT_NONE, 0, 0}, SCL_CONV_GEMM};
        CHECK(scl_conv2d_workspace_bytes(&pw, &x, &x) == 0);
        scl_conv_params dwp = {3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4, {SCL_ACT_NONE, 0, 0}, SCL_CONV_AUTO};
        CHECK(scl_conv2d_workspace_bytes(&dwp, &x, &x) == 0); /* depthwise: direct */
        p.algo = SCL_CONV_AUTO;
        CHECK(scl_conv2d_workspace_bytes(&p, &x, &y) == 0); /* AUTO: direct or pointwise GEMM */
        CHECK(scl_conv2d_workspace_bytes(NULL, &x, &y) == 0);
    }

    /* ---- bad inputs: a clean status, nothing enqueued ---- */
    {
        cl_mem dx = tu_upload(dev, NULL, 2 * 4 * 10 * 10), dw = tu_upload(dev, NULL, 8 * 4 * 9),
               dy = tu_upload(dev, NULL, 2 * 8 * 10 * 10), ws = tu_upload(dev, NULL, 4);
        float zeros[8 * 4 * 9] = {0};
        CHECK_OK(scl_buffer_write(dev, dw, 0, sizeof zeros, zeros));
        scl_view x = {dx, 0, 2, 4, 10, 10}, y = {dy, 0, 2, 8, 10, 10};
        scl_conv_params p = {3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, {SCL_ACT_NONE, 0, 0}, SCL_CONV_DIRECT};
        CHECK_OK(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .y = &y}));
        CHECK_STATUS(scl_conv2d_fwd(NULL, &p, &(scl_conv_args){.x = &x, .w = dw, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(scl_conv2d_fwd(dev, NULL, &(scl_conv_args){.x = &x, .w = dw, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = NULL, .w = dw, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = NULL, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .y = NULL}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        scl_view xnull = {NULL, 0, 2, 4, 10, 10};
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &xnull, .w = dw, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        /* each launcher refuses the tensors of another's form */
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .x2 = &x, .w2 = dw, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .res_row = 12, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(scl_conv2d_dual_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .x2 = &x, .w2 = dw, .residual = &y,
                                                                   .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(scl_conv2d_reswin_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .residual = &y, .x2 = &x,
                                                                     .w2 = dw, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        /* output shape that does not match */
        scl_view ybad = {dy, 0, 2, 8, 9, 10};
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .y = &ybad}), SIAMCL_ERR_SHAPE);
        scl_view ybatch = {dy, 0, 1, 8, 10, 10};
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .y = &ybatch}), SIAMCL_ERR_SHAPE);
        /* channels not divisible by groups */
        scl_conv_params pg = p;
        pg.groups = 3;
        CHECK_STATUS(scl_conv2d_fwd(dev, &pg, &(scl_conv_args){.x = &x, .w = dw, .y = &y}), SIAMCL_ERR_SHAPE);
        pg.groups = 4; /* 4 -> 8 channels: weights [8,1,3,3] fit */
        CHECK_OK(scl_conv2d_fwd(dev, &pg, &(scl_conv_args){.x = &x, .w = dw, .y = &y}));
        scl_view y6 = {dy, 0, 2, 6, 10, 10};
        CHECK_STATUS(scl_conv2d_fwd(dev, &pg, &(scl_conv_args){.x = &x, .w = dw, .y = &y6}), SIAMCL_ERR_SHAPE);
        /* non-positive output size */
        scl_conv_params pk = p;
        pk.kh = pk.kw = 13;
        pk.pad_t = pk.pad_b = pk.pad_l = pk.pad_r = 0;
        CHECK_STATUS(scl_conv2d_fwd(dev, &pk, &(scl_conv_args){.x = &x, .w = dw, .y = &y}), SIAMCL_ERR_SHAPE);
        /* invalid parameters */
        scl_conv_params pz = p;
        pz.kh = 0;
        CHECK_STATUS(scl_conv2d_fwd(dev, &pz, &(scl_conv_args){.x = &x, .w = dw, .y = &y}), SIAMCL_ERR_SHAPE);
        pz = p;
        pz.stride_w = 0;
        CHECK_STATUS(scl_conv2d_fwd(dev, &pz, &(scl_conv_args){.x = &x, .w = dw, .y = &y}), SIAMCL_ERR_SHAPE);
        pz = p;
        pz.pad_l = -1;
        CHECK_STATUS(scl_conv2d_fwd(dev, &pz, &(scl_conv_args){.x = &x, .w = dw, .y = &y}), SIAMCL_ERR_SHAPE);
        pz = p;
        pz.groups = 0;
        CHECK_STATUS(scl_conv2d_fwd(dev, &pz, &(scl_conv_args){.x = &x, .w = dw, .y = &y}), SIAMCL_ERR_SHAPE);
        pz = p;
        pz.algo = (scl_conv_algo)7;
        CHECK_STATUS(scl_conv2d_fwd(dev, &pz, &(scl_conv_args){.x = &x, .w = dw, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        pz = p;
        pz.act.act = (scl_act)42;
        CHECK_STATUS(scl_conv2d_fwd(dev, &pz, &(scl_conv_args){.x = &x, .w = dw, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        /* weights / bias that do not fit their buffers (shape mismatch) */
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .woff = 1, .y = &y}), SIAMCL_ERR_SHAPE);
        scl_view y9 = {dy, 0, 2, 9, 10, 10};
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .y = &y9}), SIAMCL_ERR_SHAPE);
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .bias = ws, .y = &y}),
                     SIAMCL_ERR_SHAPE);
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .bias = dw, .boff = 8 * 4 * 9 - 4,
                                                              .y = &y}),
                     SIAMCL_ERR_SHAPE);
        /* tensors that exceed their buffers */
        scl_view xbig = {dx, 1, 2, 4, 10, 10};
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &xbig, .w = dw, .y = &y}), SIAMCL_ERR_SHAPE);
        scl_view ybig = {dy, 5, 2, 8, 10, 10};
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .y = &ybig}), SIAMCL_ERR_SHAPE);
        /* residual of the wrong shape, aliasing */
        scl_view rbad = {dy, 0, 2, 8, 10, 9};
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x, .w = dw, .residual = &rbad, .y = &y}),
                     SIAMCL_ERR_SHAPE);
        scl_view rshift = {dy, 1, 1, 8, 10, 10};
        scl_view y1 = {dy, 0, 1, 8, 10, 10}, x1 = {dx, 0, 1, 4, 10, 10};
        CHECK_STATUS(scl_conv2d_fwd(dev, &p, &(scl_conv_args){.x = &x1, .w = dw, .residual = &rshift, .y = &y1}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        scl_view yx = {dx, 0, 1, 4, 10, 10};
        scl_conv_params p44 = p;
        p44.groups = 4; /* [4,1,3,3] weights, 4 -> 4 */
        CHECK_STATUS(scl_conv2d_fwd(dev, &p44, &(scl_conv_args){.x = &x1, .w = dw, .y = &yx}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        /* the GEMM path needs a big enough workspace */
        scl_conv_params pgm = p;
        pgm.algo = SCL_CONV_GEMM;
        CHECK_STATUS(scl_conv2d_fwd(dev, &pgm, &(scl_conv_args){.x = &x, .w = dw, .y = &y}),
                     SIAMCL_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(scl_conv2d_fwd(dev, &pgm, &(scl_conv_args){.x = &x, .w = dw, .workspace = ws, .y = &y}),
                     SIAMCL_ERR_SHAPE);
        CHECK_OK(clFinish(dev->queue));
        scl_buffer_free(dev, dx);
        scl_buffer_free(dev, dw);
        scl_buffer_free(dev, dy);
        scl_buffer_free(dev, ws);
    }
    siamcl_context_free(ctx);

    /* ---- failing allocations: fresh context each round (so the launcher
     * compiles and caches its kernels), the i-th allocation fails; every
     * outcome must be OK or a clean allocation error, with no leak ---- */
    const scl_conv_algo walk[] = {SCL_CONV_DIRECT, SCL_CONV_GEMM};
    for (int a = 0; a < 2; a++) {
        for (long i = 1; i < 200; i++) {
            siamcl_context *c2 = tu_context();
            scl_device *d2 = tu_dev(c2);
            float xs[2 * 3 * 6 * 5], wts[4 * 3 * 9], bs[4], ref[2 * 4 * 6 * 5], got[2 * 4 * 6 * 5];
            tu_fill(xs, sizeof xs / 4, -1, 1);
            tu_fill(wts, sizeof wts / 4, -1, 1);
            tu_fill(bs, 4, -1, 1);
            cl_mem dx = tu_upload(d2, xs, sizeof xs / 4), dwt = tu_upload(d2, wts, sizeof wts / 4),
                   db = tu_upload(d2, bs, 4), dy = tu_upload(d2, NULL, sizeof got / 4), ws = NULL;
            scl_view x = {dx, 0, 2, 3, 6, 5}, y = {dy, 0, 2, 4, 6, 5};
            ccase t = {"walk", 2, 3, 6, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, {SCL_ACT_RELU, 0, 0}};
            scl_conv_params p = params_of(&t, walk[a]);
            size_t wsb = scl_conv2d_workspace_bytes(&p, &x, &y);
            if (wsb) CHECK_OK(scl_buffer_alloc(d2, wsb, &ws));
            siamcl_test_fail_alloc(i);
            siamcl_status st = scl_conv2d_fwd(d2, &p, &(scl_conv_args){.x = &x, .w = dwt, .bias = db, .workspace = ws,
                                                                       .y = &y});
            long count = siamcl_test_fail_alloc(0);
            CHECK(st == SIAMCL_OK || st == SIAMCL_ERR_OUT_OF_MEMORY || st == SIAMCL_ERR_DEVICE_MEMORY);
            if (st == SIAMCL_OK) { /* allocations that did not fail must leave a working result */
                CHECK_OK(scl_buffer_read(d2, dy, 0, sizeof got, got));
                ref_conv(&t, 6, 5, xs, wts, bs, NULL, ref);
                tu_compare("walk", got, ref, sizeof got / 4);
            } else if (i > count) {
                CHECK(!"failure reported although no allocation failed");
            }
            scl_buffer_free(d2, ws);
            scl_buffer_free(d2, dx);
            scl_buffer_free(d2, dwt);
            scl_buffer_free(d2, db);
            scl_buffer_free(d2, dy);
            siamcl_context_free(c2);
            if (i > count) break; /* walked past the last allocation */
        }
    }
    return tu_finish("test-conv");
}
