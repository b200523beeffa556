/* siamcl core: status codes, logging, OpenCL contexts and device selection. */
#ifndef SIAMCL_CORE_H
#define SIAMCL_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SIAMCL_BUILDING) && defined(__GNUC__)
#define SIAMCL_API __attribute__((visibility("default")))
#else
#define SIAMCL_API
#endif

/* Status of every fallible call. 0 is success. Negative values from -1 to
 * -9999 are OpenCL error codes passed through unchanged (e.g. -5
 * CL_OUT_OF_RESOURCES, -11 CL_BUILD_PROGRAM_FAILURE). Library errors use the
 * range -30000 and below. */
typedef enum siamcl_status {
    SIAMCL_OK = 0,
    SIAMCL_ERR_INVALID_ARGUMENT = -30001, /* NULL pointer, bad value */
    SIAMCL_ERR_OUT_OF_MEMORY = -30002,    /* host allocation failed */
    SIAMCL_ERR_NO_PLATFORM = -30003,      /* no OpenCL platform installed */
    SIAMCL_ERR_NO_DEVICE = -30004,        /* selection matched no device */
    SIAMCL_ERR_BUILD = -30005,            /* kernel compilation failed */
    SIAMCL_ERR_IO = -30006,               /* file missing or unreadable */
    SIAMCL_ERR_FORMAT = -30007,           /* corrupt or malformed file */
    SIAMCL_ERR_UNSUPPORTED = -30008,      /* op, attribute or format not handled */
    SIAMCL_ERR_SHAPE = -30009,            /* tensor shapes do not fit */
    SIAMCL_ERR_DEVICE_MEMORY = -30010,    /* device allocation failed */
    SIAMCL_ERR_BLAS = -30011,             /* CLBlast call failed */
    SIAMCL_ERR_OUT_OF_RANGE = -30012,     /* index, box or value outside its range */
    SIAMCL_ERR_STATE = -30013,            /* call out of order (e.g. update before init) */
    SIAMCL_ERR_NUMERIC = -30014,          /* NaN or infinity where a finite number is needed (training) */
    SIAMCL_ERR_INTERNAL = -30099
} siamcl_status;

/* A human-readable, static string for any status (OpenCL codes included). */
SIAMCL_API const char *siamcl_status_string(siamcl_status s);

/* ---- logging ---- */
typedef enum siamcl_log_level {
    SIAMCL_LOG_ERROR = 0,
    SIAMCL_LOG_WARN = 1,
    SIAMCL_LOG_INFO = 2,
    SIAMCL_LOG_DEBUG = 3
} siamcl_log_level;

typedef void (*siamcl_log_fn)(siamcl_log_level level, const char *msg, void *user);

/* Route library messages to fn (NULL silences the library, the default).
 * Messages above max_level are dropped before formatting. Process-wide. */
SIAMCL_API void siamcl_log_set(siamcl_log_fn fn, void *user, siamcl_log_level max_level);

/* The text of the last error message logged by this thread (never NULL). */
SIAMCL_API const char *siamcl_last_error(void);

/* ---- devices and contexts ---- */
typedef enum siamcl_device_type {
    SIAMCL_DEVICE_ALL = 0,
    SIAMCL_DEVICE_GPU = 1,
    SIAMCL_DEVICE_CPU = 2,
    SIAMCL_DEVICE_ACCELERATOR = 3
} siamcl_device_type;

typedef struct siamcl_device_info {
    int platform_index, device_index;    /* indices as `siamcl devices` lists them */
    char platform_name[128], platform_vendor[128], platform_version[128];
    char name[128], vendor[128], driver_version[64], opencl_c_version[64];
    siamcl_device_type type;
    unsigned compute_units;
    uint64_t global_mem_bytes, local_mem_bytes, max_alloc_bytes;
    size_t max_work_group_size;
} siamcl_device_info;

/* Enumerate every device of every platform. *count receives the number found;
 * up to cap entries are written to out (out may be NULL with cap 0). */
SIAMCL_API siamcl_status siamcl_devices_list(siamcl_device_info *out, int cap, int *count);

/* How a context picks its devices. Fields left NULL/0 fall back to the
 * environment (SIAMCL_PLATFORM, SIAMCL_DEVICE, SIAMCL_DEVICE_TYPE,
 * SIAMCL_CACHE_DIR), then to "first device of the first platform that has one". */
typedef struct siamcl_context_params {
    const char *platform;  /* index or case-insensitive substring of name/vendor */
    const char *device;    /* index or substring; comma list selects several */
    siamcl_device_type type;
    const char *cache_dir; /* kernel binary cache; "0" disables */
} siamcl_context_params;

typedef struct siamcl_context siamcl_context;

/* Create a context over the selected device(s). params may be NULL (environment only). */
SIAMCL_API siamcl_status siamcl_context_create(const siamcl_context_params *params,
                                              siamcl_context **out);
SIAMCL_API void siamcl_context_free(siamcl_context *ctx);
SIAMCL_API int siamcl_context_device_count(const siamcl_context *ctx);
SIAMCL_API siamcl_status siamcl_context_device_info(const siamcl_context *ctx, int i,
                                                   siamcl_device_info *out);

/* Bytes of device memory currently allocated by siamcl on context device i
 * (weights, plan buffers, tensors): how tests check that plans share weights. */
SIAMCL_API size_t siamcl_context_device_bytes(const siamcl_context *ctx, int i);

/* The device's matrix-multiply ceiling (what `siamcl bench` prints beside the
 * networks): `runs` square size x size x size SGEMMs through CLBlast on device
 * i, each waited for; ms[r] gets the wall time of run r. */
SIAMCL_API siamcl_status siamcl_context_time_sgemm(siamcl_context *ctx, int i, int size, int runs, double *ms);

/* ---- test hooks (for the library's own tests; not for production use) ---- */
/* Make the n-th host or device allocation from now on fail (n >= 1); 0 disables.
 * Returns the number of allocations counted since the last call. */
SIAMCL_API long siamcl_test_fail_alloc(long n);

#ifdef __cplusplus
}
#endif
#endif
