import Tensors

/// A neural-network building block whose parameters are discovered by name.
///
/// Every stored `Tensor` property is a tensor of the module (trainable when it requires
/// gradients); every stored `Module` property, optional `Module` or array of modules is a child
/// whose tensors are named with the property name as prefix, PyTorch style:
/// `critic.encoder.convs.0.weight`. The dotted names are the keys of optimizer state and of
/// checkpoints. Two modules holding the same `Tensor` object share it (weight tying).
public protocol Module: AnyObject {}

/// A module mapping one tensor to one tensor.
public protocol Layer: Module {
    /// Applies the layer.
    func callAsFunction(_ input: Tensor) throws -> Tensor
}

extension Module {
    /// Every tensor of this module and its children with its dotted name, in declaration order;
    /// a tensor reachable twice (tied) is listed once, under its first name.
    public func namedTensors() -> [(name: String, tensor: Tensor)] {
        var result: [(String, Tensor)] = []
        var seen = Set<ObjectIdentifier>()
        collectTensors(of: self, prefix: "", into: &result, seen: &seen)
        return result
    }

    /// The trainable tensors (those requiring gradients) with their dotted names.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        namedTensors().filter { $0.tensor.requiresGradient }
    }

    /// The trainable tensors.
    public var parameters: [Tensor] { namedParameters().map(\.tensor) }

    /// The number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// The tensor with the dotted name `name`, if any.
    public func tensor(named name: String) -> Tensor? {
        namedTensors().first { $0.name == name }?.tensor
    }

    /// Stops (or restarts) gradient flow to every tensor of this module.
    public func setTrainable(_ trainable: Bool) {
        for (_, tensor) in namedTensors() { tensor.requiringGradient(trainable) }
    }
}

private func collectTensors(
    of module: AnyObject, prefix: String, into result: inout [(String, Tensor)],
    seen: inout Set<ObjectIdentifier>
) {
    var mirror: Mirror? = Mirror(reflecting: module)
    var children: [Mirror.Child] = []
    while let current = mirror {
        children.insert(contentsOf: current.children, at: 0)
        mirror = current.superclassMirror
    }
    for child in children {
        guard let label = child.label else { continue }
        let name = label.hasPrefix("_") ? String(label.dropFirst()) : label
        collect(child.value, name: prefix + name, into: &result, seen: &seen)
    }
}

private func collect(_ value: Any, name: String, into result: inout [(String, Tensor)], seen: inout Set<ObjectIdentifier>) {
    if let tensor = value as? Tensor {
        if seen.insert(ObjectIdentifier(tensor)).inserted { result.append((name, tensor)) }
    } else if let module = value as? any Module {
        collectTensors(of: module, prefix: name + ".", into: &result, seen: &seen)
    } else if let modules = value as? [any Module] {
        for (index, module) in modules.enumerated() {
            collectTensors(of: module, prefix: "\(name).\(index).", into: &result, seen: &seen)
        }
    } else if let tensors = value as? [Tensor] {
        for (index, tensor) in tensors.enumerated() where seen.insert(ObjectIdentifier(tensor)).inserted {
            result.append(("\(name).\(index)", tensor))
        }
    }
}
