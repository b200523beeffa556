/* Backward kernels against float64 C references (tests/refbwd.h), and the
 * references against central finite differences of the float64 forward.
 * Gradients accumulate: each device gradient starts from random values and
 * must end at start + reference.
 *
 * Tolerances: device vs reference, per gradient tensor of n values,
 * ||g - g*|| <= 1e-4 ||g*|| + 1e-7 sqrt(n) (golden/train's criterion);
 * reference vs finite differences (h = 1e-6, L = sum dy * y), per checked
 * entry |fd - g| <= 1e-6 (1 + |g|). */
#include "ops/ops.h"
#include "refbwd.h"
#include "testutil.h"

static double *to_d(const float *f, size_t n) {
    double *d = malloc(n * sizeof *d);
    for (size_t i = 0; i < n; i++) d[i] = f[i];
    return d;
}

static float *rnd(size_t n, float lo, float hi) {
    float *f = malloc(n * sizeof *f);
    tu_fill(f, n, lo, hi);
    return f;
}

/* got (device, started at start) against start + ref */
static void check_grad(const char *what, const float *got, const float *start, const double *ref, size_t n) {
    double e = 0, r = 0;
    for (size_t i = 0; i < n; i++) {
        double want = (start ? start[i] : 0.0) + ref[i];
        e += (got[i] - want) * (got[i] - want);
        r += ref[i] * ref[i];
    }
    e = sqrt(e);
    r = sqrt(r);
    int ok = e <= 1e-4 * r + 1e-7 * sqrt((double)n);
    printf("%-44s ||err|| %.2e  ||g|| %.2e  %s\n", what, e, r, ok ? "ok" : "FAIL");
    CHECK(ok);
}

/* L(theta) = sum dy * f(theta), f a forward closure over a double vector */
typedef double (*loss_fn)(void *ctx);

static void check_fd(const char *what, loss_fn L, void *ctx, double *theta, size_t n, const double *g) {
    const double h = 1e-6;
    long bad = 0;
    for (int t = 0; t < 8; t++) {
        size_t i = (size_t)(tu_rand(0, 1) * (float)n) % n;
        double keep = theta[i];
        theta[i] = keep + h;
        double lp = L(ctx);
        theta[i] = keep - h;
        double lm = L(ctx);
        theta[i] = keep;
        double fd = (lp - lm) / (2 * h);
        if (fabs(fd - g[i]) > 1e-6 * (1 + fabs(g[i]))) {
            printf("  %s: entry %zu fd %.9g analytic %.9g\n", what, i, fd, g[i]);
            bad++;
        }
    }
    CHECK(bad == 0);
}

static double dot(const double *a, const double *b, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

/* ---- convolution ---- */
typedef struct {
    scl_conv_params p;
    rb_shape xs;
    int oc, oh, ow;
    double *x, *w, *b, *dy, *y;
} conv_ctx;

static double conv_loss(void *v) {
    conv_ctx *c = v;
    rb_conv_fwd(&c->p, c->xs, c->oc, c->oh, c->ow, c->x, c->w, c->b, c->y);
    return dot(c->y, c->dy, (size_t)c->xs.n * c->oc * c->oh * c->ow);
}

static void conv_case(scl_device *dev, rb_shape xs, int oc, int k, int stride, int pad_t, int pad_l, int pad_b,
                      int pad_r, int dil, int groups) {
    scl_conv_params p = {k, k, stride, stride, pad_t, pad_l, pad_b, pad_r, dil, dil, groups, {SCL_ACT_NONE, 0, 0},
                         SCL_CONV_AUTO};
    int oh, ow;
    CHECK_OK(scl_conv2d_out_size(&p, xs.h, xs.w, &oh, &ow));
    size_t nx = rb_count(xs), nw = (size_t)oc * (xs.c / groups) * k * k, ny = (size_t)xs.n * oc * oh * ow;
    float *x = rnd(nx, -1, 1), *w = rnd(nw, -0.5f, 0.5f), *dy = rnd(ny, -1, 1);
    float *dx0 = rnd(nx, -1, 1), *dw0 = rnd(nw, -1, 1), *db0 = rnd(oc, -1, 1);
    conv_ctx c = {p, xs, oc, oh, ow, to_d(x, nx), to_d(w, nw), calloc(oc, sizeof(double)), to_d(dy, ny),
                  malloc(ny * sizeof(double))};
    double *rdx = calloc(nx, sizeof(double)), *rdw = calloc(nw, sizeof(double)), *rdb = calloc(oc, sizeof(double));
    rb_conv_bwd(&p, xs, oc, oh, ow, c.x, c.w, c.dy, rdx, rdw, rdb);
    char what[128];
    snprintf(what, sizeof what, "conv %dx%dx%dx%d->%d k%d s%d p%d%d%d%d d%d g%d", xs.n, xs.c, xs.h, xs.w, oc, k,
             stride, pad_t, pad_l, pad_b, pad_r, dil, groups);
    check_fd(what, conv_loss, &c, c.x, nx, rdx);
    check_fd(what, conv_loss, &c, c.w, nw, rdw);
    check_fd(what, conv_loss, &c, c.b, (size_t)oc, rdb);

    cl_mem mx = tu_upload(dev, x, nx), mw = tu_upload(dev, w, nw), mdy = tu_upload(dev, dy, ny);
    cl_mem mdx = tu_upload(dev, dx0, nx), mdw = tu_upload(dev, dw0, nw), mdb = tu_upload(dev, db0, oc);
    scl_view tx = scl_view_make(mx, xs.n, xs.c, xs.h, xs.w), tdy = scl_view_make(mdy, xs.n, oc, oh, ow);
    scl_view tdx = scl_view_make(mdx, xs.n, xs.c, xs.h, xs.w);
    cl_mem ws;
    CHECK_OK(scl_buffer_alloc(dev, scl_conv2d_bwd_workspace_bytes(&p, &tx, &tdy), &ws));
    CHECK_OK(scl_conv2d_bwd(dev, &p, &tx, mw, 0, &tdy, &tdx, mdw, 0, mdb, 0, ws));
    float *gx = tu_download(dev, mdx, nx), *gw = tu_download(dev, mdw, nw), *gb = tu_download(dev, mdb, oc);
    char name[160];
    snprintf(name, sizeof name, "%s dx", what);
    check_grad(name, gx, dx0, rdx, nx);
    snprintf(name, sizeof name, "%s dw", what);
    check_grad(name, gw, dw0, rdw, nw);
    snprintf(name, sizeof name, "%s db", what);
    check_grad(name, gb, db0, rdb, oc);
    free(gx), free(gw), free(gb), free(x), free(w), free(dy), free(dx0), free(dw0), free(db0);
    free(c.x), free(c.w), free(c.b), free(c.dy), free(c.y), free(rdx), free(rdw), free(rdb);
    scl_buffer_free(dev, mx), scl_buffer_free(dev, mw), scl_buffer_free(dev, mdy), scl_buffer_free(dev, mdx);
    scl_buffer_free(dev, mdw), scl_buffer_free(dev, mdb), scl_buffer_free(dev, ws);
}

/* ---- max pool ---- */
typedef struct {
    scl_pool_params p;
    rb_shape xs;
    int oh, ow;
    double *x, *dy, *y;
} pool_ctx;

static double pool_loss(void *v) {
    pool_ctx *c = v;
    rb_maxpool_fwd(&c->p, c->xs, c->oh, c->ow, c->x, c->y);
    return dot(c->y, c->dy, (size_t)c->xs.n * c->xs.c * c->oh * c->ow);
}

static void pool_case(scl_device *dev, rb_shape xs, int k, int s, int pad, int ceil_mode) {
    scl_pool_params p = {k, k, s, s, pad, pad, pad, pad, ceil_mode};
    int oh, ow;
    CHECK_OK(scl_pool_out_size(&p, xs.h, xs.w, &oh, &ow));
    size_t nx = rb_count(xs), ny = (size_t)xs.n * xs.c * oh * ow;
    float *x = rnd(nx, -1, 1), *dy = rnd(ny, -1, 1), *dx0 = rnd(nx, -1, 1);
    /* post-Relu inputs have ties at 0: a quarter of the cells */
    for (size_t i = 0; i < nx; i += 4) x[i] = 0.0f;
    pool_ctx c = {p, xs, oh, ow, to_d(x, nx), to_d(dy, ny), malloc(ny * sizeof(double))};
    double *rdx = calloc(nx, sizeof(double));
    rb_maxpool_bwd(&p, xs, oh, ow, c.x, c.dy, rdx);
    char what[128];
    snprintf(what, sizeof what, "maxpool %dx%dx%dx%d k%d s%d p%d%s dx", xs.n, xs.c, xs.h, xs.w, k, s, pad,
             ceil_mode ? " ceil" : "");
    /* finite differences only where no tie can flip (the entries that are 0 sit in ties) */
    double *xd = c.x;
    long bad = 0;
    for (int t = 0; t < 8; t++) {
        size_t i = (size_t)(tu_rand(0, 1) * (float)nx) % nx;
        if (x[i] == 0.0f) continue;
        double keep = xd[i], h = 1e-7;
        xd[i] = keep + h;
        double lp = pool_loss(&c);
        xd[i] = keep - h;
        double lm = pool_loss(&c);
        xd[i] = keep;
        bad += fabs((lp - lm) / (2 * h) - rdx[i]) > 1e-6 * (1 + fabs(rdx[i]));
    }
    CHECK(bad == 0);
    cl_mem mx = tu_upload(dev, x, nx), mdy = tu_upload(dev, dy, ny), mdx = tu_upload(dev, dx0, nx);
    scl_view tx = scl_view_make(mx, xs.n, xs.c, xs.h, xs.w), tdy = scl_view_make(mdy, xs.n, xs.c, oh, ow);
    scl_view tdx = scl_view_make(mdx, xs.n, xs.c, xs.h, xs.w);
    cl_mem ws;
    CHECK_OK(scl_buffer_alloc(dev, scl_maxpool_bwd_workspace_bytes(&tdy), &ws));
    CHECK_OK(scl_maxpool_bwd(dev, &p, &tx, &tdy, &tdx, ws));
    scl_buffer_free(dev, ws);
    float *g = tu_download(dev, mdx, nx);
    check_grad(what, g, dx0, rdx, nx);
    free(g), free(x), free(dy), free(dx0), free(c.x), free(c.dy), free(c.y), free(rdx);
    scl_buffer_free(dev, mx), scl_buffer_free(dev, mdy), scl_buffer_free(dev, mdx);
}

/* ---- xcorr ---- */
typedef struct {
    rb_shape zs, xs;
    double s, *z, *x, *dy, *y;
} xc_ctx;

static double xc_loss(void *v) {
    xc_ctx *c = v;
    rb_xcorr_fwd(c->zs, c->xs, c->s, c->z, c->x, c->y);
    return dot(c->y, c->dy, (size_t)c->xs.n * (c->xs.h - c->zs.h + 1) * (c->xs.w - c->zs.w + 1));
}

static void xcorr_case(scl_device *dev, rb_shape zs, rb_shape xs, float s) {
    int oh = xs.h - zs.h + 1, ow = xs.w - zs.w + 1;
    size_t nz = rb_count(zs), nx = rb_count(xs), ny = (size_t)xs.n * oh * ow;
    float *z = rnd(nz, -1, 1), *x = rnd(nx, -1, 1), *dy = rnd(ny, -1, 1), *dz0 = rnd(nz, -1, 1),
          *dx0 = rnd(nx, -1, 1);
    xc_ctx c = {zs, xs, s, to_d(z, nz), to_d(x, nx), to_d(dy, ny), malloc(ny * sizeof(double))};
    double *rdz = calloc(nz, sizeof(double)), *rdx = calloc(nx, sizeof(double));
    rb_xcorr_bwd(zs, xs, s, c.z, c.x, c.dy, rdz, rdx);
    char what[128];
    snprintf(what, sizeof what, "xcorr z %dx%dx%dx%d x %dx%dx%dx%d", zs.n, zs.c, zs.h, zs.w, xs.n, xs.c, xs.h, xs.w);
    check_fd(what, xc_loss, &c, c.z, nz, rdz);
    check_fd(what, xc_loss, &c, c.x, nx, rdx);
    cl_mem mz = tu_upload(dev, z, nz), mx = tu_upload(dev, x, nx), mdy = tu_upload(dev, dy, ny);
    cl_mem mdz = tu_upload(dev, dz0, nz), mdx = tu_upload(dev, dx0, nx);
    scl_view tz = scl_view_make(mz, zs.n, zs.c, zs.h, zs.w), tx = scl_view_make(mx, xs.n, xs.c, xs.h, xs.w);
    scl_view tdy = scl_view_make(mdy, xs.n, 1, oh, ow), tdz = scl_view_make(mdz, zs.n, zs.c, zs.h, zs.w),
               tdx = scl_view_make(mdx, xs.n, xs.c, xs.h, xs.w);
    CHECK_OK(scl_xcorr_bwd(dev, s, &tz, &tx, &tdy, &tdz, &tdx));
    float *gz = tu_download(dev, mdz, nz), *gx = tu_download(dev, mdx, nx);
    char name[160];
    snprintf(name, sizeof name, "%s dz", what);
    check_grad(name, gz, dz0, rdz, nz);
    snprintf(name, sizeof name, "%s dx", what);
    check_grad(name, gx, dx0, rdx, nx);
    free(gz), free(gx), free(z), free(x), free(dy), free(dz0), free(dx0);
    free(c.z), free(c.x), free(c.dy), free(c.y), free(rdz), free(rdx);
    scl_buffer_free(dev, mz), scl_buffer_free(dev, mx), scl_buffer_free(dev, mdy), scl_buffer_free(dev, mdz);
    scl_buffer_free(dev, mdx);
}

/* ---- BatchNormalization, training mode ---- */
typedef struct {
    int N, C, P;
    double eps, *x, *g, *b, *dy, *y;
} bn_ctx;

static double bn_loss(void *v) {
    bn_ctx *c = v;
    rb_bn_fwd(c->N, c->C, c->P, c->eps, c->x, c->g, c->b, c->y, NULL, NULL);
    return dot(c->y, c->dy, (size_t)c->N * c->C * c->P);
}

static void bn_case(scl_device *dev, int N, int C, int P) {
    size_t nx = (size_t)N * C * P;
    float *x = rnd(nx, -2, 3), *g = rnd(C, 0.5f, 1.5f), *b = rnd(C, -1, 1), *dy = rnd(nx, -1, 1);
    float *dx0 = rnd(nx, -1, 1), *dg0 = rnd(C, -1, 1), *db0 = rnd(C, -1, 1), *rm = rnd(C, -1, 1), *rv = rnd(C, 0.5f, 2);
    bn_ctx c = {N, C, P, 1e-5, to_d(x, nx), to_d(g, C), to_d(b, C), to_d(dy, nx), malloc(nx * sizeof(double))};
    double *ry = malloc(nx * sizeof(double)), *mean = malloc(C * sizeof(double)), *var = malloc(C * sizeof(double));
    double *rdx = calloc(nx, sizeof(double)), *rdg = calloc(C, sizeof(double)), *rdb = calloc(C, sizeof(double));
    rb_bn_fwd(N, C, P, c.eps, c.x, c.g, c.b, ry, mean, var);
    rb_bn_bwd(N, C, P, c.eps, c.x, c.g, c.dy, rdx, rdg, rdb);
    char what[96];
    snprintf(what, sizeof what, "batchnorm %dx%dx%d", N, C, P);
    check_fd(what, bn_loss, &c, c.x, nx, rdx);
    check_fd(what, bn_loss, &c, c.g, (size_t)C, rdg);
    check_fd(what, bn_loss, &c, c.b, (size_t)C, rdb);
    cl_mem mx = tu_upload(dev, x, nx), mg = tu_upload(dev, g, C), mb = tu_upload(dev, b, C), mrm = tu_upload(dev, rm, C),
           mrv = tu_upload(dev, rv, C), my = tu_upload(dev, NULL, nx), ms = tu_upload(dev, NULL, 2 * C),
           msum = tu_upload(dev, NULL, 2 * C), mdy = tu_upload(dev, dy, nx), mdx = tu_upload(dev, dx0, nx),
           mdg = tu_upload(dev, dg0, C), mdb = tu_upload(dev, db0, C);
    scl_bn_tensors bt = {mg, mb, mrm, mrv, ms, 0, 0, 0, 0, 1e-5f, 0.9f, 1};
    scl_view tx = scl_view_make(mx, N, C, P, 1), ty = scl_view_make(my, N, C, P, 1);
    scl_view tdy = scl_view_make(mdy, N, C, P, 1), tdx = scl_view_make(mdx, N, C, P, 1);
    CHECK_OK(scl_bn_fwd(dev, &bt, 1, &tx, &ty));
    CHECK_OK(scl_bn_bwd(dev, &bt, &tx, &tdy, &tdx, mdg, 0, mdb, 0, msum));
    float *gy = tu_download(dev, my, nx), *gx = tu_download(dev, mdx, nx), *gg = tu_download(dev, mdg, C),
          *gb = tu_download(dev, mdb, C), *grm = tu_download(dev, mrm, C), *grv = tu_download(dev, mrv, C);
    double *rrm = malloc(C * sizeof(double)), *rrv = malloc(C * sizeof(double)), M = (double)N * P;
    for (int k = 0; k < C; k++) { /* running stats after one step, relative to their start */
        rrm[k] = 0.1 * (mean[k] - rm[k]);
        rrv[k] = 0.1 * (var[k] * M / (M - 1) - rv[k]);
        grm[k] -= 0.9f * rm[k] + 0.1f * rm[k];
        grv[k] -= 0.9f * rv[k] + 0.1f * rv[k];
    }
    char name[160];
    snprintf(name, sizeof name, "%s y", what);
    check_grad(name, gy, NULL, ry, nx);
    snprintf(name, sizeof name, "%s running mean/var update", what);
    check_grad(name, grm, NULL, rrm, C);
    check_grad(name, grv, NULL, rrv, C);
    snprintf(name, sizeof name, "%s dx", what);
    check_grad(name, gx, dx0, rdx, nx);
    snprintf(name, sizeof name, "%s dgamma", what);
    check_grad(name, gg, dg0, rdg, C);
    snprintf(name, sizeof name, "%s dbeta", what);
    check_grad(name, gb, db0, rdb, C);
    free(x), free(g), free(b), free(dy), free(dx0), free(dg0), free(db0), free(rm), free(rv);
    free(c.x), free(c.g), free(c.b), free(c.dy), free(c.y), free(ry), free(mean), free(var);
    free(rdx), free(rdg), free(rdb), free(gy), free(gx), free(gg), free(gb), free(grm), free(grv), free(rrm), free(rrv);
    cl_mem all[] = {mx, mg, mb, mrm, mrv, my, ms, msum, mdy, mdx, mdg, mdb};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) scl_buffer_free(dev, all[i]);
}

/* ---- relu and the broadcast reduction ---- */
static void relu_case(scl_device *dev, size_t n) {
    float *y = rnd(n, -1, 1), *dy = rnd(n, -1, 1), *dx0 = rnd(n, -1, 1);
    for (size_t i = 0; i < n; i++) y[i] = y[i] > 0 ? y[i] : 0; /* a Relu output */
    double *ref = calloc(n, sizeof(double));
    for (size_t i = 0; i < n; i++) ref[i] = y[i] > 0 ? dy[i] : 0;
    cl_mem my = tu_upload(dev, y, n), mdy = tu_upload(dev, dy, n), mdx = tu_upload(dev, dx0, n);
    scl_view ty = scl_view_make(my, 1, 1, 1, (int)n), tdy = ty, tdx = ty;
    tdy.mem = mdy;
    tdx.mem = mdx;
    CHECK_OK(scl_relu_bwd(dev, &ty, &tdy, &tdx));
    float *g = tu_download(dev, mdx, n);
    check_grad("relu dx", g, dx0, ref, n);
    free(g), free(y), free(dy), free(dx0), free(ref);
    scl_buffer_free(dev, my), scl_buffer_free(dev, mdy), scl_buffer_free(dev, mdx);
}

static void reduce_case(scl_device *dev, rb_shape ys, rb_shape xs) {
    size_t ny = rb_count(ys), nx = rb_count(xs);
    float *dy = rnd(ny, -1, 1), *dx0 = rnd(nx, -1, 1);
    double *ref = calloc(nx, sizeof(double));
    for (int a = 0; a < ys.n; a++)
        for (int b = 0; b < ys.c; b++)
            for (int c = 0; c < ys.h; c++)
                for (int d = 0; d < ys.w; d++) {
                    size_t xi = (((size_t)(xs.n == 1 ? 0 : a) * xs.c + (xs.c == 1 ? 0 : b)) * xs.h +
                                 (xs.h == 1 ? 0 : c)) * xs.w + (xs.w == 1 ? 0 : d);
                    ref[xi] += dy[(((size_t)a * ys.c + b) * ys.h + c) * ys.w + d];
                }
    cl_mem mdy = tu_upload(dev, dy, ny), mdx = tu_upload(dev, dx0, nx);
    scl_view tdy = scl_view_make(mdy, ys.n, ys.c, ys.h, ys.w), tdx = scl_view_make(mdx, xs.n, xs.c, xs.h, xs.w);
    CHECK_OK(scl_reduce_acc(dev, &tdy, &tdx));
    float *g = tu_download(dev, mdx, nx);
    char what[128];
    snprintf(what, sizeof what, "reduce %dx%dx%dx%d -> %dx%dx%dx%d", ys.n, ys.c, ys.h, ys.w, xs.n, xs.c, xs.h, xs.w);
    check_grad(what, g, dx0, ref, nx);
    /* a shape that does not broadcast is refused */
    scl_view bad = scl_view_make(mdx, 1, 1, 1, 3);
    if (ys.w != 3 && ys.w != 1) CHECK_STATUS(scl_reduce_acc(dev, &tdy, &bad), SIAMCL_ERR_SHAPE);
    free(g), free(dy), free(dx0), free(ref);
    scl_buffer_free(dev, mdy), scl_buffer_free(dev, mdx);
}

int main(void) {
    siamcl_context *ctx = tu_context();
    scl_device *dev = tu_dev(ctx);
    tu_seed(7);
    /* dense 3x3; stride 2 with uneven pads and dilation; AlexNet's grouped 5x5 and
     * 11x11 stride-2 stem; depthwise; 1x1; the embedding net's 5x5 */
    conv_case(dev, (rb_shape){2, 5, 9, 11}, 7, 3, 1, 1, 1, 1, 1, 1, 1);
    conv_case(dev, (rb_shape){2, 4, 13, 12}, 6, 3, 2, 1, 0, 2, 1, 2, 1);
    conv_case(dev, (rb_shape){2, 8, 12, 12}, 6, 5, 1, 0, 0, 0, 0, 1, 2);
    conv_case(dev, (rb_shape){2, 3, 31, 31}, 8, 11, 2, 0, 0, 0, 0, 1, 1);
    conv_case(dev, (rb_shape){3, 6, 10, 9}, 6, 3, 2, 1, 1, 1, 1, 1, 6);
    conv_case(dev, (rb_shape){2, 16, 7, 7}, 24, 1, 1, 0, 0, 0, 0, 1, 1);
    conv_case(dev, (rb_shape){4, 1, 28, 28}, 20, 5, 1, 0, 0, 0, 0, 1, 1);
    pool_case(dev, (rb_shape){2, 3, 13, 13}, 3, 2, 0, 0);
    pool_case(dev, (rb_shape){2, 4, 12, 12}, 2, 2, 0, 0);
    pool_case(dev, (rb_shape){1, 3, 10, 11}, 3, 2, 1, 1);
    pool_case(dev, (rb_shape){2, 3, 9, 8}, 3, 1, 1, 0); /* 9 phases: the argmax + gather path */
    xcorr_case(dev, (rb_shape){1, 8, 4, 4}, (rb_shape){3, 8, 11, 11}, 0.001f);
    xcorr_case(dev, (rb_shape){2, 5, 3, 5}, (rb_shape){2, 5, 9, 10}, 1.0f);
    bn_case(dev, 4, 6, 25);
    bn_case(dev, 16, 5, 1); /* [N, C] (BatchNorm1d) */
    relu_case(dev, 1000);
    reduce_case(dev, (rb_shape){3, 5, 4, 6}, (rb_shape){1, 5, 1, 1});
    reduce_case(dev, (rb_shape){1, 1, 8, 128}, (rb_shape){1, 1, 1, 128});
    reduce_case(dev, (rb_shape){2, 3, 4, 5}, (rb_shape){2, 3, 4, 5});
    siamcl_context_free(ctx);
    return tu_finish("test-backward");
}
