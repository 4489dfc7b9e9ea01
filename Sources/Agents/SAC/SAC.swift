import Foundation
import Gym
import NN
import Random
import Tensors

/// Soft Actor-Critic for continuous actions, from states (identity encoder) or from pixels with the
/// SAC-AE pixel encoder and, optionally, its decoder (Yarats et al. 2019; pytorch_sac_ae).
///
/// Each iteration steps every environment once (uniform random actions for the first `init_steps`,
/// then a sample of the policy), stores the transitions (time-limit ends as not-done) and makes
/// `updates_per_step` updates (`init_steps` warm-up updates at the first learning step, run
/// `warmUpChunk` per iteration with no environment step between them). An update:
/// critic on r + gamma not_done (min Q_target(s', a') - alpha log pi(a'|s')) with gradients into the
/// encoder; every `actor_update_freq` updates the actor (encoder detached after the convolutions,
/// which the actor shares with the critic) and the temperature towards entropy -|A|; every
/// `critic_target_update_freq` updates the soft target updates (Q heads tau 0.01, encoder 0.05);
/// every `decoder_update_freq` updates the decoder reconstructs the 5-bit observation (with
/// dequantisation noise) from the critic encoder's latent, with an L2 latent penalty, training the
/// encoder too.
public final class SAC: TrainableAgent {
    /// "sac-ae" or "sac".
    public let algorithmName: String
    /// The hyperparameters.
    public let configuration: SACConfiguration
    /// The policy.
    public let actor: SACActor
    /// The two Q heads on the (shared-convolution) encoder.
    public let critic: SACCritic
    /// The slowly moving copy of the critic for targets.
    public let targetCritic: SACCritic
    /// The pixel decoder (SAC-AE), or nil.
    public let decoder: PixelDecoder?
    /// log alpha.
    public let logAlpha: Tensor
    let actorOptimizer: Adam, criticOptimizer: Adam, alphaOptimizer: Adam
    let encoderOptimizer: Adam?, decoderOptimizer: Adam?
    /// The replay (each frame stored once).
    public let replay: FrameReplay
    let runner: EpisodeRunner
    var generator: RandomGenerator
    let actionLow: [Float], actionHigh: [Float]
    let actionDimension: Int
    let observationShape: [Int]
    private(set) var iterationCount = 0
    private(set) var updateCount = 0
    /// Whether updates compute the tied convolutions once for the actor, temperature and decoder
    /// (off only in the test that checks it changes nothing).
    var reusesSharedFeatures = true

    /// An agent stepping `environmentCount` environments made by `makeEnvironment` (Box actions).
    public init(
        configuration: SACConfiguration, algorithmName: String = "sac-ae", environmentCount: Int = 1, seed: Int,
        makeEnvironment: () throws -> any Environment
    ) throws {
        self.configuration = configuration
        self.algorithmName = algorithmName
        let probe = try makeEnvironment()
        guard case .box(let actionBox) = probe.actionSpace, actionBox.dtype == .float32 else {
            throw AgentError.unsupported(
                "SAC needs a continuous (Float32 Box) action space, got \(probe.actionSpace): choose a continuous environment (for example LunarLanderContinuous-v3) or train ACER"
            )
        }
        let space = probe.observationSpace
        probe.close()
        actionDimension = actionBox.count
        actionLow = actionBox.low
        actionHigh = actionBox.high
        guard actionLow.allSatisfy({ $0.isFinite }) && actionHigh.allSatisfy({ $0.isFinite }) else {
            throw AgentError.unsupported("SAC needs finite action bounds to rescale its tanh actions, got \(actionBox)")
        }
        guard case .box(let observationBox) = space else {
            throw AgentError.unsupported("SAC needs Box observations (vectors or pixel images), got \(space)")
        }
        let shape = observationBox.shape
        observationShape = shape
        let usePixelEncoder = try Self.usesPixelEncoder(configuration, observationShape: shape)
        if configuration.decoder && !usePixelEncoder {
            throw AgentError.invalidConfiguration(
                "decoder = true needs the pixel encoder (pixel observations); use algorithm sac (or --set decoder=false) for state observations"
            )
        }
        // The replay before the networks: a replay_size beyond the machine's memory is refused first.
        replay = try FrameReplay(space: space, capacity: configuration.replaySize, actionDimension: actionDimension)
        var random = RandomGenerator(seed: UInt64(truncatingIfNeeded: seed))
        let hidden = configuration.hiddenSize
        func makeEncoder(_ random: inout RandomGenerator) -> any ObservationEncoder {
            Self.makeEncoder(configuration, observationShape: shape, pixel: usePixelEncoder, generator: &random)
        }
        let criticEncoder = makeEncoder(&random)
        critic = SACCritic(encoder: criticEncoder, actions: actionDimension, hidden: hidden, generator: &random)
        targetCritic = SACCritic(encoder: makeEncoder(&random), actions: actionDimension, hidden: hidden, generator: &random)
        let actorEncoder: any ObservationEncoder
        if let pixel = criticEncoder as? PixelEncoder {
            actorEncoder = PixelEncoder(
                tyingConvolutionsOf: pixel, featureDimension: configuration.encoderFeatureDimension, generator: &random)
        } else {
            actorEncoder = IdentityEncoder(featureCount: criticEncoder.featureCount)
        }
        actor = SACActor(
            encoder: actorEncoder, actions: actionDimension, hidden: hidden, minLogStd: Float(configuration.actorLogStdMin),
            maxLogStd: Float(configuration.actorLogStdMax), generator: &random)
        if configuration.decoder, let pixel = criticEncoder as? PixelEncoder {
            decoder = PixelDecoder(
                channels: shape[0], featureDimension: configuration.encoderFeatureDimension,
                layers: configuration.encoderLayers, filters: configuration.encoderFilters, side: pixel.outputSide,
                generator: &random)
        } else {
            decoder = nil
        }
        SACInitialization.apply(to: critic, generator: &random)
        SACInitialization.apply(to: actor, generator: &random)
        if let decoder { SACInitialization.apply(to: decoder, generator: &random) }
        try softUpdate(target: targetCritic, from: critic, tau: 1)
        targetCritic.setTrainable(false)
        logAlpha = Tensor(scalar: Float(Foundation.log(configuration.initialTemperature))).requiringGradient()
        actorOptimizer = Adam(
            parameters: actor.namedParameters(), learningRate: Float(configuration.actorLearningRate), beta1: Float(configuration.actorBeta)
        )
        criticOptimizer = Adam(
            parameters: critic.namedParameters(), learningRate: Float(configuration.criticLearningRate),
            beta1: Float(configuration.criticBeta))
        alphaOptimizer = Adam(
            parameters: [("log_alpha", logAlpha)], learningRate: Float(configuration.alphaLearningRate),
            beta1: Float(configuration.alphaBeta))
        if let decoder {
            encoderOptimizer = Adam(parameters: criticEncoder.namedParameters(), learningRate: Float(configuration.encoderLearningRate))
            decoderOptimizer = Adam(
                parameters: decoder.namedParameters(), learningRate: Float(configuration.decoderLearningRate),
                weightDecay: Float(configuration.decoderWeightLambda))
        } else {
            encoderOptimizer = nil
            decoderOptimizer = nil
        }
        let environments = try VectorEnvironment(
            environments: (0..<environmentCount).map { _ in try makeEnvironment() }, autoresetMode: .disabled)
        runner = try EpisodeRunner(environments: environments, seed: seed)
        generator = RandomGenerator(seed: UInt64(truncatingIfNeeded: seed) &+ 0x5AC)
    }

    public var environmentSteps: Int { runner.stepCount }

    public var scalarTags: [String] {
        [
            "losses/critic_loss", "losses/actor_loss", "losses/alpha_loss", "losses/reconstruction_loss", "losses/entropy", "charts/alpha",
            "charts/updates",
        ]
    }

    public func start() throws {
        try runner.start()
        for environment in 0..<runner.count {
            replay.beginEpisode(environment: environment, observation: runner.observations, row: environment)
        }
    }

    /// The environment action for policy values in [-1, 1].
    func environmentAction(_ values: ArraySlice<Float>) -> Action {
        Self.environmentAction(values, low: actionLow, high: actionHigh)
    }

    /// Policy values in [-1, 1] rescaled to the action bounds [low, high].
    static func environmentAction(_ values: ArraySlice<Float>, low: [Float], high: [Float]) -> Action {
        .continuous(values.enumerated().map { index, value in low[index] + (value + 1) * 0.5 * (high[index] - low[index]) })
    }

    /// Whether observations of `observationShape` go through the pixel encoder (the `encoder` key:
    /// pixel, identity, or auto: pixels for square [C, H, W] images).
    static func usesPixelEncoder(_ configuration: SACConfiguration, observationShape shape: [Int]) throws -> Bool {
        let isSquareImage = ObservationRows.isPixelImage(shape: shape) && shape[1] == shape[2]
        switch configuration.encoder {
        case .pixel:
            guard isSquareImage else {
                throw AgentError.unsupported("the pixel encoder needs square [C, H, W] images of at least 36x36, got \(shape)")
            }
            return true
        case .identity: return false
        case .auto: return isSquareImage
        }
    }

    /// A new encoder for observations of `observationShape`.
    static func makeEncoder(
        _ configuration: SACConfiguration, observationShape shape: [Int], pixel: Bool,
        generator: inout RandomGenerator
    ) -> any ObservationEncoder {
        pixel
            ? PixelEncoder(
                channels: shape[0], side: shape[1], featureDimension: configuration.encoderFeatureDimension,
                layers: configuration.encoderLayers, filters: configuration.encoderFilters, generator: &generator)
            : IdentityEncoder(featureCount: shape.reduce(1, *))
    }

    /// Warm-up updates per iteration: the first learning step's `init_steps` updates (10 minutes
    /// from pixels) are spread over iterations, so that a stop signal, a progress line and a
    /// checkpoint can come between them (the updates and their order are unchanged).
    static let warmUpChunk = 10

    /// Warm-up updates still due at the first learning step (none before or after it).
    var warmUpUpdatesLeft: Int {
        iterationCount == configuration.initialSteps && configuration.initialSteps > 0 ? configuration.initialSteps - updateCount : 0
    }

    public func iterate() throws -> IterationReport {
        if warmUpUpdatesLeft > 0 {
            return try report(afterUpdates: min(warmUpUpdatesLeft, Self.warmUpChunk), finished: [])
        }
        let environments = runner.count
        var policyActions = Array(repeating: Float(0), count: environments * actionDimension)
        if iterationCount < configuration.initialSteps {
            for index in 0..<policyActions.count { policyActions[index] = Float(generator.uniform(-1, 1)) }
        } else {
            let input = ObservationRows.tensor(from: runner.observations, rowShape: observationShape)
            let sample = try withoutGradients { try actor(input, detachEncoder: false, generator: &generator).action }
            policyActions = sample.scalars
        }
        let actions = (0..<environments).map { environmentAction(policyActions[($0 * actionDimension)..<(($0 + 1) * actionDimension)]) }
        try runner.step(actions)
        let vector = runner.environments
        for environment in 0..<environments {
            replay.add(
                environment: environment, action: policyActions[(environment * actionDimension)..<((environment + 1) * actionDimension)],
                reward: Float(vector.rewards[environment]), notDone: vector.terminations[environment] ? 0 : 1,
                nextObservation: vector.observations, row: environment)
        }
        let finished = try runner.resetFinished()
        if !finished.isEmpty {
            for environment in 0..<environments where vector.terminations[environment] || vector.truncations[environment] {
                replay.beginEpisode(environment: environment, observation: runner.observations, row: environment)
            }
        }
        iterationCount += 1
        let updates =
            iterationCount < configuration.initialSteps || replay.count < 1
            ? 0 : warmUpUpdatesLeft > 0 ? min(warmUpUpdatesLeft, Self.warmUpChunk) : configuration.updatesPerStep
        return try report(afterUpdates: updates, finished: finished)
    }

    /// Makes `updates` updates and reports their mean losses with the episodes that just `finished`.
    private func report(afterUpdates updates: Int, finished: [EpisodeRecord]) throws -> IterationReport {
        var scalars: [String: Double] = [:]
        var totals: [String: Double] = [:], counts: [String: Double] = [:]
        for _ in 0..<updates {
            for (tag, value) in try update() {
                totals[tag, default: 0] += value
                counts[tag, default: 0] += 1
            }
        }
        for (tag, total) in totals { scalars[tag] = total / counts[tag]! }
        scalars["charts/alpha"] = Double(Foundation.exp(logAlpha.item))
        scalars["charts/updates"] = Double(updateCount)
        return IterationReport(environmentSteps: environmentSteps, episodes: finished, scalars: scalars)
    }

    /// One SAC(-AE) update from a replay batch; returns the losses.
    public func update() throws -> [String: Double] {
        let batch = replay.sample(batchSize: configuration.batchSize, using: &generator)
        let alpha = Foundation.exp(logAlpha.item)
        var scalars: [String: Double] = [:]
        // Critic.
        let targetQ = try withoutGradients {
            let next = try actor(batch.nextObservations, generator: &generator)
            let (q1, q2) = try targetCritic(batch.nextObservations, action: next.action)
            return try batch.rewards + batch.notDones * ((q1.minimum(q2) - next.logProbability * alpha) * Float(configuration.discount))
        }
        let criticTape = GradientTape()
        let criticLoss = try criticTape.record {
            let (q1, q2) = try critic(batch.observations, action: batch.actions)
            return try Loss.meanSquaredError(q1, targetQ) + Loss.meanSquaredError(q2, targetQ)
        }
        guard criticLoss.item.isFinite else {
            throw AgentError.nonFinite("critic_loss is \(criticLoss.item) at environment step \(environmentSteps) (update \(updateCount))")
        }
        try criticOptimizer.step(try criticTape.backward(from: criticLoss))
        scalars["losses/critic_loss"] = Double(criticLoss.item)

        // After the critic step the tied convolutions keep their weights through the actor, temperature
        // and decoder updates, which all encode the same observations: compute them once (the reference
        // computes them three times), with gradients only where the decoder needs them.
        let actorStep = updateCount % configuration.actorUpdateFrequency == 0
        let decoderStep = decoder != nil && updateCount % configuration.decoderUpdateFrequency == 0
        let reuse = reusesSharedFeatures && actor.encoder.sharesFeatures(with: critic.encoder)
        let decoderTape = GradientTape()
        var sharedFeatures: Tensor?
        if reuse && decoderStep {
            sharedFeatures = try decoderTape.record { try critic.encoder.sharedFeatures(batch.observations) }
        } else if reuse && actorStep {
            sharedFeatures = try withoutGradients { try critic.encoder.sharedFeatures(batch.observations) }
        }

        // Actor and temperature (the encoder is detached: the actor does not train the convolutions).
        if actorStep {
            let actorTape = GradientTape()
            let (actorLoss, logProbability) = try actorTape.record {
                let policy: (mode: Tensor, action: Tensor, logProbability: Tensor)
                let q1: Tensor, q2: Tensor
                if let features = sharedFeatures?.detached() {
                    policy = try actor(sharedFeatures: features, generator: &generator)
                    (q1, q2) = try critic(sharedFeatures: features, action: policy.action)
                } else {
                    policy = try actor(batch.observations, detachEncoder: true, generator: &generator)
                    (q1, q2) = try critic(batch.observations, action: policy.action, detachEncoder: true)
                }
                return (try (policy.logProbability * alpha - q1.minimum(q2)).mean(), policy.logProbability)
            }
            guard actorLoss.item.isFinite else {
                throw AgentError.nonFinite(
                    "actor_loss is \(actorLoss.item) at environment step \(environmentSteps) (update \(updateCount))")
            }
            let actorGradients = try actorTape.backward(from: actorLoss)
            try actorOptimizer.step(actorGradients)
            let alphaTape = GradientTape()
            let targetEntropy = -Float(actionDimension)
            let alphaLoss = try alphaTape.record {
                try (logAlpha.exp() * (logProbability.detached().negated() - targetEntropy)).mean()
            }
            try alphaOptimizer.step(try alphaTape.backward(from: alphaLoss))
            scalars["losses/actor_loss"] = Double(actorLoss.item)
            scalars["losses/alpha_loss"] = Double(alphaLoss.item)
            scalars["losses/entropy"] = -Double(logProbability.mean().item)
        }

        // Target networks.
        if updateCount % configuration.targetUpdateFrequency == 0 {
            try softUpdate(target: targetCritic.q1, from: critic.q1, tau: Float(configuration.criticTau))
            try softUpdate(target: targetCritic.q2, from: critic.q2, tau: Float(configuration.criticTau))
            try softUpdate(target: targetCritic.encoder, from: critic.encoder, tau: Float(configuration.encoderTau))
        }

        // Decoder: reconstruct the 5-bit observation with dequantisation noise, centred on 0.
        if let decoder, let encoderOptimizer, let decoderOptimizer, decoderStep {
            let target = reconstructionTarget(batch.observations)
            let loss = try decoderTape.record {
                let latent =
                    try sharedFeatures.map { try critic.encoder.latent(fromSharedFeatures: $0) }
                    ?? critic.encoder(batch.observations, detach: false)
                let penalty = try (latent.square().sum(axis: 1) * 0.5).mean()
                return try Loss.meanSquaredError(decoder(latent), target) + penalty * Float(configuration.decoderLatentLambda)
            }
            let gradients = try decoderTape.backward(from: loss)
            try encoderOptimizer.step(gradients)
            try decoderOptimizer.step(gradients)
            scalars["losses/reconstruction_loss"] = Double(loss.item)
        }
        updateCount += 1
        return scalars
    }

    /// SAC-AE's `preprocess_obs` with 5 bits: floor(x / 8) / 32 + U[0, 1) / 32 - 0.5 for pixel values x
    /// (observations x / 255). Two 24-bit uniforms per generator draw, and integer arithmetic for the
    /// pixel: 8 million values per update, where a rounding library call and a draw per value took
    /// 3% of a pixel SAC-AE step.
    func reconstructionTarget(_ observations: Tensor) -> Tensor {
        let target = Tensor(shape: observations.shape, storage: TensorStorage(count: observations.count))
        let source = observations.pointer, result = target.pointer, count = observations.count
        let scale: Float = 0x1p-24 / 32
        @inline(__always) func value(_ index: Int, noise: UInt64) -> Float {
            let pixel = Int(source[index] * 255 + 0.5)  // the stored byte (observations are bytes / 255)
            return Float(pixel >> 3) / 32 + Float(noise) * scale - 0.5
        }
        var index = 0
        while index + 2 <= count {
            let bits = generator.next()
            result[index] = value(index, noise: bits >> 40)
            result[index + 1] = value(index + 1, noise: (bits >> 8) & 0xFF_FFFF)
            index += 2
        }
        if index < count { result[index] = value(index, noise: generator.next() >> 40) }
        return target
    }

    public func evaluationPolicy() throws -> any EvaluationPolicy {
        SACPolicy(actor: actor, observationShape: observationShape, actionLow: actionLow, actionHigh: actionHigh)
    }

    public func checkpoint() throws -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint.add(actor, prefix: "actor.")
        checkpoint.add(critic, prefix: "critic.")
        checkpoint.add(targetCritic, prefix: "critic_target.")
        if let decoder { checkpoint.add(decoder, prefix: "decoder.") }
        checkpoint.tensors["log_alpha"] = logAlpha
        checkpoint.add(actorOptimizer, prefix: "optimizer.actor.")
        checkpoint.add(criticOptimizer, prefix: "optimizer.critic.")
        checkpoint.add(alphaOptimizer, prefix: "optimizer.alpha.")
        if let encoderOptimizer { checkpoint.add(encoderOptimizer, prefix: "optimizer.encoder.") }
        if let decoderOptimizer { checkpoint.add(decoderOptimizer, prefix: "optimizer.decoder.") }
        checkpoint.metadata["algorithm"] = algorithmName
        checkpoint.metadata["iterations"] = "\(iterationCount)"
        checkpoint.metadata["updates"] = "\(updateCount)"
        try RunState.save(generator: generator, runner: runner, environmentSteps: environmentSteps, into: &checkpoint)
        return checkpoint
    }

    public func replayCheckpoint() throws -> Checkpoint? {
        var checkpoint = replay.checkpoint()
        checkpoint.metadata["environment_steps"] = "\(environmentSteps)"
        return checkpoint
    }

    public var policyTensorPrefixes: [String] { ["actor."] }

    public func loadPolicy(from checkpoint: Checkpoint) throws {
        try checkpoint.requireAlgorithm(algorithmName)
        try checkpoint.load(into: actor, prefix: "actor.")
    }

    public func restore(from checkpoint: Checkpoint, replay saved: Checkpoint?) throws {
        try checkpoint.requireAlgorithm(algorithmName)
        try checkpoint.load(into: critic, prefix: "critic.")
        try checkpoint.load(into: actor, prefix: "actor.")
        try checkpoint.load(into: targetCritic, prefix: "critic_target.")
        if let decoder { try checkpoint.load(into: decoder, prefix: "decoder.") }
        guard let alpha = checkpoint.tensors["log_alpha"] else { throw AgentError.invalidState("the checkpoint has no log_alpha") }
        try logAlpha.assign(alpha)
        try checkpoint.load(into: actorOptimizer, prefix: "optimizer.actor.")
        try checkpoint.load(into: criticOptimizer, prefix: "optimizer.critic.")
        try checkpoint.load(into: alphaOptimizer, prefix: "optimizer.alpha.")
        if let encoderOptimizer { try checkpoint.load(into: encoderOptimizer, prefix: "optimizer.encoder.") }
        if let decoderOptimizer { try checkpoint.load(into: decoderOptimizer, prefix: "optimizer.decoder.") }
        iterationCount = Int(checkpoint.metadata["iterations"] ?? "") ?? 0
        updateCount = Int(checkpoint.metadata["updates"] ?? "") ?? 0
        generator = try RunState.restore(runner: runner, from: checkpoint)
        if let saved {
            try replay.load(saved, environments: runner.count)
        } else {
            for environment in 0..<runner.count {
                replay.beginEpisode(environment: environment, observation: runner.observations, row: environment)
            }
        }
    }

}
