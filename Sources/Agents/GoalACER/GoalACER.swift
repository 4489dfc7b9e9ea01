import Foundation
import Gym
import NN
import Random
import Tensors

/// Goal-conditioned ACER with a dynamics model (docs/goal-acer.md writes the algorithm out with its sources): an exploration
/// policy that learns to reach goals from an intrinsic reward, and an evaluation policy that learns
/// the task's extrinsic reward off-policy from the same data.
///
/// `initialize()` takes random steps, trains the dynamics briefly and seeds the goal queue. Each
/// iteration then samples a goal per environment at episode start (the environment's desired goal
/// for goal environments, else the most novel queued state), acts with the exploration policy on
/// (observation, goal feature) until the goal is reached and uniformly at random afterwards (mu =
/// 1/nA), trains the dynamics on the fresh segment, offers its states to the goal queue by novelty,
/// and updates both policies with ACER on the segment and on Poisson(replay_ratio) replayed segments,
/// whose goals are relabelled with future achieved states and whose intrinsic rewards are recomputed
/// with the current encoder. With `DummyDynamics` on an ordinary environment both policies are plain
/// ACER on the extrinsic reward.
public final class GoalACER: TrainableAgent {
    public var algorithmName: String { "goal-acer" }
    /// The hyperparameters.
    public let configuration: GoalACERConfiguration
    /// The goal-conditioned exploration policy and its average network.
    public let exploration: ACERNetwork, explorationAverage: ACERNetwork
    /// The goal-free evaluation policy and its average network.
    public let evaluation: ACERNetwork, evaluationAverage: ACERNetwork
    /// The optimisers, schedules and average-network updates of the two policies (ACER's, shared).
    let explorationOptimization: ACEROptimization, evaluationOptimization: ACEROptimization
    var explorationOptimizer: any Optimizer { explorationOptimization.optimizer }
    var evaluationOptimizer: any Optimizer { evaluationOptimization.optimizer }
    /// The dynamics model.
    public let dynamics: any Dynamics
    /// The novelty-ranked goal queue.
    public let pool: GoalPool
    let runner: EpisodeRunner
    /// Where goals come from and what reaching one means.
    let goalSource: any GoalSource
    let actionCount: Int
    let observationSpace: Space
    let observationShape: [Int]
    /// Per-value input scale of float observations with finite bounds (1 / max |bound|), so that
    /// positions and goal positions reach the network on the same scale; nil otherwise.
    let observationScale: [Float]?
    let goalShape: [Int]
    /// Goal images go to the exploration policy as extra input channels (`goal_input = stacked`).
    let stacksGoalImages: Bool
    /// The constant x and y planes [2, H, W] appended to stacked inputs (`coordinate_channels`).
    let coordinatePlanes: Tensor?
    let goalScale: Float
    let totalSteps: Int
    var generator: RandomGenerator
    var replay: [GoalSegment] = []
    let replayCapacity: Int
    var nextReplaySlot = 0
    var goals: [[Float]], goalFeatures: [[Float]], reached: [Bool], intrinsicReturns: [Double]
    var recentSuccesses: [Bool] = []
    var recentIntrinsicReturns: [Double] = []
    var initialized = false
    var updateCount = 0

    /// An agent over `environmentCount` environments from `makeEnvironment` (Discrete actions;
    /// goal environments with Dict observations, or Box observations).
    public init(
        configuration: GoalACERConfiguration, environmentCount: Int, seed: Int, totalSteps: Int,
        makeEnvironment: () throws -> any Environment
    ) throws {
        self.configuration = configuration
        self.totalSteps = totalSteps
        let probe = try makeEnvironment()
        guard case .discrete(let discrete) = probe.actionSpace else {
            throw AgentError.unsupported("goal-conditioned ACER needs a Discrete action space, got \(probe.actionSpace)")
        }
        actionCount = discrete.n
        var random = RandomGenerator(seed: UInt64(truncatingIfNeeded: seed))
        let acer = configuration.acer
        let spaces = try GoalSpaces(probe: probe, configuration: configuration)
        (observationSpace, observationShape, goalShape, goalScale) = (
            spaces.observationSpace, spaces.observationShape, spaces.goalShape, spaces.goalScale
        )
        // The segment replay's policy observations (goals and achieved goals come on top), before it grows.
        try ObservationRows.requireReplayMemory(space: spaces.observationSpace, transitions: Double(acer.replaySize))
        observationScale = ObservationRows.coordinateScale(of: observationSpace)
        goalSource = spaces.makeSource()
        var goalFeatureCount: Int
        (dynamics, goalFeatureCount) = try spaces.makeDynamics(configuration: configuration, actionCount: actionCount, generator: &random)
        // Stacked goal images are extra input channels (and coordinate planes), not a goal vector.
        stacksGoalImages = configuration.goalInput == .stacked
        var explorationShape = observationShape
        if stacksGoalImages {
            explorationShape[0] += goalShape[0] + (configuration.coordinateChannels ? 2 : 0)
            goalFeatureCount = 0
        }
        coordinatePlanes =
            stacksGoalImages && configuration.coordinateChannels
            ? CoordinatePlanes.make(height: observationShape[1], width: observationShape[2]) : nil
        func network(_ shape: [Int], goalFeatureCount: Int) throws -> ACERNetwork {
            try ACERNetwork(
                observationShape: shape, actionCount: discrete.n, hiddenSizes: acer.hiddenSizes, activation: acer.activation,
                pixelTrunk: acer.pixelTrunk, goalFeatureCount: goalFeatureCount, goalHiddenSize: configuration.goalHiddenSize,
                generator: &random)
        }
        exploration = try network(explorationShape, goalFeatureCount: goalFeatureCount)
        explorationAverage = try network(explorationShape, goalFeatureCount: goalFeatureCount)
        evaluation = try network(observationShape, goalFeatureCount: 0)
        evaluationAverage = try network(observationShape, goalFeatureCount: 0)
        try explorationAverage.copyParameters(from: exploration)
        try evaluationAverage.copyParameters(from: evaluation)
        explorationAverage.setTrainable(false)
        evaluationAverage.setTrainable(false)
        explorationOptimization = ACEROptimization(configuration: acer, network: exploration, totalSteps: totalSteps)
        evaluationOptimization = ACEROptimization(configuration: acer, network: evaluation, totalSteps: totalSteps)
        pool = GoalPool(
            capacity: configuration.goalQueueSize, fraction: Float(configuration.noveltyFraction), curriculum: configuration.curriculum)
        let environments = try VectorEnvironment(
            environments: [probe] + (1..<environmentCount).map { _ in try makeEnvironment() }, autoresetMode: .disabled)
        runner = try EpisodeRunner(environments: environments, seed: seed)
        replayCapacity = max(1, acer.replaySize / max(acer.steps * environmentCount, 1))
        generator = RandomGenerator(seed: UInt64(truncatingIfNeeded: seed) &+ 0x60A1)
        goals = Array(repeating: [], count: environmentCount)
        goalFeatures = Array(repeating: [], count: environmentCount)
        reached = Array(repeating: false, count: environmentCount)
        intrinsicReturns = Array(repeating: 0, count: environmentCount)
    }

    public var environmentSteps: Int { runner.stepCount }

    public var scalarTags: [String] {
        [
            "charts/goal_success_rate", "charts/intrinsic_return", "charts/goal_queue", "losses/exploration_q_loss",
            "losses/exploration_policy_loss",
            "losses/evaluation_q_loss", "losses/evaluation_policy_loss", "losses/entropy", "losses/evaluation_entropy",
            "losses/forward_loss", "charts/updates",
        ]
    }

    /// The policy observations of every environment (the "observation" entry of Dict observations).
    var policyObservations: ObservationBuffer {
        if let key = goalSource.policyObservationKey { return runner.observations[key] }
        return runner.observations
    }

    public func start() throws {
        try runner.start()
        for environment in 0..<runner.count { try beginEpisode(environment) }
    }

    // MARK: Goals

    /// The goal observation for a new episode of `environment`.
    func sampleGoal(_ environment: Int) -> [Float] {
        goalSource.sampleGoal(for: environment, agent: self)
    }

    /// Float observations scaled by `observationScale` (unchanged without one).
    func scaled(_ observations: Tensor) -> Tensor {
        ObservationRows.scaled(observations, by: observationScale)
    }

    /// Goal rows as a network input [N] + goal shape.
    func goalTensor(_ rows: [[Float]]) -> Tensor {
        let length = goalShape.reduce(1, *)
        let result = Tensor.zeros([rows.count] + goalShape)
        for (index, row) in rows.enumerated() where row.count == length {
            for element in 0..<length { result.pointer[index * length + element] = row[element] * goalScale }
        }
        // Goals that are observations get the observations' scale, so phi sees them as it was trained.
        if goalSource.goalsAreObservations { return scaled(result) }
        return result
    }

    /// The exploration policy's input: observations, with the goal images stacked on their
    /// channels when `goal_input = stacked`.
    func explorationInput(_ observations: Tensor, goals: [[Float]]) throws -> Tensor {
        guard stacksGoalImages else { return observations }
        var parts = [observations, goalTensor(goals)]
        if let coordinatePlanes {
            let rows = observations.shape[0], planeSize = coordinatePlanes.count
            let planes = Tensor.zeros([rows] + coordinatePlanes.shape)
            for row in 0..<rows { (planes.pointer + row * planeSize).update(from: coordinatePlanes.pointer, count: planeSize) }
            parts.append(planes)
        }
        return try Tensor.concatenate(parts, axis: 1)
    }

    /// Goal features [N, G] of goal rows (nil when the network takes no goal vector).
    func goalFeatureTensor(_ rows: [[Float]]) throws -> Tensor? {
        try goalSource.goalFeatures(of: rows, agent: self)
    }

    func beginEpisode(_ environment: Int) throws {
        goals[environment] = sampleGoal(environment)
        goalFeatures[environment] = try goalFeatureTensor([goals[environment]])?.scalars ?? []
        reached[environment] = false
        intrinsicReturns[environment] = 0
    }

    /// Intrinsic rewards and dones of a segment under its (possibly relabelled) goals, with the current encoder.
    func intrinsicRewards(_ segment: GoalSegment) throws -> (rewards: [Float], dones: [Float]) {
        try goalSource.intrinsicRewards(segment, agent: self)
    }

    // MARK: Batches

    /// The exploration policy's batch: intrinsic rewards and dones, goal features.
    func explorationBatch(_ segment: GoalSegment) throws -> ACERBatch {
        try explorationBatch(segment, observations: segmentObservations(segment))
    }

    /// The exploration policy's batch on the segment's already scaled observations.
    func explorationBatch(_ segment: GoalSegment, observations policyObservations: Tensor) throws -> ACERBatch {
        let (rewards, dones) = try intrinsicRewards(segment)
        let rows = (segment.steps + 1) * segment.environmentCount
        let observations = try explorationInput(policyObservations, goals: Array(segment.goals[0..<rows]))
        return ACERBatch(
            steps: segment.steps, batch: segment.environmentCount, observations: observations,
            actions: segment.actions, rewards: rewards, dones: dones, behaviourProbabilities: segment.behaviourProbabilities,
            mask: Array(repeating: 1, count: segment.steps * segment.environmentCount), goalFeatures: try goalFeatureTensor(segment.goals))
    }

    /// Every observation of a segment (steps + 1 rows per environment), scaled for the networks.
    func segmentObservations(_ segment: GoalSegment) -> Tensor {
        scaled(segment.observations.tensor(rows: Array(0..<((segment.steps + 1) * segment.environmentCount))))
    }

    /// The evaluation policy's batch: extrinsic rewards, no goal.
    func evaluationBatch(_ segment: GoalSegment, observations: Tensor) -> ACERBatch {
        ACERBatch(
            steps: segment.steps, batch: segment.environmentCount, observations: observations, actions: segment.actions,
            rewards: segment.rewards, dones: segment.dones, behaviourProbabilities: segment.behaviourProbabilities,
            mask: Array(repeating: 1, count: segment.steps * segment.environmentCount))
    }

    // MARK: Training

    public func iterate() throws -> IterationReport {
        var scalars: [String: Double] = [:]
        var episodes: [EpisodeRecord] = []
        if !initialized {
            episodes += try initialize()
        }
        let (segment, finished) = try collect(random: false)
        episodes += finished
        let inputs = try dynamicsInputs(segment)
        for (tag, value) in try dynamics.train(observations: inputs.current, actions: segment.actions, nextObservations: inputs.next) {
            scalars[tag] = value
        }
        try rescorePool()
        try offerToPool(segment, inputs: inputs)
        store(segment)
        var statistics = [try update(segment, relabel: false)]
        let replayStart = configuration.acer.replayStart / max(configuration.acer.steps * runner.count, 1)
        if configuration.acer.replayRatio > 0 && replay.count > max(replayStart, 0) {
            for _ in 0..<generator.poisson(mean: configuration.acer.replayRatio) {
                statistics.append(try update(replay[generator.integer(below: replay.count)].copy(), relabel: true))
            }
        }
        for key in [
            "losses/exploration_q_loss", "losses/exploration_policy_loss", "losses/evaluation_q_loss", "losses/evaluation_policy_loss",
            "losses/entropy",
            "losses/evaluation_entropy",
        ] {
            scalars[key] = statistics.map { $0[key] ?? 0 }.reduce(0, +) / Double(statistics.count)
        }
        scalars["charts/goal_success_rate"] =
            recentSuccesses.isEmpty ? 0 : Double(recentSuccesses.filter { $0 }.count) / Double(recentSuccesses.count)
        scalars["charts/intrinsic_return"] =
            recentIntrinsicReturns.isEmpty ? 0 : recentIntrinsicReturns.reduce(0, +) / Double(recentIntrinsicReturns.count)
        scalars["charts/goal_queue"] = Double(pool.entries.count)
        scalars["charts/updates"] = Double(updateCount)
        return IterationReport(environmentSteps: environmentSteps, episodes: episodes, scalars: scalars)
    }

    /// Random steps, dynamics training on them, and goal seeding (the reference's `initialize()`).
    @discardableResult
    public func initialize() throws -> [EpisodeRecord] {
        initialized = true
        var finished: [EpisodeRecord] = []
        var segments: [GoalSegment] = []
        while runner.stepCount < configuration.initialSteps {
            let (segment, episodes) = try collect(random: true)
            segments.append(segment)
            finished += episodes
            store(segment)
        }
        if !segments.isEmpty {
            for update in 0..<configuration.initialDynamicsUpdates {
                let segment = segments[update % segments.count]
                let inputs = try dynamicsInputs(segment)
                _ = try dynamics.train(observations: inputs.current, actions: segment.actions, nextObservations: inputs.next)
            }
            if goalSource.usesGoalQueue {
                for segment in segments { try offerToPool(segment, inputs: try dynamicsInputs(segment)) }
            }
        }
        return finished
    }

    /// Current and next observations of a segment's transitions, for the dynamics.
    func dynamicsInputs(_ segment: GoalSegment) throws -> (current: Tensor, next: Tensor) {
        let width = segment.environmentCount, rows = segment.steps * width
        let current = scaled(segment.observations.tensor(rows: Array(0..<rows)))
        let next = scaled(segment.observations.tensor(rows: Array(width..<(rows + width))))
        return (current, next)
    }

    /// Offers the segment's next states to the goal queue by novelty (`inputs`: its dynamics inputs).
    func offerToPool(_ segment: GoalSegment, inputs: (current: Tensor, next: Tensor)) throws {
        try goalSource.offer(segment, inputs: inputs, agent: self)
    }

    /// Re-scores the goal queue with the current forward model (`rescore_goals`).
    func rescorePool() throws {
        try goalSource.rescore(agent: self)
    }

    func store(_ segment: GoalSegment) {
        if replay.count < replayCapacity { replay.append(segment) } else { replay[nextReplaySlot] = segment }
        nextReplaySlot = (nextReplaySlot + 1) % replayCapacity
    }

    /// Updates both policies on a segment (relabelled first for replayed segments).
    func update(_ segment: GoalSegment, relabel: Bool) throws -> [String: Double] {
        if relabel && goalSource.relabels {
            segment.relabel(probability: configuration.relabelProbability, using: &generator)
        }
        let acer = configuration.acer
        let settings = ACERObjective.Settings(
            truncation: Float(acer.truncation), entropyCoefficient: Float(acer.entropyCoefficient),
            trustRegion: acer.trustRegion, trustRegionDelta: Float(acer.trustRegionDelta))
        var scalars: [String: Double] = [:]
        let observations = segmentObservations(segment)
        for (name, network, average, optimization, batch) in [
            (
                "exploration", exploration, explorationAverage, explorationOptimization,
                try explorationBatch(segment, observations: observations)
            ),
            ("evaluation", evaluation, evaluationAverage, evaluationOptimization, evaluationBatch(segment, observations: observations)),
        ] {
            var (gradients, statistics) = try ACERLearner.gradients(
                network: network, average: average, batch: batch, discount: Float(acer.discount),
                qCoefficient: Float(acer.qCoefficient), settings: settings)
            guard statistics.qLoss.isFinite && statistics.policyLoss.isFinite else {
                throw AgentError.nonFinite(
                    "\(name) q_loss is \(statistics.qLoss) (policy_loss \(statistics.policyLoss)) at environment step \(environmentSteps)")
            }
            statistics.gradientNorm = optimization.clip(gradients, of: network.parameters)
            try optimization.step(gradients, atEnvironmentStep: environmentSteps, network: network, average: average)
            scalars["losses/\(name)_q_loss"] = Double(statistics.qLoss)
            scalars["losses/\(name)_policy_loss"] = Double(statistics.policyLoss)
            scalars[name == "exploration" ? "losses/entropy" : "losses/evaluation_entropy"] = Double(statistics.entropy)
        }
        updateCount += 1
        return scalars
    }

    // MARK: Evaluation

    public func evaluationPolicy() throws -> any EvaluationPolicy {
        return ACERPolicy(
            network: evaluation, observationShape: observationShape, observationScale: observationScale,
            observationKey: goalSource.policyObservationKey)
    }
}
