import Foundation
import Testing
import BundledEnvs
@testable import Box2DEnvs
@testable import Gym

@Suite("BipedalWalker")
struct BipedalWalkerTests {
    init() { BundledEnvironments.register() }

    @Test("both ids pass the environment checker", arguments: ["BipedalWalker-v3", "BipedalWalkerHardcore-v3"])
    func checker(_ id: String) {
        let results = EnvironmentChecker.check(id: id, steps: 100)
        for result in results where !result.passed { Issue.record("\(id) \(result.name): \(result.message)") }
    }

    @Test("lidar fractions lie in (0, 1] and see the ground below the hull")
    func lidar() throws {
        let environment = try make("BipedalWalker-v3")
        let observation = try environment.reset(seed: 0).observation.floats
        let lidar = observation[14..<24]
        #expect(lidar.allSatisfy { $0 > 0 && $0 <= 1 })
        #expect(lidar.contains { $0 < 1 })  // the downward rays hit the ground
    }
}
