import Foundation
import Testing

/// The commands a user reaches for after training: eval with video, plot, render with a policy,
/// the key listing, rerunning a config.json, and lists of actions that start with a minus sign.
@Suite(.serialized) struct UserCommandTests {
    let quick = [
        "--steps", "320", "--num-envs", "2", "--set", "eval_episodes=3", "--set", "eval_video=false", "--set", "hidden_sizes=16",
        "--set", "replay_start=100", "--set", "eval_every=160", "--plain",
    ]

    func temporaryFolder(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-\(name)-\(UUID().uuidString)")
    }

    @Test func evalRunsTrainingsEvaluationByDefaultAndFilmsEveryEpisode() throws {
        let folder = temporaryFolder("eval-video")
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = try ProgramRun.swiftrl(["train", "acer", "--env", "CartPole-v1", "--run-dir", folder.path] + quick)
        #expect(train.status == 0, "\(train.errorOutput)")
        let video = folder.appendingPathComponent("all.gif")
        let evaluation = try ProgramRun.swiftrl(["eval", folder.path, "--video", video.path, "--json"])
        #expect(evaluation.status == 0, "\(evaluation.errorOutput)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(evaluation.output.utf8)) as? [String: Any])
        // Training's evaluation: eval_episodes = 3, deterministic, seeds from seed + 1000000.
        #expect(object["episodes"] as? Int == 3 && object["deterministic"] as? Bool == true)
        #expect(object["seeds"] as? [Int] == [1_000_001, 1_000_002, 1_000_003])
        // The same returns as the evaluation row training wrote at its last step.
        let csv = try String(contentsOf: folder.appendingPathComponent("progress.csv"), encoding: .utf8)
        let header = csv.split(separator: "\n")[0].split(separator: ",", omittingEmptySubsequences: false)
        let column = try #require(header.firstIndex(of: "eval_return_mean"))
        let last = try #require(
            csv.split(separator: "\n").last { $0.split(separator: ",", omittingEmptySubsequences: false)[column] != "" })
        let trainingMean = Double(last.split(separator: ",", omittingEmptySubsequences: false)[column])
        let bestIsLast = (object["checkpoint"] as? String)?.hasSuffix("best.safetensors") == true
        if bestIsLast, let trainingMean, let mean = object["return_mean"] as? Double, last.hasPrefix("320,") {
            #expect(Swift.abs(mean - trainingMean) < 1e-4 * max(1, Swift.abs(mean)))  // progress.csv keeps 6 digits
        }
        // Every episode is in the video: one frame per step plus one per reset.
        let lengths = (object["returns"] as? [Double])?.reduce(0, +) ?? 0  // CartPole: return = length
        let gif = try Data(contentsOf: video)
        let frames = gif.indices.dropLast().filter { gif[$0] == 0x21 && gif[$0 + 1] == 0xF9 }.count  // graphic control extensions
        #expect(frames == Int(lengths) + 3, "\(frames) frames for \(lengths) steps in 3 episodes")
        let text = try ProgramRun.swiftrl(["eval", folder.path, "--episodes", "2", "--no-deterministic", "--seed", "5"])
        #expect(text.status == 0 && text.output.contains("sampled actions, seeds 5...6"), "\(text.output)\(text.errorOutput)")
        let sameAsTraining = try ProgramRun.swiftrl(["eval", folder.path])
        #expect(sameAsTraining.output.contains("as training's evaluation"), "\(sameAsTraining.output)")
        let badSeed = try ProgramRun.swiftrl(["eval", folder.path, "--seed=-1"])
        #expect(badSeed.status != 0 && badSeed.errorOutput.contains("--seed must be in"))

        // envs render with the trained policy: two episodes into one video.
        let rendered = folder.appendingPathComponent("policy.gif")
        let render = try ProgramRun.swiftrl([
            "envs", "render", "CartPole-v1", "--policy", folder.path, "--episodes", "2", "--output", rendered.path,
        ])
        #expect(render.status == 0 && render.output.contains("2 episodes"), "\(render.output)\(render.errorOutput)")
        #expect(FileManager.default.fileExists(atPath: rendered.path))
        let wrongEnvironment = try ProgramRun.swiftrl(["envs", "render", "Acrobot-v1", "--policy", folder.path, "--output", rendered.path])
        #expect(wrongEnvironment.status != 0 && wrongEnvironment.errorOutput.contains("trained on CartPole-v1"))
        let negativeSteps = try ProgramRun.swiftrl(["envs", "render", "CartPole-v1", "--steps=-1", "--output", rendered.path])
        #expect(negativeSteps.status != 0 && negativeSteps.errorOutput.contains("--steps must be 0 or more"))

        // A run's config.json trains again as --config (same algorithm, env and keys; a new folder).
        let rerun = temporaryFolder("rerun")
        defer { try? FileManager.default.removeItem(at: rerun) }
        let again = try ProgramRun.swiftrl([
            "train", "--config", folder.appendingPathComponent("config.json").path, "--run-dir", rerun.path,
            "--steps", "160", "--plain",
        ])
        #expect(again.status == 0, "\(again.errorOutput)")
        let first = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("config.json"))) as? [String: Any]
        let second = try JSONSerialization.jsonObject(with: Data(contentsOf: rerun.appendingPathComponent("config.json"))) as? [String: Any]
        #expect((first?["acer"] as? NSDictionary) == (second?["acer"] as? NSDictionary) && second?["steps"] as? Int == 160)
        let mismatch = try ProgramRun.swiftrl(["train", "ppo", "--config", folder.appendingPathComponent("config.json").path])
        #expect(mismatch.status != 0 && mismatch.errorOutput.contains("configures acer, not ppo"))
    }

    @Test func aFailingEncoderIsAnErrorNamingTheFileNeverADeathBySIGPIPE() throws {
        let folder = temporaryFolder("failing-ffmpeg")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let encoder = folder.appendingPathComponent("ffmpeg")
        try "#!/bin/sh\necho 'fake ffmpeg: No space left on device' >&2\nexit 1\n".write(to: encoder, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: encoder.path)
        let path = folder.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin")
        let video = folder.appendingPathComponent("episode.mp4")
        let render = try ProgramRun.swiftrl(["envs", "render", "CartPole-v1", "--output", video.path], setting: ["PATH": path])
        #expect(render.status == 1, "exit status \(render.status) (141 is SIGPIPE)")
        #expect(render.errorOutput.contains(video.path) && render.errorOutput.contains("No space left on device"), "\(render.errorOutput)")
        let run = folder.appendingPathComponent("run")
        let train = try ProgramRun.swiftrl(
            [
                "train", "acer", "--env", "CartPole-v1", "--run-dir", run.path, "--steps", "160", "--num-envs", "2",
                "--set", "eval_every=80", "--set", "eval_episodes=1", "--set", "hidden_sizes=8", "--plain",
            ],
            setting: ["PATH": path])
        #expect(train.status == 0 && train.output.contains("done: 160 steps"), "\(train.output)\(train.errorOutput)")
        #expect((train.output + train.errorOutput).contains("warning: no evaluation video"))
        let evaluation = try ProgramRun.swiftrl(["eval", run.path, "--episodes", "1", "--video", video.path], setting: ["PATH": path])
        #expect(
            evaluation.status == 1 && evaluation.errorOutput.contains("No space left on device"),
            "\(evaluation.status) \(evaluation.errorOutput)")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "ffmpeg" && $0 != "run" }
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test func plotDrawsSeedsAsOneCurveToPNGAndSVG() throws {
        let folders = (1...2).map { temporaryFolder("plot-seed\($0)") }
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder) } }
        for (index, folder) in folders.enumerated() {
            let train = try ProgramRun.swiftrl(
                [
                    "train", "acer", "--env", "CartPole-v1", "--seed", "\(index + 1)", "--run-dir", folder.path,
                    "--set", "log_every=0",
                ] + quick)
            #expect(train.status == 0, "\(train.errorOutput)")
        }
        let png = folders[0].appendingPathComponent("curves.png"), svg = folders[0].appendingPathComponent("curves.svg")
        let plot = try ProgramRun.swiftrl(["plot"] + folders.map(\.path) + ["--output", png.path])
        #expect(plot.status == 0 && plot.output.contains("acer CartPole-v1 (2 seeds)"), "\(plot.output)\(plot.errorOutput)")
        let bytes = try Data(contentsOf: png)
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let vector = try ProgramRun.swiftrl(["plot"] + folders.map(\.path) + ["--output", svg.path, "--curves", "eval"])
        #expect(vector.status == 0)
        let text = try String(contentsOf: svg, encoding: .utf8)
        #expect(text.contains("<polyline") && text.contains("Evaluation") && !text.contains("Training episodes"))
        let wrongFormat = try ProgramRun.swiftrl(["plot", folders[0].path, "--output", "curves.jpg"])
        #expect(wrongFormat.status != 0 && wrongFormat.errorOutput.contains(".png or .svg"))
        let notARun = try ProgramRun.swiftrl(["plot", "/tmp", "--output", png.path])
        #expect(notARun.status != 0 && notARun.errorOutput.contains("progress.csv"))
    }

    @Test func listKeysShowsEachKeysDefaultAndThePresetsValue() throws {
        let keys = try ProgramRun.swiftrl(["train", "acer", "--env", "LunarLander-v3", "--list-keys"])
        #expect(keys.status == 0)
        let lines = keys.output.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("gamma = 0.99\t#") })
        // The LunarLander preset changes some keys: those lines say the value used.
        #expect(lines.contains { $0.hasPrefix("env = CartPole-v1 (here: LunarLander-v3)") }, "\(keys.output)")
    }

    @Test func actionListsThatStartWithAMinusSignNeedNoEqualsSign() throws {
        let rollout = try ProgramRun.swiftrl([
            "envs", "rollout", "Pendulum-v1", "--seed", "1", "--steps", "2", "--actions", "-1,0.5", "--json",
        ])
        #expect(rollout.status == 0, "\(rollout.errorOutput)")
        let object = try JSONSerialization.jsonObject(with: Data(rollout.output.utf8)) as? [String: Any]
        #expect(object?["actions"] as? [[Double]] == [[-1], [0.5]])
    }

    @Test func plainBadValuesAreErrorsThatNameTheFixNeverCrashes() throws {
        let cases: [([String], String)] = [
            (["envs", "heuristic", "LunarLander-v3", "--episodes", "0"], "--episodes must be in 1...100000"),
            (["bench", "pixel-replay", "--transitions", "0"], "--transitions must be at least 1"),
            (["train", "acer", "--env", "CartPole-v1", "--steps", "100", "--set", "hidden_sizes=100000,100000"], "choose smaller layers"),
            (
                ["train", "sac-ae", "--env", "CartpoleSwingup-pixels-v0", "--steps", "100", "--set", "replay_size=100000000"],
                "lower replay_size"
            ),
            (
                [
                    "train", "acer", "--env", "FourRooms-v0", "--steps", "100", "--set", "replay_size=100000000", "--set",
                    "env_options=observation:pixels,render_width:84,render_height:84",
                ],
                "lower replay_size"
            ),
            (
                [
                    "train", "goal-acer", "--env", "FourRooms-v0", "--steps", "100", "--set", "replay_size=100000000", "--set",
                    "env_options=observation:pixels,render_width:84,render_height:84",
                ],
                "lower replay_size"
            ),
            (
                ["train", "ppo", "--env", "CartPole-v1", "--steps", "100", "--num-envs", "4096", "--set", "num_steps_per_env=100000"],
                "lower num_steps_per_env or num_envs"
            ),
            (
                ["train", "acer", "--env", "CartPole-v1", "--steps", "100", "--num-envs", "4096", "--set", "n_steps=100000"],
                "lower n_steps or num_envs"
            ),
            (["bench", "conv", "--batch", "100000"], "--batch must be in 1...1024"),
            (["bench", "sac-ae-update", "--batch", "100000"], "--batch must be in 1...1024"),
            (["bench", "gemm", "--shapes", "12x3"], "--shapes: '12x3' is not MxNxK"),
            (["bench", "gemm", "--shapes", "1048576x1048576x1"], "each matrix at most 2^28 values"),
            (["bench", "mlp-update", "--batches", "64,100000000"], "--batches must be integers in 1...65536"),
            (["envs", "bench", "CartPole-v1", "--num-envs", "100000000"], "--num-envs must be in 1...4096"),
            (["envs", "scaling", "--num-envs", "8,100000000"], "--num-envs must be integers in 1...4096"),
            (["eval", "/tmp", "--seed=-1"], "--seed must be in"),
            (["train", "ppo", "--env", "CartPole-v1", "--steps", "100", "--workers", "4"], "ACER's multi-worker setting"),
            (["envs", "render", "CartPole-v1", "--steps=-1", "--output", "x.png"], "--steps must be 0 or more"),
            // A negative number after a numeric option is its value (not an unknown flag), and is then checked.
            (["train", "--steps", "-5"], "steps must be in 1..."),
            (["eval", "/tmp", "--seed", "-1"], "--seed must be in"),
            (["envs", "render", "CartPole-v1", "--steps", "-1", "--output", "x.png"], "--steps must be 0 or more"),
        ]
        for (arguments, fix) in cases {
            let runDirectory = arguments[0] == "train" ? ["--run-dir", temporaryFolder("bad").path] : []
            let run = try ProgramRun.swiftrl(arguments + runDirectory)
            #expect(run.status == 1 || run.status == 64, "\(arguments): status \(run.status) (a crash is 132-134)")
            #expect(run.errorOutput.contains(fix) && !run.errorOutput.contains("Fatal error"), "\(arguments): \(run.errorOutput)")
        }
    }

    @Test func anUnknownIdListsEveryRegisteredId() throws {
        let run = try ProgramRun.swiftrl(["envs", "check", "Zzzzzzzz-v9"])
        #expect(run.status != 0)
        let message = run.output + run.errorOutput
        #expect(message.contains("registered ids:") && message.contains("CartPole-v1") && message.contains("ReacherEasy-pixels-v0"))
    }
}
