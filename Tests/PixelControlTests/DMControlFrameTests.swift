import Foundation
import Testing

@testable import Gym
@testable import PixelControl
@testable import Render

/// dm_control's 84x84 frames of camera 0 (MuJoCo's renderer, written by tools/make_dm_control_frames.py)
/// beside the scenes' frames of the same states.
struct DMControlFrames: Decodable {
    struct Entry: Decodable {
        let domain: String
        let qpos: [Double]
        let target: [Double]?
        let rgb: String
        /// Pixel coordinates (x, y) of the centroid of one body in MuJoCo's segmentation.
        let centroid: [Double]
    }
    let size: Int
    let frames: [Entry]

    static let loaded: DMControlFrames? = {
        guard let url = Bundle.module.url(forResource: "dm_control_frames", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { return nil }
        return try? JSONDecoder().decode(DMControlFrames.self, from: data)
    }()
}

/// Our frame of a fixture entry's state, at the fixture's size.
func sceneFrame(_ entry: DMControlFrames.Entry, size: Int) throws -> Frame {
    let renderSize = RenderSize(width: size, height: size)
    let q = entry.qpos
    let scene: any CanvasScene
    switch entry.domain {
    case "cartpole":
        let cartpole = CartpoleSwingup(renderMode: .rgbArray, renderSize: renderSize)
        cartpole.state = .init(x: q[0], theta: q[1], xDot: 0, thetaDot: 0)
        scene = cartpole
    case "reacher":
        let reacher = ReacherEasy(renderMode: .rgbArray, renderSize: renderSize)
        let target = entry.target ?? [0, 0]
        reacher.state = .init(shoulder: q[0], wrist: q[1], shoulderVelocity: 0, wristVelocity: 0, targetX: target[0], targetY: target[1])
        scene = reacher
    default:
        let pendulum = PendulumSwingup(renderMode: .rgbArray, renderSize: renderSize)
        pendulum.state = .init(theta: q[0], thetaDot: 0)
        scene = pendulum
    }
    return try #require(try scene.render())
}

@Suite("dm_control's camera and look")
struct DMControlFrameTests {
    static var cases: [Int] { Array(0..<(DMControlFrames.loaded?.frames.count ?? 0)) }

    @Test("the fixture loads and covers the three tasks")
    func fixtureLoads() throws {
        let fixture = try #require(DMControlFrames.loaded)
        #expect(Set(fixture.frames.map(\.domain)) == ["cartpole", "reacher", "pendulum"] && fixture.frames.count == 9)
    }

    /// The mean absolute difference from MuJoCo's frame over all pixels and channels.
    func compare(_ index: Int) throws -> (meanAbsoluteError: Double, frame: Frame) {
        let fixture = try #require(DMControlFrames.loaded)
        let entry = fixture.frames[index]
        let reference = try #require(Data(base64Encoded: entry.rgb)).map { $0 }
        let frame = try sceneFrame(entry, size: fixture.size)
        let error = zip(frame.pixels, reference).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        return (Double(error) / Double(reference.count), frame)
    }

    /// The mean absolute pixel error against MuJoCo's frame of the same state is at most 10 (measured:
    /// cartpole 3.1-3.4, pendulum 2.1-2.7, reacher 7.7-8.0; the old flat side views were 20-30).
    @Test("frames are close to MuJoCo's", arguments: cases)
    func meanAbsoluteError(_ index: Int) throws {
        let result = try compare(index)
        let entry = try #require(DMControlFrames.loaded?.frames[index])
        #expect(result.meanAbsoluteError <= 10, "\(entry.domain) \(entry.qpos): mean absolute error \(result.meanAbsoluteError)")
    }

    /// Camera geometry: one body's centre (the cart, the pendulum's mass, the reacher's target) projects
    /// within 1 pixel of the centroid of its pixels in MuJoCo's frame.
    @Test("bodies land where MuJoCo's camera puts them", arguments: cases)
    func cameraGeometry(_ index: Int) throws {
        let entry = try #require(DMControlFrames.loaded?.frames[index])
        let q = entry.qpos, size = try #require(DMControlFrames.loaded?.size)
        let (camera, centre): (PerspectiveCamera, SIMD3<Double>)
        switch entry.domain {
        case "cartpole": (camera, centre) = (CartpoleSwingup.look.camera, SIMD3(q[0], 0, 1))
        case "reacher":
            let target = entry.target ?? [0, 0]
            (camera, centre) = (ReacherEasy.look.camera, SIMD3(target[0], target[1], 0.01))
        default:
            (camera, centre) = (
                PendulumSwingup.look.camera, PendulumSwingup.pivot + SIMD3(sin(q[0]), 0, cos(q[0])) * PendulumSwingup.length
            )
        }
        let pixel = camera.project(centre, width: size, height: size).pixel
        let distance =
            ((pixel.x - entry.centroid[0]) * (pixel.x - entry.centroid[0]) + (pixel.y - entry.centroid[1]) * (pixel.y - entry.centroid[1]))
            .squareRoot()
        #expect(distance <= 1, "\(entry.domain) \(entry.qpos): projected at \(pixel), MuJoCo's centroid \(entry.centroid)")
    }
}
