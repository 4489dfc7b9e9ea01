import NN
import Tensors

/// The feature and novelty model goal-conditioned ACER explores with.
///
/// phi(observation) embeds states (goals are compared in this space); a forward model predicts
/// phi(s') from phi(s) and the action, and its error is the novelty that ranks states as goals.
/// Trained only on on-policy batches (`train`).
public protocol Dynamics: AnyObject {
    /// The size of phi (0 for `DummyDynamics`: the exploration policy then takes no goal input).
    var featureCount: Int { get }
    /// phi for a batch of observations [N, ...] -> [N, featureCount], without gradients.
    func features(_ observations: Tensor) throws -> Tensor
    /// Per-transition novelty (forward-model error, or RND error).
    func novelty(observations: Tensor, actions: [Int], nextObservations: Tensor) throws -> [Float]
    /// One training step on an on-policy batch; returns its losses (tags losses/...).
    func train(observations: Tensor, actions: [Int], nextObservations: Tensor) throws -> [String: Double]
    /// Named tensors for checkpoints (models and optimizer state).
    func stateTensors() -> [(name: String, tensor: Tensor)]
    /// Restores `stateTensors`.
    func load(_ checkpoint: Checkpoint, prefix: String) throws
}

/// No dynamics: no features, no novelty; goal-conditioned ACER is then plain ACER.
public final class DummyDynamics: Dynamics {
    /// The dummy.
    public init() {}
    public var featureCount: Int { 0 }
    public func features(_ observations: Tensor) throws -> Tensor { Tensor.zeros([observations.shape[0], 0]) }
    public func novelty(observations: Tensor, actions: [Int], nextObservations: Tensor) throws -> [Float] {
        Array(repeating: 0, count: observations.shape[0])
    }
    public func train(observations: Tensor, actions: [Int], nextObservations: Tensor) throws -> [String: Double] { [:] }
    public func stateTensors() -> [(name: String, tensor: Tensor)] { [] }
    public func load(_ checkpoint: Checkpoint, prefix: String) throws {}
}

/// A learned dynamics model: an encoder phi (the Nature CNN for pixels, an MLP for vectors), an
/// auxiliary task that shapes it, and a residual forward model.
///
/// Auxiliary options (the reference's): `random` keeps phi at its random initialisation (default);
/// `inverse` trains phi with an inverse-dynamics head (phi(s), phi(s') -> action, NLL); `rnd` keeps phi
/// random and trains a predictor of phi whose error is the novelty (random network distillation).
public final class LearnedDynamics: Dynamics, Module {
    /// How phi is learned.
    public enum Auxiliary: String, Sendable, CaseIterable {
        case random, inverse, rnd
    }

    /// phi.
    public let encoder: any Layer
    /// (phi(s), one-hot a) -> phi(s') - phi(s).
    public let forwardModel: Sequential
    /// (phi(s), phi(s')) -> action logits, for `inverse`.
    public let inverseModel: Sequential?
    /// Predictor of phi, for `rnd`.
    public let predictor: (any Layer)?
    /// The auxiliary option.
    public let auxiliary: Auxiliary
    public let featureCount: Int
    let actionCount: Int

    /// A model for observations of `observationShape` and `actionCount` actions.
    public init(
        observationShape: [Int], actionCount: Int, featureCount: Int = 64, hiddenSize: Int = 256, auxiliary: Auxiliary = .random,
        learningRate: Float = 3e-4, generator: inout RandomGenerator
    ) throws {
        self.actionCount = actionCount
        self.auxiliary = auxiliary
        func makeEncoder(_ generator: inout RandomGenerator) throws -> (any Layer, Int) {
            if ObservationRows.isPixelImage(shape: observationShape) {
                let cnn = try NatureCNN(
                    channels: observationShape[0], height: observationShape[1], width: observationShape[2],
                    outputSize: featureCount, generator: &generator)
                return (cnn, featureCount)
            }
            let mlp = Sequential.multilayerPerceptron(
                [observationShape.reduce(1, *), hiddenSize, featureCount], activation: .relu,
                generator: &generator)
            return (FlatteningLayer(mlp), featureCount)
        }
        let (encoder, features) = try makeEncoder(&generator)
        self.encoder = encoder
        self.featureCount = features
        if auxiliary != .inverse { (encoder as Module).setTrainable(false) }
        forwardModel = Sequential.multilayerPerceptron(
            [features + actionCount, hiddenSize, hiddenSize, features], activation: .relu,
            generator: &generator)
        inverseModel =
            auxiliary == .inverse
            ? Sequential.multilayerPerceptron([2 * features, hiddenSize, actionCount], activation: .relu, generator: &generator) : nil
        predictor = auxiliary == .rnd ? try makeEncoder(&generator).0 : nil
        optimizerStorage = Adam(parameters: namedParameters(), learningRate: learningRate)
    }

    /// The optimiser over every trainable tensor (built after the modules).
    private var optimizerStorage: Adam!

    public func features(_ observations: Tensor) throws -> Tensor {
        try withoutGradients { try encoder(observations) }
    }

    private func oneHot(_ actions: [Int]) -> Tensor {
        let result = Tensor.zeros([actions.count, actionCount])
        for (row, action) in actions.enumerated() { result.pointer[row * actionCount + action] = 1 }
        return result
    }

    private func forwardError(_ current: Tensor, _ next: Tensor, _ actions: [Int]) throws -> Tensor {
        let prediction = try current + forwardModel(Tensor.concatenate([current, oneHot(actions)], axis: 1))
        return try (prediction - next.detached()).square().mean(axis: 1)
    }

    public func novelty(observations: Tensor, actions: [Int], nextObservations: Tensor) throws -> [Float] {
        try withoutGradients {
            if let predictor {
                return try (predictor(nextObservations) - encoder(nextObservations)).square().mean(axis: 1).scalars
            }
            return try forwardError(encoder(observations), encoder(nextObservations), actions).scalars
        }
    }

    public func train(observations: Tensor, actions: [Int], nextObservations: Tensor) throws -> [String: Double] {
        let tape = GradientTape()
        var scalars: [String: Double] = [:]
        let loss = try tape.record { () throws -> Tensor in
            let current = try encoder(observations), next = try encoder(nextObservations)
            let forwardLoss = try forwardError(current, next, actions).mean()
            scalars["losses/forward_loss"] = Double(forwardLoss.item)
            var total = forwardLoss
            if let inverseModel {
                let logits = try inverseModel(Tensor.concatenate([current, next], axis: 1))
                let inverseLoss = try Categorical(logits: logits).logProbability(of: actions).mean().negated()
                scalars["losses/inverse_loss"] = Double(inverseLoss.item)
                total = try total + inverseLoss
            }
            if let predictor {
                let rndLoss = try (predictor(nextObservations) - next.detached()).square().mean()
                scalars["losses/rnd_loss"] = Double(rndLoss.item)
                total = try total + rndLoss
            }
            return total
        }
        guard loss.item.isFinite else { throw AgentError.nonFinite("dynamics loss is \(loss.item)") }
        try optimizerStorage.step(try tape.backward(from: loss))
        return scalars
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] {
        namedTensors() + optimizerStorage.stateTensors().map { ("optimizer.\($0.name)", $0.tensor) }
    }

    public func load(_ checkpoint: Checkpoint, prefix: String) throws {
        var models = Checkpoint()
        for (name, tensor) in checkpoint.tensors where name.hasPrefix(prefix) && !name.hasPrefix(prefix + "optimizer.") {
            models.tensors[String(name.dropFirst(prefix.count))] = tensor
        }
        try models.load(into: self)
        try checkpoint.load(into: optimizerStorage, prefix: prefix + "optimizer.")
    }
}

/// Flattens [N, ...] before an MLP.
final class FlatteningLayer: Layer {
    let inner: Sequential
    init(_ inner: Sequential) { self.inner = inner }
    func callAsFunction(_ input: Tensor) throws -> Tensor { try inner(input.rank == 2 ? input : input.flattened()) }
}
