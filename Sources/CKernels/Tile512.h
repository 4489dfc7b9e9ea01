// Shared pieces of the AVX-512 correlation tiles (Float32 and bfloat16 inputs): the column masks of a
// 48-column block, and clearing and storing a tile's Float32 sums. Private to CKernels.
#ifndef SWIFTRL_TILE512_H
#define SWIFTRL_TILE512_H

#if defined(__x86_64__)
#include <immintrin.h>
#include <stddef.h>

/// The masks of the three 16-column vectors of the 48-column block that has `rest` columns left.
__attribute__((target("avx512f"), always_inline))
static inline void blockMasks512(int rest, __mmask16 *mask0, __mmask16 *mask1, __mmask16 *mask2) {
    *mask0 = rest >= 16 ? 0xFFFF : (__mmask16)((1u << rest) - 1);
    *mask1 = rest >= 32 ? 0xFFFF : rest <= 16 ? 0 : (__mmask16)((1u << (rest - 16)) - 1);
    *mask2 = rest >= 48 ? 0xFFFF : rest <= 32 ? 0 : (__mmask16)((1u << (rest - 32)) - 1);
}

/// Zeroes the sums of a tile's first `rows` rows.
__attribute__((target("avx512f"), always_inline))
static inline void clearTile512(int rows, __m512 sum[][3]) {
    SWIFTRL_UNROLL
    for (int row = 0; row < rows; row++) {
        sum[row][0] = _mm512_setzero_ps(); sum[row][1] = _mm512_setzero_ps(); sum[row][2] = _mm512_setzero_ps();
    }
}

/// Stores rows m0..m0+rows-1 (those below M) of a tile's sums at column n0 of C, added to what C
/// holds when `accumulate`.
__attribute__((target("avx512f"), always_inline))
static inline void storeTile512(int rows, int M, __m512 sum[][3], float *C, long ldc, int accumulate, int m0, int n0,
                                __mmask16 mask0, __mmask16 mask1, __mmask16 mask2) {
    SWIFTRL_UNROLL
    for (int row = 0; row < rows; row++) {
        if (m0 + row >= M) break;
        float *c = C + (size_t)(m0 + row) * ldc + n0;
        if (accumulate) {
            sum[row][0] = _mm512_add_ps(sum[row][0], _mm512_maskz_loadu_ps(mask0, c));
            sum[row][1] = _mm512_add_ps(sum[row][1], _mm512_maskz_loadu_ps(mask1, c + 16));
            sum[row][2] = _mm512_add_ps(sum[row][2], _mm512_maskz_loadu_ps(mask2, c + 32));
        }
        _mm512_mask_storeu_ps(c, mask0, sum[row][0]);
        _mm512_mask_storeu_ps(c + 16, mask1, sum[row][1]);
        _mm512_mask_storeu_ps(c + 32, mask2, sum[row][2]);
    }
}
#endif

#endif
