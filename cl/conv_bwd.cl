/* Convolution backward (the GEMM path's other half): col2im folds the column
 * gradient of one image back onto its input gradient, accumulating.
 *
 * dcol layout as im2col's for one image: rows r = (c*KH + ky)*KW + kx,
 * columns p = oy*OW + ox. Every input cell gathers the columns that read it
 * (no atomics: one work-item per input cell, deterministic order). */

/* dx[c,iy,ix] += sum over (ky, kx) reading (iy, ix) of dcol[r][oy*OW + ox];
 * global: (W, H, C) for one image at dx + dxoff. */
__kernel void col2im_acc(__global const float *dcol, __global float *dx, const ulong dxoff, const int C, const int H,
                         const int W, const int OH, const int OW, const int KH, const int KW, const int SH,
                         const int SW, const int PT, const int PL, const int DH, const int DW) {
    const int ix = get_global_id(0), iy = get_global_id(1), c = get_global_id(2);
    if (ix >= W || iy >= H || c >= C) return;
    const ulong P = (ulong)OH * OW;
    float acc = 0.0f;
    for (int ky = 0; ky < KH; ky++) {
        const int ty = iy + PT - ky * DH;
        if (ty < 0 || ty % SH) continue;
        const int oy = ty / SH;
        if (oy >= OH) continue;
        for (int kx = 0; kx < KW; kx++) {
            const int tx = ix + PL - kx * DW;
            if (tx < 0 || tx % SW) continue;
            const int ox = tx / SW;
            if (ox >= OW) continue;
            acc += dcol[((ulong)(c * KH + ky) * KW + kx) * P + (ulong)oy * OW + ox];
        }
    }
    dx[dxoff + ((ulong)c * H + iy) * W + ix] += acc;
}
