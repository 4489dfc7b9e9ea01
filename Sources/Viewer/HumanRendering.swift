import Gym
import Render

/// Gives any rgb_array environment Gymnasium's render mode "human": every reset and step shows the
/// new frame in an SDL window (scaled by `zoom`, with an episode / step / return HUD), paced to the
/// environment's frame rate (Gymnasium's `HumanRendering` wrapper). The window opens lazily at the
/// first frame; with no display that first call throws `ViewerError.noDisplay` with advice.
public final class HumanRendering: Wrapper {
    public let environment: any Environment
    /// Window size over frame size.
    public let zoom: Double
    private var window: ViewerWindow?
    private var episode = 0, step = 0, episodeReturn = 0.0
    /// Whether the window was closed (Esc or the close button); callers may stop then.
    public private(set) var windowClosed = false

    /// Lets `make(id, renderMode: .human)` work for every environment that renders rgb_array frames.
    public static func install(in registry: Registry = .shared, zoom: Double = 1) {
        registry.humanRenderer = { environment in try HumanRendering(environment, zoom: zoom) }
    }

    /// Wraps an environment made with renderMode .rgbArray.
    public init(_ environment: any Environment, zoom: Double = 1) throws {
        guard environment.renderMode == .rgbArray else {
            throw GymError.invalidArgument(
                "HumanRendering needs the environment made with renderMode: .rgbArray (got \(environment.renderMode?.rawValue ?? "none"))")
        }
        self.environment = environment
        self.zoom = zoom
    }

    public var renderMode: RenderMode? { .human }
    public var metadata: EnvironmentMetadata {
        var metadata = environment.metadata
        metadata.renderModes = [.human]
        return metadata
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        let info = try environment.reset(seed: seed, options: options, into: observation)
        episode += 1
        step = 0
        episodeReturn = 0
        try show()
        return info
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        let result = try environment.step(action, into: observation)
        step += 1
        episodeReturn += result.reward
        try show()
        return result
    }

    /// Shows the current frame; returns nil (the frame goes to the window, as Gymnasium's human mode).
    public func render() throws -> Frame? {
        try show()
        return nil
    }

    public func close() {
        window = nil
        environment.close()
    }

    private func show() throws {
        guard let frame = try environment.render() else { return }
        if window == nil {
            window = try ViewerWindow(
                title: "\(type(of: environment.unwrapped))", width: Int(Double(frame.width) * zoom),
                height: Int(Double(frame.height) * zoom))
        }
        guard let window else { return }
        try window.show(frame, hud: "EP \(episode) STEP \(step) RETURN \(String(format: "%.1f", episodeReturn))")
        let events = window.pollEvents()
        if events.contains(.quit) || events.contains(.escape) { windowClosed = true }
        window.wait(seconds: 1 / Double(max(1, environment.metadata.renderFPS)))
    }
}

import Foundation
