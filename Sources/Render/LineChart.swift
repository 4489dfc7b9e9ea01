import Foundation
import Gym

/// A chart of lines with shaded bands (learning curves: the mean over seeds and its spread), in one or
/// more panels stacked vertically, rendered natively to an RGB frame (PNG) or to SVG text.
public struct LineChart: Sendable {
    /// One line: points (x ascending), an optional band [low, high] at the same x, a label and a colour.
    public struct Series: Sendable {
        public var label: String
        public var x: [Double], y: [Double]
        /// The band's lower and upper edges at each x (empty: no band).
        public var low: [Double], high: [Double]
        public var color: Color

        /// A series; `low` and `high` are empty or as long as `x`.
        public init(label: String, x: [Double], y: [Double], low: [Double] = [], high: [Double] = [], color: Color) {
            self.label = label
            self.x = x
            self.y = y
            self.low = low
            self.high = high
            self.color = color
        }
    }

    /// One panel: a title, axis labels and its series.
    public struct Panel: Sendable {
        public var title: String, xLabel: String, yLabel: String
        public var series: [Series]

        /// A panel.
        public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
            self.title = title
            self.xLabel = xLabel
            self.yLabel = yLabel
            self.series = series
        }
    }

    /// The panels, top to bottom.
    public var panels: [Panel]
    /// Width and height of the whole chart in pixels.
    public var width: Int, height: Int

    /// A chart of `panels` at `width` x `height` pixels.
    public init(panels: [Panel], width: Int = 900, height: Int = 0) {
        self.panels = panels
        self.width = width
        self.height = height > 0 ? height : panels.reduce(0) { $0 + 440 + 16 * $1.series.count }
    }

    /// Colours for series, distinguishable and printable (Tableau's first eight).
    public static let palette: [Color] = [
        Color(31, 119, 180), Color(255, 127, 14), Color(44, 160, 44), Color(214, 39, 40),
        Color(148, 103, 189), Color(140, 86, 75), Color(227, 119, 194), Color(127, 127, 127),
    ]

    // MARK: Layout shared by both renderers

    /// Where a panel's plot area lies and how data maps into it.
    struct PanelLayout {
        /// The panel's top edge, where its title and legend rows start (above the plot area).
        var panelTop: Double
        var left: Double, top: Double, right: Double, bottom: Double
        var xRange: ClosedRange<Double>, yRange: ClosedRange<Double>
        var xTicks: [Double], yTicks: [Double]

        func pixel(_ x: Double, _ y: Double) -> Point {
            let u = (x - xRange.lowerBound) / max(xRange.upperBound - xRange.lowerBound, 1e-12)
            let v = (y - yRange.lowerBound) / max(yRange.upperBound - yRange.lowerBound, 1e-12)
            return Point(left + u * (right - left), bottom - v * (bottom - top))
        }
    }

    func layouts() -> [PanelLayout] {
        let panelHeight = Double(height) / Double(max(panels.count, 1))
        return panels.enumerated().map { index, panel in
            let top = Double(index) * panelHeight
            let xs = panel.series.flatMap(\.x).filter(\.isFinite)
            let ys = panel.series.flatMap { $0.y + $0.low + $0.high }.filter(\.isFinite)
            let xRange = Self.niceRange(xs.min() ?? 0, xs.max() ?? 1, includeZero: true)
            let yRange = Self.niceRange(ys.min() ?? 0, ys.max() ?? 1, includeZero: false)
            // Title, then one legend row per series, above the plot area.
            let header = 36 + 16 * Double(panel.series.count) + 8
            return PanelLayout(
                panelTop: top, left: 90, top: top + header, right: Double(width) - 30, bottom: top + panelHeight - 60,
                xRange: xRange.range, yRange: yRange.range, xTicks: xRange.ticks, yTicks: yRange.ticks)
        }
    }

    /// A range that covers low...high with round tick values (1, 2 or 5 times a power of ten).
    static func niceRange(_ low: Double, _ high: Double, includeZero: Bool) -> (range: ClosedRange<Double>, ticks: [Double]) {
        var low = includeZero ? min(low, 0) : low, high = high
        if high - low < 1e-9 { low -= 1; high += 1 }
        let rough = (high - low) / 5
        let power = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        let start = floor(low / step) * step, end = ceil(high / step) * step
        let ticks = stride(from: start, through: end + step / 2, by: step).map { abs($0) < step * 1e-6 ? 0 : $0 }
        return (start...end, ticks)
    }

    /// A tick label: 1.5M, 250k, 0.25, -120.
    static func tickLabel(_ value: Double) -> String {
        let magnitude = abs(value)
        func trimmed(_ number: Double) -> String {
            let text = String(format: "%.2f", number)
            return text.contains(".") ? String(text.reversed().drop { $0 == "0" }.drop { $0 == "." }.reversed()) : text
        }
        if magnitude >= 1_000_000 { return trimmed(value / 1_000_000) + "M" }
        if magnitude >= 1000 { return trimmed(value / 1000) + "k" }
        return trimmed(value)
    }

    /// A lighter shade of `color` for bands (a quarter of the colour over white).
    static func bandColor(_ color: Color) -> Color {
        func mix(_ channel: UInt8) -> UInt8 { UInt8((Int(channel) + 3 * 255) / 4) }
        return Color(mix(color.red), mix(color.green), mix(color.blue))
    }

    /// The band's outline: the upper edge left to right, then the lower edge back.
    static func bandOutline(_ series: Series, _ layout: PanelLayout) -> [Point] {
        guard !series.low.isEmpty, series.low.count == series.x.count, series.high.count == series.x.count else { return [] }
        let upper = zip(series.x, series.high).map { layout.pixel($0, $1) }
        let lower = zip(series.x, series.low).map { layout.pixel($0, $1) }.reversed()
        return upper + lower
    }

    // MARK: PNG

    /// The chart drawn into an RGB frame (encode it with `PNGEncoder`).
    public func frame() -> Frame {
        let canvas = Canvas(width: width, height: height, supersampling: 2)
        canvas.clear(.white)
        let axis = Color(60, 60, 60), grid = Color(225, 225, 225)
        for (panel, layout) in zip(panels, layouts()) {
            for tick in layout.yTicks {
                let y = layout.pixel(layout.xRange.lowerBound, tick).y
                canvas.fillRectangle(x: layout.left, y: y, width: layout.right - layout.left, height: 1, grid)
                let label = Self.tickLabel(tick)
                canvas.drawText(label, x: layout.left - 8 - Double(label.count * 6) * 1.5, y: y - 5, pixelSize: 1.5, axis)
            }
            for tick in layout.xTicks {
                let x = layout.pixel(tick, layout.yRange.lowerBound).x
                canvas.fillRectangle(x: x, y: layout.top, width: 1, height: layout.bottom - layout.top, grid)
                let label = Self.tickLabel(tick)
                canvas.drawText(label, x: x - Double(label.count * 6) * 0.75, y: layout.bottom + 8, pixelSize: 1.5, axis)
            }
            for series in panel.series {
                let outline = Self.bandOutline(series, layout)
                if outline.count >= 3 { canvas.fillPolygon(pixels: outline, Self.bandColor(series.color)) }
            }
            for series in panel.series where !series.x.isEmpty {
                let points = zip(series.x, series.y).map { layout.pixel($0, $1) }
                if points.count == 1 {
                    canvas.fillRectangle(x: points[0].x - 3, y: points[0].y - 3, width: 6, height: 6, series.color)
                }
                for (start, end) in zip(points, points.dropFirst()) {
                    drawPixelLine(on: canvas, from: start, to: end, width: 2.5, series.color)
                }
            }
            canvas.fillRectangle(x: layout.left, y: layout.bottom, width: layout.right - layout.left, height: 1.5, axis)
            canvas.fillRectangle(x: layout.left - 1.5, y: layout.top, width: 1.5, height: layout.bottom - layout.top, axis)
            let panelTop = layout.panelTop
            canvas.drawText(panel.title, x: layout.left, y: panelTop + 10, pixelSize: 2, axis)
            canvas.drawText(
                panel.xLabel, x: (layout.left + layout.right) / 2 - Double(panel.xLabel.count * 6) * 0.75,
                y: layout.bottom + 30, pixelSize: 1.5, axis)
            canvas.drawText(panel.yLabel, x: layout.left + 6, y: layout.top + 6, pixelSize: 1.5, axis)
            for (index, series) in panel.series.enumerated() {
                let y = panelTop + 36 + Double(index) * 16, x = layout.left
                canvas.fillRectangle(x: x, y: y + 3, width: 20, height: 4, series.color)
                canvas.drawText(series.label, x: x + 26, y: y, pixelSize: 1.5, axis)
            }
        }
        return canvas.frame()
    }

    /// A line `width` output pixels wide between two points given in output pixels.
    private func drawPixelLine(on canvas: Canvas, from start: Point, to end: Point, width: Double, _ color: Color) {
        let dx = end.x - start.x, dy = end.y - start.y
        let length = max((dx * dx + dy * dy).squareRoot(), 1e-9)
        let normal = Point(-dy / length * width / 2, dx / length * width / 2)
        canvas.fillPolygon(pixels: [start + normal, end + normal, end - normal, start - normal], color)
    }

    // MARK: SVG

    /// The chart as an SVG document.
    public func svg() -> String {
        func hex(_ color: Color) -> String { String(format: "#%02x%02x%02x", color.red, color.green, color.blue) }
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
                of: ">", with: "&gt;")
        }
        func coordinates(_ points: [Point]) -> String { points.map { String(format: "%.1f,%.1f", $0.x, $0.y) }.joined(separator: " ") }
        var lines = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
        ]
        for (panel, layout) in zip(panels, layouts()) {
            for tick in layout.yTicks {
                let y = layout.pixel(0, tick).y
                lines.append(
                    String(
                        format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e1e1e1\"/>", layout.left, y, layout.right,
                        y))
                lines.append(
                    String(
                        format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%@</text>", layout.left - 8, y + 4, Self.tickLabel(tick)))
            }
            for tick in layout.xTicks {
                let x = layout.pixel(tick, 0).x
                lines.append(
                    String(
                        format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e1e1e1\"/>", x, layout.top, x,
                        layout.bottom))
                lines.append(
                    String(
                        format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>", x, layout.bottom + 18, Self.tickLabel(tick))
                )
            }
            for series in panel.series {
                let outline = Self.bandOutline(series, layout)
                if outline.count >= 3 {
                    lines.append(
                        "<polygon points=\"\(coordinates(outline))\" fill=\"\(hex(series.color))\" fill-opacity=\"0.25\" stroke=\"none\"/>")
                }
            }
            for series in panel.series where !series.x.isEmpty {
                let points = zip(series.x, series.y).map { layout.pixel($0, $1) }
                lines.append(
                    "<polyline points=\"\(coordinates(points))\" fill=\"none\" stroke=\"\(hex(series.color))\" stroke-width=\"2\"/>")
            }
            lines.append(
                String(
                    format: "<path d=\"M%.1f %.1f V%.1f H%.1f\" fill=\"none\" stroke=\"#3c3c3c\" stroke-width=\"1.5\"/>",
                    layout.left, layout.top, layout.bottom, layout.right))
            let panelTop = layout.panelTop
            lines.append(
                String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"16\">%@</text>", layout.left, panelTop + 24, escaped(panel.title)))
            lines.append(
                String(
                    format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>", (layout.left + layout.right) / 2,
                    layout.bottom + 38, escaped(panel.xLabel)))
            lines.append(String(format: "<text x=\"%.1f\" y=\"%.1f\">%@</text>", layout.left + 6, layout.top + 16, escaped(panel.yLabel)))
            for (index, series) in panel.series.enumerated() {
                let y = panelTop + 46 + Double(index) * 16
                lines.append(
                    String(
                        format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%@\" stroke-width=\"3\"/>",
                        layout.left, y - 4, layout.left + 20, y - 4, hex(series.color)))
                lines.append(String(format: "<text x=\"%.1f\" y=\"%.1f\">%@</text>", layout.left + 26, y, escaped(series.label)))
            }
        }
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }
}
