extension Tensor {
    /// Converts a batch of UInt8 images (any shape, e.g. [N, 9, 84, 84]) to Float32 divided by `divisor`
    /// (default 255, as pixel encoders do: the same values as PyTorch's `obs / 255.`).
    public static func fromImages(_ bytes: UnsafeBufferPointer<UInt8>, shape: [Int], divisor: Float = 255) throws -> Tensor {
        guard shape.reduce(1, *) == bytes.count else {
            throw TensorError.shapeMismatch("fromImages: \(bytes.count) bytes do not fill shape \(describe(shape))")
        }
        let result = Tensor(uninitializedShape: shape)
        let target = result.pointer
        for index in 0..<bytes.count { target[index] = Float(bytes[index]) / divisor }
        return result
    }

    /// Converts UInt8 images held in an array (see `fromImages(_:shape:divisor:)`).
    public static func fromImages(_ bytes: [UInt8], shape: [Int], divisor: Float = 255) throws -> Tensor {
        try bytes.withUnsafeBufferPointer { try fromImages($0, shape: shape, divisor: divisor) }
    }
}
