// The shifted correlation of ShiftedCorrelation.c with bfloat16 inputs and Float32 sums (AVX512-BF16):
// each VDPBF16PS multiplies pairs of channels, so a tile takes half the steps of the Float32 kernel.
// Inputs are rounded to bfloat16 (8 significant bits) once, by `swiftrl_pack_bfloat16_pairs`; sums
// stay Float32. An experiment measured beside the Float32 kernel (`swiftrl bench conv --bfloat16`).
#include "CKernels.h"
#include "Tile512.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stddef.h>

int swiftrl_bfloat16_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512bw");
}

/// target[p ldt + n] = (bf16(source[2p ld + n]) | bf16(source[(2p + 1) ld + n]) << 16): channel pairs
/// interleaved per position, rounded to nearest even (a missing odd channel is zero).
__attribute__((target("avx512f,avx512bw,avx512bf16")))
void swiftrl_pack_bfloat16_pairs(int channels, int count, const float *source, long ld, uint32_t *target, long ldt) {
    // After cvtne2ps(odd, even): lanes 0-15 are the even channel's values, 16-31 the odd's; this
    // permutation puts each position's two values next to each other.
    static const unsigned short order[32] = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23,
                                             8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};
    __m512i permutation = _mm512_loadu_si512(order);
    for (int pair = 0; pair < (channels + 1) / 2; pair++) {
        const float *even = source + (size_t)(2 * pair) * ld;
        const float *odd = 2 * pair + 1 < channels ? even + ld : NULL;
        uint32_t *out = target + (size_t)pair * ldt;
        for (int n = 0; n < count; n += 16) {
            int rest = count - n;
            __mmask16 mask = rest >= 16 ? 0xFFFF : (__mmask16)((1u << rest) - 1);
            __m512 low = _mm512_maskz_loadu_ps(mask, even + n);
            __m512 high = odd ? _mm512_maskz_loadu_ps(mask, odd + n) : _mm512_setzero_ps();
            __m512i packed = (__m512i)_mm512_cvtne2ps_pbh(high, low);
            _mm512_mask_storeu_epi32(out + n, mask, _mm512_permutexvar_epi16(permutation, packed));
        }
    }
}

__attribute__((target("avx512f,avx512bw,avx512bf16"), always_inline))
static inline void tileBFloat16(int rows, int M, int pairs, int taps, const uint32_t *A, long lda, const uint32_t *B, long ldb,
                                const long *offsets, float *C, long ldc, int accumulate, int m0, int n0,
                                __mmask16 mask0, __mmask16 mask1, __mmask16 mask2) {
    __m512 sum[8][3];
    clearTile512(rows, sum);
    for (int t = 0; t < taps; t++) {
        const uint32_t *b = B + offsets[t] + n0;
        const uint32_t *a = A + (size_t)t * pairs * lda + m0;
        for (int p = 0; p < pairs; p++, b += ldb, a += lda) {
            __m512bh b0 = (__m512bh)_mm512_maskz_loadu_epi32(mask0, b);
            __m512bh b1 = (__m512bh)_mm512_maskz_loadu_epi32(mask1, b + 16);
            __m512bh b2 = (__m512bh)_mm512_maskz_loadu_epi32(mask2, b + 32);
            SWIFTRL_UNROLL
            for (int row = 0; row < rows; row++) {
                __m512bh weight = (__m512bh)_mm512_set1_epi32((int)a[row]);
                sum[row][0] = _mm512_dpbf16_ps(sum[row][0], weight, b0);
                sum[row][1] = _mm512_dpbf16_ps(sum[row][1], weight, b1);
                sum[row][2] = _mm512_dpbf16_ps(sum[row][2], weight, b2);
            }
        }
    }
    storeTile512(rows, M, sum, C, ldc, accumulate, m0, n0, mask0, mask1, mask2);
}

__attribute__((target("avx512f,avx512bw,avx512bf16")))
void swiftrl_shifted_correlation_bfloat16(int M, int N, int pairs, int taps, const uint32_t *A, long lda, const uint32_t *B,
                                          long ldb, const long *offsets, float *C, long ldc, int accumulate) {
    for (int n0 = 0; n0 < N; n0 += 48) {
        int rest = N - n0;
        __mmask16 mask0, mask1, mask2;
        blockMasks512(rest, &mask0, &mask1, &mask2);
        int m0 = 0;
        for (; m0 + 8 <= M; m0 += 8)
            tileBFloat16(8, M, pairs, taps, A, lda, B, ldb, offsets, C, ldc, accumulate, m0, n0, mask0, mask1, mask2);
        int left = M - m0;
        if (left == 1) tileBFloat16(1, M, pairs, taps, A, lda, B, ldb, offsets, C, ldc, accumulate, m0, n0, mask0, mask1, mask2);
        else if (left > 1 && left <= 4)
            tileBFloat16(4, M, pairs, taps, A, lda, B, ldb, offsets, C, ldc, accumulate, m0, n0, mask0, mask1, mask2);
        else if (left > 4) tileBFloat16(8, M, pairs, taps, A, lda, B, ldb, offsets, C, ldc, accumulate, m0, n0, mask0, mask1, mask2);
    }
}
#else
int swiftrl_bfloat16_supported(void) { return 0; }
void swiftrl_pack_bfloat16_pairs(int channels, int count, const float *source, long ld, uint32_t *target, long ldt) {}
void swiftrl_shifted_correlation_bfloat16(int M, int N, int pairs, int taps, const uint32_t *A, long lda, const uint32_t *B,
                                          long ldb, const long *offsets, float *C, long ldc, int accumulate) {}
#endif
