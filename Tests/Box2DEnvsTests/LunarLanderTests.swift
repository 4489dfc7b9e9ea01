import Foundation
import Testing
import BundledEnvs
@testable import Box2DEnvs
@testable import Gym

/// Runs Gymnasium's heuristic for one seeded episode and returns its return.
func heuristicReturn(_ id: String, seed: Int) throws -> Double {
    let environment = try make(id)
    let continuous = id.contains("Continuous")
    var observation = try environment.reset(seed: seed).observation.floats
    var total = 0.0
    while true {
        let transition = try environment.step(LunarLander.heuristic(observation, continuous: continuous))
        total += transition.reward
        observation = transition.observation.floats
        if transition.terminated || transition.truncated { return total }
    }
}

@Suite("LunarLander")
struct LunarLanderTests {
    init() { BundledEnvironments.register() }

    @Test("both ids pass the environment checker", arguments: ["LunarLander-v3", "LunarLanderContinuous-v3"])
    func checker(_ id: String) {
        let results = EnvironmentChecker.check(id: id, steps: 200)
        for result in results where !result.passed { Issue.record("\(id) \(result.name): \(result.message)") }
    }

    @Test("Gymnasium's heuristic lands: mean return over 20 seeds above 200", arguments: ["LunarLander-v3", "LunarLanderContinuous-v3"])
    func heuristic(_ id: String) throws {
        let returns = try (0..<20).map { try heuristicReturn(id, seed: $0) }
        let mean = returns.reduce(0, +) / Double(returns.count)
        #expect(mean > 200, "\(id) heuristic returns \(returns)")
    }

    @Test("invalid options and actions are errors")
    func badInput() throws {
        #expect(throws: GymError.self) { try make("LunarLander-v3", options: ["gravity": -13]) }
        #expect(throws: GymError.self) { try make("LunarLander-v3", options: ["gravity": 0.5]) }
        #expect(throws: GymError.self) { try make("LunarLander-v3", options: ["wind_power": -1]) }
        let environment = try make("LunarLanderContinuous-v3")
        _ = try environment.reset(seed: 0)
        #expect(throws: GymError.self) { try environment.step(.continuous([.nan, 0])) }
        #expect(throws: GymError.self) { try environment.step(.continuous([0, 0, 0])) }
    }

    @Test("wind and turbulence change the trajectory; the same seed repeats it")
    func wind() throws {
        func path(_ options: Options) throws -> [Float] {
            let environment = try make("LunarLander-v3", options: options)
            var values = try environment.reset(seed: 4).observation.floats
            for _ in 0..<30 { values += try environment.step(.discrete(0)).observation.floats }
            return values
        }
        #expect(try path([:]) == path([:]))
        #expect(try path(["enable_wind": true]) != path([:]))
    }
}
