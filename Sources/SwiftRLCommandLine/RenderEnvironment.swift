import ArgumentParser
import Foundation
import Gym
import Render

/// `swiftrl envs render`: writes the frame after a seeded random rollout as PNG, or an episode as video.
struct RenderEnvironment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render an environment to a PNG frame (.png) or a video of one episode (.mp4, .gif).")

    @Argument(help: "The environment id (see `swiftrl envs list`).")
    var id: String

    @Option(help: "The reset seed (random actions are seeded by it too).")
    var seed = 0

    @Option(help: "Random steps before the PNG frame is taken (for video: the most frames written).")
    var steps = 0

    @Option(help: "Output file: .png, .mp4 or .gif.")
    var output: String

    @Option(help: "Frame width in pixels (default: the environment's viewport).")
    var width: Int?

    @Option(help: "Frame height in pixels (default: the environment's viewport).")
    var height: Int?

    func run() throws {
        registerBundledEnvironments()
        var options: Options = [:]
        if let width { options["render_width"] = .int(width) }
        if let height { options["render_height"] = .int(height) }
        let environment = try make(id, options: options, renderMode: .rgbArray)
        defer { environment.close() }
        let url = URL(fileURLWithPath: output)
        var generator = RandomGenerator(seed: UInt64(max(0, seed)))
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
        try writer.append(first)
        for _ in 0..<(steps > 0 ? steps : Int.max) {
            let result = try environment.step(environment.actionSpace.sampleAction(using: &generator), into: buffer)
            try writer.append(try environment.render()!)
            if result.terminated || result.truncated { break }
        }
        try writer.finish()
        print("wrote \(output) (\(writer.frameCount) frames, \(first.width)x\(first.height), \(environment.metadata.renderFPS) fps)")
    }
}
