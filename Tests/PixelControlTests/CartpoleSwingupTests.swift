import Foundation
import Testing
import BundledEnvs
@testable import Gym
@testable import PixelControl
@testable import Render

@Suite("CartpoleSwingup")
struct CartpoleSwingupTests {
    init() { BundledEnvironments.register() }

    @Test("both ids pass the environment checker", arguments: ["CartpoleSwingup-v0", "CartpoleSwingup-pixels-v0"])
    func checker(_ id: String) {
        let results = EnvironmentChecker.check(id: id, steps: 40)
        for result in results where !result.passed { Issue.record("\(id) \(result.name): \(result.message)") }
    }

    @Test("the pole starts hanging down; an episode is 125 agent steps of 8 control steps with rewards in [0, 8]")
    func episode() throws {
        let environment = try make("CartpoleSwingup-v0")
        let start = try environment.reset(seed: 3).observation.floats
        #expect(start[1] < -0.99)  // cos θ ≈ -1: hanging
        var generator = RandomGenerator(seed: 1)
        var steps = 0, total = 0.0
        while true {
            let result = try environment.step(environment.actionSpace.sampleAction(using: &generator))
            #expect(result.reward >= 0 && result.reward <= 8)
            total += result.reward
            steps += 1
            if result.truncated || result.terminated { #expect(result.truncated && !result.terminated); break }
        }
        #expect(steps == 125)
        #expect(total >= 0 && total <= 1000)
    }

    @Test("dm_control's reward: 1 upright, centred, still and without control; lower hanging")
    func reward() {
        let environment = CartpoleSwingup()
        environment.state = .init(x: 0, theta: 0, xDot: 0, thetaDot: 0)
        #expect(abs(environment.reward(control: 0) - 1) < 1e-12)
        #expect(abs(environment.reward(control: 1) - 0.8) < 1e-12)  // small_control = (4 + 0) / 5
        environment.state = .init(x: 0, theta: Double.pi, xDot: 0, thetaDot: 0)
        #expect(environment.reward(control: 0) < 1e-12)
        #expect(abs(Tolerance.value(2, margin: 2) - 0.1) < 1e-12)  // value at margin
    }

    @Test("physics conserves energy over a short swing, and the rail's soft limit bounces the cart back")
    func physics() throws {
        let environment = CartpoleSwingup()
        _ = try environment.reset(seed: 0)
        environment.state = .init(x: 0, theta: 0.5, xDot: 0, thetaDot: 0)
        func energy(_ s: CartpoleSwingup.State) -> Double {
            let m = 0.1, big = 1.0, lc = 0.5, inertia = CartpoleSwingup.poleInertia + m * lc * lc
            return 0.5 * (big + m) * s.xDot * s.xDot + m * lc * cos(s.theta) * s.xDot * s.thetaDot + 0.5 * inertia * s.thetaDot * s.thetaDot
                + m * 9.81 * lc * cos(s.theta)
        }
        let before = energy(environment.state)
        for _ in 0..<50 { _ = try environment.step(.continuous([0])) }
        #expect(abs(energy(environment.state) - before) < 1e-3)
        var deepest = 0.0, bounced = false
        for _ in 0..<400 {
            _ = try environment.step(.continuous([1]))
            deepest = max(deepest, environment.state.x - CartpoleSwingup.railLimit)
            if environment.state.x > CartpoleSwingup.railLimit && environment.state.xDot < -0.1 { bounced = true }
        }
        // solref 0.08 is a soft spring: under full force MuJoCo's cart runs about 0.17 m past the limit (the fixtures agree).
        #expect(deepest > 0 && deepest < 0.25, "\(deepest) m past the limit")
        #expect(bounced, "MuJoCo's limit spring pushes the cart back out")
    }

    @Test("pixel observations are 9x84x84 and the pipeline is deterministic per seed")
    func pixels() throws {
        let environment = try make("CartpoleSwingup-pixels-v0")
        #expect(environment.observationSpace.shape == [9, 84, 84])
        let first = try environment.reset(seed: 5).observation
        let again = try environment.reset(seed: 5).observation
        #expect(first == again)
        guard case .uint8(let bytes) = first else { Issue.record("not uint8"); return }
        #expect(Set(bytes).count > 4)
    }
}
