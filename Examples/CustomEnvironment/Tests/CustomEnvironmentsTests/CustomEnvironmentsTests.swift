import CustomEnvironments
import Foundation
import Gym
import Testing
import Training

/// What a user of SwiftRL checks in their own package: the environments pass the checker, and the
/// bundled algorithms train them through the real training loop and the `custom-envs` command line.
/// Run in release (`swift test -c release`): the learning runs take seconds there.
@Suite(.serialized) struct CustomEnvironmentsTests {
    @Test(arguments: ["Corridor-v0", "PointReach-v0"])
    func passesTheEnvironmentChecker(id: String) {
        let registry = Registry()
        CustomEnvironments.register(in: registry)
        let results = EnvironmentChecker.check(id: id, registry: registry)
        #expect(results.count >= 10 && results.allSatisfy(\.passed), "\(results.filter { !$0.passed })")
    }

    @Test func ppoSolvesTheCorridorFromTheCommandLineAndEvaluatesToVideo() throws {
        let folder = temporaryFolder("ppo-corridor")
        defer { try? FileManager.default.removeItem(at: folder) }
        // The package's preset for ppo on Corridor-v0: 20000 steps, an evaluation every 10000.
        let train = try customEnvs(["train", "ppo", "--env", "Corridor-v0", "--run-dir", folder.path, "--plain"])
        #expect(train.status == 0, "\(train.errorOutput)")
        #expect(train.output.contains("final evaluation return 0.92"), "\(train.output)")
        let video = folder.appendingPathComponent("episodes.mp4")
        let evaluation = try customEnvs(["eval", folder.path, "--video", video.path, "--episodes", "3"])
        #expect(evaluation.status == 0 && evaluation.output.contains("return 0.92"), "\(evaluation.output)\(evaluation.errorOutput)")
        let written = try #require(evaluation.output.split(separator: " ").first { $0.hasSuffix(".mp4") || $0.hasSuffix(".gif") })
        #expect(((try? FileManager.default.attributesOfItem(atPath: String(written)))?[.size] as? Int ?? 0) > 1000)
        // Every evaluation of training wrote its video too.
        let videos = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("videos").path)
        #expect(videos.count == 2)
    }

    @Test func acerSolvesTheCorridorThroughTheTrainingLoop() throws {
        let folder = temporaryFolder("acer-corridor")
        defer { try? FileManager.default.removeItem(at: folder) }
        CustomEnvironments.register()
        var configuration = try RunConfiguration(algorithm: "acer")
        try configuration.apply(overrides: ["env=Corridor-v0", "steps=10000", "eval_every=5000", "eval_video=false", "seed=3"])
        let summary = try Trainer(configuration: configuration, runDirectory: folder, plainOutput: true).run()
        #expect(try #require(summary.finalEvaluation).returnMean >= 0.9)
    }

    @Test func sacLearnsToReachThePointFromTheCommandLine() throws {
        let folder = temporaryFolder("sac-pointreach")
        defer { try? FileManager.default.removeItem(at: folder) }
        // The package's preset: 6000 steps, 256 hidden units, 500 random steps, an evaluation every 2000.
        let train = try customEnvs([
            "train", "sac", "--env", "PointReach-v0", "--run-dir", folder.path, "--plain", "--set", "eval_every=1000",
            "--set", "eval_video=false",
        ])
        #expect(train.status == 0, "\(train.errorOutput)")
        let evaluations = train.output.split(separator: "\n").filter { $0.hasPrefix("eval at step") }.compactMap { line -> Double? in
            guard let range = line.range(of: "return ") else { return nil }
            return Double(line[range.upperBound...].prefix { $0 != " " })
        }
        // The first evaluation (1000 steps, mostly random data) is far from the target (random: about -52);
        // the last close to the straight-line controller's -5.2.
        #expect(evaluations.count == 6 && evaluations[5] > -12 && evaluations[5] > evaluations[0] + 10, "\(evaluations)")
    }

    @Test func thePresetsAreListedBesideTheBundledOnes() throws {
        let presets = try customEnvs(["train", "--list-presets"])
        #expect(
            presets.status == 0 && presets.output.contains("ppo-corridor\tppo\tCorridor-v0") && presets.output.contains("acer-cartpole"))
    }

    @Test func aBrokenLengthOptionAndAnUnknownIdAreNamed() throws {
        let unknown = try customEnvs(["train", "ppo", "--env", "Coridor-v0", "--steps", "10"])
        #expect(
            unknown.status != 0 && unknown.errorOutput.contains("did you mean 'Corridor-v0'")
                && unknown.errorOutput.contains("PointReach-v0"))
        let options = try customEnvs([
            "train", "ppo", "--env", "Corridor-v0", "--set", "env_options=length:1", "--steps", "10",
            "--run-dir", temporaryFolder("bad-length").path,
        ])
        #expect(options.status != 0 && options.errorOutput.contains("integer in 2...100"), "\(options.errorOutput)")
    }
}

/// A fresh folder name under the temporary directory.
func temporaryFolder(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("custom-envs-\(name)-\(UUID().uuidString)")
}

/// Runs the `custom-envs` program built beside the tests; returns its exit status and output.
func customEnvs(_ arguments: [String]) throws -> (status: Int32, output: String, errorOutput: String) {
    let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
    var program: URL?
    for _ in 0..<4 where program == nil {
        let candidate = directory.appendingPathComponent("custom-envs")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { program = candidate }
        directory.deleteLastPathComponent()
    }
    let process = Process()
    process.executableURL = try #require(program, "custom-envs is not built beside the tests (swift build first)")
    process.arguments = arguments
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
}
