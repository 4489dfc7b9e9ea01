// Splitting a row into its even and odd entries and merging them back: a stride-2 convolution's
// phase planes (`StridedConvolution.split` and `merge`), 16 pairs per step in AVX-512 registers,
// 8 in AVX2 registers. The merge also adds a bias and rectifies, so a stride-2 transposed
// convolution's epilogue costs no pass of its own.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f")))
static int deinterleave512(int pairs, const float *row, float *even, float *odd) {
    const __m512i evenLanes = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i oddLanes = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    int pair = 0;
    for (; pair + 16 <= pairs; pair += 16) {
        __m512 low = _mm512_loadu_ps(row + 2 * pair), high = _mm512_loadu_ps(row + 2 * pair + 16);
        _mm512_storeu_ps(even + pair, _mm512_permutex2var_ps(low, evenLanes, high));
        _mm512_storeu_ps(odd + pair, _mm512_permutex2var_ps(low, oddLanes, high));
    }
    if (pair < pairs) {  // the tail under masks (a scalar tail was a quarter of the split at width 84)
        int values = 2 * (pairs - pair);
        __mmask16 lowMask = (__mmask16)(values >= 16 ? 0xFFFF : (1u << values) - 1);
        __mmask16 highMask = (__mmask16)(values <= 16 ? 0 : (1u << (values - 16)) - 1);
        __mmask16 outMask = (__mmask16)((1u << (pairs - pair)) - 1);
        __m512 low = _mm512_maskz_loadu_ps(lowMask, row + 2 * pair), high = _mm512_maskz_loadu_ps(highMask, row + 2 * pair + 16);
        _mm512_mask_storeu_ps(even + pair, outMask, _mm512_permutex2var_ps(low, evenLanes, high));
        _mm512_mask_storeu_ps(odd + pair, outMask, _mm512_permutex2var_ps(low, oddLanes, high));
        pair = pairs;
    }
    return pair;
}

/// x + shift, then max(0, .) when `rectify` (a NaN stays NaN, as in ConvolutionEpilogue).
__attribute__((target("avx512f"), always_inline))
static inline __m512 shifted512(__m512 x, __m512 shift, int rectify) {
    x = _mm512_add_ps(x, shift);
    return rectify ? _mm512_max_ps(_mm512_setzero_ps(), x) : x;  // NaN stays NaN
}

__attribute__((target("avx512f")))
static int interleave512(int pairs, const float *even, const float *odd, float shiftValue, int rectify, float *row) {
    const __m512i lowLanes = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i highLanes = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const __m512 shift = _mm512_set1_ps(shiftValue);
    int pair = 0;
    for (; pair + 16 <= pairs; pair += 16) {
        __m512 evens = shifted512(_mm512_loadu_ps(even + pair), shift, rectify);
        __m512 odds = shifted512(_mm512_loadu_ps(odd + pair), shift, rectify);
        _mm512_storeu_ps(row + 2 * pair, _mm512_permutex2var_ps(evens, lowLanes, odds));
        _mm512_storeu_ps(row + 2 * pair + 16, _mm512_permutex2var_ps(evens, highLanes, odds));
    }
    if (pair < pairs) {
        int values = 2 * (pairs - pair);
        __mmask16 inMask = (__mmask16)((1u << (pairs - pair)) - 1);
        __mmask16 lowMask = (__mmask16)(values >= 16 ? 0xFFFF : (1u << values) - 1);
        __mmask16 highMask = (__mmask16)(values <= 16 ? 0 : (1u << (values - 16)) - 1);
        __m512 evens = shifted512(_mm512_maskz_loadu_ps(inMask, even + pair), shift, rectify);
        __m512 odds = shifted512(_mm512_maskz_loadu_ps(inMask, odd + pair), shift, rectify);
        _mm512_mask_storeu_ps(row + 2 * pair, lowMask, _mm512_permutex2var_ps(evens, lowLanes, odds));
        _mm512_mask_storeu_ps(row + 2 * pair + 16, highMask, _mm512_permutex2var_ps(evens, highLanes, odds));
        pair = pairs;
    }
    return pair;
}

__attribute__((target("avx2")))
static int deinterleave256(int pairs, const float *row, float *even, float *odd) {
    int pair = 0;
    for (; pair + 8 <= pairs; pair += 8) {
        __m256 low = _mm256_loadu_ps(row + 2 * pair), high = _mm256_loadu_ps(row + 2 * pair + 8);
        // Per 128-bit lane: [low 0 2, high 0 2 | low 4 6, high 4 6]; the 64-bit blocks then put in order.
        __m256 evens = _mm256_shuffle_ps(low, high, _MM_SHUFFLE(2, 0, 2, 0));
        __m256 odds = _mm256_shuffle_ps(low, high, _MM_SHUFFLE(3, 1, 3, 1));
        _mm256_storeu_ps(even + pair, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(evens), _MM_SHUFFLE(3, 1, 2, 0))));
        _mm256_storeu_ps(odd + pair, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(odds), _MM_SHUFFLE(3, 1, 2, 0))));
    }
    return pair;
}

__attribute__((target("avx2")))
static int interleave256(int pairs, const float *even, const float *odd, float shiftValue, int rectify, float *row) {
    const __m256 shift = _mm256_set1_ps(shiftValue), zero = _mm256_setzero_ps();
    int pair = 0;
    for (; pair + 8 <= pairs; pair += 8) {
        __m256 evens = _mm256_add_ps(_mm256_loadu_ps(even + pair), shift);
        __m256 odds = _mm256_add_ps(_mm256_loadu_ps(odd + pair), shift);
        if (rectify) { evens = _mm256_max_ps(zero, evens); odds = _mm256_max_ps(zero, odds); }  // NaN stays NaN
        // [e0 o0 e1 o1 | e4 o4 e5 o5] and [e2 o2 e3 o3 | e6 o6 e7 o7], then their halves in order.
        __m256 low = _mm256_unpacklo_ps(evens, odds), high = _mm256_unpackhi_ps(evens, odds);
        _mm256_storeu_ps(row + 2 * pair, _mm256_permute2f128_ps(low, high, 0x20));
        _mm256_storeu_ps(row + 2 * pair + 8, _mm256_permute2f128_ps(low, high, 0x31));
    }
    return pair;
}
#endif

void swiftrl_deinterleave(int level, int pairs, const float *row, float *even, float *odd) {
    int pair = 0;
#if defined(__x86_64__)
    if (level >= 2) pair = deinterleave512(pairs, row, even, odd);
    else if (level == 1) pair = deinterleave256(pairs, row, even, odd);
#endif
    for (; pair < pairs; pair++) { even[pair] = row[2 * pair]; odd[pair] = row[2 * pair + 1]; }
}

void swiftrl_interleave(int level, int pairs, const float *even, const float *odd, float shift, int rectify, float *row) {
    int pair = 0;
#if defined(__x86_64__)
    if (level >= 2) pair = interleave512(pairs, even, odd, shift, rectify, row);
    else if (level == 1) pair = interleave256(pairs, even, odd, shift, rectify, row);
#endif
    for (; pair < pairs; pair++) {
        float first = even[pair] + shift, second = odd[pair] + shift;
        row[2 * pair] = rectify && first < 0 ? 0 : first;
        row[2 * pair + 1] = rectify && second < 0 ? 0 : second;
    }
}
