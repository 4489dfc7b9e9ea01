import CKernels
import Testing
@testable import Tensors

/// The unpadded convolutions run in SwiftRL's own kernels (shifted correlations, by phase when
/// strided), in the AVX-512, AVX2 or BLAS family; each family the CPU runs must agree with a direct
/// convolution, forward and backward, on shapes that exercise every tile edge.
@Suite("Convolution kernels against a direct convolution")
struct ConvolutionKernelTests {
    /// (batch, input channels, output channels, height, width, kernel height, kernel width, stride)
    static let convolutions: [(Int, Int, Int, Int, Int, Int, Int, Int)] = [
        (2, 3, 5, 9, 11, 3, 3, 1),  // channels below every tile
        (1, 20, 35, 13, 12, 3, 3, 1),  // channels past one vector, rows past one tile
        (2, 9, 32, 16, 16, 3, 3, 2),  // SAC-AE's first layer in small
        (1, 4, 6, 12, 13, 4, 2, 2),  // kernel rows and columns of different sizes, odd width
        (1, 5, 7, 11, 11, 3, 3, 3),  // stride equal to the kernel
        (1, 3, 4, 9, 9, 1, 1, 2),  // kernel smaller than the stride: phases without taps
        (1, 6, 9, 20, 19, 8, 8, 4),  // the Nature CNN's first layer in small
        (2, 32, 32, 12, 11, 3, 3, 1),  // SAC-AE's stride-1 layers in small (weight gradient from the transposed input)
        (1, 35, 20, 10, 9, 3, 3, 2),  // more input channels than outputs, strided
        (1, 9, 32, 35, 37, 3, 3, 2),  // rows of 16 pairs and more (the vector split), odd sizes
        (1, 2, 3, 34, 40, 3, 3, 2),  // tiles of 2 and 3 rows, even sizes past a vector
        (1, 3, 10, 36, 38, 4, 4, 2),  // an even kernel (two tap pairs per row), tiles of 8 and 2 rows, strided
        (1, 2, 9, 33, 34, 5, 5, 2),  // a lone last tap, two scratch columns per phase row, tiles of 8 and 1 rows
    ]

    @Test("conv2d, each kernel family", arguments: VectorKernels.supported)
    func convolution(_ family: VectorKernels.Family) throws {
        try VectorKernels.$override.withValue(family) { try checkConvolutions(family) }
    }

    private func checkConvolutions(_ family: VectorKernels.Family) throws {
        for (index, (batch, inputs, outputs, height, width, kernelHeight, kernelWidth, stride)) in Self.convolutions.enumerated() {
            let seed = UInt64(10 * index)
            let input = randomTensor([batch, inputs, height, width], seed: seed + 1).requiringGradient()
            let weight = randomTensor([outputs, inputs, kernelHeight, kernelWidth], seed: seed + 2).requiringGradient()
            let bias = randomTensor([outputs], seed: seed + 3).requiringGradient()
            let tape = GradientTape()
            let output = try tape.record { try input.conv2d(weight: weight, bias: bias, stride: stride) }
            let upstream = randomTensor(output.shape, seed: seed + 4)
            let gradients = try tape.backward(from: output, seed: upstream)
            let expected = DirectConvolution(
                batch: batch, inputs: inputs, outputs: outputs, height: height, width: width,
                kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride
            )
            .correlate(input: input.scalars, weight: weight.scalars, bias: bias.scalars, upstream: upstream.scalars)
            let label = "\(family) case \(index)"
            expectClose(output.scalars, expected.output, label + " output")
            expectClose(gradients[input]!.scalars, expected.inputGradient, label + " input gradient")
            expectClose(gradients[weight]!.scalars, expected.weightGradient, label + " weight gradient")
            expectClose(gradients[bias]!.scalars, expected.biasGradient, label + " bias gradient")
        }
    }

    @Test("conv_transpose2d, each kernel family (output padding too)", arguments: VectorKernels.supported)
    func transposedConvolution(_ family: VectorKernels.Family) throws {
        try VectorKernels.$override.withValue(family) { try checkTransposedConvolutions(family) }
    }

    private func checkTransposedConvolutions(_ family: VectorKernels.Family) throws {
        // (batch, input channels, output channels, input size, kernel, stride, output padding)
        let cases: [(Int, Int, Int, Int, Int, Int, Int)] = [
            (2, 5, 3, 7, 3, 1, 0), (1, 35, 20, 6, 3, 1, 0), (2, 32, 9, 8, 3, 2, 1), (1, 6, 4, 5, 4, 2, 0),
            (1, 4, 5, 4, 3, 3, 2), (1, 3, 4, 5, 1, 2, 1), (1, 32, 9, 20, 3, 2, 1), (1, 8, 5, 17, 3, 2, 0),
            // Phase rows of 16 columns and more (the paired-phase tiles, AVX-512): 4 taps in every
            // phase; 3 and 2 kernel columns per phase with 10 image channels (a tile of 8, then 2).
            (1, 6, 4, 17, 4, 2, 0), (1, 3, 10, 16, 5, 2, 1),
        ]
        for (index, (batch, inputs, outputs, size, kernel, stride, outputPadding)) in cases.enumerated() {
            let seed = UInt64(100 + 10 * index)
            let input = randomTensor([batch, inputs, size, size], seed: seed + 1).requiringGradient()
            let weight = randomTensor([inputs, outputs, kernel, kernel], seed: seed + 2).requiringGradient()
            let bias = randomTensor([outputs], seed: seed + 3).requiringGradient()
            let tape = GradientTape()
            let output = try tape.record {
                try input.convTranspose2d(weight: weight, bias: bias, stride: stride, outputPadding: outputPadding)
            }
            let resultSize = (size - 1) * stride + kernel + outputPadding
            #expect(output.shape == [batch, outputs, resultSize, resultSize])
            let upstream = randomTensor(output.shape, seed: seed + 4)
            let gradients = try tape.backward(from: output, seed: upstream)
            // The transposed convolution is the adjoint of the convolution over its result: its
            // output is that convolution's input gradient, with the roles of the two gradients swapped.
            let direct = DirectConvolution(
                batch: batch, inputs: outputs, outputs: inputs, height: resultSize, width: resultSize,
                kernelHeight: kernel, kernelWidth: kernel, stride: stride)
            let adjoint = direct.correlate(
                input: upstream.scalars, weight: weight.scalars, bias: [Float](repeating: 0, count: inputs),
                upstream: input.scalars)
            let label = "\(family) transposed case \(index)"
            let expectedOutput = zip(adjoint.inputGradient.indices, adjoint.inputGradient).map { index, value in
                value + bias.scalars[(index / (resultSize * resultSize)) % outputs]
            }
            expectClose(output.scalars, expectedOutput, label + " output")
            expectClose(gradients[input]!.scalars, adjoint.output, label + " input gradient")
            expectClose(gradients[weight]!.scalars, adjoint.weightGradient, label + " weight gradient")
            let biasGradient = (0..<outputs).map { channel in
                (0..<batch).reduce(Float(0)) { total, image in
                    total
                        + upstream.scalars[
                            ((image * outputs + channel) * resultSize * resultSize)..<((image * outputs + channel + 1) * resultSize
                                * resultSize)
                        ].reduce(0, +)
                }
            }
            expectClose(gradients[bias]!.scalars, biasGradient, label + " bias gradient")
        }
    }

    @Test(
        "a fused ReLU equals the separate one, forward and backward (stride 1 and the stride-2 merge)", arguments: VectorKernels.supported)
    func fusedActivation(_ family: VectorKernels.Family) throws {
        try VectorKernels.$override.withValue(family) {
            // (input channels, output channels, input size, stride, transposed)
            let cases: [(Int, Int, Int, Int, Bool)] = [
                (9, 32, 17, 2, false), (32, 9, 8, 2, true), (32, 9, 20, 2, true), (5, 7, 9, 1, true), (6, 5, 9, 1, false),
            ]
            for (index, (inputs, outputs, size, stride, transposed)) in cases.enumerated() {
                let seed = UInt64(300 + 10 * index)
                let input = randomTensor([2, inputs, size, size], seed: seed + 1).requiringGradient()
                let weightShape = transposed ? [inputs, outputs, 3, 3] : [outputs, inputs, 3, 3]
                let weight = randomTensor(weightShape, seed: seed + 2).requiringGradient()
                let bias = randomTensor([outputs], seed: seed + 3).requiringGradient()
                func apply(_ activation: ConvolutionActivation) throws -> (Tensor, Gradients) {
                    let tape = GradientTape()
                    let output = try tape.record {
                        transposed
                            ? try input.convTranspose2d(
                                weight: weight, bias: bias, stride: stride, outputPadding: stride - 1, activation: activation)
                            : try input.conv2d(weight: weight, bias: bias, stride: stride, activation: activation)
                    }
                    let result = activation == .relu ? output : tape.record { output.relu() }
                    return (result, try tape.backward(from: result, seed: randomTensor(result.shape, seed: seed + 4)))
                }
                let (fused, fusedGradients) = try apply(.relu), (separate, separateGradients) = try apply(.identity)
                let label = "\(family) fused case \(index)"
                #expect(fused.scalars.contains(0) && fused.scalars.contains { $0 > 0 }, "\(label): the ReLU clips some outputs")
                expectClose(fused.scalars, separate.scalars, label + " output")
                for parameter in [input, weight, bias] {
                    expectClose(fusedGradients[parameter]!.scalars, separateGradients[parameter]!.scalars, label + " gradient")
                }
            }
        }
    }

    @Test("a first layer's gradients (input without gradient) equal those with the input's gradient", arguments: VectorKernels.supported)
    func weightGradientOnly(_ family: VectorKernels.Family) throws {
        try VectorKernels.$override.withValue(family) {
            // (input channels, output channels, height, width, stride, activation): fewer input channels
            // than outputs, so the kernels transpose the upstream gradient (SAC-AE's first layer).
            let cases: [(Int, Int, Int, Int, Int, ConvolutionActivation)] = [
                (9, 32, 17, 19, 2, .relu), (3, 8, 9, 9, 1, .relu), (5, 20, 12, 13, 1, .identity), (2, 12, 11, 10, 2, .identity),
            ]
            for (index, (inputs, outputs, height, width, stride, activation)) in cases.enumerated() {
                let seed = UInt64(400 + 10 * index)
                let weight = randomTensor([outputs, inputs, 3, 3], seed: seed + 2).requiringGradient()
                let bias = randomTensor([outputs], seed: seed + 3).requiringGradient()
                func gradients(inputGradient: Bool) throws -> Gradients {
                    var input = randomTensor([2, inputs, height, width], seed: seed + 1)
                    if inputGradient { input = input.requiringGradient() }
                    let tape = GradientTape()
                    let output = try tape.record { try input.conv2d(weight: weight, bias: bias, stride: stride, activation: activation) }
                    return try tape.backward(from: output, seed: randomTensor(output.shape, seed: seed + 4))
                }
                let alone = try gradients(inputGradient: false), withInput = try gradients(inputGradient: true)
                let label = "\(family) first-layer case \(index)"
                expectClose(alone[weight]!.scalars, withInput[weight]!.scalars, label + " weight gradient")
                expectClose(alone[bias]!.scalars, withInput[bias]!.scalars, label + " bias gradient")
            }
        }
    }

    @Test("the kernel family follows SWIFTRL_KERNELS within what the CPU runs; an override binds one task only")
    func families() async {
        #expect(VectorKernels.supported.first == .blas)
        #expect(VectorKernels.supported.last == VectorKernels.available)
        #expect(VectorKernels.configured.rawValue <= VectorKernels.available.rawValue)
        #expect(VectorKernels.selected == VectorKernels.configured)
        await VectorKernels.$override.withValue(.blas) {
            #expect(VectorKernels.selected == .blas)
            let elsewhere = await Task.detached { VectorKernels.selected }.value
            #expect(elsewhere == VectorKernels.configured)
        }
    }
}

/// A convolution computed element by element, with its gradients for a given upstream gradient.
private struct DirectConvolution {
    let batch: Int, inputs: Int, outputs: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, stride: Int

    func correlate(
        input: [Float], weight: [Float], bias: [Float], upstream: [Float]
    )
        -> (output: [Float], inputGradient: [Float], weightGradient: [Float], biasGradient: [Float])
    {
        let outputHeight = (height - kernelHeight) / stride + 1, outputWidth = (width - kernelWidth) / stride + 1
        var output = [Float](repeating: 0, count: batch * outputs * outputHeight * outputWidth)
        var inputGradient = [Float](repeating: 0, count: input.count)
        var weightGradient = [Float](repeating: 0, count: weight.count)
        var biasGradient = [Float](repeating: 0, count: outputs)
        for image in 0..<batch {
            for out in 0..<outputs {
                for y in 0..<outputHeight {
                    for x in 0..<outputWidth {
                        let outputIndex = ((image * outputs + out) * outputHeight + y) * outputWidth + x
                        let gradient = upstream[outputIndex]
                        var total = bias[out]
                        biasGradient[out] += gradient
                        for channel in 0..<inputs {
                            for i in 0..<kernelHeight {
                                for j in 0..<kernelWidth {
                                    let inputIndex = ((image * inputs + channel) * height + stride * y + i) * width + stride * x + j
                                    let weightIndex = ((out * inputs + channel) * kernelHeight + i) * kernelWidth + j
                                    total += weight[weightIndex] * input[inputIndex]
                                    inputGradient[inputIndex] += weight[weightIndex] * gradient
                                    weightGradient[weightIndex] += input[inputIndex] * gradient
                                }
                            }
                        }
                        output[outputIndex] = total
                    }
                }
            }
        }
        return (output, inputGradient, weightGradient, biasGradient)
    }
}

/// Expects two arrays to agree element by element within 1e-4 relative (1e-4 absolute near zero).
private func expectClose(_ actual: [Float], _ expected: [Float], _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(label): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
    guard actual.count == expected.count else { return }
    let worst = zip(actual, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    #expect(worst < 1e-4, "\(label): worst relative difference \(worst)", sourceLocation: sourceLocation)
}

/// The phase split of stride-2 convolutions: every kernel level against the definition, every
/// length from 0 to 40 pairs (whole vectors and tails).
@Suite struct InterleaveKernelTests {
    @Test("deinterleave and interleave, each kernel family", arguments: VectorKernels.supported)
    func roundTrip(_ family: VectorKernels.Family) {
        for pairs in 0...40 {
            let row = (0..<(2 * pairs)).map { Float($0) * 0.5 - 3 }
            var even = [Float](repeating: .nan, count: pairs), odd = [Float](repeating: .nan, count: pairs)
            swiftrl_deinterleave(Int32(family.rawValue), Int32(pairs), row, &even, &odd)
            #expect(even == (0..<pairs).map { row[2 * $0] } && odd == (0..<pairs).map { row[2 * $0 + 1] }, "\(family) \(pairs) pairs")
            var merged = [Float](repeating: .nan, count: 2 * pairs)
            swiftrl_interleave(Int32(family.rawValue), Int32(pairs), even, odd, 0, 0, &merged)
            #expect(merged == row, "\(family) \(pairs) pairs")
            // With a transposed convolution's bias and ReLU (a NaN stays NaN, as in the Swift epilogue).
            if pairs > 0 { even[0] = .nan }
            swiftrl_interleave(Int32(family.rawValue), Int32(pairs), even, odd, 1.25, 1, &merged)
            let expected = row.enumerated().map { index, value in index == 0 ? Float.nan : max(value + 1.25, 0) }
            #expect(zip(merged, expected).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(family) \(pairs) pairs, bias and ReLU")
        }
    }
}
