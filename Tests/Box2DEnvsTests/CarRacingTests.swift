import Foundation
import Testing
import BundledEnvs
import CBox2D
@testable import Box2DEnvs
@testable import Gym

/// A pure-pursuit driver for tests: steers towards the track node a few tiles ahead of the
/// nearest one and holds a moderate speed.
func pursuitAction(_ race: CarRacing) -> Action {
    let nodes = race.track!.nodes, car = race.car!
    let pose = transform(of: car.hull), speed = velocity(of: car.hull)
    let x = Double(pose.x), y = Double(pose.y), angle = Double(pose.angle)
    var nearest = 0, nearestDistance = Double.infinity
    for (index, node) in nodes.enumerated() {
        let distance = (node.x - x) * (node.x - x) + (node.y - y) * (node.y - y)
        if distance < nearestDistance { nearest = index; nearestDistance = distance }
    }
    let target = nodes[(nearest + 6) % nodes.count]
    let forward = (-sin(angle), cos(angle)), towards = (target.x - x, target.y - y)
    // Positive error: the target lies to the car's left.
    let error = atan2(forward.0 * towards.1 - forward.1 * towards.0, forward.0 * towards.0 + forward.1 * towards.1)
    let currentSpeed = (Double(speed.x) * Double(speed.x) + Double(speed.y) * Double(speed.y)).squareRoot()
    return .continuous([Float(min(max(-3 * error, -1), 1)), currentSpeed < 40 ? 0.5 : 0, 0])
}

@Suite("CarRacing")
struct CarRacingTests {
    init() { BundledEnvironments.register() }

    @Test("continuous and discrete forms pass the environment checker", arguments: [[:], ["continuous": false]] as [Options])
    func checker(_ options: Options) {
        let results = EnvironmentChecker.check(steps: 100) { mode in
            try Registry.shared.make("CarRacing-v3", options: options, renderMode: mode)
        }
        for result in results where !result.passed { Issue.record("CarRacing-v3 \(options) \(result.name): \(result.message)") }
    }

    @Test("a car that follows the track visits nearly every tile and finishes the lap")
    func drivingALap() throws {
        // Unwrapped (no 1000-step limit): the careful driver needs a little longer than that.
        let race = try CarRacing()
        let environment: any Environment = race
        _ = try environment.reset(seed: 1)
        #expect(race.tileCount > 200 && race.tileCount < 400)
        var total = 0.0, steps = 0, lapFinished = false
        while steps < 3000 {
            let transition = try environment.step(pursuitAction(race))
            total += transition.reward
            steps += 1
            if case .bool(true)? = transition.info["lap_finished"] { lapFinished = true }
            if transition.terminated || transition.truncated { break }
        }
        // +1000 spread over the tiles, -0.1 per frame: a finished lap scores 1000 - 0.1 steps.
        #expect(lapFinished, "after \(steps) steps, \(race.visitedTileCount) of \(race.tileCount) tiles, return \(total)")
        #expect(Double(race.visitedTileCount) >= 0.95 * Double(race.tileCount))
        #expect(abs(total - (1000 * Double(race.visitedTileCount) / Double(race.tileCount) - 0.1 * Double(steps))) < 1e-6)
    }

    @Test("gas moves the car forward along its heading, brake stops the wheels; discrete actions map as Gymnasium's")
    func controls() throws {
        let environment = try make("CarRacing-v3", options: ["continuous": false])
        _ = try environment.reset(seed: 2)
        let race = environment.unwrapped as! CarRacing
        let start = transform(of: race.car!.hull)
        for _ in 0..<60 { _ = try environment.step(.discrete(3)) }
        let moved = transform(of: race.car!.hull)
        let heading = (-sin(Double(start.angle)), cos(Double(start.angle)))
        let progress = Double(moved.x - start.x) * heading.0 + Double(moved.y - start.y) * heading.1
        #expect(progress > 5, "the car moved \(progress) along its heading")
        #expect(race.car!.wheels[2].omega > 0 && race.car!.wheels[0].gas == 0)
        // Action 1 steers the front wheels right (negative joint angle), action 2 left.
        for _ in 0..<10 { _ = try environment.step(.discrete(1)) }
        #expect(cb2_revolute_joint_angle(race.car!.wheels[0].joint) < -0.3)
        for _ in 0..<20 { _ = try environment.step(.discrete(2)) }
        #expect(cb2_revolute_joint_angle(race.car!.wheels[0].joint) > 0.3)
        for _ in 0..<30 { _ = try environment.step(.discrete(4)) }
        #expect(race.car!.wheels.allSatisfy { abs($0.omega) < 1e-9 } || velocity(of: race.car!.hull).x.magnitude < 1)
    }

    @Test("observations: 96x96x3 (or 3x96x96), grass and road colours, red car, black HUD strip")
    func observationPixels() throws {
        let environment = try make("CarRacing-v3")
        var observation = try environment.reset(seed: 3).observation
        for _ in 0..<60 { observation = try environment.step(.continuous([0, 0, 0])).observation }
        guard case .uint8(let pixels) = observation else { Issue.record("expected uint8 pixels"); return }
        #expect(pixels.count == 96 * 96 * 3)
        func pixel(_ row: Int, _ column: Int) -> (UInt8, UInt8, UInt8) {
            let index = (row * 96 + column) * 3
            return (pixels[index], pixels[index + 1], pixels[index + 2])
        }
        // The car sits a quarter up from the bottom, in the middle, on the grey road.
        let carRows = 60..<76, carColumns = 44..<52
        var redCount = 0
        for row in carRows {
            for column in carColumns {
                let (r, g, b) = pixel(row, column)
                if r > 150 && g < 60 && b < 60 { redCount += 1 }
            }
        }
        #expect(redCount > 10)
        let road = pixel(40, 48)
        #expect(road.0 == road.1 && road.1 == road.2 && road.0 >= 100 && road.0 <= 110, "\(road)")
        // The bottom 12 rows are the HUD strip: mostly black.
        var blackCount = 0
        for row in 86..<96 {
            for column in 0..<96 where pixel(row, column) == (0, 0, 0) { blackCount += 1 }
        }
        #expect(blackCount > 10 * 96 * 3 / 4)

        let channelFirst = try make("CarRacing-v3", options: ["channel_first": true])
        #expect(channelFirst.observationSpace.shape == [3, 96, 96])
        var planar = try channelFirst.reset(seed: 3).observation
        for _ in 0..<60 { planar = try channelFirst.step(.continuous([0, 0, 0])).observation }
        guard case .uint8(let planes) = planar else { Issue.record("expected uint8 pixels"); return }
        let redPlane: UInt8 = planes[40 * 96 + 48], bluePlane: UInt8 = planes[2 * 9216 + 40 * 96 + 48]
        #expect(redPlane == road.0)
        #expect(bluePlane == road.2)
    }

    @Test("domain randomisation redraws the colours at reset unless randomize is false")
    func domainRandomize() throws {
        let environment = try make("CarRacing-v3", options: ["domain_randomize": true])
        let race = environment.unwrapped as! CarRacing
        _ = try environment.reset(seed: 5)
        let first = race.colors
        _ = try environment.reset(seed: 6)
        let second = race.colors
        _ = try environment.reset(seed: 7, options: ["randomize": false])
        #expect(first.road != second.road && first.background != second.background)
        #expect(race.colors == second)
        #expect(second.grass != second.background)
        let plain = try make("CarRacing-v3")
        #expect(throws: GymError.self) { try plain.reset(seed: 0, options: ["randomize": true]) }
    }

    @Test("invalid options and actions are errors")
    func badInput() throws {
        #expect(throws: GymError.self) { try make("CarRacing-v3", options: ["lap_complete_percent": 1.5]) }
        #expect(throws: GymError.self) { try make("CarRacing-v3", options: ["gears": 3]) }
        let environment = try make("CarRacing-v3")
        _ = try environment.reset(seed: 0)
        #expect(throws: GymError.self) { try environment.step(.continuous([0, -0.5, 0])) }
        #expect(throws: GymError.self) { try environment.step(.continuous([.nan, 0, 0])) }
        #expect(throws: GymError.self) { try environment.step(.discrete(1)) }
    }

    @Test("every generated track closes: the lap's ends meet within one step")
    func trackGeneration() {
        var generator = RandomGenerator(seed: 11)
        for _ in 0..<20 {
            let track = RaceTrack.generate(using: &generator)
            let first = track.nodes[0], last = track.nodes[track.nodes.count - 1]
            let gap = ((first.x - last.x) * (first.x - last.x) + (first.y - last.y) * (first.y - last.y)).squareRoot()
            #expect(gap < 2 * RaceTrack.detailStep + 1e-6)
            #expect(track.polygons().filter { !$0.isBorder }.count == track.nodes.count)
        }
    }
}
