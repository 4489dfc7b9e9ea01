import Tensors

/// A batch of `batch` trajectories of `steps` steps for one ACER update, stored time-major
/// (element t * batch + b is step t of trajectory b), with the observation after the last step.
public struct ACERBatch {
    /// Steps per trajectory.
    public var steps: Int
    /// Trajectories.
    public var batch: Int
    /// Network input for steps 0...steps: [(steps + 1) * batch, ...].
    public var observations: Tensor
    /// Actions taken [steps * batch].
    public var actions: [Int]
    /// Rewards [steps * batch] (time-limit truncations already carry gamma V(final observation)).
    public var rewards: [Float]
    /// 1 where the episode ended at that step [steps * batch].
    public var dones: [Float]
    /// The behaviour policy mu at collection time [steps * batch * actions].
    public var behaviourProbabilities: [Float]
    /// 1 for real steps, 0 for padding after a short episode [steps * batch].
    public var mask: [Float]
    /// Goal features for steps 0...steps [(steps + 1) * batch, G], for goal-conditioned networks.
    public var goalFeatures: Tensor? = nil
}
