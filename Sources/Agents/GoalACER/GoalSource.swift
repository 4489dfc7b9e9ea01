import Foundation
import Gym
import Tensors

/// Where goal-conditioned ACER's goals come from and what reaching one means (docs/goal-acer.md): one
/// implementation per kind of task. The agent keeps collection, the two-policy update and persistence,
/// and asks its source at each of these points.
protocol GoalSource: AnyObject {
    /// The Dict entry the policies see (nil: the whole observation).
    var policyObservationKey: String? { get }
    /// Whether goals are observations (then they reach phi with the observations' scale).
    var goalsAreObservations: Bool { get }
    /// Whether replayed segments are relabelled with future achieved goals (hindsight).
    var relabels: Bool { get }
    /// Whether goals come from the novelty queue of visited states (which `offer` fills).
    var usesGoalQueue: Bool { get }
    /// The goal of a new episode of `environment`.
    func sampleGoal(for environment: Int, agent: GoalACER) -> [Float]
    /// Goal features [N, G] of goal rows (nil when the exploration network takes no goal vector).
    func goalFeatures(of rows: [[Float]], agent: GoalACER) throws -> Tensor?
    /// Stores what the step of `environment` achieved in the segment's `row`, and updates whether its
    /// goal is reached and its intrinsic return.
    func recordAchievement(_ segment: GoalSegment, row: Int, environment: Int, agent: GoalACER) throws
    /// Intrinsic rewards and dones of a segment under its (possibly relabelled) goals, with the current encoder.
    func intrinsicRewards(_ segment: GoalSegment, agent: GoalACER) throws -> (rewards: [Float], dones: [Float])
    /// Offers a segment's next states to the goal queue (`inputs`: its dynamics inputs).
    func offer(_ segment: GoalSegment, inputs: (current: Tensor, next: Tensor), agent: GoalACER) throws
    /// Re-scores the goal queue with the current forward model (`rescore_goals`).
    func rescore(agent: GoalACER) throws
}

extension GoalSource {
    /// One observation row as Float32 values (bytes of images widened), the form goals are kept in.
    func goalValues(_ row: ObservationBuffer) -> [Float] {
        row.bytes.count > 0 ? row.bytes.map(Float.init) : Array(row.floats)
    }

    func offer(_ segment: GoalSegment, inputs: (current: Tensor, next: Tensor), agent: GoalACER) throws {}
    func rescore(agent: GoalACER) throws {}
}

/// No goals (`dynamics = dummy` on an ordinary environment): both policies are plain ACER on the
/// extrinsic reward.
final class NoGoals: GoalSource {
    var policyObservationKey: String? { nil }
    var goalsAreObservations: Bool { false }
    var relabels: Bool { false }
    var usesGoalQueue: Bool { false }

    func sampleGoal(for environment: Int, agent: GoalACER) -> [Float] { [] }

    func goalFeatures(of rows: [[Float]], agent: GoalACER) throws -> Tensor? { nil }

    func recordAchievement(_ segment: GoalSegment, row: Int, environment: Int, agent: GoalACER) throws {
        segment.achievedGoals[row] = []
    }

    func intrinsicRewards(_ segment: GoalSegment, agent: GoalACER) throws -> (rewards: [Float], dones: [Float]) {
        (segment.rewards, segment.dones)
    }
}

/// Goals in feature space (an ordinary environment with the learned dynamics): visited states from the
/// novelty queue; reached when the normalised feature distance is under `reach_threshold` (or every
/// `reach_coordinates` value is within `coordinate_threshold`); the intrinsic reward is `intrinsic_reward`.
final class FeatureSpaceGoals: GoalSource {
    var policyObservationKey: String? { nil }
    var goalsAreObservations: Bool { true }
    var relabels: Bool { true }
    var usesGoalQueue: Bool { true }

    func sampleGoal(for environment: Int, agent: GoalACER) -> [Float] {
        agent.pool.nextGoal() ?? goalValues(agent.policyObservations.row(environment))
    }

    func goalFeatures(of rows: [[Float]], agent: GoalACER) throws -> Tensor? {
        if agent.stacksGoalImages { return nil }
        return try agent.dynamics.features(agent.goalTensor(rows))
    }

    func recordAchievement(_ segment: GoalSegment, row: Int, environment: Int, agent: GoalACER) throws {
        let values = goalValues(agent.policyObservations.row(environment))
        segment.achievedGoals[row] = values
        guard !agent.reached[environment] else { return }
        let feature = try agent.dynamics.features(agent.goalTensor([values])).scalars
        let distance = GoalACER.normalisedDistances(feature, agent.goalFeatures[environment], featureCount: agent.dynamics.featureCount)[0]
        let reachedNow = agent.isReached(achieved: values, goal: agent.goals[environment], featureDistance: distance)
        agent.intrinsicReturns[environment] += Double(agent.intrinsicReward(featureDistance: distance, reached: reachedNow))
        if reachedNow { agent.reached[environment] = true }
    }

    func intrinsicRewards(_ segment: GoalSegment, agent: GoalACER) throws -> (rewards: [Float], dones: [Float]) {
        let rows = segment.steps * segment.environmentCount
        let achieved = try agent.dynamics.features(agent.goalTensor(segment.achievedGoals))
        let goal = try agent.dynamics.features(agent.goalTensor(Array(segment.goals[0..<rows])))
        let distances = GoalACER.normalisedDistances(achieved.scalars, goal.scalars, featureCount: agent.dynamics.featureCount)
        var rewards: [Float] = [], dones: [Float] = []
        for row in 0..<rows {
            let reached = agent.isReached(achieved: segment.achievedGoals[row], goal: segment.goals[row], featureDistance: distances[row])
            rewards.append(agent.intrinsicReward(featureDistance: distances[row], reached: reached))
            dones.append(segment.dones[row] > 0 || reached ? 1 : 0)
        }
        return (rewards, dones)
    }

    func offer(_ segment: GoalSegment, inputs: (current: Tensor, next: Tensor), agent: GoalACER) throws {
        let configuration = agent.configuration
        let novelty = try agent.dynamics.novelty(observations: inputs.current, actions: segment.actions, nextObservations: inputs.next)
        let rowLength = inputs.current.count / max(inputs.current.shape[0], 1)
        let current = configuration.rescoreGoals ? inputs.current.scalars : [], next = configuration.rescoreGoals ? inputs.next.scalars : []
        for (index, value) in novelty.enumerated() where segment.dones[index] == 0 {
            var transition: GoalPool.Transition?
            if configuration.rescoreGoals {
                let range = (index * rowLength)..<((index + 1) * rowLength)
                transition = GoalPool.Transition(current: Array(current[range]), action: segment.actions[index], next: Array(next[range]))
            }
            agent.pool.offer(novelty: value, observation: segment.achievedGoals[index], transition: transition)
        }
    }

    func rescore(agent: GoalACER) throws {
        guard agent.configuration.rescoreGoals else { return }
        try agent.pool.rescore { transitions in
            let rowShape = agent.observationShape
            let current = try Tensor(transitions.flatMap(\.current), shape: [transitions.count] + rowShape)
            let next = try Tensor(transitions.flatMap(\.next), shape: [transitions.count] + rowShape)
            return try agent.dynamics.novelty(observations: current, actions: transitions.map(\.action), nextObservations: next)
        }
    }
}

/// Goals from a goal environment: its `desired_goal` (a vector the policy takes as is) or its goal image
/// (phi of it, or stacked on the input channels with `goal_input = stacked`); reaching is achieved ==
/// desired and the reward is `compute_reward` (or the negative scaled distance with `goal_reward`).
final class EnvironmentGoals: GoalSource {
    /// The environment that computes rewards.
    let environment: any GoalEnvironment
    /// "goal_image" when goals are pictures, nil for desired-goal vectors.
    let imageKey: String?

    init(environment: any GoalEnvironment, imageKey: String?) {
        self.environment = environment
        self.imageKey = imageKey
    }

    var policyObservationKey: String? { "observation" }
    var goalsAreObservations: Bool { false }
    var relabels: Bool { true }
    var usesGoalQueue: Bool { false }

    func sampleGoal(for environment: Int, agent: GoalACER) -> [Float] {
        goalValues(agent.runner.observations[imageKey ?? "desired_goal"].row(environment))
    }

    func goalFeatures(of rows: [[Float]], agent: GoalACER) throws -> Tensor? {
        if agent.stacksGoalImages { return nil }
        if imageKey == nil { return try agent.goalTensor(rows).reshaped([rows.count, agent.goalShape.reduce(1, *)]) }
        return try agent.dynamics.features(agent.goalTensor(rows))
    }

    func recordAchievement(_ segment: GoalSegment, row: Int, environment: Int, agent: GoalACER) throws {
        let observations = agent.runner.environments.observations
        let achieved = Array(observations["achieved_goal"].row(environment).floats)
        let desired = Array(observations["desired_goal"].row(environment).floats)
        segment.achievedVectors[row] = achieved
        segment.desiredVectors[row] = desired
        segment.achievedGoals[row] = imageKey != nil ? observations["observation"].row(environment).bytes.map(Float.init) : achieved
        if achieved == desired && !agent.reached[environment] {
            agent.reached[environment] = true
            agent.intrinsicReturns[environment] += 1
        }
    }

    func intrinsicRewards(_ segment: GoalSegment, agent: GoalACER) throws -> (rewards: [Float], dones: [Float]) {
        let achieved = segment.achievedVectors.flatMap { $0 }, desired = segment.desiredVectors.flatMap { $0 }
        var rewards = try environment.computeReward(achieved: achieved, desired: desired, info: [:]).map { Float($0) }
        if agent.configuration.goalReward == .negativeDistance {
            for index in rewards.indices {
                var squared: Float = 0
                for (a, d) in zip(segment.achievedVectors[index], segment.desiredVectors[index]) { squared += (a - d) * (a - d) }
                rewards[index] = -squared.squareRoot() * agent.goalScale
            }
        }
        let dones = (0..<segment.dones.count).map { index -> Float in
            segment.dones[index] > 0 || segment.achievedVectors[index] == segment.desiredVectors[index] ? 1 : 0
        }
        return (rewards, dones)
    }
}

/// Reaching feature-space goals and the intrinsic reward (`reach_threshold`, `reach_coordinates`, `intrinsic_reward`).
extension GoalACER {
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
}
