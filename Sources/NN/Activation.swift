import Tensors

/// Element-wise activation functions, by name (for MLP builders and configs).
public enum Activation: String, Sendable, Equatable, CaseIterable {
    case identity, relu, elu, tanh, sigmoid, softplus
    case leakyRelu = "leaky_relu"

    /// Applies the activation (leaky ReLU with PyTorch's slope 0.01).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .identity: return x
        case .relu: return x.relu()
        case .elu: return x.elu()
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        case .softplus: return x.softplus()
        case .leakyRelu: return x.leakyRelu()
        }
    }

    /// PyTorch's `calculate_gain` for this nonlinearity (used by orthogonal initialisation).
    public var gain: Float {
        switch self {
        case .relu, .elu: return Float(2).squareRoot()
        case .tanh: return 5.0 / 3.0
        case .leakyRelu: return (2.0 / (1 + 0.01 * 0.01)).squareRoot()
        case .identity, .sigmoid, .softplus: return 1
        }
    }
}
