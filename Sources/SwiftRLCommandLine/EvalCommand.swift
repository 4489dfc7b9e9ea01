import Agents
import ArgumentParser
import Foundation
import Gym
import NN
import Training

/// `swiftrl eval`: evaluates a trained agent from a run folder or a checkpoint file.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained agent (a run folder or a checkpoint file).",
        discussion: """
            A run folder uses checkpoints/best.safetensors when present, else its newest valid checkpoint. A checkpoint \
            file carries its run's configuration. With --json prints one object with return_mean, return_std, \
            length_mean, episodes (and success_rate for goal environments).
            """)

    @Argument(help: "A run folder (from swiftrl train) or a .safetensors checkpoint.")
    var source: String

    @Option(help: "Episodes to run.")
    var episodes: Int = 10

    @Flag(help: "Act with the policy's mode instead of sampling.")
    var deterministic = false

    @Option(help: "Write the first episode to this video file (.mp4 through ffmpeg, or .gif).")
    var video: String?

    @Option(help: "Render mode: human opens a window (SDL2).")
    var render: String?

    @Option(help: "Seed of the first episode (episode i uses seed + i).")
    var seed: Int = 0

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        if episodes < 1 { throw ValidationError("--episodes must be at least 1, got \(episodes)") }
        if let render, render != "human" { throw ValidationError("--render supports only human, got '\(render)'") }
        if let video, !(video.hasSuffix(".mp4") || video.hasSuffix(".gif")) {
            throw ValidationError("--video must end in .mp4 or .gif, got '\(video)'")
        }
    }

    func run() throws {
        registerBundledEnvironments()
        let (checkpoint, configuration, origin) = try load()
        var evaluationConfiguration = configuration
        evaluationConfiguration.settings.environmentCount = 1
        evaluationConfiguration.settings.workers = 1
        let agent = try Algorithms.makeAgent(evaluationConfiguration)
        try agent.loadPolicy(from: checkpoint)
        let settings = configuration.settings
        let result = try Evaluator.evaluate(policy: try agent.evaluationPolicy(), environment: settings.environment,
                                            options: try Algorithms.environmentOptions(settings.environmentOptions), episodes: episodes,
                                            deterministic: deterministic, seed: seed, video: video.map { URL(fileURLWithPath: $0) },
                                            renderMode: render == "human" ? .human : nil)
        if json {
            var object: [String: Any] = ["return_mean": result.returnMean, "return_std": result.returnStandardDeviation,
                                         "length_mean": result.lengthMean, "episodes": result.returns.count,
                                         "returns": result.returns, "environment": settings.environment, "checkpoint": origin]
            if let rate = result.successRate { object["success_rate"] = rate }
            if let file = result.video { object["video"] = file.path }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            var text = String(format: "%@ on %@: return %.2f +- %.2f, length %.1f over %d episodes", origin, settings.environment,
                              result.returnMean, result.returnStandardDeviation, result.lengthMean, result.returns.count)
            if let rate = result.successRate { text += String(format: ", success %.0f%%", rate * 100) }
            if let file = result.video { text += "; video \(file.path)" }
            print(text)
        }
    }

    /// The checkpoint, its run configuration and a description of where it came from.
    private func load() throws -> (Checkpoint, RunConfiguration, String) {
        let url = URL(fileURLWithPath: source)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ValidationError("\(source) does not exist: give a run folder from swiftrl train or a .safetensors checkpoint")
        }
        if isDirectory.boolValue {
            let store = try CheckpointStore(runDirectory: url, keep: 1000)
            let checkpoint: Checkpoint
            let origin: String
            if let best = try? Checkpoint.read(from: store.bestURL) {
                checkpoint = best
                origin = store.bestURL.path
            } else if let latest = store.latestValid() {
                checkpoint = latest.checkpoint
                origin = store.url(step: latest.step).path
            } else {
                throw ValidationError("\(source) has no valid checkpoint in checkpoints/: train first (swiftrl train --run-dir \(source))")
            }
            guard let data = FileManager.default.contents(atPath: url.appendingPathComponent("config.json").path) else {
                throw ValidationError("\(source) has no config.json: is it a run folder from swiftrl train?")
            }
            return (checkpoint, try RunConfiguration(json: data, source: url.appendingPathComponent("config.json").path), origin)
        }
        let checkpoint = try Checkpoint.read(from: url)
        guard let text = checkpoint.metadata["config"] else {
            throw ValidationError("\(source) carries no run configuration: evaluate its run folder instead")
        }
        return (checkpoint, try RunConfiguration(json: Data(text.utf8), source: source), url.path)
    }
}
