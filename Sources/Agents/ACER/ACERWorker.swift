import Foundation
import Gym
import NN
import Random
import Tensors

/// One ACER worker: its environments, replay, random generator and (with several workers) its local
/// copy of the network. `iterate` collects one segment and makes the on-policy and off-policy updates.
final class ACERWorker: @unchecked Sendable {
    /// What one iteration of a worker produced.
    struct Outcome {
        var episodes: [EpisodeRecord]
        var statistics: [ACERUpdateStatistics]
    }

    let index: Int
    let configuration: ACERConfiguration
    let runner: EpisodeRunner
    let network: ACERNetwork
    let replay: any ACERReplay
    let rollout: ACERRollout
    let actionCount: Int
    var generator: RandomGenerator

    init(
        index: Int, configuration: ACERConfiguration, runner: EpisodeRunner, network: ACERNetwork, observationSpace: Space,
        actionCount: Int, generator: RandomGenerator
    ) throws {
        self.index = index
        self.configuration = configuration
        self.runner = runner
        self.network = network
        self.actionCount = actionCount
        self.generator = generator
        rollout = try ACERRollout(
            space: observationSpace, steps: configuration.steps, environmentCount: runner.count, actionCount: actionCount)
        if configuration.replayKind == .episodes {
            replay = try EpisodicReplay(
                space: observationSpace, transitions: configuration.replaySize, actionCount: actionCount,
                batchSize: configuration.episodesPerBatch)
        } else {
            replay = try SegmentReplay(
                space: observationSpace, transitions: configuration.replaySize, steps: configuration.steps,
                actionCount: actionCount, batchSize: runner.count)
        }
    }

    /// Collects a segment, then updates on it and on replayed batches.
    func iterate(agent: ACER) throws -> Outcome {
        if network !== agent.network { try network.copyParameters(from: agent.network) }
        let episodes = try collect(agent: agent)
        replay.add(rollout)
        var statistics: [ACERUpdateStatistics] = []
        statistics.append(try update(rollout.batch(), agent: agent))
        if configuration.replayRatio > 0 && replay.transitionCount >= max(configuration.replayStart, 1) {
            let replayUpdates = generator.poisson(mean: configuration.replayRatio)
            for _ in 0..<replayUpdates {
                statistics.append(try update(replay.sample(using: &generator), agent: agent))
            }
        }
        return Outcome(episodes: episodes, statistics: statistics)
    }

    /// One update: gradients on the local network, applied to the shared one, then re-sync.
    private func update(_ batch: ACERBatch, agent: ACER) throws -> ACERUpdateStatistics {
        let settings = ACERObjective.Settings(
            truncation: Float(configuration.truncation), entropyCoefficient: Float(configuration.entropyCoefficient),
            trustRegion: configuration.trustRegion, trustRegionDelta: Float(configuration.trustRegionDelta))
        var (gradients, statistics) = try ACERLearner.gradients(
            network: network, average: agent.averageNetwork, batch: batch,
            discount: Float(configuration.discount), qCoefficient: Float(configuration.qCoefficient),
            settings: settings)
        for (name, value) in [("q_loss", statistics.qLoss), ("policy_loss", statistics.policyLoss), ("entropy", statistics.entropy)]
        where !value.isFinite {
            throw AgentError.nonFinite("\(name) is \(value) at environment step \(runner.stepCount) (worker \(index))")
        }
        try agent.apply(gradients, computedOn: network, statistics: &statistics)
        if network !== agent.network { try network.copyParameters(from: agent.network) }
        return statistics
    }

    /// Steps the environments `n_steps` times with the current policy, filling `rollout`.
    private func collect(agent: ACER) throws -> [EpisodeRecord] {
        let environments = runner.count, steps = configuration.steps
        let discount = Float(configuration.discount)
        var finished: [EpisodeRecord] = []
        var actions = Array(repeating: Action.discrete(0), count: environments)
        for t in 0..<steps {
            for environment in 0..<environments {
                rollout.observations.store(runner.observations, sourceRow: environment, at: t * environments + environment)
            }
            let input = ObservationRows.tensor(from: runner.observations, rowShape: rollout.observations.rowShape)
            let probabilities = try withoutGradients { try network(input).logits.softmax(axis: 1) }
            let p = probabilities.buffer
            for environment in 0..<environments {
                let base = environment * actionCount
                let chosen = generator.categorical(p, offset: base, count: actionCount)
                actions[environment] = .discrete(chosen)
                let row = t * environments + environment
                rollout.actions[row] = chosen
                for a in 0..<actionCount { rollout.behaviourProbabilities[row * actionCount + a] = p[base + a] }
            }
            try runner.step(actions)
            agent.scheduleSteps.add(environments, ordering: .relaxed)
            // V(final observation) = sum_a pi(a) Q(a) for the time-limit bootstrap.
            try runner.recordStep(rewards: &rollout.rewards, dones: &rollout.dones, at: t * environments, discount: discount) { final in
                let input = ObservationRows.tensor(from: final, rowShape: rollout.observations.rowShape)
                let (logits, q) = try withoutGradients { try network(input) }
                let policy = try logits.softmax(axis: 1).scalars, values = q.scalars
                return (0..<environments).map { environment in
                    var value: Float = 0
                    for a in 0..<actionCount { value += policy[environment * actionCount + a] * values[environment * actionCount + a] }
                    return value
                }
            }
            finished.append(contentsOf: try runner.resetFinished())
        }
        for environment in 0..<environments {
            rollout.observations.store(runner.observations, sourceRow: environment, at: steps * environments + environment)
        }
        return finished
    }
}
