import Gym
import Tensors

/// One iteration's data for goal-conditioned ACER: `steps` steps of `environmentCount` environments,
/// time-major, with the goal observation each step was taken towards (not its features, so features
/// are recomputed with the current encoder) and what each step achieved.
public final class GoalSegment {
    /// Steps per environment.
    public let steps: Int
    /// Environments.
    public let environmentCount: Int
    /// Policy observations for steps 0...steps.
    public let observations: ObservationRows
    /// Goal observations for steps 0...steps.
    public var goals: [[Float]]
    /// What step t achieved, in the goal representation (the next observation, or the achieved goal) [steps * E].
    public var achievedGoals: [[Float]]
    /// Achieved and desired goal vectors of goal environments (empty otherwise) [steps * E].
    public var achievedVectors: [[Float]], desiredVectors: [[Float]]
    /// Actions, behaviour probabilities, extrinsic rewards and episode ends.
    public var actions: [Int], behaviourProbabilities: [Float], rewards: [Float], dones: [Float]

    /// An empty segment.
    public init(space: Space, steps: Int, environmentCount: Int, actionCount: Int) throws {
        self.steps = steps
        self.environmentCount = environmentCount
        observations = try ObservationRows(space: space, capacity: (steps + 1) * environmentCount)
        goals = Array(repeating: [], count: (steps + 1) * environmentCount)
        achievedGoals = Array(repeating: [], count: steps * environmentCount)
        achievedVectors = Array(repeating: [], count: steps * environmentCount)
        desiredVectors = Array(repeating: [], count: steps * environmentCount)
        actions = Array(repeating: 0, count: steps * environmentCount)
        behaviourProbabilities = Array(repeating: 0, count: steps * environmentCount * actionCount)
        rewards = Array(repeating: 0, count: steps * environmentCount)
        dones = Array(repeating: 0, count: steps * environmentCount)
    }

    /// A copy (replay keeps copies; relabelling works on copies).
    public func copy() throws -> GoalSegment {
        let result = try GoalSegment(
            space: observations.space, steps: steps, environmentCount: environmentCount,
            actionCount: behaviourProbabilities.count / max(steps * environmentCount, 1))
        for row in 0..<((steps + 1) * environmentCount) { result.observations.copyRow(from: observations, sourceRow: row, to: row) }
        result.goals = goals
        result.achievedGoals = achievedGoals
        result.achievedVectors = achievedVectors
        result.desiredVectors = desiredVectors
        result.actions = actions
        result.behaviourProbabilities = behaviourProbabilities
        result.rewards = rewards
        result.dones = dones
        return result
    }

    /// HER "future" relabelling, per trajectory: with probability `probability`, pick a step f of the
    /// trajectory's first episode piece and make achievedGoals[f] the goal of steps 0...f (and its
    /// achieved vector the desired vector), so that the goal is reached exactly at f. Returns the
    /// chosen f per environment (nil: not relabelled).
    @discardableResult
    public func relabel(probability: Double, using generator: inout RandomGenerator) -> [Int?] {
        (0..<environmentCount).map { environment -> Int? in
            guard generator.uniform() < probability else { return nil }
            var length = steps
            for t in 0..<steps where dones[t * environmentCount + environment] > 0 { length = t + 1; break }
            let future = generator.integer(below: length)
            let index = future * environmentCount + environment
            for t in 0...future {
                goals[t * environmentCount + environment] = achievedGoals[index]
                if !achievedVectors[index].isEmpty { desiredVectors[t * environmentCount + environment] = achievedVectors[index] }
            }
            return future
        }
    }
}
