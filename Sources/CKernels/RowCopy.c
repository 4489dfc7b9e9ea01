// Strided row copies for the convolutions' layout changes (full-width results to compact outputs,
// images into padded buffers). Rows are short (35-84 floats) and many (an image has 32 x 41): a
// memmove per row cost more in call overhead than in copying (17% of a transposed convolution).
#include "CKernels.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f")))
static void copyRows512(int rows, int columns, const float *source, long sourceStride, float *target, long targetStride, int zeros) {
    int whole = columns & ~15, rest = columns - whole;
    __mmask16 tail = (__mmask16)((1u << rest) - 1);
    __m512 zero = _mm512_setzero_ps();
    for (int row = 0; row < rows; row++, source += sourceStride, target += targetStride) {
        int column = 0;
        for (; column < whole; column += 16) _mm512_storeu_ps(target + column, _mm512_loadu_ps(source + column));
        if (rest) _mm512_mask_storeu_ps(target + column, tail, _mm512_maskz_loadu_ps(tail, source + column));
        for (int zero0 = 0; zero0 < zeros; zero0 += 16) {
            int count = zeros - zero0 < 16 ? zeros - zero0 : 16;
            _mm512_mask_storeu_ps(target + columns + zero0, (__mmask16)((1u << count) - 1), zero);
        }
    }
}
#endif

void swiftrl_copy_rows(int level, int rows, int columns, const float *source, long sourceStride, float *target, long targetStride,
                       int zeros) {
#if defined(__x86_64__)
    if (level >= 2) {
        copyRows512(rows, columns, source, sourceStride, target, targetStride, zeros);
        return;
    }
#endif
    for (int row = 0; row < rows; row++, source += sourceStride, target += targetStride) {
        memcpy(target, source, sizeof(float) * (size_t)columns);
        if (zeros > 0) memset(target + columns, 0, sizeof(float) * (size_t)zeros);
    }
}
