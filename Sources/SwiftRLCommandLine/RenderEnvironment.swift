import ArgumentParser
import Foundation
import Gym
import Render
import Training

/// `swiftrl envs render`: writes the frame after a seeded rollout as PNG, or episodes as video, acting at
/// random or with a trained policy.
struct RenderEnvironment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract:
            "Render an environment to a PNG frame (.png) or a video of episodes (.mp4, .gif), with random actions or a trained policy.")

    @Argument(help: "The environment id (see `swiftrl envs list`).")
    var id: String

    @Option(parsing: .unconditional, help: "The reset seed (random actions are seeded by it too).")
    var seed = 0

    @Option(parsing: .unconditional, help: "Steps before the PNG frame is taken (for a random-action video: the most frames written).")
    var steps = 0

    @Option(help: "Act with this trained policy (a run folder or a .safetensors checkpoint) instead of at random.")
    var policy: String?

    @Option(parsing: .unconditional, help: "Episodes filmed with --policy, back to back in one video.")
    var episodes = 1

    @Option(help: "Output file: .png, .mp4 or .gif.")
    var output: String

    @Option(parsing: .unconditional, help: "Frame width in pixels (default: the environment's viewport).")
    var width: Int?

    @Option(parsing: .unconditional, help: "Frame height in pixels (default: the environment's viewport).")
    var height: Int?

    func validate() throws {
        if steps < 0 { throw ValidationError("--steps must be 0 or more, got \(steps)") }
        if seed < 0 { throw ValidationError("--seed must be 0 or more, got \(seed)") }
        if !(1...10_000).contains(episodes) { throw ValidationError("--episodes must be in 1...10000, got \(episodes)") }
        if policy == nil && episodes != 1 { throw ValidationError("--episodes needs --policy (a random-action video films one episode)") }
        let format = URL(fileURLWithPath: output).pathExtension.lowercased()
        guard ["png", "mp4", "gif"].contains(format) else {
            throw ValidationError("--output must end in .png, .mp4 or .gif, got '\(output)'")
        }
        if policy != nil && format == "png" { throw ValidationError("--policy films episodes: give --output as .mp4 or .gif") }
    }

    func run() throws {
        registerBundledEnvironments()
        var options: Options = [:]
        if let width { options["render_width"] = .int(width) }
        if let height { options["render_height"] = .int(height) }
        if let policy {
            try filmPolicy(policy, renderOptions: options)
            return
        }
        let environment = try make(id, options: options, renderMode: .rgbArray)
        defer { environment.close() }
        let url = URL(fileURLWithPath: output)
        var generator = RandomGenerator(seed: UInt64(seed))  // validate() refuses negative seeds
        let buffer = ObservationBuffer(space: environment.observationSpace)
        _ = try environment.reset(seed: seed, options: [:], into: buffer)
        if url.pathExtension.lowercased() == "png" {
            for _ in 0..<steps {
                let result = try environment.step(environment.actionSpace.sampleAction(using: &generator), into: buffer)
                if result.terminated || result.truncated { break }
            }
            guard let frame = try environment.render() else { throw ValidationError("\(id) rendered no frame") }
            do { try PNGEncoder.encode(frame).write(to: url, options: .atomic) } catch {
                throw ValidationError("cannot write \(output): \(error.localizedDescription)")
            }
            print("wrote \(output) (\(frame.width)x\(frame.height))")
            return
        }
        guard let first = try environment.render() else { throw ValidationError("\(id) rendered no frame") }
        let writer = try VideoWriter(url: url, width: first.width, height: first.height, framesPerSecond: environment.metadata.renderFPS)
        do {
            try writer.append(first)
            for _ in 0..<(steps > 0 ? steps : Int.max) {
                let result = try environment.step(environment.actionSpace.sampleAction(using: &generator), into: buffer)
                try writer.append(try environment.render()!)
                if result.terminated || result.truncated { break }
            }
            try writer.finish()
        } catch {
            writer.cancel()  // no partial video left behind, whatever stopped the episode
            throw error
        }
        print("wrote \(output) (\(writer.frameCount) frames, \(first.width)x\(first.height), \(environment.metadata.renderFPS) fps)")
    }

    /// Films `episodes` episodes of a trained policy, acting as the run's evaluation does.
    private func filmPolicy(_ source: String, renderOptions: Options) throws {
        let (checkpoint, configuration, origin) = try PolicySource.load(source)
        let settings = configuration.settings
        guard settings.environment == id else {
            throw ValidationError("\(origin) was trained on \(settings.environment), not \(id): render \(settings.environment) with it")
        }
        let agentPolicy = try Algorithms.makeEvaluationPolicy(configuration, checkpoint: checkpoint)
        var options = try Algorithms.environmentOptions(settings.environmentOptions)
        options.merge(renderOptions) { _, new in new }
        let result = try Evaluator.evaluate(
            policy: agentPolicy, environment: id, options: options, episodes: episodes,
            deterministic: settings.evaluationDeterministic, seed: seed,
            video: URL(fileURLWithPath: output), filmsEveryEpisode: true)
        let returns = result.returns.map { String(format: "%.2f", $0) }.joined(separator: ", ")
        print(
            "wrote \(result.video?.path ?? output) (\(episodes) episode\(episodes == 1 ? "" : "s") of \(origin), seeds \(seed)...\(seed + episodes - 1); returns \(returns))"
        )
    }
}
