import Tensors

/// RMSProp in either of its two common forms.
///
/// - `.pytorch`: v = alpha v + (1 - alpha) g^2 from v = 0; p -= lr g / (sqrt(v) + eps)
///   (torch.optim.RMSprop; defaults alpha 0.99, eps 1e-8).
/// - `.tensorflow`: v starts at ones; v = decay v + (1 - decay) g^2; p -= lr g / sqrt(v + eps)
///   (TensorFlow 1's RMSPropOptimizer as OpenAI baselines' ACER uses it: decay 0.99, eps 1e-5).
public final class RMSProp: Optimizer {
    /// Where epsilon goes and what the square average starts at.
    public enum Form: String, Sendable {
        case pytorch, tensorflow
    }

    public let parameters: [(name: String, tensor: Tensor)]
    public var learningRate: Float
    /// Decay of the squared-gradient average (alpha / decay; 0.99 in both references).
    public let decay: Float
    /// Numerical stabiliser (PyTorch 1e-8; baselines ACER 1e-5).
    public let epsilon: Float
    /// The form of the update.
    public let form: Form
    public private(set) var stepCount = 0
    private let slots: OptimizerSlots

    /// RMSProp over named parameters.
    public init(
        parameters: [(name: String, tensor: Tensor)], learningRate: Float, decay: Float = 0.99, epsilon: Float? = nil,
        form: Form = .pytorch
    ) {
        requireUniqueNames(parameters)
        self.parameters = parameters
        self.learningRate = learningRate
        self.decay = decay
        self.epsilon = epsilon ?? (form == .pytorch ? 1e-8 : 1e-5)
        self.form = form
        slots = OptimizerSlots(parameters: parameters, slotNames: ["square_avg"], initialValue: form == .tensorflow ? 1 : 0)
    }

    public func step(_ gradients: Gradients) throws {
        stepCount += 1
        let detectsAnomalies = AnomalyDetection.isEnabled
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = gradients[parameter.tensor] else { continue }
            let p = parameter.tensor.pointer, g = gradient.pointer, v = slots.slots[0][index].pointer
            for element in 0..<parameter.tensor.count {
                let grad = g[element]
                v[element] = decay * v[element] + (1 - decay) * grad * grad
                switch form {
                case .pytorch: p[element] -= learningRate * grad / (v[element].squareRoot() + epsilon)
                case .tensorflow: p[element] -= learningRate * grad / (v[element] + epsilon).squareRoot()
                }
            }
            if detectsAnomalies { try AnomalyDetection.checkStep(of: parameter.name, parameter: parameter.tensor, gradient: gradient) }
        }
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] { slots.named(parameters, stepCount: stepCount) }
    public func loadState(_ tensors: [String: Tensor]) throws { stepCount = try slots.load(tensors, parameters: parameters) }
}
