/* Public device tensors: user-owned buffers, and handles on a plan's inputs
 * and outputs that always follow the plan's current binding. */
#include <string.h>

#include "graph/tensor.h"

siamcl_status siamcl_tensor_create(siamcl_context *ctx, int device, siamcl_shape shape, siamcl_tensor **out) {
    if (!out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_tensor_create: out is NULL");
    *out = NULL;
    if (!ctx) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_tensor_create: context is NULL");
    if (device < 0 || device >= ctx->ndev)
        return scl_fail(SIAMCL_ERR_OUT_OF_RANGE, "siamcl_tensor_create: device %d does not exist (context has %d)",
                        device, ctx->ndev);
    if (shape.n <= 0 || shape.c <= 0 || shape.h <= 0 || shape.w <= 0 || siamcl_shape_count(shape) > 0x7fffffffu)
        return scl_fail(SIAMCL_ERR_SHAPE, "siamcl_tensor_create: invalid shape %dx%dx%dx%d", shape.n, shape.c,
                        shape.h, shape.w);
    siamcl_tensor *t = scl_calloc(1, sizeof *t);
    if (!t) return scl_fail(SIAMCL_ERR_OUT_OF_MEMORY, "siamcl_tensor_create: out of memory");
    t->dev = &ctx->dev[device];
    t->shape = shape;
    siamcl_status st = scl_buffer_alloc(t->dev, siamcl_shape_count(shape) * sizeof(float), &t->mem);
    if (st != SIAMCL_OK) {
        scl_free(t);
        return st;
    }
    *out = t;
    return SIAMCL_OK;
}

void scl_tensor_handle_init(siamcl_tensor *t, scl_device *dev, const void *owner, scl_tensor_resolver resolve,
                            int io, int index) {
    memset(t, 0, sizeof *t);
    t->dev = dev;
    t->owner = owner;
    t->resolve = resolve;
    t->io = io;
    t->index = index;
}

void siamcl_tensor_free(siamcl_tensor *t) {
    if (!t || t->owner) return;
    scl_buffer_free(t->dev, t->mem);
    scl_free(t);
}

siamcl_status scl_view_of(const siamcl_tensor *t, scl_device **dev, scl_view *out) {
    if (!t || !out) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "tensor view: NULL argument");
    if (dev) *dev = t->dev;
    if (t->owner) return t->resolve(t->owner, t->io, t->index, out);
    *out = scl_view_make(t->mem, t->shape.n, t->shape.c, t->shape.h, t->shape.w);
    return SIAMCL_OK;
}

siamcl_shape siamcl_tensor_shape(const siamcl_tensor *t) {
    siamcl_shape s = {0, 0, 0, 0};
    scl_view v;
    if (t && scl_view_of(t, NULL, &v) == SIAMCL_OK) {
        s.n = v.n;
        s.c = v.c;
        s.h = v.h;
        s.w = v.w;
    }
    return s;
}

static siamcl_status transfer(const siamcl_tensor *t, size_t count, const char *fn, scl_device **dev, scl_view *v) {
    SCL_TRY(scl_view_of(t, dev, v));
    if (count != scl_view_count(v))
        return scl_fail(SIAMCL_ERR_SHAPE, "%s: %zu floats given for a %dx%dx%dx%d tensor (%zu)", fn, count, v->n,
                        v->c, v->h, v->w, scl_view_count(v));
    if (!v->mem) return scl_fail(SIAMCL_ERR_STATE, "%s: the tensor has no buffer", fn);
    return SIAMCL_OK;
}

siamcl_status siamcl_tensor_upload(siamcl_tensor *t, const float *src, size_t count) {
    if (!t || !src) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_tensor_upload: NULL argument");
    scl_device *dev;
    scl_view v;
    SCL_TRY(transfer(t, count, "siamcl_tensor_upload", &dev, &v));
    return scl_buffer_write(dev, v.mem, v.off * sizeof(float), count * sizeof(float), src);
}

siamcl_status siamcl_tensor_download(const siamcl_tensor *t, float *dst, size_t count) {
    if (!t || !dst) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "siamcl_tensor_download: NULL argument");
    scl_device *dev;
    scl_view v;
    SCL_TRY(transfer(t, count, "siamcl_tensor_download", &dev, &v));
    return scl_buffer_read(dev, v.mem, v.off * sizeof(float), count * sizeof(float), dst);
}
