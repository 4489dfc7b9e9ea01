// The weight gradient of the shifted correlation, G_tap += X x (B shifted by the tap's offset)ᵀ, as
// outer products over the columns: one operand comes transposed (positions by channels), so each
// step broadcasts one value per row of the other and multiplies it into a contiguous vector of
// channels. The accumulators are a tile of G (12 rows x 32 channels with AVX-512, 6 x 16 with AVX2)
// that stays in registers over all columns: no horizontal sums, one load and store of G per tile.
// Transposing B suits many input channels; transposing X suits few (9 image channels against 32),
// and then each tile is added to G transposed.
#include "CKernels.h"
// The tiles with a row count known only at run time cannot be fully unrolled; that is expected.
#pragma clang diagnostic ignored "-Wpass-failed"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stddef.h>

/// How a tile reads its broadcast rows: at columns 0..<N (`stride` 0), or, for a stride-2
/// convolution read straight from its image, at every `stride`-th value of image rows `rowLength`
/// columns long, `rowJump` values from the end of one row's reads to the next row's start.
typedef struct {
    int stride, rowLength;
    long rowJump;
} BroadcastWalk;

/// One AVX-512 tile: `rows` (at most 12) broadcast rows (`broadcast`, rows `ldw` apart, read as
/// `walk` says) against `vectors` (1 or 2) vectors of 16 lanes of the transposed operand
/// (`lanes`, rows `ldl` apart), of which `width` lanes count. Added to `g` as [rows][width] (rows
/// `ldg` apart) or, when `transposedStore`, as [width][rows]. Inlined with constant rows, vectors,
/// transposedStore and walk stride, so the accumulators stay in registers.
__attribute__((target("avx512f"), always_inline))
static inline void outerProductTile512(int rows, int vectors, int transposedStore, int N, const float *broadcast, long ldw,
                                       const float *lanes, long ldl, float *g, long ldg, int width, BroadcastWalk walk) {
    __m512 sum0[12], sum1[12];
    SWIFTRL_UNROLL
    for (int i = 0; i < 12; i++) { sum0[i] = _mm512_setzero_ps(); sum1[i] = _mm512_setzero_ps(); }
    const float *b = broadcast;
    int column = 0;
    for (int n = 0; n < N; n++, lanes += ldl) {
        __m512 values0 = _mm512_loadu_ps(lanes);
        __m512 values1 = vectors == 2 ? _mm512_loadu_ps(lanes + 16) : _mm512_setzero_ps();
        SWIFTRL_UNROLL
        for (int i = 0; i < rows; i++) {
            __m512 value = _mm512_set1_ps(walk.stride ? b[i * ldw] : broadcast[i * ldw + n]);
            sum0[i] = _mm512_fmadd_ps(value, values0, sum0[i]);
            if (vectors == 2) sum1[i] = _mm512_fmadd_ps(value, values1, sum1[i]);
        }
        if (walk.stride) {
            b += walk.stride;
            if (++column == walk.rowLength) { column = 0; b += walk.rowJump; }
        }
    }
    if (transposedStore) {
        float tile[32];
        SWIFTRL_UNROLL
        for (int i = 0; i < rows; i++) {
            _mm512_storeu_ps(tile, sum0[i]);
            if (vectors == 2) _mm512_storeu_ps(tile + 16, sum1[i]);
            for (int j = 0; j < width; j++) g[(size_t)j * ldg + i] += tile[j];
        }
        return;
    }
    int tail = width - (vectors - 1) * 16;
    __mmask16 last = tail >= 16 ? 0xFFFF : (__mmask16)((1u << tail) - 1);
    SWIFTRL_UNROLL
    for (int i = 0; i < rows; i++) {
        float *row = g + (size_t)i * ldg;
        if (vectors == 2) {
            _mm512_storeu_ps(row, _mm512_add_ps(_mm512_loadu_ps(row), sum0[i]));
            _mm512_mask_storeu_ps(row + 16, last, _mm512_add_ps(_mm512_maskz_loadu_ps(last, row + 16), sum1[i]));
        } else {
            _mm512_mask_storeu_ps(row, last, _mm512_add_ps(_mm512_maskz_loadu_ps(last, row), sum0[i]));
        }
    }
}

/// Runs the AVX-512 tiles over G for one tap: `broadcastRows` rows against `laneCount` lanes.
/// Whole tiles (12 rows; 8 and 4 for 32 and 9 channels' last tile) get constant shapes.
__attribute__((target("avx512f"), always_inline))
static inline void outerProductTiles512(int transposedStore, int broadcastRows, int laneCount, int N, const float *broadcast, long ldw,
                                        const float *lanes, long ldl, float *g, long ldg, BroadcastWalk walk) {
    for (int l0 = 0; l0 < laneCount; l0 += 32) {
        int width = laneCount - l0 < 32 ? laneCount - l0 : 32, vectors = width > 16 ? 2 : 1;
        for (int r0 = 0; r0 < broadcastRows; r0 += 12) {
            int rows = broadcastRows - r0 < 12 ? broadcastRows - r0 : 12;
            const float *w = broadcast + (size_t)r0 * ldw, *l = lanes + l0;
            float *tile = transposedStore ? g + (size_t)l0 * ldg + r0 : g + (size_t)r0 * ldg + l0;
            if (vectors == 2 && rows == 12) outerProductTile512(12, 2, transposedStore, N, w, ldw, l, ldl, tile, ldg, width, walk);
            else if (vectors == 2 && rows == 9) outerProductTile512(9, 2, transposedStore, N, w, ldw, l, ldl, tile, ldg, width, walk);
            else if (vectors == 2 && rows == 8) outerProductTile512(8, 2, transposedStore, N, w, ldw, l, ldl, tile, ldg, width, walk);
            else if (vectors == 2) outerProductTile512(rows, 2, transposedStore, N, w, ldw, l, ldl, tile, ldg, width, walk);
            else if (rows == 12) outerProductTile512(12, 1, transposedStore, N, w, ldw, l, ldl, tile, ldg, width, walk);
            else outerProductTile512(rows, 1, transposedStore, N, w, ldw, l, ldl, tile, ldg, width, walk);
        }
    }
}

/// One AVX2 tile: as `outerProductTile512` with at most 6 broadcast rows and 16 lanes.
__attribute__((target("avx2,fma"), always_inline))
static inline void outerProductTile256(int rows, int transposedStore, int N, const float *broadcast, long ldw,
                                       const float *lanes, long ldl, float *g, long ldg, int width) {
    __m256 sum0[6], sum1[6];
    SWIFTRL_UNROLL
    for (int i = 0; i < 6; i++) { sum0[i] = _mm256_setzero_ps(); sum1[i] = _mm256_setzero_ps(); }
    for (int n = 0; n < N; n++, lanes += ldl) {
        __m256 values0 = _mm256_loadu_ps(lanes), values1 = _mm256_loadu_ps(lanes + 8);
        SWIFTRL_UNROLL
        for (int i = 0; i < rows; i++) {
            __m256 value = _mm256_broadcast_ss(broadcast + i * ldw + n);
            sum0[i] = _mm256_fmadd_ps(value, values0, sum0[i]);
            sum1[i] = _mm256_fmadd_ps(value, values1, sum1[i]);
        }
    }
    float tile[16];
    SWIFTRL_UNROLL
    for (int i = 0; i < rows; i++) {
        _mm256_storeu_ps(tile, sum0[i]);
        _mm256_storeu_ps(tile + 8, sum1[i]);
        if (transposedStore) for (int j = 0; j < width; j++) g[(size_t)j * ldg + i] += tile[j];
        else for (int j = 0; j < width; j++) g[(size_t)i * ldg + j] += tile[j];
    }
}

/// Runs the AVX2 tiles over G for one tap (whole tiles of 6 rows, and 3 for 9 channels, constant).
__attribute__((target("avx2,fma"), always_inline))
static inline void outerProductTiles256(int transposedStore, int broadcastRows, int laneCount, int N, const float *broadcast, long ldw,
                                        const float *lanes, long ldl, float *g, long ldg) {
    for (int l0 = 0; l0 < laneCount; l0 += 16) {
        int width = laneCount - l0 < 16 ? laneCount - l0 : 16;
        for (int r0 = 0; r0 < broadcastRows; r0 += 6) {
            int rows = broadcastRows - r0 < 6 ? broadcastRows - r0 : 6;
            const float *w = broadcast + (size_t)r0 * ldw, *l = lanes + l0;
            float *tile = transposedStore ? g + (size_t)l0 * ldg + r0 : g + (size_t)r0 * ldg + l0;
            if (rows == 6) outerProductTile256(6, transposedStore, N, w, ldw, l, ldl, tile, ldg, width);
            else if (rows == 3) outerProductTile256(3, transposedStore, N, w, ldw, l, ldl, tile, ldg, width);
            else if (rows == 2) outerProductTile256(2, transposedStore, N, w, ldw, l, ldl, tile, ldg, width);
            else outerProductTile256(rows, transposedStore, N, w, ldw, l, ldl, tile, ldg, width);
        }
    }
}

__attribute__((target("avx512f")))
static void weightGradient512(int transposedX, int M, int K, int N, int taps, const float *X, long ldx, const float *B, long ldb,
                              const long *offsets, float *G) {
    for (int t = 0; t < taps; t++) {
        float *g = G + (size_t)t * M * K;
        if (transposedX) outerProductTiles512(1, K, M, N, B + offsets[t], ldb, X, ldx, g, K, (BroadcastWalk){0, 0, 0});
        else outerProductTiles512(0, M, K, N, X, ldx, B + offsets[t] * ldb, ldb, g, K, (BroadcastWalk){0, 0, 0});
    }
}

/// `weightGradient512` with X transposed and B read straight from a stride-2 convolution's image.
__attribute__((target("avx512f")))
static void weightGradientStrided512(int M, int K, int N, int taps, const float *Xt, long ldxt, const float *image, long plane,
                                     const long *offsets, int fullWidth, long imageWidth, float *G) {
    BroadcastWalk walk = {2, fullWidth, 2 * imageWidth - 2L * fullWidth};
    for (int t = 0; t < taps; t++)
        outerProductTiles512(1, K, M, N, image + offsets[t], plane, Xt, ldxt, G + (size_t)t * M * K, K, walk);
}

__attribute__((target("avx2,fma")))
static void weightGradient256(int transposedX, int M, int K, int N, int taps, const float *X, long ldx, const float *B, long ldb,
                              const long *offsets, float *G) {
    for (int t = 0; t < taps; t++) {
        float *g = G + (size_t)t * M * K;
        if (transposedX) outerProductTiles256(1, K, M, N, B + offsets[t], ldb, X, ldx, g, K);
        else outerProductTiles256(0, M, K, N, X, ldx, B + offsets[t] * ldb, ldb, g, K);
    }
}
#endif

void swiftrl_shifted_weight_gradient(int level, int M, int K, int N, int taps, const float *X, long ldx,
                                     const float *Bt, long ldbt, const long *offsets, float *G) {
#if defined(__x86_64__)
    if (level >= 2) weightGradient512(0, M, K, N, taps, X, ldx, Bt, ldbt, offsets, G);
    else if (level == 1) weightGradient256(0, M, K, N, taps, X, ldx, Bt, ldbt, offsets, G);
#endif
}

void swiftrl_shifted_weight_gradient_transposed(int level, int M, int K, int N, int taps, const float *Xt, long ldxt,
                                                const float *B, long ldb, const long *offsets, float *G) {
#if defined(__x86_64__)
    if (level >= 2) weightGradient512(1, M, K, N, taps, Xt, ldxt, B, ldb, offsets, G);
    else if (level == 1) weightGradient256(1, M, K, N, taps, Xt, ldxt, B, ldb, offsets, G);
#endif
}

int swiftrl_shifted_weight_gradient_strided(int level, int M, int K, int N, int taps, const float *Xt, long ldxt,
                                            const float *image, long plane, const long *offsets, int fullWidth, long imageWidth,
                                            float *G) {
#if defined(__x86_64__)
    if (level >= 2) {
        weightGradientStrided512(M, K, N, taps, Xt, ldxt, image, plane, offsets, fullWidth, imageWidth, G);
        return 1;
    }
#endif
    return 0;
}
