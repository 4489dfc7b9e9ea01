import Foundation
import Testing
@testable import Gym
@testable import Render
@testable import Viewer

@Suite("Viewer", .serialized)
struct ViewerTests {
    @Test("a frame shown in SDL's offscreen window reads back unchanged")
    func offscreenWindow() throws {
        setenv("SDL_VIDEODRIVER", "offscreen", 1)
        let canvas = Canvas(width: 64, height: 48)
        canvas.clear(Color(10, 120, 200))
        canvas.transform = Transform(yUp: false)
        canvas.fillCircle(center: Point(32, 24), radius: 10, Color(250, 200, 0))
        let frame = canvas.frame()
        let window = try ViewerWindow(title: "test", width: 64, height: 48)
        try window.show(frame)
        let captured = try window.capture()
        #expect(captured.width == 64 && captured.height == 48)
        #expect(captured.pixels == frame.pixels)
        #expect(window.pollEvents().isEmpty)
    }

    @Test("keyboard policies map keys to actions and no-ops")
    func keyboard() throws {
        let three = try KeyboardPolicy(space: .discrete(Discrete(3)))
        #expect(three.action(for: []) == .discrete(1))
        #expect(three.action(for: [.left]) == .discrete(0))
        #expect(three.action(for: [.right]) == .discrete(2))
        #expect(three.action(for: [.character("2")]) == .discrete(2))
        let two = try KeyboardPolicy(space: .discrete(Discrete(2)))
        #expect(two.action(for: []) == .discrete(0))
        let box = try KeyboardPolicy(space: .box(Box(low: [-2, 0], high: [2, 1])))
        #expect(box.action(for: [.right, .up]) == .continuous([2, 1]))
        #expect(box.action(for: []) == .continuous([0, 0]))
        #expect(throws: GymError.self) { try KeyboardPolicy(space: .multiBinary(MultiBinary(2))) }
    }

    @Test("the HUD band darkens the top of the frame and writes text")
    func hud() {
        let frame = Frame(width: 120, height: 60, pixels: [UInt8](repeating: 200, count: 120 * 60 * 3))
        let shown = ViewerWindow.drawingHUD("EP 1 STEP 2", on: frame)
        #expect(shown.pixels.contains(255))
        #expect(shown.pixels[(30 * 120) * 3] == 200)  // below the band: unchanged
    }
}

/// Human rendering belongs to the serialized viewer suite: SDL must not be started twice at once.
extension ViewerTests {
    /// A one-colour environment that renders 32x32 frames.
    final class Solid: Environment {
        let observationSpace = Space.box(Box(low: 0, high: 1, shape: [1]))
        let actionSpace = Space.discrete(Discrete(1))
        let metadata = EnvironmentMetadata(renderModes: [.rgbArray], renderFPS: 1000)
        let renderMode: RenderMode? = .rgbArray
        func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info { [:] }
        func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult { StepResult(reward: 1, terminated: true) }
        func render() throws -> Frame? { Frame(width: 32, height: 32, pixels: [UInt8](repeating: 90, count: 32 * 32 * 3)) }
    }

    @Test("render mode human shows frames in a window and reports the human mode")
    func human() throws {
        setenv("SDL_VIDEODRIVER", "offscreen", 1)
        let environment = try HumanRendering(Solid(), zoom: 2)
        #expect(environment.renderMode == .human && environment.metadata.renderModes == [.human])
        _ = try environment.reset(seed: 0)
        #expect(try environment.step(.discrete(0)).terminated)
        #expect(try environment.render() == nil)
        environment.close()
        // Through the registry: make(id, renderMode: .human) once the viewer is installed.
        let registry = Registry()
        try registry.register(
            EnvironmentSpec(
                id: "Solid-v0", maxEpisodeSteps: 5, rewardThreshold: nil, summary: "",
                entryPoint: { _, _ in Solid() }))
        #expect(throws: GymError.self) { try registry.make("Solid-v0", renderMode: .human) }
        HumanRendering.install(in: registry)
        let human = try registry.make("Solid-v0", renderMode: .human)
        #expect(human.renderMode == .human)
        _ = try human.reset(seed: 0)
        human.close()
    }
}
