import CBox2D
import Foundation
import Gym
import Render

/// BipedalWalker-v3 and BipedalWalkerHardcore-v3 on Box2D 2.4.1 with Gymnasium's constants,
/// terrain generation (grass, and in hardcore stumps, stairs and pits), motors, 10-ray lidar
/// reporting the closest hit, observations, rewards and terminations. Every reset builds a new world.
public final class BipedalWalker: CanvasScene {
    public static let fps = 50.0, scale = 30.0, motorsTorque = 80.0, speedHip = 4.0, speedKnee = 6.0
    public static let lidarRange = 160 / scale, initialRandom = 5.0
    public static let hullPolygon: [(Double, Double)] = [(-30, 9), (6, 9), (34, 1), (34, -8), (-30, -8)]
    public static let legDown = -8 / scale, legWidth = 8 / scale, legHeight = 34 / scale
    public static let viewportWidth = 600.0, viewportHeight = 400.0
    public static let terrainStep = 14 / scale, terrainLength = 200, terrainHeight = viewportHeight / scale / 4
    public static let terrainGrass = 10, terrainStartPad = 20, friction: Float = 2.5
    public static let referenceRenderSize = RenderSize(width: 600, height: 400)

    /// Whether the terrain has obstacles.
    public let hardcore: Bool
    public let observationSpace: Space
    public let actionSpace = Space.box(Box(low: -1, high: 1, shape: [4]))
    public let metadata = EnvironmentMetadata(renderModes: [.rgbArray], renderFPS: 50)
    public let renderMode: RenderMode?
    public let renderSize: RenderSize
    /// The canvas frames are drawn on.
    public private(set) lazy var canvas = Canvas(width: renderSize.width, height: renderSize.height)

    private var world: PhysicsWorld?
    private var hull: CB2Body?
    private var legs: [CB2Body] = []
    private var joints: [CB2Joint] = []
    private var lowerLegContacts = [false, false]
    private var gameOver = false
    private var previousShaping: Double?
    private var generator = RandomGenerator()
    private var terrainX: [Double] = [], terrainY: [Double] = []
    private var obstacles: [[Point]] = []
    private var lidarFractions = [Float](repeating: 1, count: 10)

    private static let hullTag: UInt = 1, lowerLegTags: [UInt] = [11, 13], groundTag: UInt = 100

    /// A walker; `hardcore` adds stumps, stairs and pits.
    public init(hardcore: Bool = false, renderMode: RenderMode? = nil, renderSize: RenderSize = BipedalWalker.referenceRenderSize) {
        self.hardcore = hardcore
        self.renderMode = renderMode
        self.renderSize = renderSize
        let pi = Float(Double.pi)
        let high: [Float] = [pi, 5, 5, 5, pi, 5, pi, 5, 5, pi, 5, pi, 5, 5] + [Float](repeating: 1, count: 10)
        let low: [Float] = [-pi, -5, -5, -5, -pi, -5, -pi, -5, 0, -pi, -5, -pi, -5, 0] + [Float](repeating: -1, count: 10)
        observationSpace = .box(Box(low: low, high: high))
    }

    /// A walker from `make` options (render size only).
    public convenience init(hardcore: Bool, options: Options, renderMode: RenderMode?) throws {
        let owner = hardcore ? "BipedalWalkerHardcore" : "BipedalWalker"
        try options.requireKnownKeys(RenderSize.optionNames, for: owner)
        self.init(
            hardcore: hardcore, renderMode: renderMode,
            renderSize: try RenderSize(options: options, reference: Self.referenceRenderSize, for: owner))
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        try options.requireKnownKeys([], for: "BipedalWalker.reset")
        if let seed { generator = try RandomGenerator(validatingSeed: seed) }
        let world = PhysicsWorld(gravityX: 0, gravityY: -10)
        self.world = world
        gameOver = false
        previousShaping = nil
        lowerLegContacts = [false, false]
        generateTerrain(in: world)

        let initialX = Self.terrainStep * Double(Self.terrainStartPad) / 2, initialY = Self.terrainHeight + 2 * Self.legHeight
        let hull = world.createBody(type: 2, x: Float(initialX), y: Float(initialY), userData: Self.hullTag)
        let vertices = Self.hullPolygon.flatMap { [Float($0.0 / Self.scale), Float($0.1 / Self.scale)] }
        cb2_fixture_polygon(
            hull, vertices, Int32(Self.hullPolygon.count), fixtureOptions(density: 5, friction: 0.1, category: 0x20, mask: 0x001))
        cb2_body_apply_force_to_center(hull, Float(generator.uniform(-Self.initialRandom, Self.initialRandom)), 0, 1)
        self.hull = hull
        legs = []
        joints = []
        for (index, side) in [-1.0, 1.0].enumerated() {
            let leg = world.createBody(
                type: 2, x: Float(initialX), y: Float(initialY - Self.legHeight / 2 - Self.legDown),
                angle: Float(side * 0.05), userData: UInt(10 + 2 * index))
            cb2_fixture_box(
                leg, Float(Self.legWidth / 2), Float(Self.legHeight / 2), fixtureOptions(density: 1, category: 0x20, mask: 0x001))
            joints.append(
                cb2_revolute_joint_create(
                    world.handle, hull, leg, 0, Float(Self.legDown), 0, Float(Self.legHeight / 2),
                    1, Float(side), Float(Self.motorsTorque), 1, -0.8, 1.1))
            let lower = world.createBody(
                type: 2, x: Float(initialX), y: Float(initialY - Self.legHeight * 3 / 2 - Self.legDown),
                angle: Float(side * 0.05), userData: Self.lowerLegTags[index])
            cb2_fixture_box(
                lower, Float(0.8 * Self.legWidth / 2), Float(Self.legHeight / 2), fixtureOptions(density: 1, category: 0x20, mask: 0x001))
            joints.append(
                cb2_revolute_joint_create(
                    world.handle, leg, lower, 0, Float(-Self.legHeight / 2), 0, Float(Self.legHeight / 2),
                    1, 1, Float(Self.motorsTorque), 1, -1.6, -0.1))
            legs.append(leg)
            legs.append(lower)
        }
        _ = try advance([0, 0, 0, 0], into: observation)
        return [:]
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        try actionSpace.validate(action: action)
        guard hull != nil, case .continuous(let values) = action else {
            throw GymError.stepBeforeReset("BipedalWalker.step was called before reset: call reset(seed:options:) first")
        }
        return try advance(values, into: observation)
    }

    private func advance(_ action: [Float], into observation: ObservationBuffer) throws -> StepResult {
        guard let world, let hull else { throw GymError.stepBeforeReset("BipedalWalker.step was called before reset") }
        let speeds = [Self.speedHip, Self.speedKnee, Self.speedHip, Self.speedKnee]
        for index in 0..<4 {
            let value = Double(action[index])
            let sign: Double = value > 0 ? 1 : (value < 0 ? -1 : 0)
            cb2_revolute_joint_set_motor(joints[index], Float(speeds[index] * sign), Float(Self.motorsTorque * min(abs(value), 1)))
        }
        world.step(Float(1 / Self.fps), velocityIterations: 6 * 30, positionIterations: 2 * 30)
        for event in world.contactEvents() {
            let bodies = [event.bodyA, event.bodyB]
            if event.began != 0 && bodies.contains(Self.hullTag) { gameOver = true }
            for leg in 0..<2 where bodies.contains(Self.lowerLegTags[leg]) { lowerLegContacts[leg] = event.began != 0 }
        }
        let position = transform(of: hull), speed = velocity(of: hull)
        for ray in 0..<10 {
            let angle = 1.5 * Double(ray) / 10
            var fraction: Float = 1, hitX: Float = 0, hitY: Float = 0, tag: UInt = 0
            let hit = cb2_world_ray_cast(
                world.handle, position.x, position.y,
                Float(Double(position.x) + sin(angle) * Self.lidarRange), Float(Double(position.y) - cos(angle) * Self.lidarRange),
                0x0001, &fraction, &hitX, &hitY, &tag)
            lidarFractions[ray] = hit != 0 ? fraction : 1
        }
        var state: [Double] = [
            Double(position.angle), 2 * Double(speed.angular) / Self.fps,
            0.3 * Double(speed.x) * (Self.viewportWidth / Self.scale) / Self.fps,
            0.3 * Double(speed.y) * (Self.viewportHeight / Self.scale) / Self.fps,
        ]
        for leg in 0..<2 {
            state += [
                Double(cb2_revolute_joint_angle(joints[2 * leg])), Double(cb2_revolute_joint_speed(joints[2 * leg])) / Self.speedHip,
                Double(cb2_revolute_joint_angle(joints[2 * leg + 1])) + 1,
                Double(cb2_revolute_joint_speed(joints[2 * leg + 1])) / Self.speedKnee,
                lowerLegContacts[leg] ? 1 : 0,
            ]
        }
        for index in 0..<14 { observation.floats[index] = Float(state[index]) }
        for ray in 0..<10 { observation.floats[14 + ray] = lidarFractions[ray] }

        let x = Double(position.x)
        var shaping = 130 * x / Self.scale
        shaping -= 5 * abs(state[0])
        var reward = previousShaping.map { shaping - $0 } ?? 0
        previousShaping = shaping
        for value in action { reward -= 0.00035 * Self.motorsTorque * min(abs(Double(value)), 1) }
        var terminated = false
        if gameOver || x < 0 {
            reward = -100
            terminated = true
        }
        if x > Double(Self.terrainLength - Self.terrainGrass) * Self.terrainStep { terminated = true }
        return StepResult(reward: reward, terminated: terminated)
    }

    /// Gymnasium's `_generate_terrain`: a random walk of grass, and in hardcore mode stumps, stairs and pits.
    private func generateTerrain(in world: PhysicsWorld) {
        enum Kind: Int { case grass = 0, stump, stairs, pit }
        var state = Kind.grass
        var velocity = 0.0, y = Self.terrainHeight
        var counter = Self.terrainStartPad
        var oneShot = false
        var stairSteps = 0, stairWidth = 0, stairHeight = 0
        var originalY = 0.0
        terrainX = []
        terrainY = []
        obstacles = []
        let step = Self.terrainStep
        func addObstacle(_ polygon: [Point]) {
            let body = world.createBody(type: 0, x: 0, y: 0, userData: Self.groundTag)
            cb2_fixture_polygon(
                body, polygon.flatMap { [Float($0.x), Float($0.y)] }, Int32(polygon.count), fixtureOptions(friction: Self.friction))
            obstacles.append(polygon)
        }
        for index in 0..<Self.terrainLength {
            let x = Double(index) * step
            terrainX.append(x)
            if state == .grass && !oneShot {
                velocity = 0.8 * velocity + 0.01 * (Self.terrainHeight - y > 0 ? 1 : (Self.terrainHeight - y < 0 ? -1 : 0))
                if index > Self.terrainStartPad { velocity += generator.uniform(-1, 1) / Self.scale }
                y += velocity
            } else if state == .pit && oneShot {
                counter = 3 + generator.integer(below: 2)
                let polygon = [Point(x, y), Point(x + step, y), Point(x + step, y - 4 * step), Point(x, y - 4 * step)]
                addObstacle(polygon)
                addObstacle(polygon.map { Point($0.x + step * Double(counter), $0.y) })
                counter += 2
                originalY = y
            } else if state == .pit && !oneShot {
                y = originalY
                if counter > 1 { y -= 4 * step }
            } else if state == .stump && oneShot {
                counter = 1 + generator.integer(below: 2)
                let size = Double(counter) * step
                addObstacle([Point(x, y), Point(x + size, y), Point(x + size, y + size), Point(x, y + size)])
            } else if state == .stairs && oneShot {
                stairHeight = generator.uniform() > 0.5 ? 1 : -1
                stairWidth = 4
                stairSteps = 3 + generator.integer(below: 2)
                originalY = y
                for s in 0..<stairSteps {
                    let left = x + Double(s * stairWidth) * step, right = x + Double((1 + s) * stairWidth) * step
                    let top = y + Double(s * stairHeight) * step, bottom = y + Double(-1 + s * stairHeight) * step
                    addObstacle([Point(left, top), Point(right, top), Point(right, bottom), Point(left, bottom)])
                }
                counter = stairSteps * stairWidth
            } else if state == .stairs && !oneShot {
                let s = Double(stairSteps * stairWidth - counter - stairHeight)
                y = originalY + s / Double(stairWidth) * Double(stairHeight) * step
            }
            oneShot = false
            terrainY.append(y)
            counter -= 1
            if counter == 0 {
                counter = Self.terrainGrass / 2 + generator.integer(below: Self.terrainGrass - Self.terrainGrass / 2)
                if state == .grass && hardcore {
                    state = Kind(rawValue: 1 + generator.integer(below: 3))!
                } else {
                    state = .grass
                }
                oneShot = true
            }
        }
        let ground = world.createBody(type: 0, x: 0, y: 0, userData: Self.groundTag)
        for index in 0..<(Self.terrainLength - 1) {
            cb2_fixture_edge(
                ground, Float(terrainX[index]), Float(terrainY[index]), Float(terrainX[index + 1]), Float(terrainY[index + 1]),
                fixtureOptions(friction: Self.friction, category: 1))
        }
    }

    /// Gymnasium's heuristic walker (BipedalWalkerHeuristics), one per episode.
    public final class Heuristic {
        private enum Phase { case stayOnOneLeg, putOtherDown, pushOff }
        private static let speed: Float = 0.29, supportKneeAngle: Float = 0.1
        private var phase = Phase.stayOnOneLeg
        private var movingLeg = 0, supportingLeg = 1
        private var supportingKneeAngle: Float = Heuristic.supportKneeAngle

        /// A controller in its initial phase.
        public init() {}

        /// The action for observation `s`.
        public func action(_ s: [Float]) -> Action {
            let movingBase = 4 + 5 * movingLeg, supportingBase = 4 + 5 * supportingLeg
            var hipTarget: [Float?] = [nil, nil], kneeTarget: [Float?] = [nil, nil]
            var hipTodo: [Float] = [0, 0], kneeTodo: [Float] = [0, 0]
            if phase == .stayOnOneLeg {
                hipTarget[movingLeg] = 1.1
                kneeTarget[movingLeg] = -0.6
                supportingKneeAngle += 0.03
                if s[2] > Self.speed { supportingKneeAngle += 0.03 }
                supportingKneeAngle = min(supportingKneeAngle, Self.supportKneeAngle)
                kneeTarget[supportingLeg] = supportingKneeAngle
                if s[supportingBase] < 0.1 { phase = .putOtherDown }
            }
            if phase == .putOtherDown {
                hipTarget[movingLeg] = 0.1
                kneeTarget[movingLeg] = Self.supportKneeAngle
                kneeTarget[supportingLeg] = supportingKneeAngle
                if s[movingBase + 4] != 0 {
                    phase = .pushOff
                    supportingKneeAngle = min(s[movingBase + 2], Self.supportKneeAngle)
                }
            }
            if phase == .pushOff {
                kneeTarget[movingLeg] = supportingKneeAngle
                kneeTarget[supportingLeg] = 1.0
                if s[supportingBase + 2] > 0.88 || s[2] > 1.2 * Self.speed {
                    phase = .stayOnOneLeg
                    movingLeg = 1 - movingLeg
                    supportingLeg = 1 - movingLeg
                }
            }
            // Python's truthiness: a target of 0 counts as absent.
            if let target = hipTarget[0], target != 0 { hipTodo[0] = 0.9 * (target - s[4]) - 0.25 * s[5] }
            if let target = hipTarget[1], target != 0 { hipTodo[1] = 0.9 * (target - s[9]) - 0.25 * s[10] }
            if let target = kneeTarget[0], target != 0 { kneeTodo[0] = 4.0 * (target - s[6]) - 0.25 * s[7] }
            if let target = kneeTarget[1], target != 0 { kneeTodo[1] = 4.0 * (target - s[11]) - 0.25 * s[12] }
            for leg in 0..<2 {
                hipTodo[leg] -= 0.9 * (0 - s[0]) - 1.5 * s[1]
                kneeTodo[leg] -= 15.0 * s[3]
            }
            return .continuous([hipTodo[0], kneeTodo[0], hipTodo[1], kneeTodo[1]].map { min(max(0.5 * $0, -1), 1) })
        }
    }

    /// A side view following the hull, in Gymnasium's colours.
    public func draw(on canvas: Canvas) {
        let hullX = hull.map { Double(transform(of: $0).x) } ?? 0
        let scroll = hullX - Self.viewportWidth / Self.scale / 5
        canvas.transform = Transform(
            scale: Double(canvas.width) / Self.viewportWidth * Self.scale,
            verticalScale: Double(canvas.height) / Self.viewportHeight * Self.scale, worldOrigin: Point(scroll, 0))
        canvas.clear(Color(215, 215, 255))
        let right = scroll + Self.viewportWidth / Self.scale
        for index in 0..<max(0, terrainX.count - 1) where terrainX[index + 1] >= scroll && terrainX[index] <= right {
            canvas.fillPolygon(
                [
                    Point(terrainX[index], terrainY[index]), Point(terrainX[index + 1], terrainY[index + 1]),
                    Point(terrainX[index + 1], 0), Point(terrainX[index], 0),
                ], Color(102, 153, 76))
            canvas.drawLine(
                from: Point(terrainX[index], terrainY[index]), to: Point(terrainX[index + 1], terrainY[index + 1]),
                lineWidth: 2 / Self.scale, Color(76, index % 2 == 0 ? 255 : 204, 76))
        }
        for polygon in obstacles where polygon.contains(where: { $0.x >= scroll && $0.x <= right }) {
            canvas.fillPolygon(polygon, .white)
            canvas.strokePolygon(polygon, lineWidth: 1 / Self.scale, Color(153, 153, 153))
        }
        let flagX = Self.terrainStep * 3, flagBottom = Self.terrainHeight, flagTop = flagBottom + 50 / Self.scale
        canvas.drawLine(from: Point(flagX, flagBottom), to: Point(flagX, flagTop), lineWidth: 1 / Self.scale, .black)
        canvas.fillPolygon(
            [Point(flagX, flagTop), Point(flagX, flagTop - 10 / Self.scale), Point(flagX + 25 / Self.scale, flagTop - 5 / Self.scale)],
            Color(230, 51, 0))
        for (index, leg) in legs.enumerated() {
            let pose = transform(of: leg)
            let side = Double(index < 2 ? -1 : 1)
            let halfWidth = (index % 2 == 0 ? 1 : 0.8) * Self.legWidth / 2, halfHeight = Self.legHeight / 2
            let polygon = [
                Point(-halfWidth, -halfHeight), Point(halfWidth, -halfHeight), Point(halfWidth, halfHeight), Point(-halfWidth, halfHeight),
            ]
            .map { $0.rotated(by: Double(pose.angle)) + Point(Double(pose.x), Double(pose.y)) }
            canvas.fillPolygon(polygon, Color(UInt8(153 - side * 25), UInt8(76 - side * 25), UInt8(127 - side * 25)))
            canvas.strokePolygon(
                polygon, lineWidth: 1 / Self.scale, Color(UInt8(102 - side * 25), UInt8(51 - side * 25), UInt8(76 - side * 25)))
        }
        if let hull {
            let pose = transform(of: hull)
            let polygon = Self.hullPolygon.map {
                Point($0.0 / Self.scale, $0.1 / Self.scale).rotated(by: Double(pose.angle)) + Point(Double(pose.x), Double(pose.y))
            }
            canvas.fillPolygon(polygon, Color(127, 51, 229))
            canvas.strokePolygon(polygon, lineWidth: 1 / Self.scale, Color(76, 76, 127))
        }
    }
}
