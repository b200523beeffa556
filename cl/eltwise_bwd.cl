/* Backward of the elementwise ops. Every kernel accumulates (+=) into its
 * gradient: a value read by several nodes sums their contributions, and a
 * training step zeroes the gradients once before the reverse pass. */

/* Relu: dx[i] += y[i] > 0 ? dy[i] : 0 (y the forward output). */
__kernel void relu_bwd(__global const float *y, const ulong yoff, __global const float *dy, const ulong dyoff,
                       __global float *dx, const ulong dxoff, const uint n) {
    const uint i = get_global_id(0);
    if (i >= n) return;
    if (y[yoff + i] > 0.0f) dx[dxoff + i] += dy[dyoff + i];
}

/* dx += dy summed over the axes where dx has extent 1 and dy does not (the
 * backward of numpy broadcasting; equal shapes: a plain accumulate). Shapes
 * are 4-D, x0..x3 of dx and y0..y3 of dy, each x extent 1 or y's. One
 * work-item per element of dx. */
__kernel void reduce_acc(__global const float *dy, const ulong dyoff, __global float *dx, const ulong dxoff,
                         const int x0, const int x1, const int x2, const int x3, const int y0, const int y1,
                         const int y2, const int y3) {
    const uint i = get_global_id(0);
    if (i >= (uint)(x0 * x1 * x2 * x3)) return;
    const int i3 = i % x3, i2 = (i / x3) % x2, i1 = (i / x3 / x2) % x1, i0 = i / x3 / x2 / x1;
    const int n0 = x0 == y0 ? 1 : y0, n1 = x1 == y1 ? 1 : y1, n2 = x2 == y2 ? 1 : y2, n3 = x3 == y3 ? 1 : y3;
    float acc = 0.0f;
    for (int a = 0; a < n0; a++)
        for (int b = 0; b < n1; b++)
            for (int c = 0; c < n2; c++)
                for (int d = 0; d < n3; d++) {
                    const int j0 = n0 > 1 ? a : i0, j1 = n1 > 1 ? b : i1, j2 = n2 > 1 ? c : i2, j3 = n3 > 1 ? d : i3;
                    acc += dy[dyoff + (((ulong)j0 * y1 + j1) * y2 + j2) * y3 + j3];
                }
    dx[dxoff + i] += acc;
}
