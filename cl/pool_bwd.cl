/* Max pool backward in two passes: maxpool_argmax records each window's
 * maximum (the first largest cell in row-major window order, padding never
 * wins, as PyTorch picks it, so ties send the gradient to one cell only),
 * then every input cell gathers the output gradients of the windows whose
 * maximum it is. No atomics, deterministic. One row per work-item. */

/* idx[nc][oy][ox] = iy*W + ix of the window's maximum; global: (OH, N*C). */
__kernel void maxpool_argmax(__global const float *x, const ulong xoff, __global int *idx, const int H, const int W,
                             const int OH, const int OW, const int KH, const int KW, const int SH, const int SW,
                             const int PT, const int PL) {
    const int oy = get_global_id(0), nc = get_global_id(1);
    if (oy >= OH) return;
    __global const float *xp = x + xoff + (ulong)nc * H * W;
    __global int *ip = idx + ((ulong)nc * OH + oy) * OW;
    const int y0 = oy * SH - PT;
    for (int ox = 0; ox < OW; ox++) {
        const int x0 = ox * SW - PL;
        int best = -1;
        float m = 0.0f;
        for (int u = 0; u < KH; u++) {
            const int yy = y0 + u;
            if (yy < 0 || yy >= H) continue;
            for (int v = 0; v < KW; v++) {
                const int xx = x0 + v;
                if (xx < 0 || xx >= W) continue;
                const float t = xp[yy * W + xx];
                if (best < 0 || t > m) {
                    m = t;
                    best = yy * W + xx;
                }
            }
        }
        ip[ox] = best;
    }
}

/* dx[nc][iy][ix] += sum of dy over the windows whose maximum is (iy, ix); global: (H, N*C). */
__kernel void maxpool_bwd(__global const int *idx, __global const float *dy, const ulong dyoff, __global float *dx,
                          const ulong dxoff, const int H, const int W, const int OH, const int OW, const int KH,
                          const int KW, const int SH, const int SW, const int PT, const int PL) {
    const int iy = get_global_id(0), nc = get_global_id(1);
    if (iy >= H) return;
    __global const int *ip = idx + (ulong)nc * OH * OW;
    __global const float *dyp = dy + dyoff + (ulong)nc * OH * OW;
    __global float *dxp = dx + dxoff + (ulong)nc * H * W + (ulong)iy * W;
    /* windows covering (iy, ix): oy*SH - PT <= iy <= oy*SH - PT + KH - 1 */
    const int oy0 = max(0, (iy + PT - KH + SH) / SH), oy1 = min(OH - 1, (iy + PT) / SH);
    for (int ix = 0; ix < W; ix++) {
        const int ox0 = max(0, (ix + PL - KW + SW) / SW), ox1 = min(OW - 1, (ix + PL) / SW);
        const int me = iy * W + ix;
        float acc = 0.0f;
        for (int oy = oy0; oy <= oy1; oy++)
            for (int ox = ox0; ox <= ox1; ox++)
                if (ip[oy * OW + ox] == me) acc += dyp[oy * OW + ox];
        dxp[ix] += acc;
    }
}

/* Scatter in phases: the windows of output rows oy = py, py + PH, ... and
 * columns ox = px, px + PW, ... do not overlap when PH*SH >= KH and PW*SW >= KW,
 * so each finds its maximum once and adds dy to it in place (no index
 * buffer, no races); the launcher runs the PH x PW phases one after another
 * (one phase for disjoint windows). global: (rows of the phase, N*C). */
__kernel void maxpool_bwd_phase(__global const float *x, const ulong xoff, __global const float *dy,
                                const ulong dyoff, __global float *dx, const ulong dxoff, const int H, const int W,
                                const int OH, const int OW, const int KH, const int KW, const int SH, const int SW,
                                const int PT, const int PL, const int py, const int px, const int PH, const int PW) {
    const int oy = py + get_global_id(0) * PH, nc = get_global_id(1);
    if (oy >= OH) return;
    __global const float *xp = x + xoff + (ulong)nc * H * W;
    __global float *dxp = dx + dxoff + (ulong)nc * H * W;
    __global const float *dyp = dy + dyoff + ((ulong)nc * OH + oy) * OW;
    const int y0 = oy * SH - PT;
    for (int ox = px; ox < OW; ox += PW) {
        const int x0 = ox * SW - PL;
        int best = -1;
        float m = 0.0f;
        for (int u = 0; u < KH; u++) {
            const int yy = y0 + u;
            if (yy < 0 || yy >= H) continue;
            for (int v = 0; v < KW; v++) {
                const int xx = x0 + v;
                if (xx < 0 || xx >= W) continue;
                const float t = xp[yy * W + xx];
                if (best < 0 || t > m) {
                    m = t;
                    best = yy * W + xx;
                }
            }
        }
        if (best >= 0) dxp[best] += dyp[ox];
    }
}
