// Single-precision GEMM with AVX-512 (C = alpha op(A) op(B) + beta C, row-major), blocked as in
// Goto and van de Geijn's "Anatomy of high-performance matrix multiplication": op(B) is packed in
// panels of KC x NC (strips of 32 columns) into a buffer of each thread's own, and a 12 x 32
// register tile (24 accumulators) runs down each strip, over blocks of MC x KC of op(A). op(A) is
// mostly not packed: the tile broadcasts its elements from where they are (twelve rows, or twelve
// consecutive elements of a column), which is as fast and saves the copy (256^3 products about 10%
// faster than with A packed). Small shapes have paths of their own, also without packing.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdlib.h>
#include <stddef.h>

enum { tileRows = 12, tileColumns = 32, blockDepth = 256, blockRows = 120, blockColumns = 512 };

/// Packs op(A)[rows, depth] (starting at `a`) into strips of 12 rows: strip[k][i], zero-padded
/// (only for leading dimensions that are multiples of 1024, see `sgemm512`).
static void packA(int transposed, int rows, int depth, const float *a, long lda, float *packed) {
    for (int strip = 0; strip < rows; strip += tileRows, packed += (size_t)tileRows * depth) {
        int height = rows - strip < tileRows ? rows - strip : tileRows;
        if (transposed) {
            for (int k = 0; k < depth; k++) {
                int i = 0;
                for (; i < height; i++) packed[k * tileRows + i] = a[(size_t)k * lda + strip + i];
                for (; i < tileRows; i++) packed[k * tileRows + i] = 0;
            }
        } else {
            swiftrl_transpose(height, depth, a + (size_t)strip * lda, lda, packed, tileRows);
        }
    }
}

/// Packs op(B)[depth, columns] (starting at `b`) into strips of 32 columns: strip[k][j], zero-padded.
__attribute__((target("avx512f")))
static void packB(int transposed, int depth, int columns, const float *b, long ldb, float *packed) {
    for (int strip = 0; strip < columns; strip += tileColumns) {
        int width = columns - strip < tileColumns ? columns - strip : tileColumns;
        if (!transposed && width == tileColumns) {
            for (int k = 0; k < depth; k++, packed += tileColumns) {
                const float *row = b + (size_t)k * ldb + strip;
                _mm512_store_ps(packed, _mm512_loadu_ps(row));
                _mm512_store_ps(packed + 16, _mm512_loadu_ps(row + 16));
            }
        } else if (transposed) {
            swiftrl_transpose(width, depth, b + (size_t)strip * ldb, ldb, packed, tileColumns);
            packed += (size_t)tileColumns * depth;
        } else {
            for (int k = 0; k < depth; k++, packed += tileColumns) {
                int j = 0;
                for (; j < width; j++) packed[j] = b[(size_t)k * ldb + strip + j];
                for (; j < tileColumns; j++) packed[j] = 0;
            }
        }
    }
}

/// The R x 32 tile (R <= 12): C[R, columns] = alpha (A x B) + (first ? beta C + bias : C), where `bias`
/// (NULL: none) holds one value per column; beta 0 never reads C.
/// A's element (i, k) is at a[i aRow + k aDepth] and B's row k at b + k bDepth (packed strips:
/// aRow 1, aDepth 12, bDepth 32; or the operands as stored, read in place). B's rows are read under
/// the column mask, so a partial strip never reads past the matrix.
/// R, the number of rows, is a constant at each call (so the accumulators stay in registers).
__attribute__((target("avx512f"), always_inline))
static inline void tile(const int R, int depth, const float *a, long aRow, long aDepth, const float *b, long bDepth,
                        float *c, long ldc, int columns, float alpha, float beta, const float *bias, int first) {
    __mmask16 mask0 = columns >= 16 ? 0xFFFF : (__mmask16)((1u << columns) - 1);
    __mmask16 mask1 = columns >= 32 ? 0xFFFF : columns <= 16 ? 0 : (__mmask16)((1u << (columns - 16)) - 1);
    __m512 sum0[tileRows], sum1[tileRows];
    SWIFTRL_UNROLL
    for (int i = 0; i < R; i++) { sum0[i] = _mm512_setzero_ps(); sum1[i] = _mm512_setzero_ps(); }
    for (int k = 0; k < depth; k++, a += aDepth, b += bDepth) {
        __m512 b0 = _mm512_maskz_loadu_ps(mask0, b), b1 = _mm512_maskz_loadu_ps(mask1, b + 16);
        SWIFTRL_UNROLL
        for (int i = 0; i < R; i++) {
            __m512 value = _mm512_set1_ps(a[i * aRow]);
            sum0[i] = _mm512_fmadd_ps(value, b0, sum0[i]);
            sum1[i] = _mm512_fmadd_ps(value, b1, sum1[i]);
        }
    }
    __m512 scale = _mm512_set1_ps(alpha), keep = _mm512_set1_ps(first ? beta : 1);
    int reads = !first || beta != 0, adds = first && bias;
    __m512 bias0 = adds ? _mm512_maskz_loadu_ps(mask0, bias) : _mm512_setzero_ps();
    __m512 bias1 = adds ? _mm512_maskz_loadu_ps(mask1, bias + 16) : _mm512_setzero_ps();
    SWIFTRL_UNROLL
    for (int i = 0; i < R; i++) {
        float *row = c + (size_t)i * ldc;
        __m512 value0 = _mm512_fmadd_ps(scale, sum0[i], bias0), value1 = _mm512_fmadd_ps(scale, sum1[i], bias1);
        if (reads) {
            value0 = _mm512_fmadd_ps(keep, _mm512_maskz_loadu_ps(mask0, row), value0);
            value1 = _mm512_fmadd_ps(keep, _mm512_maskz_loadu_ps(mask1, row + 16), value1);
        }
        _mm512_mask_storeu_ps(row, mask0, value0);
        _mm512_mask_storeu_ps(row + 16, mask1, value1);
    }
}

/// One strip of `rows` rows (1 to 12) of a product read in place, with the row count a constant.
__attribute__((target("avx512f")))
static void directStrip(int rows, int depth, const float *a, long aRow, long aDepth, const float *b, long ldb,
                        float *c, long ldc, int columns, float alpha, float beta, const float *bias, int first) {
    switch (rows) {
#define STRIP(R) case R: tile(R, depth, a, aRow, aDepth, b, ldb, c, ldc, columns, alpha, beta, bias, first); break;
        STRIP(1) STRIP(2) STRIP(3) STRIP(4) STRIP(5) STRIP(6) STRIP(7) STRIP(8) STRIP(9) STRIP(10) STRIP(11) STRIP(12)
#undef STRIP
    }
}

/// A product with few rows (at most two strips) and op(B) = B: no packing, the operands read in
/// place (each of B's rows is used by at most two strips, so copying it would cost more than it
/// saves; the 4 x 256 x 256 weight gradient of a small output layer went from 12 to about 3 us).
__attribute__((target("avx512f")))
static void sgemmFewRows(int transA, int M, int N, int K, float alpha, const float *A, long lda,
                         const float *B, long ldb, float beta, float *C, long ldc, const float *bias) {
    long aRow = transA ? 1 : lda, aDepth = transA ? lda : 1;
    for (int jr = 0; jr < N; jr += tileColumns) {
        int columns = N - jr < tileColumns ? N - jr : tileColumns;
        for (int ir = 0; ir < M; ir += tileRows) {
            int rows = M - ir < tileRows ? M - ir : tileRows;
            directStrip(rows, K, A + (size_t)ir * aRow, aRow, aDepth, B + jr, ldb, C + (size_t)ir * ldc + jr, ldc, columns, alpha, beta,
                        bias ? bias + jr : NULL, 1);
        }
    }
}

/// Two rows of A (or one) against W rows of B (W a constant at each call: the sums stay in
/// registers): C[i + r, j] = alpha (A row i + r . B row j) + bias[j] + beta C.
__attribute__((target("avx512f"), always_inline))
static inline void dots(const int W, int pair, int K, float alpha, const float *a, long lda, const float *b, long ldb,
                        float beta, float *c, long ldc, const float *bias) {
    __m512 sum0[8], sum1[8];
    SWIFTRL_UNROLL
    for (int j = 0; j < W; j++) { sum0[j] = _mm512_setzero_ps(); sum1[j] = _mm512_setzero_ps(); }
    for (int k = 0; k < K; k += 16) {
        __mmask16 mask = K - k >= 16 ? 0xFFFF : (__mmask16)((1u << (K - k)) - 1);
        __m512 a0 = _mm512_maskz_loadu_ps(mask, a + k);
        __m512 a1 = pair == 2 ? _mm512_maskz_loadu_ps(mask, a + lda + k) : _mm512_setzero_ps();
        SWIFTRL_UNROLL
        for (int j = 0; j < W; j++) {
            __m512 row = _mm512_maskz_loadu_ps(mask, b + (size_t)j * ldb + k);
            sum0[j] = _mm512_fmadd_ps(a0, row, sum0[j]);
            sum1[j] = _mm512_fmadd_ps(a1, row, sum1[j]);
        }
    }
    SWIFTRL_UNROLL
    for (int j = 0; j < W; j++) {
        float offset = bias ? bias[j] : 0;
        float value = alpha * _mm512_reduce_add_ps(sum0[j]) + offset;
        c[j] = beta == 0 ? value : value + beta * c[j];
        if (pair == 2) {
            value = alpha * _mm512_reduce_add_ps(sum1[j]) + offset;
            c[ldc + j] = beta == 0 ? value : value + beta * c[ldc + j];
        }
    }
}

/// A product with few columns and op(B) = B transposed (C = A B^T, both read along K): one dot
/// product per element, two rows of A against up to eight rows of B at a time (the output layer of
/// a small network: 256 x 4 x 256).
__attribute__((target("avx512f")))
static void sgemmDots(int M, int N, int K, float alpha, const float *A, long lda, const float *B, long ldb,
                      float beta, float *C, long ldc, const float *bias) {
    for (int i = 0; i < M; i += 2) {
        int pair = M - i >= 2 ? 2 : 1;
        for (int j0 = 0; j0 < N; j0 += 8) {
            const float *a = A + (size_t)i * lda, *b = B + (size_t)j0 * ldb;
            float *c = C + (size_t)i * ldc + j0;
            switch (N - j0 < 8 ? N - j0 : 8) {
#define DOTS(W) case W: dots(W, pair, K, alpha, a, lda, b, ldb, beta, c, ldc, bias ? bias + j0 : NULL); break;
                DOTS(1) DOTS(2) DOTS(3) DOTS(4) DOTS(5) DOTS(6) DOTS(7) DOTS(8)
#undef DOTS
            }
        }
    }
}

/// This thread's packing buffers (allocated at first use, kept for the thread's life).
static _Thread_local float *packedA, *packedB;

__attribute__((target("avx512f")))
static int sgemm512(int transA, int transB, int M, int N, int K, float alpha, const float *A, long lda,
                    const float *B, long ldb, float beta, float *C, long ldc, const float *bias) {
    if (!packedB) {
        packedA = aligned_alloc(64, sizeof(float) * (blockRows + tileRows) * blockDepth);
        packedB = aligned_alloc(64, sizeof(float) * (blockColumns + tileColumns) * blockDepth);
        if (!packedA || !packedB) { free(packedA); free(packedB); packedA = packedB = NULL; return 0; }
    }
    // op(A) is read in place unless its rows are a multiple of 4 KB apart: then the twelve rows of
    // a strip (or a column's consecutive elements) all fall in one L1 set and evict each other
    // (1024^3 at 120-180 GFLOP/s on one thread instead of 165-190), so it is packed.
    int packsA = lda % 1024 == 0;
    for (int jc = 0; jc < N; jc += blockColumns) {
        int columns = N - jc < blockColumns ? N - jc : blockColumns;
        for (int pc = 0; pc < K; pc += blockDepth) {
            int depth = K - pc < blockDepth ? K - pc : blockDepth;
            packB(transB, depth, columns, transB ? B + (size_t)jc * ldb + pc : B + (size_t)pc * ldb + jc, ldb, packedB);
            for (int ic = 0; ic < M; ic += blockRows) {
                int rows = M - ic < blockRows ? M - ic : blockRows;
                // Strip s (rows 12 s ...) starts at block + 12 s stripStep; within it, row i and depth
                // k are at i rowStep + k depthStep.
                const float *block = transA ? A + (size_t)pc * lda + ic : A + (size_t)ic * lda + pc;
                long rowStep = transA ? 1 : lda, depthStep = transA ? lda : 1, stripStep = rowStep;
                if (packsA) {
                    packA(transA, rows, depth, block, lda, packedA);
                    block = packedA, rowStep = 1, depthStep = tileRows, stripStep = depth;
                }
                for (int jr = 0; jr < columns; jr += tileColumns) {
                    int width = columns - jr < tileColumns ? columns - jr : tileColumns;
                    for (int ir = 0; ir < rows; ir += tileRows) {
                        directStrip(rows - ir < tileRows ? rows - ir : tileRows, depth, block + (size_t)ir * stripStep, rowStep, depthStep,
                                    packedB + (size_t)jr * depth, tileColumns, C + (size_t)(ic + ir) * ldc + jc + jr, ldc, width,
                                    alpha, beta, bias ? bias + jc + jr : NULL, pc == 0);
                    }
                }
            }
        }
    }
    return 1;
}
#endif

int swiftrl_sgemm(int level, int transA, int transB, int M, int N, int K, float alpha, const float *A, long lda,
                  const float *B, long ldb, float beta, float *C, long ldc, const float *bias) {
#if defined(__x86_64__)
    if (level < 2 || M <= 0 || N <= 0 || K <= 0) return 0;
    if (!transB && M <= 2 * tileRows) {
        sgemmFewRows(transA, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias);
        return 1;
    }
    if (N >= 48) return sgemm512(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias);
    if (!transA && transB && N <= 16) {
        sgemmDots(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias);
        return 1;
    }
    if (transA && !transB && N <= 2 * tileRows) {
        // C^T = B^T A has few rows and reads both operands in place; it goes through a scratch
        // matrix and is transposed into C (the first layer's weight gradient, 256 x 24 x 256).
        float *transposed = aligned_alloc(64, sizeof(float) * (size_t)N * (size_t)((M + 15) & ~15));
        if (!transposed) return 0;
        sgemmFewRows(1, N, M, K, 1, B, ldb, A, lda, 0, transposed, M, NULL);
        for (int i = 0; i < M; i++) {
            float *row = C + (size_t)i * ldc;
            for (int j = 0; j < N; j++) {
                float value = alpha * transposed[(size_t)j * M + i] + (bias ? bias[j] : 0);
                row[j] = beta == 0 ? value : value + beta * row[j];
            }
        }
        free(transposed);
        return 1;
    }
#endif
    return 0;
}
