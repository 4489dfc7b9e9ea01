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
            file carries its run's configuration. By default the evaluation is the one training runs: eval_episodes \
            episodes, deterministic when eval_deterministic, seeds from the run's evaluation seed (seed + 1000000); the \
            mode and seeds used are printed. --video films every episode into one file, back to back. With --json \
            prints one object with return_mean, return_std, length_mean, episodes, deterministic, seeds (and \
            success_rate for goal environments).
            """)

    @Argument(help: "A run folder (from swiftrl train) or a .safetensors checkpoint.")
    var source: String

    @Option(parsing: .unconditional, help: "Episodes to run (default: the run's eval_episodes).")
    var episodes: Int?

    @Flag(
        inversion: .prefixedNo,
        help: "Act with the policy's mode (--deterministic) or by sampling (--no-deterministic); default: the run's eval_deterministic.")
    var deterministic: Bool?

    @Option(help: "Film every episode, back to back, into this video file (.mp4 through ffmpeg, or .gif).")
    var video: String?

    @Option(help: "Render mode: human opens a window (SDL2).")
    var render: String?

    @Option(
        parsing: .unconditional,
        help: "Seed of the first episode (episode i uses seed + i; default: the run's evaluation seed, seed + 1000000).")
    var seed: Int?

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        if let episodes, !(1...100_000).contains(episodes) { throw ValidationError("--episodes must be in 1...100000, got \(episodes)") }
        if let seed, seed < 0 || seed > Int(Int32.max) { throw ValidationError("--seed must be in 0...\(Int32.max), got \(seed)") }
        if let render, render != "human" { throw ValidationError("--render supports only human, got '\(render)'") }
        if let video, !(video.hasSuffix(".mp4") || video.hasSuffix(".gif")) {
            throw ValidationError("--video must end in .mp4 or .gif, got '\(video)'")
        }
    }

    func run() throws {
        registerBundledEnvironments()
        let (checkpoint, configuration, origin) = try PolicySource.load(source)
        let policy = try Algorithms.makeEvaluationPolicy(configuration, checkpoint: checkpoint)
        let settings = configuration.settings
        let episodeCount = episodes ?? settings.evaluationEpisodes
        let firstSeed = seed ?? settings.evaluationSeed
        let usesMode = deterministic ?? settings.evaluationDeterministic
        let result = try Evaluator.evaluate(
            policy: policy, environment: settings.environment,
            options: try Algorithms.environmentOptions(settings.environmentOptions), episodes: episodeCount,
            deterministic: usesMode, seed: firstSeed, video: video.map { URL(fileURLWithPath: $0) },
            filmsEveryEpisode: true, renderMode: render == "human" ? .human : nil)
        let sameAsTraining = episodes == nil && seed == nil && deterministic == nil
        let mode =
            "\(usesMode ? "deterministic" : "sampled") actions, seeds \(firstSeed)...\(firstSeed + episodeCount - 1)"
            + (sameAsTraining ? " (as training's evaluation)" : "")
        if json {
            var object: [String: Any] = [
                "return_mean": result.returnMean, "return_std": result.returnStandardDeviation,
                "length_mean": result.lengthMean, "episodes": result.returns.count,
                "returns": result.returns, "environment": settings.environment, "checkpoint": origin,
                "deterministic": usesMode, "seeds": Array(firstSeed..<(firstSeed + episodeCount)),
            ]
            if let rate = result.successRate { object["success_rate"] = rate }
            if let file = result.video { object["video"] = file.path }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            var text = String(
                format: "%@ on %@: return %.2f +- %.2f, length %.1f over %d episodes", origin, settings.environment,
                result.returnMean, result.returnStandardDeviation, result.lengthMean, result.returns.count)
            text += "; \(mode)"
            if let rate = result.successRate { text += String(format: ", success %.0f%%", rate * 100) }
            if let file = result.video { text += "; video \(file.path) (all \(result.returns.count) episodes, back to back)" }
            print(text)
        }
    }

}
