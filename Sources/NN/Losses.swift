import Tensors

/// Loss functions (means over every element, as PyTorch's default reduction).
public enum Loss {
    /// mean((prediction - target)^2).
    public static func meanSquaredError(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
        try (prediction - target).square().mean()
    }

    /// Huber loss with threshold `delta` (PyTorch's HuberLoss; smooth L1 when delta = 1):
    /// 0.5 x^2 for |x| < delta, delta (|x| - 0.5 delta) otherwise.
    public static func huber(_ prediction: Tensor, _ target: Tensor, delta: Float = 1) throws -> Tensor {
        let difference = try prediction - target
        let absolute = difference.abs()
        let quadratic = absolute.clamped(max: delta)
        let linear = try absolute - quadratic
        return try (quadratic.square() * 0.5 + linear * delta).mean()
    }

    /// Cross-entropy of logits [B, n] against class indices: mean(-log softmax(logits)[i, target_i]).
    public static func crossEntropy(logits: Tensor, targets: [Int]) throws -> Tensor {
        try Categorical(logits: logits).logProbability(of: targets).mean().negated()
    }
}
