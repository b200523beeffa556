/* Crops straight from an 8-bit frame: M square windows (x0, y0, side) of an
 * H x W x CH image (CH 1 or 3), each resampled to S x S into y [M,3,S,S]
 * (float, values 0..255). Window pixels outside the frame take the pad colour.
 * Sampling is bilinear with half-pixel centres, src = (dst + 0.5) * side / S - 0.5,
 * clamped to the window (float mode: position split exactly into index and
 * fraction); side == S is an exact copy.
 *
 * u8 = 1 reproduces OpenCV's cv::resize(INTER_LINEAR) on a uint8 image bit for
 * bit: per axis a source index and an 11-bit fixed-point weight pair computed
 * with OpenCV's float roundings (see crop_tab); x indices clamped with the weight
 * moved to the border pixel, y rows clamped with the weights kept; rows combined
 * horizontally exactly in int, then vertically like OpenCV's SIMD path:
 * ((r0 >> 4) * b0 >> 16) + ((r1 >> 4) * b1 >> 16), rounded by (+2) >> 2. (Its
 * scalar formula, (r0 * b0 + r1 * b1 + 2^21) >> 22, can be one higher; the
 * reference crops in golden/tracking show the SIMD arithmetic on every element,
 * row tails included.) The pad colour is truncated to uint8, as numpy does
 * when it fills the padded canvas. */

/* Sample (px, py) of the frame in output channel c, or the pad colour. */
inline int crop_pixel(__global const uchar *f, int W, int H, int CH, int swap, int px, int py, int c, int padv) {
    if (px < 0 || py < 0 || px >= W || py >= H) return padv;
    int sc = CH == 1 ? 0 : (swap ? 2 - c : c);
    return f[((size_t)py * W + px) * CH + sc];
}

inline float crop_pixelf(__global const uchar *f, int W, int H, int CH, int swap, int px, int py, int c, float padv) {
    if (px < 0 || py < 0 || px >= W || py >= H) return padv;
    int sc = CH == 1 ? 0 : (swap ? 2 - c : c);
    return (float)f[((size_t)py * W + px) * CH + sc];
}

/* ---- OpenCV's float arithmetic, emulated exactly with 64-bit integers ----
 * OpenCV computes each source position in double, stores it as a float, splits
 * off the integer part and rounds the fraction's weights: the float rounding of
 * a position near 100 leaves only ~2^-17 of fraction precision, which decides
 * some weights. Values are dyadic numbers p / 2^k, rounded as IEEE float32
 * (24 significant bits, ties to even) wherever OpenCV rounds. */

/* round-half-even(v / 2^s), v >= 0, s >= 0 */
inline long rhe_shift(long v, int s) {
    if (s <= 0) return v << (-s);
    long q = v >> s, r = v - (q << s), hv = 1L << (s - 1);
    if (r > hv || (r == hv && (q & 1))) q++;
    return q;
}

inline int bitlen(long v) { return 64 - (int)clz(v); }

/* p / 2^k rounded to float: returns p' (|p'| <= 2^24), updates k */
inline long f32_dyadic(long p, int *k) {
    long a = p < 0 ? -p : p;
    if (a == 0) return 0;
    int s = bitlen(a) - 24;
    if (s > 0) {
        a = rhe_shift(a, s);
        *k -= s;
    }
    return p < 0 ? -a : a;
}

/* num / den (den > 0) rounded to float, as p / 2^k */
inline long f32_ratio(long num, long den, int *k) {
    long a = num < 0 ? -num : num;
    if (a == 0) {
        *k = 0;
        return 0;
    }
    int kk = max(0, 26 + bitlen(den) - bitlen(a));
    long q = (a << kk) / den, rem = (a << kk) - q * den;
    int s = bitlen(q) - 24;
    if (s > 0) { /* round to 24 bits, the remainder acting as a sticky bit */
        long low = q & ((1L << s) - 1), hv = 1L << (s - 1);
        q >>= s;
        if (low > hv || (low == hv && (rem != 0 || (q & 1)))) q++;
        kk -= s;
    }
    *k = kk;
    return num < 0 ? -q : q;
}

/* Output d of an n -> S axis: idx = floor(f), f = float((d + 0.5) n / S - 0.5);
 * w1 = cvRound(float(f - idx) * 2048), w0 = cvRound(float(1 - (f - idx)) * 2048). */
inline void crop_tab(int d, int n, int S, int *idx, int *w0, int *w1) {
    int k;
    long p = f32_ratio((long)(2 * d + 1) * n - S, 2L * S, &k);
    long i = p >> k; /* floor, also for negative p */
    int kf = k;
    long pf = f32_dyadic(p - (i << k), &kf); /* the fraction, in [0, 1] */
    int k1 = kf;
    long p1 = f32_dyadic((1L << kf) - pf, &k1);
    *idx = (int)i;
    *w1 = (int)rhe_shift(pf << 11, kf);
    *w0 = (int)rhe_shift(p1 << 11, k1);
}

/* Float mode: src = ((2d + 1) n - S) / 2S split exactly into an index and a
 * fraction (no float rounding of the position, which for large windows would
 * cost ~1e-4 px), clamped to [0, n - 1]. */
inline void crop_pos(int d, int n, int S, int *idx, float *frac) {
    long num = (long)(2 * d + 1) * n - S, den = 2L * S;
    long q = num >= 0 ? num / den : -((-num + den - 1) / den);
    float f = (float)(num - q * den) / (float)den;
    if (q < 0) {
        q = 0;
        f = 0.0f;
    } else if (q >= n - 1) {
        q = n - 1;
        f = 0.0f;
    }
    *idx = (int)q;
    *frac = f;
}

/* One axis entry of the sampling table: t = {index, w0, w1} (u8: 11-bit
 * weights; OpenCV moves x weights to the border pixel but keeps y weights and
 * clamps the rows) or {index, fraction bits, 0} (float). */
inline void crop_axis(int d, int n, int S, int u8, int is_x, __local int *t) {
    if (u8) {
        int i, w0, w1;
        crop_tab(d, n, S, &i, &w0, &w1);
        if (is_x && (i < 0 || i >= n - 1)) {
            i = clamp(i, 0, n - 1);
            w0 = 2048;
            w1 = 0;
        }
        t[0] = i;
        t[1] = w0;
        t[2] = w1;
    } else {
        int i;
        float f;
        crop_pos(d, n, S, &i, &f);
        t[0] = i;
        t[1] = as_int(f);
        t[2] = 0;
    }
}

#ifndef CROP_LX
#define CROP_LX 16 /* largest local size in x the launcher uses */
#endif
#ifndef CROP_LY
#define CROP_LY 4
#endif
/* The launcher builds one program per (u8, CH, swap) so these branch at
 * build time (CROP_U8, CROP_CH, CROP_SWAP); the arguments serve otherwise. */
#ifdef CROP_U8
#define U8_ CROP_U8
#define CH_ CROP_CH
#define SWAP_ CROP_SWAP
#else
#define U8_ u8
#define CH_ CH
#define SWAP_ swap
#endif

/* Global (S, S, M), local at most (CROP_LX, CROP_LY, 1): a work-group's items
 * share one request, so it computes the sampling positions of its columns and
 * rows once, in local memory. */
__kernel void crop(__global const uchar *frame, const ulong foff, const int W, const int H, const int CH,
                   __global const int *reqs, __global float *y, const ulong yoff, const int S, const int swap,
                   const float pad0, const float pad1, const float pad2, const int u8) {
    const int dx = get_global_id(0), dy = get_global_id(1), m = get_global_id(2);
    const int lx = get_local_id(0), ly = get_local_id(1);
    __local int tabx[3 * CROP_LX], taby[3 * CROP_LY];
    __global const uchar *f = frame + foff;
    const int x0 = reqs[3 * m], y0 = reqs[3 * m + 1], side = reqs[3 * m + 2];
    const float padf[3] = {pad0, pad1, pad2};
    const ulong plane = (ulong)S * S;

    if (side != S) { /* the same for the whole work-group */
        if (ly == 0) crop_axis(min(dx, S - 1), side, S, U8_, 1, tabx + 3 * lx);
        if (lx == 0) crop_axis(min(dy, S - 1), side, S, U8_, 0, taby + 3 * ly);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (dx >= S || dy >= S) return;
    __global float *out = y + yoff + (ulong)m * 3 * plane + (ulong)dy * S + dx;

    if (side == S) { /* no resampling */
        for (int c = 0; c < 3; c++) {
            float v;
            if (U8_)
                v = (float)crop_pixel(f, W, H, CH_, SWAP_, x0 + dx, y0 + dy, c, (int)clamp(padf[c], 0.0f, 255.0f));
            else
                v = crop_pixelf(f, W, H, CH_, SWAP_, x0 + dx, y0 + dy, c, padf[c]);
            out[c * plane] = v;
        }
        return;
    }

    const int sx = tabx[3 * lx], sy = taby[3 * ly];
    const int sx1 = min(sx + 1, side - 1), r0 = clamp(sy, 0, side - 1), r1 = clamp(sy + 1, 0, side - 1);
    if (U8_) {
        const int ax0 = tabx[3 * lx + 1], ax = tabx[3 * lx + 2], by0 = taby[3 * ly + 1], by = taby[3 * ly + 2];
        for (int c = 0; c < 3; c++) {
            int padv = (int)clamp(padf[c], 0.0f, 255.0f);
            int h0 = crop_pixel(f, W, H, CH_, SWAP_, x0 + sx, y0 + r0, c, padv) * ax0 +
                     crop_pixel(f, W, H, CH_, SWAP_, x0 + sx1, y0 + r0, c, padv) * ax;
            int h1 = crop_pixel(f, W, H, CH_, SWAP_, x0 + sx, y0 + r1, c, padv) * ax0 +
                     crop_pixel(f, W, H, CH_, SWAP_, x0 + sx1, y0 + r1, c, padv) * ax;
            int v = ((((h0 >> 4) * by0) >> 16) + (((h1 >> 4) * by) >> 16) + 2) >> 2;
            out[c * plane] = (float)clamp(v, 0, 255);
        }
        return;
    }
    const float fx = as_float(tabx[3 * lx + 1]), fy = as_float(taby[3 * ly + 1]);
    for (int c = 0; c < 3; c++) {
        float p00 = crop_pixelf(f, W, H, CH_, SWAP_, x0 + sx, y0 + r0, c, padf[c]);
        float p01 = crop_pixelf(f, W, H, CH_, SWAP_, x0 + sx1, y0 + r0, c, padf[c]);
        float p10 = crop_pixelf(f, W, H, CH_, SWAP_, x0 + sx, y0 + r1, c, padf[c]);
        float p11 = crop_pixelf(f, W, H, CH_, SWAP_, x0 + sx1, y0 + r1, c, padf[c]);
        float top = p00 + (p01 - p00) * fx, bot = p10 + (p11 - p10) * fx;
        out[c * plane] = top + (bot - top) * fy;
    }
}
