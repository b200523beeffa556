/* The device's queues for everything above the runtime: waiting, reads and
 * writes that do not block, markers and their times, and the few object
 * queries launchers need. Thin on purpose: each returns the OpenCL code, so
 * callers keep their own messages (SCL_CL). Nothing above lib/runtime calls
 * OpenCL's queue or query functions itself. */
#include "runtime/runtime.h"

static cl_command_queue queue_of(const scl_device *dev, scl_queue_id q) {
    return q == SCL_Q_LANE ? dev->lane : dev->queue;
}

cl_int scl_queue_finish(scl_device *dev, scl_queue_id q) {
    cl_command_queue cq = dev ? queue_of(dev, q) : NULL;
    return cq ? clFinish(cq) : CL_SUCCESS;
}

void scl_queue_drain(scl_device *dev) {
    if (!dev) return;
    if (dev->queue) clFinish(dev->queue);
    if (dev->lane) clFinish(dev->lane);
}

cl_int scl_queue_read(scl_device *dev, scl_queue_id q, cl_mem m, size_t off, size_t bytes, void *dst) {
    return clEnqueueReadBuffer(queue_of(dev, q), m, CL_FALSE, off, bytes, dst, 0, NULL, NULL);
}

cl_int scl_queue_write(scl_device *dev, scl_queue_id q, cl_mem m, size_t off, size_t bytes, const void *src) {
    return clEnqueueWriteBuffer(queue_of(dev, q), m, CL_FALSE, off, bytes, src, 0, NULL, NULL);
}

cl_int scl_queue_marker(scl_device *dev, cl_event *ev) {
    return clEnqueueMarkerWithWaitList(dev->queue, 0, NULL, ev);
}

cl_int scl_event_end_ns(cl_event ev, uint64_t *ns) {
    cl_ulong t = 0;
    cl_int e = clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof t, &t, NULL);
    *ns = (uint64_t)t;
    return e;
}

void scl_event_release(cl_event ev) {
    if (ev) clReleaseEvent(ev);
}

cl_command_queue scl_queue_lane_enter(scl_device *dev) {
    cl_command_queue q = dev->queue;
    if (dev->lane) dev->queue = dev->lane;
    return q;
}

void scl_queue_lane_leave(scl_device *dev, cl_command_queue saved) { dev->queue = saved; }

size_t scl_buffer_size(cl_mem m) {
    size_t n = 0;
    if (!m || clGetMemObjectInfo(m, CL_MEM_SIZE, sizeof n, &n, NULL) != CL_SUCCESS) return 0;
    return n;
}

int scl_buffer_on(const scl_device *dev, cl_mem m) {
    cl_context c = NULL;
    return m && clGetMemObjectInfo(m, CL_MEM_CONTEXT, sizeof c, &c, NULL) == CL_SUCCESS && c == dev->ctx;
}

size_t scl_kernel_wg_max(const scl_device *dev, cl_kernel k) {
    size_t n = 0;
    if (clGetKernelWorkGroupInfo(k, dev->id, CL_KERNEL_WORK_GROUP_SIZE, sizeof n, &n, NULL) != CL_SUCCESS || n == 0)
        n = 1;
    if (dev->info.max_work_group_size && dev->info.max_work_group_size < n) n = dev->info.max_work_group_size;
    return n;
}
