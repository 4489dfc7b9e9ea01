import Foundation
import Testing
import BundledEnvs
@testable import ClassicControl
import Gym
import Render

struct FrameFixture: Decodable, CustomTestStringConvertible {
    let id: String
    let state: [Double]
    let width: Int
    let height: Int
    let thumbnail: [Int]
    var testDescription: String { "\(id) \(state)" }
}

struct FrameFixtureFile: Decodable { let frames: [FrameFixture] }

func loadFrameFixtures() -> [FrameFixture] {
    guard let url = Bundle.module.url(forResource: "gymnasium_frames", withExtension: "json"),
        let data = try? Data(contentsOf: url),
        let file = try? JSONDecoder().decode(FrameFixtureFile.self, from: data)
    else { return [] }
    return file.frames
}

/// Averages 10 x 10 blocks of a frame (as the fixture generator does).
func thumbnail(_ frame: Frame) -> [Double] {
    let columns = frame.width / 10, rows = frame.height / 10
    var result = [Double](repeating: 0, count: columns * rows * 3)
    for y in 0..<(rows * 10) {
        for x in 0..<(columns * 10) {
            for channel in 0..<3 {
                result[((y / 10) * columns + x / 10) * 3 + channel] += Double(frame.pixels[(y * frame.width + x) * 3 + channel]) / 100
            }
        }
    }
    return result
}

@Suite("Classic-control rendering")
struct RenderingTests {
    init() { BundledEnvironments.register() }

    @Test("frames match Gymnasium's renderer (10x10 block averages)", arguments: loadFrameFixtures())
    func matchesGymnasium(_ fixture: FrameFixture) throws {
        let environment = try rawEnvironment(fixture.id, state: fixture.state, renderMode: .rgbArray)
        let frame = try #require(try environment.render())
        #expect(frame.width == fixture.width && frame.height == fixture.height)
        let ours = thumbnail(frame)
        var totalDifference = 0.0, worst = 0.0
        for (mine, theirs) in zip(ours, fixture.thumbnail) {
            let difference = abs(mine - Double(theirs))
            totalDifference += difference
            worst = max(worst, difference)
        }
        let mean = totalDifference / Double(ours.count)
        // Edges differ slightly (Gymnasium antialiases outlines); shapes, places and colours must agree.
        #expect(mean < 1.5, "mean block difference \(mean)")
        #expect(worst < 60, "worst block difference \(worst)")
    }

    @Test("every id renders rgb_array frames at the viewport size and directly at 84x84", arguments: classicIds)
    func sizes(_ id: String) throws {
        let full = try make(id, renderMode: .rgbArray)
        _ = try full.reset(seed: 0)
        let frame = try #require(try full.render())
        let reference: RenderSize =
            id.hasPrefix("CartPole") || id.hasPrefix("MountainCar")
            ? RenderSize(width: 600, height: 400) : RenderSize(width: 500, height: 500)
        #expect(frame.width == reference.width && frame.height == reference.height)
        let small = try make(id, options: ["render_width": 84, "render_height": 84], renderMode: .rgbArray)
        _ = try small.reset(seed: 0)
        let smallFrame = try #require(try small.render())
        #expect(smallFrame.width == 84 && smallFrame.height == 84)
        #expect(Set(smallFrame.pixels).count > 1, "the 84x84 frame is blank")
        #expect(throws: GymError.self) { try make(id, options: ["render_width": 0]) }
        let unrendered = try make(id)
        _ = try unrendered.reset(seed: 0)
        #expect(try unrendered.render() == nil)
    }
}
