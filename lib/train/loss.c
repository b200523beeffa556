/* Loss launchers (cl/loss.cl) and SiamFC's label map. */
#include <math.h>

#include "train/train.h"

static siamcl_status launch_items(scl_device *dev, cl_kernel k, int n, const char *what) {
    size_t g = (size_t)n;
    return scl_launch(dev, k, 1, &g, NULL, what);
}

static siamcl_status check_rows(const scl_view *e, const scl_view *de, int rows, const char *what) {
    SCL_TRY(scl_view_check(e, what, 0xffffffffu));
    if (scl_view_count(de) != scl_view_count(e) || scl_view_count(e) % (size_t)rows)
        return scl_fail(SIAMCL_ERR_SHAPE, "%s: %zu embedding floats do not split into %d rows", what,
                        scl_view_count(e), rows);
    return SIAMCL_OK;
}

siamcl_status scl_loss_contrastive(scl_device *dev, const scl_view *e, cl_mem labels, float margin,
                                   scl_view *de, cl_mem loss, int n) {
    SCL_TRY(check_rows(e, de, 2 * n, "contrastive loss"));
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "loss", NULL, "loss_contrastive", &k));
    cl_ulong eo = e->off, go = de->off;
    cl_int N = n, D = (cl_int)(scl_view_count(e) / (size_t)(2 * n));
    int err = SCL_ARG(k, 0, e->mem) | SCL_ARG(k, 1, eo) | SCL_ARG(k, 2, labels) | SCL_ARG(k, 3, de->mem) |
              SCL_ARG(k, 4, go) | SCL_ARG(k, 5, loss) | SCL_ARG(k, 6, N) | SCL_ARG(k, 7, D) | SCL_ARG(k, 8, margin);
    SCL_CL(err, "loss_contrastive arguments");
    return launch_items(dev, k, n, "loss_contrastive");
}

siamcl_status scl_loss_triplet(scl_device *dev, const scl_view *e, float margin, float eps, scl_view *de,
                               cl_mem loss, int n) {
    SCL_TRY(check_rows(e, de, 3 * n, "triplet loss"));
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "loss", NULL, "loss_triplet", &k));
    cl_ulong eo = e->off, go = de->off;
    cl_int N = n, D = (cl_int)(scl_view_count(e) / (size_t)(3 * n));
    int err = SCL_ARG(k, 0, e->mem) | SCL_ARG(k, 1, eo) | SCL_ARG(k, 2, de->mem) | SCL_ARG(k, 3, go) |
              SCL_ARG(k, 4, loss) | SCL_ARG(k, 5, N) | SCL_ARG(k, 6, D) | SCL_ARG(k, 7, margin) | SCL_ARG(k, 8, eps);
    SCL_CL(err, "loss_triplet arguments");
    return launch_items(dev, k, n, "loss_triplet");
}

siamcl_status scl_loss_logistic(scl_device *dev, const scl_view *r, cl_mem labels, cl_mem weights,
                                scl_view *dr, cl_mem loss) {
    SCL_TRY(scl_view_check(r, "logistic loss response", 0xffffffffu));
    if (scl_view_count(dr) != scl_view_count(r) || r->c != 1)
        return scl_fail(SIAMCL_ERR_SHAPE, "logistic loss: response %dx%dx%dx%d must be N x 1 x H x W", r->n, r->c,
                        r->h, r->w);
    cl_kernel k;
    SCL_TRY(scl_kernel(dev, "loss", NULL, "loss_logistic", &k));
    cl_ulong ro = r->off, go = dr->off;
    cl_int N = r->n, P = r->h * r->w;
    int err = SCL_ARG(k, 0, r->mem) | SCL_ARG(k, 1, ro) | SCL_ARG(k, 2, labels) | SCL_ARG(k, 3, weights) |
              SCL_ARG(k, 4, dr->mem) | SCL_ARG(k, 5, go) | SCL_ARG(k, 6, loss) | SCL_ARG(k, 7, N) | SCL_ARG(k, 8, P);
    SCL_CL(err, "loss_logistic arguments");
    return launch_items(dev, k, r->n, "loss_logistic");
}

void scl_logistic_labels(int size, float radius, float stride, float *labels, float *weights) {
    const double c = (size - 1) / 2.0, r = (double)radius / stride;
    int npos = 0;
    for (int i = 0; i < size; i++)
        for (int j = 0; j < size; j++) {
            int pos = hypot(i - c, j - c) <= r;
            labels[i * size + j] = pos ? 1.0f : -1.0f;
            npos += pos;
        }
    int nneg = size * size - npos;
    for (int k = 0; k < size * size; k++)
        weights[k] = labels[k] > 0 ? (npos ? 0.5f / npos : 0.0f) : (nneg ? 0.5f / nneg : 0.0f);
}
