/* Elementwise ops: activation, residual add (with fused activation). */

__kernel void eltwise_act(__global const float *x, const ulong xoff, __global float *y, const ulong yoff,
                          const uint n, const int act, const float a, const float b) {
    uint i = get_global_id(0);
    if (i >= n) return;
    y[yoff + i] = scl_act(x[xoff + i], act, a, b);
}

__kernel void eltwise_add(__global const float *x0, const ulong off0, __global const float *x1, const ulong off1,
                          __global float *y, const ulong yoff, const uint n, const int act, const float a,
                          const float b) {
    uint i = get_global_id(0);
    if (i >= n) return;
    y[yoff + i] = scl_act(x0[off0 + i] + x1[off1 + i], act, a, b);
}
