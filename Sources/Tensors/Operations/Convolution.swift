extension Tensor {
    /// 2-D convolution (PyTorch's conv2d, cross-correlation): input [N, C, H, W], weight
    /// [O, C, kh, kw], bias [O] -> [N, O, Ho, Wo] with Ho = (H + 2 padding - kh) / stride + 1.
    /// Without padding, computed per image as shifted correlations (`ShiftedConvolution`, by phase
    /// when strided: `StridedConvolution`); with padding as im2col + one GEMM. Images are split
    /// across the BLAS threads. `activation` is applied in the same pass as the bias (without padding).
    public func conv2d(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, activation: ConvolutionActivation = .identity
    ) throws -> Tensor {
        guard rank == 4, weight.rank == 4, shape[1] == weight.shape[1] else {
            throw TensorError.shapeMismatch(
                "conv2d: input \(describe(shape)) does not fit weight \(describe(weight.shape)) (expected input [N, \(weight.rank == 4 ? weight.shape[1] : 0), H, W])"
            )
        }
        guard stride >= 1, padding >= 0 else {
            throw TensorError.invalidArgument("conv2d: stride must be >= 1 and padding >= 0, got \(stride) and \(padding)")
        }
        let batch = shape[0], outputs = weight.shape[0]
        let g = ConvolutionGeometry(
            channels: shape[1], height: shape[2], width: shape[3],
            kernelHeight: weight.shape[2], kernelWidth: weight.shape[3], stride: stride, padding: padding,
            outputHeight: (shape[2] + 2 * padding - weight.shape[2]) / stride + 1,
            outputWidth: (shape[3] + 2 * padding - weight.shape[3]) / stride + 1)
        guard g.outputHeight > 0, g.outputWidth > 0 else {
            throw TensorError.shapeMismatch("conv2d: kernel \(describe(weight.shape)) is larger than the padded input \(describe(shape))")
        }
        if let bias, bias.shape != [outputs] {
            throw TensorError.shapeMismatch("conv2d: bias \(describe(bias.shape)) does not fit weight \(describe(weight.shape))")
        }
        if padding == 0 {
            return unpaddedConv2d(weight: weight, bias: bias, stride: stride, activation: activation)
        }
        if activation == .relu { return try conv2d(weight: weight, bias: bias, stride: stride, padding: padding).relu() }
        let result = Tensor(uninitializedShape: [batch, outputs, g.outputHeight, g.outputWidth])
        let imageSize = g.channels * g.height * g.width, outputSize = outputs * g.columnColumns
        let input = self
        parallelFor(count: batch) { _, images in
            TensorStorage.withScratch(count: g.columnRows * g.columnColumns) { columns in
                for image in images {
                    im2col(input.pointer + image * imageSize, g, columns)
                    let target = result.pointer + image * outputSize
                    if let bias {
                        for channel in 0..<outputs {
                            let plane = target + channel * g.columnColumns, value = bias.pointer[channel]
                            for index in 0..<g.columnColumns { plane[index] = value }
                        }
                    }
                    gemm(
                        transposeA: false, transposeB: false, m: outputs, n: g.columnColumns, k: g.columnRows,
                        a: weight.pointer, lda: g.columnRows, b: columns, ldb: g.columnColumns,
                        beta: bias == nil ? 0 : 1, c: target, ldc: g.columnColumns)
                }
            }
        }
        record(result, bias.map { [input, weight, $0] } ?? [input, weight]) { gradient in
            let gradientInput = input.requiresGradient ? Tensor(uninitializedShape: input.shape) : nil
            let workers = Swift.min(BLASThreads.count, batch)
            // One partial weight gradient per worker, summed afterwards.
            let partials = (0..<workers).map { _ in Tensor.zeros(weight.shape) }
            parallelFor(count: batch, workers: workers) { worker, images in
                TensorStorage.withScratch(count: g.columnRows * g.columnColumns) { columns in
                    let gradientWeight = partials[worker]
                    for image in images {
                        let upstream = gradient.pointer + image * outputSize
                        if weight.requiresGradient {
                            im2col(input.pointer + image * imageSize, g, columns)
                            gemm(
                                transposeA: false, transposeB: true, m: outputs, n: g.columnRows, k: g.columnColumns,
                                a: upstream, lda: g.columnColumns, b: columns, ldb: g.columnColumns,
                                beta: 1, c: gradientWeight.pointer, ldc: g.columnRows)
                        }
                        if let gradientInput {
                            gemm(
                                transposeA: true, transposeB: false, m: g.columnRows, n: g.columnColumns, k: outputs,
                                a: weight.pointer, lda: g.columnRows, b: upstream, ldb: g.columnColumns,
                                c: columns, ldc: g.columnColumns)
                            let target = gradientInput.pointer + image * imageSize
                            target.update(repeating: 0, count: imageSize)
                            col2im(columns, g, target)
                        }
                    }
                }
            }
            var gradients: [Tensor?] = [gradientInput, sumOfPartials(partials)]
            if bias != nil { gradients.append(channelSums(gradient)) }
            return gradients
        }
        return result
    }

    /// 2-D transposed convolution (PyTorch's conv_transpose2d): input [N, Cin, H, W], weight
    /// [Cin, Cout, kh, kw], bias [Cout] -> [N, Cout, Ho, Wo] with
    /// Ho = (H - 1) stride - 2 padding + kh + outputPadding. Without padding, computed per image as
    /// the adjoint of a shifted correlation (by phase when strided); with padding as GEMM + col2im.
    /// Images are split across the BLAS threads. `activation` is applied in the same pass as the bias
    /// (without padding).
    public func convTranspose2d(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
        outputPadding: Int = 0, activation: ConvolutionActivation = .identity
    ) throws -> Tensor {
        guard rank == 4, weight.rank == 4, shape[1] == weight.shape[0] else {
            throw TensorError.shapeMismatch(
                "conv_transpose2d: input \(describe(shape)) does not fit weight \(describe(weight.shape)) (expected input [N, \(weight.rank == 4 ? weight.shape[0] : 0), H, W])"
            )
        }
        guard stride >= 1, padding >= 0, outputPadding >= 0, outputPadding < stride || outputPadding == 0 else {
            throw TensorError.invalidArgument(
                "conv_transpose2d: needs stride >= 1, padding >= 0 and 0 <= output padding < stride, got \(stride), \(padding), \(outputPadding)"
            )
        }
        let batch = shape[0], inputs = shape[1], outputs = weight.shape[1]
        let height = (shape[2] - 1) * stride - 2 * padding + weight.shape[2] + outputPadding
        let width = (shape[3] - 1) * stride - 2 * padding + weight.shape[3] + outputPadding
        guard height > 0, width > 0 else {
            throw TensorError.shapeMismatch(
                "conv_transpose2d: input \(describe(shape)) with weight \(describe(weight.shape)) gives an empty output")
        }
        if let bias, bias.shape != [outputs] {
            throw TensorError.shapeMismatch("conv_transpose2d: bias \(describe(bias.shape)) does not fit weight \(describe(weight.shape))")
        }
        if padding == 0 {
            return unpaddedConvTranspose2d(weight: weight, bias: bias, stride: stride, height: height, width: width, activation: activation)
        }
        if activation == .relu {
            return try convTranspose2d(weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding).relu()
        }
        // The output plays the part of a convolution's input: its columns are Wᵀ x.
        let g = ConvolutionGeometry(
            channels: outputs, height: height, width: width,
            kernelHeight: weight.shape[2], kernelWidth: weight.shape[3], stride: stride, padding: padding,
            outputHeight: shape[2], outputWidth: shape[3])
        let result = Tensor(uninitializedShape: [batch, outputs, height, width])
        let imageSize = inputs * g.columnColumns, outputSize = outputs * height * width
        let input = self
        parallelFor(count: batch) { _, images in
            TensorStorage.withScratch(count: g.columnRows * g.columnColumns) { columns in
                for image in images {
                    gemm(
                        transposeA: true, transposeB: false, m: g.columnRows, n: g.columnColumns, k: inputs,
                        a: weight.pointer, lda: g.columnRows, b: input.pointer + image * imageSize, ldb: g.columnColumns,
                        c: columns, ldc: g.columnColumns)
                    let target = result.pointer + image * outputSize
                    if let bias {
                        for channel in 0..<outputs {
                            let plane = target + channel * height * width, value = bias.pointer[channel]
                            for index in 0..<(height * width) { plane[index] = value }
                        }
                    } else {
                        target.update(repeating: 0, count: outputSize)
                    }
                    col2im(columns, g, target)
                }
            }
        }
        record(result, bias.map { [input, weight, $0] } ?? [input, weight]) { gradient in
            let gradientInput = input.requiresGradient ? Tensor(uninitializedShape: input.shape) : nil
            let workers = Swift.min(BLASThreads.count, batch)
            let partials = (0..<workers).map { _ in Tensor.zeros(weight.shape) }
            parallelFor(count: batch, workers: workers) { worker, images in
                TensorStorage.withScratch(count: g.columnRows * g.columnColumns) { columns in
                    let gradientWeight = partials[worker]
                    for image in images {
                        im2col(gradient.pointer + image * outputSize, g, columns)
                        if let gradientInput {
                            gemm(
                                transposeA: false, transposeB: false, m: inputs, n: g.columnColumns, k: g.columnRows,
                                a: weight.pointer, lda: g.columnRows, b: columns, ldb: g.columnColumns,
                                c: gradientInput.pointer + image * imageSize, ldc: g.columnColumns)
                        }
                        if weight.requiresGradient {
                            gemm(
                                transposeA: false, transposeB: true, m: inputs, n: g.columnRows, k: g.columnColumns,
                                a: input.pointer + image * imageSize, lda: g.columnColumns, b: columns, ldb: g.columnColumns,
                                beta: 1, c: gradientWeight.pointer, ldc: g.columnRows)
                        }
                    }
                }
            }
            var gradients: [Tensor?] = [gradientInput, sumOfPartials(partials)]
            if bias != nil { gradients.append(channelSums(gradient)) }
            return gradients
        }
        return result
    }
}

/// Zeroed per-worker buffers for packed weight gradients (as many values as the weight), one per
/// worker that a batch of `batch` images is split across.
func packedGradientPartials(_ weight: Tensor, batch: Int) -> [Tensor] {
    (0..<Swift.min(BLASThreads.count, batch)).map { _ in Tensor.zeros([weight.count]) }
}

/// A convolution's gradients [input, weight, bias when `biasPartials` are given]: the workers'
/// packed weight gradients summed and unpacked by `unpack` into the weight's layout, and the
/// workers' per-channel sums of the upstream gradient summed.
func convolutionGradients(
    input: Tensor?, weight: Tensor, partials: [Tensor],
    unpack: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void, biasPartials: [Tensor]?
) -> [Tensor?] {
    let gradientWeight = Tensor.zeros(weight.shape)
    // The sum must outlive the read of its pointer (see `TensorStorage` on lifetimes): released there,
    // its 4 KB block went back to malloc and the weight gradient began with NaNs.
    withExtendedLifetime(sumOfPartials(partials)) { summed in unpack(summed.pointer, gradientWeight.pointer) }
    var gradients: [Tensor?] = [input, gradientWeight]
    if let biasPartials { gradients.append(sumOfPartials(biasPartials)) }
    return gradients
}

/// The element-wise sum of per-worker partial results.
func sumOfPartials(_ partials: [Tensor]) -> Tensor {
    let result = partials[0]
    for partial in partials.dropFirst() {
        for index in 0..<result.count { result.pointer[index] += partial.pointer[index] }
    }
    return result
}

/// Sums an [N, C, H, W] tensor over N, H and W (the gradient of a per-channel bias).
func channelSums(_ tensor: Tensor) -> Tensor {
    channelSums(tensor, outer: tensor.shape[0], middle: tensor.shape[1], inner: tensor.shape[2] * tensor.shape[3])
}

/// Sums a tensor laid out [outer, middle, inner] over its outer and inner axes: [middle], one total
/// per channel (split over the outer axis across the kernel threads).
func channelSums(_ tensor: Tensor, outer: Int, middle: Int, inner: Int) -> Tensor {
    let workers = Swift.max(1, Swift.min(BLASThreads.count, outer))
    let partials = (0..<workers).map { _ in Tensor.zeros([middle]) }
    parallelFor(count: outer, workers: workers) { worker, blocks in
        let result = partials[worker].pointer
        for block in blocks {
            for channel in 0..<middle {
                let source = tensor.pointer + (block * middle + channel) * inner
                // Eight partial sums let the compiler vectorise the reduction.
                var lanes = SIMD8<Float>(repeating: 0)
                var index = 0
                while index + 8 <= inner {
                    lanes += UnsafeRawPointer(source + index).loadUnaligned(as: SIMD8<Float>.self)
                    index += 8
                }
                var total = lanes.sum()
                while index < inner { total += source[index]; index += 1 }
                result[channel] += total
            }
        }
    }
    return sumOfPartials(partials)
}
