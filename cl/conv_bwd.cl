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
    float8 acc[4][4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) acc[i][j] = (float8)(0.0f);
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
        int k = 0;
        for (; k + 8 <= len; k += 8) {
            float8 av[4], bv[4];
            for (int i = 0; i < 4; i++) av[i] = vload8(0, ar[i] + k);
            for (int j = 0; j < 4; j++) bv[j] = vload8(0, br[j] + k);
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) acc[i][j] = fma(av[i], bv[j], acc[i][j]);
        }
        for (; k < len; k++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) tail[i][j] = fma(ar[i][k], br[j][k], tail[i][j]);
        q += len;
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            float8 v = acc[i][j];
            float4 h = v.lo + v.hi;
            tail[i][j] += (h.x + h.y) + (h.z + h.w);
        }
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
