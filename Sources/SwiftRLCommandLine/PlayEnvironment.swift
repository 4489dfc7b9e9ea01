import ArgumentParser
import Foundation
import Gym
import Viewer

/// `swiftrl envs play`: drive an environment from the keyboard in an SDL window.
struct PlayEnvironment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Play an environment from the keyboard in a window (arrows, digits; Esc quits).",
        discussion:
            "Discrete actions: left/right arrows choose the first/last action, digits an index, nothing held a no-op. Continuous: left/right drive the first coordinate, up/down the second. Needs a display (DISPLAY, or xvfb-run)."
    )

    @Argument(help: "The environment id (see `swiftrl envs list`).")
    var id: String

    @Option(parsing: .unconditional, help: "The reset seed.")
    var seed = 0

    @Option(parsing: .unconditional, help: "Window zoom factor over the environment's frame size.")
    var zoom = 1.0

    @Option(parsing: .unconditional, help: "Frames per second (default: the environment's).")
    var fps: Int?

    @Flag(help: "Act randomly instead of from the keyboard (watch mode).")
    var random = false

    @Option(parsing: .unconditional, help: "Stop after this many episodes (0: until Esc or the window closes).")
    var episodes = 0

    func run() throws {
        registerBundledEnvironments()
        let environment = try make(id, renderMode: .rgbArray)
        defer { environment.close() }
        let policy = try KeyboardPolicy(space: environment.actionSpace)
        var generator = RandomGenerator(seed: UInt64(max(0, seed)))
        let buffer = ObservationBuffer(space: environment.observationSpace)
        _ = try environment.reset(seed: seed, options: [:], into: buffer)
        guard let first = try environment.render() else { throw ValidationError("\(id) rendered no frame") }
        let window = try ViewerWindow(
            title: "swiftrl \(id)", width: Int(Double(first.width) * zoom), height: Int(Double(first.height) * zoom))
        let framesPerSecond = Double(fps ?? environment.metadata.renderFPS)
        var episode = 1, step = 0, episodeReturn = 0.0
        try window.show(first, hud: "EP \(episode) STEP 0 RETURN 0")
        while true {
            let events = window.pollEvents()
            if events.contains(.quit) || events.contains(.escape) { break }
            let action = random ? environment.actionSpace.sampleAction(using: &generator) : policy.action(for: window.pressedKeys)
            let result = try environment.step(action, into: buffer)
            step += 1
            episodeReturn += result.reward
            if let frame = try environment.render() {
                try window.show(frame, hud: "EP \(episode) STEP \(step) RETURN \(String(format: "%.1f", episodeReturn))")
            }
            if result.terminated || result.truncated {
                print("episode \(episode): return \(String(format: "%.2f", episodeReturn)), \(step) steps")
                if episodes > 0 && episode >= episodes { break }
                episode += 1; step = 0; episodeReturn = 0
                _ = try environment.reset(seed: nil, options: [:], into: buffer)
            }
            window.wait(seconds: 1 / framesPerSecond)
        }
    }
}
