import Foundation
import Gym
import Render

/// dm_control's pendulum swing-up: a point mass of 1 kg on a massless 0.5 m pole, hinge damping
/// 0.1, torque in [-1, 1] N m (too weak to lift it directly: it must swing), MuJoCo's Euler steps of
/// 0.02 s (damping implicit).
/// Reward per control step: 1 while the pole is within 8 degrees of upright, else 0 (dm_control's
/// sparse tolerance). An episode is 1000 control steps (20 s); with action repeat 4 an agent sees
/// 250 steps whose rewards are sums, so returns lie in [0, 1000]. Observations are pixels
/// (`PendulumSwingup-pixels-v0`) or the state [cos θ, sin θ, θ̇] (`PendulumSwingup-v0`).
public final class PendulumSwingup: ControlScene {
    /// Pole angle (0 upright) and angular velocity.
    public struct State: Sendable, Equatable {
        public var theta: Double, thetaDot: Double
        /// A state with the given values.
        public init(theta: Double, thetaDot: Double) { self.theta = theta; self.thetaDot = thetaDot }
    }

    public static let mass = 1.0, length = 0.5, gravity = 9.81, damping = 0.1, timestep = 0.02
    /// The inertia about the hinge: the compiled pendulum.xml's 0.001 about the mass's centre plus m l².
    public static let inertia = 0.001 + mass * length * length
    /// The reward band: within 8 degrees of upright.
    public static let cosineBound = cos(8 * Double.pi / 180)
    /// The action repeat of the registered ids (1000 control steps become 250 agent steps).
    public static let defaultActionRepeat = 4
    public static let referenceRenderSize = RenderSize(width: 240, height: 240)

    public let observationSpace = Space.box(Box(low: -.infinity, high: .infinity, shape: [3]))
    public let actionSpace = Space.box(Box(low: -1, high: 1, shape: [1]))
    public let metadata = EnvironmentMetadata(renderModes: [.rgbArray], renderFPS: 30)
    public let renderMode: RenderMode?
    public let renderSize: RenderSize
    /// The canvas frames are drawn on.
    public private(set) lazy var canvas = Canvas(width: renderSize.width, height: renderSize.height)

    /// The physical state (settable, to replay a start state).
    public var state = State(theta: Double.pi, thetaDot: 0)
    private var generator = RandomGenerator()
    private var hasReset = false
    /// The static part of the frame (sky, floor, base), drawn once per canvas size.
    let background = CachedBackground()

    /// A swing-up task drawing frames of `renderSize`.
    public init(renderMode: RenderMode? = nil, renderSize: RenderSize = PendulumSwingup.referenceRenderSize) {
        self.renderMode = renderMode
        self.renderSize = renderSize
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        try options.requireKnownKeys([], for: "PendulumSwingup.reset")
        if let seed { generator = try RandomGenerator(validatingSeed: seed) }
        state = State(theta: generator.uniform(-Double.pi, Double.pi), thetaDot: 0)
        hasReset = true
        writeObservation(into: observation)
        return [:]
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        guard case .continuous(let values) = action, values.count == 1, values[0] >= -1, values[0] <= 1 else {
            try actionSpace.validate(action: action)
            fatalError("unreachable: validate(action:) throws for every invalid action")
        }
        guard hasReset else {
            throw GymError.stepBeforeReset("PendulumSwingup.step was called before reset: call reset(seed:options:) first")
        }
        // MuJoCo's Euler step with implicit damping: (I + h b) θ̈ = τ + m g l sin θ - b θ̇, velocity first.
        let acceleration =
            (Self.mass * Self.gravity * Self.length * sin(state.theta) - Self.damping * state.thetaDot + Double(values[0]))
            / (Self.inertia + Self.timestep * Self.damping)
        let thetaDot = state.thetaDot + Self.timestep * acceleration
        let theta = state.theta + Self.timestep * thetaDot
        guard theta.isFinite && thetaDot.isFinite else {
            throw GymError.nonFiniteState("PendulumSwingup: the state became non-finite from \(state); the simulation diverged")
        }
        state = State(theta: theta, thetaDot: thetaDot)
        writeObservation(into: observation)
        return StepResult(reward: cos(state.theta) >= Self.cosineBound ? 1 : 0)
    }

    private func writeObservation(into observation: ObservationBuffer) {
        let values = observation.floats
        values[0] = Float(cos(state.theta))
        values[1] = Float(sin(state.theta))
        values[2] = Float(state.thetaDot)
    }

    // MARK: Rendering: dm_control's camera 0 ("fixed": 1.5 m in front, 2 m up, looking down at 45 degrees)

    /// Camera 0 of pendulum.xml and its light, with dm_control's look.
    static let look = MuJoCoLook(
        camera: PerspectiveCamera(
            position: SIMD3(0, -1.5, 2), right: SIMD3(1, 0, 0), up: SIMD3(0, 0.5.squareRoot(), 0.5.squareRoot()),
            backward: SIMD3(0, -(0.5.squareRoot()), 0.5.squareRoot()), fieldOfView: 45),
        light: SIMD3(0, 0, 2), floorHeight: 0, floorHalfSize: 2, checkerOrigin: SIMD2(0, 0))

    /// The hinge: 0.6 m above the floor.
    static let pivot = SIMD3<Double>(0, 0, 0.6)

    public func draw(on canvas: Canvas) {
        let look = Self.look
        background.draw(on: canvas) { canvas in
            // The base: a cylinder of radius 0.021 along y at the hinge.
            look.drawCapsule(
                on: canvas, from: Self.pivot - SIMD3(0, 0.03, 0), to: Self.pivot + SIMD3(0, 0.03, 0), radius: 0.021,
                colour: MuJoCoLook.decorationColour)
        } backgroundOf: { width, height in
            look.backgroundPixels(width: width, height: height)
        }
        let mass = Self.pivot + SIMD3(sin(state.theta), 0, cos(state.theta)) * Self.length
        look.drawCapsule(on: canvas, from: Self.pivot, to: mass, radius: 0.02, colour: MuJoCoLook.selfColour)
        look.drawSphere(on: canvas, centre: mass, radius: 0.05, colour: MuJoCoLook.effectorColour)
    }
}
