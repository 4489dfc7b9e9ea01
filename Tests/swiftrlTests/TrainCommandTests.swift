import Foundation
import Testing

@Suite(.serialized) struct TrainCommandTests {
    let quick = [
        "--steps", "320", "--num-envs", "2", "--set", "eval_episodes=2", "--set", "eval_video=false", "--set", "hidden_sizes=16",
        "--set", "replay_start=100", "--plain",
    ]

    @Test func trainThenEvaluateAsJSON() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = try ProgramRun.swiftrl(["train", "acer", "--env", "CartPole-v1", "--run-dir", folder.path] + quick)
        #expect(train.status == 0, "\(train.output)\(train.errorOutput)")
        #expect(train.output.contains("done: 320 steps"))
        let config =
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("config.json"))) as? [String: Any]
        #expect(config?["steps"] as? Int == 320 && config?["algorithm"] as? String == "acer")
        let evaluation = try ProgramRun.swiftrl(["eval", folder.path, "--episodes", "3", "--deterministic", "--json"])
        #expect(evaluation.status == 0, "\(evaluation.errorOutput)")
        let object = try JSONSerialization.jsonObject(with: Data(evaluation.output.utf8)) as? [String: Any]
        #expect(object?["episodes"] as? Int == 3)
        #expect(object?["return_mean"] is Double && object?["return_std"] is Double && object?["length_mean"] is Double)
        // A second train into the same folder is refused with the fix; a corrupt checkpoint is refused on eval.
        let again = try ProgramRun.swiftrl(["train", "acer", "--env", "CartPole-v1", "--run-dir", folder.path] + quick)
        #expect(again.status != 0 && again.errorOutput.contains("--resume"))
        let best = folder.appendingPathComponent("checkpoints/best.safetensors")
        try Data("not a checkpoint".utf8).write(to: best)
        let broken = try ProgramRun.swiftrl(["eval", best.path])
        #expect(broken.status != 0 && !broken.errorOutput.isEmpty)
    }

    @Test func ppoExportsAPolicyThatEvalRunsWithoutTheTrainingState() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-ppo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = try ProgramRun.swiftrl([
            "train", "ppo", "--env", "CartPoleNoVelocity-v1", "--steps", "512", "--num-envs", "4", "--run-dir", folder.path,
            "--set", "recurrent=lstm", "--set", "rnn_hidden_size=8", "--set", "actor_hidden_dims=8",
            "--set", "critic_hidden_dims=8", "--set", "normalize_observations=true", "--set", "eval_video=false",
            "--set", "eval_episodes=1", "--plain",
        ])
        #expect(train.status == 0, "\(train.output)\(train.errorOutput)")
        let policy = folder.appendingPathComponent("policy.safetensors")
        let inspect = try ProgramRun.swiftrl(["ckpt", "inspect", policy.path, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(inspect.output.utf8)) as? [String: Any]
        let names = ((object?["tensors"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        #expect(
            names.contains { $0.hasPrefix("memory.") } && names.contains("normalizer.mean")
                && !names.contains { $0.hasPrefix("optimizer.") })
        let evaluation = try ProgramRun.swiftrl(["eval", policy.path, "--episodes", "2", "--deterministic", "--json"])
        #expect(evaluation.status == 0, "\(evaluation.errorOutput)")
        #expect((try JSONSerialization.jsonObject(with: Data(evaluation.output.utf8)) as? [String: Any])?["episodes"] as? Int == 2)
    }

    @Test func badInputGetsAnErrorThatNamesTheFix() throws {
        let runFolder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-failed-run-\(UUID().uuidString)")
        let unknownEnvironment = try ProgramRun.swiftrl([
            "train", "acer", "--env", "CartPoel-v1", "--steps", "10", "--run-dir", runFolder.path,
        ])
        #expect(unknownEnvironment.status != 0 && unknownEnvironment.errorOutput.contains("CartPole-v1"))
        #expect(!FileManager.default.fileExists(atPath: runFolder.path), "a run that failed to start left its folder behind")
        let unknownKey = try ProgramRun.swiftrl(["train", "acer", "--env", "CartPole-v1", "--set", "learning_rat=1"])
        #expect(unknownKey.status != 0 && unknownKey.errorOutput.contains("learning_rate"))
        let badValue = try ProgramRun.swiftrl(["train", "acer", "--set", "gamma=2"])
        #expect(badValue.status != 0 && badValue.errorOutput.contains("gamma must be in"))
        let continuous = try ProgramRun.swiftrl(["train", "acer", "--env", "Pendulum-v1", "--steps", "10"])
        #expect(continuous.status != 0 && continuous.errorOutput.contains("Discrete action space"))
        let missingRun = "/tmp/swiftrl-no-such-run-\(UUID().uuidString)"
        let nothing = try ProgramRun.swiftrl(["train", "--resume", missingRun])
        #expect(nothing.status != 0 && nothing.errorOutput.contains("config.json"))
        #expect(!FileManager.default.fileExists(atPath: missingRun))
        let resumeWithOverrides = try ProgramRun.swiftrl(["train", "--resume", "/tmp/anything", "--set", "seed=3"])
        #expect(resumeWithOverrides.status != 0 && resumeWithOverrides.errorOutput.contains("--set may change only threads"))
        let resumeWithSeed = try ProgramRun.swiftrl(["train", "--resume", "/tmp/anything", "--seed", "3"])
        #expect(resumeWithSeed.status != 0 && resumeWithSeed.errorOutput.contains("only --steps (and --set of threads"))
        let presets = try ProgramRun.swiftrl(["train", "--list-presets"])
        #expect(presets.status == 0 && presets.output.contains("acer-cartpole") && presets.output.contains("acer-lunarlander"))
    }
}
