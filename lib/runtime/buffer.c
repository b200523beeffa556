/* Device buffers (counted per device, failing-allocator hook), transfers,
 * kernel launches and per-launch profiling. */
#include <string.h>

#include "runtime/runtime.h"

siamcl_status scl_buffer_alloc(scl_device *dev, size_t bytes, cl_mem *out) {
    *out = NULL;
    if (!scl_alloc_tick())
        return scl_fail(SIAMCL_ERR_DEVICE_MEMORY, "device allocation of %zu bytes failed (test hook)", bytes);
    if (bytes == 0) bytes = 4;
    if (bytes > dev->info.max_alloc_bytes && dev->info.max_alloc_bytes)
        return scl_fail(SIAMCL_ERR_DEVICE_MEMORY, "buffer of %zu bytes exceeds the device's maximum allocation (%llu)",
                        bytes, (unsigned long long)dev->info.max_alloc_bytes);
    cl_int e = CL_SUCCESS;
    cl_mem m = clCreateBuffer(dev->ctx, CL_MEM_READ_WRITE, bytes, NULL, &e);
    if (e != CL_SUCCESS)
        return scl_fail(e == CL_MEM_OBJECT_ALLOCATION_FAILURE || e == CL_OUT_OF_RESOURCES ? SIAMCL_ERR_DEVICE_MEMORY
                                                                                          : (siamcl_status)e,
                        "device allocation of %zu bytes on %s failed: %s", bytes, dev->info.name,
                        siamcl_status_string((siamcl_status)e));
    dev->bytes_allocated += bytes;
    if (dev->bytes_allocated > dev->bytes_peak) dev->bytes_peak = dev->bytes_allocated;
    *out = m;
    return SIAMCL_OK;
}

void scl_buffer_free(scl_device *dev, cl_mem m) {
    if (!m) return;
    size_t bytes = 0;
    clGetMemObjectInfo(m, CL_MEM_SIZE, sizeof bytes, &bytes, NULL);
    if (dev && dev->bytes_allocated >= bytes) dev->bytes_allocated -= bytes;
    clReleaseMemObject(m);
}

siamcl_status scl_buffer_write(scl_device *dev, cl_mem m, size_t offset, size_t bytes, const void *src) {
    SCL_CL(clEnqueueWriteBuffer(dev->queue, m, CL_TRUE, offset, bytes, src, 0, NULL, NULL), "upload");
    return SIAMCL_OK;
}

siamcl_status scl_buffer_read(scl_device *dev, cl_mem m, size_t offset, size_t bytes, void *dst) {
    SCL_CL(clEnqueueReadBuffer(dev->queue, m, CL_TRUE, offset, bytes, dst, 0, NULL, NULL), "download");
    return SIAMCL_OK;
}

siamcl_status scl_buffer_zero(scl_device *dev, cl_mem m, size_t offset, size_t bytes) {
    if (bytes == 0) return SIAMCL_OK;
    const float zero = 0.0f;
    SCL_CL(clEnqueueFillBuffer(dev->queue, m, &zero, sizeof zero, offset, bytes, 0, NULL, NULL), "zero fill");
    return SIAMCL_OK;
}

/* ---- profiling: one process-wide recorder, enabled between begin/end ---- */
#define MAX_PROF 4096
static struct {
    scl_device *dev;
    int n;
    cl_event ev[MAX_PROF];
    const char *what[MAX_PROF];
    scl_prof_record rec[MAX_PROF];
} g_prof;

void scl_profile_begin(scl_device *dev) {
    for (int i = 0; i < g_prof.n; i++)
        if (g_prof.ev[i]) clReleaseEvent(g_prof.ev[i]);
    g_prof.n = 0;
    g_prof.dev = dev;
}

siamcl_status scl_profile_end(scl_device *dev, const scl_prof_record **rec, int *n) {
    SCL_CL(clFinish(dev->queue), "clFinish");
    for (int i = 0; i < g_prof.n; i++) {
        cl_ulong a = 0, b = 0;
        clGetEventProfilingInfo(g_prof.ev[i], CL_PROFILING_COMMAND_START, sizeof a, &a, NULL);
        clGetEventProfilingInfo(g_prof.ev[i], CL_PROFILING_COMMAND_END, sizeof b, &b, NULL);
        g_prof.rec[i].what = g_prof.what[i];
        g_prof.rec[i].ms = (double)(b - a) * 1e-6;
        clReleaseEvent(g_prof.ev[i]);
        g_prof.ev[i] = NULL;
    }
    *rec = g_prof.rec;
    *n = g_prof.n;
    g_prof.dev = NULL;
    return SIAMCL_OK;
}

siamcl_status scl_launch(scl_device *dev, cl_kernel k, int dims, const size_t *global, const size_t *local,
                         const char *what) {
    size_t g[3];
    for (int i = 0; i < dims; i++) {
        if (global[i] == 0) return SIAMCL_OK; /* empty range: nothing to do */
        g[i] = local ? scl_round_up(global[i], local[i]) : global[i];
    }
    int prof = g_prof.dev == dev && g_prof.n < MAX_PROF;
    cl_event ev = NULL;
    cl_int e = clEnqueueNDRangeKernel(dev->queue, k, (cl_uint)dims, NULL, g, local, 0, NULL, prof ? &ev : NULL);
    if (e != CL_SUCCESS)
        return scl_fail((siamcl_status)e, "launching %s on %s failed: %s", what ? what : "kernel", dev->info.name,
                        siamcl_status_string((siamcl_status)e));
    if (prof) {
        g_prof.ev[g_prof.n] = ev;
        g_prof.what[g_prof.n] = what;
        g_prof.n++;
    }
    return SIAMCL_OK;
}
