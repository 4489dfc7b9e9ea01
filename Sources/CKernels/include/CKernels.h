/// Vector kernels for the learning core, chosen at run time from the CPU's features: for unpadded
/// convolutions a shifted correlation ("implicit GEMM", no im2col matrix) and its weight gradient
/// (AVX-512 and AVX2), a transposition, an sgemm, ELU, tanh and Adam's update (AVX-512). Callers fall back to
/// BLAS or Swift loops when a kernel returns 0 or `swiftrl_kernel_level` is too low.
#ifndef SWIFTRL_CKERNELS_H
#define SWIFTRL_CKERNELS_H

#include <stdint.h>

/// Fully unrolls the loop that follows. Every loop over a register tile's accumulators carries it, so
/// the accumulators stay in registers at any optimisation level (SwiftPM builds C at -O2 in release,
/// where clang's own unrolling left these arrays on the stack and halved the kernels' speed).
#define SWIFTRL_UNROLL _Pragma("clang loop unroll(full)")

/// The widest kernel family this CPU runs: 2 = AVX-512F, 1 = AVX2 with FMA, 0 = neither (or not x86-64).
int swiftrl_kernel_level(void);

/// Shifted correlation at `level` (1 or 2, at most `swiftrl_kernel_level()`): for m < M and n < N,
///   C[m ldc + n] = (accumulate ? C[m ldc + n] : 0)
///                  + sum over t < taps and k < K of A[(t K + k) lda + m] B[k ldb + offsets[t] + n].
/// A holds `taps` matrices [K, lda]; lda is a multiple of 8 and at least M, and the entries of each
/// row past M are zero (they are read, never used).
void swiftrl_shifted_correlation(int level, int M, int N, int K, int taps, const float *A, long lda,
                                 const float *B, long ldb, const long *offsets, float *C, long ldc,
                                 int accumulate);

/// `swiftrl_shifted_correlation` (no accumulation) written compact with its epilogue: of the
/// full-width columns n (rows `fullWidth` apart), those with n mod fullWidth < `columns` go to
/// C[m ldc + (n / fullWidth) columns + n mod fullWidth], plus bias[m] (when bias is not NULL), then
/// max(0, .) when `rectify`. `prefetchCount` values from `prefetch` (the next image's input, or NULL)
/// are pulled into L2 during the call. Returns 1, or 0 (writing nothing) below level 2 (AVX-512).
int swiftrl_shifted_correlation_compact(int level, int M, int N, int K, int taps, const float *A, long lda,
                                        const float *B, long ldb, const long *offsets, float *C, long ldc,
                                        int fullWidth, int columns, const float *bias, int rectify,
                                        const float *prefetch, long prefetchCount);

/// The weight gradient of a shifted correlation at `level`: for t < taps, m < M and k < K,
///   G[(t M + m) K + k] += sum over n < N of X[m ldx + n] Bt[(n + offsets[t]) ldbt + k],
/// where Bt is the correlation's B transposed (positions by channels, made by `swiftrl_transpose`).
void swiftrl_shifted_weight_gradient(int level, int M, int K, int N, int taps, const float *X, long ldx,
                                     const float *Bt, long ldbt, const long *offsets, float *G);

/// The same weight gradient with X given transposed instead of B (better when K is small):
///   G[(t M + m) K + k] += sum over n < N of Xt[n ldxt + m] B[k ldb + offsets[t] + n],
/// where ldxt is a multiple of 16 (entries past M are read, never used).
void swiftrl_shifted_weight_gradient_transposed(int level, int M, int K, int N, int taps, const float *Xt, long ldxt,
                                                const float *B, long ldb, const long *offsets, float *G);

/// The transposed weight gradient of a stride-2 convolution read straight from its image [K][plane]
/// (rows `imageWidth` apart) instead of its phase planes: B[k][offsets[t] + n] above becomes
/// image[k plane + offsets[t] + 2 imageWidth (n / fullWidth) + 2 (n mod fullWidth)], offsets[t] the
/// tap's row imageWidth + column in the kernel. Returns 1, or 0 (nothing done) below level 2.
int swiftrl_shifted_weight_gradient_strided(int level, int M, int K, int N, int taps, const float *Xt, long ldxt,
                                            const float *image, long plane, const long *offsets, int fullWidth, long imageWidth,
                                            float *G);

/// Single-precision GEMM at `level` (only 2, AVX-512, is implemented): C = alpha op(A) op(B) + beta C
/// (+ bias[j] in column j when `bias` is not NULL: a linear layer's bias, added as C is stored) for
/// row-major matrices, op(A) M x K and op(B) K x N, leading dimensions as stored; beta 0 never
/// reads C. Returns 0 (and does nothing) when not run at this level or not a shape it takes (it takes
/// at least 48 columns; at most 24 rows with op(B) = B; at most 16 columns with op(B) = B^T and
/// op(A) = A; at most 24 columns with op(A) = A^T and op(B) = B), so the caller uses BLAS.
int swiftrl_sgemm(int level, int transA, int transB, int M, int N, int K, float alpha, const float *A, long lda,
                  const float *B, long ldb, float beta, float *C, long ldc, const float *bias);

/// Transposition: out[c ldo + r] = in[r ld + c] for r < rows and c < columns, and
/// out[c ldo + r] = 0 for rows <= r < ldo (ldo >= rows pads each output row with zeros).
void swiftrl_transpose(int rows, int columns, const float *in, long ld, float *out, long ldo);

/// A convolution's upstream gradient [channels, rows, columns], transposed to full width for the
/// weight-gradient kernels in one pass: out[(r fullWidth + c) ldo + o] = upstream[(o rows + r)
/// columns + c], zero where mask (the ReLU's output, same layout; NULL for none) is not positive;
/// the scratch rows (columns past `columns`, up to the last row's) and lanes o >= channels are zero;
/// sums[o] += each channel's values written (NULL for none: the bias gradient).
void swiftrl_gradient_transposed(int channels, int rows, int columns, int fullWidth, const float *upstream, const float *mask,
                                 float *sums, float *out, long ldo);

/// even[i] = row[2i], odd[i] = row[2i + 1] for i < pairs (AVX-512 at level 2, AVX2 at level 1, else scalar).
void swiftrl_deinterleave(int level, int pairs, const float *row, float *even, float *odd);

/// row[2i] = even[i] + shift, row[2i + 1] = odd[i] + shift for i < pairs, then max(0, .) when
/// `rectify`: the inverse of `swiftrl_deinterleave` with a transposed convolution's bias and ReLU.
void swiftrl_interleave(int level, int pairs, const float *even, const float *odd, float shift, int rectify, float *row);

/// A stride-2 transposed convolution's forward pass from its four phase correlations (a kernel of at
/// least 2 x 2), written straight into the image [M, height, width]. For row parity p (0, then 1) and
/// phase position n < N (row n / phaseWidth, column n mod phaseWidth of the phase plane), with
///   even[m, n] = sum over t < taps[p], k < K of weights[2p][(t K + k) lda + m] B[k ldb + offsets[t] + n],
///   odd[m, n]  = the same over the taps t with partners[t] >= 0, of weights[2p + 1] at tap partners[t],
/// image[m, 2 row + p, 2 column] = even[m, n] + bias[m] and image[m, 2 row + p, 2 column + 1] =
/// odd[m, n] + bias[m] (bias NULL: none), then max(0, .) when `rectify`; positions past the image are
/// not written. offsets and partners hold parity 0's taps[0] entries, then parity 1's. Returns 1, or 0
/// (writing nothing) below level 1 (AVX2) or when phaseWidth < 16.
int swiftrl_transposed_correlation_pairs(int level, int M, int N, int K, const int *taps, const float *const *weights, long lda,
                                         const float *B, long ldb, const long *offsets, const int *partners, int phaseWidth,
                                         float *image, int height, int width, const float *bias, int rectify);

/// ELU (x for x > 0, alpha (e^x - 1) otherwise) of `count` values at `level` (only 2, AVX-512, is
/// implemented). Returns 0 (and does nothing) when not run at this level.
int swiftrl_elu(int level, const float *x, float *y, long count, float alpha);

/// ELU's gradient from its output y and the upstream gradient g: g for y > 0, else g (y + alpha)
/// (= g alpha e^x), at `level` (only 2, AVX-512). Returns 0 (and does nothing) when not run at this level.
int swiftrl_elu_gradient(int level, const float *g, const float *y, float *result, long count, float alpha);

/// tanh of `count` values at `level` (only 2, AVX-512, is implemented). Returns 0 (and does
/// nothing) when not run at this level.
int swiftrl_tanh(int level, const float *x, float *y, long count);

/// One step of Adam (PyTorch's update with L2 weight decay) over `count` parameters at `level` (only
/// 2, AVX-512, is implemented): g' = g + weightDecay p; m = beta1 m + (1 - beta1) g';
/// v = beta2 v + (1 - beta2) g'^2; p -= stepSize m / (sqrt(v) / biasCorrection2Root + epsilon).
/// Returns 0 (and does nothing) when not run at this level.
int swiftrl_adam(int level, float *p, const float *g, float *m, float *v, long count, float beta1, float beta2, float epsilon,
                 float weightDecay, float stepSize, float biasCorrection2Root);

/// Whether this CPU runs the bfloat16 kernels (AVX512-BF16 and AVX512-BW).
int swiftrl_bfloat16_supported(void);

/// Rounds `channels` rows of `count` floats (rows `ld` apart) to bfloat16 and interleaves them in
/// pairs: target[p ldt + n] holds channel 2p's value at n in its low 16 bits and channel 2p + 1's in
/// its high 16 bits (zero past the last channel). Only when `swiftrl_bfloat16_supported()`.
void swiftrl_pack_bfloat16_pairs(int channels, int count, const float *source, long ld, uint32_t *target, long ldt);

/// `swiftrl_shifted_correlation` over channel pairs in bfloat16 with Float32 sums: A holds `taps`
/// matrices [pairs, lda] and B rows [pairs, ldb] of pairs (made by `swiftrl_pack_bfloat16_pairs`).
/// Only when `swiftrl_bfloat16_supported()`.
void swiftrl_shifted_correlation_bfloat16(int M, int N, int pairs, int taps, const uint32_t *A, long lda, const uint32_t *B,
                                          long ldb, const long *offsets, float *C, long ldc, int accumulate);


/// Copies `rows` rows of `columns` floats from `source` (rows `sourceStride` apart) to `target` (rows
/// `targetStride` apart) and writes `zeros` zeros after each target row: a convolution's compact
/// output from its full-width result, or an image into a padded buffer, in one call instead of a
/// memmove per row (AVX-512 at level 2, else memcpy).
void swiftrl_copy_rows(int level, int rows, int columns, const float *source, long sourceStride, float *target, long targetStride,
                       int zeros);

#endif
