import Foundation
import Gym
import Render

/// dm_control's reacher (easy): a two-link planar arm (links 0.12 m, joint damping 0.01, motor gear
/// 0.05, wrist limited to ±160°) must put its fingertip on a randomly placed target of radius 0.05.
/// Reward per control step: 1 while the fingertip is within 0.06 m (target plus finger radius) of
/// the target centre, else 0. Masses and inertias are the compiled reacher.xml's;
/// MuJoCo's Euler steps of 0.02 s with implicit damping and the wrist's soft limit. An episode is 1000 control steps (20 s); with SAC-AE's action repeat of 4
/// an agent sees 250 steps, returns in [0, 1000]. Observations: pixels (`ReacherEasy-pixels-v0`, a
/// top-down view) or [shoulder, wrist, target - finger (x, y), velocities] (`ReacherEasy-v0`).
public final class ReacherEasy: ControlScene {
    /// Joint angles and velocities, and the target position.
    public struct State: Sendable, Equatable {
        public var shoulder: Double, wrist: Double, shoulderVelocity: Double, wristVelocity: Double
        public var targetX: Double, targetY: Double
        /// A state with the given values.
        public init(shoulder: Double, wrist: Double, shoulderVelocity: Double, wristVelocity: Double, targetX: Double, targetY: Double) {
            self.shoulder = shoulder; self.wrist = wrist; self.shoulderVelocity = shoulderVelocity
            self.wristVelocity = wristVelocity; self.targetX = targetX; self.targetY = targetY
        }
    }

    public static let linkLength = 0.12, damping = 0.01, gear = 0.05, timestep = 0.02
    public static let wristLimit = 160 * Double.pi / 180
    public static let targetRadius = 0.05, fingerRadius = 0.01
    /// SAC-AE's action repeat for reacher.
    public static let defaultActionRepeat = 4
    public static let referenceRenderSize = RenderSize(width: 240, height: 240)
    // The compiled reacher.xml (MuJoCo's density 1000 for its capsules and sphere): the arm body (mass,
    // centre along the link, inertia about z through the centre), the hand body and the finger welded
    // to it at 0.12 m, which turn together about the wrist.
    static let armMass = 0.04188790204786391, armCentre = 0.06, armInertia = 6.33135639453463e-05
    static let handMass = 0.03560471674068432, handCentre = 0.05, handInertia = 3.9175660390264734e-05
    static let fingerMass = 0.004188790204786391, fingerCentre = 0.12, fingerInertia = 1.6755160819145565e-07
    /// The wrist's body (hand and finger): mass, first moment about the wrist, inertia about the wrist.
    static let wristBodyMass = handMass + fingerMass
    static let wristBodyMoment = handMass * handCentre + fingerMass * fingerCentre
    static let wristBodyInertia =
        handInertia + handMass * handCentre * handCentre + fingerInertia + fingerMass * fingerCentre * fingerCentre
    /// The wrist's range as MuJoCo's soft limit (default solref and solimp; dof_invweight0 of the wrist).
    public static let wristRange = SoftJointLimit(
        lower: -wristLimit, upper: wristLimit, inverseWeight: 20740.54873181604, timestep: timestep)

    public let observationSpace = Space.box(Box(low: -.infinity, high: .infinity, shape: [6]))
    public let actionSpace = Space.box(Box(low: -1, high: 1, shape: [2]))
    public let metadata = EnvironmentMetadata(renderModes: [.rgbArray], renderFPS: 30)
    public let renderMode: RenderMode?
    public let renderSize: RenderSize
    /// The canvas frames are drawn on.
    public private(set) lazy var canvas = Canvas(width: renderSize.width, height: renderSize.height)

    /// The physical state (settable, to replay a start state).
    public var state = State(shoulder: 0, wrist: 0, shoulderVelocity: 0, wristVelocity: 0, targetX: 0.1, targetY: 0.1)
    private var generator = RandomGenerator()
    private var hasReset = false
    /// The static part of the frame (sky, floor, walls), drawn once per canvas size.
    let background = CachedBackground()
    /// Physics steps since the last reset (named in errors).
    private var physicsSteps = 0

    /// A reacher drawing frames of `renderSize`.
    public init(renderMode: RenderMode? = nil, renderSize: RenderSize = ReacherEasy.referenceRenderSize) {
        self.renderMode = renderMode
        self.renderSize = renderSize
    }

    /// The fingertip position.
    public var finger: Point {
        let elbow = Point(cos(state.shoulder), sin(state.shoulder)) * Self.linkLength
        return elbow + Point(cos(state.shoulder + state.wrist), sin(state.shoulder + state.wrist)) * Self.linkLength
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        try options.requireKnownKeys([], for: "ReacherEasy.reset")
        if let seed { generator = try RandomGenerator(validatingSeed: seed) }
        let angle = generator.uniform(0, 2 * Double.pi), radius = generator.uniform(0.05, 0.20)
        state = State(
            shoulder: generator.uniform(-Double.pi, Double.pi), wrist: generator.uniform(-Self.wristLimit, Self.wristLimit),
            shoulderVelocity: 0, wristVelocity: 0, targetX: radius * sin(angle), targetY: radius * cos(angle))
        hasReset = true
        physicsSteps = 0
        writeObservation(into: observation)
        return [:]
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        guard case .continuous(let values) = action, values.count == 2,
            values[0] >= -1, values[0] <= 1, values[1] >= -1, values[1] <= 1
        else {
            try actionSpace.validate(action: action)
            fatalError("unreachable: validate(action:) throws for every invalid action")
        }
        guard hasReset else { throw GymError.stepBeforeReset("ReacherEasy.step was called before reset: call reset(seed:options:) first") }
        try integrate(torques: (Self.gear * Double(values[0]), Self.gear * Double(values[1])))
        writeObservation(into: observation)
        let distance = ((finger.x - state.targetX) * (finger.x - state.targetX) + (finger.y - state.targetY) * (finger.y - state.targetY))
            .squareRoot()
        return StepResult(reward: distance <= Self.targetRadius + Self.fingerRadius ? 1 : 0)
    }

    /// One step of MuJoCo's Euler integrator for the planar two-link arm (no gravity in the plane):
    /// the wrist limit's force from the constraint problem with M, then the acceleration from
    /// (M + h B) a = f with the damping B taken implicitly, velocity first, then position.
    private func integrate(torques: (Double, Double)) throws {
        let l1 = Self.linkLength, h = Self.timestep, b = Self.damping
        let cosWrist = cos(state.wrist), coupling = l1 * Self.wristBodyMoment
        let m22 = Self.wristBodyInertia
        let m12 = m22 + coupling * cosWrist
        let m11 =
            Self.armInertia + Self.armMass * Self.armCentre * Self.armCentre + m22 + Self.wristBodyMass * l1 * l1 + 2 * coupling * cosWrist
        let v1 = state.shoulderVelocity, v2 = state.wristVelocity, bias = coupling * sin(state.wrist)
        let f1 = torques.0 - b * v1 + bias * (2 * v1 * v2 + v2 * v2)
        var f2 = torques.1 - b * v2 - bias * v1 * v1
        let determinant = m11 * m22 - m12 * m12
        let freeWrist = (m11 * f2 - m12 * f1) / determinant
        f2 += Self.wristRange.force(position: state.wrist, velocity: v2, freeAcceleration: freeWrist, inverseInertia: m11 / determinant)
        let d11 = m11 + h * b, d22 = m22 + h * b, implicitDeterminant = d11 * d22 - m12 * m12
        let a1 = (d22 * f1 - m12 * f2) / implicitDeterminant, a2 = (d11 * f2 - m12 * f1) / implicitDeterminant
        var next = state
        next.shoulderVelocity = v1 + h * a1
        next.wristVelocity = v2 + h * a2
        next.shoulder = state.shoulder + h * next.shoulderVelocity
        next.wrist = state.wrist + h * next.wristVelocity
        guard next.shoulder.isFinite && next.wrist.isFinite && next.shoulderVelocity.isFinite && next.wristVelocity.isFinite else {
            throw GymError.nonFiniteState(
                "ReacherEasy: the state became non-finite at physics step \(physicsSteps + 1) from \(state); the simulation diverged")
        }
        physicsSteps += 1
        state = next
    }

    private func writeObservation(into observation: ObservationBuffer) {
        let values = observation.floats, tip = finger
        values[0] = Float(state.shoulder)
        values[1] = Float(state.wrist)
        values[2] = Float(state.targetX - tip.x)
        values[3] = Float(state.targetY - tip.y)
        values[4] = Float(state.shoulderVelocity)
        values[5] = Float(state.wristVelocity)
    }

    // MARK: Rendering: dm_control's camera 0 ("fixed": 0.75 m above the arena, looking down)

    /// Camera 0 of reacher.xml and its light, with dm_control's look (the arena lies inside one dark
    /// square of the checker).
    static let look = MuJoCoLook(
        camera: PerspectiveCamera(
            position: SIMD3(0, 0, 0.75), right: SIMD3(1, 0, 0), up: SIMD3(0, 1, 0), backward: SIMD3(0, 0, 1), fieldOfView: 45),
        light: SIMD3(0, 0, 1), floorHeight: 0, floorHalfSize: 0.3, checkerOrigin: SIMD2(0.5, -0.5))

    public func draw(on canvas: Canvas) {
        let look = Self.look
        background.draw(on: canvas) { canvas in
            // The walls: strips 0.04 high at x, y = ±0.3 facing the arena; the root cylinder.
            for (sign, alongX) in [(-1.0, true), (1.0, true), (-1.0, false), (1.0, false)] {
                let corners: [SIMD3<Double>] =
                    alongX
                    ? [SIMD3(sign * 0.3, -0.3, 0), SIMD3(sign * 0.3, 0.3, 0), SIMD3(sign * 0.3, 0.3, 0.04), SIMD3(sign * 0.3, -0.3, 0.04)]
                    : [SIMD3(-0.3, sign * 0.3, 0), SIMD3(0.3, sign * 0.3, 0), SIMD3(0.3, sign * 0.3, 0.04), SIMD3(-0.3, sign * 0.3, 0.04)]
                let normal = alongX ? SIMD3<Double>(-sign, 0, 0) : SIMD3<Double>(0, -sign, 0)
                look.drawFace(on: canvas, corners, normal: normal, colour: MuJoCoLook.decorationColour)
            }
            look.drawSphere(on: canvas, centre: SIMD3(0, 0, 0.02), radius: 0.011, colour: MuJoCoLook.decorationColour)
        } backgroundOf: { width, height in
            look.backgroundPixels(width: width, height: height)
        }
        look.drawSphere(
            on: canvas, centre: SIMD3(state.targetX, state.targetY, 0.01), radius: Self.targetRadius, colour: MuJoCoLook.targetColour)
        let height = 0.01
        let elbow = SIMD3(cos(state.shoulder), sin(state.shoulder), 0) * Self.linkLength + SIMD3(0, 0, height)
        let hand = SIMD3(cos(state.shoulder + state.wrist), sin(state.shoulder + state.wrist), 0)
        look.drawCapsule(on: canvas, from: SIMD3(0, 0, height), to: elbow, radius: 0.01, colour: MuJoCoLook.selfColour)
        look.drawCapsule(on: canvas, from: elbow, to: elbow + hand * 0.1, radius: 0.01, colour: MuJoCoLook.selfColour)
        look.drawSphere(on: canvas, centre: elbow + hand * Self.linkLength, radius: Self.fingerRadius, colour: MuJoCoLook.effectorColour)
    }
}
