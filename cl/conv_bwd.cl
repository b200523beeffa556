/* Convolution backward (the GEMM path's other half): col2im folds the column
 * gradient of one image back onto its input gradient, accumulating.
 *
 * dcol layout: rows r = (c*KH + ky)*KW + kx of row_stride floats, image n's
 * columns p = oy*OW + ox starting at n*OH*OW (the images side by side). Every input cell gathers the columns that read it
 * (no atomics: one work-item per input cell, deterministic order). */

/* dx[n,c,iy,ix] += sum over (ky, kx) reading (iy, ix) of dcol[r][n*OH*OW + oy*OW + ox];
 * global: (W, H, N*C) for the images at dx + dxoff. */
__kernel void col2im_acc(__global const float *dcol, __global float *dx, const ulong dxoff, const int C, const int H,
                         const int W, const int OH, const int OW, const int KH, const int KW, const int SH,
                         const int SW, const int PT, const int PL, const int DH, const int DW, const ulong row_stride) {
    const int ix = get_global_id(0), iy = get_global_id(1), nc = get_global_id(2);
    if (ix >= W || iy >= H) return;
    const int n = nc / C, c = nc - n * C;
    const ulong P = (ulong)OH * OW;
    dcol += (ulong)n * P;
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
            acc += dcol[((ulong)(c * KH + ky) * KW + kx) * row_stride + (ulong)oy * OW + ox];
        }
    }
    dx[dxoff + ((ulong)nc * H + iy) * W + ix] += acc;
}

/* Weight gradient without a transpose of dy, split over the reduction:
 * dw[g][m][n] += sum_q A[m][q] B[n][q] over q = img*P + p in [0, NP), with
 *   A[m][q] = a[aoff + g*ag + img*a_img + m*P + p]   (dy: images of OC*P floats)
 *   B[n][q] = b[boff + g*bg + n*NP + q]              (col: the images side by side)
 * Work-item (n-block, m-block, g*S + s) computes a 4x4 block of sums over
 * slice s of q and writes it to part[(g*S + s)][m][n]; wgrad_reduce adds the
 * S slices into dw. */
__kernel void wgrad_part(__global const float *a, const ulong aoff, const ulong ag, const ulong a_img,
                         __global const float *b, const ulong boff, const ulong bg, __global float *part,
                         const ulong poff, const int M, const int N, const int P, const int NP, const int S,
                         const int slice) {
    const int n0 = get_global_id(0) * 4, m0 = get_global_id(1) * 4, gs = get_global_id(2);
    if (n0 >= N || m0 >= M) return;
    const int g = gs / S, s = gs - g * S;
    const int q0 = s * slice, q1 = min(NP, q0 + slice);
    /* 16 accumulators as named registers (an array of vectors may live in memory) */
#define ROW(i) float16 a##i##0 = (float16)(0.0f), a##i##1 = a##i##0, a##i##2 = a##i##0, a##i##3 = a##i##0;
    ROW(0) ROW(1) ROW(2) ROW(3)
#undef ROW
    float tail[4][4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) tail[i][j] = 0.0f;
    __global const float *ab = a + aoff + g * ag, *bb = b + boff + g * bg;
    const int mr = min(4, M - m0), nr = min(4, N - n0);
    for (int q = q0; q < q1;) {
        const int img = q / P, p = q - img * P, len = min(q1 - q, P - p);
        /* rows past the block's end read its last row again (their sums are dropped) */
        __global const float *ar[4], *br[4];
        for (int i = 0; i < 4; i++) ar[i] = ab + img * a_img + (ulong)(m0 + min(i, mr - 1)) * P + p;
        for (int j = 0; j < 4; j++) br[j] = bb + (ulong)(n0 + min(j, nr - 1)) * NP + q;
        __global const float *A0 = ar[0], *A1 = ar[1], *A2 = ar[2], *A3 = ar[3];
        __global const float *B0 = br[0], *B1 = br[1], *B2 = br[2], *B3 = br[3];
        int k = 0;
        for (; k + 16 <= len; k += 16) {
            const float16 x0 = vload16(0, A0 + k), x1 = vload16(0, A1 + k), x2 = vload16(0, A2 + k),
                          x3 = vload16(0, A3 + k);
            float16 y = vload16(0, B0 + k);
            a00 = fma(x0, y, a00), a10 = fma(x1, y, a10), a20 = fma(x2, y, a20), a30 = fma(x3, y, a30);
            y = vload16(0, B1 + k);
            a01 = fma(x0, y, a01), a11 = fma(x1, y, a11), a21 = fma(x2, y, a21), a31 = fma(x3, y, a31);
            y = vload16(0, B2 + k);
            a02 = fma(x0, y, a02), a12 = fma(x1, y, a12), a22 = fma(x2, y, a22), a32 = fma(x3, y, a32);
            y = vload16(0, B3 + k);
            a03 = fma(x0, y, a03), a13 = fma(x1, y, a13), a23 = fma(x2, y, a23), a33 = fma(x3, y, a33);
        }
        for (; k < len; k++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) tail[i][j] = fma(ar[i][k], br[j][k], tail[i][j]);
        q += len;
    }
#define HSUM(v) ((((v).s0 + (v).s1) + ((v).s2 + (v).s3)) + (((v).s4 + (v).s5) + ((v).s6 + (v).s7)) + \
                 (((v).s8 + (v).s9) + ((v).sa + (v).sb)) + (((v).sc + (v).sd) + ((v).se + (v).sf)))
    tail[0][0] += HSUM(a00), tail[0][1] += HSUM(a01), tail[0][2] += HSUM(a02), tail[0][3] += HSUM(a03);
    tail[1][0] += HSUM(a10), tail[1][1] += HSUM(a11), tail[1][2] += HSUM(a12), tail[1][3] += HSUM(a13);
    tail[2][0] += HSUM(a20), tail[2][1] += HSUM(a21), tail[2][2] += HSUM(a22), tail[2][3] += HSUM(a23);
    tail[3][0] += HSUM(a30), tail[3][1] += HSUM(a31), tail[3][2] += HSUM(a32), tail[3][3] += HSUM(a33);
#undef HSUM
    __global float *out = part + poff + (ulong)gs * M * N;
    for (int i = 0; i < mr; i++)
        for (int j = 0; j < nr; j++) out[(m0 + i) * N + n0 + j] = tail[i][j];
}

/* dw[g][m][n] += sum_s part[g*S + s][m][n]; global: (N, M, G). */
__kernel void wgrad_reduce(__global const float *part, const ulong poff, __global float *dw, const ulong dwoff,
                           const int M, const int N, const int S) {
    const int n = get_global_id(0), m = get_global_id(1), g = get_global_id(2);
    if (n >= N || m >= M) return;
    float acc = 0.0f;
    for (int s = 0; s < S; s++) acc += part[poff + ((ulong)(g * S + s) * M + m) * N + n];
    dw[dwoff + ((ulong)g * M + m) * N + n] += acc;
}

/* The weights of the transposed convolution (stride 1): wt[g*Cg + c][o][u][v] =
 * w[g*OCg + o][c][KH-1-u][KW-1-v]; global: (KH*KW, OCg, C). */
__kernel void flip_weights(__global const float *w, const ulong woff, __global float *wt, const ulong wtoff,
                           const int Cg, const int OCg, const int KH, const int KW) {
    const int uv = get_global_id(0), o = get_global_id(1), gc = get_global_id(2);
    if (uv >= KH * KW || o >= OCg) return;
    const int g = gc / Cg, c = gc - g * Cg, u = uv / KW, v = uv - u * KW;
    wt[wtoff + (((ulong)gc * OCg + o) * KH + u) * KW + v] =
        w[woff + (((ulong)(g * OCg + o) * Cg + c) * KH + (KH - 1 - u)) * KW + (KW - 1 - v)];
}
