/// How an environment can be rendered (Gymnasium's `render_mode`).
public enum RenderMode: String, Sendable, Equatable, CaseIterable {
    /// Frames shown in a window (the Viewer module).
    case human
    /// Frames returned as `Frame` values (uint8 H x W x 3).
    case rgbArray = "rgb_array"
}

/// Static facts about an environment (Gymnasium's `metadata`).
public struct EnvironmentMetadata: Sendable, Equatable {
    /// The render modes the environment supports.
    public var renderModes: [RenderMode]
    /// Frames per second for rendering and video.
    public var renderFPS: Int
    /// Whether different seeds give different initial observations (false for fixed-start tasks);
    /// the environment checker tests it when true.
    public var resetIsRandom: Bool

    /// Metadata with the given render modes and frame rate.
    public init(renderModes: [RenderMode] = [], renderFPS: Int = 30, resetIsRandom: Bool = true) {
        self.renderModes = renderModes
        self.renderFPS = renderFPS
        self.resetIsRandom = resetIsRandom
    }
}
