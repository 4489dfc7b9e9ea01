import Foundation
import Gym
import Render

/// CartPole-v1: balance a pole on a cart by pushing it left or right (Barto, Sutton and Anderson 1983).
///
/// Gymnasium's dynamics exactly: explicit Euler with tau 0.02 in double precision, +1 per step
/// including the terminal one, termination at |x| > 2.4 or |theta| > 12 degrees.
public final class CartPole: CanvasScene {
    /// The physical state: cart position and velocity, pole angle and angular velocity.
    public struct State: Sendable, Equatable {
        public var x: Double, xDot: Double, theta: Double, thetaDot: Double
        /// A state with the given values.
        public init(x: Double, xDot: Double, theta: Double, thetaDot: Double) {
            self.x = x; self.xDot = xDot; self.theta = theta; self.thetaDot = thetaDot
        }
    }

    // Constants of Gymnasium's CartPoleEnv.
    public static let gravity = 9.8
    public static let cartMass = 1.0
    public static let poleMass = 0.1
    public static let totalMass = poleMass + cartMass
    /// Half the pole's length.
    public static let length = 0.5
    public static let poleMassLength = poleMass * length
    public static let forceMagnitude = 10.0
    /// Seconds between state updates.
    public static let tau = 0.02
    public static let thetaThreshold = 12 * 2 * Double.pi / 360
    public static let xThreshold = 2.4

    public let observationSpace = Space.box(
        Box(
            low: [-Float(xThreshold * 2), -.infinity, -Float(thetaThreshold * 2), -.infinity],
            high: [Float(xThreshold * 2), .infinity, Float(thetaThreshold * 2), .infinity]))
    public let actionSpace = Space.discrete(Discrete(2))
    public let metadata = EnvironmentMetadata(renderModes: [.rgbArray], renderFPS: 50)
    /// Gymnasium's viewport size for this environment.
    public static let referenceRenderSize = RenderSize(width: 600, height: 400)
    /// The render mode chosen at construction (nil: `render()` returns nil).
    public let renderMode: RenderMode?
    /// The size frames are drawn at (the reference viewport unless `render_width` / `render_height` say otherwise).
    public let renderSize: RenderSize
    /// The canvas frames are drawn on.
    public private(set) lazy var canvas = Canvas(width: renderSize.width, height: renderSize.height)

    /// The current state (settable, like Gymnasium's `env.unwrapped.state`, to replay a start state).
    public var state = State(x: 0, xDot: 0, theta: 0, thetaDot: 0)
    /// Sutton and Barto's reward: 0 per step and -1 on termination (Gymnasium's `sutton_barto_reward`).
    public let suttonBartoReward: Bool

    private var generator = RandomGenerator()
    private var hasReset = false
    private var stepsBeyondTerminated: Int?

    /// A CartPole; `suttonBartoReward` switches to the original reward.
    public init(suttonBartoReward: Bool = false, renderMode: RenderMode? = nil, renderSize: RenderSize = CartPole.referenceRenderSize) {
        self.renderMode = renderMode
        self.renderSize = renderSize
        self.suttonBartoReward = suttonBartoReward
    }

    /// A CartPole from `make` options (`sutton_barto_reward`).
    public convenience init(options: Options, renderMode: RenderMode? = nil) throws {
        try options.requireKnownKeys(["sutton_barto_reward"] + RenderSize.optionNames, for: "CartPole")
        self.init(
            suttonBartoReward: try options.flag("sutton_barto_reward", default: false, for: "CartPole"), renderMode: renderMode,
            renderSize: try RenderSize(options: options, reference: Self.referenceRenderSize, for: "CartPole"))
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        let bounds = try resetBounds(options, defaultLow: -0.05, defaultHigh: 0.05, for: "CartPole")
        if let seed { generator = try RandomGenerator(validatingSeed: seed) }
        state = State(
            x: generator.uniform(bounds.low, bounds.high), xDot: generator.uniform(bounds.low, bounds.high),
            theta: generator.uniform(bounds.low, bounds.high), thetaDot: generator.uniform(bounds.low, bounds.high))
        stepsBeyondTerminated = nil
        hasReset = true
        writeObservation(into: observation)
        return [:]
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        guard case .discrete(let push) = action, push == 0 || push == 1 else {
            try actionSpace.validate(action: action)
            fatalError("unreachable: validate(action:) throws for every invalid action")
        }
        guard hasReset else { throw stepBeforeResetError("CartPole") }
        let force = push == 1 ? Self.forceMagnitude : -Self.forceMagnitude
        var s = state
        let cosTheta = cos(s.theta), sinTheta = sin(s.theta)
        let temp = (force + Self.poleMassLength * s.thetaDot * s.thetaDot * sinTheta) / Self.totalMass
        let thetaAcceleration =
            (Self.gravity * sinTheta - cosTheta * temp)
            / (Self.length * (4.0 / 3.0 - Self.poleMass * cosTheta * cosTheta / Self.totalMass))
        let xAcceleration = temp - Self.poleMassLength * thetaAcceleration * cosTheta / Self.totalMass
        s.x = s.x + Self.tau * s.xDot
        s.xDot = s.xDot + Self.tau * xAcceleration
        s.theta = s.theta + Self.tau * s.thetaDot
        s.thetaDot = s.thetaDot + Self.tau * thetaAcceleration
        state = s

        let terminated =
            s.x < -Self.xThreshold || s.x > Self.xThreshold
            || s.theta < -Self.thetaThreshold || s.theta > Self.thetaThreshold
        let reward: Double
        if !terminated {
            reward = suttonBartoReward ? 0 : 1
        } else if stepsBeyondTerminated == nil {
            stepsBeyondTerminated = 0
            reward = suttonBartoReward ? -1 : 1
        } else {
            stepsBeyondTerminated! += 1
            reward = suttonBartoReward ? -1 : 0
        }
        writeObservation(into: observation)
        return StepResult(reward: reward, terminated: terminated)
    }

    /// Draws the current state as Gymnasium's renderer does.
    public func draw(on canvas: Canvas) {
        ClassicRendering.cartPole(state, on: canvas)
    }

    @inline(__always)
    private func writeObservation(into observation: ObservationBuffer) {
        requireObservationRoom(observation, 4, "CartPole")
        let values = observation.floats
        values[0] = Float(state.x)
        values[1] = Float(state.xDot)
        values[2] = Float(state.theta)
        values[3] = Float(state.thetaDot)
    }
}
