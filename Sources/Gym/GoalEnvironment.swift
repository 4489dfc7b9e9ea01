/// A goal-conditioned environment (Gymnasium-Robotics' GoalEnv convention): observations are a
/// Dict with "observation", "achieved_goal" and "desired_goal", and the reward is a function of the
/// achieved and desired goals, so that stored transitions can be relabelled with other goals
/// (hindsight experience replay). The invariant: the reward returned by `step` equals
/// `computeReward` of the observation's achieved and desired goals.
public protocol GoalEnvironment: Environment {
    /// The number of values in one goal.
    var goalDimension: Int { get }
    /// Rewards for a batch of goal pairs, flattened row by row (`goalDimension` values per row).
    func computeReward(achieved: [Float], desired: [Float], info: Info) throws -> [Double]
}

extension GoalEnvironment {
    /// Checks the batch layout shared by every `computeReward`; returns the number of rows.
    public func goalRows(achieved: [Float], desired: [Float]) throws -> Int {
        guard achieved.count == desired.count, achieved.count % goalDimension == 0 else {
            throw GymError.invalidArgument(
                "computeReward needs achieved and desired goals of equal length, a multiple of \(goalDimension); got \(achieved.count) and \(desired.count)"
            )
        }
        return achieved.count / goalDimension
    }
}
