/// The activation a convolution applies to its output in the same per-image pass as its bias, while
/// the image is still in cache (PyTorch would run it as a separate operation over the whole batch).
public enum ConvolutionActivation: Sendable, CaseIterable {
    /// No activation: the convolution's output as it is.
    case identity
    /// max(x, 0); its gradient passes where the output is positive.
    case relu
}

/// The per-image passes around a convolution's product: bias and activation on the output, and in
/// the backward pass the activation's gradient mask with the bias gradient's channel sums.
enum ConvolutionEpilogue {
    /// Values per vector step.
    static let lanes = VectorMath.Vector.scalarCount

    /// image[c, i] = activation(image[c, i] + bias[c]) for an image [channels, plane].
    static func finish(
        _ image: UnsafeMutablePointer<Float>, channels: Int, plane: Int, bias: UnsafePointer<Float>?,
        activation: ConvolutionActivation
    ) {
        if activation == .identity && bias == nil { return }
        finish(
            UnsafePointer(image), rowStride: plane, into: image, channels: channels, rows: 1, columns: plane, bias: bias,
            activation: activation)
    }

    /// output[c, r, j] = activation(source[(c rows + r) rowStride + j] + bias[c]) for an output
    /// [channels, rows, columns] read from rows `rowStride` apart (a correlation's full-width result:
    /// the copy to the compact output and the epilogue in one pass; `source` may be `output` when
    /// the rows are contiguous).
    static func finish(
        _ source: UnsafePointer<Float>, rowStride: Int, into output: UnsafeMutablePointer<Float>, channels: Int, rows: Int,
        columns: Int, bias: UnsafePointer<Float>?, activation: ConvolutionActivation
    ) {
        let zeros = VectorMath.Vector(repeating: 0)
        for channel in 0..<channels {
            let shift = bias?[channel] ?? 0, shifts = VectorMath.Vector(repeating: shift)
            for row in 0..<rows {
                let line = channel * rows + row
                let from = source + line * rowStride, to = output + line * columns
                var index = 0
                while index + lanes <= columns {
                    var value = UnsafeRawPointer(from + index).loadUnaligned(as: VectorMath.Vector.self) + shifts
                    if activation == .relu { value = value.replacing(with: zeros, where: value .< zeros) }
                    UnsafeMutableRawPointer(to + index).storeBytes(of: value, as: VectorMath.Vector.self)
                    index += lanes
                }
                while index < columns {
                    let value = from[index] + shift
                    to[index] = activation == .relu ? max(value, 0) : value
                    index += 1
                }
            }
        }
    }

    /// The gradient before the activation of one output image [channels, plane]: `upstream` itself
    /// for the identity, else written to `masked` (zero where the ReLU's `output` is not positive).
    /// Adds each channel's sum of that gradient to `channelSums` when given (the bias gradient).
    static func gradient(
        _ upstream: UnsafePointer<Float>, output: UnsafePointer<Float>, channels: Int, plane: Int,
        activation: ConvolutionActivation, masked: UnsafeMutablePointer<Float>, channelSums: UnsafeMutablePointer<Float>?
    ) -> UnsafePointer<Float> {
        let result = activation == .identity ? upstream : UnsafePointer(masked)
        if activation == .identity && channelSums == nil { return result }
        let zeros = VectorMath.Vector(repeating: 0)
        for channel in 0..<channels {
            let source = upstream + channel * plane, mask = output + channel * plane, target = masked + channel * plane
            var partial = zeros, total: Float = 0, index = 0
            while index + lanes <= plane {
                var value = UnsafeRawPointer(source + index).loadUnaligned(as: VectorMath.Vector.self)
                if activation == .relu {
                    let y = UnsafeRawPointer(mask + index).loadUnaligned(as: VectorMath.Vector.self)
                    value = value.replacing(with: zeros, where: y .<= zeros)
                    UnsafeMutableRawPointer(target + index).storeBytes(of: value, as: VectorMath.Vector.self)
                }
                partial += value
                index += lanes
            }
            while index < plane {
                let value = activation == .relu && mask[index] <= 0 ? 0 : source[index]
                if activation == .relu { target[index] = value }
                total += value
                index += 1
            }
            channelSums?[channel] += total + partial.sum()
        }
        return result
    }
}
