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
    /// How goals are represented for the environment at hand.
    enum GoalMode {
        case dummy
        case featureSpace
        case goalEnvironment(any GoalEnvironment, imageKey: String?)
    }

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
    private(set) var updateCount = 0

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
        let activation = acer.activation
        // Spaces: the policy sees "observation" of goal environments, goals are desired goals or goal images.
        let mode: GoalMode
        if case .dict(let dict) = probe.observationSpace {
            guard let goalEnvironment = probe.unwrapped as? any GoalEnvironment,
                let observation = dict.spaces.first(where: { $0.key == "observation" })?.space,
                let desired = dict.spaces.first(where: { $0.key == "desired_goal" })?.space
            else {
                throw AgentError.unsupported(
                    "Dict observations need a goal environment with observation / achieved_goal / desired_goal entries")
            }
            observationSpace = observation
            let image = dict.spaces.first(where: { $0.key == "goal_image" })?.space
            if let image, case .box(let box) = image {
                goalShape = box.shape
                goalScale = 1 / 255
            } else if case .box(let box) = desired {
                goalShape = box.shape
                goalScale = 1 / max(box.high.map(Swift.abs).max() ?? 1, 1)
            } else {
                throw AgentError.unsupported("desired_goal must be a Box, got \(desired)")
            }
            mode = .goalEnvironment(goalEnvironment, imageKey: image == nil ? nil : "goal_image")
        } else {
            observationSpace = probe.observationSpace
            let shape = try ObservationRows(space: probe.observationSpace, capacity: 1).rowShape
            goalShape = shape
            goalScale = try ObservationRows(space: probe.observationSpace, capacity: 1).inputScale
            mode = configuration.dynamics == .dummy ? .dummy : .featureSpace
        }
        observationShape = try ObservationRows(space: observationSpace, capacity: 1).rowShape
        // reach_coordinates is ignored with dummy dynamics (no goals), so that a preset's plain-ACER
        // baseline is one --set dynamics=dummy away.
        if !configuration.reachCoordinates.isEmpty {
            if case .goalEnvironment = mode {
                throw AgentError.invalidConfiguration(
                    "reach_coordinates applies to environments without a desired goal (goal environments compare achieved and desired goals): drop it"
                )
            }
            let length = goalShape.reduce(1, *)
            if let bad = configuration.reachCoordinates.first(where: { $0 >= length }) {
                throw AgentError.invalidConfiguration(
                    "reach_coordinates index \(bad) is outside the observation's \(length) values; use indices 0...\(length - 1)")
            }
        }
        observationScale = ObservationRows.coordinateScale(of: observationSpace)
        switch mode {
        case .dummy: goalSource = NoGoals()
        case .featureSpace: goalSource = FeatureSpaceGoals()
        case .goalEnvironment(let environment, let imageKey): goalSource = EnvironmentGoals(environment: environment, imageKey: imageKey)
        }
        var dynamicsModel: any Dynamics = DummyDynamics()
        var goalFeatureCount = 0
        switch mode {
        case .dummy: break
        case .goalEnvironment(_, let imageKey) where imageKey == nil:
            goalFeatureCount = goalShape.reduce(1, *)
            if configuration.dynamics == .learned {
                dynamicsModel = try LearnedDynamics(
                    observationShape: observationShape, actionCount: actionCount, featureCount: configuration.featureSize,
                    auxiliary: configuration.auxiliary,
                    learningRate: Float(configuration.dynamicsLearningRate), generator: &random)
            }
        case .goalEnvironment where configuration.goalInput == .stacked:
            break  // the goal image is an input of the policy itself: no phi, and the environment says when it is reached
        default:
            dynamicsModel = try LearnedDynamics(
                observationShape: goalShape, actionCount: actionCount, featureCount: configuration.featureSize,
                auxiliary: configuration.auxiliary,
                learningRate: Float(configuration.dynamicsLearningRate), generator: &random)
            goalFeatureCount = dynamicsModel.featureCount
        }
        dynamics = dynamicsModel
        var explorationShape = observationShape
        if configuration.goalInput == .stacked {
            guard case .goalEnvironment(_, let imageKey) = mode, imageKey != nil,
                goalShape.count == 3, observationShape.count == 3, Array(goalShape.dropFirst()) == Array(observationShape.dropFirst())
            else {
                throw AgentError.invalidConfiguration(
                    "goal_input = stacked needs a goal environment with pixel observations and goal images of the same size (e.g. FourRooms-Goal-v0 with env option observation:pixels); use goal_input = feature"
                )
            }
            explorationShape[0] += goalShape[0] + (configuration.coordinateChannels ? 2 : 0)
            goalFeatureCount = 0
        }
        stacksGoalImages = configuration.goalInput == .stacked
        coordinatePlanes =
            stacksGoalImages && configuration.coordinateChannels
            ? CoordinatePlanes.make(height: observationShape[1], width: observationShape[2]) : nil
        exploration = try ACERNetwork(
            observationShape: explorationShape, actionCount: actionCount, hiddenSizes: acer.hiddenSizes,
            activation: activation, pixelTrunk: acer.pixelTrunk, goalFeatureCount: goalFeatureCount,
            goalHiddenSize: configuration.goalHiddenSize, generator: &random)
        explorationAverage = try ACERNetwork(
            observationShape: explorationShape, actionCount: actionCount, hiddenSizes: acer.hiddenSizes,
            activation: activation, pixelTrunk: acer.pixelTrunk, goalFeatureCount: goalFeatureCount,
            goalHiddenSize: configuration.goalHiddenSize, generator: &random)
        evaluation = try ACERNetwork(
            observationShape: observationShape, actionCount: actionCount, hiddenSizes: acer.hiddenSizes,
            activation: activation, pixelTrunk: acer.pixelTrunk, generator: &random)
        evaluationAverage = try ACERNetwork(
            observationShape: observationShape, actionCount: actionCount, hiddenSizes: acer.hiddenSizes,
            activation: activation, pixelTrunk: acer.pixelTrunk, generator: &random)
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

    /// Whether an achieved observation reaches a goal observation: every `reach_coordinates` value
    /// within `coordinate_threshold` when coordinates are configured, else the normalised feature
    /// distance under `reach_threshold`.
    func isReached(achieved: [Float], goal: [Float], featureDistance: Float) -> Bool {
        let coordinates = configuration.reachCoordinates
        guard !coordinates.isEmpty else { return featureDistance < Float(configuration.reachThreshold) }
        guard achieved.count == goal.count else { return false }
        let threshold = Float(configuration.coordinateThreshold)
        return coordinates.allSatisfy { Swift.abs(achieved[$0] - goal[$0]) <= threshold }
    }

    /// The intrinsic reward of one step (`intrinsic_reward`).
    func intrinsicReward(featureDistance: Float, reached: Bool) -> Float {
        switch configuration.intrinsicReward {
        case .sparse: return reached ? 1 : 0
        case .exp: return Foundation.exp(-featureDistance)
        case .negativeDistance: return -featureDistance
        }
    }

    /// ||a - g||^2 / (||g||^2 + 1e-6) row by row.
    public static func normalisedDistances(_ achieved: [Float], _ goals: [Float], featureCount: Int) -> [Float] {
        guard featureCount > 0 else { return [] }
        return (0..<(achieved.count / featureCount)).map { row in
            var distance: Float = 0, norm: Float = 0
            for index in (row * featureCount)..<((row + 1) * featureCount) {
                distance += (achieved[index] - goals[index]) * (achieved[index] - goals[index])
                norm += goals[index] * goals[index]
            }
            return distance / (norm + 1e-6)
        }
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

    /// Environments acted in by the evaluation policy (`evaluation_actors`, at most all of them).
    var evaluationActors: Int { Swift.min(configuration.evaluationActors, runner.count) }

    /// Steps every environment `n_steps` times: the exploration policy towards each goal until it is
    /// reached, uniform random actions afterwards (and throughout when `random`); the first
    /// `evaluation_actors` environments act with the evaluation policy instead.
    func collect(random: Bool) throws -> (GoalSegment, [EpisodeRecord]) {
        let environments = runner.count, steps = configuration.acer.steps
        let segment = try GoalSegment(space: observationSpace, steps: steps, environmentCount: environments, actionCount: actionCount)
        var finished: [EpisodeRecord] = []
        var actions = Array(repeating: Action.discrete(0), count: environments)
        for t in 0..<steps {
            let observations = policyObservations
            for environment in 0..<environments {
                segment.observations.store(observations, sourceRow: environment, at: t * environments + environment)
                segment.goals[t * environments + environment] = goals[environment]
            }
            var probabilities = Array(repeating: 1 / Float(actionCount), count: environments * actionCount)
            if !random {
                let input = scaled(ObservationRows.tensor(from: observations, rowShape: observationShape))
                let features =
                    exploration.goalFeatureCount > 0
                    ? try Tensor(goalFeatures.flatMap { $0 }, shape: [environments, exploration.goalFeatureCount]) : nil
                let policy = try withoutGradients {
                    try exploration(explorationInput(input, goals: goals), goalFeatures: features).logits.softmax(axis: 1)
                }.scalars
                let epsilon = Float(configuration.behaviourEpsilon), uniform = epsilon / Float(actionCount)
                for environment in evaluationActors..<environments where !reached[environment] {
                    for a in 0..<actionCount {
                        probabilities[environment * actionCount + a] = (1 - epsilon) * policy[environment * actionCount + a] + uniform
                    }
                }
                if evaluationActors > 0 {
                    let own = try withoutGradients { try evaluation(input).logits.softmax(axis: 1) }.scalars
                    for index in 0..<(evaluationActors * actionCount) { probabilities[index] = own[index] }
                }
            }
            for environment in 0..<environments {
                let base = environment * actionCount
                let chosen = generator.categorical(probabilities, offset: base, count: actionCount)
                actions[environment] = .discrete(chosen)
                let row = t * environments + environment
                segment.actions[row] = chosen
                for a in 0..<actionCount { segment.behaviourProbabilities[row * actionCount + a] = probabilities[base + a] }
            }
            try runner.step(actions)
            let vector = runner.environments
            for environment in 0..<environments {
                let row = t * environments + environment
                segment.rewards[row] = Float(vector.rewards[environment])
                segment.dones[row] = vector.terminations[environment] || vector.truncations[environment] ? 1 : 0
                try recordAchievement(segment, row: row, environment: environment)
            }
            let ended = (0..<environments).filter { segment.dones[t * environments + $0] > 0 }
            finished += try runner.resetFinished()
            for environment in ended {
                // Goal statistics are the exploration policy's: the evaluation actors ignore their goals.
                if environment >= evaluationActors {
                    pool.record(success: reached[environment])
                    recentSuccesses.append(reached[environment])
                    recentIntrinsicReturns.append(intrinsicReturns[environment])
                    if recentSuccesses.count > 100 { recentSuccesses.removeFirst() }
                    if recentIntrinsicReturns.count > 100 { recentIntrinsicReturns.removeFirst() }
                }
                try beginEpisode(environment)
            }
        }
        let observations = policyObservations
        for environment in 0..<environments {
            segment.observations.store(observations, sourceRow: environment, at: steps * environments + environment)
            segment.goals[steps * environments + environment] = goals[environment]
        }
        return (segment, finished)
    }

    /// Stores what the step achieved and checks whether the goal was reached (only this environment's
    /// reached status changes).
    func recordAchievement(_ segment: GoalSegment, row: Int, environment: Int) throws {
        try goalSource.recordAchievement(segment, row: row, environment: environment, agent: self)
    }

    /// Marks environment `index` as having reached its goal (for tests and tools).
    func markReached(_ index: Int) { reached[index] = true }

    // MARK: Evaluation and checkpoints

    public func evaluationPolicy() throws -> any EvaluationPolicy {
        return ACERPolicy(
            network: evaluation, observationShape: observationShape, observationScale: observationScale,
            observationKey: goalSource.policyObservationKey)
    }

    public func checkpoint() throws -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint.add(exploration, prefix: "exploration.")
        checkpoint.add(explorationAverage, prefix: "exploration_average.")
        checkpoint.add(evaluation, prefix: "evaluation.")
        checkpoint.add(evaluationAverage, prefix: "evaluation_average.")
        checkpoint.add(explorationOptimizer, prefix: "optimizer.exploration.")
        checkpoint.add(evaluationOptimizer, prefix: "optimizer.evaluation.")
        for (name, tensor) in dynamics.stateTensors() { checkpoint.tensors["dynamics.\(name)"] = tensor }
        checkpoint.metadata["algorithm"] = algorithmName
        checkpoint.metadata["updates"] = "\(updateCount)"
        try RunState.save(generator: generator, runner: runner, environmentSteps: environmentSteps, into: &checkpoint)
        return checkpoint
    }

    /// The goal replay is not saved: a resumed run refills it (and re-seeds the goal queue).
    public func replayCheckpoint() throws -> Checkpoint? { nil }

    public var policyTensorPrefixes: [String] { ["evaluation."] }

    public func loadPolicy(from checkpoint: Checkpoint) throws {
        try checkpoint.requireAlgorithm(algorithmName)
        try checkpoint.load(into: evaluation, prefix: "evaluation.")
    }

    public func restore(from checkpoint: Checkpoint, replay: Checkpoint?) throws {
        try loadPolicy(from: checkpoint)
        try checkpoint.load(into: exploration, prefix: "exploration.")
        try checkpoint.load(into: explorationAverage, prefix: "exploration_average.")
        try checkpoint.load(into: evaluationAverage, prefix: "evaluation_average.")
        try checkpoint.load(into: explorationOptimizer, prefix: "optimizer.exploration.")
        try checkpoint.load(into: evaluationOptimizer, prefix: "optimizer.evaluation.")
        try dynamics.load(checkpoint, prefix: "dynamics.")
        updateCount = Int(checkpoint.metadata["updates"] ?? "") ?? 0
        generator = try RunState.restore(runner: runner, from: checkpoint)
        initialized = true
        for environment in 0..<runner.count { try beginEpisode(environment) }
    }
}
