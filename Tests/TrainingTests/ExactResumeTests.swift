import BundledEnvs
import Foundation
import NN
import Testing

@testable import Training

/// A run stopped halfway and resumed (with its replay) ends bit for bit where an uninterrupted run
/// ends, for every algorithm: networks, average networks, optimiser moments, generator, environments,
/// and each algorithm's own state (normaliser, temperature, goal episodes).
@Suite(.serialized) struct ExactResumeTests {
    /// The final checkpoints (and replays) of `algorithm` with `overrides`, trained for `total` steps
    /// straight through and for half of them, then resumed to `total`.
    func straightAndResumed(
        _ algorithm: String, _ overrides: [String], total: Int
    ) throws -> (
        straight: Checkpoint, resumed: Checkpoint, straightReplay: Checkpoint?, resumedReplay: Checkpoint?
    ) {
        BundledEnvironments.register()
        func configuration(steps: Int) throws -> RunConfiguration {
            var configuration = try RunConfiguration(algorithm: algorithm)
            try configuration.apply(
                overrides: overrides + [
                    "steps=\(steps)", "eval_every=0", "eval_episodes=1", "eval_video=false", "checkpoint_every=0", "log_every=1000",
                ])
            return configuration
        }
        let straight = temporaryRunFolder("\(algorithm)-straight"), resumed = temporaryRunFolder("\(algorithm)-resumed")
        defer { try? FileManager.default.removeItem(at: straight); try? FileManager.default.removeItem(at: resumed) }
        try Trainer(configuration: try configuration(steps: total), runDirectory: straight, plainOutput: true).run()
        try Trainer(configuration: try configuration(steps: total / 2), runDirectory: resumed, plainOutput: true).run()
        try Trainer(
            configuration: try configuration(steps: total / 2), runDirectory: resumed, resume: true, stepsOverride: total,
            plainOutput: true
        ).run()
        let a = try CheckpointStore(runDirectory: straight, keep: 9), b = try CheckpointStore(runDirectory: resumed, keep: 9)
        return (
            try Checkpoint.read(from: a.url(step: total)), try Checkpoint.read(from: b.url(step: total)), a.replay(forStep: total),
            b.replay(forStep: total)
        )
    }

    /// Every tensor equal bit for bit (some are pairs of Float32 bit patterns that may read as NaN) and
    /// the metadata `keys` equal.
    func expectEqual(_ a: Checkpoint, _ b: Checkpoint, metadata keys: [String]) {
        #expect(a.tensors.keys.sorted() == b.tensors.keys.sorted())
        #expect(a.byteArrays == b.byteArrays)
        for (name, tensor) in a.tensors {
            let same = b.tensors[name]?.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern)
            #expect(same, "\(name) differs after resume")
        }
        for key in keys {
            #expect(a.metadata[key] != nil, "\(key) is missing")
            let same = a.metadata[key] == b.metadata[key]
            #expect(same, "\(key) differs after resume: \(a.metadata[key]?.prefix(80) ?? "") vs \(b.metadata[key]?.prefix(80) ?? "")")
        }
    }

    @Test func acer() throws {
        let run = try straightAndResumed(
            "acer",
            [
                "env=CartPole-v1", "num_envs=4", "n_steps=10", "replay_start=200", "replay_ratio=2", "lr_schedule=constant",
                "hidden_sizes=32,32",
            ], total: 1600)
        #expect(run.straight.tensors.keys.contains { $0.hasPrefix("average_model.") })
        #expect(run.straight.tensors.keys.contains { $0.hasPrefix("optimizer.") })
        expectEqual(run.straight, run.resumed, metadata: ["worker0.rng", "worker0.environments", "updates"])
    }

    @Test func ppoWithObservationNormalisation() throws {
        let run = try straightAndResumed(
            "ppo",
            [
                "env=CartPole-v1", "num_envs=4", "num_steps_per_env=16", "normalize_observations=true", "actor_hidden_dims=16",
                "critic_hidden_dims=16",
            ], total: 640)
        #expect(run.straight.tensors.keys.contains("normalizer.mean"))
        expectEqual(run.straight, run.resumed, metadata: ["learning_rate", "rng", "environments"])
    }

    @Test func sacFromStates() throws {
        let run = try straightAndResumed(
            "sac", ["env=Pendulum-v1", "num_envs=2", "hidden_dim=16", "initial_steps=40", "batch_size=8"], total: 240)
        #expect(run.straight.tensors.keys.contains("log_alpha"))
        expectEqual(run.straight, run.resumed, metadata: ["rng", "environments", "updates", "iterations"])
    }

    /// SAC-AE from pixels: the frame replay (saved as bytes, only the frames stored so far), encoder,
    /// decoder and their optimisers.
    @Test func sacAEFromPixels() throws {
        let run = try straightAndResumed(
            "sac-ae",
            [
                "env=CartpoleSwingup-pixels-v0", "hidden_dim=16", "initial_steps=10", "batch_size=4", "num_filters=4", "num_layers=2",
                "encoder_feature_dim=8", "replay_size=200",
            ], total: 40)
        #expect(run.straight.tensors.keys.contains { $0.hasPrefix("decoder.") })
        expectEqual(run.straight, run.resumed, metadata: ["rng", "environments", "updates", "iterations"])
        let a = try #require(run.straightReplay), b = try #require(run.resumedReplay)
        #expect((a.byteArrays["frames"]?.count ?? 0) > 0 && a.tensors["frames"] == nil)
        expectEqual(a, b, metadata: ["environment_steps"])
    }

    /// Goal-conditioned ACER with feature-space goals: the novelty queue (with the transitions it
    /// re-scores), the segment replay it relabels, and the goals of the episodes in progress survive.
    @Test func goalACERWithFeatureSpaceGoals() throws {
        let run = try straightAndResumed(
            "goal-acer",
            [
                "env=FourRooms-v0", "num_envs=4", "n_steps=5", "lr_schedule=constant", "hidden_sizes=16", "feature_size=8", "goal_hidden=8",
                "initial_steps=100", "initial_dynamics_updates=5", "replay_start=100", "replay_size=400", "goal_queue_size=50",
            ], total: 600)
        let keys = [
            "rng", "environments", "updates", "episode.reached", "episode.intrinsic_returns", "recent_successes",
            "recent_intrinsic_returns",
        ]
        expectEqual(run.straight, run.resumed, metadata: keys)
        #expect(run.straight.tensors["episode.goals.values"] != nil && run.straight.tensors["dynamics.optimizer.step"] != nil)
        let a = try #require(run.straightReplay), b = try #require(run.resumedReplay)
        #expect(Int(a.metadata["pool.entries"] ?? "") ?? 0 > 0 && a.tensors["pool.transition_current.values"] != nil)
        expectEqual(a, b, metadata: ["replay.segments", "replay.next_slot", "pool.entries", "pool.recent_successes"])
    }

    /// Goal-conditioned ACER from pixels: the segment replay's images are saved as bytes.
    @Test func goalACERFromPixels() throws {
        let run = try straightAndResumed(
            "goal-acer",
            [
                "env=FourRooms-Goal-v0", "env_options=observation:pixels,render_width:38,render_height:38,layout_seed:0", "num_envs=2",
                "n_steps=5", "lr_schedule=constant", "hidden_sizes=8", "goal_hidden=8", "initial_steps=10", "replay_start=10",
                "replay_size=200", "pixel_trunk=keypoints", "initial_dynamics_updates=1", "feature_size=4",
            ], total: 40)
        expectEqual(run.straight, run.resumed, metadata: ["rng", "environments", "updates"])
        let a = try #require(run.straightReplay), b = try #require(run.resumedReplay)
        #expect((a.byteArrays["replay.observations"]?.count ?? 0) > 0 && a.tensors["replay.observations"] == nil)
        expectEqual(a, b, metadata: ["replay.segments", "replay.next_slot"])
    }

    /// Goal-conditioned ACER on a goal environment (desired-goal vectors, hindsight relabelling).
    @Test func goalACERWithEnvironmentGoals() throws {
        let run = try straightAndResumed(
            "goal-acer",
            [
                "env=EmptyRoom-8x8-Goal-v0", "num_envs=2", "n_steps=5", "lr_schedule=constant", "hidden_sizes=16", "goal_hidden=8",
                "initial_steps=40",
                "replay_start=40", "replay_size=200",
            ], total: 400)
        expectEqual(
            run.straight, run.resumed, metadata: ["rng", "environments", "updates", "episode.reached", "episode.intrinsic_returns"])
        let a = try #require(run.straightReplay), b = try #require(run.resumedReplay)
        #expect(a.tensors["replay.desired_vectors.values"] != nil)
        expectEqual(a, b, metadata: ["replay.segments", "replay.next_slot"])
    }

    /// A replay file that does not fit the run (a crafted queue size, inconsistent ragged rows) is
    /// refused with the setting that changed, before training goes on.
    @Test func goalACERRefusesAReplayThatDoesNotFitTheRun() throws {
        BundledEnvironments.register()
        var configuration = try RunConfiguration(algorithm: "goal-acer")
        try configuration.apply(overrides: [
            "env=FourRooms-v0", "num_envs=2", "n_steps=5", "hidden_sizes=8", "feature_size=4", "goal_hidden=4", "initial_steps=20",
            "initial_dynamics_updates=1", "replay_start=20", "goal_queue_size=20", "steps=60", "eval_every=0", "eval_episodes=1",
            "eval_video=false", "checkpoint_every=0", "log_every=1000",
        ])
        let folder = temporaryRunFolder("goal-acer-crafted")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Trainer(configuration: configuration, runDirectory: folder, plainOutput: true).run()
        let store = try CheckpointStore(runDirectory: folder, keep: 9)
        let original = try #require(store.replay(forStep: 60))
        for (change, expected) in [
            ({ (replay: inout Checkpoint) in replay.metadata["pool.entries"] = "999999" }, "goal_queue_size changed"),
            ({ (replay: inout Checkpoint) in replay.metadata["replay.goals.rows"] = "3" }, "replay.goals is inconsistent"),
            ({ (replay: inout Checkpoint) in replay.metadata["replay.segments"] = "-4" }, "n_steps or num_envs changed"),
        ] {
            var crafted = original
            change(&crafted)
            try crafted.write(to: store.replayURL(step: 60))
            let error = #expect(throws: (any Error).self) {
                _ = try Trainer(configuration: configuration, runDirectory: folder, resume: true, stepsOverride: 120, plainOutput: true)
            }
            #expect("\(error.map { "\($0)" } ?? "")".contains(expected), "\(error.map { "\($0)" } ?? "")")
        }
    }
}
