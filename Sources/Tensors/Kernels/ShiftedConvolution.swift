/// Stride-1, unpadded 2-D correlation of one image as kh x kw shifted GEMMs ("implicit GEMM"),
/// which avoids writing and reading an im2col matrix: for kernel tap (i, j), the input plane shifted
/// by i rows and j columns is a contiguous run of each channel, provided outputs are computed on the
/// input's full row width W (the last kw - 1 columns of every output row are then scratch, dropped
/// or zeroed). Used for SAC-AE's stride-1 convolutions and transposed convolutions.
struct ShiftedConvolution {
    /// Input channels, height and width of the plane the kernel slides over.
    let channels: Int, height: Int, width: Int
    /// Output channels and kernel size.
    let outputs: Int, kernelHeight: Int, kernelWidth: Int

    var outputHeight: Int { height - kernelHeight + 1 }
    var outputWidth: Int { width - kernelWidth + 1 }
    /// Columns of the full-width output that are computed: all rows at width W, minus the scratch
    /// columns of the last row (which would read past the plane).
    var fullColumns: Int { outputHeight * width - (kernelWidth - 1) }

    /// Weights [O, C, kh, kw] repacked as kh kw matrices [O, C] (tap-major).
    func packWeights(_ weight: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>) {
        let taps = kernelHeight * kernelWidth
        for output in 0..<outputs {
            for channel in 0..<channels {
                let source = weight + (output * channels + channel) * taps
                for tap in 0..<taps { packed[(tap * outputs + output) * channels + channel] = source[tap] }
            }
        }
    }

    /// Adds packed-weight gradients [kh kw][O, C] back into a [O, C, kh, kw] gradient.
    func unpackWeightGradient(_ packed: UnsafePointer<Float>, into gradient: UnsafeMutablePointer<Float>) {
        let taps = kernelHeight * kernelWidth
        for output in 0..<outputs {
            for channel in 0..<channels {
                let target = gradient + (output * channels + channel) * taps
                for tap in 0..<taps { target[tap] += packed[(tap * outputs + output) * channels + channel] }
            }
        }
    }

    /// full[O, fullColumns (row stride W)] = sum over taps of W_tap [O, C] x input shifted by the tap.
    /// `full` must hold outputHeight * width values; it is overwritten.
    func correlate(input: UnsafePointer<Float>, packedWeights: UnsafePointer<Float>, full: UnsafeMutablePointer<Float>) {
        let plane = height * width, outputPlane = outputHeight * width
        for tap in 0..<(kernelHeight * kernelWidth) {
            let shift = (tap / kernelWidth) * width + tap % kernelWidth
            gemm(transposeA: false, transposeB: false, m: outputs, n: fullColumns, k: channels,
                 a: packedWeights + tap * outputs * channels, lda: channels, b: input + shift, ldb: plane,
                 beta: tap == 0 ? 0 : 1, c: full, ldc: outputPlane)
        }
    }

    /// input[C, H W] += sum over taps of W_tapᵀ [C, O] x full (the adjoint of `correlate`); the
    /// scratch columns of `full` must be zero.
    func correlateTransposed(full: UnsafePointer<Float>, packedWeights: UnsafePointer<Float>, input: UnsafeMutablePointer<Float>) {
        let plane = height * width, outputPlane = outputHeight * width
        for tap in 0..<(kernelHeight * kernelWidth) {
            let shift = (tap / kernelWidth) * width + tap % kernelWidth
            gemm(transposeA: true, transposeB: false, m: channels, n: fullColumns, k: outputs,
                 a: packedWeights + tap * outputs * channels, lda: channels, b: full, ldb: outputPlane,
                 beta: 1, c: input + shift, ldc: plane)
        }
    }

    /// packedGradient[tap][O, C] += full [O, cols] x (input shifted by tap)ᵀ; scratch columns of `full` must be zero.
    func accumulateWeightGradient(full: UnsafePointer<Float>, input: UnsafePointer<Float>, packedGradient: UnsafeMutablePointer<Float>) {
        let plane = height * width, outputPlane = outputHeight * width
        for tap in 0..<(kernelHeight * kernelWidth) {
            let shift = (tap / kernelWidth) * width + tap % kernelWidth
            gemm(transposeA: false, transposeB: true, m: outputs, n: channels, k: fullColumns,
                 a: full, lda: outputPlane, b: input + shift, ldb: plane,
                 beta: 1, c: packedGradient + tap * outputs * channels, ldc: channels)
        }
    }

    /// Copies the valid columns of `full` [O, Ho, W] into `output` [O, Ho, Wo].
    func compact(full: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        for row in 0..<(outputs * outputHeight) {
            let source = full + row * width, target = output + row * outputWidth
            for column in 0..<outputWidth { target[column] = source[column] }
        }
    }

    /// Spreads `output` [O, Ho, Wo] into `full` [O, Ho, W] with zero scratch columns.
    func expand(_ output: UnsafePointer<Float>, into full: UnsafeMutablePointer<Float>) {
        for row in 0..<(outputs * outputHeight) {
            let source = output + row * outputWidth, target = full + row * width
            for column in 0..<outputWidth { target[column] = source[column] }
            for column in outputWidth..<width { target[column] = 0 }
        }
    }
}
