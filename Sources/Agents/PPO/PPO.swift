import Foundation
import Gym
import NN
import Random
import Tensors

/// Proximal Policy Optimization as rsl_rl v1 runs it (Schulman et al. 2017), over any environment
/// through the `Environment` protocol, with discrete or continuous actions.
///
/// Each iteration collects `num_steps_per_env` steps from every environment (time-limit truncations
/// bootstrap with gamma V(final observation)), computes GAE advantages (normalised over the batch) and
/// returns, then makes `num_learning_epochs` passes of `num_mini_batches` minibatches: clipped
/// surrogate, clipped value loss, entropy bonus, global gradient clipping, Adam; with the adaptive
/// schedule the learning rate follows the KL between the rollout's and the current policy
/// (> 2 x target: / 1.5, floor 1e-5; < target / 2: x 1.5, cap 1e-2).
public final class PPO: TrainableAgent {
    public var algorithmName: String { "ppo" }
    /// The hyperparameters.
    public let configuration: PPOConfiguration
    /// The actor-critic.
    public let network: ActorCritic
    /// Observation normalisation (nil when off).
    public let normalizer: RunningNormalizer?
    /// The actor and critic memories of the recurrent actor-critic (nil for the MLP one).
    public let memory: RecurrentMemory?
    /// The memories' current states, one row per environment.
    var actorState: LSTM.State, criticState: LSTM.State
    let optimizer: Adam
    let runner: EpisodeRunner
    var generator: RandomGenerator
    let observationShape: [Int]
    let observationCount: Int
    let actionDimension: Int
    let actionLow: [Float], actionHigh: [Float]
    private(set) var iterationCount = 0

    /// An agent over `environmentCount` environments from `makeEnvironment`.
    public init(configuration: PPOConfiguration, environmentCount: Int, seed: Int, makeEnvironment: () throws -> any Environment) throws {
        self.configuration = configuration
        let probe = try makeEnvironment()
        let rows = try ObservationRows(space: probe.observationSpace, capacity: 1)
        observationShape = rows.rowShape
        observationCount = rows.rowLength
        // The rollout holds every step's Float32 observation, and learning copies it once more.
        let rolloutRows = Double(configuration.stepsPerEnvironment) * Double(environmentCount)
        try MemoryBudget.require(
            bytes: rolloutRows * Double(2 * rows.rowLength + 16) * 4,
            for:
                "a rollout of num_steps_per_env = \(configuration.stepsPerEnvironment) x num_envs = \(environmentCount) steps of \(rows.rowShape) observations",
            fix: "lower num_steps_per_env or num_envs")
        let continuous: Bool
        switch probe.actionSpace {
        case .discrete(let discrete):
            continuous = false
            actionDimension = discrete.n
            actionLow = []; actionHigh = []
        case .box(let box) where box.dtype == .float32:
            continuous = true
            actionDimension = box.count
            actionLow = box.low; actionHigh = box.high
        default:
            throw AgentError.unsupported("PPO needs a Discrete or Float32 Box action space, got \(probe.actionSpace)")
        }
        let activation = configuration.activation
        var random = RandomGenerator(seed: UInt64(truncatingIfNeeded: seed))
        memory =
            configuration.recurrent == .lstm
            ? RecurrentMemory(inputSize: rows.rowLength, hiddenSize: configuration.recurrentHiddenSize, generator: &random) : nil
        let hidden = memory?.hiddenSize ?? 1
        actorState = .zeros(batch: environmentCount, hiddenSize: hidden)
        criticState = .zeros(batch: environmentCount, hiddenSize: hidden)
        network = ActorCritic(
            observationCount: memory?.hiddenSize ?? rows.rowLength, actionCount: actionDimension, continuous: continuous,
            actorHiddenSizes: configuration.actorHiddenSizes, criticHiddenSizes: configuration.criticHiddenSizes,
            activation: activation, initialNoiseStd: Float(configuration.initialNoiseStd), generator: &random)
        normalizer = configuration.normalizeObservations ? RunningNormalizer(size: observationCount) : nil
        optimizer = Adam(
            parameters: network.namedParameters() + (memory?.namedParameters().map { ("memory.\($0.name)", $0.tensor) } ?? []),
            learningRate: Float(configuration.learningRate))
        let environments = try VectorEnvironment(
            environments: [probe] + (1..<environmentCount).map { _ in try makeEnvironment() }, autoresetMode: .disabled)
        runner = try EpisodeRunner(environments: environments, seed: seed)
        generator = RandomGenerator(seed: UInt64(truncatingIfNeeded: seed) &+ 0x990)
    }

    public var environmentSteps: Int { runner.stepCount }

    public var scalarTags: [String] {
        ["losses/value_loss", "losses/surrogate_loss", "losses/entropy", "losses/approx_kl", "charts/learning_rate", "charts/action_std"]
    }

    public func start() throws { try runner.start() }

    /// The network input for the current observations (normalised, updating the statistics when `update`).
    func input(_ buffer: ObservationBuffer, update: Bool) throws -> Tensor {
        try Self.input(buffer, observationShape: observationShape, normalizer: normalizer, update: update)
    }

    /// Observation rows flattened to [rows, features] and normalised (updating the statistics when `update`).
    static func input(_ buffer: ObservationBuffer, observationShape: [Int], normalizer: RunningNormalizer?, update: Bool) throws -> Tensor {
        let raw = try ObservationRows.tensor(from: buffer, rowShape: observationShape).reshaped([
            buffer.rows, observationShape.reduce(1, *),
        ])
        guard let normalizer else { return raw }
        if update { normalizer.update(raw) }
        return normalizer.normalize(raw)
    }

    /// One PPO iteration, as rsl_rl's runner does it: collect a rollout, compute its advantages, learn from it.
    public func iterate() throws -> IterationReport {
        let storage = RolloutStorage(
            steps: configuration.stepsPerEnvironment, environments: runner.count, observationWidth: observationCount)
        let finished = try collect(into: storage)
        try computeAdvantages(of: storage)
        var scalars = try learn(from: storage)
        iterationCount += 1
        scalars["charts/learning_rate"] = Double(optimizer.learningRate)
        if let logStd = network.logStandardDeviation {
            scalars["charts/action_std"] = Double(logStd.clamped(min: -20, max: 2).exp().mean().item)
        }
        return IterationReport(environmentSteps: environmentSteps, episodes: finished, scalars: scalars)
    }

    /// Steps every environment `num_steps_per_env` times with the current policy, recording the rollout.
    /// Time-limit truncations bootstrap: r + gamma V(final observation) (rsl_rl's time-out handling).
    func collect(into storage: RolloutStorage) throws -> [EpisodeRecord] {
        let environments = runner.count
        var finished: [EpisodeRecord] = []
        let discount = Float(configuration.discount)
        for t in 0..<storage.steps {
            let x = try input(runner.observations, update: true)
            storage.addInputs(
                x.buffer,
                memoryStates: memory == nil
                    ? nil
                    : [actorState.hidden.buffer, actorState.cell.buffer, criticState.hidden.buffer, criticState.cell.buffer])
            let (sampled, logProbability, value, parameters, stds) = try withoutGradients {
                () throws -> ([Float], [Float], [Float], [Float], [Float]) in
                let (actorInput, criticInput) = try advanceMemories(x)
                let output = try network.actor(actorInput)
                let value = try network.value(criticInput).scalars
                if let logStd = network.logStandardDeviation {
                    let clampedLogStd = logStd.clamped(min: -20, max: 2)
                    let distribution = DiagonalGaussian(mean: output, logStandardDeviation: clampedLogStd)
                    let sample = try distribution.sample(using: &generator)
                    let std = clampedLogStd.exp().scalars
                    return (
                        sample.scalars, try distribution.logProbability(of: sample).scalars, value, output.scalars,
                        (0..<environments).flatMap { _ in std }
                    )
                }
                let distribution = try Categorical(logits: output)
                let chosen = distribution.sample(using: &generator)
                return (
                    chosen.map(Float.init), try distribution.logProbability(of: chosen).scalars, value, distribution.probabilities.scalars,
                    []
                )
            }
            storage.addPolicy(
                step: t, actions: sampled, values: value, logProbabilities: logProbability, distributionParameters: parameters,
                standardDeviations: stds)
            let environmentActions: [Action] = (0..<environments).map { environment in
                if network.isContinuous {
                    let slice = sampled[(environment * actionDimension)..<((environment + 1) * actionDimension)]
                    return .continuous(slice.enumerated().map { min(max($0.element, actionLow[$0.offset]), actionHigh[$0.offset]) })
                }
                return .discrete(Int(sampled[environment]))
            }
            try runner.step(environmentActions)
            try runner.recordStep(rewards: &storage.rewards, dones: &storage.dones, at: t * environments, discount: discount) { final in
                try withoutGradients { try network.value(criticInput(try input(final, update: false))).scalars }
            }
            finished += try runner.resetFinished()
            resetMemories((0..<environments).filter { storage.dones[t * environments + $0] > 0 })
        }
        return finished
    }

    /// Returns and normalised GAE advantages, bootstrapped from the value of the observations after the rollout.
    func computeAdvantages(of storage: RolloutStorage) throws {
        let lastValues = try withoutGradients { try network.value(criticInput(try input(runner.observations, update: false))).scalars }
        storage.computeReturns(lastValues: lastValues, discount: Float(configuration.discount), lambda: Float(configuration.lambda))
    }

    /// `num_learning_epochs` passes of `num_mini_batches` updates: rows shuffled for the MLP actor-critic,
    /// whole environments' trajectories for the recurrent one. Returns the losses averaged over updates.
    func learn(from storage: RolloutStorage) throws -> [String: Double] {
        var totals: [String: Double] = [:]
        var count = 0.0
        for _ in 0..<configuration.epochs {
            let minibatches =
                memory == nil
                ? storage.flatMinibatches(count: configuration.minibatches, generator: &generator)
                : storage.recurrentMinibatches(count: configuration.minibatches, generator: &generator)
            for minibatch in minibatches {
                let losses =
                    memory == nil ? try update(batch: minibatch, storage: storage) : try updateRecurrent(group: minibatch, storage: storage)
                for (key, value) in losses { totals[key, default: 0] += value }
                count += 1
            }
        }
        return totals.mapValues { $0 / max(count, 1) }
    }

    /// Steps both memories with `x` (committing their states) and returns the actor's and critic's inputs.
    func advanceMemories(_ x: Tensor) throws -> (Tensor, Tensor) {
        guard let memory else { return (x, x) }
        actorState = try memory.actorMemory.step(x, state: actorState)
        criticState = try memory.criticMemory.step(x, state: criticState)
        return (actorState.hidden, criticState.hidden)
    }

    /// The critic's input for `x` from the current critic state, without committing it.
    func criticInput(_ x: Tensor) throws -> Tensor {
        guard let memory else { return x }
        return try memory.criticMemory.step(x, state: criticState).hidden
    }

    /// Zeroes the memory states of environments whose episode ended.
    func resetMemories(_ environments: [Int]) {
        guard let memory, !environments.isEmpty else { return }
        let hidden = memory.hiddenSize
        for tensor in [actorState.hidden, actorState.cell, criticState.hidden, criticState.cell] {
            for environment in environments { (tensor.pointer + environment * hidden).update(repeating: 0, count: hidden) }
        }
    }

    /// One recurrent minibatch: the environments of `group`, their trajectories split at dones and
    /// padded, each run through the memories from the state stored at its first step.
    func updateRecurrent(group: [Int], storage: RolloutStorage) throws -> [String: Double] {
        guard let memory else { return [:] }
        let environments = runner.count, hidden = memory.hiddenSize
        let segments = Trajectories.segments(
            dones: storage.dones, steps: storage.steps, environments: group, environmentCount: environments)
        let (padded, mask, length) = Trajectories.splitAndPad(
            storage.observations, width: observationCount, segments: segments,
            environmentCount: environments)
        let count = segments.count
        func initialState(_ hiddenIndex: Int, _ cellIndex: Int) throws -> LSTM.State {
            LSTM.State(
                hidden: try Tensor(
                    PPO.initialStates(
                        segments: segments, stored: storage.memoryStates[hiddenIndex], environments: environments,
                        width: hidden), shape: [count, hidden]),
                cell: try Tensor(
                    PPO.initialStates(
                        segments: segments, stored: storage.memoryStates[cellIndex], environments: environments,
                        width: hidden), shape: [count, hidden]))
        }
        let actorStart = try initialState(0, 1), criticStart = try initialState(2, 3)
        // Real (unpadded) positions in padded order, and the rollout rows they came from.
        var paddedRows: [Int] = [], rolloutRows: [Int] = []
        for offset in 0..<length {
            for (n, segment) in segments.enumerated() where mask[offset * count + n] > 0 {
                paddedRows.append(offset * count + n)
                rolloutRows.append((segment.start + offset) * environments + segment.environment)
            }
        }
        let sequence = try Tensor(padded, shape: [length, count, observationCount])
        return try minibatchUpdate(rows: rolloutRows, storage: storage) {
            let actorFeatures = try memory.actorMemory(sequence, state: actorStart).output.reshaped([length * count, hidden])
            let criticFeatures = try memory.criticMemory(sequence, state: criticStart).output.reshaped([length * count, hidden])
            return (try selectRows(actorFeatures, paddedRows), try selectRows(criticFeatures, paddedRows))
        }
    }

    /// The memory state each trajectory starts from: the state stored at its first step ([T, E, width]
    /// storage; zero after a done, the carried-over state at the rollout's first step).
    static func initialStates(segments: [Trajectories.Segment], stored: [Float], environments: Int, width: Int) -> [Float] {
        var values = [Float]()
        values.reserveCapacity(segments.count * width)
        for segment in segments {
            let offset = (segment.start * environments + segment.environment) * width
            values.append(contentsOf: stored[offset..<(offset + width)])
        }
        return values
    }

    /// One minibatch update; returns its losses.
    func update(batch: [Int], storage: RolloutStorage) throws -> [String: Double] {
        let x = try Tensor(
            storage.gather(storage.observations, rows: batch, width: observationCount), shape: [batch.count, observationCount])
        return try minibatchUpdate(rows: batch, storage: storage) { (x, x) }
    }

    /// The PPO losses and one optimiser step on the rollout rows `batch`, whose actor and critic inputs
    /// `features` computes (inside the gradient tape, so recurrent memories are trained too).
    func minibatchUpdate(
        rows batch: [Int], storage: RolloutStorage,
        features: () throws -> (actor: Tensor, critic: Tensor)
    ) throws -> [String: Double] {
        let size = batch.count, actionWidth = network.isContinuous ? actionDimension : 1
        func gather(_ source: [Float], width: Int) throws -> Tensor {
            try Tensor(storage.gather(source, rows: batch, width: width), shape: width == 1 ? [size] : [size, width])
        }
        let actionBatch = try gather(storage.actions, width: actionWidth).reshaped(network.isContinuous ? [size, actionDimension] : [size])
        let oldLogProbability = try gather(storage.logProbabilities, width: 1), oldValues = try gather(storage.values, width: 1)
        let targetReturns = try gather(storage.returns, width: 1), advantage = try gather(storage.advantages, width: 1)
        let clip = Float(configuration.clip)
        let tape = GradientTape()
        var kl: Float = 0
        let (loss, surrogateLoss, valueLoss, entropy) = try tape.record { () throws -> (Tensor, Tensor, Tensor, Tensor) in
            let (actorInput, criticInput) = try features()
            let (logProbability, entropy, parameters) = try network.evaluate(actorInput, actions: actionBatch)
            kl = try klDivergence(
                batch: batch, oldParameters: storage.distributionParameters, oldStds: storage.standardDeviations,
                parameters: parameters)
            let ratio = try (logProbability - oldLogProbability).exp()
            let surrogate = try (advantage * ratio).negated()
            let clippedSurrogate = try (advantage * ratio.clamped(min: 1 - clip, max: 1 + clip)).negated()
            let surrogateLoss = try surrogate.maximum(clippedSurrogate).mean()
            let value = try network.value(criticInput)
            let valueLoss: Tensor
            if configuration.clipValueLoss {
                let clippedValue = try oldValues + (value - oldValues).clamped(min: -clip, max: clip)
                valueLoss = try (value - targetReturns).square().maximum((clippedValue - targetReturns).square()).mean()
            } else {
                valueLoss = try (targetReturns - value).square().mean()
            }
            let entropyMean = entropy.mean()
            let loss =
                try surrogateLoss + valueLoss * Float(configuration.valueCoefficient) - entropyMean
                * Float(configuration.entropyCoefficient)
            return (loss, surrogateLoss, valueLoss, entropyMean)
        }
        guard loss.item.isFinite else {
            throw AgentError.nonFinite(
                "PPO loss is \(loss.item) (value_loss \(valueLoss.item), surrogate \(surrogateLoss.item)) at environment step \(environmentSteps)"
            )
        }
        if configuration.schedule == .adaptive && configuration.desiredKL > 0 {
            let desired = Float(configuration.desiredKL)
            if kl > 2 * desired {
                optimizer.learningRate = max(1e-5, optimizer.learningRate / 1.5)
            } else if kl < desired / 2 && kl > 0 {
                optimizer.learningRate = min(1e-2, optimizer.learningRate * 1.5)
            }
        }
        let gradients = try tape.backward(from: loss)
        gradients.clipGlobalNorm(of: network.parameters, maxNorm: Float(configuration.maxGradientNorm))
        try optimizer.step(gradients)
        return [
            "losses/value_loss": Double(valueLoss.item), "losses/surrogate_loss": Double(surrogateLoss.item),
            "losses/entropy": Double(entropy.item), "losses/approx_kl": Double(kl),
        ]
    }

    /// Mean KL(old || new) over the minibatch: Gaussians in closed form, categoricals by their probabilities.
    func klDivergence(batch: [Int], oldParameters: [Float], oldStds: [Float], parameters: (Tensor, Tensor?)) throws -> Float {
        let width = actionDimension
        var total: Float = 0
        let current = parameters.0.buffer
        if let logStd = parameters.1 {
            let std = logStd.exp().scalars
            for (position, row) in batch.enumerated() {
                for a in 0..<width {
                    let oldMean = oldParameters[row * width + a], oldStd = oldStds[row * width + a]
                    let newMean = current[position * width + a], newStd = std[a]
                    total +=
                        Foundation.log(newStd / oldStd + 1e-5) + (oldStd * oldStd + (oldMean - newMean) * (oldMean - newMean))
                        / (2 * newStd * newStd) - 0.5
                }
            }
        } else {
            for (position, row) in batch.enumerated() {
                for a in 0..<width {
                    let old = oldParameters[row * width + a], new = current[position * width + a]
                    if old > 0 { total += old * (Foundation.log(old) - Foundation.log(max(new, 1e-12))) }
                }
            }
        }
        return total / Float(max(batch.count, 1))
    }

    public func evaluationPolicy() throws -> any EvaluationPolicy {
        PPOPolicy(
            network: network, memory: memory, normalizer: normalizer, observationShape: observationShape,
            actionLow: actionLow, actionHigh: actionHigh)
    }

    public func checkpoint() throws -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint.add(network, prefix: "model.")
        if let memory {
            checkpoint.add(memory, prefix: "memory.")
            for (name, tensor) in [
                ("actor_hidden", actorState.hidden), ("actor_cell", actorState.cell), ("critic_hidden", criticState.hidden),
                ("critic_cell", criticState.cell),
            ] { checkpoint.tensors["memory_state.\(name)"] = tensor }
        }
        checkpoint.add(optimizer, prefix: "optimizer.")
        if let normalizer { for (name, tensor) in normalizer.stateTensors() { checkpoint.tensors["normalizer.\(name)"] = tensor } }
        checkpoint.metadata["algorithm"] = algorithmName
        checkpoint.metadata["iterations"] = "\(iterationCount)"
        checkpoint.metadata["learning_rate"] = "\(optimizer.learningRate.bitPattern)"
        try RunState.save(generator: generator, runner: runner, environmentSteps: environmentSteps, into: &checkpoint)
        return checkpoint
    }

    public func replayCheckpoint() throws -> Checkpoint? { nil }

    public var policyTensorPrefixes: [String] { ["model.", "memory.", "normalizer."] }

    public func loadPolicy(from checkpoint: Checkpoint) throws {
        try Self.loadPolicy(from: checkpoint, network: network, memory: memory, normalizer: normalizer)
    }

    /// Loads what acting needs (network, memories, normaliser statistics) from a PPO checkpoint.
    static func loadPolicy(
        from checkpoint: Checkpoint, network: ActorCritic, memory: RecurrentMemory?,
        normalizer: RunningNormalizer?
    ) throws {
        try checkpoint.requireAlgorithm("ppo")
        try checkpoint.load(into: network, prefix: "model.")
        if let memory { try checkpoint.load(into: memory, prefix: "memory.") }
        if let normalizer {
            var tensors: [String: Tensor] = [:]
            for (name, tensor) in checkpoint.tensors where name.hasPrefix("normalizer.") { tensors[String(name.dropFirst(11))] = tensor }
            try normalizer.load(tensors)
        }
    }

    public func restore(from checkpoint: Checkpoint, replay: Checkpoint?) throws {
        try loadPolicy(from: checkpoint)
        try checkpoint.load(into: optimizer, prefix: "optimizer.")
        iterationCount = Int(checkpoint.metadata["iterations"] ?? "") ?? 0
        if let bits = UInt32(checkpoint.metadata["learning_rate"] ?? "") { optimizer.learningRate = Float(bitPattern: bits) }
        generator = try RunState.restore(runner: runner, from: checkpoint)
        if memory != nil {
            guard let actorHidden = checkpoint.tensors["memory_state.actor_hidden"],
                let actorCell = checkpoint.tensors["memory_state.actor_cell"],
                let criticHidden = checkpoint.tensors["memory_state.critic_hidden"],
                let criticCell = checkpoint.tensors["memory_state.critic_cell"],
                actorHidden.shape == actorState.hidden.shape
            else {
                throw AgentError.invalidState("the checkpoint has no memory states for \(runner.count) environments")
            }
            actorState = LSTM.State(hidden: actorHidden.copy(), cell: actorCell.copy())
            criticState = LSTM.State(hidden: criticHidden.copy(), cell: criticCell.copy())
        }
    }
}
