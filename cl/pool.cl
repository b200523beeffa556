/* Pooling: max pool (kernel/stride/padding, padded cells never win) and
 * global average pool (one work-group per [n,c] plane, local reduction). */

/* Max pool of the h x w window at the start of each plane (x + xoff + plane *
 * XP, rows XW floats apart: a spatial crop of a larger tensor is read in
 * place). Work-item g pools output rows [g*RPI, g*RPI + RPI) of [N*C, OH]
 * (row-major), each as runs of 8 outputs computed with vector loads where
 * the whole window lies inside the row (no checks), the rest one by one.
 * The geometry can be baked in with PKH/PKW/PSH/PSW (loops unroll). */
#ifdef PKH
#define KH_ PKH
#else
#define KH_ kh
#endif
#ifdef PKW
#define KW_ PKW
#else
#define KW_ kw
#endif
#ifdef PSH
#define SH_ PSH
#else
#define SH_ sh
#endif
#ifdef PSW
#define SW_ PSW
#else
#define SW_ sw
#endif

/* 8 values at columns c, c + SW_, ..., c + 7*SW_ of a row (SW_ 2: one 16-wide load) */
inline float8 pool_load8(__global const float *r, int sw) {
    if (sw == 1) return vload8(0, r);
    if (sw == 2) return vload16(0, r).even;
    float t[8];
    for (int l = 0; l < 8; l++) t[l] = r[l * sw];
    return vload8(0, t);
}

__kernel void maxpool(__global const float *x, const ulong xoff, __global float *y, const ulong yoff,
                      const int H, const int W, const int XW, const ulong XP, const int OH, const int OW,
                      const int kh, const int kw, const int sh, const int sw, const int pt, const int pl,
                      const uint rows, const uint rpi) {
    const uint r0 = get_global_id(0) * rpi, r1 = min(r0 + rpi, rows);
    /* outputs [v0, v1) have their window inside the row (the vector loads included) */
    const int v0 = (pl + SW_ - 1) / SW_;
    const int reach = KW_ - 1 + (SW_ == 2 ? 1 : 0); /* last column read past a lane's start */
    for (uint r = r0; r < r1; r++) {
        const int oh = (int)(r % (uint)OH);
        const uint plane = r / (uint)OH;
        const int h0 = oh * SH_ - pt;
        const int hs = max(h0, 0), he = min(h0 + KH_, H);
        __global const float *p = x + xoff + (ulong)plane * XP;
        __global float *q = y + yoff + (ulong)r * (ulong)OW;
        int ow = 0;
        while (ow < OW) {
            const int c0 = ow * SW_ - pl;
            if (ow >= v0 && ow + 8 <= OW && c0 + 7 * SW_ + reach < W) {
                float8 m = (float8)(-INFINITY);
                for (int hh = hs; hh < he; hh++) {
                    __global const float *row = p + (long)hh * XW + c0;
#pragma unroll
                    for (int kx = 0; kx < KW_; kx++) m = fmax(m, pool_load8(row + kx, SW_));
                }
                vstore8(m, 0, q + ow);
                ow += 8;
            } else {
                const int ws = max(c0, 0), we = min(c0 + KW_, W);
                float m = -INFINITY;
                for (int hh = hs; hh < he; hh++)
                    for (int w = ws; w < we; w++) {
                        const float v = p[(long)hh * XW + w];
                        m = v > m ? v : m;
                    }
                q[ow] = m;
                ow++;
            }
        }
    }
}

/* y[plane] = mean of x's plane (hw values); local size a power of two. */
__kernel void global_avgpool(__global const float *x, const ulong xoff, __global float *y, const ulong yoff,
                             const uint hw, const float inv, __local float *part) {
    uint plane = get_group_id(0);
    uint lid = get_local_id(0), lsz = get_local_size(0);
    __global const float *p = x + xoff + (ulong)plane * hw;
    float s = 0.0f;
    for (uint i = lid; i < hw; i += lsz) s += p[i];
    part[lid] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint step = lsz >> 1; step > 0; step >>= 1) {
        if (lid < step) part[lid] += part[lid + step];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) y[yoff + plane] = part[0] * inv;
}
