// Matrix transposition for the weight-gradient kernels and GEMM packing (8 x 8 and 4 x 8 blocks in
// AVX2 registers on x86-64).
#include "CKernels.h"
#include <stddef.h>

#if defined(__x86_64__)
#include <immintrin.h>

/// Transposes the 8 x 8 block at `in` (rows `ld` apart) into `out` (rows `ldo` apart).
__attribute__((target("avx2"), always_inline))
static inline void transposeBlock8(const float *in, long ld, float *out, long ldo) {
    __m256 row[8], pair[8];
    SWIFTRL_UNROLL
    for (int i = 0; i < 8; i++) row[i] = _mm256_loadu_ps(in + i * ld);
    SWIFTRL_UNROLL
    for (int i = 0; i < 8; i += 2) {
        pair[i] = _mm256_unpacklo_ps(row[i], row[i + 1]);
        pair[i + 1] = _mm256_unpackhi_ps(row[i], row[i + 1]);
    }
    row[0] = _mm256_shuffle_ps(pair[0], pair[2], 0x44); row[1] = _mm256_shuffle_ps(pair[0], pair[2], 0xEE);
    row[2] = _mm256_shuffle_ps(pair[1], pair[3], 0x44); row[3] = _mm256_shuffle_ps(pair[1], pair[3], 0xEE);
    row[4] = _mm256_shuffle_ps(pair[4], pair[6], 0x44); row[5] = _mm256_shuffle_ps(pair[4], pair[6], 0xEE);
    row[6] = _mm256_shuffle_ps(pair[5], pair[7], 0x44); row[7] = _mm256_shuffle_ps(pair[5], pair[7], 0xEE);
    SWIFTRL_UNROLL
    for (int i = 0; i < 4; i++) {
        _mm256_storeu_ps(out + i * ldo, _mm256_permute2f128_ps(row[i], row[i + 4], 0x20));
        _mm256_storeu_ps(out + (i + 4) * ldo, _mm256_permute2f128_ps(row[i], row[i + 4], 0x31));
    }
}

/// Transposes the 4 x 8 block at `in` (rows `ld` apart) into 8 rows of 4 at `out` (rows `ldo` apart).
__attribute__((target("avx2"), always_inline))
static inline void transposeBlock4(const float *in, long ld, float *out, long ldo) {
    __m256 row0 = _mm256_loadu_ps(in), row1 = _mm256_loadu_ps(in + ld);
    __m256 row2 = _mm256_loadu_ps(in + 2 * ld), row3 = _mm256_loadu_ps(in + 3 * ld);
    __m256 low01 = _mm256_unpacklo_ps(row0, row1), high01 = _mm256_unpackhi_ps(row0, row1);
    __m256 low23 = _mm256_unpacklo_ps(row2, row3), high23 = _mm256_unpackhi_ps(row2, row3);
    __m256 column[4] = {
        _mm256_shuffle_ps(low01, low23, 0x44), _mm256_shuffle_ps(low01, low23, 0xEE),
        _mm256_shuffle_ps(high01, high23, 0x44), _mm256_shuffle_ps(high01, high23, 0xEE),
    };
    SWIFTRL_UNROLL
    for (int i = 0; i < 4; i++) {
        _mm_storeu_ps(out + i * ldo, _mm256_castps256_ps128(column[i]));
        _mm_storeu_ps(out + (i + 4) * ldo, _mm256_extractf128_ps(column[i], 1));
    }
}

__attribute__((target("avx2")))
static void transpose256(int rows, int columns, const float *in, long ld, float *out, long ldo) {
    int r0 = 0;
    for (; r0 + 8 <= rows; r0 += 8) {
        int c0 = 0;
        for (; c0 + 8 <= columns; c0 += 8) transposeBlock8(in + (size_t)r0 * ld + c0, ld, out + (size_t)c0 * ldo + r0, ldo);
        for (; c0 < columns; c0++)
            SWIFTRL_UNROLL
            for (int i = 0; i < 8; i++) out[(size_t)c0 * ldo + r0 + i] = in[(size_t)(r0 + i) * ld + c0];
    }
    if (r0 + 4 <= rows) {
        int c0 = 0;
        for (; c0 + 8 <= columns; c0 += 8) transposeBlock4(in + (size_t)r0 * ld + c0, ld, out + (size_t)c0 * ldo + r0, ldo);
        for (; c0 < columns; c0++)
            SWIFTRL_UNROLL
            for (int i = 0; i < 4; i++) out[(size_t)c0 * ldo + r0 + i] = in[(size_t)(r0 + i) * ld + c0];
        r0 += 4;
    }
    for (int c = 0; c < columns; c++)
        for (int r = r0; r < ldo; r++) out[(size_t)c * ldo + r] = r < rows ? in[(size_t)r * ld + c] : 0;
}
#endif

void swiftrl_transpose(int rows, int columns, const float *in, long ld, float *out, long ldo) {
#if defined(__x86_64__)
    if (swiftrl_kernel_level() >= 1) { transpose256(rows, columns, in, ld, out, ldo); return; }
#endif
    for (int c = 0; c < columns; c++)
        for (int r = 0; r < ldo; r++) out[(size_t)c * ldo + r] = r < rows ? in[(size_t)r * ld + c] : 0;
}
