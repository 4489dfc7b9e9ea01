import Foundation
import Gym
import Render

/// MountainCar-v0: drive an underpowered car up a hill by rocking it (Moore 1990).
///
/// Gymnasium's dynamics: velocity += (action - 1) 0.001 - 0.0025 cos(3 position), clipped to
/// ±0.07; position clipped to [-1.2, 0.6] with an inelastic left wall; -1 per step; terminates
/// at position >= 0.5 with velocity >= goal_velocity (default 0).
public final class MountainCar: CanvasScene {
    /// Position and velocity.
    public struct State: Sendable, Equatable {
        public var position: Double, velocity: Double
        /// A state with the given values.
        public init(position: Double, velocity: Double) { self.position = position; self.velocity = velocity }
    }

    public static let minPosition = -1.2, maxPosition = 0.6, maxSpeed = 0.07, goalPosition = 0.5
    public static let force = 0.001, gravity = 0.0025

    public let observationSpace = Space.box(
        Box(
            low: [Float(minPosition), -Float(maxSpeed)],
            high: [Float(maxPosition), Float(maxSpeed)]))
    public let actionSpace = Space.discrete(Discrete(3))
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

    /// A mountain car whose goal requires `goalVelocity`.
    public init(goalVelocity: Double = 0, renderMode: RenderMode? = nil, renderSize: RenderSize = MountainCar.referenceRenderSize) {
        self.goalVelocity = goalVelocity
        self.renderMode = renderMode
        self.renderSize = renderSize
    }

    /// A mountain car from `make` options (`goal_velocity`).
    public convenience init(options: Options, renderMode: RenderMode? = nil) throws {
        try options.requireKnownKeys(["goal_velocity"] + RenderSize.optionNames, for: "MountainCar")
        self.init(
            goalVelocity: try options.number("goal_velocity", default: 0, for: "MountainCar"), renderMode: renderMode,
            renderSize: try RenderSize(options: options, reference: Self.referenceRenderSize, for: "MountainCar"))
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        let bounds = try resetBounds(options, defaultLow: -0.6, defaultHigh: -0.4, for: "MountainCar")
        if let seed { generator = try RandomGenerator(validatingSeed: seed) }
        state = State(position: generator.uniform(bounds.low, bounds.high), velocity: 0)
        hasReset = true
        writeObservation(into: observation)
        return [:]
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        guard case .discrete(let push) = action, push >= 0, push < 3 else {
            try actionSpace.validate(action: action)
            fatalError("unreachable: validate(action:) throws for every invalid action")
        }
        guard hasReset else { throw stepBeforeResetError("MountainCar") }
        var position = state.position, velocity = state.velocity
        velocity += Double(push - 1) * Self.force + cos(3 * position) * -Self.gravity
        velocity = min(max(velocity, -Self.maxSpeed), Self.maxSpeed)
        position += velocity
        position = min(max(position, Self.minPosition), Self.maxPosition)
        if position == Self.minPosition && velocity < 0 { velocity = 0 }
        let terminated = position >= Self.goalPosition && velocity >= goalVelocity
        state = State(position: position, velocity: velocity)
        writeObservation(into: observation)
        return StepResult(reward: -1, terminated: terminated)
    }

    /// Draws the current state as Gymnasium's renderer does.
    public func draw(on canvas: Canvas) {
        ClassicRendering.mountainCar(position: state.position, goalPosition: Self.goalPosition, on: canvas)
    }

    @inline(__always)
    private func writeObservation(into observation: ObservationBuffer) {
        requireObservationRoom(observation, 2, "MountainCar")
        observation.floats[0] = Float(state.position)
        observation.floats[1] = Float(state.velocity)
    }
}
