import Foundation
import Gym
import Render

/// Corridor-v0: walk right along a corridor of `length` cells to its end.
///
/// Observation: the position, 0 ... length - 1 (one Float32). Actions: 0 steps left, 1 steps right
/// (walls stop the walk). Reward: -0.01 per step, +1 on reaching the last cell, which terminates;
/// the best return for the default length 10 is 0.92. The start is always cell 0, so
/// `metadata.resetIsRandom` is false.
public final class Corridor: CanvasScene {
    /// Cells in the corridor (option `length`, 2 ... 100, default 10).
    public let length: Int
    public let observationSpace: Space
    public let actionSpace = Space.discrete(Discrete(2))
    public let metadata = EnvironmentMetadata(renderModes: [.rgbArray], renderFPS: 8, resetIsRandom: false)
    public let renderMode: RenderMode?
    /// The size frames are drawn at: 40 pixels a cell by default, or `render_width` x `render_height`.
    public let renderSize: RenderSize
    /// The canvas frames are drawn on.
    public private(set) lazy var canvas = Canvas(width: renderSize.width, height: renderSize.height)
    /// The current cell.
    public private(set) var position = 0
    private var hasReset = false

    /// A corridor of `length` cells.
    public init(length: Int = 10, renderMode: RenderMode? = nil, renderSize: RenderSize? = nil) {
        self.length = length
        self.renderMode = renderMode
        self.renderSize = renderSize ?? RenderSize(width: 40 * length, height: 60)
        observationSpace = .box(Box(low: 0, high: Float(length - 1), shape: [1]))
    }

    /// A corridor from `make` options: `length`, `render_width`, `render_height`.
    public convenience init(options: Options, renderMode: RenderMode?) throws {
        try options.requireKnownKeys(["length"] + RenderSize.optionNames, for: "Corridor")
        let length = try options.number("length", default: 10, for: "Corridor")
        guard length == length.rounded(), (2...100).contains(length) else {
            throw GymError.invalidOption("option 'length' for Corridor must be an integer in 2...100, got \(length)")
        }
        let size = try RenderSize(options: options, reference: RenderSize(width: 40 * Int(length), height: 60), for: "Corridor")
        self.init(length: Int(length), renderMode: renderMode, renderSize: size)
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        try options.requireKnownKeys([], for: "Corridor.reset")
        position = 0
        hasReset = true
        observation.floats[0] = 0
        return [:]
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        try actionSpace.validate(action: action)
        guard hasReset else { throw GymError.stepBeforeReset("Corridor.step was called before reset: call reset first") }
        guard case .discrete(let move) = action else { return StepResult(reward: 0) }
        position = min(length - 1, max(0, position + (move == 1 ? 1 : -1)))
        observation.floats[0] = Float(position)
        let reachedEnd = position == length - 1
        return StepResult(reward: reachedEnd ? 1 : -0.01, terminated: reachedEnd)
    }

    /// Grey cells, the goal cell green, the walker a blue disc.
    public func draw(on canvas: Canvas) {
        canvas.clear(Color(245, 245, 240))
        let cell = Double(canvas.width) / Double(length), height = Double(canvas.height)
        for index in 0..<length {
            let color = index == length - 1 ? Color(120, 200, 120) : (index % 2 == 0 ? Color(215, 215, 210) : Color(200, 200, 195))
            canvas.fillRectangle(x: Double(index) * cell + 1, y: height * 0.2, width: cell - 2, height: height * 0.6, color)
        }
        let center = Point((Double(position) + 0.5) * cell, height / 2)
        canvas.fillPolygon(pixels: disc(center: center, radius: min(cell, height) * 0.3), Color(50, 90, 200))
    }

    private func disc(center: Point, radius: Double) -> [Point] {
        (0..<24).map { index in
            let angle = Double(index) * 2 * Double.pi / 24
            return Point(center.x + radius * cos(angle), center.y + radius * sin(angle))
        }
    }
}
