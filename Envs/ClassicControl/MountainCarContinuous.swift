import Foundation
import Gym
import Render

/// MountainCarContinuous-v0: MountainCar with a continuous engine force in [-1, 1].
///
/// Gymnasium's dynamics: velocity += force 0.0015 - 0.0025 cos(3 position); goal at 0.45;
/// reward +100 at the goal minus 0.1 action^2 every step. Like Gymnasium, the state is stored in
/// float32 after every step, so trajectories match its values.
public final class MountainCarContinuous: CanvasScene {
    /// Position and velocity.
    public typealias State = MountainCar.State

    public static let minAction: Float = -1, maxAction: Float = 1
    public static let minPosition = -1.2, maxPosition = 0.6, maxSpeed = 0.07, goalPosition = 0.45
    public static let power = 0.0015

    public let observationSpace = Space.box(
        Box(
            low: [Float(minPosition), -Float(maxSpeed)],
            high: [Float(maxPosition), Float(maxSpeed)]))
    public let actionSpace = Space.box(Box(low: minAction, high: maxAction, shape: [1]))
    public let metadata = EnvironmentMetadata(renderModes: [.rgbArray], renderFPS: 30)
    /// Gymnasium's viewport size for this environment.
    public static let referenceRenderSize = RenderSize(width: 600, height: 400)
    /// The render mode chosen at construction (nil: `render()` returns nil).
    public let renderMode: RenderMode?
    /// The size frames are drawn at (the reference viewport unless `render_width` / `render_height` say otherwise).
    public let renderSize: RenderSize
    /// The canvas frames are drawn on.
    public private(set) lazy var canvas = Canvas(width: renderSize.width, height: renderSize.height)

    /// The velocity the car must have at the goal (Gymnasium's `goal_velocity`).
    public let goalVelocity: Double
    /// The current state (settable, to replay a start state).
    public var state = State(position: 0, velocity: 0)
    private var generator = RandomGenerator()
    private var hasReset = false

    /// A continuous mountain car whose goal requires `goalVelocity`.
    public init(goalVelocity: Double = 0, renderMode: RenderMode? = nil, renderSize: RenderSize = MountainCarContinuous.referenceRenderSize)
    {
        self.goalVelocity = goalVelocity
        self.renderMode = renderMode
        self.renderSize = renderSize
    }

    /// A continuous mountain car from `make` options (`goal_velocity`).
    public convenience init(options: Options, renderMode: RenderMode? = nil) throws {
        try options.requireKnownKeys(["goal_velocity"] + RenderSize.optionNames, for: "MountainCarContinuous")
        self.init(
            goalVelocity: try options.number("goal_velocity", default: 0, for: "MountainCarContinuous"), renderMode: renderMode,
            renderSize: try RenderSize(options: options, reference: Self.referenceRenderSize, for: "MountainCarContinuous"))
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        let bounds = try resetBounds(options, defaultLow: -0.6, defaultHigh: -0.4, for: "MountainCarContinuous")
        if let seed { generator = try RandomGenerator(validatingSeed: seed) }
        state = State(position: generator.uniform(bounds.low, bounds.high), velocity: 0)
        hasReset = true
        writeObservation(into: observation)
        return [:]
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        guard case .continuous(let values) = action, values.count == 1,
            values[0] >= Self.minAction, values[0] <= Self.maxAction
        else {
            try actionSpace.validate(action: action)
            fatalError("unreachable: validate(action:) throws for every invalid action")
        }
        guard hasReset else { throw stepBeforeResetError("MountainCarContinuous") }
        let force = Double(values[0])
        var position = state.position, velocity = state.velocity
        velocity += force * Self.power - 0.0025 * cos(3 * position)
        velocity = min(max(velocity, -Self.maxSpeed), Self.maxSpeed)
        position += velocity
        position = min(max(position, Self.minPosition), Self.maxPosition)
        if position == Self.minPosition && velocity < 0 { velocity = 0 }
        let terminated = position >= Self.goalPosition && velocity >= goalVelocity
        var reward = terminated ? 100.0 : 0.0
        reward -= force * force * 0.1
        state = State(position: Double(Float(position)), velocity: Double(Float(velocity)))
        writeObservation(into: observation)
        return StepResult(reward: reward, terminated: terminated)
    }

    /// Draws the current state as Gymnasium's renderer does.
    public func draw(on canvas: Canvas) {
        ClassicRendering.mountainCar(position: state.position, goalPosition: Self.goalPosition, on: canvas)
    }

    @inline(__always)
    private func writeObservation(into observation: ObservationBuffer) {
        requireObservationRoom(observation, 2, "MountainCarContinuous")
        observation.floats[0] = Float(state.position)
        observation.floats[1] = Float(state.velocity)
    }
}
