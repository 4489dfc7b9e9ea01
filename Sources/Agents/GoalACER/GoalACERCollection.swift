import Gym
import Tensors

/// Goal-conditioned ACER's data collection: one segment of `n_steps` steps per environment, each
/// environment acting towards its goal (exploration policy), at random once it is reached, or with the
/// evaluation policy (the first `evaluation_actors`).
extension GoalACER {
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
}
