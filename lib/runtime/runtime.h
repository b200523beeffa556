/* Room lib/runtime (the ground floor): logging, allocation, devices and the
 * environment (read once, at context creation), kernel programs and their
 * cache, buffers, the queues (queue.c). Calls OpenCL and nothing of siamcl's;
 * every room above calls it. Nothing above calls clCreate* / clBuild* or a
 * queue/query function directly: ops enqueue kernels they got from
 * scl_kernel() on buffers from scl_buffer_alloc() through scl_launch. */
#ifndef SCL_RUNTIME_H
#define SCL_RUNTIME_H

#include <CL/cl.h>
#include <stdarg.h>
#include <stddef.h>

#include "siamcl.h"

/* ---- logging and errors (log.c) ---- */
void scl_log(siamcl_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Log an error message (also kept as siamcl_last_error()) and return s. */
siamcl_status scl_fail(siamcl_status s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* OpenCL call check: on error, log "<what>: <CL error name>" and return the code. */
#define SCL_CL(call, what)                                                                   \
    do {                                                                                     \
        cl_int scl_err_ = (call);                                                            \
        if (scl_err_ != CL_SUCCESS)                                                          \
            return scl_fail((siamcl_status)scl_err_, "%s failed: %s (%s:%d)", (what),        \
                            siamcl_status_string((siamcl_status)scl_err_), __FILE__, __LINE__); \
    } while (0)
/* Propagate a non-OK status. */
#define SCL_TRY(expr)                                                                        \
    do {                                                                                     \
        siamcl_status scl_st_ = (expr);                                                      \
        if (scl_st_ != SIAMCL_OK) return scl_st_;                                            \
    } while (0)

/* ---- host allocation with the failing-allocator test hook (alloc.c) ---- */
void *scl_malloc(size_t bytes);
void *scl_calloc(size_t n, size_t size);
void *scl_realloc(void *p, size_t bytes);
char *scl_strdup(const char *s);
void scl_free(void *p);
/* Counts one allocation; returns 0 when the test hook says this one must fail. */
int scl_alloc_tick(void);

/* 64-bit FNV-1a over n bytes, continuing from h (start with SCL_FNV_OFFSET). */
#define SCL_FNV_OFFSET 0xcbf29ce484222325ULL
static inline uint64_t scl_fnv1a(uint64_t h, const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

/* ---- files (file.c) ---- */
/* Read a whole regular file into scl_malloc'd memory (*data, *size; free with
 * scl_free). Missing/unreadable/not a regular file -> SIAMCL_ERR_IO naming it. */
siamcl_status scl_read_file(const char *path, uint8_t **data, size_t *size);

/* ---- the on-disk kernel binary cache (cache.c) ---- */
typedef struct scl_device scl_device;
/* Make the device's cache folder; a folder that cannot be made turns the cache off (warned). */
void scl_cache_prepare(scl_device *dev);
/* A verified entry's binary (scl_malloc'd) for key; 0 when none or unusable (warned). */
int scl_cache_load(const scl_device *dev, const uint64_t key[2], unsigned char **bin, size_t *len);
/* Write (replace atomically) the entry for key. */
void scl_cache_store(const scl_device *dev, const uint64_t key[2], const unsigned char *bin, size_t len);

/* ---- devices (device.c) ---- */
typedef struct scl_program_entry scl_program_entry;

struct scl_device {
    cl_platform_id platform;
    cl_device_id id;
    cl_context ctx;
    cl_command_queue queue; /* in-order, profiling enabled */
    siamcl_device_info info;
    char cache_dir[512];    /* "" = disk cache off */
    scl_program_entry *programs; /* in-memory program/kernel cache */
    size_t bytes_allocated, bytes_peak; /* device buffers alive through scl_buffer_* */
    int index;              /* position in its context */
    void *blas_ready;       /* ops/gemm.c bookkeeping */
    cl_command_queue lane;  /* a second in-order queue, same properties (lib/sched: template jobs and
                               frame uploads that overlap a search pass on `queue`) */
    int crop_tile[2];       /* SIAMCL_CROP_TILE as read at context creation (V, B), 0 = the default */
};

struct siamcl_context {
    int ndev;
    scl_device *dev;
};

/* The configuration read once from API params + environment. */
typedef struct scl_config {
    char platform[256], device[256], cache_dir[512];
    siamcl_device_type type;
    int crop_tile[2]; /* SIAMCL_CROP_TILE "VxB" (V 4, 8 or 16; B 1..256), 0 = unset */
} scl_config;
siamcl_status scl_config_read(const siamcl_context_params *p, scl_config *cfg);

/* ---- programs and kernels (program.c) ---- */
/* Kernel `kname` from the embedded cl/<file>.cl compiled with `defines`
 * (a "#define ..." preamble, may be NULL). Programs are cached in memory per
 * device (the returned kernel is owned by the device: do not release it) and
 * on disk as binaries. Kernels are not thread-safe: one thread per device. */
siamcl_status scl_kernel(scl_device *dev, const char *file, const char *defines,
                         const char *kname, cl_kernel *out);
/* Same with explicit source text (used by scl_kernel and by tests). `name` is
 * the file name reported in build logs. */
siamcl_status scl_kernel_from_source(scl_device *dev, const char *name, const char *source,
                                     const char *defines, const char *kname, cl_kernel *out);
/* The embedded source of cl/<file>.cl, or NULL. */
const char *scl_cl_source(const char *file);
void scl_programs_release(scl_device *dev);

typedef struct scl_program_stats {
    long compiled;      /* built from source */
    long disk_loaded;   /* built from a cached binary */
    long memory_hits;   /* found already built in memory */
} scl_program_stats;
/* Process-wide counters (for tests and `siamcl bench`). */
scl_program_stats scl_program_stats_get(void);

/* ---- buffers (buffer.c) ---- */
siamcl_status scl_buffer_alloc(scl_device *dev, size_t bytes, cl_mem *out);
void scl_buffer_free(scl_device *dev, cl_mem m);
siamcl_status scl_buffer_write(scl_device *dev, cl_mem m, size_t offset, size_t bytes, const void *src);
siamcl_status scl_buffer_read(scl_device *dev, cl_mem m, size_t offset, size_t bytes, void *dst);
/* Enqueue a zero fill of bytes at offset (both multiples of 4); does not block. */
siamcl_status scl_buffer_zero(scl_device *dev, cl_mem m, size_t offset, size_t bytes);

/* Enqueue a kernel over a global range rounded up to the local size (local may
 * be NULL to let the driver choose). Records a profiling event when enabled. */
siamcl_status scl_launch(scl_device *dev, cl_kernel k, int dims, const size_t *global,
                         const size_t *local, const char *what);
/* Set argument i of k; the variadic form keeps launchers short. */
#define SCL_ARG(k, i, v) clSetKernelArg((k), (i), sizeof(v), &(v))

/* Argument i of k: `bytes` of local memory. */
#define SCL_ARG_LOCAL(k, i, bytes) clSetKernelArg((k), (i), (bytes), NULL)

/* ---- queues (queue.c): what runs above the runtime uses instead of OpenCL's
 * queue and query calls. The cl_int results are OpenCL codes (SCL_CL names them). */
typedef enum scl_queue_id {
    SCL_Q_MAIN = 0, /* dev->queue: plans, launches */
    SCL_Q_LANE      /* dev->lane: template jobs and frame uploads beside a search pass */
} scl_queue_id;
cl_int scl_queue_finish(scl_device *dev, scl_queue_id q); /* wait; an absent lane is done */
void scl_queue_drain(scl_device *dev);                    /* wait for both, errors ignored (clean-up) */
/* Enqueue without waiting: the host memory stays in use until a finish. */
cl_int scl_queue_read(scl_device *dev, scl_queue_id q, cl_mem m, size_t off, size_t bytes, void *dst);
cl_int scl_queue_write(scl_device *dev, scl_queue_id q, cl_mem m, size_t off, size_t bytes, const void *src);
/* A marker on the main queue, and (after a finish) the time it completed. */
cl_int scl_queue_marker(scl_device *dev, cl_event *ev);
cl_int scl_event_end_ns(cl_event ev, uint64_t *ns);
void scl_event_release(cl_event ev);
/* Until the leave, everything enqueued through dev (launches, plans, buffer
 * calls, SCL_Q_MAIN) goes to its lane; enter returns what leave restores. */
cl_command_queue scl_queue_lane_enter(scl_device *dev);
void scl_queue_lane_leave(scl_device *dev, cl_command_queue saved);
size_t scl_buffer_size(cl_mem m);                   /* bytes; 0 if it cannot be queried */
int scl_buffer_on(const scl_device *dev, cl_mem m); /* 1 if m belongs to dev's context */
/* The largest work-group of k on dev (its own limit and the device's), >= 1. */
size_t scl_kernel_wg_max(const scl_device *dev, cl_kernel k);

/* Per-launch profiling (bench): when on, every scl_launch records an event. */
typedef struct scl_prof_record { const char *what; double ms; } scl_prof_record;
void scl_profile_begin(scl_device *dev);
/* Wait, collect records (owned by the runtime until the next begin). */
siamcl_status scl_profile_end(scl_device *dev, const scl_prof_record **rec, int *n);

/* Monotonic milliseconds, for durations (clock.c). */
double scl_now_ms(void);

static inline size_t scl_round_up(size_t x, size_t m) { return (x + m - 1) / m * m; }

#endif
