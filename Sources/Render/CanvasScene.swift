import Gym

/// An environment that draws itself on a `Canvas`: conforming supplies `canvas`, `renderMode` and
/// `draw(on:)`, and gets Gymnasium's `render()` and the pixel pipeline's `render(into:channelFirst:)`.
public protocol CanvasScene: Environment, RendersIntoBuffer {
    /// The canvas frames are drawn on (at `renderSize`).
    var canvas: Canvas { get }
    /// Draws the current state.
    func draw(on canvas: Canvas)
}

extension CanvasScene {
    /// The current frame (rgb_array), or nil without a render mode.
    public func render() throws -> Frame? {
        guard renderMode != nil else { return nil }
        draw(on: canvas)
        return canvas.frame()
    }

    /// Draws the current frame straight into `target`.
    public func render(into target: UnsafeMutableBufferPointer<UInt8>, channelFirst: Bool) {
        draw(on: canvas)
        canvas.write(into: target, channelFirst: channelFirst)
    }
}
