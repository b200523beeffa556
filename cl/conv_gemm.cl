/* Small GEMMs for ops/gemm.c (problems too small to be worth CLBlast's fixed
 * cost): C = alpha * op(A) * op(B) + beta * C, row-major, strided batch.
 * beta == 0 never reads C (as BLAS: C may hold garbage or NaN). */

inline void store_c(__global float *C, const float v, const float alpha, const float beta) {
    *C = beta == 0.0f ? alpha * v : alpha * v + beta * *C;
}

/* op(B) = B^T (B is N x K, rows contiguous along K): one dot product per
 * element of C, vectorised along K. global: (N, M, batch). */
__kernel void gemm_small_dot(__global const float *a, const ulong aoff, const int lda, const ulong sa, const int ta,
                             __global const float *b, const ulong boff, const int ldb, const ulong sb,
                             __global float *c, const ulong coff, const int ldc, const ulong sc, const int M,
                             const int N, const int K, const float alpha, const float beta) {
    const int j = get_global_id(0), i = get_global_id(1), p = get_global_id(2);
    if (i >= M || j >= N) return;
    /* op(A)(i, l) = A[l * al] from row/column i */
    __global const float *A = a + aoff + p * sa + (long)i * (ta ? 1 : lda);
    __global const float *B = b + boff + p * sb + (long)j * ldb;
    const long al = ta ? lda : 1;
    float acc = 0.0f;
    int l = 0;
    if (al == 1) {
        float8 v = (float8)(0.0f);
        for (; l + 8 <= K; l += 8) v = fma(vload8(0, A + l), vload8(0, B + l), v);
        const float4 h = v.lo + v.hi;
        acc = (h.x + h.y) + (h.z + h.w);
    }
    for (; l < K; l++) acc = fma(A[l * al], B[l], acc);
    store_c(c + coff + p * sc + (long)i * ldc + j, acc, alpha, beta);
}

/* op(B) = B (K x N, rows contiguous along N): each work-item computes 8
 * consecutive elements of a row of C. global: (ceil(N / 8), M, batch). */
__kernel void gemm_small_nn(__global const float *a, const ulong aoff, const int lda, const ulong sa, const int ta,
                            __global const float *b, const ulong boff, const int ldb, const ulong sb,
                            __global float *c, const ulong coff, const int ldc, const ulong sc, const int M,
                            const int N, const int K, const float alpha, const float beta) {
    const int j0 = get_global_id(0) * 8, i = get_global_id(1), p = get_global_id(2);
    if (i >= M || j0 >= N) return;
    __global const float *A = a + aoff + p * sa + (long)i * (ta ? 1 : lda);
    __global const float *B = b + boff + p * sb + j0;
    const long al = ta ? lda : 1;
    __global float *C = c + coff + p * sc + (long)i * ldc + j0;
    if (j0 + 8 <= N) {
        float8 acc = (float8)(0.0f);
        for (int l = 0; l < K; l++) acc = fma((float8)(A[l * al]), vload8(0, B + (long)l * ldb), acc);
        vstore8(beta == 0.0f ? alpha * acc : alpha * acc + beta * vload8(0, C), 0, C);
    } else {
        for (int jj = 0; jj < N - j0; jj++) {
            float acc = 0.0f;
            for (int l = 0; l < K; l++) acc = fma(A[l * al], B[(long)l * ldb + jj], acc);
            store_c(C + jj, acc, alpha, beta);
        }
    }
}
