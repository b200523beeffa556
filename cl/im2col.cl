/* im2col for the GEMM convolution path, and the epilogue that applies bias,
 * residual and activation to the GEMM result in place.
 *
 * col layout, per image n: rows r = (c*KH + ky)*KW + kx over every input
 * channel (so the rows of group g are the contiguous block [g*Cg*KH*KW,
 * (g+1)*Cg*KH*KW)), columns p = oy*OW + ox; images follow each other at a
 * stride of C*KH*KW*OH*OW floats. */

/* global: (OW, OH, N*C*KH*KW) -- one work-item writes one col element. */
__kernel void im2col(__global const float *x, const ulong xoff, __global float *col, const int C, const int H,
                     const int W, const int OH, const int OW, const int KH, const int KW, const int SH, const int SW,
                     const int PT, const int PL, const int DH, const int DW, const int rows_total) {
    const int ox = get_global_id(0), oy = get_global_id(1), nr = get_global_id(2);
    if (ox >= OW || oy >= OH || nr >= rows_total) return;
    const int rows = C * KH * KW;
    const int n = nr / rows, r = nr - n * rows;
    const int kx = r % KW, t = r / KW;
    const int ky = t % KH, c = t / KH;
    const int iy = oy * SH - PT + ky * DH, ix = ox * SW - PL + kx * DW;
    float v = 0.0f;
    if (iy >= 0 && iy < H && ix >= 0 && ix < W) v = x[xoff + (((ulong)n * C + c) * H + iy) * W + ix];
    col[(ulong)nr * OH * OW + (ulong)oy * OW + ox] = v;
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
