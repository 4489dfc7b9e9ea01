/// Gradients from one backward pass, keyed by tensor identity.
public struct Gradients {
    /// Each gradient with the tensor it belongs to (kept alive so that identities stay unique).
    private var storage: [ObjectIdentifier: (tensor: Tensor, gradient: Tensor)] = [:]

    /// An empty store.
    public init() {}

    /// The gradient of `tensor`, or nil when it received none.
    public subscript(tensor: Tensor) -> Tensor? {
        storage[ObjectIdentifier(tensor)]?.gradient
    }

    /// Every tensor with its gradient.
    public var all: [(tensor: Tensor, gradient: Tensor)] { Array(storage.values) }

    /// The number of tensors with a gradient.
    public var count: Int { storage.count }

    /// Adds `gradient` to the gradient of `tensor` (a tensor used twice gets the sum); also how
    /// gradients computed on one model copy are handed to another's parameters (multi-worker ACER).
    public mutating func accumulate(_ gradient: Tensor, for tensor: Tensor) {
        let key = ObjectIdentifier(tensor)
        if let existing = storage[key]?.gradient {
            let sum = Tensor(uninitializedShape: tensor.shape)
            for index in 0..<sum.count { sum.pointer[index] = existing.pointer[index] + gradient.pointer[index] }
            storage[key] = (tensor, sum)
        } else if gradient.shape == tensor.shape {
            storage[key] = (tensor, gradient)
        } else {
            storage[key] = (
                tensor, Tensor(shape: tensor.shape, storage: gradient.storage, offset: gradient.pointer - gradient.storage.pointer)
            )
        }
    }
}
