import Testing
@testable import Gym

@Suite("Registry and checker")
struct RegistryAndCheckerTests {
    func registry() throws -> Registry {
        let registry = Registry()
        try registry.register(
            EnvironmentSpec(
                id: "Corridor-v0", maxEpisodeSteps: 4, rewardThreshold: 1,
                summary: "a test corridor", entryPoint: { _, _ in Corridor(length: 10) }))
        try registry.register(
            EnvironmentSpec(
                id: "Unseeded-v0", maxEpisodeSteps: 10, rewardThreshold: nil,
                summary: "ignores seeds", entryPoint: { _, _ in Unseeded() }))
        return registry
    }

    @Test("make wraps with TimeLimit and OrderEnforcing")
    func make() throws {
        let environment = try registry().make("Corridor-v0")
        #expect(wrapperChainDescription(environment) == "OrderEnforcing<TimeLimit<Corridor>>")
        _ = try environment.reset(seed: 0)
        var transition: Transition
        var steps = 0
        repeat { transition = try environment.step(.discrete(0)); steps += 1 } while !transition.truncated
        #expect(steps == 4)
        #expect(try registry().make("Corridor-v0", maxEpisodeSteps: 2) is OrderEnforcing)
    }

    @Test("unknown ids name the closest registered ids; duplicates are refused")
    func unknownIds() throws {
        let registry = try registry()
        let error = #expect(throws: GymError.self) { try registry.make("Coridor-v0") }
        #expect("\(error!)".contains("did you mean 'Corridor-v0'"))
        let none = #expect(throws: GymError.self) { try registry.make("zzzzzzzzzzzzzz") }
        #expect("\(none!)".contains("registered ids"))
        #expect(throws: GymError.self) {
            try registry.register(
                EnvironmentSpec(
                    id: "Corridor-v0", maxEpisodeSteps: nil, rewardThreshold: nil,
                    summary: "", entryPoint: { _, _ in Corridor() }))
        }
        #expect(throws: GymError.self) { try registry.make("Corridor-v0", renderMode: .rgbArray) }
    }

    @Test("the checker passes a correct environment and catches one that ignores its seed")
    func checker() throws {
        let registry = try registry()
        let good = EnvironmentChecker.check(id: "Corridor-v0", registry: registry)
        #expect(good.allSatisfy { $0.passed }, "\(good.filter { !$0.passed })")
        let bad = EnvironmentChecker.check(id: "Unseeded-v0", registry: registry)
        let failed = Set(bad.filter { !$0.passed }.map(\.name))
        #expect(failed.contains("seed determinism") && failed.contains("step determinism"))
        let missing = EnvironmentChecker.check(id: "Nope-v0", registry: registry)
        #expect(missing.count == 1 && !missing[0].passed)
    }

    @Test("closest matches rank by edit distance")
    func closest() {
        #expect(closestMatches(to: "cartpole", among: ["CartPole-v1", "Pendulum-v1", "Acrobot-v1"], limit: 2) == ["CartPole-v1"])
        #expect(editDistance(Array("kitten"), Array("sitting")) == 3)
    }
}
