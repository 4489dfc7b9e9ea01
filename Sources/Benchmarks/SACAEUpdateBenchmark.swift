import Agents
import NN
import Tensors

/// One SAC-AE update exactly as ../shared/peers/sacae_update_torch.py times it: batch 128 of
/// 9x84x84, 4 convs of 32 filters, latent 50, hidden 1024; critic every step, actor and
/// temperature every second step with soft target updates (Q tau 0.01, encoder tau 0.05), decoder
/// (with the critic encoder) every step.
public final class SACAEUpdateBenchmark {
    /// The networks (exposed for tests).
    let actor: SACActor, critic: SACCritic, targetCritic: SACCritic, decoder: PixelDecoder
    let logAlpha: Tensor
    let actorOptimizer: Adam, criticOptimizer: Adam, alphaOptimizer: Adam, encoderOptimizer: Adam, decoderOptimizer: Adam
    let observations: Tensor, nextObservations: Tensor, actions: Tensor, rewards: Tensor, notDone: Tensor
    var generator: RandomGenerator
    /// Updates done so far.
    public private(set) var step = 0
    let actionCount: Int

    /// Builds the networks and a random batch.
    public init(batch: Int = 128, actions actionCount: Int = 1, seed: UInt64 = 0) throws {
        var random = RandomGenerator(seed: seed)
        self.actionCount = actionCount
        let criticEncoder = PixelEncoder(generator: &random)
        critic = SACCritic(encoder: criticEncoder, actions: actionCount, generator: &random)
        targetCritic = SACCritic(encoder: PixelEncoder(generator: &random), actions: actionCount, generator: &random)
        try softUpdate(target: targetCritic, from: critic, tau: 1)
        targetCritic.setTrainable(false)
        actor = SACActor(
            encoder: PixelEncoder(tyingConvolutionsOf: criticEncoder, generator: &random), actions: actionCount,
            generator: &random)
        decoder = PixelDecoder(generator: &random)
        logAlpha = Tensor(scalar: Float(0.1).logarithm).requiringGradient()
        actorOptimizer = Adam(parameters: actor.namedParameters(), learningRate: 1e-3)
        criticOptimizer = Adam(parameters: critic.namedParameters(), learningRate: 1e-3)
        alphaOptimizer = Adam(parameters: [("log_alpha", logAlpha)], learningRate: 1e-4, beta1: 0.5)
        encoderOptimizer = Adam(parameters: criticEncoder.namedParameters(), learningRate: 1e-3)
        decoderOptimizer = Adam(parameters: decoder.namedParameters(), learningRate: 1e-3, weightDecay: 1e-7)
        let pixels = [batch, 9, 84, 84]
        let count = pixels.reduce(1, *)
        observations = try Tensor.fromImages((0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }, shape: pixels)
        nextObservations = try Tensor.fromImages((0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }, shape: pixels)
        actions = Tensor.uniform([batch, actionCount], low: -1, high: 1, generator: &random)
        rewards = Tensor.uniform([batch, 1], generator: &random)
        notDone = Tensor.ones([batch, 1])
        generator = random
    }

    /// Seconds spent per phase (target, critic, actor, decoder), accumulated when `profile` is set.
    public var phaseSeconds: [String: Double] = [:]
    /// Whether `update` accumulates `phaseSeconds`.
    public var profile = false
    private var phaseStart = ContinuousClock.now
    private func mark(_ phase: String) {
        guard profile else { return }
        let now = ContinuousClock.now
        let elapsed = now - phaseStart
        phaseSeconds[phase, default: 0] += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        phaseStart = now
    }

    /// One full update.
    public func update() throws {
        phaseStart = ContinuousClock.now
        let alpha = logAlpha.item.exponential
        // Critic: r + gamma not_done (min Q_target(s', a') - alpha log pi(a'|s')).
        let targetQ = try withoutGradients {
            let next = try actor(nextObservations, generator: &generator)
            let (q1, q2) = try targetCritic(nextObservations, action: next.action)
            return try rewards + notDone * ((q1.minimum(q2) - next.logProbability * alpha) * 0.99)
        }
        mark("target")
        let criticTape = GradientTape()
        let criticLoss = try criticTape.record {
            let (q1, q2) = try critic(observations, action: actions)
            return try Loss.meanSquaredError(q1, targetQ) + Loss.meanSquaredError(q2, targetQ)
        }
        mark("critic forward")
        let criticGradients = try criticTape.backward(from: criticLoss)
        mark("critic backward")
        try criticOptimizer.step(criticGradients)
        mark("critic step")

        // The tied convolutions keep their weights from here to the decoder step and see the same
        // observations in the actor, temperature and decoder updates: computed once (as SAC.update does).
        let decoderTape = GradientTape()
        let shared = try decoderTape.record { try critic.encoder.sharedFeatures(observations) }
        if step % 2 == 0 {
            let actorTape = GradientTape()
            let features = shared.detached()
            let (actorLoss, logProbability) = try actorTape.record {
                let policy = try actor(sharedFeatures: features, generator: &generator)
                let (q1, q2) = try critic(sharedFeatures: features, action: policy.action)
                return (try (policy.logProbability * alpha - q1.minimum(q2)).mean(), policy.logProbability)
            }
            let actorGradients = try actorTape.backward(from: actorLoss)
            try actorOptimizer.step(actorGradients)
            let alphaTape = GradientTape()
            let alphaLoss = try alphaTape.record {
                try (logAlpha.exp() * (logProbability.detached().negated() + Float(actionCount))).mean()
            }
            try alphaOptimizer.step(try alphaTape.backward(from: alphaLoss))
            try softUpdate(target: targetCritic.q1, from: critic.q1, tau: 0.01)
            try softUpdate(target: targetCritic.q2, from: critic.q2, tau: 0.01)
            try softUpdate(target: targetCritic.encoder, from: critic.encoder, tau: 0.05)
            mark("actor")
        }

        // Decoder: reconstruct obs / 255 - 0.5 from the critic encoder's latent (the peer's simplified target).
        let reconstructionLoss = try decoderTape.record {
            let latent = try critic.encoder.latent(fromSharedFeatures: shared)
            let target = observations - 0.5
            let penalty = try (latent.square().sum(axis: 1) * 0.5).mean()
            return try Loss.meanSquaredError(target, decoder(latent)) + penalty * 1e-6
        }
        mark("decoder forward")
        let decoderGradients = try decoderTape.backward(from: reconstructionLoss)
        mark("decoder backward")
        try encoderOptimizer.step(decoderGradients)
        try decoderOptimizer.step(decoderGradients)
        mark("decoder step")
        step += 1
    }

    /// Floating-point operations of one update, averaged over the actor / no-actor steps
    /// (counted per GEMM of the convolutions, linears and their gradients).
    public static let gigaflopPerUpdate = 138.0
}

extension Float {
    var logarithm: Float { Float(Foundation.log(Double(self))) }
    var exponential: Float { Float(Foundation.exp(Double(self))) }
}

import Foundation
