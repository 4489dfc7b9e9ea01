// The weight gradient of the shifted correlation, G_tap += X x (B shifted by the tap's offset)ᵀ, as
// outer products over the columns: one operand comes transposed (positions by channels), so each
// step broadcasts one value per row of the other and multiplies it into a contiguous vector of
// channels. The accumulators are a tile of G (12 rows x 32 channels with AVX-512, 6 x 16 with AVX2)
// that stays in registers over all columns: no horizontal sums, one load and store of G per tile.
// Transposing B suits many input channels; transposing X suits few (9 image channels against 32).
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stddef.h>

/// One AVX-512 tile: `rows` (at most 12) rows of X against `vectors` (1 or 2) vectors of 16
/// channels of Bt; `last` masks the last vector's channels. Inlined with constant rows and vectors.
__attribute__((target("avx512f"), always_inline))
static inline void gradientTile512(int rows, int vectors, int N, const float *x, long ldx, const float *bt, long ldbt,
                                   float *g, int K, __mmask16 last) {
    __m512 sum0[12], sum1[12];
    for (int i = 0; i < 12; i++) { sum0[i] = _mm512_setzero_ps(); sum1[i] = _mm512_setzero_ps(); }
    for (int n = 0; n < N; n++, bt += ldbt) {
        __m512 channels0 = _mm512_loadu_ps(bt);
        __m512 channels1 = vectors == 2 ? _mm512_loadu_ps(bt + 16) : _mm512_setzero_ps();
        for (int i = 0; i < rows; i++) {
            __m512 value = _mm512_set1_ps(x[i * ldx + n]);
            sum0[i] = _mm512_fmadd_ps(value, channels0, sum0[i]);
            if (vectors == 2) sum1[i] = _mm512_fmadd_ps(value, channels1, sum1[i]);
        }
    }
    for (int i = 0; i < rows; i++) {
        float *row = g + (size_t)i * K;
        if (vectors == 2) {
            _mm512_storeu_ps(row, _mm512_add_ps(_mm512_loadu_ps(row), sum0[i]));
            _mm512_mask_storeu_ps(row + 16, last, _mm512_add_ps(_mm512_maskz_loadu_ps(last, row + 16), sum1[i]));
        } else {
            _mm512_mask_storeu_ps(row, last, _mm512_add_ps(_mm512_maskz_loadu_ps(last, row), sum0[i]));
        }
    }
}

__attribute__((target("avx512f")))
static void weightGradient512(int M, int K, int N, int taps, const float *X, long ldx, const float *Bt, long ldbt,
                              const long *offsets, float *G) {
    for (int t = 0; t < taps; t++) {
        for (int k0 = 0; k0 < K; k0 += 32) {
            int width = K - k0 < 32 ? K - k0 : 32, vectors = width > 16 ? 2 : 1, tail = width - (vectors - 1) * 16;
            __mmask16 last = tail >= 16 ? 0xFFFF : (__mmask16)((1u << tail) - 1);
            for (int m0 = 0; m0 < M; m0 += 12) {
                int rows = M - m0 < 12 ? M - m0 : 12;
                const float *x = X + (size_t)m0 * ldx, *bt = Bt + offsets[t] * ldbt + k0;
                float *g = G + ((size_t)t * M + m0) * K + k0;
                if (vectors == 2 && rows == 12) gradientTile512(12, 2, N, x, ldx, bt, ldbt, g, K, last);
                else if (vectors == 2 && rows == 8) gradientTile512(8, 2, N, x, ldx, bt, ldbt, g, K, last);
                else if (vectors == 2 && rows == 4) gradientTile512(4, 2, N, x, ldx, bt, ldbt, g, K, last);
                else if (vectors == 2) gradientTile512(rows, 2, N, x, ldx, bt, ldbt, g, K, last);
                else if (rows == 12) gradientTile512(12, 1, N, x, ldx, bt, ldbt, g, K, last);
                else gradientTile512(rows, 1, N, x, ldx, bt, ldbt, g, K, last);
            }
        }
    }
}

/// A lane mask for AVX2 masked loads and stores: the first `count` (clamped to 0...8) lanes set.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256i gradientLaneMask(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count < 0 ? 0 : count > 8 ? 8 : count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// One AVX2 tile: `rows` (at most 6) rows of X against 16 channels of Bt, of which `width` are kept.
__attribute__((target("avx2,fma"), always_inline))
static inline void gradientTile256(int rows, int N, const float *x, long ldx, const float *bt, long ldbt, float *g, int K, int width) {
    __m256 sum0[6], sum1[6];
    for (int i = 0; i < 6; i++) { sum0[i] = _mm256_setzero_ps(); sum1[i] = _mm256_setzero_ps(); }
    for (int n = 0; n < N; n++, bt += ldbt) {
        __m256 channels0 = _mm256_loadu_ps(bt), channels1 = _mm256_loadu_ps(bt + 8);
        for (int i = 0; i < rows; i++) {
            __m256 value = _mm256_broadcast_ss(x + i * ldx + n);
            sum0[i] = _mm256_fmadd_ps(value, channels0, sum0[i]);
            sum1[i] = _mm256_fmadd_ps(value, channels1, sum1[i]);
        }
    }
    __m256i mask0 = gradientLaneMask(width), mask1 = gradientLaneMask(width - 8);
    for (int i = 0; i < rows; i++) {
        float *row = g + (size_t)i * K;
        _mm256_maskstore_ps(row, mask0, _mm256_add_ps(_mm256_maskload_ps(row, mask0), sum0[i]));
        _mm256_maskstore_ps(row + 8, mask1, _mm256_add_ps(_mm256_maskload_ps(row + 8, mask1), sum1[i]));
    }
}

__attribute__((target("avx2,fma")))
static void weightGradient256(int M, int K, int N, int taps, const float *X, long ldx, const float *Bt, long ldbt,
                              const long *offsets, float *G) {
    for (int t = 0; t < taps; t++) {
        for (int k0 = 0; k0 < K; k0 += 16) {
            int width = K - k0 < 16 ? K - k0 : 16;
            for (int m0 = 0; m0 < M; m0 += 6) {
                int rows = M - m0 < 6 ? M - m0 : 6;
                const float *x = X + (size_t)m0 * ldx, *bt = Bt + offsets[t] * ldbt + k0;
                float *g = G + ((size_t)t * M + m0) * K + k0;
                if (rows == 6) gradientTile256(6, N, x, ldx, bt, ldbt, g, K, width);
                else if (rows == 2) gradientTile256(2, N, x, ldx, bt, ldbt, g, K, width);
                else gradientTile256(rows, N, x, ldx, bt, ldbt, g, K, width);
            }
        }
    }
}
/// One AVX-512 tile of the transposed form: `rows` (at most 12) rows of B, shifted by the tap,
/// against `vectors` (1 or 2) vectors of 16 rows of X taken from Xt; `last` masks the last vector.
/// The tile is [rows][vectors x 16] and is added to G [M][K] transposed.
__attribute__((target("avx512f"), always_inline))
static inline void transposedTile512(int rows, int vectors, int N, const float *xt, long ldxt, const float *b, long ldb,
                                     float *g, int K, int columns) {
    __m512 sum0[12], sum1[12];
    for (int i = 0; i < 12; i++) { sum0[i] = _mm512_setzero_ps(); sum1[i] = _mm512_setzero_ps(); }
    for (int n = 0; n < N; n++, xt += ldxt) {
        __m512 values0 = _mm512_loadu_ps(xt);
        __m512 values1 = vectors == 2 ? _mm512_loadu_ps(xt + 16) : _mm512_setzero_ps();
        for (int i = 0; i < rows; i++) {
            __m512 input = _mm512_set1_ps(b[i * ldb + n]);
            sum0[i] = _mm512_fmadd_ps(input, values0, sum0[i]);
            if (vectors == 2) sum1[i] = _mm512_fmadd_ps(input, values1, sum1[i]);
        }
    }
    float tile[32];
    for (int i = 0; i < rows; i++) {
        _mm512_storeu_ps(tile, sum0[i]);
        if (vectors == 2) _mm512_storeu_ps(tile + 16, sum1[i]);
        for (int j = 0; j < columns; j++) g[(size_t)j * K + i] += tile[j];
    }
}

__attribute__((target("avx512f")))
static void transposedWeightGradient512(int M, int K, int N, int taps, const float *Xt, long ldxt, const float *B, long ldb,
                                        const long *offsets, float *G) {
    for (int t = 0; t < taps; t++) {
        for (int m0 = 0; m0 < M; m0 += 32) {
            int columns = M - m0 < 32 ? M - m0 : 32, vectors = columns > 16 ? 2 : 1;
            for (int k0 = 0; k0 < K; k0 += 12) {
                int rows = K - k0 < 12 ? K - k0 : 12;
                const float *xt = Xt + m0, *b = B + (size_t)k0 * ldb + offsets[t];
                float *g = G + ((size_t)t * M + m0) * K + k0;
                if (vectors == 2 && rows == 12) transposedTile512(12, 2, N, xt, ldxt, b, ldb, g, K, columns);
                else if (vectors == 2 && rows == 9) transposedTile512(9, 2, N, xt, ldxt, b, ldb, g, K, columns);
                else if (vectors == 2) transposedTile512(rows, 2, N, xt, ldxt, b, ldb, g, K, columns);
                else transposedTile512(rows, 1, N, xt, ldxt, b, ldb, g, K, columns);
            }
        }
    }
}

/// One AVX2 tile of the transposed form: `rows` (at most 6) rows of B against 16 rows of X from Xt.
__attribute__((target("avx2,fma"), always_inline))
static inline void transposedTile256(int rows, int N, const float *xt, long ldxt, const float *b, long ldb, float *g, int K, int columns) {
    __m256 sum0[6], sum1[6];
    for (int i = 0; i < 6; i++) { sum0[i] = _mm256_setzero_ps(); sum1[i] = _mm256_setzero_ps(); }
    for (int n = 0; n < N; n++, xt += ldxt) {
        __m256 values0 = _mm256_loadu_ps(xt), values1 = _mm256_loadu_ps(xt + 8);
        for (int i = 0; i < rows; i++) {
            __m256 input = _mm256_broadcast_ss(b + i * ldb + n);
            sum0[i] = _mm256_fmadd_ps(input, values0, sum0[i]);
            sum1[i] = _mm256_fmadd_ps(input, values1, sum1[i]);
        }
    }
    float tile[16];
    for (int i = 0; i < rows; i++) {
        _mm256_storeu_ps(tile, sum0[i]);
        _mm256_storeu_ps(tile + 8, sum1[i]);
        for (int j = 0; j < columns; j++) g[(size_t)j * K + i] += tile[j];
    }
}

__attribute__((target("avx2,fma")))
static void transposedWeightGradient256(int M, int K, int N, int taps, const float *Xt, long ldxt, const float *B, long ldb,
                                        const long *offsets, float *G) {
    for (int t = 0; t < taps; t++) {
        for (int m0 = 0; m0 < M; m0 += 16) {
            int columns = M - m0 < 16 ? M - m0 : 16;
            for (int k0 = 0; k0 < K; k0 += 6) {
                int rows = K - k0 < 6 ? K - k0 : 6;
                const float *xt = Xt + m0, *b = B + (size_t)k0 * ldb + offsets[t];
                float *g = G + ((size_t)t * M + m0) * K + k0;
                if (rows == 6) transposedTile256(6, N, xt, ldxt, b, ldb, g, K, columns);
                else if (rows == 3) transposedTile256(3, N, xt, ldxt, b, ldb, g, K, columns);
                else transposedTile256(rows, N, xt, ldxt, b, ldb, g, K, columns);
            }
        }
    }
}
#endif

void swiftrl_shifted_weight_gradient(int level, int M, int K, int N, int taps, const float *X, long ldx,
                                     const float *Bt, long ldbt, const long *offsets, float *G) {
#if defined(__x86_64__)
    if (level >= 2) weightGradient512(M, K, N, taps, X, ldx, Bt, ldbt, offsets, G);
    else if (level == 1) weightGradient256(M, K, N, taps, X, ldx, Bt, ldbt, offsets, G);
#endif
}

void swiftrl_shifted_weight_gradient_transposed(int level, int M, int K, int N, int taps, const float *Xt, long ldxt,
                                                const float *B, long ldb, const long *offsets, float *G) {
#if defined(__x86_64__)
    if (level >= 2) transposedWeightGradient512(M, K, N, taps, Xt, ldxt, B, ldb, offsets, G);
    else if (level == 1) transposedWeightGradient256(M, K, N, taps, Xt, ldxt, B, ldb, offsets, G);
#endif
}
