import Foundation
import Gym
import Random

/// One finished training episode.
public struct EpisodeRecord: Sendable, Equatable {
    /// The undiscounted return.
    public var totalReward: Double
    /// The number of steps.
    public var length: Int
    /// Whether it ended by termination (not by the time limit).
    public var terminated: Bool
    /// The info of the last step's `is_success`, when the environment reports one.
    public var isSuccess: Bool?

    /// An episode's record.
    public init(totalReward: Double, length: Int, terminated: Bool, isSuccess: Bool? = nil) {
        self.totalReward = totalReward
        self.length = length
        self.terminated = terminated
        self.isSuccess = isSuccess
    }
}

/// Drives a vector environment for training with explicit, reproducible episodes.
///
/// Autoreset is off: when a sub-environment's episode ends, the caller can read its final
/// observation (to bootstrap a time-limit truncation) and then calls `resetFinished()`, which starts
/// the next episode with a seed derived from (run seed, stream, sub-environment, episode number).
/// Because every episode is fixed by its seed and its actions, `state` (episode numbers and the
/// current episodes' actions) restores the environments exactly after a resume, for any
/// deterministic environment, without the environment having to serialise itself.
public final class EpisodeRunner {
    /// The environments (autoreset disabled).
    public let environments: VectorEnvironment
    /// The seed the episode seeds derive from.
    public let seed: Int
    /// Separates the episode seeds of different workers.
    public let stream: Int
    /// The number of steps taken over all sub-environments.
    public private(set) var stepCount = 0

    private var episodeNumbers: [Int]
    private var episodeActions: [[Action]]
    private var episodeReturns: [Double]
    private var needsReset: [Bool]

    /// Runs `environments`, which must have been made with autoreset disabled.
    public init(environments: VectorEnvironment, seed: Int, stream: Int = 0) throws {
        guard environments.autoresetMode == .disabled else {
            throw AgentError.invalidConfiguration(
                "EpisodeRunner needs a vector environment with autoresetMode .disabled (it resets finished episodes itself)")
        }
        self.environments = environments
        self.seed = seed
        self.stream = stream
        let count = environments.count
        episodeNumbers = Array(repeating: 0, count: count)
        episodeActions = Array(repeating: [], count: count)
        episodeReturns = Array(repeating: 0, count: count)
        needsReset = Array(repeating: false, count: count)
    }

    /// The number of sub-environments.
    public var count: Int { environments.count }

    /// The current observations, one row per sub-environment.
    public var observations: ObservationBuffer { environments.observations }

    /// The seed of episode `episode` of sub-environment `index`.
    public func episodeSeed(index: Int, episode: Int) -> Int {
        var generator = RandomGenerator(
            seed: UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15
                ^ UInt64(truncatingIfNeeded: stream) &* 0xC2B2_AE3D_27D4_EB4F
                ^ UInt64(truncatingIfNeeded: index) &* 0x1656_67B1_9E37_79F9
                ^ UInt64(truncatingIfNeeded: episode))
        return Int(generator.next() & 0x7FFF_FFFF)
    }

    /// Starts the first episode of every sub-environment.
    public func start() throws {
        for index in 0..<count {
            try environments.reset(at: index, seed: episodeSeed(index: index, episode: episodeNumbers[index]))
            episodeActions[index].removeAll(keepingCapacity: true)
            episodeReturns[index] = 0
            needsReset[index] = false
        }
    }

    /// Steps every sub-environment; afterwards `environments` holds rewards, flags and (for the
    /// rows that finished) the final observations. Call `resetFinished()` before the next step.
    public func step(_ actions: [Action]) throws {
        try environments.step(actions)
        stepCount += count
        for index in 0..<count {
            episodeActions[index].append(actions[index])
            episodeReturns[index] += environments.rewards[index]
            needsReset[index] = environments.terminations[index] || environments.truncations[index]
        }
    }

    /// Writes the last step's rewards (as Float32) and dones (terminated or truncated) into rows
    /// `offset ..< offset + count`, then bootstraps time-limit truncations, which are not terminal
    /// states: their reward gains `discount` x V(final observation). `values` maps the final
    /// observations (one row per sub-environment) to V, and is asked only when a time limit struck.
    public func recordStep(
        rewards: inout [Float], dones: inout [Float], at offset: Int, discount: Float,
        values: (ObservationBuffer) throws -> [Float]
    ) throws {
        var truncated: [Int] = []
        for index in 0..<count {
            rewards[offset + index] = Float(environments.rewards[index])
            dones[offset + index] = environments.terminations[index] || environments.truncations[index] ? 1 : 0
            if environments.truncations[index] && !environments.terminations[index] { truncated.append(index) }
        }
        guard !truncated.isEmpty else { return }
        let finalValues = try values(environments.observations)
        for index in truncated { rewards[offset + index] += discount * finalValues[index] }
    }

    /// Resets the sub-environments whose episode ended in the last step and returns those episodes.
    @discardableResult
    public func resetFinished() throws -> [EpisodeRecord] {
        var finished: [EpisodeRecord] = []
        for index in 0..<count where needsReset[index] {
            var success: Bool?
            if case .bool(let value)? = environments.infos[index]["is_success"] { success = value }
            finished.append(
                EpisodeRecord(
                    totalReward: episodeReturns[index], length: episodeActions[index].count,
                    terminated: environments.terminations[index], isSuccess: success))
            episodeNumbers[index] += 1
            try environments.reset(at: index, seed: episodeSeed(index: index, episode: episodeNumbers[index]))
            episodeActions[index].removeAll(keepingCapacity: true)
            episodeReturns[index] = 0
            needsReset[index] = false
        }
        return finished
    }

    /// The state that restores the environments exactly: episode numbers and current actions, as JSON.
    public func state() throws -> String {
        let saved = SavedState(
            stepCount: stepCount, episodeNumbers: episodeNumbers, actions: episodeActions.map { $0.map(SavedAction.init) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(saved), as: UTF8.self)
    }

    /// Restores a state saved by `state()`: resets each sub-environment with its episode's seed and
    /// replays that episode's actions.
    public func restore(_ text: String) throws {
        let saved: SavedState
        do { saved = try JSONDecoder().decode(SavedState.self, from: Data(text.utf8)) } catch {
            throw AgentError.invalidState("the saved environment state is not readable (\(error)); the checkpoint is damaged")
        }
        guard saved.episodeNumbers.count == count, saved.actions.count == count else {
            throw AgentError.invalidState(
                "the checkpoint has environment state for \(saved.episodeNumbers.count) environments, this run has \(count): resume with the same num_envs and workers"
            )
        }
        episodeNumbers = saved.episodeNumbers
        stepCount = saved.stepCount
        for index in 0..<count {
            try environments.reset(at: index, seed: episodeSeed(index: index, episode: episodeNumbers[index]))
            episodeActions[index].removeAll(keepingCapacity: true)
            episodeReturns[index] = 0
            for saved in saved.actions[index] {
                let result = try environments.environments[index].step(saved.action, into: environments.observations.row(index))
                episodeReturns[index] += result.reward
                episodeActions[index].append(saved.action)
            }
            needsReset[index] = false
        }
    }

    private struct SavedState: Codable {
        var stepCount: Int
        var episodeNumbers: [Int]
        var actions: [[SavedAction]]
    }

    private struct SavedAction: Codable {
        var discrete: Int?
        var continuous: [Float]?
        init(_ action: Action) {
            switch action {
            case .discrete(let value): discrete = value
            case .continuous(let values): continuous = values
            }
        }
        var action: Action { discrete.map(Action.discrete) ?? .continuous(continuous ?? []) }
    }
}
