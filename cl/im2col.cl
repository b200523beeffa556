/* im2col for the GEMM convolution path, and the epilogue that applies bias,
 * residual and activation to the GEMM result in place.
 *
 * col layout, per image n: rows r = (c*KH + ky)*KW + kx over every input
 * channel (so the rows of group g are the contiguous block [g*Cg*KH*KW,
 * (g+1)*Cg*KH*KW)), columns p = oy*OW + ox; images follow each other at a
 * stride of C*KH*KW*OH*OW floats. */

/* global: (OH, N*C*KH*KW) -- one work-item writes one output row of one col
 * row (the index arithmetic is paid once per row, the stores are contiguous).
 * Row r of image n starts at col + n*img_stride + r*row_stride: the layout
 * above is (rows*OH*OW, OH*OW); the backward pass puts the images side by
 * side instead, (OH*OW, N*OH*OW), so that one GEMM covers the whole batch. */
__kernel void im2col(__global const float *x, const ulong xoff, __global float *col, const int C, const int H,
                     const int W, const int OH, const int OW, const int KH, const int KW, const int SH, const int SW,
                     const int PT, const int PL, const int DH, const int DW, const int rows_total,
                     const ulong img_stride, const ulong row_stride) {
    const int oy = get_global_id(0), nr = get_global_id(1);
    if (oy >= OH || nr >= rows_total) return;
    const int rows = C * KH * KW;
    const int n = nr / rows, r = nr - n * rows;
    const int kx = r % KW, t = r / KW;
    const int ky = t % KH, c = t / KH;
    const int iy = oy * SH - PT + ky * DH;
    __global float *dst = col + (ulong)n * img_stride + (ulong)r * row_stride + (ulong)oy * OW;
    if (iy < 0 || iy >= H) {
        for (int ox = 0; ox < OW; ox++) dst[ox] = 0.0f;
        return;
    }
    __global const float *src = x + xoff + (((ulong)n * C + c) * H + iy) * W;
    const int ix0 = kx * DW - PL;
    /* columns ox with 0 <= ox*SW + ix0 < W: [lo, hi) */
    const int lo = ix0 >= 0 ? 0 : min(OW, (-ix0 + SW - 1) / SW);
    const int hi = W - ix0 <= 0 ? 0 : min(OW, (W - ix0 + SW - 1) / SW);
    for (int ox = 0; ox < lo; ox++) dst[ox] = 0.0f;
    for (int ox = lo; ox < hi; ox++) dst[ox] = src[ox * SW + ix0];
    for (int ox = max(hi, lo); ox < OW; ox++) dst[ox] = 0.0f;
}

/* y[n,c,p] = act(y[n,c,p] + bias[c] + res[n,c,p]); global: (P, C, N). */
__kernel void conv_epilogue(__global float *y, const ulong yoff, __global const float *bias, const ulong boff,
                            const int has_bias, __global const float *res, const ulong roff, const int has_res,
                            const int C, const int P, const int act, const float a, const float b) {
    const int p = get_global_id(0), c = get_global_id(1), n = get_global_id(2);
    if (p >= P) return;
    const ulong i = ((ulong)n * C + c) * P + p;
    float v = y[yoff + i];
    if (has_bias) v += bias[boff + c];
    if (has_res) v += res[roff + i];
    y[yoff + i] = scl_act(v, act, a, b);
}
