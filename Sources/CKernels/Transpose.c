// Matrix transposition for the weight-gradient kernels and GEMM packing (8 x 8 and 4 x 8 blocks in
// AVX2 registers on x86-64).
#include "CKernels.h"
#include <stddef.h>

/// A gradient value kept where the ReLU's output is positive, or NaN (as ConvolutionEpilogue does);
/// no mask keeps every value.
static inline float maskedValue(const float *upstream, const float *mask, long at) {
    return mask && mask[at] <= 0 ? 0 : upstream[at];
}

/// `swiftrl_gradient_transposed`'s values for channels first..<channels, one value at a time (the
/// portable path, and the vector path's last channels that do not fill 8 lanes).
static void gradientTransposedChannels(int first, int channels, int rows, int columns, int fullWidth, const float *upstream,
                                       const float *mask, float *sums, float *out, long ldo) {
    long plane = (long)rows * columns;
    for (int o = first; o < channels; o++) {
        float total = 0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) {
                float value = maskedValue(upstream, mask, (long)o * plane + (long)r * columns + c);
                out[((size_t)r * fullWidth + c) * ldo + o] = value;
                total += value;
            }
        if (sums) sums[o] += total;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

/// Stores the transpose of the 8 x 8 block held in `row` (one row per register) at `out` (rows
/// `ldo` apart).
__attribute__((target("avx2"), always_inline))
static inline void storeTransposed8(__m256 row[8], float *out, long ldo) {
    __m256 pair[8];
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

/// Transposes the 8 x 8 block at `in` (rows `ld` apart) into `out` (rows `ldo` apart).
__attribute__((target("avx2"), always_inline))
static inline void transposeBlock8(const float *in, long ld, float *out, long ldo) {
    __m256 row[8];
    SWIFTRL_UNROLL
    for (int i = 0; i < 8; i++) row[i] = _mm256_loadu_ps(in + i * ld);
    storeTransposed8(row, out, ldo);
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

/// Loads 8 values of a gradient row, zeroed where the ReLU's output is not positive (a NaN output
/// keeps the value, as ConvolutionEpilogue does), and adds them to `sum`.
__attribute__((target("avx2"), always_inline))
static inline __m256 maskedRow8(const float *upstream, const float *mask, __m256 *sum) {
    __m256 value = _mm256_loadu_ps(upstream);
    if (mask) value = _mm256_and_ps(value, _mm256_cmp_ps(_mm256_loadu_ps(mask), _mm256_setzero_ps(), _CMP_NLE_UQ));
    *sum = _mm256_add_ps(*sum, value);
    return value;
}

__attribute__((target("avx2")))
static void gradientTransposed256(int channels, int rows, int columns, int fullWidth, const float *upstream, const float *mask,
                                  float *sums, float *out, long ldo) {
    long plane = (long)rows * columns;
    int c8 = columns / 8 * 8, o8 = channels / 8 * 8;
    for (int o0 = 0; o0 < o8; o0 += 8) {
        __m256 sum[8];
        SWIFTRL_UNROLL
        for (int i = 0; i < 8; i++) sum[i] = _mm256_setzero_ps();
        float tail[8] = {0};
        for (int r = 0; r < rows; r++) {
            long source = (long)o0 * plane + (long)r * columns;
            float *target = out + (size_t)r * fullWidth * ldo + o0;
            for (int c0 = 0; c0 < c8; c0 += 8) {
                __m256 row[8];
                SWIFTRL_UNROLL
                for (int i = 0; i < 8; i++)
                    row[i] = maskedRow8(upstream + source + i * plane + c0, mask ? mask + source + i * plane + c0 : NULL, &sum[i]);
                storeTransposed8(row, target + (size_t)c0 * ldo, ldo);
            }
            for (int c = c8; c < columns; c++)
                for (int i = 0; i < 8; i++) {
                    float value = maskedValue(upstream, mask, source + i * plane + c);
                    target[(size_t)c * ldo + i] = value;
                    tail[i] += value;
                }
        }
        if (sums) {
            float lanes[8][8];
            for (int i = 0; i < 8; i++) _mm256_storeu_ps(lanes[i], sum[i]);
            for (int i = 0; i < 8; i++) {
                float total = tail[i];
                for (int lane = 0; lane < 8; lane++) total += lanes[i][lane];
                sums[o0 + i] += total;
            }
        }
    }
    gradientTransposedChannels(o8, channels, rows, columns, fullWidth, upstream, mask, sums, out, ldo);
}
#endif

void swiftrl_transpose(int rows, int columns, const float *in, long ld, float *out, long ldo) {
#if defined(__x86_64__)
    if (swiftrl_kernel_level() >= 1) { transpose256(rows, columns, in, ld, out, ldo); return; }
#endif
    for (int c = 0; c < columns; c++)
        for (int r = 0; r < ldo; r++) out[(size_t)c * ldo + r] = r < rows ? in[(size_t)r * ld + c] : 0;
}

void swiftrl_gradient_transposed(int channels, int rows, int columns, int fullWidth, const float *upstream, const float *mask,
                                 float *sums, float *out, long ldo) {
    // The scratch rows (a row's columns past `columns`, not after the last row) and the lanes past
    // `channels` are zero.
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < fullWidth; c++) {
            if (r == rows - 1 && c >= columns) break;
            float *line = out + ((size_t)r * fullWidth + c) * ldo;
            if (c >= columns) { for (long o = 0; o < ldo; o++) line[o] = 0; }
            else for (long o = channels; o < ldo; o++) line[o] = 0;
        }
    }
#if defined(__x86_64__)
    if (swiftrl_kernel_level() >= 1) { gradientTransposed256(channels, rows, columns, fullWidth, upstream, mask, sums, out, ldo); return; }
#endif
    gradientTransposedChannels(0, channels, rows, columns, fullWidth, upstream, mask, sums, out, ldo);
}
