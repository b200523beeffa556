/* SiamFC cross-correlation backward, for
 * y[n,0,i,j] = scale * sum_{c,u,v} z[zn,c,u,v] x[n,c,i+u,j+v] (+ bias),
 * zn = n for one template per item or 0 for one shared template (ZN = 1).
 * Both gradients accumulate; one work-item per gradient cell. */

/* dz[zn,c,u,v] += scale * sum over the items n of zn, i, j of dy[n,i,j] x[n,c,i+u,j+v];
 * global: (KW, KH, ZN*C). */
__kernel void xcorr_bwd_z(__global const float *x, const ulong xoff, __global const float *dy, const ulong dyoff,
                          __global float *dz, const ulong dzoff, const int N, const int ZN, const int C, const int KH,
                          const int KW, const int H, const int W, const int OH, const int OW, const float scale) {
    const int v = get_global_id(0), u = get_global_id(1), zc = get_global_id(2);
    if (v >= KW || u >= KH) return;
    const int zn = zc / C, c = zc - zn * C;
    float acc = 0.0f;
    for (int n = (ZN == 1 ? 0 : zn); n < (ZN == 1 ? N : zn + 1); n++) {
        __global const float *xp = x + xoff + ((ulong)n * C + c) * H * W;
        __global const float *dyp = dy + dyoff + (ulong)n * OH * OW;
        for (int i = 0; i < OH; i++)
            for (int j = 0; j < OW; j++) acc = fma(dyp[i * OW + j], xp[(i + u) * W + j + v], acc);
    }
    dz[dzoff + ((ulong)zc * KH + u) * KW + v] += scale * acc;
}

/* dx[n,c,p,q] += scale * sum over (i, j) with (p-i, q-j) inside the template of
 * dy[n,i,j] z[zn,c,p-i,q-j]; global: (W, H, N*C). */
__kernel void xcorr_bwd_x(__global const float *z, const ulong zoff, __global const float *dy, const ulong dyoff,
                          __global float *dx, const ulong dxoff, const int ZN, const int C, const int KH,
                          const int KW, const int H, const int W, const int OH, const int OW, const float scale) {
    const int q = get_global_id(0), p = get_global_id(1), nc = get_global_id(2);
    if (q >= W || p >= H) return;
    const int n = nc / C, c = nc - n * C;
    __global const float *zp = z + zoff + ((ulong)(ZN == 1 ? 0 : n) * C + c) * KH * KW;
    __global const float *dyp = dy + dyoff + (ulong)n * OH * OW;
    const int i0 = max(0, p - KH + 1), i1 = min(OH - 1, p), j0 = max(0, q - KW + 1), j1 = min(OW - 1, q);
    float acc = 0.0f;
    for (int i = i0; i <= i1; i++)
        for (int j = j0; j <= j1; j++) acc = fma(dyp[i * OW + j], zp[(p - i) * KW + q - j], acc);
    dx[dxoff + (ulong)nc * H * W + (ulong)p * W + q] += scale * acc;
}
