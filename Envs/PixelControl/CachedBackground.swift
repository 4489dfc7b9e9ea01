import Render

/// The static part of a scene's frame (sky, floor, fixed geoms), computed once per canvas size and
/// restored before the moving bodies are drawn: the per-pixel sky and floor cost nothing per step.
final class CachedBackground {
    private var key: [Int] = []
    private var pixels: [UInt8] = []

    /// Restores the background of `canvas`'s size, first computing it: `backgroundOf` gives the sky and
    /// floor at the drawing resolution (width, height), then `decorate` draws the fixed geoms on it.
    func draw(on canvas: Canvas, decorate: (Canvas) -> Void, backgroundOf: (Int, Int) -> [UInt8]) {
        let size = [canvas.width, canvas.height, canvas.supersampling]
        if size != key {
            canvas.restore(backgroundOf(canvas.width * canvas.supersampling, canvas.height * canvas.supersampling))
            decorate(canvas)
            pixels = canvas.snapshot()
            key = size
        } else {
            canvas.restore(pixels)
        }
    }
}
