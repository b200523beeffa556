/* Pooling: max pool (kernel/stride/padding, padded cells never win) and
 * global average pool (one work-group per [n,c] plane, local reduction). */

/* One work-item per output element of [N*C, OH, OW] (row-major). */
__kernel void maxpool(__global const float *x, const ulong xoff, __global float *y, const ulong yoff,
                      const int H, const int W, const int OH, const int OW, const int kh, const int kw,
                      const int sh, const int sw, const int pt, const int pl, const uint total) {
    uint i = get_global_id(0);
    if (i >= total) return;
    int ow = (int)(i % (uint)OW);
    uint t = i / (uint)OW;
    int oh = (int)(t % (uint)OH);
    uint plane = t / (uint)OH;
    int h0 = oh * sh - pt, w0 = ow * sw - pl;
    int hs = max(h0, 0), he = min(h0 + kh, H);
    int ws = max(w0, 0), we = min(w0 + kw, W);
    __global const float *p = x + xoff + (ulong)plane * (ulong)H * (ulong)W;
    float m = -INFINITY;
    for (int h = hs; h < he; h++)
        for (int w = ws; w < we; w++) {
            float v = p[h * W + w];
            m = v > m ? v : m;
        }
    y[yoff + i] = m;
}

/* The same with one work-item per output row [N*C, OH] (used when rows are
 * 8 or more wide): index arithmetic once per row, window rows reused along it. */
__kernel void maxpool_rows(__global const float *x, const ulong xoff, __global float *y, const ulong yoff,
                           const int H, const int W, const int OH, const int OW, const int kh, const int kw,
                           const int sh, const int sw, const int pt, const int pl, const uint rows) {
    uint r = get_global_id(0);
    if (r >= rows) return;
    int oh = (int)(r % (uint)OH);
    uint plane = r / (uint)OH;
    int h0 = oh * sh - pt;
    int hs = max(h0, 0), he = min(h0 + kh, H);
    __global const float *p = x + xoff + (ulong)plane * (ulong)H * (ulong)W;
    __global float *q = y + yoff + (ulong)r * (ulong)OW;
    for (int ow = 0; ow < OW; ow++) {
        int w0 = ow * sw - pl;
        int ws = max(w0, 0), we = min(w0 + kw, W);
        float m = -INFINITY;
        for (int h = hs; h < he; h++)
            for (int w = ws; w < we; w++) {
                float v = p[h * W + w];
                m = v > m ? v : m;
            }
        q[ow] = m;
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
