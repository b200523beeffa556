/* Prepended to every siamcl kernel file at build time (after the #define
 * preamble). Compiles standalone too. */
#ifndef SCL_COMMON_CL
#define SCL_COMMON_CL

#define ACT_NONE 0
#define ACT_RELU 1
#define ACT_CLIP 2
#define ACT_HARDSWISH 3
#define ACT_HARDSIGMOID 4
#define ACT_SIGMOID 5
#define ACT_EXP 6

/* Fused activation; act/a/b are kernel arguments so one binary serves all. */
inline float scl_act(float x, int act, float a, float b) {
    switch (act) {
    case ACT_RELU: return fmax(x, 0.0f);
    case ACT_CLIP: return fmin(fmax(x, a), b);
    case ACT_HARDSWISH: return x * fmin(fmax(x * (1.0f / 6.0f) + 0.5f, 0.0f), 1.0f);
    case ACT_HARDSIGMOID: return fmin(fmax(a * x + b, 0.0f), 1.0f);
    case ACT_SIGMOID: return 1.0f / (1.0f + exp(-x));
    case ACT_EXP: return exp(x);
    default: return x;
    }
}

#endif
