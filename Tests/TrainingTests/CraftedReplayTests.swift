import BundledEnvs
import Foundation
import NN
import Tensors
import Testing

@testable import Training

/// Replay files changed by hand or by a fault (NaN positions and actions, negative lengths, actions out
/// of range) are refused with an error naming the problem when a run resumes: never a trap.
@Suite(.serialized) struct CraftedReplayTests {
    /// Trains `algorithm` for 60 steps with `overrides`, then resumes once per crafted replay and
    /// expects each to be refused with a message containing its text.
    func expectRefusals(
        _ algorithm: String, _ overrides: [String], crafts: [(name: String, value: (Tensor) -> Tensor, message: String)]
    ) throws -> Checkpoint {
        let (configuration, folder, store) = try trainedShortRun(algorithm, overrides, steps: 60, name: "\(algorithm)-crafted-replay")
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try #require(store.replay(forStep: 60))
        for craft in crafts {
            var crafted = original
            let tensor = try #require(original.tensors[craft.name], "no \(craft.name) in \(original.tensors.keys.sorted())")
            crafted.tensors[craft.name] = craft.value(tensor)
            try crafted.write(to: store.replayURL(step: 60))
            let error = #expect(throws: (any Error).self) {
                _ = try Trainer(configuration: configuration, runDirectory: folder, resume: true, stepsOverride: 120, plainOutput: true)
            }
            let message = "\(error.map { "\($0)" } ?? "")"
            #expect(message.contains(craft.message), "\(craft.name): \(message)")
        }
        return original
    }

    /// `tensor` with value `index` replaced.
    static func setting(_ index: Int, to value: Float) -> (Tensor) -> Tensor {
        { tensor in
            var values = tensor.scalars
            values[index] = value
            return Tensor(values)
        }
    }

    @Test func acerSegmentReplay() throws {
        let original = try expectRefusals(
            "acer", ["env=CartPole-v1", "num_envs=2", "n_steps=5", "replay_start=10", "replay_size=1000", "hidden_sizes=8"],
            crafts: [
                ("worker0.position", Self.setting(0, to: .nan), "position"),
                ("worker0.position", Self.setting(1, to: 1e9), "position"),
                ("worker0.actions", Self.setting(0, to: .nan), "action"),
                ("worker0.actions", Self.setting(3, to: 7), "action 7.0"),
            ])
        // Only the segments stored so far: 60 steps of 2 environments in segments of 5 = 12 of the 200.
        let observations = try #require(original.tensors["worker0.observations"])
        #expect(observations.count == 12 * 6 * 4, "\(observations.count) observation values")
    }

    @Test func acerEpisodeReplay() throws {
        _ = try expectRefusals(
            "acer",
            [
                "env=CartPole-v1", "num_envs=2", "n_steps=5", "replay_start=10", "replay_kind=episodes", "episodes_per_batch=2",
                "hidden_sizes=8",
            ],
            crafts: [
                ("worker0.lengths", Self.setting(1, to: .nan), "episodic replay file"),
                ("worker0.lengths", Self.setting(1, to: -3), "episodic replay file"),
                ("worker0.lengths", Self.setting(0, to: .infinity), "incomplete"),
                ("worker0.actions", Self.setting(0, to: .nan), "action"),
            ])
    }

    @Test func goalACERGoalQueueActions() throws {
        _ = try expectRefusals(
            "goal-acer",
            [
                "env=FourRooms-v0", "num_envs=2", "n_steps=5", "hidden_sizes=8", "feature_size=4", "goal_hidden=4", "initial_steps=20",
                "initial_dynamics_updates=1", "replay_start=20", "goal_queue_size=20",
            ],
            crafts: [
                ("replay.actions", Self.setting(0, to: .nan), "replay file"),
                ("pool.transition_actions", Self.setting(0, to: .nan), "goal queue holds the action"),
            ])
    }
}
