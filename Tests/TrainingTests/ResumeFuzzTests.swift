import BundledEnvs
import Foundation
import NN
import Tensors
import Testing

@testable import Training

/// Every tensor of a run's checkpoint and replay, one at a time, with NaN, a huge number or -1 in it,
/// and every metadata value replaced by -1, nan, a number past Int.max or nothing: resuming either
/// refuses with an error or goes on; it never traps (a trap ends this test process).
@Suite(.serialized) struct ResumeFuzzTests {
    func fuzz(_ algorithm: String, _ overrides: [String]) throws {
        let (configuration, folder, store) = try trainedShortRun(algorithm, overrides, steps: 40, name: "\(algorithm)-fuzz")
        defer { try? FileManager.default.removeItem(at: folder) }
        let checkpointURL = store.url(step: 40), replayURL = store.replayURL(step: 40)
        let checkpoint = try Checkpoint.read(from: checkpointURL)
        let replay = store.replay(forStep: 40)
        var tried = 0
        let savedNames = Set(try FileManager.default.contentsOfDirectory(atPath: store.directory.path))
        // Resumes and, when the files are accepted, trains 10 steps on them (the values are used).
        func resumeAndTrain() throws {
            let trainer = try Trainer(
                configuration: configuration, runDirectory: folder, resume: true, stepsOverride: 50, plainOutput: true)
            defer {
                // What the resumed run wrote goes, so that the next resume starts from step 40 again.
                for name in (try? FileManager.default.contentsOfDirectory(atPath: store.directory.path)) ?? []
                where !savedNames.contains(name) {
                    try? FileManager.default.removeItem(at: store.directory.appendingPathComponent(name))
                }
            }
            try trainer.run()
        }
        for (file, original) in [(checkpointURL, checkpoint), (replayURL, replay)] {
            guard let original else { continue }
            for name in original.tensors.keys.sorted() where original.tensors[name]!.count > 0 {
                for value: Float in [.nan, 1e30, -1] {
                    var crafted = original
                    var values = original.tensors[name]!.scalars
                    values[values.count / 2] = value
                    crafted.tensors[name] = try Tensor(values, shape: original.tensors[name]!.shape)
                    try crafted.write(to: file)
                    try? resumeAndTrain()
                    tried += 1
                }
            }
            for key in original.metadata.keys.sorted() {
                for value in ["-1", "nan", "99999999999999999999", "", "1,2,x"] {
                    var crafted = original
                    crafted.metadata[key] = value
                    try crafted.write(to: file)
                    try? resumeAndTrain()
                    tried += 1
                }
            }
            try original.write(to: file)
        }
        #expect(tried > 20)
    }

    @Test func acer() throws {
        try fuzz("acer", ["env=CartPole-v1", "num_envs=2", "n_steps=5", "replay_start=10", "hidden_sizes=8"])
    }

    @Test func acerEpisodes() throws {
        try fuzz("acer", ["env=CartPole-v1", "num_envs=2", "n_steps=5", "replay_start=10", "replay_kind=episodes", "hidden_sizes=8"])
    }

    @Test func ppo() throws {
        try fuzz(
            "ppo",
            [
                "env=CartPole-v1", "num_envs=2", "num_steps_per_env=10", "normalize_observations=true", "actor_hidden_dims=8",
                "critic_hidden_dims=8",
            ])
    }

    @Test func sac() throws {
        try fuzz("sac", ["env=Pendulum-v1", "num_envs=1", "hidden_dim=8", "initial_steps=10", "batch_size=4"])
    }

    @Test func goalACER() throws {
        try fuzz(
            "goal-acer",
            [
                "env=FourRooms-v0", "num_envs=2", "n_steps=5", "hidden_sizes=8", "feature_size=4", "goal_hidden=4", "initial_steps=10",
                "initial_dynamics_updates=1", "replay_start=10", "goal_queue_size=20",
            ])
    }
}
