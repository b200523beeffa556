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

/* ---- the kernel ----
 * The launcher builds one program per (CROP_U8, CROP_CH, CROP_SWAP, CROP_V,
 * CROP_B), so those branch at build time. A work-item produces CROP_V
 * consecutive output columns (vectors along the row) of CROP_B consecutive
 * rows (a band) of one request, for all 3 channels: it computes its columns'
 * sampling positions once, the work-group computes the band's rows once (local
 * memory), and each window row's horizontal pass is done once per band and
 * reused by the output rows that share it. */
#ifndef CROP_U8
#define CROP_U8 0
#endif
#ifndef CROP_CH
#define CROP_CH 3
#endif
#ifndef CROP_SWAP
#define CROP_SWAP 0
#endif
#ifndef CROP_V
#define CROP_V 8
#endif
#ifndef CROP_B
#define CROP_B 64
#endif
#define CROP_CAT_(a, b) a##b
#define CROP_CAT(a, b) CROP_CAT_(a, b)
#define intV CROP_CAT(int, CROP_V)
#define floatV CROP_CAT(float, CROP_V)
#define vloadV CROP_CAT(vload, CROP_V)
#define vstoreV CROP_CAT(vstore, CROP_V)
#define convert_floatV CROP_CAT(convert_float, CROP_V)
#if CROP_U8
#define hvec intV /* horizontal sums: 11-bit fixed point */
#else
#define hvec floatV
#endif
/* frame channel of output channel c */
#define CROP_SRC(c) (CROP_CH == 1 ? 0 : (CROP_SWAP ? 2 - (c) : (c)))

/* a vector of L(o, v) over the lanes v, built in registers (not through a
 * private array, whose scalar stores a vector load would wait for) */
#if CROP_V == 4
#define CROP_GATHER(L, o) (int4)(L(o, 0), L(o, 1), L(o, 2), L(o, 3))
#elif CROP_V == 8
#define CROP_GATHER(L, o) (int8)(L(o, 0), L(o, 1), L(o, 2), L(o, 3), L(o, 4), L(o, 5), L(o, 6), L(o, 7))
#elif CROP_V == 16
#define CROP_GATHER(L, o)                                                                                         \
    (int16)(L(o, 0), L(o, 1), L(o, 2), L(o, 3), L(o, 4), L(o, 5), L(o, 6), L(o, 7), L(o, 8), L(o, 9), L(o, 10), \
            L(o, 11), L(o, 12), L(o, 13), L(o, 14), L(o, 15))
#else
#error "CROP_V: 4, 8 or 16"
#endif

/* Horizontal pass over window row r (frame row fy): h[c] for the item's columns.
 * o0/o1: byte offsets of the two taps in a frame row, clamped into it; in0/in1:
 * -1 where the tap lies inside the frame (else the pad colour). A tap's channels
 * come from one 4-byte load where 3 more bytes of the frame follow the row
 * (little-endian devices), else from byte loads. */
__attribute__((always_inline)) inline void crop_hrow(__global const uchar *f, int W, int H, int fy, const int *o0,
                                                     const int *o1, intV in0, intV in1, hvec w0, hvec w1, int copy,
                                                     const float *padf, hvec *h) {
    const int rowin = fy >= 0 && fy < H;
    const size_t rowoff = rowin ? (size_t)fy * W * CROP_CH : 0;
    __global const uchar *row = f + rowoff;
    const intV m0 = rowin ? in0 : (intV)0, m1 = rowin ? in1 : (intV)0;
    intV p0[CROP_CH], p1[CROP_CH]; /* the taps, per frame channel */
#ifdef __ENDIAN_LITTLE__
    if (rowoff + (size_t)W * CROP_CH + 3 <= (size_t)W * H * CROP_CH) {
#define CROP_L4(o, v) as_int(vload4(0, row + o[v]))
        const intV a = CROP_GATHER(CROP_L4, o0), b = CROP_GATHER(CROP_L4, o1);
        for (int sc = 0; sc < CROP_CH; sc++) {
            p0[sc] = (a >> (8 * sc)) & 0xff;
            p1[sc] = (b >> (8 * sc)) & 0xff;
        }
    } else
#endif
    {
        for (int sc = 0; sc < CROP_CH; sc++) {
#define CROP_L1(o, v) (int)row[o[v] + sc]
            p0[sc] = CROP_GATHER(CROP_L1, o0);
            p1[sc] = CROP_GATHER(CROP_L1, o1);
        }
    }
#pragma unroll
    for (int c = 0; c < 3; c++) {
        const int sc = CROP_SRC(c);
#if CROP_U8
        const intV pv = (intV)((int)clamp(padf[c], 0.0f, 255.0f));
        const intV a = select(pv, p0[sc], m0);
        if (copy) {
            h[c] = a;
            continue;
        }
        const intV b = select(pv, p1[sc], m1);
        h[c] = a * w0 + b * w1;
#else
        const floatV pv = (floatV)padf[c];
        const floatV a = select(pv, convert_floatV(p0[sc]), m0);
        if (copy) {
            h[c] = a;
            continue;
        }
        const floatV b = select(pv, convert_floatV(p1[sc]), m1);
        h[c] = a + (b - a) * w0;
#endif
    }
}

/* Global (LX * ceil(ceil(S / CROP_V) / LX), ceil(S / CROP_B), M), local (LX, 1, 1). */
__kernel void crop(__global const uchar *frame, const ulong foff, const int W, const int H, const int CH,
                   __global const int *reqs, __global float *y, const ulong yoff, const int S, const int swap,
                   const float pad0, const float pad1, const float pad2, const int u8) {
    const int gx = get_global_id(0), band = get_global_id(1), m = get_global_id(2);
    const int lx = get_local_id(0), LX = get_local_size(0);
    __local int ytab[4 * CROP_B]; /* per band row: window rows r0, r1, weights (u8) or fraction bits */
    __global const uchar *f = frame + foff;
    const int x0 = reqs[3 * m], y0 = reqs[3 * m + 1], side = reqs[3 * m + 2];
    const float padf[3] = {pad0, pad1, pad2};
    const int copy = side == S; /* no resampling */
    const int dy0 = band * CROP_B, nrows = min(CROP_B, S - dy0);
    (void)CH;
    (void)swap;
    (void)u8;

    for (int j = lx; j < nrows; j += LX) {
        const int dy = dy0 + j;
        int i = dy, r1 = dy, a = 2048, b = 0;
        if (!copy) {
#if CROP_U8
            crop_tab(dy, side, S, &i, &a, &b);
            r1 = clamp(i + 1, 0, side - 1);
            i = clamp(i, 0, side - 1);
#else
            float fr;
            crop_pos(dy, side, S, &i, &fr);
            r1 = min(i + 1, side - 1);
            a = as_int(fr);
#endif
        }
        ytab[4 * j] = i;
        ytab[4 * j + 1] = r1;
        ytab[4 * j + 2] = a;
        ytab[4 * j + 3] = b;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const int dx0 = gx * CROP_V;
    if (dx0 >= S) return;

    /* the item's columns: tap offsets, inside-frame masks, weights */
    int o0[CROP_V], o1[CROP_V], i0[CROP_V], i1[CROP_V];
#if CROP_U8
    int wa[CROP_V], wb[CROP_V];
#else
    float wa[CROP_V];
#endif
    for (int v = 0; v < CROP_V; v++) {
        const int dx = min(dx0 + v, S - 1);
        int i = dx, k = dx;
#if CROP_U8
        int a = 2048, b = 0;
        if (!copy) {
            crop_tab(dx, side, S, &i, &a, &b);
            if (i < 0 || i >= side - 1) { /* OpenCV: the border pixel takes the whole weight */
                i = clamp(i, 0, side - 1);
                a = 2048;
                b = 0;
            }
            k = min(i + 1, side - 1);
        }
        wa[v] = a;
        wb[v] = b;
#else
        float fr = 0.0f;
        if (!copy) {
            crop_pos(dx, side, S, &i, &fr);
            k = min(i + 1, side - 1);
        }
        wa[v] = fr;
#endif
        const int xa = x0 + i, xb = x0 + k;
        i0[v] = xa >= 0 && xa < W ? -1 : 0;
        i1[v] = xb >= 0 && xb < W ? -1 : 0;
        o0[v] = clamp(xa, 0, W - 1) * CROP_CH;
        o1[v] = clamp(xb, 0, W - 1) * CROP_CH;
    }
    const intV in0 = vloadV(0, i0), in1 = vloadV(0, i1);
#if CROP_U8
    const intV w0 = vloadV(0, wa), w1 = vloadV(0, wb);
#else
    const floatV w0 = vloadV(0, wa), w1 = (floatV)0.0f;
#endif

    const ulong plane = (ulong)S * S;
    __global float *out = y + yoff + (ulong)m * 3 * plane + dx0;
    const int full = dx0 + CROP_V <= S;
    int ra = -1, rb = -1; /* window rows held in hA, hB */
    hvec hA[3], hB[3];
    for (int j = 0; j < nrows; j++) {
        const int dy = dy0 + j, r0 = ytab[4 * j], r1 = ytab[4 * j + 1];
        if (r0 != ra) {
            if (r0 == rb) {
                for (int c = 0; c < 3; c++) hA[c] = hB[c];
            } else {
                crop_hrow(f, W, H, y0 + r0, o0, o1, in0, in1, w0, w1, copy, padf, hA);
            }
            ra = r0;
        }
        if (!copy && r1 != rb) {
            if (r1 == ra) {
                for (int c = 0; c < 3; c++) hB[c] = hA[c];
            } else {
                crop_hrow(f, W, H, y0 + r1, o0, o1, in0, in1, w0, w1, copy, padf, hB);
            }
            rb = r1;
        }
#pragma unroll
        for (int c = 0; c < 3; c++) {
            floatV v;
            if (copy) {
#if CROP_U8
                v = convert_floatV(hA[c]);
#else
                v = hA[c];
#endif
            } else {
#if CROP_U8
                const int b0 = ytab[4 * j + 2], b1 = ytab[4 * j + 3];
                const intV s = ((((hA[c] >> 4) * b0) >> 16) + (((hB[c] >> 4) * b1) >> 16) + 2) >> 2;
                v = convert_floatV(clamp(s, 0, 255));
#else
                const float fy = as_float(ytab[4 * j + 2]);
                v = hA[c] + (hB[c] - hA[c]) * fy;
#endif
            }
            __global float *o = out + c * plane + (ulong)dy * S;
            if (full) {
                vstoreV(v, 0, o);
            } else {
                float tmp[CROP_V];
                vstoreV(v, 0, tmp);
                for (int k = 0; k < S - dx0; k++) o[k] = tmp[k];
            }
        }
    }
}
