/* Checks shared by the op launchers. */
#include "ops/ops.h"

siamcl_status scl_view_check(const scl_view *t, const char *what, size_t max_count) {
    if (!t || !t->mem) return scl_fail(SIAMCL_ERR_INVALID_ARGUMENT, "%s: NULL tensor", what);
    if (t->n <= 0 || t->c <= 0 || t->h <= 0 || t->w <= 0)
        return scl_fail(SIAMCL_ERR_SHAPE, "%s: invalid shape %dx%dx%dx%d", what, t->n, t->c, t->h, t->w);
    if (scl_view_count(t) > max_count)
        return scl_fail(SIAMCL_ERR_SHAPE, "%s: %dx%dx%dx%d has %zu elements, more than the kernel's index range (%zu)",
                        what, t->n, t->c, t->h, t->w, scl_view_count(t), max_count);
    return SIAMCL_OK;
}
