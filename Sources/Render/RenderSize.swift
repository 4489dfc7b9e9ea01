import Gym

/// The size an environment renders at: its reference viewport by default, or the size asked for
/// with the `render_width` / `render_height` options (e.g. 84 x 84 for pixel observations).
public struct RenderSize: Sendable, Equatable {
    public var width: Int, height: Int

    /// A size in pixels.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The option names every rendering environment accepts.
    public static let optionNames = ["render_width", "render_height"]

    /// Reads `render_width` and `render_height` (positive integers up to 4096) from `options`.
    public init(options: Options, reference: RenderSize, for owner: String) throws {
        var size = reference
        for (key, keyPath) in [("render_width", \RenderSize.width), ("render_height", \RenderSize.height)] {
            guard let option = options[key] else { continue }
            guard case .int(let value) = option, value > 0, value <= 4096 else {
                throw GymError.invalidOption("option '\(key)' for \(owner) must be an integer in 1...4096, got '\(option)'")
            }
            size[keyPath: keyPath] = value
        }
        self = size
    }
}

/// An environment that can draw its current frame straight into a caller's buffer, skipping the
/// `Frame` that `render()` returns (the pixel-observation hot path).
public protocol RendersIntoBuffer: AnyObject {
    /// The size frames are drawn at.
    var renderSize: RenderSize { get }
    /// Draws the current frame into `target` (height x width x 3, or 3 x height x width when
    /// `channelFirst`).
    func render(into target: UnsafeMutableBufferPointer<UInt8>, channelFirst: Bool)
}
