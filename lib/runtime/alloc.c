/* Host allocation wrappers with a failing-allocator hook (as ncnn's OOM tests):
 * siamcl_test_fail_alloc(n) makes the n-th counted allocation fail, so tests can
 * walk every allocation site and check for a clean error and no leak. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"

static atomic_long g_count;
static atomic_long g_fail_at; /* 0 = never */

long siamcl_test_fail_alloc(long n) {
    long c = atomic_exchange(&g_count, 0);
    atomic_store(&g_fail_at, n > 0 ? n : 0);
    return c;
}

int scl_alloc_tick(void) {
    long c = atomic_fetch_add(&g_count, 1) + 1;
    long f = atomic_load(&g_fail_at);
    return !(f > 0 && c == f);
}

void *scl_malloc(size_t bytes) {
    if (!scl_alloc_tick()) return NULL;
    return malloc(bytes ? bytes : 1);
}

void *scl_calloc(size_t n, size_t size) {
    if (!scl_alloc_tick()) return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *scl_realloc(void *p, size_t bytes) {
    if (!scl_alloc_tick()) return NULL;
    return realloc(p, bytes ? bytes : 1);
}

char *scl_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = scl_malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

void scl_free(void *p) { free(p); }
