import Gym
import Tensors

/// The segment each iteration collects: `steps` steps of `environmentCount` environments, time-major,
/// with the observation after the last step.
public final class ACERRollout {
    /// Steps per environment.
    public let steps: Int
    /// Environments.
    public let environmentCount: Int
    /// Actions per step.
    public let actionCount: Int
    /// Observations for steps 0...steps: row t * environmentCount + e.
    public let observations: ObservationRows
    /// [steps * environmentCount] each.
    public var actions: [Int], rewards: [Float], dones: [Float]
    /// mu [steps * environmentCount * actionCount].
    public var behaviourProbabilities: [Float]

    /// An empty segment.
    public init(space: Space, steps: Int, environmentCount: Int, actionCount: Int) throws {
        self.steps = steps
        self.environmentCount = environmentCount
        self.actionCount = actionCount
        observations = try ObservationRows(space: space, capacity: (steps + 1) * environmentCount)
        actions = Array(repeating: 0, count: steps * environmentCount)
        rewards = Array(repeating: 0, count: steps * environmentCount)
        dones = Array(repeating: 0, count: steps * environmentCount)
        behaviourProbabilities = Array(repeating: 0, count: steps * environmentCount * actionCount)
    }

    /// The whole segment as an update batch (the on-policy update).
    public func batch() -> ACERBatch {
        ACERBatch(
            steps: steps, batch: environmentCount, observations: observations.tensor(rows: Array(0..<((steps + 1) * environmentCount))),
            actions: actions, rewards: rewards, dones: dones, behaviourProbabilities: behaviourProbabilities,
            mask: Array(repeating: 1, count: steps * environmentCount))
    }
}
