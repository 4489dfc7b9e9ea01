import Tensors

extension Gradients {
    /// The L2 norm of the gradients of `parameters` taken together.
    public func globalNorm(of parameters: [Tensor]) -> Float {
        var total: Double = 0
        for parameter in parameters {
            guard let gradient = self[parameter] else { continue }
            for index in 0..<gradient.count { total += Double(gradient.pointer[index]) * Double(gradient.pointer[index]) }
        }
        return Float(total.squareRoot())
    }

    /// Scales the gradients of `parameters` so that their global norm is at most `maxNorm`
    /// (PyTorch's clip_grad_norm_, scale maxNorm / (norm + 1e-6)); returns the norm before clipping.
    @discardableResult
    public func clipGlobalNorm(of parameters: [Tensor], maxNorm: Float) -> Float {
        let norm = globalNorm(of: parameters)
        let scale = maxNorm / (norm + 1e-6)
        guard scale < 1 else { return norm }
        var scaled = Set<ObjectIdentifier>()
        for parameter in parameters {
            guard let gradient = self[parameter], scaled.insert(ObjectIdentifier(gradient.storage)).inserted else { continue }
            for index in 0..<gradient.count { gradient.pointer[index] *= scale }
        }
        return norm
    }
}

/// Polyak averaging by name: target = tau source + (1 - tau) target for every tensor of `target`
/// (SAC's soft target update; tau = 1 copies). Throws naming any tensor missing from `source` or shaped differently.
public func softUpdate(target: any Module, from source: any Module, tau: Float, onlyWithPrefix prefix: String = "") throws {
    let sources = Dictionary(source.namedTensors().map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
    for (name, tensor) in target.namedTensors() where name.hasPrefix(prefix) {
        guard let value = sources[name] else {
            throw TensorError.invalidArgument("softUpdate: the source has no tensor named '\(name)'")
        }
        guard value.shape == tensor.shape else {
            throw TensorError.shapeMismatch("softUpdate: '\(name)' is \(value.shape) in the source and \(tensor.shape) in the target")
        }
        if value === tensor { continue }
        for index in 0..<tensor.count {
            tensor.pointer[index] = tau * value.pointer[index] + (1 - tau) * tensor.pointer[index]
        }
    }
}
