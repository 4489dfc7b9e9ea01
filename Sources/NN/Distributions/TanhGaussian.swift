import Tensors

/// A Gaussian squashed by tanh (SAC's policy): a = tanh(u), u ~ N(mean, std).
///
/// The log-probability carries the change-of-variables correction
/// -sum log(relu(1 - a^2) + 1e-6), the form SAC-AE uses.
public struct TanhGaussian {
    /// The Gaussian before squashing.
    public let base: DiagonalGaussian

    /// A squashed Gaussian with the given mean and log standard deviation.
    public init(mean: Tensor, logStandardDeviation: Tensor) {
        base = DiagonalGaussian(mean: mean, logStandardDeviation: logStandardDeviation)
    }

    /// log p(a) for a = tanh(u), given the pre-squash sample u; [B].
    public func logProbability(preTanh u: Tensor) throws -> Tensor {
        let action = u.tanh()
        let correction = try ((1 - action.square()).relu() + 1e-6).log().sum(axis: -1)
        return try base.logProbability(of: u) - correction
    }

    /// A reparameterised sample: the action tanh(u), its log-probability and u.
    public func sample(using generator: inout RandomGenerator) throws -> (action: Tensor, logProbability: Tensor, preTanh: Tensor) {
        let u = try base.sample(using: &generator)
        return (u.tanh(), try logProbability(preTanh: u), u)
    }

    /// The deterministic action tanh(mean).
    public var mode: Tensor { base.mean.tanh() }
}
