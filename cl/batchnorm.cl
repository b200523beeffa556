/* BatchNormalization in training mode: per-channel statistics of the batch
 * (over N and the spatial cells), the running statistics' update, and the
 * normalisation; and the evaluation mode's statistics from the running ones.
 * Layout [N, C, P] (P = H*W, 1 for [N, C] inputs). saved holds mean[C] then
 * invstd[C] for the backward pass. */

/* Sum over the N rows of P cells of channel c, row by row (a short running sum each). */
inline float chan_sum(__global const float *x, const int N, const int C, const int P, const int c, const float sub,
                      const int square) {
    float total = 0.0f;
    for (int n = 0; n < N; n++) {
        __global const float *r = x + ((ulong)n * C + c) * P;
        float s = 0.0f;
        for (int p = 0; p < P; p++) {
            const float d = r[p] - sub;
            s += square ? d * d : d;
        }
        total += s;
    }
    return total;
}

/* global: (C). mean and biased variance of the batch (two passes); running
 * stats: r = momentum r + (1 - momentum) batch (ONNX's momentum; the variance
 * unbiased, as PyTorch keeps it). */
__kernel void bn_stats(__global const float *x, const ulong xoff, const int N, const int C, const int P,
                       const float eps, const float momentum, __global float *rmean, const ulong rmoff,
                       __global float *rvar, const ulong rvoff, __global float *saved, const int update) {
    const int c = get_global_id(0);
    if (c >= C) return;
    const float M = (float)N * P;
    const float mean = chan_sum(x + xoff, N, C, P, c, 0.0f, 0) / M;
    const float var = chan_sum(x + xoff, N, C, P, c, mean, 1) / M;
    saved[c] = mean;
    saved[C + c] = rsqrt(var + eps);
    if (update) {
        rmean[rmoff + c] = momentum * rmean[rmoff + c] + (1.0f - momentum) * mean;
        rvar[rvoff + c] = momentum * rvar[rvoff + c] + (1.0f - momentum) * (M > 1.0f ? var * M / (M - 1.0f) : var);
    }
}

/* global: (C). Evaluation mode: the running statistics. */
__kernel void bn_running(__global const float *rmean, const ulong rmoff, __global const float *rvar,
                         const ulong rvoff, __global float *saved, const int C, const float eps) {
    const int c = get_global_id(0);
    if (c >= C) return;
    saved[c] = rmean[rmoff + c];
    saved[C + c] = rsqrt(rvar[rvoff + c] + eps);
}

/* y = (x - mean) * invstd * gamma + beta; global: (P, C, N). */
__kernel void bn_apply(__global const float *x, const ulong xoff, __global float *y, const ulong yoff,
                       __global const float *saved, __global const float *gamma, const ulong goff,
                       __global const float *beta, const ulong boff, const int C, const int P) {
    const int p = get_global_id(0), c = get_global_id(1), n = get_global_id(2);
    if (p >= P) return;
    const ulong i = ((ulong)n * C + c) * P + p;
    y[yoff + i] = (x[xoff + i] - saved[c]) * saved[C + c] * gamma[goff + c] + beta[boff + c];
}
