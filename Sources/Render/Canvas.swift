import Foundation
import Gym

/// A software rasteriser drawing into an RGB8 buffer: filled and outlined polygons (convex or
/// concave, even-odd rule), circles, thick lines, rectangles and bitmap text, through a
/// world-to-pixel `Transform`. With `supersampling` k it draws at k times the size and averages
/// k x k blocks when the frame is read (smooth edges for human-size frames); observation-size
/// frames (84x84) are drawn directly at their size.
public final class Canvas {
    /// Output width and height in pixels.
    public let width: Int, height: Int
    /// Drawing resolution multiplier (1: none).
    public let supersampling: Int
    /// World to pixel mapping used by the world-space drawing calls (in output pixels).
    public var transform = Transform()

    private let drawWidth: Int, drawHeight: Int
    private let pixels: UnsafeMutableBufferPointer<UInt8>

    /// A canvas of `width` x `height` pixels, black.
    public init(width: Int, height: Int, supersampling: Int = 1) {
        precondition(width > 0 && height > 0 && supersampling >= 1, "a canvas needs a positive size, got \(width)x\(height)")
        self.width = width
        self.height = height
        self.supersampling = supersampling
        drawWidth = width * supersampling
        drawHeight = height * supersampling
        pixels = .allocate(capacity: drawWidth * drawHeight * 3)
        pixels.initialize(repeating: 0)
    }

    deinit { pixels.deallocate() }

    // MARK: Whole-canvas operations

    /// Fills the canvas with `color`.
    public func clear(_ color: Color) {
        if color.red == color.green && color.green == color.blue {
            pixels.update(repeating: color.red)
            return
        }
        for index in stride(from: 0, to: pixels.count, by: 3) {
            pixels[index] = color.red; pixels[index + 1] = color.green; pixels[index + 2] = color.blue
        }
    }

    /// The picture as a Gymnasium rgb_array frame (averaging supersampled blocks).
    public func frame() -> Frame {
        var result = Frame(width: width, height: height)
        result.pixels.withUnsafeMutableBufferPointer { write(into: $0, channelFirst: false) }
        return result
    }

    /// Writes the picture into `target`: height x width x 3 (interleaved) or 3 x height x width
    /// (channel-first, for pixel observations).
    public func write(into target: UnsafeMutableBufferPointer<UInt8>, channelFirst: Bool) {
        precondition(
            target.count >= width * height * 3,
            "the target holds \(target.count) bytes, a \(width)x\(height) frame needs \(width * height * 3)")
        let k = supersampling, plane = width * height
        if k == 1 {
            if channelFirst {
                for index in 0..<plane {
                    target[index] = pixels[index * 3]; target[plane + index] = pixels[index * 3 + 1];
                    target[2 * plane + index] = pixels[index * 3 + 2]
                }
            } else {
                target.baseAddress!.update(from: pixels.baseAddress!, count: plane * 3)
            }
            return
        }
        let source = UnsafePointer(pixels.baseAddress!), destination = target.baseAddress!
        if k == 2 {
            // The common case (observation frames drawn at twice the size), unrolled.
            let rowStride = drawWidth * 3
            for y in 0..<height {
                var top = source + 2 * y * rowStride
                for x in 0..<width {
                    let bottom = top + rowStride
                    let red = UInt16(top[0]) + UInt16(top[3]) + UInt16(bottom[0]) + UInt16(bottom[3]) + 2
                    let green = UInt16(top[1]) + UInt16(top[4]) + UInt16(bottom[1]) + UInt16(bottom[4]) + 2
                    let blue = UInt16(top[2]) + UInt16(top[5]) + UInt16(bottom[2]) + UInt16(bottom[5]) + 2
                    let index = y * width + x
                    if channelFirst {
                        destination[index] = UInt8(truncatingIfNeeded: red >> 2)
                        destination[plane + index] = UInt8(truncatingIfNeeded: green >> 2)
                        destination[2 * plane + index] = UInt8(truncatingIfNeeded: blue >> 2)
                    } else {
                        destination[3 * index] = UInt8(truncatingIfNeeded: red >> 2)
                        destination[3 * index + 1] = UInt8(truncatingIfNeeded: green >> 2)
                        destination[3 * index + 2] = UInt8(truncatingIfNeeded: blue >> 2)
                    }
                    top += 6
                }
            }
            return
        }
        let divisor = UInt32(k * k), half = divisor / 2, rowStride = drawWidth * 3
        for y in 0..<height {
            for x in 0..<width {
                var red: UInt32 = 0, green: UInt32 = 0, blue: UInt32 = 0
                var rowStart = source + (y * k * drawWidth + x * k) * 3
                for _ in 0..<k {
                    var pixel = rowStart
                    for _ in 0..<k {
                        red &+= UInt32(pixel[0]); green &+= UInt32(pixel[1]); blue &+= UInt32(pixel[2])
                        pixel += 3
                    }
                    rowStart += rowStride
                }
                let r = UInt8(truncatingIfNeeded: (red + half) / divisor), g = UInt8(truncatingIfNeeded: (green + half) / divisor)
                let b = UInt8(truncatingIfNeeded: (blue + half) / divisor)
                let index = y * width + x
                if channelFirst {
                    destination[index] = r; destination[plane + index] = g; destination[2 * plane + index] = b
                } else {
                    destination[index * 3] = r; destination[index * 3 + 1] = g; destination[index * 3 + 2] = b
                }
            }
        }
    }

    /// A copy of the drawing buffer (for caching a static background).
    public func snapshot() -> [UInt8] { Array(pixels) }

    /// Restores a buffer made by `snapshot()` of this canvas.
    public func restore(_ snapshot: [UInt8]) {
        precondition(snapshot.count == pixels.count, "the snapshot was taken from a canvas of another size")
        snapshot.withUnsafeBufferPointer { pixels.baseAddress!.update(from: $0.baseAddress!, count: pixels.count) }
    }

    // MARK: World-space drawing (through `transform`)

    /// Fills a polygon given in world coordinates (convex or concave; even-odd rule).
    public func fillPolygon(_ points: [Point], _ color: Color) {
        fillPixelPolygon(points.map(toDrawPixels), color)
    }

    /// Outlines a closed polygon given in world coordinates with lines `lineWidth` world units wide.
    public func strokePolygon(_ points: [Point], lineWidth: Double, _ color: Color) {
        guard points.count >= 2 else { return }
        for index in points.indices { drawLine(from: points[index], to: points[(index + 1) % points.count], lineWidth: lineWidth, color) }
    }

    /// Draws an open polyline given in world coordinates.
    public func drawPolyline(_ points: [Point], lineWidth: Double, _ color: Color) {
        guard points.count >= 2 else { return }
        for index in 0..<(points.count - 1) { drawLine(from: points[index], to: points[index + 1], lineWidth: lineWidth, color) }
    }

    /// Draws a line `lineWidth` world units wide (at least one pixel) with round joins.
    public func drawLine(from start: Point, to end: Point, lineWidth: Double, _ color: Color) {
        let a = toDrawPixels(start), b = toDrawPixels(end)
        let half = max(Double(supersampling) * 0.5, lineWidth * transform.scale * Double(supersampling) / 2)
        let dx = b.x - a.x, dy = b.y - a.y
        let length = (dx * dx + dy * dy).squareRoot()
        if length > 0 {
            let nx = -dy / length * half, ny = dx / length * half
            fillPixelPolygon(
                [Point(a.x + nx, a.y + ny), Point(b.x + nx, b.y + ny), Point(b.x - nx, b.y - ny), Point(a.x - nx, a.y - ny)], color)
        }
        if half > Double(supersampling) {
            fillPixelCircle(center: a, radius: half, color)
            fillPixelCircle(center: b, radius: half, color)
        }
    }

    /// Fills a circle given in world coordinates.
    public func fillCircle(center: Point, radius: Double, _ color: Color) {
        fillPixelCircle(center: toDrawPixels(center), radius: radius * transform.scale * Double(supersampling), color)
    }

    /// Outlines a circle with a ring `lineWidth` world units wide.
    public func strokeCircle(center: Point, radius: Double, lineWidth: Double, _ color: Color) {
        let steps = 48
        let points = (0..<steps).map {
            center + Point(cos(Double($0) * 2 * .pi / Double(steps)), sin(Double($0) * 2 * .pi / Double(steps))) * radius
        }
        strokePolygon(points, lineWidth: lineWidth, color)
    }

    // MARK: Pixel-space drawing (output pixels, origin top-left)

    /// Fills the rectangle with top-left corner (x, y) in output pixels.
    public func fillRectangle(x: Double, y: Double, width rectangleWidth: Double, height rectangleHeight: Double, _ color: Color) {
        let k = Double(supersampling)
        fillPixelPolygon(
            [
                Point(x * k, y * k), Point((x + rectangleWidth) * k, y * k),
                Point((x + rectangleWidth) * k, (y + rectangleHeight) * k), Point(x * k, (y + rectangleHeight) * k),
            ], color)
    }

    /// Fills a polygon given in output pixels.
    public func fillPolygon(pixels points: [Point], _ color: Color) {
        fillPixelPolygon(points.map { $0 * Double(supersampling) }, color)
    }

    /// Draws text with the built-in 5x7 font; `pixelSize` output pixels per font dot; (x, y) is the
    /// top-left corner in output pixels. Unknown characters draw as a box.
    public func drawText(_ text: String, x: Double, y: Double, pixelSize: Double = 1, _ color: Color) {
        var cursor = x
        for character in text.uppercased() {
            let rows = BitmapFont.glyph(character)
            for (row, bits) in rows.enumerated() {
                for column in 0..<5 where bits & (0x10 >> UInt8(column)) != 0 {
                    fillRectangle(
                        x: cursor + Double(column) * pixelSize, y: y + Double(row) * pixelSize,
                        width: pixelSize, height: pixelSize, color)
                }
            }
            cursor += 6 * pixelSize
        }
    }

    // MARK: Rasterisation

    @inline(__always)
    private func toDrawPixels(_ point: Point) -> Point {
        transform.apply(point, height: height) * Double(supersampling)
    }

    /// Scanline fill of a polygon in drawing pixels: a pixel is inside when its centre is (even-odd).
    private func fillPixelPolygon(_ points: [Point], _ color: Color) {
        guard points.count >= 3 else { return }
        var minimumY = Double.infinity, maximumY = -Double.infinity
        for point in points {
            guard point.x.isFinite && point.y.isFinite else { return }
            minimumY = min(minimumY, point.y); maximumY = max(maximumY, point.y)
        }
        let firstRow = max(0, Int((minimumY - 0.5).rounded(.up))), lastRow = min(drawHeight - 1, Int((maximumY - 0.5).rounded(.down)))
        guard firstRow <= lastRow else { return }
        // Crossings of each scanline with the edges, kept in a scratch buffer sorted by insertion
        // (polygons have few edges).
        withUnsafeTemporaryAllocation(of: Double.self, capacity: points.count) { crossings in
            for row in firstRow...lastRow {
                let centre = Double(row) + 0.5
                var count = 0
                var previous = points[points.count - 1]
                for point in points {
                    if (previous.y <= centre) != (point.y <= centre) {
                        let crossing = previous.x + (centre - previous.y) * (point.x - previous.x) / (point.y - previous.y)
                        var slot = count
                        while slot > 0 && crossings[slot - 1] > crossing {
                            crossings[slot] = crossings[slot - 1]
                            slot -= 1
                        }
                        crossings[slot] = crossing
                        count += 1
                    }
                    previous = point
                }
                var index = 0
                while index + 1 < count {
                    fillSpan(row: row, from: crossings[index], to: crossings[index + 1], color)
                    index += 2
                }
            }
        }
    }

    private func fillPixelCircle(center: Point, radius: Double, _ color: Color) {
        guard radius > 0, center.x.isFinite, center.y.isFinite else { return }
        let firstRow = max(0, Int((center.y - radius - 0.5).rounded(.up))),
            lastRow = min(drawHeight - 1, Int((center.y + radius - 0.5).rounded(.down)))
        guard firstRow <= lastRow else { return }
        for row in firstRow...lastRow {
            let dy = Double(row) + 0.5 - center.y
            let half = (radius * radius - dy * dy).squareRoot()
            if half.isNaN { continue }
            fillSpan(row: row, from: center.x - half, to: center.x + half, color)
        }
    }

    /// Colours pixels of `row` whose centres lie in [start, end).
    @inline(__always)
    private func fillSpan(row: Int, from start: Double, to end: Double, _ color: Color) {
        let first = max(0, Int((start - 0.5).rounded(.up))), last = min(drawWidth - 1, Int((end - 0.5).rounded(.up)) - 1)
        guard first <= last else { return }
        var pixel = UnsafeMutableRawPointer(pixels.baseAddress! + (row * drawWidth + first) * 3)
        var remaining = last - first + 1
        // Four pixels (12 bytes) at a time as three 32-bit words of the repeating RGB pattern.
        let red = UInt32(color.red), green = UInt32(color.green), blue = UInt32(color.blue)
        let word0 = red | green << 8 | blue << 16 | red << 24
        let word1 = green | blue << 8 | red << 16 | green << 24
        let word2 = blue | red << 8 | green << 16 | blue << 24
        while remaining >= 4 {
            pixel.storeBytes(of: word0, as: UInt32.self)
            pixel.storeBytes(of: word1, toByteOffset: 4, as: UInt32.self)
            pixel.storeBytes(of: word2, toByteOffset: 8, as: UInt32.self)
            pixel += 12
            remaining -= 4
        }
        while remaining > 0 {
            pixel.storeBytes(of: color.red, as: UInt8.self)
            pixel.storeBytes(of: color.green, toByteOffset: 1, as: UInt8.self)
            pixel.storeBytes(of: color.blue, toByteOffset: 2, as: UInt8.self)
            pixel += 3
            remaining -= 1
        }
    }
}
