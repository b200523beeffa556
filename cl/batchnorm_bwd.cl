/* BatchNormalization backward (training mode, batch statistics): with
 * xhat = (x - mean) invstd and M = N*P cells per channel,
 *   dbeta += sum dy,  dgamma += sum dy xhat,
 *   dx += gamma invstd (dy - sum dy / M - xhat sum(dy xhat) / M).
 * saved: mean[C], invstd[C] of the forward pass; sums: sum dy [C], sum dy xhat [C]. */

/* global: (C) */
__kernel void bn_bwd_reduce(__global const float *x, const ulong xoff, __global const float *dy, const ulong dyoff,
                            __global const float *saved, __global float *sums, __global float *dgamma,
                            const ulong dgoff, __global float *dbeta, const ulong dboff, const int N, const int C,
                            const int P) {
    const int c = get_global_id(0);
    if (c >= C) return;
    const float mean = saved[c], inv = saved[C + c];
    float sdy = 0.0f, sdx = 0.0f;
    for (int n = 0; n < N; n++) {
        const ulong r = ((ulong)n * C + c) * P;
        float a = 0.0f, b = 0.0f;
        for (int p = 0; p < P; p++) {
            const float g = dy[dyoff + r + p];
            a += g;
            b += g * (x[xoff + r + p] - mean) * inv;
        }
        sdy += a;
        sdx += b;
    }
    sums[c] = sdy;
    sums[C + c] = sdx;
    if (dgamma) dgamma[dgoff + c] += sdx;
    if (dbeta) dbeta[dboff + c] += sdy;
}

/* global: (P, C, N) */
__kernel void bn_bwd_dx(__global const float *x, const ulong xoff, __global const float *dy, const ulong dyoff,
                        __global float *dx, const ulong dxoff, __global const float *saved,
                        __global const float *sums, __global const float *gamma, const ulong goff, const int N,
                        const int C, const int P) {
    const int p = get_global_id(0), c = get_global_id(1), n = get_global_id(2);
    if (p >= P) return;
    const ulong i = ((ulong)n * C + c) * P + p;
    const float inv = saved[C + c], M = (float)N * P;
    const float xhat = (x[xoff + i] - saved[c]) * inv;
    dx[dxoff + i] += gamma[goff + c] * inv * (dy[dyoff + i] - sums[c] / M - xhat * sums[C + c] / M);
}
