import CBox2D
import Foundation
import Gym
import Render

/// LunarLander-v3 and LunarLanderContinuous-v3 on Box2D 2.4.1 with Gymnasium's constants,
/// observations, rewards and terminations (environments.md section 3): land between the flags.
/// Gravity (option `gravity`, in (-12, 0)), wind (`enable_wind`, `wind_power` in [0, 20]) and
/// turbulence (`turbulence_power` in [0, 2]) as Gymnasium's options. Every reset builds a new world.
public final class LunarLander: CanvasScene {
    public static let fps = 50.0, scale = 30.0, mainEnginePower = 13.0, sideEnginePower = 0.6, initialRandom = 1000.0
    public static let landerPolygon: [(Double, Double)] = [(-14, 17), (-17, 0), (-17, -10), (17, -10), (17, 0), (14, 17)]
    public static let legAway = 20.0, legDown = 18.0, legWidth = 2.0, legHeight = 8.0, legSpringTorque = 40.0
    public static let sideEngineHeight = 14.0, sideEngineAway = 12.0, mainEngineYLocation = 4.0
    public static let viewportWidth = 600.0, viewportHeight = 400.0
    public static let referenceRenderSize = RenderSize(width: 600, height: 400)
    static let chunks = 11

    /// Whether actions are continuous ([main, lateral] in [-1, 1]) instead of Discrete(4).
    public let continuous: Bool
    public let gravity: Double
    public let enableWind: Bool
    public let windPower: Double
    public let turbulencePower: Double

    public let observationSpace = Space.box(
        Box(
            low: [-2.5, -2.5, -10, -10, -2 * .pi, -10, 0, 0],
            high: [2.5, 2.5, 10, 10, 2 * .pi, 10, 1, 1]))
    public let actionSpace: Space
    public let metadata = EnvironmentMetadata(renderModes: [.rgbArray], renderFPS: 50)
    public let renderMode: RenderMode?
    public let renderSize: RenderSize
    /// The canvas frames are drawn on.
    public private(set) lazy var canvas = Canvas(width: renderSize.width, height: renderSize.height)

    private var world: PhysicsWorld?
    private var lander: CB2Body?
    private var legs: [CB2Body] = []
    /// Whether each leg touches the ground.
    public private(set) var legContacts = [false, false]
    private var gameOver = false
    private var previousShaping: Double?
    private var windIndex = 0, torqueIndex = 0
    private var generator = RandomGenerator()
    private var chunkX: [Double] = [], smoothY: [Double] = []
    private var helipadX1 = 0.0, helipadX2 = 0.0, helipadY = 0.0

    private enum Tag: UInt { case moon = 1, lander, leftLeg, rightLeg }

    /// A lander with Gymnasium's defaults.
    public init(
        continuous: Bool = false, gravity: Double = -10, enableWind: Bool = false, windPower: Double = 15,
        turbulencePower: Double = 1.5, renderMode: RenderMode? = nil, renderSize: RenderSize = LunarLander.referenceRenderSize
    ) throws {
        guard gravity > -12 && gravity < 0 else {
            throw GymError.invalidOption("LunarLander gravity must lie in (-12, 0), got \(gravity)")
        }
        guard windPower >= 0 && windPower <= 20 else {
            throw GymError.invalidOption("LunarLander wind_power must lie in [0, 20], got \(windPower)")
        }
        guard turbulencePower >= 0 && turbulencePower <= 2 else {
            throw GymError.invalidOption("LunarLander turbulence_power must lie in [0, 2], got \(turbulencePower)")
        }
        self.continuous = continuous
        self.gravity = gravity
        self.enableWind = enableWind
        self.windPower = windPower
        self.turbulencePower = turbulencePower
        self.renderMode = renderMode
        self.renderSize = renderSize
        actionSpace = continuous ? .box(Box(low: -1, high: 1, shape: [2])) : .discrete(Discrete(4))
    }

    /// A lander from `make` options: gravity, enable_wind, wind_power, turbulence_power, render size.
    public convenience init(continuous: Bool, options: Options, renderMode: RenderMode?) throws {
        let owner = continuous ? "LunarLanderContinuous" : "LunarLander"
        try options.requireKnownKeys(["gravity", "enable_wind", "wind_power", "turbulence_power"] + RenderSize.optionNames, for: owner)
        try self.init(
            continuous: continuous, gravity: options.number("gravity", default: -10, for: owner),
            enableWind: options.flag("enable_wind", default: false, for: owner),
            windPower: options.number("wind_power", default: 15, for: owner),
            turbulencePower: options.number("turbulence_power", default: 1.5, for: owner),
            renderMode: renderMode, renderSize: RenderSize(options: options, reference: Self.referenceRenderSize, for: owner))
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        try options.requireKnownKeys([], for: "LunarLander.reset")
        if let seed { generator = try RandomGenerator(validatingSeed: seed) }
        let world = PhysicsWorld(gravityX: 0, gravityY: Float(gravity))  // the previous world goes with its bodies
        self.world = world
        gameOver = false
        previousShaping = nil
        legContacts = [false, false]

        let width = Self.viewportWidth / Self.scale, height = Self.viewportHeight / Self.scale
        var heights = (0...Self.chunks).map { _ in generator.uniform(0, height / 2) }
        chunkX = (0..<Self.chunks).map { width / Double(Self.chunks - 1) * Double($0) }
        helipadX1 = chunkX[Self.chunks / 2 - 1]
        helipadX2 = chunkX[Self.chunks / 2 + 1]
        helipadY = height / 4
        for offset in -2...2 { heights[Self.chunks / 2 + offset] = helipadY }
        smoothY = (0..<Self.chunks).map { index in
            0.33 * (heights[(index - 1 + heights.count) % heights.count] + heights[index] + heights[index + 1])
        }
        let moon = world.createBody(type: 0, x: 0, y: 0, userData: Tag.moon.rawValue)
        cb2_fixture_edge(moon, 0, 0, Float(width), 0, fixtureOptions())
        for index in 0..<(Self.chunks - 1) {
            cb2_fixture_edge(
                moon, Float(chunkX[index]), Float(smoothY[index]), Float(chunkX[index + 1]), Float(smoothY[index + 1]),
                fixtureOptions(density: 0, friction: 0.1))
        }

        let initialX = width / 2, initialY = height
        let lander = world.createBody(type: 2, x: Float(initialX), y: Float(initialY), userData: Tag.lander.rawValue)
        let vertices = Self.landerPolygon.flatMap { [Float($0.0 / Self.scale), Float($0.1 / Self.scale)] }
        cb2_fixture_polygon(
            lander, vertices, Int32(Self.landerPolygon.count),
            fixtureOptions(density: 5, friction: 0.1, restitution: 0, category: 0x10, mask: 0x001))
        cb2_body_apply_force_to_center(
            lander, Float(generator.uniform(-Self.initialRandom, Self.initialRandom)),
            Float(generator.uniform(-Self.initialRandom, Self.initialRandom)), 1)
        self.lander = lander
        if enableWind {
            windIndex = generator.integer(below: 19_998) - 9_999
            torqueIndex = generator.integer(below: 19_998) - 9_999
        }
        legs = []
        for side in [-1.0, 1.0] {
            let leg = world.createBody(
                type: 2, x: Float(initialX - side * Self.legAway / Self.scale), y: Float(initialY),
                angle: Float(side * 0.05), userData: side < 0 ? Tag.leftLeg.rawValue : Tag.rightLeg.rawValue)
            cb2_fixture_box(
                leg, Float(Self.legWidth / Self.scale), Float(Self.legHeight / Self.scale),
                fixtureOptions(density: 1, restitution: 0, category: 0x20, mask: 0x001))
            let lower = side < 0 ? 0.9 - 0.5 : -0.9, upper = side < 0 ? 0.9 : -0.9 + 0.5
            _ = cb2_revolute_joint_create(
                world.handle, lander, leg, 0, 0, Float(side * Self.legAway / Self.scale), Float(Self.legDown / Self.scale),
                1, Float(0.3 * side), Float(Self.legSpringTorque), 1, Float(lower), Float(upper))
            legs.append(leg)
        }
        // Gymnasium returns the observation of a no-op step.
        _ = try advance(continuous ? .continuous([0, 0]) : .discrete(0), into: observation)
        return [:]
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        try actionSpace.validate(action: action)
        guard lander != nil else {
            throw GymError.stepBeforeReset("LunarLander.step was called before reset: call reset(seed:options:) first")
        }
        return try advance(action, into: observation)
    }

    private func advance(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        guard let world, let lander else { throw GymError.stepBeforeReset("LunarLander.step was called before reset") }
        if enableWind && !(legContacts[0] || legContacts[1]) {
            let wind = tanh(sin(0.02 * Double(windIndex)) + sin(Double.pi * 0.01 * Double(windIndex))) * windPower
            windIndex += 1
            cb2_body_apply_force_to_center(lander, Float(wind), 0, 1)
            let torque = tanh(sin(0.02 * Double(torqueIndex)) + sin(Double.pi * 0.01 * Double(torqueIndex))) * turbulencePower
            torqueIndex += 1
            cb2_body_apply_torque(lander, Float(torque), 1)
        }
        let body = transform(of: lander)
        let tip = (sin(Double(body.angle)), cos(Double(body.angle)))
        let side = (-tip.1, tip.0)
        let dispersion = [generator.uniform(-1, 1) / Self.scale, generator.uniform(-1, 1) / Self.scale]
        var mainPower = 0.0
        var fireMain = false, lateral = 0.0
        switch action {
        case .discrete(let index):
            fireMain = index == 2
            lateral = index == 1 ? -1 : (index == 3 ? 1 : 0)
        case .continuous(let values):
            fireMain = values[0] > 0
            lateral = abs(Double(values[1])) > 0.5 ? Double(values[1]) : 0
        }
        if fireMain {
            if case .continuous(let values) = action { mainPower = (min(max(Double(values[0]), 0), 1) + 1) * 0.5 } else { mainPower = 1 }
            let ox = tip.0 * (Self.mainEngineYLocation / Self.scale + 2 * dispersion[0]) + side.0 * dispersion[1]
            let oy = -tip.1 * (Self.mainEngineYLocation / Self.scale + 2 * dispersion[0]) - side.1 * dispersion[1]
            cb2_body_apply_linear_impulse(
                lander, Float(-ox * Self.mainEnginePower * mainPower), Float(-oy * Self.mainEnginePower * mainPower),
                Float(Double(body.x) + ox), Float(Double(body.y) + oy), 1)
        }
        var sidePower = 0.0
        if lateral != 0 {
            let direction: Double
            if case .continuous = action {
                direction = lateral > 0 ? 1 : -1; sidePower = min(max(abs(lateral), 0.5), 1)
            } else {
                direction = lateral; sidePower = 1
            }
            let ox = tip.0 * dispersion[0] + side.0 * (3 * dispersion[1] + direction * Self.sideEngineAway / Self.scale)
            let oy = -tip.1 * dispersion[0] - side.1 * (3 * dispersion[1] + direction * Self.sideEngineAway / Self.scale)
            let pointX = Double(body.x) + ox - tip.0 * 17 / Self.scale,
                pointY = Double(body.y) + oy + tip.1 * Self.sideEngineHeight / Self.scale
            cb2_body_apply_linear_impulse(
                lander, Float(-ox * Self.sideEnginePower * sidePower), Float(-oy * Self.sideEnginePower * sidePower),
                Float(pointX), Float(pointY), 1)
        }
        world.step(Float(1 / Self.fps), velocityIterations: 6 * 30, positionIterations: 2 * 30)
        for event in world.contactEvents() {
            let bodies = [event.bodyA, event.bodyB]
            if event.began != 0 && bodies.contains(Tag.lander.rawValue) { gameOver = true }
            if bodies.contains(Tag.leftLeg.rawValue) { legContacts[0] = event.began != 0 }
            if bodies.contains(Tag.rightLeg.rawValue) { legContacts[1] = event.began != 0 }
        }

        let position = transform(of: lander), speed = velocity(of: lander)
        let halfWidth = Self.viewportWidth / Self.scale / 2, halfHeight = Self.viewportHeight / Self.scale / 2
        let state = [
            (Double(position.x) - halfWidth) / halfWidth,
            (Double(position.y) - (helipadY + Self.legDown / Self.scale)) / halfHeight,
            Double(speed.x) * halfWidth / Self.fps, Double(speed.y) * halfHeight / Self.fps,
            Double(position.angle), 20 * Double(speed.angular) / Self.fps,
            legContacts[0] ? 1 : 0, legContacts[1] ? 1 : 0,
        ]
        for index in 0..<8 { observation.floats[index] = Float(state[index]) }
        let shaping =
            -100 * (state[0] * state[0] + state[1] * state[1]).squareRoot()
            - 100 * (state[2] * state[2] + state[3] * state[3]).squareRoot() - 100 * abs(state[4]) + 10 * state[6] + 10 * state[7]
        var reward = previousShaping.map { shaping - $0 } ?? 0
        previousShaping = shaping
        reward -= mainPower * 0.30
        reward -= sidePower * 0.03
        var terminated = false
        if gameOver || abs(state[0]) >= 1 {
            terminated = true
            reward = -100
        }
        if cb2_body_awake(lander) == 0 {
            terminated = true
            reward = 100
        }
        return StepResult(reward: reward, terminated: terminated)
    }

    /// Gymnasium's heuristic controller (lunar_lander.py `heuristic`) for an observation.
    public static func heuristic(_ s: [Float], continuous: Bool) -> Action {
        var angleTarget = Double(s[0]) * 0.5 + Double(s[2]) * 1.0
        angleTarget = min(max(angleTarget, -0.4), 0.4)
        let hoverTarget = 0.55 * abs(Double(s[0]))
        var angleTodo = (angleTarget - Double(s[4])) * 0.5 - Double(s[5]) * 1.0
        var hoverTodo = (hoverTarget - Double(s[1])) * 0.5 - Double(s[3]) * 0.5
        if s[6] != 0 || s[7] != 0 {
            angleTodo = 0
            hoverTodo = -Double(s[3]) * 0.5
        }
        if continuous {
            return .continuous([Float(min(max(hoverTodo * 20 - 1, -1), 1)), Float(min(max(-angleTodo * 20, -1), 1))])
        }
        if hoverTodo > abs(angleTodo) && hoverTodo > 0.05 { return .discrete(2) }
        if angleTodo < -0.05 { return .discrete(3) }
        if angleTodo > 0.05 { return .discrete(1) }
        return .discrete(0)
    }

    /// Gymnasium's picture: black sky over white ground, the lander and legs in violet, yellow flags.
    public func draw(on canvas: Canvas) {
        canvas.transform = Transform(
            scale: Double(canvas.width) / Self.viewportWidth * Self.scale,
            verticalScale: Double(canvas.height) / Self.viewportHeight * Self.scale)
        canvas.clear(.white)
        let height = Self.viewportHeight / Self.scale
        for index in 0..<max(0, chunkX.count - 1) {
            canvas.fillPolygon(
                [
                    Point(chunkX[index], smoothY[index]), Point(chunkX[index + 1], smoothY[index + 1]),
                    Point(chunkX[index + 1], height), Point(chunkX[index], height),
                ], .black)
        }
        let fill = Color(128, 102, 230), outline = Color(77, 77, 128)
        if let lander {
            let pose = transform(of: lander)
            let polygon = Self.landerPolygon.map {
                Point($0.0 / Self.scale, $0.1 / Self.scale).rotated(by: Double(pose.angle)) + Point(Double(pose.x), Double(pose.y))
            }
            canvas.fillPolygon(polygon, fill)
            canvas.strokePolygon(polygon, lineWidth: 1 / Self.scale, outline)
        }
        for leg in legs {
            let pose = transform(of: leg)
            let w = Self.legWidth / Self.scale, h = Self.legHeight / Self.scale
            let polygon = [Point(-w, -h), Point(w, -h), Point(w, h), Point(-w, h)].map {
                $0.rotated(by: Double(pose.angle)) + Point(Double(pose.x), Double(pose.y))
            }
            canvas.fillPolygon(polygon, fill)
            canvas.strokePolygon(polygon, lineWidth: 1 / Self.scale, outline)
        }
        for x in [helipadX1, helipadX2] {
            let bottom = helipadY, top = bottom + 50 / Self.scale
            canvas.drawLine(from: Point(x, bottom), to: Point(x, top), lineWidth: 1 / Self.scale, .white)
            canvas.fillPolygon(
                [Point(x, top), Point(x, top - 10 / Self.scale), Point(x + 25 / Self.scale, top - 5 / Self.scale)], Color(204, 204, 0))
        }
    }
}
