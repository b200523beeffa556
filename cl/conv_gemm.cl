/* Small GEMM for ops/gemm.c (problems too small to be worth CLBlast's fixed
 * cost): C = alpha * op(A) * op(B) + beta * C, row-major, strided batch.
 * One work-item per element of C: global (N, M, batch). beta == 0 never
 * reads C (as BLAS: C may hold garbage or NaN). */

__kernel void gemm_small(__global const float *a, const ulong aoff, const int lda, const ulong sa, const int ta,
                         __global const float *b, const ulong boff, const int ldb, const ulong sb, const int tb,
                         __global float *c, const ulong coff, const int ldc, const ulong sc, const int M, const int N,
                         const int K, const float alpha, const float beta) {
    const int j = get_global_id(0), i = get_global_id(1), p = get_global_id(2);
    if (i >= M || j >= N) return;
    /* op(A)(i, l) = A[i * ai + l * al], op(B)(l, j) = B[l * bl + j * bj] */
    __global const float *A = a + aoff + p * sa + (long)i * (ta ? 1 : lda);
    __global const float *B = b + boff + p * sb + (long)j * (tb ? ldb : 1);
    const long al = ta ? lda : 1, bl = tb ? 1 : ldb;
    float acc = 0.0f;
    int l = 0;
    if (al == 1 && bl == 1) { /* both rows contiguous along K: x * W^T, the common case */
        float8 v = (float8)(0.0f);
        for (; l + 8 <= K; l += 8) v = fma(vload8(0, A + l), vload8(0, B + l), v);
        float4 h = v.lo + v.hi;
        acc = (h.x + h.y) + (h.z + h.w);
    }
    for (; l < K; l++) acc = fma(A[l * al], B[l * bl], acc);
    __global float *C = c + coff + p * sc + (long)i * ldc + j;
    *C = beta == 0.0f ? alpha * acc : alpha * acc + beta * *C;
}
