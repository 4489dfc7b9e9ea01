// A stride-2 transposed convolution's forward pass written straight into its image: for each row
// parity, the even-column and odd-column phases are summed in one register tile (they read the same
// shifted rows of the upstream values, so every load feeds both), then the bias and ReLU are applied
// and the two phases interleaved in registers and stored into the image's rows. No phase planes are
// written and there is no merge pass: at SAC-AE's last decoder layer (32 -> 9 channels at 84x84)
// that pass cost as much as a fifth of the layer. AVX-512 tiles of 9 image channels by 16 phase columns,
// AVX2 tiles of 3 by 16; callers fall back to a phase correlation per phase and `swiftrl_interleave`.
#include "CKernels.h"
#include "Tile512.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

/// Where a 16-column block's 32 interleaved values go: the values of its first phase row at `first`
/// (an offset in the image plane) under `firstMask` (bit q for value q, 0..31), and those of the next
/// phase row, if the block reaches it, at `second` under `secondMask`; values outside the image are
/// in neither mask.
typedef struct {
    long first, second;
    uint32_t firstMask, secondMask;
} PairBlock;

/// Bits lo..hi-1 of a 32-bit mask (empty when hi <= lo).
static inline uint32_t bitRange(int lo, int hi) {
    if (hi > 32) hi = 32;
    if (hi <= lo) return 0;
    return (uint32_t)(((1ull << hi) - 1) & ~((1ull << lo) - 1));
}

/// The stores of the block of phase columns n0..n0+15 (of N) at row parity `parity`.
static PairBlock pairBlock(int n0, int N, int phaseWidth, int parity, int width, int height) {
    int row = n0 / phaseWidth, column = n0 % phaseWidth;
    int count = N - n0 < 16 ? N - n0 : 16, inFirst = phaseWidth - column;
    if (inFirst > count) inFirst = count;
    PairBlock block;
    block.first = (long)(2 * row + parity) * width + 2 * column;
    block.second = (long)(2 * row + 2 + parity) * width - 2 * inFirst;
    int firstEnd = 2 * inFirst < width - 2 * column ? 2 * inFirst : width - 2 * column;
    block.firstMask = 2 * row + parity < height ? bitRange(0, firstEnd) : 0;
    int secondEnd = 2 * count < width + 2 * inFirst ? 2 * count : width + 2 * inFirst;
    block.secondMask = inFirst < count && 2 * row + 2 + parity < height ? bitRange(2 * inFirst, secondEnd) : 0;
    return block;
}

/// One tile: image channels m0..m0+rows-1 (those below M; at most 9) by the 16 phase columns from n0
/// (loads masked to `loadMask`), both column phases of one row parity, stored into `image`.
__attribute__((target("avx512f"), always_inline))
static inline void pairTile512(int rows, int M, int K, int taps, const float *evenA, const float *oddA, long lda,
                               const float *B, long ldb, const long *offsets, const int *partners, int m0, int n0,
                               __mmask16 loadMask, const PairBlock *block, float *image, long imagePlane,
                               const float *bias, int rectify) {
    __m512 even[9], odd[9];
    SWIFTRL_UNROLL
    for (int row = 0; row < rows; row++) { even[row] = _mm512_setzero_ps(); odd[row] = _mm512_setzero_ps(); }
    for (int t = 0; t < taps; t++) {
        const float *b = B + offsets[t] + n0;
        const float *a = evenA + (size_t)t * K * lda + m0;
        if (partners[t] < 0) {
            for (int k = 0; k < K; k++, b += ldb, a += lda) {
                __m512 x = _mm512_maskz_loadu_ps(loadMask, b);
                SWIFTRL_UNROLL
                for (int row = 0; row < rows; row++) even[row] = _mm512_fmadd_ps(_mm512_set1_ps(a[row]), x, even[row]);
            }
            continue;
        }
        const float *o = oddA + (size_t)partners[t] * K * lda + m0;
        for (int k = 0; k < K; k++, b += ldb, a += lda, o += lda) {
            __m512 x = _mm512_maskz_loadu_ps(loadMask, b);
            SWIFTRL_UNROLL
            for (int row = 0; row < rows; row++) {
                even[row] = _mm512_fmadd_ps(_mm512_set1_ps(a[row]), x, even[row]);
                odd[row] = _mm512_fmadd_ps(_mm512_set1_ps(o[row]), x, odd[row]);
            }
        }
    }
    const __m512i lowLanes = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i highLanes = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    __mmask16 firstLow = (__mmask16)block->firstMask, firstHigh = (__mmask16)(block->firstMask >> 16);
    __mmask16 secondLow = (__mmask16)block->secondMask, secondHigh = (__mmask16)(block->secondMask >> 16);
    SWIFTRL_UNROLL
    for (int row = 0; row < rows; row++) {
        if (m0 + row >= M) break;
        __m512 shift = bias ? _mm512_set1_ps(bias[m0 + row]) : _mm512_setzero_ps();
        __m512 evens = _mm512_add_ps(even[row], shift), odds = _mm512_add_ps(odd[row], shift);
        if (rectify) {  // NaN stays NaN, as in ConvolutionEpilogue
            evens = _mm512_max_ps(_mm512_setzero_ps(), evens);
            odds = _mm512_max_ps(_mm512_setzero_ps(), odds);
        }
        __m512 low = _mm512_permutex2var_ps(evens, lowLanes, odds), high = _mm512_permutex2var_ps(evens, highLanes, odds);
        float *plane = image + (size_t)(m0 + row) * imagePlane;
        _mm512_mask_storeu_ps(plane + block->first, firstLow, low);
        _mm512_mask_storeu_ps(plane + block->first + 16, firstHigh, high);
        if (block->secondMask) {
            _mm512_mask_storeu_ps(plane + block->second, secondLow, low);
            _mm512_mask_storeu_ps(plane + block->second + 16, secondHigh, high);
        }
    }
}

/// One row parity's tiles over the 16 phase columns from n0, in row blocks of 9 (nine image
/// channels: 18 of the 32 vector registers hold sums) or 8 with a short last block.
__attribute__((target("avx512f")))
static void pairColumns512(int M, int N, int K, int taps, const float *evenA, const float *oddA, long lda,
                           const float *B, long ldb, const long *offsets, const int *partners, int n0,
                           const PairBlock *block, float *image, long imagePlane, const float *bias, int rectify) {
    int rest = N - n0;
    __mmask16 loadMask = rest >= 16 ? 0xFFFF : (__mmask16)((1u << rest) - 1);
#define PAIR_TILE(rows, m0) \
    pairTile512(rows, M, K, taps, evenA, oddA, lda, B, ldb, offsets, partners, m0, n0, loadMask, block, image, imagePlane, bias, rectify)
    SWIFTRL_FOR_ROW_BLOCKS512(M, PAIR_TILE);
#undef PAIR_TILE
}
/// The AVX2 load mask of the first `count` of 8 lanes.
__attribute__((target("avx2"), always_inline))
static inline __m256i laneMask256(int count) {
    __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count < 0 ? 0 : count > 8 ? 8 : count), lanes);
}

/// The AVX2 lane mask of 8 bits of a block's store mask (bit q for lane q).
__attribute__((target("avx2"), always_inline))
static inline __m256i storeMask256(uint32_t bits) {
    const __m256i lanes = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    return _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32((int)(bits & 0xFF)), lanes), lanes);
}

/// Stores the 8 interleaved values `values` (the block's values 8q..8q+7) of one image channel plane.
__attribute__((target("avx2"), always_inline))
static inline void storeEight256(float *plane, const PairBlock *block, int q, __m256 values) {
    uint32_t first = block->firstMask >> (8 * q), second = block->secondMask >> (8 * q);
    if (first & 0xFF) _mm256_maskstore_ps(plane + block->first + 8 * q, storeMask256(first), values);
    if (second & 0xFF) _mm256_maskstore_ps(plane + block->second + 8 * q, storeMask256(second), values);
}

/// `pairTile512` in AVX2 registers: image channels m0..m0+rows-1 (those below M; at most 3, so that
/// 12 sums, two loads and a broadcast fit the 16 vector registers) by the 16 phase columns from n0 as
/// two vectors (loads masked when `masked`, with `rest` columns left), both column phases.
__attribute__((target("avx2,fma"), always_inline))
static inline void pairTile256(int masked, int rest, int rows, int M, int K, int taps, const float *evenA, const float *oddA,
                               long lda, const float *B, long ldb, const long *offsets, const int *partners, int m0, int n0,
                               const PairBlock *block, float *image, long imagePlane, const float *bias, int rectify) {
    __m256 even[3][2], odd[3][2];
    SWIFTRL_UNROLL
    for (int row = 0; row < rows; row++) {
        even[row][0] = even[row][1] = odd[row][0] = odd[row][1] = _mm256_setzero_ps();
    }
    __m256i mask0 = laneMask256(rest), mask1 = laneMask256(rest - 8);
    for (int t = 0; t < taps; t++) {
        const float *b = B + offsets[t] + n0;
        const float *a = evenA + (size_t)t * K * lda + m0;
        const float *o = partners[t] < 0 ? NULL : oddA + (size_t)partners[t] * K * lda + m0;
        for (int k = 0; k < K; k++, b += ldb, a += lda) {
            __m256 x0 = masked ? _mm256_maskload_ps(b, mask0) : _mm256_loadu_ps(b);
            __m256 x1 = masked ? _mm256_maskload_ps(b + 8, mask1) : _mm256_loadu_ps(b + 8);
            SWIFTRL_UNROLL
            for (int row = 0; row < rows; row++) {
                __m256 weight = _mm256_broadcast_ss(a + row);
                even[row][0] = _mm256_fmadd_ps(weight, x0, even[row][0]);
                even[row][1] = _mm256_fmadd_ps(weight, x1, even[row][1]);
            }
            if (o) {
                SWIFTRL_UNROLL
                for (int row = 0; row < rows; row++) {
                    __m256 weight = _mm256_broadcast_ss(o + row);
                    odd[row][0] = _mm256_fmadd_ps(weight, x0, odd[row][0]);
                    odd[row][1] = _mm256_fmadd_ps(weight, x1, odd[row][1]);
                }
                o += lda;
            }
        }
    }
    SWIFTRL_UNROLL
    for (int row = 0; row < rows; row++) {
        if (m0 + row >= M) break;
        __m256 shift = _mm256_set1_ps(bias ? bias[m0 + row] : 0), zero = _mm256_setzero_ps();
        float *plane = image + (size_t)(m0 + row) * imagePlane;
        SWIFTRL_UNROLL
        for (int v = 0; v < 2; v++) {
            __m256 evens = _mm256_add_ps(even[row][v], shift), odds = _mm256_add_ps(odd[row][v], shift);
            if (rectify) { evens = _mm256_max_ps(zero, evens); odds = _mm256_max_ps(zero, odds); }  // NaN stays NaN
            // [e0 o0 e1 o1 | e4 o4 e5 o5] and [e2 o2 e3 o3 | e6 o6 e7 o7], then their halves in order.
            __m256 low = _mm256_unpacklo_ps(evens, odds), high = _mm256_unpackhi_ps(evens, odds);
            storeEight256(plane, block, 2 * v, _mm256_permute2f128_ps(low, high, 0x20));
            storeEight256(plane, block, 2 * v + 1, _mm256_permute2f128_ps(low, high, 0x31));
        }
    }
}

/// `pairColumns512` in AVX2 tiles of 3 image channels (then 1 or 2).
__attribute__((target("avx2,fma")))
static void pairColumns256(int M, int N, int K, int taps, const float *evenA, const float *oddA, long lda,
                           const float *B, long ldb, const long *offsets, const int *partners, int n0,
                           const PairBlock *block, float *image, long imagePlane, const float *bias, int rectify) {
    int rest = N - n0;
#define PAIR_TILE256(masked, rows, m0) \
    pairTile256(masked, rest, rows, M, K, taps, evenA, oddA, lda, B, ldb, offsets, partners, m0, n0, block, image, imagePlane, \
                bias, rectify)
    int m0 = 0;
    if (rest >= 16) {
        for (; M - m0 >= 3; m0 += 3) PAIR_TILE256(0, 3, m0);
        if (M - m0 == 2) PAIR_TILE256(0, 2, m0);
        else if (M - m0 == 1) PAIR_TILE256(0, 1, m0);
    } else {
        for (; M - m0 >= 3; m0 += 3) PAIR_TILE256(1, 3, m0);
        if (M - m0 == 2) PAIR_TILE256(1, 2, m0);
        else if (M - m0 == 1) PAIR_TILE256(1, 1, m0);
    }
#undef PAIR_TILE256
}
#endif

int swiftrl_transposed_correlation_pairs(int level, int M, int N, int K, const int *taps, const float *const *weights, long lda,
                                         const float *B, long ldb, const long *offsets, const int *partners, int phaseWidth,
                                         float *image, int height, int width, const float *bias, int rectify) {
#if defined(__x86_64__)
    if (level < 1 || phaseWidth < 16) return 0;
    for (int n0 = 0; n0 < N; n0 += 16) {
        // Both parities per column block: they read the same upstream rows, still in L1 for the second.
        const long *parityOffsets = offsets;
        const int *parityPartners = partners;
        for (int parity = 0; parity < 2; parity++) {
            PairBlock block = pairBlock(n0, N, phaseWidth, parity, width, height);
            if ((block.firstMask | block.secondMask) && level >= 2)
                pairColumns512(M, N, K, taps[parity], weights[2 * parity], weights[2 * parity + 1], lda, B, ldb, parityOffsets,
                               parityPartners, n0, &block, image, (long)height * width, bias, rectify);
            else if (block.firstMask | block.secondMask)
                pairColumns256(M, N, K, taps[parity], weights[2 * parity], weights[2 * parity + 1], lda, B, ldb, parityOffsets,
                               parityPartners, n0, &block, image, (long)height * width, bias, rectify);
            parityOffsets += taps[parity];
            parityPartners += taps[parity];
        }
    }
    return 1;
#else
    return 0;
#endif
}
