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
