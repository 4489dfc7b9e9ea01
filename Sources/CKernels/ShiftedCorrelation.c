// The shifted correlation C = sum over taps of A_tapᵀ x (B shifted by the tap's offset), computed in
// tiles of accumulators that stay in registers across all taps and input channels: each output value is
// written once, and nothing is packed or copied. AVX-512 tiles are 8 rows x 48 columns, AVX2 tiles
// 4 rows x 16 columns; column tails use masked loads and stores.
#include "CKernels.h"
#include "Tile512.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stddef.h>

/// One AVX-512 tile: rows m0..m0+rows-1 (at most 9; rows of C past M are neither read nor written)
/// by 48 columns from n0 (masked to the `mask`s). Inlined with a constant `rows`, so a short last
/// row block costs its own rows only; 9 rows (9 image channels) use 27 of the 32 vector registers
/// for sums, where 8 + 1 rows would stream every input row twice.
/// Where a column block's values go when the correlation writes its compact output itself (no
/// full-width scratch and no separate epilogue pass): for each of the block's three vectors, its
/// lanes that are real output columns (not a row's scratch columns or past N), their count, and the
/// compact output index of the first; with the bias per row of C and whether to rectify.
typedef struct {
    __mmask16 valid[3];
    int count[3];
    long start[3];
    const float *bias;
    int rectify;
    /// Values to pull into L2 while this call computes (the next image's input; NULL for none), a
    /// slice per column block, and their count.
    const float *prefetch;
    long prefetchCount;
} CompactBlock512;

/// The compact block of the full-width columns n0..n0+47 (of N) with rows `fullWidth` apart, of
/// which the first `columns` of each row are output columns.
static void compactBlock512(int n0, int N, int fullWidth, int columns, CompactBlock512 *block) {
    for (int j = 0; j < 3; j++) {
        int first = n0 + 16 * j;
        long row = first / fullWidth;
        int column = first % fullWidth;
        block->start[j] = row * columns + (column < columns ? column : columns);
        block->valid[j] = 0;
        block->count[j] = 0;
        for (int lane = 0; lane < 16 && first + lane < N; lane++) {
            if (column < columns) { block->valid[j] |= (__mmask16)(1u << lane); block->count[j]++; }
            if (++column == fullWidth) column = 0;
        }
    }
}

/// Stores rows m0..m0+rows-1 (those below M) of a tile's sums as compact output: bias added,
/// rectified if asked, each vector's output lanes packed together (a register compress; the memory
/// form is microcoded on AMD) and stored at their compact index.
__attribute__((target("avx512f"), always_inline))
static inline void storeCompactTile512(int rows, int M, __m512 sum[][3], float *C, long ldc, int m0,
                                       const CompactBlock512 *block) {
    SWIFTRL_UNROLL
    for (int row = 0; row < rows; row++) {
        if (m0 + row >= M) break;
        float *c = C + (size_t)(m0 + row) * ldc;
        __m512 shift = block->bias ? _mm512_set1_ps(block->bias[m0 + row]) : _mm512_setzero_ps();
        SWIFTRL_UNROLL
        for (int j = 0; j < 3; j++) {
            __m512 value = _mm512_add_ps(sum[row][j], shift);
            if (block->rectify) value = _mm512_max_ps(_mm512_setzero_ps(), value);  // NaN stays NaN
            value = _mm512_maskz_compress_ps(block->valid[j], value);
            _mm512_mask_storeu_ps(c + block->start[j], (__mmask16)((1u << block->count[j]) - 1), value);
        }
    }
}

/// One AVX-512 tile, stored full-width (`compact` NULL) or compact.
__attribute__((target("avx512f"), always_inline))
static inline void correlationTile512(int rows, int M, int K, int taps, const float *A, long lda, const float *B, long ldb,
                                      const long *offsets, float *C, long ldc, int accumulate, int m0, int n0,
                                      __mmask16 mask0, __mmask16 mask1, __mmask16 mask2, const CompactBlock512 *compact) {
    __m512 sum[9][3];
    clearTile512(rows, sum);
    for (int t = 0; t < taps; t++) {
        const float *b = B + offsets[t] + n0;
        const float *a = A + (size_t)t * K * lda + m0;
        for (int k = 0; k < K; k++, b += ldb, a += lda) {
            __m512 b0 = _mm512_maskz_loadu_ps(mask0, b);
            __m512 b1 = _mm512_maskz_loadu_ps(mask1, b + 16);
            __m512 b2 = _mm512_maskz_loadu_ps(mask2, b + 32);
            SWIFTRL_UNROLL
            for (int row = 0; row < rows; row++) {
                __m512 weight = _mm512_set1_ps(a[row]);
                sum[row][0] = _mm512_fmadd_ps(weight, b0, sum[row][0]);
                sum[row][1] = _mm512_fmadd_ps(weight, b1, sum[row][1]);
                sum[row][2] = _mm512_fmadd_ps(weight, b2, sum[row][2]);
            }
        }
    }
    if (compact) storeCompactTile512(rows, M, sum, C, ldc, m0, compact);
    else storeTile512(rows, M, sum, C, ldc, accumulate, m0, n0, mask0, mask1, mask2);
}

__attribute__((target("avx512f")))
static void correlation512(int M, int N, int K, int taps, const float *A, long lda, const float *B, long ldb,
                           const long *offsets, float *C, long ldc, int accumulate, const CompactBlock512 *compactOptions,
                           int fullWidth, int columns) {
    CompactBlock512 block;
    const CompactBlock512 *compact = NULL;
    if (compactOptions) { block = *compactOptions; compact = &block; }
    // The values of `prefetch` pulled into L2 per column block (all of them by the last block).
    long prefetchSlice = compact && compact->prefetch ? (compact->prefetchCount + (N + 47) / 48 - 1) / ((N + 47) / 48) : 0;
    for (int n0 = 0; n0 < N; n0 += 48) {
        int rest = N - n0;
        __mmask16 mask0, mask1, mask2;
        blockMasks512(rest, &mask0, &mask1, &mask2);
        if (compact) compactBlock512(n0, N, fullWidth, columns, &block);
        // The next column block's leading edge of every tap's rows, into L2 ahead of use: an image's
        // channels (and a strided convolution's phases) are streams far apart, which the hardware
        // prefetchers miss.
        for (int t = 0; t < taps; t++) {
            long gap = t > 0 ? offsets[t] - offsets[t - 1] : 0;
            if (t > 0 && gap > -48 && gap < 48) continue;
            const float *ahead = B + offsets[t] + n0 + 48;
            for (int k = 0; k < K; k++, ahead += ldb) {
                _mm_prefetch((const char *)ahead, _MM_HINT_T1);
                _mm_prefetch((const char *)(ahead + 16), _MM_HINT_T1);
                _mm_prefetch((const char *)(ahead + 32), _MM_HINT_T1);
            }
        }
        if (prefetchSlice > 0) {
            // The next image's input, a slice per column block: its first column blocks would
            // otherwise wait on every channel's stream at once.
            long first = (long)(n0 / 48) * prefetchSlice;
            long last = first + prefetchSlice < compact->prefetchCount ? first + prefetchSlice : compact->prefetchCount;
            for (long i = first; i < last; i += 16) _mm_prefetch((const char *)(compact->prefetch + i), _MM_HINT_T1);
        }
#define CORRELATION_TILE(rows, m0) \
    correlationTile512(rows, M, K, taps, A, lda, B, ldb, offsets, C, ldc, accumulate, m0, n0, mask0, mask1, mask2, compact)
        SWIFTRL_FOR_ROW_BLOCKS512(M, CORRELATION_TILE);
#undef CORRELATION_TILE
    }
}

/// A lane mask for AVX2 masked loads: the first `count` (clamped to 0...8) lanes set.
__attribute__((target("avx2,fma")))
static inline __m256i laneMask256(int count) {
    __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count < 0 ? 0 : count > 8 ? 8 : count), lanes);
}

/// One AVX2 tile: rows m0..m0+3, columns n0..n0+15 (`masked` and the masks cover a shorter tail).
/// Inlined with a constant `masked`, so whole tiles carry no masks in their registers.
__attribute__((target("avx2,fma"), always_inline))
static inline void correlationTile256(int masked, int rest, int M, int K, int taps, const float *A, long lda,
                                      const float *B, long ldb, const long *offsets, float *C, long ldc,
                                      int accumulate, int m0, int n0) {
    __m256 sum[4][2];
    SWIFTRL_UNROLL
    for (int row = 0; row < 4; row++) { sum[row][0] = _mm256_setzero_ps(); sum[row][1] = _mm256_setzero_ps(); }
    for (int t = 0; t < taps; t++) {
        const float *b = B + offsets[t] + n0;
        const float *a = A + (size_t)t * K * lda + m0;
        for (int k = 0; k < K; k++, b += ldb, a += lda) {
            __m256 b0, b1;
            if (masked) {
                b0 = _mm256_maskload_ps(b, laneMask256(rest));
                b1 = _mm256_maskload_ps(b + 8, laneMask256(rest - 8));
            } else {
                b0 = _mm256_loadu_ps(b); b1 = _mm256_loadu_ps(b + 8);
            }
            SWIFTRL_UNROLL
            for (int row = 0; row < 4; row++) {
                __m256 weight = _mm256_broadcast_ss(a + row);
                sum[row][0] = _mm256_fmadd_ps(weight, b0, sum[row][0]);
                sum[row][1] = _mm256_fmadd_ps(weight, b1, sum[row][1]);
            }
        }
    }
    __m256i mask0 = laneMask256(rest), mask1 = laneMask256(rest - 8);
    SWIFTRL_UNROLL
    for (int row = 0; row < 4 && m0 + row < M; row++) {
        float *c = C + (size_t)(m0 + row) * ldc + n0;
        if (accumulate) {
            sum[row][0] = _mm256_add_ps(sum[row][0], _mm256_maskload_ps(c, mask0));
            sum[row][1] = _mm256_add_ps(sum[row][1], _mm256_maskload_ps(c + 8, mask1));
        }
        _mm256_maskstore_ps(c, mask0, sum[row][0]);
        _mm256_maskstore_ps(c + 8, mask1, sum[row][1]);
    }
}

__attribute__((target("avx2,fma")))
static void correlation256(int M, int N, int K, int taps, const float *A, long lda, const float *B, long ldb,
                           const long *offsets, float *C, long ldc, int accumulate) {
    long maxOffset = 0;
    for (int t = 0; t < taps; t++) if (offsets[t] > maxOffset) maxOffset = offsets[t];
    int n0 = 0;
    for (; n0 + 16 <= N; n0 += 16) {
        // The next column block's leading edge, into L2 ahead of use (as in correlation512).
        const float *ahead = B + maxOffset + n0 + 16;
        for (int k = 0; k < K; k++, ahead += ldb) _mm_prefetch((const char *)ahead, _MM_HINT_T1);
        for (int m0 = 0; m0 < M; m0 += 4)
            correlationTile256(0, 16, M, K, taps, A, lda, B, ldb, offsets, C, ldc, accumulate, m0, n0);
    }
    if (n0 < N)
        for (int m0 = 0; m0 < M; m0 += 4)
            correlationTile256(1, N - n0, M, K, taps, A, lda, B, ldb, offsets, C, ldc, accumulate, m0, n0);
}
#endif

void swiftrl_shifted_correlation(int level, int M, int N, int K, int taps, const float *A, long lda,
                                 const float *B, long ldb, const long *offsets, float *C, long ldc,
                                 int accumulate) {
#if defined(__x86_64__)
    if (level >= 2) correlation512(M, N, K, taps, A, lda, B, ldb, offsets, C, ldc, accumulate, NULL, 0, 0);
    else if (level == 1) correlation256(M, N, K, taps, A, lda, B, ldb, offsets, C, ldc, accumulate);
#endif
}

int swiftrl_shifted_correlation_compact(int level, int M, int N, int K, int taps, const float *A, long lda,
                                        const float *B, long ldb, const long *offsets, float *C, long ldc,
                                        int fullWidth, int columns, const float *bias, int rectify,
                                        const float *prefetch, long prefetchCount) {
#if defined(__x86_64__)
    if (level >= 2) {
        CompactBlock512 options = {.bias = bias, .rectify = rectify, .prefetch = prefetch, .prefetchCount = prefetchCount};
        correlation512(M, N, K, taps, A, lda, B, ldb, offsets, C, ldc, 0, &options, fullWidth, columns);
        return 1;
    }
#endif
    return 0;
}
