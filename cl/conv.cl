/* Direct 2-D convolution, NCHW, any kernel/stride/padding/dilation/groups,
 * with bias, residual and activation fused.
 *
 * Explicitly vectorised along the output row (CPU devices do not vectorise
 * across work-items reliably, so one work-item owns whole vectors): each
 * work-item computes a register block of OCB output channels (of one group)
 * x RB output rows x XB vectors of VW consecutive output columns.
 *   global, ocf = 0: (ceil(OW / (VW*XB)), ceil(OH / RB), N * G * ceil(OCg / OCB))
 *   global, ocf = 1: (ceil(OCg / OCB), ceil(OW / (VW*XB)), N * G * ceil(OH / RB))
 * (ocf: channel blocks fastest, so consecutive work-groups reuse one input tile.)
 * A 1x1 stride-1 unpadded convolution is run by the host as a 1 x (H*W)
 * image, so the same kernel is a small GEMM over the flattened pixels.
 *
 * Three loops: the interior one (no checks at all), a masked one for blocks
 * that touch the padding (whole-vector loads that stay inside the tensor,
 * lanes outside the row zeroed) and a general one (any stride, a partial
 * channel block, loads that would leave the tensor).
 *
 * Specialisation (#define preamble): VW (4, 8 or 16), OCB, RB, XB, and
 * optionally FKH/FKW/FSH/FSW/FDH/FDW/FCG to bake the geometry and the input
 * channels per group in (loops unroll, weight offsets become immediates);
 * without them they come from the arguments.
 *
 * DUAL (groups 1): the sum of two convolutions of one geometry into one
 * output, y = act(conv(x, w) + bias + conv(x2, w2) + bias2 + res), the second
 * input's channels C2 (FCG2 when baked in) accumulated after the first into
 * the same registers; extra arguments after `ocf`. A residual unit's 1x1
 * expansion and its 1x1 downsampling shortcut run this way as one launch
 * over K = C + C2, without writing and re-reading the first one's output.
 *
 * The residual is read in the epilogue only, at row stride `rrow` and channel
 * plane stride `rplane` (batch stride OC * rplane) from `roff`: the host
 * passes the output's own layout, or a window of a larger tensor (a centre
 * crop of a residual unit's input, so that the crop after the Add is never
 * run as its own pass). A flattened 1x1 conv with a windowed residual passes
 * the window's width as `rcols` (0 otherwise): pixel q of the flat row is
 * window row q / rcols, and a vector that crosses a row end is two loads. */
#ifndef VW
#define VW 16
#endif
#ifndef OCB
#define OCB 8
#endif
#ifndef RB
#define RB 2
#endif
#ifndef XB
#define XB 1
#endif

#if VW == 16
typedef float16 vf;
typedef int16 vi;
#define VLOAD vload16
#define VSTORE vstore16
#define LANES ((vi)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))
#elif VW == 8
typedef float8 vf;
typedef int8 vi;
#define VLOAD vload8
#define VSTORE vstore8
#define LANES ((vi)(0, 1, 2, 3, 4, 5, 6, 7))
#elif VW == 4
typedef float4 vf;
typedef int4 vi;
#define VLOAD vload4
#define VSTORE vstore4
#define LANES ((vi)(0, 1, 2, 3))
#else
#error "VW must be 4, 8 or 16"
#endif

#ifdef FKH
#define KH_ FKH
#else
#define KH_ KH
#endif
#ifdef FKW
#define KW_ FKW
#else
#define KW_ KW
#endif
#ifdef FSH
#define SH_ FSH
#else
#define SH_ SH
#endif
#ifdef FSW
#define SW_ FSW
#else
#define SW_ SW
#endif
#ifdef FDH
#define DH_ FDH
#else
#define DH_ DH
#endif
#ifdef FDW
#define DW_ FDW
#else
#define DW_ DW
#endif
#ifdef FCG
#define CG_ FCG
#else
#define CG_ Cg
#endif
#ifdef FCG2
#define CG2_ FCG2
#else
#define CG2_ C2
#endif

/* VW input values of one row at columns ix0 + l*sw (l = 0..VW-1), zero where
 * the column falls outside [0, W). `idx` is the element index of column ix0
 * relative to `base`, which holds `total` readable elements: whole-vector
 * loads are used whenever they stay inside, lanes outside the row masked. */
__attribute__((noinline)) vf load_row(__global const float *base, long idx, int ix0, int W, long total, int sw) {
    if (sw == 1) {
        if (ix0 >= 0 && ix0 + VW <= W) return VLOAD(0, base + idx);
        vi ix = (vi)(ix0) + LANES;
        vi ok = (ix >= (vi)(0)) & (ix < (vi)(W));
        vf v;
        if (idx >= 0 && idx + VW <= total) {
            v = VLOAD(0, base + idx);
        } else {
            float t[VW];
            for (int l = 0; l < VW; l++) t[l] = (ix0 + l >= 0 && ix0 + l < W) ? base[idx + l] : 0.0f;
            v = VLOAD(0, t);
        }
        return select((vf)(0.0f), v, ok);
    }
    if (sw == 2) {
        vi ix = (vi)(ix0) + LANES * 2;
        if (ix0 >= 0 && ix0 + 2 * VW <= W) {
            vf a = VLOAD(0, base + idx), b = VLOAD(0, base + idx + VW);
            return (vf)(a.even, b.even);
        }
        vi ok = (ix >= (vi)(0)) & (ix < (vi)(W));
        vf v;
        if (idx >= 0 && idx + 2 * VW <= total) {
            vf a = VLOAD(0, base + idx), b = VLOAD(0, base + idx + VW);
            v = (vf)(a.even, b.even);
        } else {
            float t[VW];
            for (int l = 0; l < VW; l++) t[l] = (ix0 + 2 * l >= 0 && ix0 + 2 * l < W) ? base[idx + 2 * l] : 0.0f;
            v = VLOAD(0, t);
        }
        return select((vf)(0.0f), v, ok);
    }
    float t[VW];
    for (int l = 0; l < VW; l++) {
        const int ix = ix0 + l * sw;
        t[l] = (ix >= 0 && ix < W) ? base[idx + (long)l * sw] : 0.0f;
    }
    return VLOAD(0, t);
}

inline vf act_v(vf x, int act, float a, float b) {
    switch (act) {
    case ACT_RELU: return fmax(x, (vf)(0.0f));
    case ACT_CLIP: return fmin(fmax(x, (vf)(a)), (vf)(b));
    case ACT_HARDSWISH: return x * fmin(fmax(x * (1.0f / 6.0f) + 0.5f, (vf)(0.0f)), (vf)(1.0f));
    case ACT_HARDSIGMOID: return fmin(fmax(a * x + b, (vf)(0.0f)), (vf)(1.0f));
    case ACT_SIGMOID: return 1.0f / (1.0f + exp(-x));
    case ACT_EXP: return exp(x);
    default: return x;
    }
}

/* One input vector for lane columns base[0], base[SW_], ... (SW_ 1 or 2). */
#define LOADX(ptr) (SW_ == 1 ? VLOAD(0, (ptr)) : (vf)(VLOAD(0, (ptr)).even, VLOAD(0, (ptr) + VW).even))

/* The accumulation loop over CGV input channels (weights of output channel o
 * are o * CGV * KK further). MASKED: lanes whose column lies outside the row
 * are zeroed (their loads still stay inside the tensor, checked by the caller). */
#define CONV_BODY(MASKED, CGV)                                                                      \
    for (int ic = 0; ic < (CGV); ic++) {                                                            \
        __global const float *xc = xt + xg + (long)ic * H * W;                                     \
        __global const float *wc = wb + ic * KK;                                                    \
        for (int ky = 0; ky < KH_; ky++) {                                                          \
            __global const float *xr[RB];                                                           \
            bool rok[RB];                                                                           \
            _Pragma("unroll") for (int r = 0; r < RB; r++) {                                        \
                const int iy = (oy0 + r) * SH_ - PT + ky * DH_;                                     \
                rok[r] = !(MASKED) || (iy >= 0 && iy < H && oy0 + r < OH);                          \
                xr[r] = xc + (long)iy * W + ixb;                                                    \
            }                                                                                       \
            __global const float *wk = wc + ky * KW_;                                               \
            _Pragma("unroll") for (int kx = 0; kx < KW_; kx++) {                                    \
                _Pragma("unroll") for (int r = 0; r < RB; r++) {                                    \
                    if (!rok[r]) continue;                                                          \
                    _Pragma("unroll") for (int j = 0; j < XB; j++) {                                \
                        vf v = LOADX(xr[r] + j * VW * SW_ + kx * DW_);                             \
                        if (MASKED) {                                                               \
                            const vi ix = (vi)(ixb + j * VW * SW_ + kx * DW_) + LANES * SW_;       \
                            v = select((vf)(0.0f), v, (ix >= (vi)(0)) & (ix < (vi)(W)));            \
                        }                                                                           \
                        _Pragma("unroll") for (int o = 0; o < OCB; o++) acc[o][r][j] =              \
                            fma((vf)(wk[o * (CGV) * KK + kx]), v, acc[o][r][j]);                   \
                    }                                                                               \
                }                                                                                   \
            }                                                                                       \
        }                                                                                           \
    }

/* The general loop (any stride, a partial channel block, loads that would
 * leave the tensor) over CGV input channels. */
#define GENERAL_BODY(CGV)                                                                           \
    for (int ic = 0; ic < (CGV); ic++) {                                                            \
        const long xc = xg + (long)ic * H * W;                                                      \
        for (int ky = 0; ky < KH_; ky++) {                                                          \
            const int wk = (ic * KH_ + ky) * KW_;                                                   \
            for (int kx = 0; kx < KW_; kx++) {                                                      \
                float wv[OCB];                                                                      \
                _Pragma("unroll") for (int o = 0; o < OCB; o++)                                     \
                    wv[o] = wb[min(o, OCg - 1 - oc0) * (CGV) * KK + wk + kx];                       \
                _Pragma("unroll") for (int r = 0; r < RB; r++) {                                    \
                    const int iy = (oy0 + r) * SH_ - PT + ky * DH_;                                 \
                    if (iy < 0 || iy >= H || oy0 + r >= OH) continue;                               \
                    _Pragma("unroll") for (int j = 0; j < XB; j++) {                                \
                        const int ix0 = ixb + j * VW * SW_ + kx * DW_;                              \
                        const vf v = load_row(xt, xc + (long)iy * W + ix0, ix0, W, total, SW_);     \
                        _Pragma("unroll") for (int o = 0; o < OCB; o++) acc[o][r][j] =              \
                            fma((vf)(wv[o]), v, acc[o][r][j]);                                      \
                    }                                                                               \
                }                                                                                   \
            }                                                                                       \
        }                                                                                           \
    }

/* Depthwise (one input and one output channel per group, geometry fixed):
 * each input row is loaded once (KW vectors) and feeds every output row of
 * the block it belongs to, instead of once per (output row, ky). */
#if OCB == 1 && defined(FCG) && defined(FKH) && defined(FKW) && defined(FSH) && defined(FDH)
#if FCG == 1
#define DW_ROWS ((RB - 1) * SH_ + (KH_ - 1) * DH_ + 1)
#define DW_BODY(MASKED)                                                                             \
    {                                                                                               \
        __global const float *xc = xt + xg;                                                        \
        const int iyb = oy0 * SH_ - PT;                                                             \
        _Pragma("unroll") for (int t = 0; t < DW_ROWS; t++) {                                      \
            const int iy = iyb + t;                                                                 \
            if (MASKED && (iy < 0 || iy >= H)) continue;                                            \
            __global const float *xr = xc + (long)iy * W + ixb;                                    \
            _Pragma("unroll") for (int j = 0; j < XB; j++) {                                        \
                vf v[KW_];                                                                          \
                _Pragma("unroll") for (int kx = 0; kx < KW_; kx++) {                                \
                    v[kx] = LOADX(xr + j * VW * SW_ + kx * DW_);                                   \
                    if (MASKED) {                                                                   \
                        const vi ix = (vi)(ixb + j * VW * SW_ + kx * DW_) + LANES * SW_;           \
                        v[kx] = select((vf)(0.0f), v[kx], (ix >= (vi)(0)) & (ix < (vi)(W)));        \
                    }                                                                               \
                }                                                                                   \
                _Pragma("unroll") for (int r = 0; r < RB; r++) {                                    \
                    const int d = t - r * SH_;                                                      \
                    if (d < 0 || d % DH_ != 0 || d / DH_ >= KH_) continue;                          \
                    _Pragma("unroll") for (int kx = 0; kx < KW_; kx++) acc[0][r][j] =               \
                        fma((vf)(wb[(d / DH_) * KW_ + kx]), v[kx], acc[0][r][j]);                   \
                }                                                                                   \
            }                                                                                       \
        }                                                                                           \
    }
#endif
#endif

__kernel void conv2d_direct(__global const float *x, const ulong xoff, __global const float *w, const ulong woff,
                            __global const float *bias, const ulong boff, const int has_bias,
                            __global const float *res, const ulong roff, const int has_res, __global float *y,
                            const ulong yoff, const int N, const int C, const int H, const int W, const int OC,
                            const int OH, const int OW, const int KH, const int KW, const int SH, const int SW,
                            const int PT, const int PL, const int DH, const int DW, const int G, const int act,
                            const float a, const float b, const int ocf, const int rrow, const int rplane,
                            const int rcols
#ifdef DUAL
                            ,
                            __global const float *x2, const ulong x2off, const int C2, __global const float *w2,
                            const ulong w2off, __global const float *bias2, const ulong b2off, const int has_bias2
#endif
) {
    const int Cg = C / G, OCg = OC / G;
    const int ocblocks = (OCg + OCB - 1) / OCB;
    int ox0, oy0, n, g, oc0;
    if (ocf) { /* channel blocks fastest: consecutive work-groups share the input tile */
        const int rowblocks = (OH + RB - 1) / RB, z = get_global_id(2), ng = z / rowblocks;
        oc0 = get_global_id(0) * OCB;
        ox0 = get_global_id(1) * (VW * XB);
        oy0 = (z - ng * rowblocks) * RB;
        n = ng / G;
        g = ng - n * G;
    } else {
        const int z = get_global_id(2), t = z % (G * ocblocks);
        ox0 = get_global_id(0) * (VW * XB);
        oy0 = get_global_id(1) * RB;
        n = z / (G * ocblocks);
        g = t / ocblocks;
        oc0 = (t - g * ocblocks) * OCB; /* within the group */
    }
    if (ox0 >= OW || oy0 >= OH || oc0 >= OCg || n >= N) return;

    const int KK = KH_ * KW_;
    const long total = (long)N * C * H * W;
    __global const float *xt = x + xoff; /* the whole input tensor */
    const long xg = ((long)n * C + (long)g * Cg) * H * W;
    /* weights of the block's first channel; channel o is o * Cg * KK further */
    __global const float *wb = w + woff + ((long)g * OCg + oc0) * Cg * KK;

    vf acc[OCB][RB][XB];
#pragma unroll
    for (int o = 0; o < OCB; o++)
#pragma unroll
        for (int r = 0; r < RB; r++)
#pragma unroll
            for (int j = 0; j < XB; j++) acc[o][r][j] = (vf)(0.0f);

    /* columns read by this work-item: [ixb, ixb + span) of each row */
    const int ixb = ox0 * SW_ - PL;
    const int span = (XB - 1) * VW * SW_ + (KW_ - 1) * DW_ + (SW_ == 2 ? 2 * VW : VW * SW_);
    /* rows read: the valid ones between the first and last output row */
    const int oyl = min(oy0 + RB, OH) - 1;
    const int iy_lo = max(oy0 * SH_ - PT, 0), iy_hi = min(oyl * SH_ - PT + (KH_ - 1) * DH_, H - 1);
    const long lo = xg + (long)iy_lo * W + ixb, hi = xg + (long)(Cg - 1) * H * W + (long)iy_hi * W + ixb + span;
    /* vector paths: whole channel block, strides 1/2, loads inside the tensor */
    const bool vec_ok = ((SW_ == 1) | (SW_ == 2)) && oc0 + OCB <= OCg && lo >= 0 && hi <= total;
    const bool inside = ixb >= 0 && ixb + span <= W && ox0 + VW * XB <= OW && oy0 * SH_ - PT >= 0 &&
                        (oy0 + RB - 1) * SH_ - PT + (KH_ - 1) * DH_ < H && oy0 + RB <= OH;
#ifdef DW_BODY
    /* one (masked) loop only: depthwise is load-bound, the masks cost little
     * and a second copy of the unrolled body doubled the compile time */
    if (vec_ok) {
        DW_BODY(1)
    } else {
#else
    if (vec_ok && inside) {
        CONV_BODY(0, CG_)
    } else if (vec_ok) {
        CONV_BODY(1, CG_)
    } else {
#endif
        GENERAL_BODY(Cg)
    }
#ifdef DUAL
    /* the second input (groups 1): x2 [N, C2, H, W] with its weights w2 [OC, C2, KH, KW] */
    {
        __global const float *xt = x2 + x2off;
        const long total = (long)N * C2 * H * W;
        const long xg = (long)n * C2 * H * W;
        __global const float *wb = w2 + w2off + (long)oc0 * CG2_ * KK;
        const long lo = xg + (long)iy_lo * W + ixb, hi = xg + (long)(CG2_ - 1) * H * W + (long)iy_hi * W + ixb + span;
        const bool vec_ok = ((SW_ == 1) | (SW_ == 2)) && oc0 + OCB <= OCg && lo >= 0 && hi <= total;
        if (vec_ok && inside) {
            CONV_BODY(0, CG2_)
        } else if (vec_ok) {
            CONV_BODY(1, CG2_)
        } else {
            GENERAL_BODY(CG2_)
        }
    }
#endif

/* Epilogue: one (not unrolled) loop over the block's vectors keeps the
     * activation switch and the tail stores from being instantiated for every
     * accumulator (compile time); the accumulators leave registers here only. */
    vf outv[OCB * RB * XB];
#pragma unroll
    for (int o = 0; o < OCB; o++)
#pragma unroll
        for (int r = 0; r < RB; r++)
#pragma unroll
            for (int j = 0; j < XB; j++) outv[(o * RB + r) * XB + j] = acc[o][r][j];
    /* flattened 1x1 with a windowed residual: the window row of each column
     * vector's first pixel, divided once per vector rather than per channel */
    int rq[XB];
#pragma unroll
    for (int j = 0; j < XB; j++) rq[j] = rcols ? (ox0 + j * VW) / rcols : 0;
    for (int q = 0; q < OCB * RB * XB; q++) {
        const int o = q / (RB * XB), r = (q / XB) % RB, j = q % XB;
        const int oy = oy0 + r, ox = ox0 + j * VW;
        if (oc0 + o >= OCg || oy >= OH || ox >= OW) continue;
        const int oc = g * OCg + oc0 + o;
        const long yrow = (((long)n * OC + oc) * OH + oy) * OW;
        /* the residual's row; a flattened 1x1 (rcols > 0) maps pixel q to
         * window row q / rcols, each row rrow - rcols floats further on */
        const long rrw = ((long)n * OC + oc) * rplane + (long)oy * rrow;
        const int rgap = rrow - rcols;
        vf v = outv[q] + (has_bias ? bias[boff + oc] : 0.0f);
#ifdef DUAL
        if (has_bias2) v += bias2[b2off + oc];
#endif
        if (ox + VW <= OW) {
            if (has_res && !rcols) {
                v += VLOAD(0, res + roff + rrw + ox);
            } else if (has_res) {
                const int q0 = rq[j], c0 = ox - q0 * rcols;
                __global const float *rp = res + roff + rrw + ox + (long)q0 * rgap;
                if (c0 + VW <= rcols) {
                    v += VLOAD(0, rp);
                } else if (rcols >= VW) { /* one row break inside the vector */
                    const vf ra = VLOAD(0, rp), rb = VLOAD(0, rp + rgap);
                    v += select(ra, rb, LANES >= (vi)(rcols - c0));
                } else {
                    float tr[VW];
                    for (int l = 0; l < VW; l++) tr[l] = rp[l + (long)((c0 + l) / rcols) * rgap];
                    v += VLOAD(0, tr);
                }
            }
            VSTORE(act_v(v, act, a, b), 0, y + yoff + yrow + ox);
        } else {
            float tv[VW];
            VSTORE(v, 0, tv);
            for (int l = 0; l < OW - ox; l++) {
                float sv = tv[l];
                if (has_res) sv += res[roff + rrw + ox + l + (rcols ? (long)((ox + l) / rcols) * rgap : 0)];
                y[yoff + yrow + ox + l] = scl_act(sv, act, a, b);
            }
        }
    }
}
