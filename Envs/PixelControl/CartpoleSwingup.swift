import Foundation
import Gym
import Render

/// dm_control's cartpole swing-up: push a cart (force 10 u, u in [-1, 1]) so that the hinged pole,
/// starting hanging down, swings up and balances.
///
/// Physics of MuJoCo's compiled cartpole.xml (dm_control): cart mass 1 on a rail limited to ±1.8 by
/// MuJoCo's soft limit (solref 0.08 1: the cart bounces and the pole feels the reaction), the pole a
/// capsule of mass 0.1 from 0 to 1 m (centre 0.5 m, inertia 0.0094246 about it), gravity 9.81, joint
/// damping 5e-4 (slider) and 2e-6 (hinge), RK4 at 0.01 s: trajectories equal MuJoCo's to about 1e-9
/// (tests against dm_control fixtures). Reward per control step in [0, 1]: upright ((cos + 1) / 2) x centred x small
/// control x small angular velocity, from dm_control's tolerance functions. An episode is 1000
/// control steps (10 s); with the task's action repeat of 8 (SAC-AE) an agent sees 125 steps
/// whose rewards are sums, so returns lie in [0, 1000]. Observations are pixels
/// (`CartpoleSwingup-pixels-v0`, 9x84x84 with the frame stack) or the state
/// [x, cos θ, sin θ, ẋ, θ̇] (`CartpoleSwingup-v0`).
public final class CartpoleSwingup: ControlScene {
    /// Cart position and pole angle (0 upright) with their velocities.
    public struct State: Sendable, Equatable {
        public var x: Double, theta: Double, xDot: Double, thetaDot: Double
        /// A state with the given values.
        public init(x: Double, theta: Double, xDot: Double, thetaDot: Double) {
            self.x = x; self.theta = theta; self.xDot = xDot; self.thetaDot = thetaDot
        }
    }

    public static let cartMass = 1.0, poleMass = 0.1, poleLength = 1.0, gravity = 9.81
    public static let sliderDamping = 5e-4, hingeDamping = 2e-6, gear = 10.0, timestep = 0.01, railLimit = 1.8
    /// The pole's centre of mass from the hinge and its inertia about that centre (MuJoCo's capsule of
    /// radius 0.045; body_ipos and body_inertia of the compiled model).
    public static let poleCentre = 0.5, poleInertia = 0.009424592767295598
    /// The rail: MuJoCo's soft limit of the slider (solreflimit 0.08 1; dof_invweight0 of the slider).
    public static let rail = SoftJointLimit(
        lower: -railLimit, upper: railLimit, inverseWeight: 0.9733520544614127, timestep: timestep, timeConstant: 0.08)
    /// dm_control's time limit in control steps (10 s).
    public static let controlStepsPerEpisode = 1000
    /// SAC-AE's action repeat for cartpole.
    public static let defaultActionRepeat = 8
    public static let referenceRenderSize = RenderSize(width: 240, height: 240)

    public let observationSpace = Space.box(Box(low: -.infinity, high: .infinity, shape: [5]))
    public let actionSpace = Space.box(Box(low: -1, high: 1, shape: [1]))
    public let metadata = EnvironmentMetadata(renderModes: [.rgbArray], renderFPS: 30)
    public let renderMode: RenderMode?
    public let renderSize: RenderSize

    /// The physical state (settable, to replay a start state).
    public var state = State(x: 0, theta: Double.pi, xDot: 0, thetaDot: 0)
    private var generator = RandomGenerator()
    private var hasReset = false
    /// Physics steps since the last reset (named in errors).
    private var physicsSteps = 0
    /// The canvas frames are drawn on.
    public private(set) lazy var canvas = Canvas(width: renderSize.width, height: renderSize.height)

    /// A swing-up task; `renderSize` is the frame size (84x84 for pixel agents).
    public init(renderMode: RenderMode? = nil, renderSize: RenderSize = CartpoleSwingup.referenceRenderSize) {
        self.renderMode = renderMode
        self.renderSize = renderSize
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        try options.requireKnownKeys([], for: "CartpoleSwingup.reset")
        if let seed { generator = try RandomGenerator(validatingSeed: seed) }
        state = State(
            x: 0.01 * generator.normal(), theta: Double.pi + 0.01 * generator.normal(),
            xDot: 0.01 * generator.normal(), thetaDot: 0.01 * generator.normal())
        hasReset = true
        physicsSteps = 0
        writeObservation(into: observation)
        return [:]
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        guard case .continuous(let values) = action, values.count == 1, values[0] >= -1, values[0] <= 1 else {
            try actionSpace.validate(action: action)
            fatalError("unreachable: validate(action:) throws for every invalid action")
        }
        guard hasReset else {
            throw GymError.stepBeforeReset("CartpoleSwingup.step was called before reset: call reset(seed:options:) first")
        }
        let control = Double(values[0])
        try integrate(force: Self.gear * control)
        writeObservation(into: observation)
        return StepResult(reward: reward(control: control))
    }

    /// dm_control's smooth swing-up reward of the current state under `control`.
    public func reward(control: Double) -> Double {
        let upright = (cos(state.theta) + 1) / 2
        let centered = (1 + Tolerance.value(state.x, margin: 2)) / 2
        let smallControl = (4 + Tolerance.value(control, margin: 1, sigmoid: .quadratic, valueAtMargin: 0)) / 5
        let smallVelocity = (1 + Tolerance.value(state.thetaDot, margin: 5)) / 2
        return upright * smallControl * smallVelocity * centered
    }

    /// The time derivative of (x, θ, ẋ, θ̇) under `force` on the cart, with the rail's limit force.
    static func derivative(_ s: SIMD4<Double>, force: Double) -> SIMD4<Double> {
        let m = poleMass, lc = poleCentre
        let sinTheta = sin(s[1]), cosTheta = cos(s[1])
        // M [ẍ; θ̈] = [F - b ẋ + m lc sin θ̇²; m g lc sin θ - b θ̇], M = [cart + m, m lc cos; m lc cos, I + m lc²].
        let a11 = cartMass + m, a12 = m * lc * cosTheta, a22 = poleInertia + m * lc * lc
        let b1 = force - sliderDamping * s[2] + m * lc * sinTheta * s[3] * s[3]
        let b2 = m * gravity * lc * sinTheta - hingeDamping * s[3]
        let determinant = a11 * a22 - a12 * a12
        var xAcceleration = (b1 * a22 - a12 * b2) / determinant, thetaAcceleration = (a11 * b2 - a12 * b1) / determinant
        let limitForce = rail.force(position: s[0], velocity: s[2], freeAcceleration: xAcceleration, inverseInertia: a22 / determinant)
        if limitForce != 0 {
            xAcceleration += a22 / determinant * limitForce
            thetaAcceleration -= a12 / determinant * limitForce
        }
        return SIMD4(s[2], s[3], xAcceleration, thetaAcceleration)
    }

    /// One RK4 step (MuJoCo's integrator for this model; the limit force is part of every stage).
    private func integrate(force: Double) throws {
        let y = SIMD4(state.x, state.theta, state.xDot, state.thetaDot), h = Self.timestep
        let k1 = Self.derivative(y, force: force), k2 = Self.derivative(y + h / 2 * k1, force: force)
        let k3 = Self.derivative(y + h / 2 * k2, force: force), k4 = Self.derivative(y + h * k3, force: force)
        let next = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        guard next[0].isFinite && next[1].isFinite && next[2].isFinite && next[3].isFinite else {
            throw GymError.nonFiniteState(
                "CartpoleSwingup: the state became non-finite (\(next)) at physics step \(physicsSteps + 1) from \(state); the simulation diverged"
            )
        }
        physicsSteps += 1
        state = State(x: next[0], theta: next[1], xDot: next[2], thetaDot: next[3])
    }

    private func writeObservation(into observation: ObservationBuffer) {
        let values = observation.floats
        values[0] = Float(state.x)
        values[1] = Float(cos(state.theta))
        values[2] = Float(sin(state.theta))
        values[3] = Float(state.xDot)
        values[4] = Float(state.thetaDot)
    }

    // MARK: Rendering: a side view like dm_control's fixed camera (4 m away, 45° field of view).

    public func draw(on canvas: Canvas) {
        // The camera sees 2 * 4 * tan(22.5°) = 3.31 m around (0, 1).
        let span = 3.314
        canvas.transform = Transform(
            scale: Double(canvas.width) / span, verticalScale: Double(canvas.height) / span,
            worldOrigin: Point(-span / 2, 1 - span / 2))
        canvas.clear(Color(64, 96, 140))  // skybox
        canvas.fillPolygon([Point(-3, -1), Point(3, -1), Point(3, -0.05), Point(-3, -0.05)], Color(46, 69, 92))  // floor
        for x in stride(from: -3.0, through: 3.0, by: 0.5) {  // floor grid
            canvas.drawLine(from: Point(x, -1), to: Point(x, -0.05), lineWidth: 0.01, Color(70, 100, 130))
        }
        canvas.drawLine(from: Point(-2, 1), to: Point(2, 1), lineWidth: 0.04, Color(120, 120, 140))  // rail
        let cart = Point(state.x, 1)
        canvas.fillPolygon([Point(-0.2, -0.1), Point(0.2, -0.1), Point(0.2, 0.1), Point(-0.2, 0.1)].map { $0 + cart }, Color(179, 128, 77))
        let tip = cart + Point(sin(state.theta), cos(state.theta)) * Self.poleLength
        canvas.drawLine(from: cart, to: tip, lineWidth: 0.09, Color(179, 128, 77))
        canvas.fillCircle(center: cart, radius: 0.03, Color(90, 60, 40))
    }
}
