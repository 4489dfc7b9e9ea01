import Foundation
import Gym
import Render

/// dm_control's reacher (easy): a two-link planar arm (links 0.12 m, joint damping 0.01, motor gear
/// 0.05, wrist limited to ±160°) must put its fingertip on a randomly placed target of radius 0.05.
/// Reward per control step: 1 while the fingertip is within 0.06 m (target plus finger radius) of
/// the target centre, else 0. Masses follow MuJoCo's densities for the capsules of reacher.xml;
/// Euler steps of 0.02 s. An episode is 1000 control steps (20 s); with SAC-AE's action repeat of 4
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
    // Link masses and inertias from MuJoCo's default density (1000 kg/m^3) for reacher.xml's geoms.
    static let mass1 = 0.0419, centre1 = 0.06, inertia1 = 6.84e-5
    static let mass2 = 0.0398, centre2 = 0.0574, inertia2 = 6.1e-5

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
        integrate(torques: (Self.gear * Double(values[0]), Self.gear * Double(values[1])))
        writeObservation(into: observation)
        let distance = ((finger.x - state.targetX) * (finger.x - state.targetX) + (finger.y - state.targetY) * (finger.y - state.targetY))
            .squareRoot()
        return StepResult(reward: distance <= Self.targetRadius + Self.fingerRadius ? 1 : 0)
    }

    /// One semi-implicit Euler step of the planar two-link arm (no gravity in the plane).
    private func integrate(torques: (Double, Double)) {
        let l1 = Self.linkLength, m2 = Self.mass2, c1 = Self.centre1, c2 = Self.centre2
        let cosWrist = cos(state.wrist), h = m2 * l1 * c2 * sin(state.wrist)
        let m11 = Self.inertia1 + Self.inertia2 + Self.mass1 * c1 * c1 + m2 * (l1 * l1 + c2 * c2 + 2 * l1 * c2 * cosWrist)
        let m12 = Self.inertia2 + m2 * (c2 * c2 + l1 * c2 * cosWrist)
        let m22 = Self.inertia2 + m2 * c2 * c2
        let v1 = state.shoulderVelocity, v2 = state.wristVelocity
        let f1 = torques.0 - Self.damping * v1 + h * (2 * v1 * v2 + v2 * v2)
        let f2 = torques.1 - Self.damping * v2 - h * v1 * v1
        let determinant = m11 * m22 - m12 * m12
        let a1 = (m22 * f1 - m12 * f2) / determinant, a2 = (m11 * f2 - m12 * f1) / determinant
        var next = state
        next.shoulderVelocity = v1 + Self.timestep * a1
        next.wristVelocity = v2 + Self.timestep * a2
        next.shoulder = state.shoulder + Self.timestep * next.shoulderVelocity
        next.wrist = state.wrist + Self.timestep * next.wristVelocity
        if abs(next.wrist) > Self.wristLimit {
            next.wrist = next.wrist > 0 ? Self.wristLimit : -Self.wristLimit
            next.wristVelocity = 0
        }
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

    /// A top-down view of the arena (dm_control's fixed camera 0.75 m above it).
    public func draw(on canvas: Canvas) {
        let span = 0.65
        canvas.transform = Transform(
            scale: Double(canvas.width) / span, verticalScale: Double(canvas.height) / span,
            worldOrigin: Point(-span / 2, -span / 2))
        canvas.clear(Color(46, 69, 92))
        for offset in stride(from: -0.3, through: 0.3, by: 0.1) {
            canvas.drawLine(from: Point(offset, -0.3), to: Point(offset, 0.3), lineWidth: 0.002, Color(70, 100, 130))
            canvas.drawLine(from: Point(-0.3, offset), to: Point(0.3, offset), lineWidth: 0.002, Color(70, 100, 130))
        }
        canvas.strokePolygon(
            [Point(-0.3, -0.3), Point(0.3, -0.3), Point(0.3, 0.3), Point(-0.3, 0.3)], lineWidth: 0.02, Color(120, 120, 140))
        canvas.fillCircle(center: Point(state.targetX, state.targetY), radius: Self.targetRadius, Color(200, 60, 60))
        let elbow = Point(cos(state.shoulder), sin(state.shoulder)) * Self.linkLength
        canvas.drawLine(from: Point(0, 0), to: elbow, lineWidth: 0.02, Color(179, 128, 77))
        canvas.drawLine(from: elbow, to: finger, lineWidth: 0.02, Color(179, 128, 77))
        canvas.fillCircle(center: finger, radius: Self.fingerRadius, Color(230, 200, 60))
        canvas.fillCircle(center: Point(0, 0), radius: 0.011, Color(100, 100, 120))
    }
}
