import Tensors

/// Stochastic gradient descent with optional momentum and L2 weight decay (PyTorch's SGD).
public final class SGD: Optimizer {
    public let parameters: [(name: String, tensor: Tensor)]
    public var learningRate: Float
    /// Momentum factor (0: none).
    public let momentum: Float
    /// L2 penalty added to the gradient.
    public let weightDecay: Float
    public private(set) var stepCount = 0
    private let slots: OptimizerSlots

    /// SGD over named parameters.
    public init(parameters: [(name: String, tensor: Tensor)], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        requireUniqueNames(parameters)
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        slots = OptimizerSlots(parameters: parameters, slotNames: ["momentum_buffer"])
    }

    public func step(_ gradients: Gradients) throws {
        stepCount += 1
        let detectsAnomalies = AnomalyDetection.isEnabled
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = gradients[parameter.tensor] else { continue }
            let p = parameter.tensor.pointer, g = gradient.pointer, buffer = slots.slots[0][index].pointer
            for element in 0..<parameter.tensor.count {
                var update = g[element] + weightDecay * p[element]
                if momentum != 0 {
                    buffer[element] = stepCount == 1 ? update : momentum * buffer[element] + update
                    update = buffer[element]
                }
                p[element] -= learningRate * update
            }
            if detectsAnomalies { try AnomalyDetection.checkStep(of: parameter.name, parameter: parameter.tensor, gradient: gradient) }
        }
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] { slots.named(parameters, stepCount: stepCount) }
    public func loadState(_ tensors: [String: Tensor]) throws { stepCount = try slots.load(tensors, parameters: parameters) }
}
