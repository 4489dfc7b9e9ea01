import NN
import Tensors

/// Goal-conditioned ACER's checkpoints, complete enough that a resumed run goes on exactly as an
/// uninterrupted one: the checkpoint holds the four networks, both optimisers, the dynamics, the run
/// state and each environment's episode (its goal, goal features, whether it was reached, its
/// intrinsic return so far); the replay file holds the segment replay and the goal queue.
extension GoalACER {
    public func checkpoint() throws -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint.add(exploration, prefix: "exploration.")
        checkpoint.add(explorationAverage, prefix: "exploration_average.")
        checkpoint.add(evaluation, prefix: "evaluation.")
        checkpoint.add(evaluationAverage, prefix: "evaluation_average.")
        checkpoint.add(explorationOptimizer, prefix: "optimizer.exploration.")
        checkpoint.add(evaluationOptimizer, prefix: "optimizer.evaluation.")
        for (name, tensor) in dynamics.stateTensors() { checkpoint.tensors["dynamics.\(name)"] = tensor }
        checkpoint.metadata["algorithm"] = algorithmName
        checkpoint.metadata["updates"] = "\(updateCount)"
        try RunState.save(generator: generator, runner: runner, environmentSteps: environmentSteps, into: &checkpoint)
        // The episodes in progress.
        try RaggedRows.store(goals, as: "episode.goals", in: &checkpoint)
        try RaggedRows.store(goalFeatures, as: "episode.goal_features", in: &checkpoint)
        checkpoint.metadata["episode.reached"] = RaggedRows.text(reached)
        checkpoint.metadata["episode.intrinsic_returns"] = RaggedRows.text(intrinsicReturns)
        checkpoint.metadata["recent_successes"] = RaggedRows.text(recentSuccesses)
        checkpoint.metadata["recent_intrinsic_returns"] = RaggedRows.text(recentIntrinsicReturns)
        return checkpoint
    }

    /// The segment replay (in one set of tensors, segment after segment) and the goal queue.
    public func replayCheckpoint() throws -> Checkpoint? {
        var checkpoint = Checkpoint()
        func flat(_ values: [Float], _ name: String) throws {
            if !values.isEmpty { checkpoint.tensors[name] = try Tensor(values, shape: [values.count]) }
        }
        if replay.first?.observations.isImage == true {
            // Pixels at one byte each, as the segments hold them.
            var bytes: [UInt8] = []
            for segment in replay { segment.observations.appendImageBytes(to: &bytes) }
            checkpoint.byteArrays["replay.observations"] = bytes
        } else {
            try flat(replay.flatMap { $0.observations.allValues() }, "replay.observations")
        }
        try flat(replay.flatMap { $0.actions.map(Float.init) }, "replay.actions")
        try flat(replay.flatMap(\.behaviourProbabilities), "replay.behaviour")
        try flat(replay.flatMap(\.rewards), "replay.rewards")
        try flat(replay.flatMap(\.dones), "replay.dones")
        try RaggedRows.store(replay.flatMap(\.goals), as: "replay.goals", in: &checkpoint)
        try RaggedRows.store(replay.flatMap(\.achievedGoals), as: "replay.achieved_goals", in: &checkpoint)
        try RaggedRows.store(replay.flatMap(\.achievedVectors), as: "replay.achieved_vectors", in: &checkpoint)
        try RaggedRows.store(replay.flatMap(\.desiredVectors), as: "replay.desired_vectors", in: &checkpoint)
        checkpoint.metadata["replay.segments"] = "\(replay.count)"
        checkpoint.metadata["replay.next_slot"] = "\(nextReplaySlot)"
        let entries = pool.entries
        try flat(entries.map(\.novelty), "pool.novelty")
        try RaggedRows.store(entries.map(\.observation), as: "pool.observations", in: &checkpoint)
        try flat(entries.map { Float($0.transition?.action ?? -1) }, "pool.transition_actions")
        try RaggedRows.store(entries.map { $0.transition?.current ?? [] }, as: "pool.transition_current", in: &checkpoint)
        try RaggedRows.store(entries.map { $0.transition?.next ?? [] }, as: "pool.transition_next", in: &checkpoint)
        checkpoint.metadata["pool.entries"] = "\(entries.count)"
        checkpoint.metadata["pool.curriculum_index"] = "\(pool.progress.curriculumIndex)"
        checkpoint.metadata["pool.recent_successes"] = RaggedRows.text(pool.progress.recentSuccesses)
        checkpoint.metadata["environment_steps"] = "\(environmentSteps)"
        return checkpoint
    }

    public var policyTensorPrefixes: [String] { ["evaluation."] }

    public func loadPolicy(from checkpoint: Checkpoint) throws {
        try checkpoint.requireAlgorithm(algorithmName)
        try checkpoint.load(into: evaluation, prefix: "evaluation.")
    }

    /// Restores a checkpoint and, when given, its replay file. Without the replay (or from a checkpoint
    /// written before the episode state was saved) the replay and the goal queue start empty and new
    /// episodes' goals are drawn, as after `initialize()`.
    public func restore(from checkpoint: Checkpoint, replay replayFile: Checkpoint?) throws {
        try loadPolicy(from: checkpoint)
        try checkpoint.load(into: exploration, prefix: "exploration.")
        try checkpoint.load(into: explorationAverage, prefix: "exploration_average.")
        try checkpoint.load(into: evaluationAverage, prefix: "evaluation_average.")
        try checkpoint.load(into: explorationOptimizer, prefix: "optimizer.exploration.")
        try checkpoint.load(into: evaluationOptimizer, prefix: "optimizer.evaluation.")
        try dynamics.load(checkpoint, prefix: "dynamics.")
        updateCount = Int(checkpoint.metadata["updates"] ?? "") ?? 0
        generator = try RunState.restore(runner: runner, from: checkpoint)
        initialized = true
        if let replayFile { try restoreReplay(from: replayFile) }
        let count = runner.count
        guard let savedReached: [Bool] = try RaggedRows.values(checkpoint.metadata["episode.reached"]) else {
            for environment in 0..<count { try beginEpisode(environment) }
            return
        }
        let savedGoals = try RaggedRows.load("episode.goals", from: checkpoint)
        let savedFeatures = try RaggedRows.load("episode.goal_features", from: checkpoint)
        let savedReturns: [Double] = try RaggedRows.values(checkpoint.metadata["episode.intrinsic_returns"]) ?? []
        guard savedReached.count == count, savedGoals.count == count, savedFeatures.count == count, savedReturns.count == count else {
            throw AgentError.invalidState(
                "the checkpoint's episode state is for \(savedReached.count) environments, this run has \(count) (resume with the run's num_envs)"
            )
        }
        (goals, goalFeatures, reached, intrinsicReturns) = (savedGoals, savedFeatures, savedReached, savedReturns)
        recentSuccesses = try RaggedRows.values(checkpoint.metadata["recent_successes"]) ?? []
        recentIntrinsicReturns = try RaggedRows.values(checkpoint.metadata["recent_intrinsic_returns"]) ?? []
    }

    /// Refills the segment replay and the goal queue from a replay file.
    func restoreReplay(from file: Checkpoint) throws {
        let segments = Int(file.metadata["replay.segments"] ?? "") ?? -1, slot = Int(file.metadata["replay.next_slot"] ?? "") ?? -1
        guard segments >= 0, segments <= replayCapacity, slot >= 0, slot < replayCapacity else {
            throw AgentError.invalidState(
                "the replay file holds \(segments) segments (next slot \(slot)) for a replay of \(replayCapacity): replay_size, n_steps or num_envs changed"
            )
        }
        let steps = configuration.acer.steps, width = runner.count
        var restored: [GoalSegment] = []
        let template = try GoalSegment(space: observationSpace, steps: steps, environmentCount: width, actionCount: actionCount)
        let observationCount = template.observations.capacity * template.observations.rowLength, rows = steps * width
        // Pixels are saved as bytes; Float32 values are vector observations (or pixels saved by earlier versions).
        let observationBytes = file.byteArrays["replay.observations"], observations = RaggedRows.flat("replay.observations", from: file)
        let actions = RaggedRows.flat("replay.actions", from: file)
        let behaviour = RaggedRows.flat("replay.behaviour", from: file), rewards = RaggedRows.flat("replay.rewards", from: file)
        let dones = RaggedRows.flat("replay.dones", from: file)
        let goals = try RaggedRows.load("replay.goals", from: file), achieved = try RaggedRows.load("replay.achieved_goals", from: file)
        let achievedVectors = try RaggedRows.load("replay.achieved_vectors", from: file)
        let desiredVectors = try RaggedRows.load("replay.desired_vectors", from: file)
        guard (observationBytes?.count ?? observations.count) == segments * observationCount, actions.count == segments * rows,
            rewards.count == actions.count,
            dones.count == actions.count, behaviour.count == actions.count * actionCount, goals.count == segments * (rows + width),
            achieved.count == actions.count, achievedVectors.count == actions.count, desiredVectors.count == actions.count
        else {
            throw AgentError.invalidState(
                "the replay file does not match this run's replay (observation space, n_steps, num_envs or actions changed)")
        }
        for index in 0..<segments {
            let segment = try GoalSegment(space: observationSpace, steps: steps, environmentCount: width, actionCount: actionCount)
            let observationRange = (index * observationCount)..<((index + 1) * observationCount)
            if let observationBytes {
                try segment.observations.loadImageBytes(observationBytes[observationRange])
            } else {
                try segment.observations.load(Array(observations[observationRange]))
            }
            let range = (index * rows)..<((index + 1) * rows)
            segment.actions = actions[range].map { Int(exactly: $0) ?? -1 }
            guard segment.actions.allSatisfy({ (0..<actionCount).contains($0) }) else {
                throw AgentError.invalidState("the replay file holds actions outside 0..<\(actionCount)")
            }
            segment.behaviourProbabilities = Array(behaviour[(range.lowerBound * actionCount)..<(range.upperBound * actionCount)])
            segment.rewards = Array(rewards[range])
            segment.dones = Array(dones[range])
            segment.goals = Array(goals[(index * (rows + width))..<((index + 1) * (rows + width))])
            segment.achievedGoals = Array(achieved[range])
            segment.achievedVectors = Array(achievedVectors[range])
            segment.desiredVectors = Array(desiredVectors[range])
            restored.append(segment)
        }
        replay = restored
        nextReplaySlot = slot
        let entryCount = Int(file.metadata["pool.entries"] ?? "") ?? 0
        let novelty = RaggedRows.flat("pool.novelty", from: file),
            transitionActions = RaggedRows.flat("pool.transition_actions", from: file)
        let poolObservations = try RaggedRows.load("pool.observations", from: file)
        let current = try RaggedRows.load("pool.transition_current", from: file),
            next = try RaggedRows.load("pool.transition_next", from: file)
        guard entryCount <= pool.capacity, novelty.count == entryCount, transitionActions.count == entryCount,
            poolObservations.count == entryCount, current.count == entryCount, next.count == entryCount
        else {
            throw AgentError.invalidState(
                "the replay file's goal queue holds \(entryCount) entries for a queue of \(pool.capacity) (goal_queue_size changed)")
        }
        let entries = try (0..<entryCount).map { index in
            guard let action = Int(exactly: transitionActions[index]), action < actionCount else {
                throw AgentError.invalidState(
                    "the replay file's goal queue holds the action \(transitionActions[index]), not one of 0..<\(actionCount) or -1")
            }
            return GoalPool.Entry(
                novelty: novelty[index], observation: poolObservations[index],
                transition: action < 0 ? nil : GoalPool.Transition(current: current[index], action: action, next: next[index]))
        }
        pool.restore(
            entries: entries, curriculumIndex: Int(file.metadata["pool.curriculum_index"] ?? "") ?? 0,
            recentSuccesses: try RaggedRows.values(file.metadata["pool.recent_successes"]) ?? [])
    }
}
