/* Direct 2-D convolution, NCHW, any kernel/stride/padding/dilation/groups,
 * with bias, residual and activation fused.
 *
 * Each work-item computes a register block of OCB output channels (of one
 * group) x PXB consecutive output columns of one output row.
 * global: (ceil(OW/PXB), OH, N * G * ceil(OCg/OCB)). */
#ifndef OCB
#define OCB 4
#endif
#ifndef PXB
#define PXB 4
#endif

__kernel void conv2d_direct(__global const float *x, const ulong xoff, __global const float *w, const ulong woff,
                            __global const float *bias, const ulong boff, const int has_bias,
                            __global const float *res, const ulong roff, const int has_res, __global float *y,
                            const ulong yoff, const int N, const int C, const int H, const int W, const int OC, const int OH,
                            const int OW, const int KH, const int KW, const int SH, const int SW, const int PT,
                            const int PL, const int DH, const int DW, const int G, const int act, const float a,
                            const float b) {
    const int ox0 = get_global_id(0) * PXB, oy = get_global_id(1), z = get_global_id(2);
    const int Cg = C / G, OCg = OC / G;
    const int ocblocks = (OCg + OCB - 1) / OCB;
    const int n = z / (G * ocblocks), t = z - n * G * ocblocks;
    const int g = t / ocblocks, oc0 = (t - g * ocblocks) * OCB; /* within the group */
    if (ox0 >= OW || oy >= OH || n >= N) return;
    float acc[OCB][PXB];
    for (int o = 0; o < OCB; o++)
        for (int p = 0; p < PXB; p++) acc[o][p] = 0.0f;
    const int KK = KH * KW;
    __global const float *xb = x + xoff + ((ulong)n * C + (ulong)g * Cg) * H * W;
    __global const float *wb = w + woff + ((ulong)g * OCg + oc0) * Cg * KK;
    const int iy0 = oy * SH - PT;
    for (int ic = 0; ic < Cg; ic++) {
        __global const float *xc = xb + (ulong)ic * H * W;
        for (int ky = 0; ky < KH; ky++) {
            const int iy = iy0 + ky * DH;
            if (iy < 0 || iy >= H) continue;
            __global const float *xr = xc + (ulong)iy * W;
            for (int kx = 0; kx < KW; kx++) {
                float xv[PXB];
                for (int p = 0; p < PXB; p++) {
                    const int ix = (ox0 + p) * SW - PL + kx * DW;
                    xv[p] = (ix >= 0 && ix < W) ? xr[ix] : 0.0f;
                }
                const int widx = (ic * KH + ky) * KW + kx;
                for (int o = 0; o < OCB; o++) {
                    const float wv = (oc0 + o < OCg) ? wb[(ulong)o * Cg * KK + widx] : 0.0f;
                    for (int p = 0; p < PXB; p++) acc[o][p] = fma(wv, xv[p], acc[o][p]);
                }
            }
        }
    }
    for (int o = 0; o < OCB; o++) {
        const int oc = g * OCg + oc0 + o;
        if (oc0 + o >= OCg) break;
        const float bv = has_bias ? bias[boff + oc] : 0.0f;
        const ulong ybase = (((ulong)n * OC + oc) * OH + oy) * OW;
        for (int p = 0; p < PXB; p++) {
            if (ox0 + p >= OW) break;
            float v = acc[o][p] + bv;
            if (has_res) v += res[roff + ybase + ox0 + p];
            y[yoff + ybase + ox0 + p] = scl_act(v, act, a, b);
        }
    }
}
