/* Siamese cross-correlation.
 *
 * xcorr (SiamFC head): y[n,0,i,j] = scale * sum_{c,u,v} z[zn,c,u,v] x[n,c,i+u,j+v] + bias.
 * A work-group owns one output row segment (n, i, j0..j0+LX-1) and splits the
 * channels over its second dimension (TC groups, c = g, g+TC, ...): neighbouring
 * work-items read neighbouring x (coalesced), the template value is the same
 * for the whole row (a broadcast), and the TC partial sums are added in local
 * memory. TC is a power of two chosen by the launcher. */
__kernel void xcorr(__global const float *z, const ulong zoff, const uint zstep, __global const float *x,
                    const ulong xoff, __global float *y, const ulong yoff, const int C, const int KH, const int KW,
                    const int H, const int W, const int OH, const int OW, const float scale, const float bias,
                    __local float *part) {
    const int j = get_global_id(0);
    const int lj = get_local_id(0), lx = get_local_size(0);
    const int g = get_local_id(1), tc = get_local_size(1);
    const int row = get_group_id(1); /* n * OH + i */
    const int n = row / OH, i = row - n * OH;
    float s = 0.0f;
    if (j < OW) {
        __global const float *zp = z + zoff + (ulong)n * zstep;
        __global const float *xp = x + xoff + (ulong)n * (ulong)C * (ulong)H * (ulong)W + (ulong)(i * W + j);
        const int kk = KH * KW;
        const ulong hw = (ulong)H * (ulong)W;
        for (int c = g; c < C; c += tc) {
            __global const float *zc = zp + c * kk;
            __global const float *xc = xp + (ulong)c * hw;
            for (int u = 0; u < KH; u++) {
                __global const float *zr = zc + u * KW;
                __global const float *xr = xc + u * W;
                for (int v = 0; v < KW; v++) s = fma(zr[v], xr[v], s);
            }
        }
    }
    part[g * lx + lj] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int step = tc >> 1; step > 0; step >>= 1) {
        if (g < step) part[g * lx + lj] += part[(g + step) * lx + lj];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (g == 0 && j < OW) y[yoff + (ulong)row * OW + j] = scale * part[lj] + bias;
}

/* Depthwise: y[n,c,i,j] = sum_{u,v} z[zn,c,u,v] x[n,c,i+u,j+v]; one work-item
 * per output, global (OW, OH, N*C). */
__kernel void xcorr_dw(__global const float *z, const ulong zoff, const uint zstep, __global const float *x,
                       const ulong xoff, __global float *y, const ulong yoff, const int C, const int KH,
                       const int KW, const int H, const int W, const int OH, const int OW) {
    const int j = get_global_id(0), i = get_global_id(1), nc = get_global_id(2);
    if (j >= OW || i >= OH) return;
    const int n = nc / C, c = nc - n * C;
    __global const float *zp = z + zoff + (ulong)n * zstep + (ulong)c * (ulong)(KH * KW);
    __global const float *xp = x + xoff + (ulong)nc * (ulong)H * (ulong)W + (ulong)(i * W + j);
    float s = 0.0f;
    for (int u = 0; u < KH; u++)
        for (int v = 0; v < KW; v++) s = fma(zp[u * KW + v], xp[u * W + v], s);
    y[yoff + ((ulong)nc * OH + i) * OW + j] = s;
}
