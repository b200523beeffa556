/* Layout: one strided 4-D copy serves transpose, slice and concat.
 * y[yoff + i.ys] = x[xoff + i.xs] for every index i over the extents d. */
__kernel void strided_copy(__global const float *x, const ulong xoff, const int4 xs, __global float *y,
                           const ulong yoff, const int4 ys, const int4 d, const uint total) {
    uint i = get_global_id(0);
    if (i >= total) return;
    uint t = i;
    int i3 = (int)(t % (uint)d.w);
    t /= (uint)d.w;
    int i2 = (int)(t % (uint)d.z);
    t /= (uint)d.z;
    int i1 = (int)(t % (uint)d.y);
    int i0 = (int)(t / (uint)d.y);
    long xi = (long)i0 * xs.x + (long)i1 * xs.y + (long)i2 * xs.z + (long)i3 * xs.w;
    long yi = (long)i0 * ys.x + (long)i1 * ys.y + (long)i2 * ys.z + (long)i3 * ys.w;
    y[yoff + (ulong)yi] = x[xoff + (ulong)xi];
}

/* The same copy with one work-item per innermost row of d.w elements (used
 * when rows are long enough): the index arithmetic runs once per row, and a
 * unit-stride row is a plain loop the compiler vectorises. ~10x faster than
 * strided_copy on PoCL for CIResNet's crops. */
__kernel void strided_copy_rows(__global const float *x, const ulong xoff, const int4 xs, __global float *y,
                                const ulong yoff, const int4 ys, const int4 d, const uint rows) {
    uint r = get_global_id(0);
    if (r >= rows) return;
    int i2 = (int)(r % (uint)d.z);
    uint t = r / (uint)d.z;
    int i1 = (int)(t % (uint)d.y);
    int i0 = (int)(t / (uint)d.y);
    __global const float *xp = x + xoff + (ulong)((long)i0 * xs.x + (long)i1 * xs.y + (long)i2 * xs.z);
    __global float *yp = y + yoff + (ulong)((long)i0 * ys.x + (long)i1 * ys.y + (long)i2 * ys.z);
    if (xs.w == 1 && ys.w == 1) {
        for (int j = 0; j < d.w; j++) yp[j] = xp[j];
    } else {
        for (int j = 0; j < d.w; j++) yp[(long)j * ys.w] = xp[(long)j * xs.w];
    }
}
