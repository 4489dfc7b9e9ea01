// ELU (and its gradient) and tanh sixteen lanes at a time with AVX-512: the same polynomials as Tensors' VectorMath
// (Cephes expf and tanhf) with fused multiply-adds and mask registers instead of blends (ELU over
// 256 x 256 elements in about half the time of the eight-lane Swift version).
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

/// e^x for x <= 0 (NaN propagates; below -87.34 it gives about 1e-38): reduction by ln 2, a
/// degree-6 polynomial, and 2^n through the exponent bits.
__attribute__((target("avx512f"), always_inline))
static inline __m512 negativeExp(__m512 x) {
    // max(low, x) returns x when x is NaN (the second operand wins).
    x = _mm512_max_ps(_mm512_set1_ps(-87.33654f), x);
    __m512 magic = _mm512_set1_ps(12582912.0f);
    __m512 shifted = _mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504088896341f), magic);
    __m512 n = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_fmadd_ps(n, _mm512_set1_ps(-0.693359375f), x);
    r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.12194440e-4f), r);
    __m512 z = _mm512_mul_ps(r, r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, z, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    __m512i exponent = _mm512_slli_epi32(_mm512_add_epi32(_mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_set1_epi32(0x4B400000)),
                                                          _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(p, _mm512_castsi512_ps(exponent));
}

__attribute__((target("avx512f")))
static void elu512(const float *x, float *y, long count, float alpha) {
    __m512 scale = _mm512_set1_ps(alpha), zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
    for (long i = 0; i < count; i += 16) {
        __mmask16 mask = count - i >= 16 ? 0xFFFF : (__mmask16)((1u << (count - i)) - 1);
        __m512 value = _mm512_maskz_loadu_ps(mask, x + i);
        __mmask16 positive = _mm512_cmp_ps_mask(value, zero, _CMP_GT_OQ);
        __m512 negative = _mm512_mul_ps(scale, _mm512_sub_ps(negativeExp(_mm512_mask_blend_ps(positive, value, zero)), one));
        _mm512_mask_storeu_ps(y + i, mask, _mm512_mask_blend_ps(positive, negative, value));
    }
}

__attribute__((target("avx512f")))
static void tanh512(const float *x, float *y, long count) {
    __m512 one = _mm512_set1_ps(1.0f);
    __m512i signBit = _mm512_set1_epi32((int)0x80000000u);
    for (long i = 0; i < count; i += 16) {
        __mmask16 mask = count - i >= 16 ? 0xFFFF : (__mmask16)((1u << (count - i)) - 1);
        __m512 value = _mm512_maskz_loadu_ps(mask, x + i);
        __m512i bits = _mm512_castps_si512(value);
        __m512 magnitude = _mm512_castsi512_ps(_mm512_andnot_si512(signBit, bits));
        // |x| >= 0.625: (1 - e^{-2|x|}) / (1 + e^{-2|x|}) with the sign of x.
        __m512 e = negativeExp(_mm512_mul_ps(magnitude, _mm512_set1_ps(-2.0f)));
        __m512 large = _mm512_div_ps(_mm512_sub_ps(one, e), _mm512_add_ps(one, e));
        large = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(large), _mm512_and_si512(signBit, bits)));
        // |x| < 0.625: x + x z p(z), z = x^2.
        __m512 z = _mm512_mul_ps(value, value);
        __m512 p = _mm512_set1_ps(-5.70498872745e-3f);
        p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(2.06390887954e-2f));
        p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-5.37397155531e-2f));
        p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(1.33314422036e-1f));
        p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-3.33332819422e-1f));
        __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(p, z), value, value);
        __mmask16 isSmall = _mm512_cmp_ps_mask(magnitude, _mm512_set1_ps(0.625f), _CMP_LT_OQ);
        __m512 result = _mm512_mask_blend_ps(isSmall, large, small);
        // NaN stays NaN.
        __mmask16 isNaN = _mm512_cmp_ps_mask(value, value, _CMP_UNORD_Q);
        _mm512_mask_storeu_ps(y + i, mask, _mm512_mask_blend_ps(isNaN, result, value));
    }
}

__attribute__((target("avx512f")))
static void eluGradient512(const float *g, const float *y, float *result, long count, float alpha) {
    __m512 scale = _mm512_set1_ps(alpha), zero = _mm512_setzero_ps();
    for (long i = 0; i < count; i += 16) {
        __mmask16 mask = count - i >= 16 ? 0xFFFF : (__mmask16)((1u << (count - i)) - 1);
        __m512 upstream = _mm512_maskz_loadu_ps(mask, g + i), output = _mm512_maskz_loadu_ps(mask, y + i);
        __mmask16 positive = _mm512_cmp_ps_mask(output, zero, _CMP_GT_OQ);
        __m512 negative = _mm512_mul_ps(upstream, _mm512_add_ps(output, scale));
        _mm512_mask_storeu_ps(result + i, mask, _mm512_mask_blend_ps(positive, negative, upstream));
    }
}
#endif

int swiftrl_elu_gradient(int level, const float *g, const float *y, float *result, long count, float alpha) {
#if defined(__x86_64__)
    if (level >= 2) { eluGradient512(g, y, result, count, alpha); return 1; }
#endif
    return 0;
}

int swiftrl_elu(int level, const float *x, float *y, long count, float alpha) {
#if defined(__x86_64__)
    if (level >= 2) { elu512(x, y, count, alpha); return 1; }
#endif
    return 0;
}

int swiftrl_tanh(int level, const float *x, float *y, long count) {
#if defined(__x86_64__)
    if (level >= 2) { tanh512(x, y, count); return 1; }
#endif
    return 0;
}
