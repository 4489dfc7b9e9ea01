import Foundation
import Gym
import Render

/// Pendulum-v1: swing a pendulum up and hold it upright with a bounded torque.
///
/// Gymnasium's dynamics: dt 0.05, g 10 (option `g`), m = l = 1, speed clipped to 8; reward
/// -(angle^2 + 0.1 speed^2 + 0.001 torque^2) on the state before the step; never terminates
/// (the registry's TimeLimit truncates at 200 steps).
public final class Pendulum: CanvasScene {
    /// Angle (0 = upright) and angular velocity.
    public struct State: Sendable, Equatable {
        public var theta: Double, thetaDot: Double
        /// A state with the given values.
        public init(theta: Double, thetaDot: Double) { self.theta = theta; self.thetaDot = thetaDot }
    }

    public static let maxSpeed = 8.0
    public static let maxTorque: Float = 2.0
    public static let dt = 0.05
    public static let mass = 1.0
    public static let length = 1.0
    /// Default reset bounds: theta ~ U(-pi, pi), thetaDot ~ U(-1, 1).
    public static let defaultXInit = Double.pi, defaultYInit = 1.0

    public let observationSpace = Space.box(Box(low: [-1, -1, -Float(maxSpeed)], high: [1, 1, Float(maxSpeed)]))
    public let actionSpace = Space.box(Box(low: -maxTorque, high: maxTorque, shape: [1]))
    public let metadata = EnvironmentMetadata(renderModes: [.rgbArray], renderFPS: 30)
    /// Gymnasium's viewport size for this environment.
    public static let referenceRenderSize = RenderSize(width: 500, height: 500)
    /// The render mode chosen at construction (nil: `render()` returns nil).
    public let renderMode: RenderMode?
    /// The size frames are drawn at (the reference viewport unless `render_width` / `render_height` say otherwise).
    public let renderSize: RenderSize
    /// The canvas frames are drawn on.
    public private(set) lazy var canvas = Canvas(width: renderSize.width, height: renderSize.height)

    /// Gravity (Gymnasium's `g`, default 10).
    public let gravity: Double
    /// The current state (settable, to replay a start state).
    public var state = State(theta: 0, thetaDot: 0)
    /// The last torque applied, for rendering.
    public private(set) var lastTorque: Float?

    private var generator = RandomGenerator()
    private var hasReset = false

    /// A pendulum under gravity `gravity`.
    public init(gravity: Double = 10, renderMode: RenderMode? = nil, renderSize: RenderSize = Pendulum.referenceRenderSize) {
        self.gravity = gravity
        self.renderMode = renderMode
        self.renderSize = renderSize
    }

    /// A pendulum from `make` options (`g`).
    public convenience init(options: Options, renderMode: RenderMode? = nil) throws {
        try options.requireKnownKeys(["g"] + RenderSize.optionNames, for: "Pendulum")
        self.init(
            gravity: try options.number("g", default: 10, for: "Pendulum"), renderMode: renderMode,
            renderSize: try RenderSize(options: options, reference: Self.referenceRenderSize, for: "Pendulum"))
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        try options.requireKnownKeys(["x_init", "y_init"], for: "Pendulum.reset")
        let xInit = try options.number("x_init", default: Self.defaultXInit, for: "Pendulum.reset")
        let yInit = try options.number("y_init", default: Self.defaultYInit, for: "Pendulum.reset")
        if let seed { generator = try RandomGenerator(validatingSeed: seed) }
        state = State(theta: generator.uniform(-xInit, xInit), thetaDot: generator.uniform(-yInit, yInit))
        lastTorque = nil
        hasReset = true
        writeObservation(into: observation)
        return [:]
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        guard case .continuous(let values) = action, values.count == 1,
            values[0] >= -Self.maxTorque, values[0] <= Self.maxTorque
        else {
            try actionSpace.validate(action: action)
            fatalError("unreachable: validate(action:) throws for every invalid action")
        }
        guard hasReset else { throw stepBeforeResetError("Pendulum") }
        // Gymnasium keeps the torque in float32, so its products with the torque are float32 too.
        let torque = values[0]
        lastTorque = torque
        let theta = state.theta, thetaDot = state.thetaDot
        let normalized = angleNormalize(theta)
        let costs = normalized * normalized + 0.1 * thetaDot * thetaDot + Double(Float(0.001) * (torque * torque))
        let torqueTerm = Double(Float(3.0 / (Self.mass * Self.length * Self.length)) * torque)
        var newThetaDot = thetaDot + (3 * gravity / (2 * Self.length) * sin(theta) + torqueTerm) * Self.dt
        newThetaDot = min(max(newThetaDot, -Self.maxSpeed), Self.maxSpeed)
        state = State(theta: theta + newThetaDot * Self.dt, thetaDot: newThetaDot)
        writeObservation(into: observation)
        return StepResult(reward: -costs)
    }

    /// Draws the current state as Gymnasium's renderer does.
    public func draw(on canvas: Canvas) {
        ClassicRendering.pendulum(state, on: canvas)
    }

    @inline(__always)
    private func writeObservation(into observation: ObservationBuffer) {
        requireObservationRoom(observation, 3, "Pendulum")
        let values = observation.floats
        values[0] = Float(cos(state.theta))
        values[1] = Float(sin(state.theta))
        values[2] = Float(state.thetaDot)
    }
}

/// Maps an angle into [-pi, pi) as Gymnasium's `angle_normalize` does: ((x + pi) mod 2 pi) - pi.
@inline(__always)
func angleNormalize(_ x: Double) -> Double {
    let period = 2 * Double.pi
    let shifted = x + Double.pi
    // Python's % has the sign of the divisor.
    var remainder = shifted.truncatingRemainder(dividingBy: period)
    if remainder < 0 { remainder += period }
    return remainder - Double.pi
}
