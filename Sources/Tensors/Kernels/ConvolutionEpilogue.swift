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
        for channel in 0..<channels {
            let values = image + channel * plane, shift = bias?[channel] ?? 0
            let shifts = VectorMath.Vector(repeating: shift), zeros = VectorMath.Vector(repeating: 0)
            var index = 0
            switch activation {
            case .identity:
                guard bias != nil else { continue }
                while index + lanes <= plane {
                    let raw = UnsafeMutableRawPointer(values + index)
                    raw.storeBytes(of: raw.loadUnaligned(as: VectorMath.Vector.self) + shifts, as: VectorMath.Vector.self)
                    index += lanes
                }
                while index < plane { values[index] += shift; index += 1 }
            case .relu:
                while index + lanes <= plane {
                    let raw = UnsafeMutableRawPointer(values + index)
                    let sum = raw.loadUnaligned(as: VectorMath.Vector.self) + shifts
                    raw.storeBytes(of: sum.replacing(with: zeros, where: sum .< zeros), as: VectorMath.Vector.self)
                    index += lanes
                }
                while index < plane { values[index] = max(values[index] + shift, 0); index += 1 }
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
