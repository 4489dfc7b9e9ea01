extension Tensor {
    /// conv2d without padding through shifted correlations, one per phase when strided, with its
    /// bias and `activation` applied image by image.
    func unpaddedConv2d(weight: Tensor, bias: Tensor?, stride: Int, activation: ConvolutionActivation) -> Tensor {
        let batch = shape[0]
        let s = StridedConvolution(
            channels: shape[1], height: shape[2], width: shape[3], outputs: weight.shape[0],
            kernelHeight: weight.shape[2], kernelWidth: weight.shape[3], stride: stride)
        let g = s.geometry
        let packed = s.pack(weight.pointer)
        let result = Tensor(uninitializedShape: [batch, s.outputs, s.outputHeight, s.outputWidth])
        let imageSize = s.channels * s.height * s.width, outputPlane = s.outputHeight * s.outputWidth
        let outputSize = s.outputs * outputPlane, maskedSize = activation == .identity ? 0 : outputSize
        let input = self
        parallelFor(count: batch) { _, images in
            TensorStorage.withScratch(count: s.splitSize + g.fullSize) { scratch in
                let full = scratch + s.splitSize
                for image in images {
                    // The next image is read from memory while this one is computed (on AMD Zen 4 its
                    // first column blocks otherwise wait on all of its channels' streams at once).
                    let next =
                        image + 1 < images.upperBound
                        ? UnsafeBufferPointer(start: input.pointer + (image + 1) * imageSize, count: imageSize) : nil
                    s.correlate(
                        planes: s.planes(of: input.pointer + image * imageSize, scratch: scratch), weights: packed,
                        into: result.pointer + image * outputSize, full: full, bias: bias?.pointer, activation: activation,
                        prefetching: next)
                }
            }
        }
        record(result, bias.map { [input, weight, $0] } ?? [input, weight]) { gradient in
            let gradientInput = input.requiresGradient ? Tensor(uninitializedShape: input.shape) : nil
            let partials = packedGradientPartials(weight, batch: batch)
            let biasPartials = bias.map { _ in partials.map { _ in Tensor.zeros([s.outputs]) } }
            parallelFor(count: batch, workers: partials.count) { worker, images in
                TensorStorage.withScratch(count: s.splitSize + g.paddedSize + g.weightGradientScratchSize + maskedSize) { scratch in
                    let padded = scratch + s.splitSize, transposition = padded + g.paddedSize
                    let masked = transposition + g.weightGradientScratchSize
                    for image in images {
                        if gradientInput == nil && weight.requiresGradient && s.combined.transposesUpstream {
                            // Only the weight gradient (a first layer): the upstream gradient goes to the
                            // kernel's transposed layout in one pass, with its mask and bias sums.
                            s.combined.transposeUpstream(
                                gradient.pointer + image * outputSize,
                                mask: activation == .relu ? result.pointer + image * outputSize : nil,
                                channelSums: biasPartials?[worker].pointer, into: transposition)
                            if s.readsImageForWeightGradient {
                                s.accumulateWeightGradient(
                                    transposedUpstream: transposition, image: input.pointer + image * imageSize,
                                    packedGradient: partials[worker].pointer)
                            } else {
                                s.combined.accumulateWeightGradient(
                                    transposedUpstream: transposition,
                                    input: s.planes(of: input.pointer + image * imageSize, scratch: scratch),
                                    packedGradient: partials[worker].pointer)
                            }
                            continue
                        }
                        let upstream = ConvolutionEpilogue.gradient(
                            gradient.pointer + image * outputSize, output: result.pointer + image * outputSize, channels: s.outputs,
                            plane: outputPlane, activation: activation, masked: masked, channelSums: biasPartials?[worker].pointer)
                        g.expandPadded(upstream, into: padded)
                        if weight.requiresGradient {
                            s.accumulateWeightGradient(
                                padded: padded, planes: s.planes(of: input.pointer + image * imageSize, scratch: scratch),
                                scratch: transposition, packedGradient: partials[worker].pointer)
                        }
                        if let gradientInput {
                            s.correlateAdjoint(
                                padded: padded, weights: packed, into: gradientInput.pointer + image * imageSize, scratch: scratch)
                        }
                    }
                }
            }
            return convolutionGradients(
                input: gradientInput, weight: weight, partials: partials, unpack: s.unpackWeightGradient,
                biasPartials: biasPartials)
        }
        return result
    }

    /// conv_transpose2d without padding (any output padding) as the adjoint of the correlation over
    /// its result, one shifted correlation per phase when strided, with its bias and `activation`
    /// applied image by image.
    func unpaddedConvTranspose2d(
        weight: Tensor, bias: Tensor?, stride: Int, height: Int, width: Int, activation: ConvolutionActivation
    ) -> Tensor {
        let batch = shape[0], inputs = shape[1], outputs = weight.shape[1]
        // In the correlation frame the result is the plane slid over and the input is the correlation's output.
        let s = StridedConvolution(
            channels: outputs, height: height, width: width, outputs: inputs,
            kernelHeight: weight.shape[2], kernelWidth: weight.shape[3], stride: stride)
        precondition(s.outputHeight == shape[2] && s.outputWidth == shape[3], "conv_transpose2d: phase geometry mismatch")
        let g = s.geometry
        let packed = s.pack(weight.pointer)
        let result = Tensor(uninitializedShape: [batch, outputs, height, width])
        let imageSize = inputs * shape[2] * shape[3], outputSize = outputs * height * width
        let maskedSize = activation == .identity ? 0 : outputSize
        let input = self
        parallelFor(count: batch) { _, images in
            TensorStorage.withScratch(count: s.splitSize + g.paddedSize) { scratch in
                let padded = scratch + s.splitSize
                for image in images {
                    g.expandPadded(input.pointer + image * imageSize, into: padded)
                    let target = result.pointer + image * outputSize
                    s.correlateAdjoint(
                        padded: padded, weights: packed, into: target, scratch: scratch, bias: bias?.pointer, activation: activation)
                }
            }
        }
        record(result, bias.map { [input, weight, $0] } ?? [input, weight]) { gradient in
            let gradientInput = input.requiresGradient ? Tensor(uninitializedShape: input.shape) : nil
            let partials = packedGradientPartials(weight, batch: batch)
            let biasPartials = bias.map { _ in partials.map { _ in Tensor.zeros([outputs]) } }
            parallelFor(count: batch, workers: partials.count) { worker, images in
                // After the phase planes: a full-width output [inputs, Ho W'] or a padded one (the larger).
                TensorStorage.withScratch(count: s.splitSize + g.paddedSize + g.weightGradientScratchSize + maskedSize) { scratch in
                    let buffer = scratch + s.splitSize, transposition = buffer + g.paddedSize
                    let masked = transposition + g.weightGradientScratchSize
                    for image in images {
                        let upstream = ConvolutionEpilogue.gradient(
                            gradient.pointer + image * outputSize, output: result.pointer + image * outputSize, channels: outputs,
                            plane: height * width, activation: activation, masked: masked, channelSums: biasPartials?[worker].pointer)
                        let planes = s.planes(of: upstream, scratch: scratch)
                        if let gradientInput {
                            s.correlate(planes: planes, weights: packed, into: gradientInput.pointer + image * imageSize, full: buffer)
                        }
                        if weight.requiresGradient && s.combined.transposesUpstream {
                            // The input is the correlation's output: straight to the transposed layout.
                            s.combined.transposeUpstream(
                                input.pointer + image * imageSize, mask: nil, channelSums: nil, into: transposition)
                            s.combined.accumulateWeightGradient(
                                transposedUpstream: transposition, input: planes, packedGradient: partials[worker].pointer)
                        } else if weight.requiresGradient {
                            g.expandPadded(input.pointer + image * imageSize, into: buffer)
                            s.accumulateWeightGradient(
                                padded: buffer, planes: planes, scratch: transposition,
                                packedGradient: partials[worker].pointer)
                        }
                    }
                }
            }
            return convolutionGradients(
                input: gradientInput, weight: weight, partials: partials, unpack: s.unpackWeightGradient,
                biasPartials: biasPartials)
        }
        return result
    }
}
