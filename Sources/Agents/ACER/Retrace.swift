/// Retrace targets (Munos et al. 2016) as ACER computes them (baselines' `q_retrace`).
///
/// Arrays are time-major: element `t * batch + b` is step t of trajectory b. Walking backwards from
/// the bootstrap value V(x_T) (cut to 0 by a done):
///
///     Qret = r_t + gamma Qret (1 - done_t)        (recorded as the target of step t)
///     Qret = min(1, rho_t) (Qret - Q(x_t, a_t)) + V(x_t)
///
/// with rho_t = pi(a_t | x_t) / mu(a_t | x_t). The truncation is at 1 (not at c) in the recursion.
public enum Retrace {
    /// The targets Qret [steps * batch].
    /// - Parameters:
    ///   - rewards, dones, importanceWeights (rho at the taken action), takenQ (Q at the taken
    ///     action): [steps * batch].
    ///   - values: V(x_t) = sum_a pi Q for t in 0...steps: [(steps + 1) * batch].
    public static func targets(
        rewards: [Float], dones: [Float], importanceWeights: [Float], takenQ: [Float],
        values: [Float], steps: Int, batch: Int, discount: Float
    ) -> [Float] {
        precondition(
            rewards.count == steps * batch && dones.count == steps * batch && importanceWeights.count == steps * batch
                && takenQ.count == steps * batch && values.count == (steps + 1) * batch,
            "Retrace.targets: array sizes do not match steps x batch")
        var targets = Array(repeating: Float(0), count: steps * batch)
        var running = Array(values[(steps * batch)...])
        for t in stride(from: steps - 1, through: 0, by: -1) {
            for b in 0..<batch {
                let index = t * batch + b
                let target = rewards[index] + discount * running[b] * (1 - dones[index])
                targets[index] = target
                running[b] = min(1, importanceWeights[index]) * (target - takenQ[index]) + values[index]
            }
        }
        return targets
    }
}
