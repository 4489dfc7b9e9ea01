import Testing
import Gym

/// The Corridor of the README's "Adding an environment", exactly as printed there (only the class name
/// differs): it must pass the environment checker.
final class ReadmeCorridor: Environment {
    let observationSpace = Space.box(Box(low: 0, high: 9, shape: [1]))
    let actionSpace = Space.discrete(Discrete(2))
    let metadata = EnvironmentMetadata(resetIsRandom: false)  // every episode starts at cell 0
    private var position = 0

    func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        try options.requireKnownKeys([], for: "Corridor.reset")
        position = 0
        observation.floats[0] = 0
        return [:]
    }

    func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        try actionSpace.validate(action: action)  // clear errors for bad actions
        guard case .discrete(let move) = action else { return StepResult(reward: 0) }
        position = min(9, max(0, position + (move == 1 ? 1 : -1)))
        observation.floats[0] = Float(position)
        return StepResult(reward: position == 9 ? 1 : 0, terminated: position == 9)
    }
}

@Suite struct ReadmeCorridorTests {
    @Test func theREADMEsCorridorPassesEveryCheck() throws {
        let registry = Registry()
        try registry.register(
            EnvironmentSpec(
                id: "Corridor-v0", maxEpisodeSteps: 50, rewardThreshold: 0.9, summary: "Walk right to the end.",
                entryPoint: { options, renderMode in ReadmeCorridor() }))
        let results = EnvironmentChecker.check(id: "Corridor-v0", registry: registry)
        #expect(results.count == 10 && results.allSatisfy(\.passed), "\(results.filter { !$0.passed })")
    }

    @Test func madeEnvironmentsRejectNegativeSeedsForTheEnvironment() throws {
        let registry = Registry()
        try registry.register(
            EnvironmentSpec(
                id: "Corridor-v0", maxEpisodeSteps: 50, rewardThreshold: nil, summary: "",
                entryPoint: { _, _ in ReadmeCorridor() }))
        let environment = try registry.make("Corridor-v0")
        let error = #expect(throws: GymError.self) { _ = try environment.reset(seed: -1) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("negative"))
        _ = try environment.reset(seed: 0)
    }

    @Test func theCheckerNamesAProtocolBreak() throws {
        /// Writes 20 into a [0, 9] box after its first step: "step" must fail, naming the observation.
        final class Escaping: Environment {
            let observationSpace = Space.box(Box(low: 0, high: 9, shape: [1]))
            let actionSpace = Space.discrete(Discrete(2))
            let metadata = EnvironmentMetadata(resetIsRandom: false)
            func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
                observation.floats[0] = 0
                return [:]
            }
            func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
                try actionSpace.validate(action: action)
                observation.floats[0] = 20
                return StepResult(reward: 0)
            }
        }
        let registry = Registry()
        try registry.register(
            EnvironmentSpec(
                id: "Escaping-v0", maxEpisodeSteps: 50, rewardThreshold: nil, summary: "",
                entryPoint: { _, _ in Escaping() }))
        let failed = EnvironmentChecker.check(id: "Escaping-v0", registry: registry).filter { !$0.passed }
        #expect(failed.map(\.name) == ["step"] && failed[0].message.contains("not in"), "\(failed)")
    }

    @Test func theCheckerNamesAnObservationOfTheWrongShape() throws {
        /// Declares one value but writes two (through the raw pointer, as unchecked release code would).
        final class TooLong: Environment {
            let observationSpace = Space.box(Box(low: 0, high: 9, shape: [1]))
            let actionSpace = Space.discrete(Discrete(2))
            let metadata = EnvironmentMetadata(resetIsRandom: false)
            func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
                observation.floats.baseAddress![0] = 0
                observation.floats.baseAddress![1] = 0
                return [:]
            }
            func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
                try actionSpace.validate(action: action)
                return StepResult(reward: 0)
            }
        }
        let registry = Registry()
        try registry.register(
            EnvironmentSpec(
                id: "TooLong-v0", maxEpisodeSteps: 50, rewardThreshold: nil, summary: "",
                entryPoint: { _, _ in TooLong() }))
        let failed = EnvironmentChecker.check(id: "TooLong-v0", registry: registry).filter { !$0.passed }
        let reset = try #require(failed.first { $0.name == "reset" })
        #expect(reset.message.contains("wrong shape"), "\(reset.message)")
    }
}
