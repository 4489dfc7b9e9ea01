import Foundation
import Gym
import Render

/// Acrobot-v1: swing the free end of a two-link chain above a line by torquing the middle joint.
///
/// Gymnasium's "book" dynamics integrated with one RK4 step of dt 0.2; angles wrapped to
/// [-pi, pi], velocities bounded by 4 pi and 9 pi; reward -1 per step and 0 on termination,
/// which happens when -cos(t1) - cos(t1 + t2) > 1.
public final class Acrobot: CanvasScene {
    /// Joint angles and velocities.
    public struct State: Sendable, Equatable {
        public var theta1: Double, theta2: Double, theta1Dot: Double, theta2Dot: Double
        /// A state with the given values.
        public init(theta1: Double, theta2: Double, theta1Dot: Double, theta2Dot: Double) {
            self.theta1 = theta1; self.theta2 = theta2; self.theta1Dot = theta1Dot; self.theta2Dot = theta2Dot
        }
    }

    public static let dt = 0.2
    public static let linkLength1 = 1.0
    public static let linkMass1 = 1.0, linkMass2 = 1.0
    public static let linkCenterOfMass1 = 0.5, linkCenterOfMass2 = 0.5
    public static let linkMomentOfInertia = 1.0
    public static let maxVelocity1 = 4 * Double.pi, maxVelocity2 = 9 * Double.pi
    /// The torques of actions 0, 1 and 2.
    public static let availableTorques: [Double] = [-1, 0, 1]

    public let observationSpace = Space.box(
        Box(
            low: [-1, -1, -1, -1, -Float(maxVelocity1), -Float(maxVelocity2)],
            high: [1, 1, 1, 1, Float(maxVelocity1), Float(maxVelocity2)]))
    public let actionSpace = Space.discrete(Discrete(3))
    public let metadata = EnvironmentMetadata(renderModes: [.rgbArray], renderFPS: 15)
    /// Gymnasium's viewport size for this environment.
    public static let referenceRenderSize = RenderSize(width: 500, height: 500)
    /// The render mode chosen at construction (nil: `render()` returns nil).
    public let renderMode: RenderMode?
    /// The size frames are drawn at (the reference viewport unless `render_width` / `render_height` say otherwise).
    public let renderSize: RenderSize
    /// The canvas frames are drawn on.
    public private(set) lazy var canvas = Canvas(width: renderSize.width, height: renderSize.height)

    /// The current state (settable, to replay a start state).
    public var state = State(theta1: 0, theta2: 0, theta1Dot: 0, theta2Dot: 0)
    private var generator = RandomGenerator()
    private var hasReset = false

    /// An Acrobot.
    public init(renderMode: RenderMode? = nil, renderSize: RenderSize = Acrobot.referenceRenderSize) {
        self.renderMode = renderMode
        self.renderSize = renderSize
    }

    /// An Acrobot from `make` options (it takes none).
    public convenience init(options: Options, renderMode: RenderMode? = nil) throws {
        try options.requireKnownKeys([] + RenderSize.optionNames, for: "Acrobot")
        self.init(
            renderMode: renderMode,
            renderSize: try RenderSize(options: options, reference: Self.referenceRenderSize, for: "Acrobot"))
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        let bounds = try resetBounds(options, defaultLow: -0.1, defaultHigh: 0.1, for: "Acrobot")
        if let seed { generator = try RandomGenerator(validatingSeed: seed) }
        // Gymnasium draws the start state in float32.
        func draw() -> Double { Double(Float(generator.uniform(bounds.low, bounds.high))) }
        state = State(theta1: draw(), theta2: draw(), theta1Dot: draw(), theta2Dot: draw())
        hasReset = true
        writeObservation(into: observation)
        return [:]
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        guard case .discrete(let index) = action, index >= 0, index < 3 else {
            try actionSpace.validate(action: action)
            fatalError("unreachable: validate(action:) throws for every invalid action")
        }
        guard hasReset else { throw stepBeforeResetError("Acrobot") }
        let torque = Self.availableTorques[index]
        let y0 = SIMD4(state.theta1, state.theta2, state.theta1Dot, state.theta2Dot)
        let dt = Self.dt, halfDt = dt / 2
        let k1 = derivatives(y0, torque)
        let k2 = derivatives(y0 + halfDt * k1, torque)
        let k3 = derivatives(y0 + halfDt * k2, torque)
        let k4 = derivatives(y0 + dt * k3, torque)
        let next = y0 + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        state = State(
            theta1: wrap(next[0], -Double.pi, Double.pi), theta2: wrap(next[1], -Double.pi, Double.pi),
            theta1Dot: min(max(next[2], -Self.maxVelocity1), Self.maxVelocity1),
            theta2Dot: min(max(next[3], -Self.maxVelocity2), Self.maxVelocity2))
        let terminated = -cos(state.theta1) - cos(state.theta2 + state.theta1) > 1.0
        writeObservation(into: observation)
        return StepResult(reward: terminated ? 0 : -1, terminated: terminated)
    }

    /// The time derivative of the state under `torque` ("book" equations of Sutton and Barto).
    @inline(__always)
    private func derivatives(_ s: SIMD4<Double>, _ torque: Double) -> SIMD4<Double> {
        let m1 = Self.linkMass1, m2 = Self.linkMass2, l1 = Self.linkLength1
        let lc1 = Self.linkCenterOfMass1, lc2 = Self.linkCenterOfMass2
        let inertia1 = Self.linkMomentOfInertia, inertia2 = Self.linkMomentOfInertia
        let g = 9.8
        let theta1 = s[0], theta2 = s[1], dtheta1 = s[2], dtheta2 = s[3]
        let d1 = m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos(theta2)) + inertia1 + inertia2
        let d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos(theta2)) + inertia2
        let phi2 = m2 * lc2 * g * cos(theta1 + theta2 - Double.pi / 2.0)
        let phi1 =
            -m2 * l1 * lc2 * dtheta2 * dtheta2 * sin(theta2)
            - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin(theta2)
            + (m1 * lc1 + m2 * l1) * g * cos(theta1 - Double.pi / 2) + phi2
        let ddtheta2 =
            (torque + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1 * dtheta1 * sin(theta2) - phi2)
            / (m2 * lc2 * lc2 + inertia2 - d2 * d2 / d1)
        let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
        return SIMD4(dtheta1, dtheta2, ddtheta1, ddtheta2)
    }

    /// Draws the current state as Gymnasium's renderer does.
    public func draw(on canvas: Canvas) {
        ClassicRendering.acrobot(state, on: canvas)
    }

    @inline(__always)
    private func writeObservation(into observation: ObservationBuffer) {
        requireObservationRoom(observation, 6, "Acrobot")
        let values = observation.floats
        values[0] = Float(cos(state.theta1))
        values[1] = Float(sin(state.theta1))
        values[2] = Float(cos(state.theta2))
        values[3] = Float(sin(state.theta2))
        values[4] = Float(state.theta1Dot)
        values[5] = Float(state.theta2Dot)
    }
}

/// Wraps `x` into [low, high] by whole periods, as Gymnasium's `wrap`.
@inline(__always)
func wrap(_ x: Double, _ low: Double, _ high: Double) -> Double {
    let period = high - low
    var value = x
    while value > high { value -= period }
    while value < low { value += period }
    return value
}
