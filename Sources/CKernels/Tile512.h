// Shared pieces of the AVX-512 correlation tiles (Float32 and bfloat16 inputs): the column masks of a
// 48-column block, and clearing and storing a tile's Float32 sums. Private to CKernels.
#ifndef SWIFTRL_TILE512_H
#define SWIFTRL_TILE512_H

#if defined(__x86_64__)
#include <immintrin.h>
#include <stddef.h>

/// Calls `TILE(rows, m0)` for row blocks covering rows 0..M-1 of a tile of at most 9 vector rows:
/// blocks of 8, then the rest as one block of 9, 1, 2, 4 or 8 rows (a tile skips its rows at or past
/// M). `rows` is a literal at every call, so an always-inline tile unrolls fully for it.
#define SWIFTRL_FOR_ROW_BLOCKS512(M, TILE)                     \
    do {                                                       \
        int rowBlockStart = 0;                                 \
        for (; (M) - rowBlockStart >= 8 && (M) - rowBlockStart != 9; rowBlockStart += 8) TILE(8, rowBlockStart); \
        int rowsLeft = (M) - rowBlockStart;                    \
        if (rowsLeft == 9) TILE(9, rowBlockStart);             \
        else if (rowsLeft == 1) TILE(1, rowBlockStart);        \
        else if (rowsLeft == 2) TILE(2, rowBlockStart);        \
        else if (rowsLeft > 2 && rowsLeft <= 4) TILE(4, rowBlockStart); \
        else if (rowsLeft > 4) TILE(8, rowBlockStart);         \
    } while (0)

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
