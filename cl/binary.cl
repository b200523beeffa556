/* Broadcasting binary ops y = act(a op b), op: 0 add, 1 mul, 2 sub, 3 div
 * (the scl_binary_op values), with the fused activations of common.cl. */

inline float scl_binop(float a, float b, int op) {
    switch (op) {
    case 1: return a * b;
    case 2: return a - b;
    case 3: return a / b;
    default: return a + b;
    }
}

/* Equal shapes: a flat loop. */
__kernel void binary_same(__global const float *a, const ulong aoff, __global const float *b, const ulong boff,
                          __global float *y, const ulong yoff, const uint total, const int op, const int act,
                          const float pa, const float pb) {
    uint i = get_global_id(0);
    if (i >= total) return;
    y[yoff + i] = scl_act(scl_binop(a[aoff + i], b[boff + i], op), act, pa, pb);
}

/* General numpy broadcasting over 4 dims: as/bs are the element strides of a
 * and b per dim of y (0 where that input has extent 1). */
__kernel void binary_bcast(__global const float *a, const ulong aoff, const int4 as, __global const float *b,
                           const ulong boff, const int4 bs, __global float *y, const ulong yoff, const int4 yd,
                           const uint total, const int op, const int act, const float pa, const float pb) {
    uint i = get_global_id(0);
    if (i >= total) return;
    uint t = i;
    int w = (int)(t % (uint)yd.w);
    t /= (uint)yd.w;
    int h = (int)(t % (uint)yd.z);
    t /= (uint)yd.z;
    int c = (int)(t % (uint)yd.y);
    int n = (int)(t / (uint)yd.y);
    ulong ai = aoff + (ulong)((long)n * as.x + (long)c * as.y + (long)h * as.z + (long)w * as.w);
    ulong bi = boff + (ulong)((long)n * bs.x + (long)c * bs.y + (long)h * bs.z + (long)w * bs.w);
    y[yoff + i] = scl_act(scl_binop(a[ai], b[bi], op), act, pa, pb);
}

#ifdef CH_OP
/* One operand dense with y's shape, the other one value per (n, c) plane
 * (extent 1 in h and w): the squeeze-excitation gate. Specialised at build
 * time on CH_OP (scl_binary_op), CH_ACT (activation) and CH_B (1: the plane
 * operand is b, else a; sub/div keep their order), so no per-element switch.
 * 3-D range (h*w, c, n); sn, sc: the plane operand's strides per n and c. */
__kernel void binary_chan(__global const float *x, const ulong xoff, __global const float *s, const ulong soff,
                          const int sn, const int sc, __global float *y, const ulong yoff, const uint hw,
                          const float pa, const float pb) {
    uint i = get_global_id(0);
    if (i >= hw) return;
    uint c = get_global_id(1), n = get_global_id(2);
    uint plane = (n * (uint)get_global_size(1) + c) * hw;
    float v = s[soff + (ulong)(n * (uint)sn + c * (uint)sc)];
    float d = x[xoff + plane + i];
#if CH_B
    float r = scl_binop(d, v, CH_OP);
#else
    float r = scl_binop(v, d, CH_OP);
#endif
    y[yoff + plane + i] = scl_act(r, CH_ACT, pa, pb);
}
#endif
