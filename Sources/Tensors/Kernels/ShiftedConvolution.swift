import CKernels

/// Stride-1, unpadded 2-D correlation of one image as kh x kw shifted products ("implicit GEMM"),
/// which avoids writing and reading an im2col matrix: for kernel tap (i, j), the input plane shifted
/// by i rows and j columns is a contiguous run of each channel, provided outputs are computed on the
/// input's full row width W (the last kw - 1 columns of every output row are then scratch, dropped
/// or zeroed). The building block of `StridedConvolution`: one per phase (the whole kernel at stride 1).
///
/// The products run in SwiftRL's AVX-512 or AVX2 kernels (`VectorKernels.selected`), which keep
/// each tile of outputs in registers across all taps and channels, or as one BLAS GEMM per tap.
struct ShiftedConvolution {
    /// Input channels, height and width of the plane the kernel slides over.
    let channels: Int, height: Int, width: Int
    /// Output channels and the output's height and width.
    let outputs: Int, outputHeight: Int, outputWidth: Int
    /// Where each tap's weight sits in a [kh kw] kernel (the identity for a whole stride-1 kernel; a
    /// strided convolution's phases take every stride-th tap).
    let kernelTaps: [Int]
    /// The taps of the kernel the weights belong to (kh kw).
    let kernelSize: Int
    /// The kernel family the products use.
    let kernels: VectorKernels.Family
    /// Where each tap reads the plane, i W + j for tap (i, j) (plus its plane's offset when combined).
    let shifts: [Int]
    /// Where each tap reads a padded full-width buffer in the adjoint: margin - shift (empty when
    /// combined: the phases' adjoints write separate planes).
    let adjointShifts: [Int]

    /// A correlation of a tapRows x tapColumns rectangle of taps (weights at `kernelTaps` of a
    /// kernel of `kernelSize` taps) over a plane with at least outputHeight + tapRows - 1 rows and
    /// outputWidth + tapColumns - 1 columns.
    init(
        channels: Int, height: Int, width: Int, outputs: Int, outputHeight: Int, outputWidth: Int,
        tapRows: Int, tapColumns: Int, kernelTaps: [Int], kernelSize: Int,
        kernels: VectorKernels.Family = VectorKernels.selected
    ) {
        precondition(
            kernelTaps.count == tapRows * tapColumns && outputHeight + tapRows - 1 <= height
                && outputWidth + tapColumns - 1 <= width, "shifted correlation: taps do not fit the plane")
        self.channels = channels; self.height = height; self.width = width
        self.outputs = outputs; self.outputHeight = outputHeight; self.outputWidth = outputWidth
        self.kernelTaps = kernelTaps; self.kernelSize = kernelSize
        self.kernels = kernels
        let shifts = (0..<(tapRows * tapColumns)).map { tap in (tap / tapColumns) * width + tap % tapColumns }
        let margin = (height - outputHeight) * width + width - outputWidth
        self.shifts = shifts
        adjointShifts = shifts.map { margin - $0 }
    }

    /// The phases of a strided convolution as one correlation over their planes laid out one after
    /// another, `planeStride` values apart: every phase's taps, each shifted into its own plane. The
    /// forward product and the weight gradient then run as one kernel call over all kh kw taps (one
    /// pass over the outputs, one transposition) instead of one per phase, whose few taps of few
    /// channels (9 image channels x 1-4 taps) leave the kernels loading and storing more than they multiply.
    init(combining parts: [ShiftedConvolution], planeStride: Int) {
        let first = parts[0]
        channels = first.channels; height = first.height; width = first.width
        outputs = first.outputs; outputHeight = first.outputHeight; outputWidth = first.outputWidth
        kernelSize = first.kernelSize; kernels = first.kernels
        kernelTaps = parts.flatMap(\.kernelTaps)
        shifts = parts.enumerated().flatMap { index, part in part.shifts.map { $0 + index * planeStride } }
        adjointShifts = parts.count == 1 ? first.adjointShifts : []
    }

    var taps: Int { kernelTaps.count }
    var plane: Int { height * width }
    /// Columns of the full-width output that are computed: all rows at width W, minus the scratch
    /// columns of the last row (which would read past the plane).
    var fullColumns: Int { outputHeight * width - (width - outputWidth) }
    /// The values of one full-width output image [O, Ho W].
    var fullSize: Int { outputs * outputHeight * width }
    /// The zeros in front of each row of a padded full-width buffer (at least the largest tap shift).
    var margin: Int { (height - outputHeight) * width + width - outputWidth }
    /// The row length of a padded full-width buffer: the margin, then H W values (Ho W of the
    /// full-width output, then zeros).
    var paddedRow: Int { margin + plane }
    /// The values of one padded full-width image [O, paddedRow].
    var paddedSize: Int { outputs * paddedRow }

    /// Weights [O, C, kh, kw] repacked for the kernels: `forward` is [taps][C][O rounded up to 8]
    /// (for `correlate`), `adjoint` is [taps][O][C rounded up to 8] (for `correlateAdjoint`), the
    /// padding zero.
    struct PackedWeights {
        let forward: TensorStorage, forwardStride: Int
        let adjoint: TensorStorage, adjointStride: Int
    }

    /// Repacks weights [O, C, kh, kw] for `correlate` and `correlateAdjoint`.
    func pack(_ weight: UnsafePointer<Float>) -> PackedWeights {
        let forwardStride = (outputs + 7) / 8 * 8, adjointStride = (channels + 7) / 8 * 8
        let forward = TensorStorage(count: taps * channels * forwardStride)
        let adjoint = TensorStorage(count: taps * outputs * adjointStride)
        forward.pointer.update(repeating: 0, count: forward.count)
        adjoint.pointer.update(repeating: 0, count: adjoint.count)
        for output in 0..<outputs {
            for channel in 0..<channels {
                let source = weight + (output * channels + channel) * kernelSize
                for tap in 0..<taps {
                    let value = source[kernelTaps[tap]]
                    forward.pointer[(tap * channels + channel) * forwardStride + output] = value
                    adjoint.pointer[(tap * outputs + output) * adjointStride + channel] = value
                }
            }
        }
        return PackedWeights(forward: forward, forwardStride: forwardStride, adjoint: adjoint, adjointStride: adjointStride)
    }

    /// Adds packed-weight gradients [taps][O, C] back into a [O, C, kh, kw] gradient.
    func unpackWeightGradient(_ packed: UnsafePointer<Float>, into gradient: UnsafeMutablePointer<Float>) {
        for output in 0..<outputs {
            for channel in 0..<channels {
                let target = gradient + (output * channels + channel) * kernelSize
                for tap in 0..<taps { target[kernelTaps[tap]] += packed[(tap * outputs + output) * channels + channel] }
            }
        }
    }

    /// full[O, fullColumns] (rows `fullStride` apart) = sum over taps of W_tap [O, C] x the input
    /// [C, H W] shifted by the tap, added to what `full` holds when `accumulate`; the scratch columns
    /// come out as garbage.
    func correlate(
        input: UnsafePointer<Float>, weights: PackedWeights, full: UnsafeMutablePointer<Float>, fullStride: Int,
        accumulate: Bool = false
    ) {
        if kernels != .blas {
            shifts.withUnsafeBufferPointer { offsets in
                swiftrl_shifted_correlation(
                    Int32(kernels.rawValue), Int32(outputs), Int32(fullColumns), Int32(channels), Int32(taps),
                    weights.forward.pointer, weights.forwardStride, input, plane, offsets.baseAddress,
                    full, fullStride, accumulate ? 1 : 0)
            }
            return
        }
        for tap in 0..<taps {
            gemm(
                transposeA: true, transposeB: false, m: outputs, n: fullColumns, k: channels,
                a: weights.forward.pointer + tap * channels * weights.forwardStride, lda: weights.forwardStride,
                b: input + shifts[tap], ldb: plane, beta: tap == 0 && !accumulate ? 0 : 1, c: full, ldc: fullStride)
        }
    }

    /// output [O, Ho, Wo] = activation(`correlate`'s output columns + bias[o]), stored by the
    /// AVX-512 tiles themselves (no full-width scratch, no epilogue pass); false, with nothing
    /// written, for the other kernel families. `next` (the next image's input, if any) is pulled into
    /// L2 during the call.
    func correlateCompact(
        input: UnsafePointer<Float>, weights: PackedWeights, into output: UnsafeMutablePointer<Float>,
        bias: UnsafePointer<Float>?, activation: ConvolutionActivation, prefetching next: UnsafeBufferPointer<Float>? = nil
    ) -> Bool {
        guard kernels == .avx512 else { return false }
        return shifts.withUnsafeBufferPointer { offsets in
            swiftrl_shifted_correlation_compact(
                Int32(kernels.rawValue), Int32(outputs), Int32(fullColumns), Int32(channels), Int32(taps),
                weights.forward.pointer, weights.forwardStride, input, plane, offsets.baseAddress,
                output, outputHeight * outputWidth, Int32(width), Int32(outputWidth), bias, activation == .relu ? 1 : 0,
                next?.baseAddress, next?.count ?? 0) == 1
        }
    }

    /// input[C, H W] = sum over taps of W_tapᵀ [C, O] x the full-width values shifted back by the tap
    /// (the adjoint of `correlate`), reading a padded buffer [O, paddedRow] made by `expandPadded`.
    func correlateAdjoint(padded: UnsafePointer<Float>, weights: PackedWeights, input: UnsafeMutablePointer<Float>) {
        precondition(adjointShifts.count == taps, "shifted correlation: a combined correlation has no adjoint")
        if kernels != .blas {
            adjointShifts.withUnsafeBufferPointer { offsets in
                swiftrl_shifted_correlation(
                    Int32(kernels.rawValue), Int32(channels), Int32(plane), Int32(outputs), Int32(taps),
                    weights.adjoint.pointer, weights.adjointStride, padded, paddedRow, offsets.baseAddress,
                    input, plane, 0)
            }
            return
        }
        input.update(repeating: 0, count: channels * plane)
        for tap in 0..<taps {
            gemm(
                transposeA: true, transposeB: false, m: channels, n: fullColumns, k: outputs,
                a: weights.adjoint.pointer + tap * outputs * weights.adjointStride, lda: weights.adjointStride,
                b: padded + margin, ldb: paddedRow, beta: 1, c: input + shifts[tap], ldc: plane)
        }
    }

    /// Whether the weight-gradient kernels take the input transposed (at least as many input
    /// channels as outputs) or the upstream values transposed (fewer, such as 9 image channels
    /// against 32 outputs): the transposed operand fills the vector lanes.
    var weightGradientTransposesInput: Bool { channels >= outputs }
    /// The row length of the transposed operand: its channels rounded up to a whole 16-lane vector.
    var weightGradientTransposedStride: Int { ((weightGradientTransposesInput ? channels : outputs) + 15) / 16 * 16 }
    /// The scratch values `accumulateWeightGradient` needs for its transposition.
    var weightGradientScratchSize: Int { (weightGradientTransposesInput ? plane : fullColumns) * weightGradientTransposedStride }

    /// packedGradient[tap][O, C] += full [O, fullColumns] (rows `fullStride` apart, scratch columns
    /// zero) x (the input [C, H W] shifted by the tap)ᵀ; `scratch` holds `weightGradientScratchSize`
    /// values.
    func accumulateWeightGradient(
        full: UnsafePointer<Float>, fullStride: Int, input: UnsafePointer<Float>,
        scratch: UnsafeMutablePointer<Float>, packedGradient: UnsafeMutablePointer<Float>
    ) {
        let level = Int32(kernels.rawValue), stride = weightGradientTransposedStride
        if kernels == .blas {
            for tap in 0..<taps {
                gemm(
                    transposeA: false, transposeB: true, m: outputs, n: channels, k: fullColumns,
                    a: full, lda: fullStride, b: input + shifts[tap], ldb: plane,
                    beta: 1, c: packedGradient + tap * outputs * channels, ldc: channels)
            }
        } else if weightGradientTransposesInput {
            swiftrl_transpose(Int32(channels), Int32(plane), input, plane, scratch, stride)
            shifts.withUnsafeBufferPointer { offsets in
                swiftrl_shifted_weight_gradient(
                    level, Int32(outputs), Int32(channels), Int32(fullColumns), Int32(taps),
                    full, fullStride, scratch, stride, offsets.baseAddress, packedGradient)
            }
        } else {
            swiftrl_transpose(Int32(outputs), Int32(fullColumns), full, fullStride, scratch, stride)
            shifts.withUnsafeBufferPointer { offsets in
                swiftrl_shifted_weight_gradient_transposed(
                    level, Int32(outputs), Int32(channels), Int32(fullColumns), Int32(taps),
                    scratch, stride, input, plane, offsets.baseAddress, packedGradient)
            }
        }
    }

    /// Whether the weight gradient can start from the upstream gradient transposed in one pass
    /// (`transposeUpstream`): the vector kernels with the upstream values as the transposed operand.
    var transposesUpstream: Bool { kernels != .blas && !weightGradientTransposesInput }

    /// scratch (`weightGradientScratchSize` values) = the upstream gradient of the compact output
    /// [O, Ho, Wo] transposed to full width for `accumulateWeightGradient(transposedUpstream:)`, zero
    /// where `mask` (the ReLU's output; nil for none) is not positive; adds each channel's sum to
    /// `channelSums` (the bias gradient) when given. Only when `transposesUpstream`.
    func transposeUpstream(
        _ upstream: UnsafePointer<Float>, mask: UnsafePointer<Float>?, channelSums: UnsafeMutablePointer<Float>?,
        into scratch: UnsafeMutablePointer<Float>
    ) {
        swiftrl_gradient_transposed(
            Int32(outputs), Int32(outputHeight), Int32(outputWidth), Int32(width), upstream, mask, channelSums, scratch,
            weightGradientTransposedStride)
    }

    /// packedGradient[tap][O, C] += the weight gradient from an upstream gradient made by
    /// `transposeUpstream` and the input [C, H W]. Only when `transposesUpstream`.
    func accumulateWeightGradient(
        transposedUpstream: UnsafePointer<Float>, input: UnsafePointer<Float>, packedGradient: UnsafeMutablePointer<Float>
    ) {
        shifts.withUnsafeBufferPointer { offsets in
            swiftrl_shifted_weight_gradient_transposed(
                Int32(kernels.rawValue), Int32(outputs), Int32(channels), Int32(fullColumns), Int32(taps),
                transposedUpstream, weightGradientTransposedStride, input, plane, offsets.baseAddress, packedGradient)
        }
    }

    /// Copies the valid columns of `full` [O, Ho, W] into `output` [O, Ho, Wo].
    func compact(full: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        swiftrl_copy_rows(
            Int32(kernels.rawValue), Int32(outputs * outputHeight), Int32(outputWidth), full, width, output, outputWidth, 0)
    }

    /// Spreads `output` [O, Ho, Wo] into a padded full-width buffer [O, paddedRow]: per output
    /// channel, `margin` zeros, the Ho rows at width W with zero scratch columns, then zeros to the end.
    func expandPadded(_ output: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>) {
        let rowsEnd = margin + outputHeight * width
        for channel in 0..<outputs {
            let target = padded + channel * paddedRow
            target.update(repeating: 0, count: margin)
            swiftrl_copy_rows(
                Int32(kernels.rawValue), Int32(outputHeight), Int32(outputWidth), output + channel * outputHeight * outputWidth,
                outputWidth, target + margin, width, Int32(width - outputWidth))
            (target + rowsEnd).update(repeating: 0, count: paddedRow - rowsEnd)
        }
    }
}
