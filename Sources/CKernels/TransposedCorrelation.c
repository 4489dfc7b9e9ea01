// A stride-2 transposed convolution's forward pass written straight into its image: for each row
// parity, the even-column and odd-column phases are summed in one register tile (they read the same
// shifted rows of the upstream values, so every load feeds both), then the bias and ReLU are applied
// and the two phases interleaved in registers and stored into the image's rows. No phase planes are
// written and there is no merge pass: at SAC-AE's last decoder layer (32 -> 9 channels at 84x84)
// that pass cost as much as a fifth of the layer. AVX-512 only; callers fall back to a phase
// correlation per phase and `swiftrl_interleave`.
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
#endif

int swiftrl_transposed_correlation_pairs(int level, int M, int N, int K, const int *taps, const float *const *weights, long lda,
                                         const float *B, long ldb, const long *offsets, const int *partners, int phaseWidth,
                                         float *image, int height, int width, const float *bias, int rectify) {
#if defined(__x86_64__)
    if (level < 2 || phaseWidth < 16) return 0;
    for (int n0 = 0; n0 < N; n0 += 16) {
        // Both parities per column block: they read the same upstream rows, still in L1 for the second.
        const long *parityOffsets = offsets;
        const int *parityPartners = partners;
        for (int parity = 0; parity < 2; parity++) {
            PairBlock block = pairBlock(n0, N, phaseWidth, parity, width, height);
            if (block.firstMask | block.secondMask)
                pairColumns512(M, N, K, taps[parity], weights[2 * parity], weights[2 * parity + 1], lda, B, ldb, parityOffsets,
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
