import Foundation
import Gym
import Render

/// PointReach-v0: move a point to a random target in the square [-1, 1]^2.
///
/// Observation: the point's x, y and the target's x, y (four Float32 in [-1, 1]). Action: a velocity
/// in [-1, 1]^2; the point moves by `speed` (0.1) times it and stays inside the square. Reward: minus
/// the distance to the target after the move; the episode never terminates (the registry truncates it
/// after 50 steps). A random policy scores about -52, the straight-line controller about -5.2. Point and target
/// start uniformly at random, drawn from the generator that `reset(seed:)` seeds.
public final class PointReach: CanvasScene {
    /// How far one step moves the point at full speed.
    public static let speed: Float = 0.1
    public let observationSpace = Space.box(Box(low: -1, high: 1, shape: [4]))
    public let actionSpace = Space.box(Box(low: -1, high: 1, shape: [2]))
    public let metadata = EnvironmentMetadata(renderModes: [.rgbArray], renderFPS: 20)
    public let renderMode: RenderMode?
    /// The size frames are drawn at (200 x 200, or `render_width` x `render_height`).
    public let renderSize: RenderSize
    /// The canvas frames are drawn on.
    public private(set) lazy var canvas = Canvas(width: renderSize.width, height: renderSize.height)
    /// The point and the target.
    public private(set) var point = SIMD2<Float>(0, 0), target = SIMD2<Float>(0, 0)
    private var generator = RandomGenerator()
    private var hasReset = false

    /// A task drawn at `renderSize`.
    public init(renderMode: RenderMode? = nil, renderSize: RenderSize = RenderSize(width: 200, height: 200)) {
        self.renderMode = renderMode
        self.renderSize = renderSize
    }

    /// A task from `make` options: `render_width`, `render_height`.
    public convenience init(options: Options, renderMode: RenderMode?) throws {
        try options.requireKnownKeys(RenderSize.optionNames, for: "PointReach")
        self.init(
            renderMode: renderMode,
            renderSize: try RenderSize(options: options, reference: RenderSize(width: 200, height: 200), for: "PointReach"))
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        try options.requireKnownKeys([], for: "PointReach.reset")
        // Gymnasium's rule: a new generator only when a seed is given; a negative seed is an error.
        if let seed { generator = try RandomGenerator(validatingSeed: seed) }
        point = SIMD2(Float(generator.uniform(-1, 1)), Float(generator.uniform(-1, 1)))
        target = SIMD2(Float(generator.uniform(-1, 1)), Float(generator.uniform(-1, 1)))
        hasReset = true
        write(into: observation)
        return [:]
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        try actionSpace.validate(action: action)
        guard hasReset else { throw GymError.stepBeforeReset("PointReach.step was called before reset: call reset first") }
        guard case .continuous(let velocity) = action else { return StepResult(reward: 0) }
        point += Self.speed * SIMD2(velocity[0], velocity[1])
        point = point.clamped(lowerBound: SIMD2(repeating: -1), upperBound: SIMD2(repeating: 1))
        write(into: observation)
        let offset = target - point
        return StepResult(reward: -Double((offset * offset).sum().squareRoot()))
    }

    /// A light square, the target a green ring, the point a blue disc.
    public func draw(on canvas: Canvas) {
        canvas.clear(Color(245, 245, 240))
        let scale = Double(min(canvas.width, canvas.height)) / 2.2
        canvas.transform = Transform(
            scale: scale, worldOrigin: Point(0, 0),
            pixelOrigin: Point(Double(canvas.width) / 2, Double(canvas.height) / 2))
        canvas.strokePolygon([Point(-1, -1), Point(1, -1), Point(1, 1), Point(-1, 1)], lineWidth: 0.02, Color(120, 120, 120))
        canvas.strokeCircle(center: Point(Double(target.x), Double(target.y)), radius: 0.08, lineWidth: 0.03, Color(60, 160, 60))
        canvas.fillCircle(center: Point(Double(point.x), Double(point.y)), radius: 0.06, Color(50, 90, 200))
    }

    private func write(into observation: ObservationBuffer) {
        let values = observation.floats
        values[0] = point.x; values[1] = point.y; values[2] = target.x; values[3] = target.y
    }
}
