import Random

/// One PPO rollout (rsl_rl's RolloutStorage), time-major (row t * environments + e): the network input
/// each step saw, the memory states it started from (recurrent actor-critic), the action, reward, done
/// (terminated or truncated; truncations carry gamma V(final observation) in their reward), value,
/// log-probability and the policy's distribution (means and standard deviations, or probabilities);
/// then returns and normalised advantages, and the minibatch generators.
final class RolloutStorage {
    /// Steps per environment and environments.
    let steps: Int, environments: Int
    /// Values per network input row.
    let observationWidth: Int
    /// Network inputs, [T, E, observationWidth].
    private(set) var observations: [Float] = []
    /// Actor and critic memory states (hidden, cell, hidden, cell) at the start of each step, [T, E, hidden] each.
    private(set) var memoryStates: [[Float]] = [[], [], [], []]
    /// Sampled actions (indices as Float32, or action values), [T, E, action width].
    private(set) var actions: [Float] = []
    /// The policy at collection: Gaussian means or categorical probabilities, [T, E, action dimension].
    private(set) var distributionParameters: [Float] = []
    /// Gaussian standard deviations at collection (empty for categorical policies), [T, E, action dimension].
    private(set) var standardDeviations: [Float] = []
    /// Per row.
    var rewards: [Float], dones: [Float], values: [Float], logProbabilities: [Float]
    /// Per row, after `computeReturns`.
    private(set) var returns: [Float] = [], advantages: [Float] = []

    /// Storage for `steps` x `environments` rows of `observationWidth`-value inputs.
    init(steps: Int, environments: Int, observationWidth: Int) {
        self.steps = steps
        self.environments = environments
        self.observationWidth = observationWidth
        let rows = steps * environments
        rewards = Array(repeating: 0, count: rows)
        dones = Array(repeating: 0, count: rows)
        values = Array(repeating: 0, count: rows)
        logProbabilities = Array(repeating: 0, count: rows)
        observations.reserveCapacity(rows * observationWidth)
    }

    /// Rows in the rollout.
    var rows: Int { steps * environments }

    /// Records step `t`'s inputs and memory states (before the policy acts).
    func addInputs(_ inputs: UnsafeBufferPointer<Float>, memoryStates states: [UnsafeBufferPointer<Float>]?) {
        observations.append(contentsOf: inputs)
        if let states {
            for (index, state) in states.enumerated() { memoryStates[index].append(contentsOf: state) }
        }
    }

    /// Records step `t`'s sampled actions, values, log-probabilities and policy distribution.
    func addPolicy(
        step t: Int, actions sampled: [Float], values stepValues: [Float], logProbabilities stepLogProbabilities: [Float],
        distributionParameters parameters: [Float], standardDeviations deviations: [Float]
    ) {
        actions.append(contentsOf: sampled)
        distributionParameters.append(contentsOf: parameters)
        standardDeviations.append(contentsOf: deviations)
        for environment in 0..<environments {
            values[t * environments + environment] = stepValues[environment]
            logProbabilities[t * environments + environment] = stepLogProbabilities[environment]
        }
    }

    /// GAE returns and advantages from the values after the last step, the advantages normalised over
    /// the rollout (mean 0, standard deviation 1).
    func computeReturns(lastValues: [Float], discount: Float, lambda: Float) {
        var (advantages, returns) = GAE.compute(
            rewards: rewards, dones: dones, values: values, lastValues: lastValues, steps: steps,
            environments: environments, discount: discount, lambda: lambda)
        let mean = advantages.reduce(0, +) / Float(rows)
        let std = (advantages.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(max(rows - 1, 1))).squareRoot()
        advantages = advantages.map { ($0 - mean) / (std + 1e-8) }
        self.advantages = advantages
        self.returns = returns
    }

    /// One epoch of flat minibatches: the rows shuffled, cut into `count` batches of rows / count.
    func flatMinibatches(count: Int, generator: inout RandomGenerator) -> [[Int]] {
        let size = max(1, rows / count)
        var order = Array(0..<rows)
        for index in stride(from: rows - 1, to: 0, by: -1) { order.swapAt(index, generator.integer(below: index + 1)) }
        return stride(from: 0, to: size * count, by: size).map { Array(order[$0..<min($0 + size, rows)]) }
    }

    /// One epoch of recurrent minibatches: the environments shuffled, cut into `count` groups whose
    /// whole trajectories form a minibatch.
    func recurrentMinibatches(count: Int, generator: inout RandomGenerator) -> [[Int]] {
        var order = Array(0..<environments)
        for index in stride(from: environments - 1, to: 0, by: -1) { order.swapAt(index, generator.integer(below: index + 1)) }
        let size = max(1, environments / count)
        return stride(from: 0, to: size * min(count, environments), by: size).map { Array(order[$0..<min($0 + size, environments)]) }
    }

    /// `source`'s values of `batch`'s rows, `width` per row, in batch order.
    func gather(_ source: [Float], rows batch: [Int], width: Int) -> [Float] {
        var result = [Float]()
        result.reserveCapacity(batch.count * width)
        for row in batch { result.append(contentsOf: source[(row * width)..<((row + 1) * width)]) }
        return result
    }
}
