import Foundation
import Testing
import BundledEnvs
@testable import Gym
@testable import PixelControl

@Suite("PendulumSwingup")
struct PendulumSwingupTests {
    init() { BundledEnvironments.register() }

    @Test("both ids pass the environment checker", arguments: ["PendulumSwingup-v0", "PendulumSwingup-pixels-v0"])
    func checker(_ id: String) {
        let results = EnvironmentChecker.check(id: id, steps: 40)
        for result in results where !result.passed { Issue.record("\(id) \(result.name): \(result.message)") }
    }

    @Test("reward is 1 only within 8 degrees of upright; the torque cannot hold the pole horizontal")
    func rewardAndPhysics() throws {
        let environment = PendulumSwingup()
        _ = try environment.reset(seed: 0)
        environment.state = .init(theta: 0.1, thetaDot: 0)
        #expect(try environment.step(.continuous([0])).reward == 1)
        environment.state = .init(theta: 0.2, thetaDot: 0)
        #expect(try environment.step(.continuous([0])).reward == 0)
        environment.state = .init(theta: Double.pi / 2, thetaDot: 0)
        for _ in 0..<20 { _ = try environment.step(.continuous([-1])) }
        #expect(environment.state.theta > Double.pi / 2)  // gravity wins over the maximum torque
    }

    @Test("an episode is 250 agent steps with rewards in [0, 4]")
    func episode() throws {
        let environment = try make("PendulumSwingup-v0")
        _ = try environment.reset(seed: 1)
        var steps = 0
        while true {
            let result = try environment.step(.continuous([0.3]))
            #expect(result.reward >= 0 && result.reward <= 4)
            steps += 1
            if result.truncated { break }
        }
        #expect(steps == 250)
    }
}
