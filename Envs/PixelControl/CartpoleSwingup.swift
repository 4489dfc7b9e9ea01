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
    /// The static part of the frame (sky, floor, rails), drawn once per canvas size.
    let background = CachedBackground()
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

    // MARK: Rendering: dm_control's camera 0 ("fixed": 4 m in front of the rail, 45 degree field of view)

    /// Camera 0 of cartpole.xml and its light, with dm_control's look.
    static let look = MuJoCoLook(
        camera: PerspectiveCamera(
            position: SIMD3(0, -4, 1), right: SIMD3(1, 0, 0), up: SIMD3(0, 0, 1), backward: SIMD3(0, -1, 0), fieldOfView: 45),
        light: SIMD3(0, 0, 6), floorHeight: -0.05, floorHalfSize: 4)

    public func draw(on canvas: Canvas) {
        let look = Self.look
        background.draw(on: canvas) { canvas in
            // The rails: capsules of radius 0.02 along x at y = ±0.07, z = 1.
            for y in [0.07, -0.07] {
                look.drawCapsule(
                    on: canvas, from: SIMD3(-2, y, 1), to: SIMD3(2, y, 1), radius: 0.02, colour: MuJoCoLook.decorationColour)
            }
        } backgroundOf: { width, height in
            look.backgroundPixels(width: width, height: height)
        }
        let cart = SIMD3(state.x, 0, 1)
        let tip = cart + SIMD3(sin(state.theta), 0, cos(state.theta)) * Self.poleLength
        look.drawCapsule(on: canvas, from: cart, to: tip, radius: 0.045, colour: MuJoCoLook.selfColour)
        // The cart: a box of half sizes 0.2, 0.15, 0.1 (its faces toward the camera).
        let (hx, hy, hz) = (0.2, 0.15, 0.1)
        func corner(_ sx: Double, _ sy: Double, _ sz: Double) -> SIMD3<Double> { cart + SIMD3(sx * hx, sy * hy, sz * hz) }
        for (normal, corners) in [
            (SIMD3<Double>(0, -1, 0), [corner(-1, -1, -1), corner(1, -1, -1), corner(1, -1, 1), corner(-1, -1, 1)]),
            (SIMD3<Double>(1, 0, 0), [corner(1, -1, -1), corner(1, 1, -1), corner(1, 1, 1), corner(1, -1, 1)]),
            (SIMD3<Double>(-1, 0, 0), [corner(-1, -1, -1), corner(-1, 1, -1), corner(-1, 1, 1), corner(-1, -1, 1)]),
            (SIMD3<Double>(0, 0, 1), [corner(-1, -1, 1), corner(1, -1, 1), corner(1, 1, 1), corner(-1, 1, 1)]),
            (SIMD3<Double>(0, 0, -1), [corner(-1, -1, -1), corner(1, -1, -1), corner(1, 1, -1), corner(-1, 1, -1)]),
        ] {
            look.drawFace(on: canvas, corners, normal: normal, colour: MuJoCoLook.selfColour)
        }
    }
}
