import Gym
import Render

/// A dm_control-style scene: drawn on a canvas, configured only by its render size.
public protocol ControlScene: CanvasScene {
    /// The frame size when none is asked for.
    static var referenceRenderSize: RenderSize { get }
    /// The task's action repeat in SAC-AE's (dmc2gym's) settings: control steps per agent step.
    static var defaultActionRepeat: Int { get }
    /// A scene drawing frames of `renderSize`.
    init(renderMode: RenderMode?, renderSize: RenderSize)
}

extension ControlScene {
    /// A scene from `make` options (render_width / render_height only).
    public init(options: Options, renderMode: RenderMode?) throws {
        let name = "\(Self.self)"
        try options.requireKnownKeys(RenderSize.optionNames, for: name)
        self.init(renderMode: renderMode, renderSize: try RenderSize(options: options, reference: Self.referenceRenderSize, for: name))
    }
}
