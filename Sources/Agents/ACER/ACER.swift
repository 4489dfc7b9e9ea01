import Foundation
import Gym
import NN
import Random
import Synchronization
import Tensors

/// Actor-Critic with Experience Replay (Wang et al. 2016) for discrete actions, over any environment
/// through the `Environment` protocol.
///
/// Each iteration every worker (1) collects `n_steps` steps from its environments with the current
/// policy, storing mu, (2) makes one on-policy update from that segment, then (3) Poisson(replay_ratio)
/// off-policy updates from its replay once it holds `replay_start` transitions. An update computes
/// Retrace targets, the truncated importance-sampling policy gradient with bias correction and an
/// entropy bonus, projects the gradient at the policy output with the efficient trust region
/// (against the Polyak-averaged network) and back-propagates it with the Q loss, clips the global
/// gradient norm, steps the optimiser and moves the average network.
///
/// With W > 1 workers (ACER-torch's multi-worker mode) each worker thread has its own environments,
/// replay and a local copy of the network: it computes gradients on the local copy, hands them to
/// the shared network's optimiser (under a lock, or Hogwild with `lock` false), updates the shared
/// average network and re-syncs its copy. W = 1 is plain ACER.
public final class ACER: TrainableAgent {
    /// The hyperparameters.
    public let configuration: ACERConfiguration
    /// The shared network (the policy that is evaluated and saved).
    public let network: ACERNetwork
    /// The Polyak-averaged network of the trust region.
    public let averageNetwork: ACERNetwork
    /// The optimiser, schedule and average-network update of the shared network.
    let optimization: ACEROptimization
    /// The optimiser of the shared network.
    public var optimizer: any Optimizer { optimization.optimizer }
    /// Total environment steps the learning-rate schedule spans.
    public let totalSteps: Int
    /// The seed of the run.
    public let seed: Int
    let workers: [ACERWorker]
    let updateLock = NSLock()
    private(set) var updateCount = 0
    /// Environment steps as the learning-rate schedule sees them (workers add to it concurrently).
    let scheduleSteps = Atomic<Int>(0)
    private let observationShape: [Int]

    public var algorithmName: String { "acer" }

    /// An agent for `workerCount` workers, each stepping `environmentsPerWorker` environments made by
    /// `makeEnvironment` (a fresh environment per call; the action space must be Discrete).
    public init(
        configuration: ACERConfiguration, environmentsPerWorker: Int, workerCount: Int = 1, seed: Int, totalSteps: Int,
        makeEnvironment: () throws -> any Environment
    ) throws {
        guard workerCount >= 1 else { throw AgentError.invalidConfiguration("workers must be at least 1, got \(workerCount)") }
        guard environmentsPerWorker >= 1 else {
            throw AgentError.invalidConfiguration("num_envs must be at least 1, got \(environmentsPerWorker)")
        }
        self.configuration = configuration
        self.totalSteps = totalSteps
        self.seed = seed
        let probe = try makeEnvironment()
        guard case .discrete(let discrete) = probe.actionSpace else {
            throw AgentError.unsupported(
                "ACER needs a Discrete action space, got \(probe.actionSpace): choose a discrete environment (for example LunarLander-v3 rather than LunarLanderContinuous-v3)"
            )
        }
        let actionCount = discrete.n
        let space = probe.observationSpace
        probe.close()
        // Each worker's replay, before anything is allocated.
        try ObservationRows.requireReplayMemory(space: space, transitions: Double(configuration.replaySize), copies: workerCount)
        // Each worker's rollout and the tensors one update makes of it (observations, activations, policies).
        let rolloutRows = Double(configuration.steps + 1) * Double(environmentsPerWorker) * Double(workerCount)
        let valuesPerRow = 2 * space.flatCount + 2 * configuration.hiddenSizes.reduce(0, +) + 3 * actionCount + 8
        try MemoryBudget.require(
            bytes: rolloutRows * Double(valuesPerRow) * 4,
            for: "a rollout of n_steps = \(configuration.steps) x num_envs = \(environmentsPerWorker) steps of \(space) observations"
                + (workerCount > 1 ? " in each of \(workerCount) workers" : ""),
            fix: "lower n_steps or num_envs")
        observationShape = try ObservationRows(space: space, capacity: 1).rowShape
        let activation = configuration.activation
        var generator = RandomGenerator(seed: UInt64(truncatingIfNeeded: seed))
        network = try ACERNetwork(
            observationShape: observationShape, actionCount: actionCount, hiddenSizes: configuration.hiddenSizes,
            activation: activation, pixelTrunk: configuration.pixelTrunk, generator: &generator)
        averageNetwork = try ACERNetwork(
            observationShape: observationShape, actionCount: actionCount, hiddenSizes: configuration.hiddenSizes,
            activation: activation, pixelTrunk: configuration.pixelTrunk, generator: &generator)
        try averageNetwork.copyParameters(from: network)
        averageNetwork.setTrainable(false)
        optimization = ACEROptimization(configuration: configuration, network: network, totalSteps: totalSteps)
        var workers: [ACERWorker] = []
        for index in 0..<workerCount {
            let environments = try VectorEnvironment(
                environments: (0..<environmentsPerWorker).map { _ in try makeEnvironment() },
                autoresetMode: .disabled)
            let local: ACERNetwork
            if workerCount == 1 {
                local = network
            } else {
                local = try ACERNetwork(
                    observationShape: observationShape, actionCount: actionCount, hiddenSizes: configuration.hiddenSizes,
                    activation: activation, pixelTrunk: configuration.pixelTrunk, generator: &generator)
                try local.copyParameters(from: network)
            }
            workers.append(
                try ACERWorker(
                    index: index, configuration: configuration,
                    runner: EpisodeRunner(environments: environments, seed: seed, stream: index),
                    network: local, observationSpace: space, actionCount: actionCount,
                    generator: RandomGenerator(seed: UInt64(truncatingIfNeeded: seed) &+ 0x5EED &+ UInt64(index))))
        }
        self.workers = workers
    }

    public var environmentSteps: Int { workers.reduce(0) { $0 + $1.runner.stepCount } }

    public var scalarTags: [String] {
        [
            "losses/policy_loss", "losses/importance_loss", "losses/bias_correction_loss", "losses/q_loss", "losses/entropy",
            "losses/trust_region_adjustment", "losses/gradient_norm", "losses/explained_variance", "charts/learning_rate", "charts/updates",
        ]
    }

    public func start() throws {
        for worker in workers { try worker.runner.start() }
    }

    public func iterate() throws -> IterationReport {
        scheduleSteps.store(environmentSteps, ordering: .relaxed)
        let outcomes: [Result<ACERWorker.Outcome, any Error>]
        if workers.count == 1 {
            outcomes = [Result { try workers[0].iterate(agent: self) }]
        } else {
            let results = ResultSlots<ACERWorker.Outcome>(count: workers.count)
            let box = SendableReference(self)
            DispatchQueue.concurrentPerform(iterations: workers.count) { index in
                let agent = box.value
                results.set(index, Result { try agent.workers[index].iterate(agent: agent) })
            }
            outcomes = results.values
        }
        var episodes: [EpisodeRecord] = []
        var statistics: [ACERUpdateStatistics] = []
        for outcome in outcomes {
            let value = try outcome.get()
            episodes.append(contentsOf: value.episodes)
            statistics.append(contentsOf: value.statistics)
        }
        func mean(_ path: KeyPath<ACERUpdateStatistics, Float>) -> Double {
            statistics.isEmpty ? 0 : statistics.reduce(0) { $0 + Double($1[keyPath: path]) } / Double(statistics.count)
        }
        let scalars: [String: Double] = [
            "losses/policy_loss": mean(\.policyLoss), "losses/importance_loss": mean(\.importanceLoss),
            "losses/bias_correction_loss": mean(\.biasCorrectionLoss), "losses/q_loss": mean(\.qLoss), "losses/entropy": mean(\.entropy),
            "losses/trust_region_adjustment": mean(\.trustRegionAdjustment), "losses/gradient_norm": mean(\.gradientNorm),
            "losses/explained_variance": mean(\.explainedVariance), "charts/learning_rate": Double(optimizer.learningRate),
            "charts/updates": Double(updateCount),
        ]
        return IterationReport(environmentSteps: environmentSteps, episodes: episodes, scalars: scalars)
    }

    /// Applies gradients computed on `local` to the shared network: clip, optimiser step (with the
    /// learning-rate schedule), average-network update. Called by workers.
    func apply(_ gradients: Gradients, computedOn local: ACERNetwork, statistics: inout ACERUpdateStatistics) throws {
        let localParameters = local.parameters
        statistics.gradientNorm = optimization.clip(gradients, of: localParameters)
        guard statistics.gradientNorm.isFinite else {
            throw AgentError.nonFinite(
                "the gradient norm is \(statistics.gradientNorm) (q_loss \(statistics.qLoss), policy_loss \(statistics.policyLoss))")
        }
        var shared = gradients
        if local !== network {
            shared = Gradients()
            for (localParameter, sharedParameter) in zip(localParameters, network.parameters) {
                if let gradient = gradients[localParameter] { shared.accumulate(gradient, for: sharedParameter) }
            }
        }
        let step = { [self] in
            try optimization.step(
                shared, atEnvironmentStep: scheduleSteps.load(ordering: .relaxed), network: network, average: averageNetwork)
            updateCount += 1
        }
        if configuration.lock || workers.count == 1 {
            updateLock.lock()
            defer { updateLock.unlock() }
            try step()
        } else {
            try step()
        }
    }

    public func evaluationPolicy() throws -> any EvaluationPolicy {
        ACERPolicy(network: network, observationShape: observationShape)
    }

    public func checkpoint() throws -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint.add(network, prefix: "model.")
        checkpoint.add(averageNetwork, prefix: "average_model.")
        checkpoint.add(optimizer, prefix: "optimizer.")
        checkpoint.metadata["algorithm"] = algorithmName
        checkpoint.metadata["environment_steps"] = "\(environmentSteps)"
        checkpoint.metadata["updates"] = "\(updateCount)"
        checkpoint.metadata["observation_shape"] = observationShape.map(String.init).joined(separator: ",")
        for worker in workers {
            try RunState.save(
                generator: worker.generator, runner: worker.runner, environmentSteps: environmentSteps,
                prefix: "worker\(worker.index).", into: &checkpoint)
        }
        return checkpoint
    }

    public func replayCheckpoint() throws -> Checkpoint? {
        var checkpoint = Checkpoint()
        for worker in workers { try worker.replay.save(into: &checkpoint, prefix: "worker\(worker.index).") }
        checkpoint.metadata["environment_steps"] = "\(environmentSteps)"
        return checkpoint
    }

    public var policyTensorPrefixes: [String] { ["model."] }

    public func loadPolicy(from checkpoint: Checkpoint) throws {
        try checkpoint.requireAlgorithm(algorithmName)
        try checkpoint.load(into: network, prefix: "model.")
    }

    public func restore(from checkpoint: Checkpoint, replay: Checkpoint?) throws {
        try checkpoint.requireAlgorithm(algorithmName)
        try checkpoint.load(into: network, prefix: "model.")
        try checkpoint.load(into: averageNetwork, prefix: "average_model.")
        try checkpoint.load(into: optimizer, prefix: "optimizer.")
        updateCount = Int(checkpoint.metadata["updates"] ?? "") ?? 0
        for worker in workers {
            worker.generator = try RunState.restore(
                runner: worker.runner, from: checkpoint, prefix: "worker\(worker.index).",
                owner: "worker \(worker.index) (resume with the workers the run was started with)")
            if worker.network !== network { try worker.network.copyParameters(from: network) }
            if let replay { try worker.replay.load(from: replay, prefix: "worker\(worker.index).") }
        }
    }
}

/// Per-index result slots filled by concurrent workers (each writes only its own slot).
final class ResultSlots<Value>: @unchecked Sendable {
    private var slots: [Result<Value, any Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ result: Result<Value, any Error>) { lock.lock(); slots[index] = result; lock.unlock() }
    var values: [Result<Value, any Error>] { slots.map { $0 ?? .failure(AgentError.invalidState("a worker did not finish")) } }
}

/// Hands a reference to concurrent workers that each touch their own part of it.
struct SendableReference<Value: AnyObject>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
