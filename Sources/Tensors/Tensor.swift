import Foundation

/// An n-dimensional array of Float32 values in contiguous row-major (NCHW for images) storage.
///
/// Tensors are immutable values as far as operations go: every operation returns a new tensor
/// (reshape and leading-axis slices share storage). Optimizers and initialisers write parameters
/// in place through `pointer`. When a `GradientTape` is recording, operations on tensors that
/// require gradients are recorded so that `GradientTape.backward(from:seed:)` can differentiate them.
public final class Tensor: @unchecked Sendable, CustomStringConvertible {
    /// The size of every axis.
    public let shape: [Int]
    /// The number of elements (the product of `shape`; 1 for a scalar of shape []).
    public let count: Int
    /// The memory, possibly shared with other tensors.
    public let storage: TensorStorage
    /// The first element of this tensor inside `storage`.
    public let pointer: UnsafeMutablePointer<Float>
    /// Whether gradients flow to this tensor: set for parameters, and for results computed from
    /// such tensors while a tape records.
    public internal(set) var requiresGradient: Bool

    /// A tensor of `shape` over `storage` starting at `offset` (no copy).
    public init(shape: [Int], storage: TensorStorage, offset: Int = 0, requiresGradient: Bool = false) {
        let count = shape.reduce(1, *)
        precondition(
            offset >= 0 && offset + count <= storage.count,
            "tensor of shape \(describe(shape)) at offset \(offset) does not fit storage of \(storage.count)")
        self.shape = shape
        self.count = count
        self.storage = storage
        self.pointer = storage.pointer + offset
        self.requiresGradient = requiresGradient
    }

    /// An uninitialised tensor (kernels fill it).
    @usableFromInline
    convenience init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(count: shape.reduce(1, *)))
    }

    /// A tensor holding `values` in row-major order; throws when the count does not match `shape`.
    public convenience init(_ values: [Float], shape: [Int]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), values.count == shape.reduce(1, *) else {
            throw TensorError.shapeMismatch(
                "Tensor(_:shape:) got \(values.count) values for shape \(describe(shape)), which needs \(shape.reduce(1, *))")
        }
        self.init(uninitializedShape: shape)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    /// A 1-D tensor of `values`.
    public convenience init(_ values: [Float]) {
        try! self.init(values, shape: [values.count])
    }

    /// A scalar tensor (shape []).
    public convenience init(scalar value: Float) {
        self.init(uninitializedShape: [])
        pointer[0] = value
    }

    /// Marks this tensor as a parameter: gradients flow to it. Returns self.
    @discardableResult
    public func requiringGradient(_ flag: Bool = true) -> Tensor {
        requiresGradient = flag
        return self
    }

    /// The number of axes.
    public var rank: Int { shape.count }

    /// The elements as an array (a copy).
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// The single element of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, got shape \(describe(shape))")
        return pointer[0]
    }

    /// The elements as a read-only buffer (no copy).
    public var buffer: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: pointer, count: count) }

    /// The elements as a writable buffer (no copy; writes are seen by every tensor sharing storage).
    public var mutableBuffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// A tensor sharing this storage with gradient flow cut (PyTorch's `detach`).
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage, offset: pointer - storage.pointer)
    }

    /// A copy in new storage that does not require gradients.
    public func copy() -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        result.pointer.update(from: pointer, count: count)
        return result
    }

    /// Overwrites the elements with those of `source` (same count); for optimizers and loading.
    public func assign(_ source: Tensor) throws {
        guard source.count == count else {
            throw TensorError.shapeMismatch("assign: source shape \(describe(source.shape)) does not fit \(describe(shape))")
        }
        if source.pointer != pointer { pointer.update(from: source.pointer, count: count) }
    }

    public var description: String {
        let preview = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(describe(shape)), [\(preview)\(count > 8 ? ", ..." : "")])"
    }
}

extension Tensor {
    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, value: 0) }

    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, value: 1) }

    /// A tensor with every element `value`.
    public static func full(_ shape: [Int], value: Float) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        result.pointer.initialize(repeating: value, count: result.count)
        return result
    }

    /// 0, step, 2 step, ... below `end` (PyTorch's arange) as a 1-D tensor.
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) -> Tensor {
        precondition(step != 0, "arange needs a non-zero step")
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        let result = Tensor(uninitializedShape: [count])
        for index in 0..<count { result.pointer[index] = start + Float(index) * step }
        return result
    }

    /// Normal samples with the given mean and standard deviation from a seeded generator.
    public static func normal(
        _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
        generator: inout RandomGenerator
    ) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        for index in 0..<result.count { result.pointer[index] = mean + standardDeviation * Float(generator.normal()) }
        return result
    }

    /// Uniform samples in [low, high) from a seeded generator.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, generator: inout RandomGenerator) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        for index in 0..<result.count { result.pointer[index] = low + (high - low) * Float(generator.uniform()) }
        return result
    }
}
