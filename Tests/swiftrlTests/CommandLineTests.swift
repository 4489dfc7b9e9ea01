import Foundation
import Testing

/// Runs the built `swiftrl` program and captures its output and exit status.
struct ProgramRun {
    let status: Int32
    let output: String
    let errorOutput: String

    static func swiftrl(
        _ arguments: [String], removingEnvironment removed: [String] = [], setting extra: [String: String] = [:]
    ) throws -> ProgramRun {
        let process = Process()
        process.executableURL = try programURL()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for name in removed { environment[name] = nil }
        for (name, value) in extra { environment[name] = value }
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProgramRun(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            errorOutput: String(decoding: errorData, as: UTF8.self))
    }

    /// The `swiftrl` binary next to the test bundle (SwiftPM builds it for this test target).
    static func programURL() throws -> URL {
        var candidates: [URL] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(directory.appendingPathComponent("swiftrl"))
                directory.deleteLastPathComponent()
            }
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("swiftrl"))
        guard let url = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "swiftrl binary not found near \(candidates)"])
        }
        return url
    }

    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(output.utf8))
    }
}

@Suite("swiftrl command line")
struct CommandLineTests {
    @Test("envs list --json lists every bundled id with its spaces")
    func listJSON() throws {
        let run = try ProgramRun.swiftrl(["envs", "list", "--json"])
        #expect(run.status == 0)
        let entries = try #require(try run.json() as? [[String: Any]])
        let ids = Set(entries.compactMap { $0["id"] as? String })
        #expect(ids.isSuperset(of: ["CartPole-v1", "Pendulum-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0"]))
        let cartPole = try #require(entries.first { $0["id"] as? String == "CartPole-v1" })
        #expect(cartPole["max_episode_steps"] as? Int == 500)
        #expect(cartPole["reward_threshold"] as? Double == 475)
        #expect(cartPole["action_space"] as? String == "Discrete(2)")
        #expect((cartPole["observation_space"] as? String)?.hasPrefix("Box(") == true)
    }

    @Test("envs check --all passes and exits 0")
    func checkAll() throws {
        let run = try ProgramRun.swiftrl(["envs", "check", "--all", "--steps", "50"])
        #expect(run.status == 0, "\(run.output)\(run.errorOutput)")
        #expect(!run.output.contains("FAIL"))
    }

    @Test("an unknown id exits non-zero and names the closest id")
    func unknownId() throws {
        let run = try ProgramRun.swiftrl(["envs", "check", "CartPol-v1"])
        #expect(run.status != 0)
        #expect(run.errorOutput.contains("CartPole-v1"))
    }

    @Test("bad flags exit non-zero with a message that tells the fix")
    func badFlags() throws {
        let unknownFlag = try ProgramRun.swiftrl(["envs", "bench", "CartPole-v1", "--stepz", "5"])
        #expect(unknownFlag.status != 0)
        #expect(unknownFlag.errorOutput.contains("--stepz"))
        let negative = try ProgramRun.swiftrl(["envs", "bench", "CartPole-v1", "--steps", "0"])
        #expect(negative.status != 0)
        #expect(negative.errorOutput.contains("--steps must be at least 1"))
        let both = try ProgramRun.swiftrl(["envs", "check", "CartPole-v1", "--all"])
        #expect(both.status != 0)
        let option = try ProgramRun.swiftrl(["envs", "rollout", "CartPole-v1", "--steps", "2", "--option", "gravity=3", "--json"])
        #expect(option.status != 0)
        #expect(option.errorOutput.contains("valid options:") && option.errorOutput.contains("sutton_barto_reward"))
        let family = try ProgramRun.swiftrl(["bench", "conv", "--kernels", "avx1024"])
        #expect(family.status != 0)
        #expect(family.errorOutput.contains("'avx1024' is not one of this CPU's kernel families") && family.errorOutput.contains("blas"))
        let batch = try ProgramRun.swiftrl(["bench", "conv", "--batch", "0"])
        #expect(batch.status != 0)
        #expect(batch.errorOutput.contains("--batch must be in 1...1024"))
    }

    @Test("bench conv prints each layer's share of the stride-1 layer's rate, and none when that layer is not timed")
    func convolutionShares() throws {
        let run = try ProgramRun.swiftrl(["bench", "conv", "--batch", "2", "--repeats", "1", "--kernels", "blas"])
        #expect(run.status == 0, "\(run.errorOutput)")
        let share = try #require(run.output.split(separator: "\n").first { $0.hasPrefix("blas share of conv 32->32") })
        let percentages = share.split(separator: " ").filter { $0.hasSuffix("%") || $0.hasSuffix("%;") }
        #expect(percentages.count == 6, "\(share)")  // forward and backward for the three other layers
        let stridedOnly = try ProgramRun.swiftrl(["bench", "conv", "--batch", "2", "--repeats", "1", "--kernels", "blas", "--layer", "s2"])
        #expect(stridedOnly.status == 0 && !stridedOnly.output.contains("share of"), "\(stridedOnly.output)")
    }

    @Test("envs bench --json reports id, num_envs, steps, seconds and steps_per_second")
    func benchJSON() throws {
        for arguments in [["--steps", "2000"], ["--steps", "2000", "--num-envs", "4", "--threads", "2"]] {
            let run = try ProgramRun.swiftrl(["envs", "bench", "CartPole-v1", "--json"] + arguments)
            #expect(run.status == 0, "\(run.errorOutput)")
            let object = try #require(try run.json() as? [String: Any])
            #expect(object["id"] as? String == "CartPole-v1")
            #expect((object["steps"] as? Int).map { $0 >= 2000 } == true)
            #expect((object["steps_per_second"] as? Double).map { $0 > 0 } == true)
            #expect(object["seconds"] is Double && object["num_envs"] is Int)
        }
    }

    @Test("envs rollout prints N + 1 observations and resets after an episode ends")
    func rollout() throws {
        let run = try ProgramRun.swiftrl([
            "envs", "rollout", "CartPole-v1", "--seed", "3", "--steps", "60", "--actions",
            Array(repeating: "1", count: 60).joined(separator: ","), "--json",
        ])
        #expect(run.status == 0, "\(run.errorOutput)")
        let object = try #require(try run.json() as? [String: Any])
        let observations = try #require(object["observations"] as? [[Double]])
        #expect(observations.count == 61 && observations.allSatisfy { $0.count == 4 })
        #expect((object["actions"] as? [Int])?.count == 60)
        #expect((object["rewards"] as? [Double])?.count == 60)
        let terminated = try #require(object["terminated"] as? [Bool])
        #expect(terminated.contains(true))
        #expect((object["resets"] as? [[String: Any]])?.isEmpty == false)
        // Same seed, same output.
        let again = try ProgramRun.swiftrl([
            "envs", "rollout", "CartPole-v1", "--seed", "3", "--steps", "60", "--actions",
            Array(repeating: "1", count: 60).joined(separator: ","), "--json",
        ])
        #expect(again.output == run.output)
        let random = try ProgramRun.swiftrl([
            "envs", "rollout", "Pendulum-v1", "--seed", "1", "--steps", "5", "--policy", "random", "--json",
        ])
        #expect(random.status == 0)
        let short = try ProgramRun.swiftrl(["envs", "rollout", "Pendulum-v1", "--steps", "3", "--actions", "[[0.5]]", "--json"])
        #expect(short.status != 0 && short.errorOutput.contains("one action per step"))
    }

    @Test("play without a display fails with advice instead of hanging")
    func playWithoutDisplay() throws {
        let run = try ProgramRun.swiftrl(
            ["envs", "play", "CartPole-v1"], removingEnvironment: ["DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"])
        #expect(run.status != 0)
        #expect(run.errorOutput.contains("no display") && run.errorOutput.contains("xvfb-run"))
    }

    @Test("envs render writes a PNG and a GIF; an unwritable path fails before the episode")
    func render() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let png = try ProgramRun.swiftrl([
            "envs", "render", "Acrobot-v1", "--output", folder.appendingPathComponent("a.png").path, "--width", "84", "--height", "84",
        ])
        #expect(png.status == 0, "\(png.errorOutput)")
        let gif = try ProgramRun.swiftrl([
            "envs", "render", "CartPole-v1", "--output", folder.appendingPathComponent("a.gif").path, "--steps", "20",
        ])
        #expect(gif.status == 0, "\(gif.errorOutput)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("a.gif").path))
        let bad = try ProgramRun.swiftrl(["envs", "render", "CartPole-v1", "--output", "/nonexistent-folder/a.gif"])
        #expect(bad.status != 0 && bad.errorOutput.contains("not writable"))
    }

    @Test("MP4 without the ffmpeg program fails before the episode with advice (GIF or install)")
    func missingFFmpeg() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-noffmpeg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let run = try ProgramRun.swiftrl(
            ["envs", "render", "CartPole-v1", "--output", folder.appendingPathComponent("a.mp4").path],
            setting: ["PATH": folder.path])
        #expect(run.status != 0)
        #expect(
            run.errorOutput.contains("ffmpeg") && run.errorOutput.contains(".gif") && run.errorOutput.contains("apt-get install ffmpeg"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
