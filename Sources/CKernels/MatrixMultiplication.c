// Single-precision GEMM with AVX-512 (C = alpha op(A) op(B) + beta C, row-major), blocked as in
// Goto and van de Geijn's "Anatomy of high-performance matrix multiplication": op(B) is packed in
// panels of KC x NC (strips of 32 columns), op(A) in blocks of MC x KC (strips of 12 rows), and a
// 12 x 32 register tile (24 accumulators) runs down each pair of strips. Each thread packs into its
// own buffers, allocated once.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdlib.h>
#include <stddef.h>

enum { tileRows = 12, tileColumns = 32, blockDepth = 256, blockRows = 120, blockColumns = 512 };

/// Packs op(A)[rows, depth] (starting at `a`) into strips of 12 rows: strip[k][i], zero-padded.
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

/// The 12 x 32 tile: C[rows, columns] = alpha (Ap x Bp) + (first ? beta C : C); beta 0 never reads C.
__attribute__((target("avx512f")))
static void tile(int depth, const float *ap, const float *bp, float *c, long ldc, int rows, int columns,
                 float alpha, float beta, int first) {
    __m512 sum0[tileRows], sum1[tileRows];
    for (int i = 0; i < tileRows; i++) { sum0[i] = _mm512_setzero_ps(); sum1[i] = _mm512_setzero_ps(); }
    for (int k = 0; k < depth; k++, ap += tileRows, bp += tileColumns) {
        __m512 b0 = _mm512_load_ps(bp), b1 = _mm512_load_ps(bp + 16);
        for (int i = 0; i < tileRows; i++) {
            __m512 a = _mm512_set1_ps(ap[i]);
            sum0[i] = _mm512_fmadd_ps(a, b0, sum0[i]);
            sum1[i] = _mm512_fmadd_ps(a, b1, sum1[i]);
        }
    }
    __mmask16 mask0 = columns >= 16 ? 0xFFFF : (__mmask16)((1u << columns) - 1);
    __mmask16 mask1 = columns >= 32 ? 0xFFFF : columns <= 16 ? 0 : (__mmask16)((1u << (columns - 16)) - 1);
    __m512 scale = _mm512_set1_ps(alpha), keep = _mm512_set1_ps(first ? beta : 1);
    int reads = !first || beta != 0;
    for (int i = 0; i < rows; i++) {
        float *row = c + (size_t)i * ldc;
        __m512 value0 = _mm512_mul_ps(scale, sum0[i]), value1 = _mm512_mul_ps(scale, sum1[i]);
        if (reads) {
            value0 = _mm512_fmadd_ps(keep, _mm512_maskz_loadu_ps(mask0, row), value0);
            value1 = _mm512_fmadd_ps(keep, _mm512_maskz_loadu_ps(mask1, row + 16), value1);
        }
        _mm512_mask_storeu_ps(row, mask0, value0);
        _mm512_mask_storeu_ps(row + 16, mask1, value1);
    }
}

/// This thread's packing buffers (allocated at first use, kept for the thread's life).
static _Thread_local float *packedA, *packedB;

__attribute__((target("avx512f")))
static int sgemm512(int transA, int transB, int M, int N, int K, float alpha, const float *A, long lda,
                    const float *B, long ldb, float beta, float *C, long ldc) {
    if (!packedA) {
        packedA = aligned_alloc(64, sizeof(float) * (blockRows + tileRows) * blockDepth);
        packedB = aligned_alloc(64, sizeof(float) * (blockColumns + tileColumns) * blockDepth);
        if (!packedA || !packedB) { free(packedA); free(packedB); packedA = packedB = NULL; return 0; }
    }
    for (int jc = 0; jc < N; jc += blockColumns) {
        int columns = N - jc < blockColumns ? N - jc : blockColumns;
        for (int pc = 0; pc < K; pc += blockDepth) {
            int depth = K - pc < blockDepth ? K - pc : blockDepth;
            packB(transB, depth, columns, transB ? B + (size_t)jc * ldb + pc : B + (size_t)pc * ldb + jc, ldb, packedB);
            for (int ic = 0; ic < M; ic += blockRows) {
                int rows = M - ic < blockRows ? M - ic : blockRows;
                packA(transA, rows, depth, transA ? A + (size_t)pc * lda + ic : A + (size_t)ic * lda + pc, lda, packedA);
                for (int jr = 0; jr < columns; jr += tileColumns) {
                    for (int ir = 0; ir < rows; ir += tileRows) {
                        tile(depth, packedA + (size_t)ir * depth, packedB + (size_t)jr * depth,
                             C + (size_t)(ic + ir) * ldc + jc + jr, ldc,
                             rows - ir < tileRows ? rows - ir : tileRows, columns - jr < tileColumns ? columns - jr : tileColumns,
                             alpha, beta, pc == 0);
                    }
                }
            }
        }
    }
    return 1;
}
#endif

int swiftrl_sgemm(int level, int transA, int transB, int M, int N, int K, float alpha, const float *A, long lda,
                  const float *B, long ldb, float beta, float *C, long ldc) {
#if defined(__x86_64__)
    if (level >= 2 && M > 0 && N > 0 && K > 0) return sgemm512(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
#endif
    return 0;
}
