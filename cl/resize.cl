/* Bicubic resize like OpenCV INTER_CUBIC: A = -0.75, half-pixel centres
 * (src = (dst + 0.5) * in / out - 0.5), taps floor(src) - 1 .. + 2 with the
 * border replicated, horizontal pass then vertical. One work-item per output
 * value, global (OW, OH, N*C). */

/* Position of output d on an in -> out axis, split exactly into index and fraction. */
inline void resize_pos(int d, int in, int out, int *idx, float *frac) {
    long num = (long)(2 * d + 1) * in - out, den = 2L * out;
    long q = num >= 0 ? num / den : -((-num + den - 1) / den);
    *idx = (int)q;
    *frac = (float)(num - q * den) / (float)den;
}

inline void cubic_coeffs(float t, float *k) {
    const float A = -0.75f;
    k[0] = ((A * (t + 1.0f) - 5.0f * A) * (t + 1.0f) + 8.0f * A) * (t + 1.0f) - 4.0f * A;
    k[1] = ((A + 2.0f) * t - (A + 3.0f)) * t * t + 1.0f;
    k[2] = ((A + 2.0f) * (1.0f - t) - (A + 3.0f)) * (1.0f - t) * (1.0f - t) + 1.0f;
    k[3] = 1.0f - k[0] - k[1] - k[2];
}

__kernel void resize_bicubic(__global const float *x, const ulong xoff, __global float *y, const ulong yoff,
                             const int H, const int W, const int OH, const int OW) {
    const int ox = get_global_id(0), oy = get_global_id(1), plane = get_global_id(2);
    if (ox >= OW || oy >= OH) return;
    int sx, sy;
    float fx, fy, kx[4], ky[4];
    resize_pos(ox, W, OW, &sx, &fx);
    resize_pos(oy, H, OH, &sy, &fy);
    cubic_coeffs(fx, kx);
    cubic_coeffs(fy, ky);
    int cols[4];
    for (int j = 0; j < 4; j++) cols[j] = clamp(sx - 1 + j, 0, W - 1);
    __global const float *p = x + xoff + (ulong)plane * (ulong)H * (ulong)W;
    float s = 0.0f;
    for (int i = 0; i < 4; i++) {
        __global const float *row = p + (ulong)clamp(sy - 1 + i, 0, H - 1) * (ulong)W;
        float r = kx[0] * row[cols[0]] + kx[1] * row[cols[1]] + kx[2] * row[cols[2]] + kx[3] * row[cols[3]];
        s += ky[i] * r;
    }
    y[yoff + ((ulong)plane * OH + oy) * OW + ox] = s;
}
