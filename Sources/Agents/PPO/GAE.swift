/// Generalised advantage estimation (Schulman et al. 2016) as rsl_rl computes it, time-major
/// (element t * environments + e):
///
///     delta_t = r_t + gamma (1 - done_t) V_{t+1} - V_t
///     A_t     = delta_t + gamma lambda (1 - done_t) A_{t+1}
///     R_t     = A_t + V_t
///
/// with V_T the value of the observation after the last step. Time-limit truncations are not
/// terminal: the caller adds gamma V(final observation) to their reward and marks them done.
public enum GAE {
    /// (advantages, returns), each [steps * environments].
    public static func compute(
        rewards: [Float], dones: [Float], values: [Float], lastValues: [Float], steps: Int, environments: Int,
        discount: Float, lambda: Float
    ) -> (advantages: [Float], returns: [Float]) {
        precondition(
            rewards.count == steps * environments && dones.count == rewards.count && values.count == rewards.count
                && lastValues.count == environments, "GAE.compute: array sizes do not match steps x environments")
        var advantages = Array(repeating: Float(0), count: rewards.count)
        var running = Array(repeating: Float(0), count: environments)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            for e in 0..<environments {
                let index = t * environments + e
                let nextValue = t == steps - 1 ? lastValues[e] : values[index + environments]
                let notDone = 1 - dones[index]
                let delta = rewards[index] + discount * notDone * nextValue - values[index]
                running[e] = delta + discount * lambda * notDone * running[e]
                advantages[index] = running[e]
            }
        }
        return (advantages, zip(advantages, values).map { $0 + $1 })
    }
}
