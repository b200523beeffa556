/* Winograd F(2x2,3x3) convolution (stride 1, dilation 1, groups 1), in three
 * passes over a workspace laid out by lib/ops/conv_winograd.c:
 *   U [16][C_in][Cp]  transformed weights  G g G^T  (Cp = C_out rounded up to 8)
 *   V [16][C_in][Tp]  transformed input tiles B^T d B (Tp = tiles rounded up to 16)
 *   M [16][Cp][Tp]    per-position products  sum_ci U * V
 * and the output transform A^T M A fused with bias, residual and activation. */

/* U = G g G^T, G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]. One work-item per (ci, co). */
__kernel void wino_wtrans(__global const float *w, const ulong woff, __global float *U, const ulong uoff, const int C,
                          const int K, const int Kp) {
    U += uoff;
    int ci = get_global_id(0), co = get_global_id(1);
    if (ci >= C || co >= Kp) return;
    float u[16];
    if (co >= K) {
        for (int i = 0; i < 16; i++) u[i] = 0.0f;
    } else {
        __global const float *g = w + woff + ((ulong)co * C + ci) * 9;
        float t[12]; /* G g: 4 x 3 */
        for (int j = 0; j < 3; j++) {
            float g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
            t[j] = g0;
            t[3 + j] = 0.5f * (g0 + g1 + g2);
            t[6 + j] = 0.5f * (g0 - g1 + g2);
            t[9 + j] = g2;
        }
        for (int i = 0; i < 4; i++) { /* (G g) G^T: 4 x 4 */
            float a0 = t[3 * i], a1 = t[3 * i + 1], a2 = t[3 * i + 2];
            u[4 * i] = a0;
            u[4 * i + 1] = 0.5f * (a0 + a1 + a2);
            u[4 * i + 2] = 0.5f * (a0 - a1 + a2);
            u[4 * i + 3] = a2;
        }
    }
    for (int pos = 0; pos < 16; pos++) U[((ulong)pos * C + ci) * Kp + co] = u[pos];
}

/* V = B^T d B, B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]. One work-item per
 * (row of tiles r = n*TH + ty, ci), walking the row's TW tiles so that each of
 * the 16 output streams is written sequentially; tile t = r*TW + tx reads the
 * 4x4 patch at (2ty - pad_t, 2tx - pad_l), zero outside the input. The last
 * row also zeroes the padding tiles T..Tp-1. */
__kernel void wino_itrans(__global const float *x, const ulong xoff, __global float *V, const ulong voff, const int C,
                          const int H, const int W, const int TH, const int TW, const int T, const int Tp,
                          const int pad_t, const int pad_l) {
    V += voff;
    int r = get_global_id(0), ci = get_global_id(1);
    int NR = T / TW;
    if (r >= NR || ci >= C) return;
    int ty = r % TH, n = r / TH;
    int y0 = 2 * ty - pad_t;
    __global const float *src = x + xoff + ((ulong)n * C + ci) * H * W;
    __global float *dst = V + (ulong)ci * Tp + (ulong)r * TW;
    const ulong ps = (ulong)C * Tp; /* stride between positions */
    for (int tx = 0; tx < TW; tx++) {
        int x0 = 2 * tx - pad_l;
        float d[16];
        for (int i = 0; i < 4; i++) {
            int yy = y0 + i;
            for (int j = 0; j < 4; j++) {
                int xx = x0 + j;
                d[4 * i + j] = (yy >= 0 && yy < H && xx >= 0 && xx < W) ? src[yy * W + xx] : 0.0f;
            }
        }
        float e[16];
        for (int j = 0; j < 4; j++) { /* B^T d: columns */
            float d0 = d[j], d1 = d[4 + j], d2 = d[8 + j], d3 = d[12 + j];
            e[j] = d0 - d2;
            e[4 + j] = d1 + d2;
            e[8 + j] = d2 - d1;
            e[12 + j] = d1 - d3;
        }
        for (int i = 0; i < 4; i++) { /* (B^T d) B: rows */
            float d0 = e[4 * i], d1 = e[4 * i + 1], d2 = e[4 * i + 2], d3 = e[4 * i + 3];
            dst[(4 * i) * ps + tx] = d0 - d2;
            dst[(4 * i + 1) * ps + tx] = d1 + d2;
            dst[(4 * i + 2) * ps + tx] = d2 - d1;
            dst[(4 * i + 3) * ps + tx] = d1 - d3;
        }
    }
    if (r == NR - 1)
        for (int pos = 0; pos < 16; pos++)
            for (int t = T; t < Tp; t++) V[(ulong)pos * ps + (ulong)ci * Tp + t] = 0.0f;
}

/* M[pos][co][t] = sum_ci U[pos][ci][co] * V[pos][ci][t]; each work-item a block
 * of 8 output channels x 16 tiles (8 float16 accumulators). Channel blocks run
 * fastest so consecutive work-items reuse the same V columns from cache. */
__kernel void wino_gemm(__global const float *U, const ulong uoff, __global const float *V, const ulong voff,
                        __global float *M, const ulong moff, const int C, const int Kp, const int Tp) {
    U += uoff;
    V += voff;
    M += moff;
    int cb = get_global_id(0), tb = get_global_id(1), pos = get_global_id(2);
    if (tb * 16 >= Tp || cb * 8 >= Kp) return;
    __global const float *u = U + (ulong)pos * C * Kp + cb * 8;
    __global const float *v = V + (ulong)pos * C * Tp + tb * 16;
    float16 a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
    for (int ci = 0; ci < C; ci++) {
        float16 b = vload16(0, v + (ulong)ci * Tp);
        float8 w8 = vload8(0, u + (ulong)ci * Kp);
        a0 = fma((float16)w8.s0, b, a0);
        a1 = fma((float16)w8.s1, b, a1);
        a2 = fma((float16)w8.s2, b, a2);
        a3 = fma((float16)w8.s3, b, a3);
        a4 = fma((float16)w8.s4, b, a4);
        a5 = fma((float16)w8.s5, b, a5);
        a6 = fma((float16)w8.s6, b, a6);
        a7 = fma((float16)w8.s7, b, a7);
    }
    __global float *m = M + ((ulong)pos * Kp + cb * 8) * Tp + tb * 16;
    vstore16(a0, 0, m);
    vstore16(a1, 0, m + Tp);
    vstore16(a2, 0, m + 2 * (ulong)Tp);
    vstore16(a3, 0, m + 3 * (ulong)Tp);
    vstore16(a4, 0, m + 4 * (ulong)Tp);
    vstore16(a5, 0, m + 5 * (ulong)Tp);
    vstore16(a6, 0, m + 6 * (ulong)Tp);
    vstore16(a7, 0, m + 7 * (ulong)Tp);
}

/* Y = A^T m A, A^T = [1 1 1 0; 0 1 -1 -1], + bias + residual, activation; one
 * work-item per (row of tiles r = n*TH + ty, co), walking the row's tiles and
 * writing their in-range outputs (two output rows). */
__kernel void wino_otrans(__global const float *M, const ulong moff, __global float *y, const ulong yoff,
                          __global const float *bias, const ulong boff, const int has_bias, __global const float *res,
                          const ulong roff, const int has_res, const int K, const int Kp, const int OH, const int OW,
                          const int TH, const int TW, const int T, const int Tp, const int act, const float aa,
                          const float ab) {
    M += moff;
    int r = get_global_id(0), co = get_global_id(1);
    if (r >= T / TW || co >= K) return;
    int ty = r % TH, n = r / TH;
    const ulong ps = (ulong)Kp * Tp;
    __global const float *src = M + (ulong)co * Tp + (ulong)r * TW;
    float b = has_bias ? bias[boff + co] : 0.0f;
    ulong base = ((ulong)n * K + co) * OH * OW;
    for (int tx = 0; tx < TW; tx++) {
        float m[16];
        for (int pos = 0; pos < 16; pos++) m[pos] = src[pos * ps + tx];
        float q[8]; /* A^T m: 2 x 4 */
        for (int j = 0; j < 4; j++) {
            q[j] = m[j] + m[4 + j] + m[8 + j];
            q[4 + j] = m[4 + j] - m[8 + j] - m[12 + j];
        }
        float o[4];
        for (int i = 0; i < 2; i++) {
            o[2 * i] = q[4 * i] + q[4 * i + 1] + q[4 * i + 2];
            o[2 * i + 1] = q[4 * i + 1] - q[4 * i + 2] - q[4 * i + 3];
        }
        for (int i = 0; i < 2; i++) {
            int oy = 2 * ty + i;
            if (oy >= OH) break;
            for (int j = 0; j < 2; j++) {
                int ox = 2 * tx + j;
                if (ox >= OW) break;
                ulong idx = base + (ulong)oy * OW + ox;
                float v = o[2 * i + j] + b;
                if (has_res) v += res[roff + idx];
                y[yoff + idx] = scl_act(v, act, aa, ab);
            }
        }
    }
}
