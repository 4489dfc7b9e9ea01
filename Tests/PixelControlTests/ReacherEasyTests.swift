import Foundation
import Testing
import BundledEnvs
@testable import Gym
@testable import PixelControl

@Suite("ReacherEasy")
struct ReacherEasyTests {
    init() { BundledEnvironments.register() }

    @Test("both ids pass the environment checker", arguments: ["ReacherEasy-v0", "ReacherEasy-pixels-v0"])
    func checker(_ id: String) {
        let results = EnvironmentChecker.check(id: id, steps: 40)
        for result in results where !result.passed { Issue.record("\(id) \(result.name): \(result.message)") }
    }

    @Test("targets lie 0.05 to 0.2 m from the centre; reward 1 exactly when the fingertip is within 0.06 m")
    func targetsAndReward() throws {
        let environment = ReacherEasy()
        for seed in 0..<50 {
            _ = try environment.reset(seed: seed)
            let radius = (environment.state.targetX * environment.state.targetX + environment.state.targetY * environment.state.targetY)
                .squareRoot()
            #expect(radius >= 0.05 && radius <= 0.2)
            #expect(abs(environment.state.wrist) <= ReacherEasy.wristLimit)
        }
        environment.state = .init(shoulder: 0, wrist: 0, shoulderVelocity: 0, wristVelocity: 0, targetX: 0.24, targetY: 0.03)
        #expect(try environment.step(.continuous([0, 0])).reward == 1)
        environment.state = .init(shoulder: 0, wrist: 0, shoulderVelocity: 0, wristVelocity: 0, targetX: 0.24, targetY: 0.08)
        #expect(try environment.step(.continuous([0, 0])).reward == 0)
    }

    @Test("torque turns the arm; the wrist's soft limit holds it a few degrees past 160, as MuJoCo's does")
    func physics() throws {
        let environment = ReacherEasy()
        _ = try environment.reset(seed: 0)
        environment.state = .init(shoulder: 0, wrist: 0, shoulderVelocity: 0, wristVelocity: 0, targetX: 0.1, targetY: 0.1)
        for _ in 0..<10 { _ = try environment.step(.continuous([1, 0])) }
        #expect(environment.state.shoulder > 0.01)
        for _ in 0..<500 { _ = try environment.step(.continuous([0, 1])) }
        // Full torque against the limit settles where MuJoCo's solref/solimp spring balances it (~4.8 degrees past).
        #expect(environment.state.wrist > ReacherEasy.wristLimit && environment.state.wrist < ReacherEasy.wristLimit + 0.1)
        #expect(abs(environment.state.wristVelocity) < 1e-3)
    }
}
