import CBox2D
import Foundation
import Gym
import Render

/// CarRacing-v3 on Box2D 2.4.1 (environments.md section 3, Gymnasium's car_racing.py): drive a
/// rear-wheel-drive car round a random closed track seen from above. Observations are the 96x96
/// RGB state pixels with the HUD, as Gymnasium's (height, width, 3) uint8 array, or (3, 96, 96) with
/// the option `channel_first`. Reward -0.1 per frame and +1000/N for each of the N tiles first
/// touched by a wheel; terminated when every tile is visited or the lap closes after
/// `lap_complete_percent` of them, or with -100 when the car leaves the playfield.
/// Actions: Box([-1, 0, 0], [1, 1, 1]) (steer, gas, brake) or, with `continuous: false`,
/// Discrete(5): noop, right, left, gas, brake (Gymnasium's mapping). `domain_randomize` draws road,
/// background and grass colours at every reset (reset option `randomize: false` keeps them).
public final class CarRacing: CanvasScene {
    /// The observation's size in pixels (STATE_W, STATE_H).
    public static let stateWidth = 96, stateHeight = 96
    /// The rgb_array frame size (VIDEO_W x VIDEO_H).
    public static let videoSize = RenderSize(width: 600, height: 400)
    /// The window Gymnasium lays its scene and HUD out in (WINDOW_W x WINDOW_H); frames scale it.
    public static let windowWidth = 1000.0, windowHeight = 800.0
    /// Track scale, frame rate and camera zoom (SCALE, FPS, ZOOM).
    public static let scale = 6.0, fps = 50.0, zoom = 2.7
    /// Half the side of the square the car must stay in (PLAYFIELD).
    public static let playfield = 2000.0 / scale
    static let grassDimension = playfield / 20
    static let defaultRoadColor = (102.0, 102.0, 102.0), defaultBackgroundColor = (102.0, 204.0, 102.0),
        defaultGrassColor = (102.0, 230.0, 102.0)

    /// Whether actions are Box([-1, 0, 0], [1, 1, 1]) rather than Discrete(5).
    public let continuous: Bool
    /// Whether road, background and grass colours are drawn at random at every reset.
    public let domainRandomize: Bool
    /// The fraction of tiles to visit before touching the first tile again ends the lap (0.95).
    public let lapCompletePercent: Double
    /// Whether observations are (3, 96, 96) instead of Gymnasium's (96, 96, 3).
    public let channelFirst: Bool

    public let observationSpace: Space
    public let actionSpace: Space
    public let metadata = EnvironmentMetadata(renderModes: [.rgbArray, .human], renderFPS: 50)
    public let renderMode: RenderMode?
    public let renderSize: RenderSize
    /// The canvas `render()` draws on (600x400 by default).
    public private(set) lazy var canvas = Canvas(width: renderSize.width, height: renderSize.height, supersampling: 2)
    /// The canvas observations are drawn on (96x96, drawn at twice the size and averaged, as
    /// Gymnasium's smooth downscale of its 1000x800 surface).
    private let stateCanvas = Canvas(width: stateWidth, height: stateHeight, supersampling: 2)

    private var world: PhysicsWorld?
    private(set) var car: RacingCar?
    private(set) var track: RaceTrack?
    private var polygons: [RaceTrack.Polygon] = []
    /// Each drawn polygon's centre and radius (for culling what the camera cannot see).
    private var polygonBounds: [(x: Double, y: Double, radius: Double)] = []
    private var tileColors: [(Double, Double, Double)] = []
    private var tileVisited: [Bool] = []
    private var roadColor = defaultRoadColor, backgroundColor = defaultBackgroundColor, grassColor = defaultGrassColor
    /// The current road, background and grass colours (random per reset with domain_randomize).
    public var colors: (road: Color, background: Color, grass: Color) {
        (Self.color(roadColor), Self.color(backgroundColor), Self.color(grassColor))
    }
    /// Accumulated reward (tiles minus time), as Gymnasium's `self.reward`.
    public private(set) var score = 0.0
    private var previousScore = 0.0
    /// Tiles visited so far, and the track's tile count.
    public private(set) var visitedTileCount = 0
    public var tileCount: Int { track?.nodes.count ?? 0 }
    private var time = 0.0
    private var newLap = false
    private var generator = RandomGenerator()

    private static let hullTag: UInt = 1
    private static let wheelTags: [UInt] = [2, 3, 4, 5]
    private static let firstTileTag: UInt = 100

    /// A car race with Gymnasium's defaults.
    public init(
        continuous: Bool = true, domainRandomize: Bool = false, lapCompletePercent: Double = 0.95, channelFirst: Bool = false,
        renderMode: RenderMode? = nil, renderSize: RenderSize = CarRacing.videoSize
    ) throws {
        guard lapCompletePercent > 0 && lapCompletePercent <= 1 else {
            throw GymError.invalidOption("CarRacing lap_complete_percent must lie in (0, 1], got \(lapCompletePercent)")
        }
        self.continuous = continuous
        self.domainRandomize = domainRandomize
        self.lapCompletePercent = lapCompletePercent
        self.channelFirst = channelFirst
        self.renderMode = renderMode
        self.renderSize = renderSize
        let shape = channelFirst ? [3, Self.stateHeight, Self.stateWidth] : [Self.stateHeight, Self.stateWidth, 3]
        observationSpace = .box(Box(low: 0, high: 255, shape: shape, dtype: .uint8))
        actionSpace = continuous ? .box(Box(low: [-1, 0, 0], high: [1, 1, 1])) : .discrete(Discrete(5))
    }

    /// A race from `make` options: continuous, domain_randomize, lap_complete_percent,
    /// channel_first, render size.
    public convenience init(options: Options, renderMode: RenderMode?) throws {
        let owner = "CarRacing"
        try options.requireKnownKeys(
            ["continuous", "domain_randomize", "lap_complete_percent", "channel_first"] + RenderSize.optionNames, for: owner)
        try self.init(
            continuous: options.flag("continuous", default: true, for: owner),
            domainRandomize: options.flag("domain_randomize", default: false, for: owner),
            lapCompletePercent: options.number("lap_complete_percent", default: 0.95, for: owner),
            channelFirst: options.flag("channel_first", default: false, for: owner),
            renderMode: renderMode, renderSize: RenderSize(options: options, reference: Self.videoSize, for: owner))
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        try options.requireKnownKeys(["randomize"], for: "CarRacing.reset")
        let randomize = try options.flag("randomize", default: true, for: "CarRacing.reset")
        if options["randomize"] != nil && !domainRandomize {
            throw GymError.invalidOption("CarRacing.reset option 'randomize' needs the environment made with domain_randomize = true")
        }
        if let seed { generator = try RandomGenerator(validatingSeed: seed) }
        if domainRandomize && randomize {
            roadColor = (generator.uniform(0, 210), generator.uniform(0, 210), generator.uniform(0, 210))
            backgroundColor = (generator.uniform(0, 210), generator.uniform(0, 210), generator.uniform(0, 210))
            grassColor = backgroundColor
            switch generator.integer(below: 3) {
            case 0: grassColor.0 += 20
            case 1: grassColor.1 += 20
            default: grassColor.2 += 20
            }
        }
        let world = PhysicsWorld(gravityX: 0, gravityY: 0)  // the previous world goes with all its bodies
        self.world = world
        score = 0
        previousScore = 0
        visitedTileCount = 0
        time = 0
        newLap = false

        let track = RaceTrack.generate(using: &generator)
        self.track = track
        polygons = track.polygons()
        polygonBounds = polygons.map { polygon in
            let centreX = polygon.points.map(\.x).reduce(0, +) / Double(polygon.points.count)
            let centreY = polygon.points.map(\.y).reduce(0, +) / Double(polygon.points.count)
            var radius = 0.0
            for point in polygon.points {
                let dx = point.x - centreX, dy = point.y - centreY
                radius = max(radius, (dx * dx + dy * dy).squareRoot())
            }
            return (centreX, centreY, radius)
        }
        tileVisited = [Bool](repeating: false, count: track.nodes.count)
        tileColors = (0..<track.nodes.count).map { index in
            let shade = 0.01 * Double(index % 3) * 255
            return (roadColor.0 + shade, roadColor.1 + shade, roadColor.2 + shade)
        }
        for polygon in polygons where !polygon.isBorder {
            let body = world.createBody(type: 0, x: 0, y: 0, userData: Self.firstTileTag + UInt(polygon.tile))
            let vertices = polygon.points.flatMap { [Float($0.x), Float($0.y)] }
            cb2_fixture_polygon(body, vertices, 4, fixtureOptions(sensor: true))
        }
        let start = track.nodes[0]
        car = RacingCar(world: world, angle: start.beta, x: start.x, y: start.y, hullTag: Self.hullTag, wheelTags: Self.wheelTags)
        // Gymnasium returns the state after one step without an action.
        _ = advance(nil, into: observation)
        return [:]
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        try actionSpace.validate(action: action)
        guard car != nil else { throw GymError.stepBeforeReset("CarRacing.step was called before reset: call reset(seed:options:) first") }
        return advance(action, into: observation)
    }

    private func advance(_ action: Action?, into observation: ObservationBuffer) -> StepResult {
        guard let world, let car, let track else { return StepResult(reward: 0, terminated: false) }
        switch action {
        case .continuous(let values)?:
            car.steer(-Double(values[0]))
            car.gas(Double(values[1]))
            car.brake(Double(values[2]))
        case .discrete(let index)?:
            car.steer(index == 1 ? -0.6 : (index == 2 ? 0.6 : 0))
            car.gas(index == 3 ? 0.2 : 0)
            car.brake(index == 4 ? 0.8 : 0)
        case nil:
            break
        }
        car.step(1 / Self.fps)
        world.step(Float(1 / Self.fps), velocityIterations: 6 * 30, positionIterations: 2 * 30)
        handleContacts(world.contactEvents(), car: car, tileCount: track.nodes.count)
        time += 1 / Self.fps

        drawScene(on: stateCanvas, skidMarks: false)
        stateCanvas.write(into: observation.bytes, channelFirst: channelFirst)

        guard action != nil else { return StepResult(reward: 0, terminated: false) }
        score -= 0.1
        var reward = score - previousScore
        previousScore = score
        var terminated = false
        var info: Info = [:]
        if visitedTileCount == track.nodes.count || newLap {
            terminated = true
            info["lap_finished"] = .bool(true)
        }
        let hull = transform(of: car.hull)
        if abs(Double(hull.x)) > Self.playfield || abs(Double(hull.y)) > Self.playfield {
            terminated = true
            info["lap_finished"] = .bool(false)
            reward = -100
        }
        return StepResult(reward: reward, terminated: terminated, info: info)
    }

    /// Gymnasium's FrictionDetector: any touch repaints the tile in the road colour; a wheel's first
    /// touch of a tile pays 1000/N; touching tile 0 after enough tiles closes the lap.
    private func handleContacts(_ events: ArraySlice<CB2ContactEvent>, car: RacingCar, tileCount: Int) {
        for event in events {
            let tileTag: UInt, other: UInt
            if event.bodyA >= Self.firstTileTag {
                tileTag = event.bodyA; other = event.bodyB
            } else if event.bodyB >= Self.firstTileTag {
                tileTag = event.bodyB; other = event.bodyA
            } else {
                continue
            }
            let tile = Int(tileTag - Self.firstTileTag)
            tileColors[tile] = roadColor
            guard let wheel = Self.wheelTags.firstIndex(of: other) else { continue }
            if tile == 0 && Double(visitedTileCount) / Double(tileCount) > lapCompletePercent { newLap = true }
            car.setContact(wheel: wheel, tile: tile, touching: event.began != 0)
            if event.began != 0 && !tileVisited[tile] {
                tileVisited[tile] = true
                score += 1000 / Double(tileCount)
                visitedTileCount += 1
            }
        }
    }

    public func draw(on canvas: Canvas) {
        drawScene(on: canvas, skidMarks: true)
    }

    /// Draws what Gymnasium's camera sees: the field, grass squares, road and kerbs, the car (and
    /// skid marks), rotated with the car and placed a quarter up from the bottom, zooming in over
    /// the first second; then the HUD strip.
    private func drawScene(on canvas: Canvas, skidMarks: Bool) {
        canvas.clear(.black)
        guard let car else { return }
        let horizontal = Double(canvas.width) / Self.windowWidth, vertical = Double(canvas.height) / Self.windowHeight
        let zoom = 0.1 * Self.scale * max(1 - time, 0) + Self.zoom * Self.scale * min(time, 1)
        let hull = transform(of: car.hull)
        let carX = Double(hull.x), carY = Double(hull.y)
        canvas.transform = Transform(
            scale: zoom * horizontal, verticalScale: zoom * vertical, worldOrigin: Point(carX, carY),
            pixelOrigin: Point(Double(canvas.width) / 2, Double(canvas.height) / 4), rotation: -Double(hull.angle))
        // What lies farther from the car than the window's farthest corner is not drawn.
        let visibleRadius = (500.0 * 500.0 + 600.0 * 600.0).squareRoot() / zoom

        let field = Self.playfield
        canvas.fillPolygon(
            [Point(field, field), Point(field, -field), Point(-field, -field), Point(-field, field)], Self.color(backgroundColor))
        let grass = Self.color(grassColor), dimension = Self.grassDimension
        for column in stride(from: -20, to: 20, by: 2) {
            for row in stride(from: -20, to: 20, by: 2) {
                let left = dimension * Double(column), bottom = dimension * Double(row)
                let dx = left + dimension / 2 - carX, dy = bottom + dimension / 2 - carY
                if (dx * dx + dy * dy).squareRoot() > visibleRadius + dimension { continue }
                canvas.fillPolygon(
                    [
                        Point(left + dimension, bottom), Point(left, bottom), Point(left, bottom + dimension),
                        Point(left + dimension, bottom + dimension),
                    ], grass)
            }
        }
        for (index, polygon) in polygons.enumerated() {
            let bounds = polygonBounds[index]
            let dx = bounds.x - carX, dy = bounds.y - carY
            if (dx * dx + dy * dy).squareRoot() > visibleRadius + bounds.radius { continue }
            let color: Color
            if polygon.isBorder {
                color = polygon.isWhiteBorder ? .white : Color(255, 0, 0)
            } else {
                color = Self.color(tileColors[polygon.tile])
            }
            canvas.fillPolygon(polygon.points, color)
        }
        car.draw(on: canvas, skidMarks: skidMarks)
        drawIndicators(on: canvas, car: car, horizontal: horizontal, vertical: vertical)
    }

    /// The HUD: a black strip along the bottom with the speed, four ABS bars, the steering angle,
    /// the gyroscope and the score, laid out in 1000x800 window units as Gymnasium's.
    private func drawIndicators(on canvas: Canvas, car: RacingCar, horizontal: Double, vertical: Double) {
        let width = Self.windowWidth, height = Self.windowHeight
        let s = width / 40, h = height / 40
        func fill(_ points: [(Double, Double)], _ color: Color) {
            canvas.fillPolygon(pixels: points.map { Point($0.0 * horizontal, $0.1 * vertical) }, color)
        }
        fill([(width, height), (width, height - 5 * h), (0, height - 5 * h), (0, height)], .black)
        let trueSpeed = carSpeed(car)
        func verticalBar(_ place: Double, _ value: Double, _ color: Color) {
            guard abs(value) > 1e-4 else { return }
            fill(
                [
                    (place * s, height - (h + h * value)), ((place + 1) * s, height - (h + h * value)), ((place + 1) * s, height - h),
                    (place * s, height - h),
                ], color)
        }
        func horizontalBar(_ place: Double, _ value: Double, _ color: Color) {
            guard abs(value) > 1e-4 else { return }
            fill(
                [
                    (place * s, height - 4 * h), ((place + value) * s, height - 4 * h), ((place + value) * s, height - 2 * h),
                    (place * s, height - 2 * h),
                ], color)
        }
        let speed = velocity(of: car.hull)
        verticalBar(5, 0.02 * trueSpeed, .white)
        let wheels = car.wheels
        verticalBar(7, 0.01 * wheels[0].omega, Color(0, 0, 255))
        verticalBar(8, 0.01 * wheels[1].omega, Color(0, 0, 255))
        verticalBar(9, 0.01 * wheels[2].omega, Color(51, 0, 255))
        verticalBar(10, 0.01 * wheels[3].omega, Color(51, 0, 255))
        horizontalBar(20, -10 * Double(cb2_revolute_joint_angle(wheels[0].joint)), Color(0, 255, 0))
        horizontalBar(30, -0.8 * Double(speed.angular), Color(255, 0, 0))

        // Score as "%04i", white, centred at (60, 750) in window units, about 30 units tall.
        let text = String(format: "%04d", Int(score))
        let dot: Double = 30.0 / 7 * min(horizontal, vertical)
        let textWidth: Double = Double(text.count * 6 - 1) * dot
        let textCentreY: Double = (height - height * 2.5 / 40) * vertical
        canvas.drawText(text, x: 60 * horizontal - textWidth / 2, y: textCentreY - 3.5 * dot, pixelSize: dot, .white)
    }

    /// The hull's speed in world units per second.
    private func carSpeed(_ car: RacingCar) -> Double {
        let speed = velocity(of: car.hull)
        return (Double(speed.x) * Double(speed.x) + Double(speed.y) * Double(speed.y)).squareRoot()
    }

    private static func color(_ value: (Double, Double, Double)) -> Color {
        Color(UInt8(min(max(value.0, 0), 255)), UInt8(min(max(value.1, 0), 255)), UInt8(min(max(value.2, 0), 255)))
    }
}
