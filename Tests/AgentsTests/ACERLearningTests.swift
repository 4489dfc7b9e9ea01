import BundledEnvs
import Foundation
import Gym
import NN
import Testing
@testable import Agents

/// Mean return of `episodes` deterministic episodes of CartPole-v1 under `agent`'s policy.
func evaluateCartPole(_ agent: ACER, episodes: Int) throws -> Double {
    let environment = try make("CartPole-v1")
    let observation = ObservationBuffer(space: environment.observationSpace)
    let policy = try agent.evaluationPolicy()
    var generator = RandomGenerator(seed: 3)
    var total = 0.0
    for episode in 0..<episodes {
        _ = try environment.reset(seed: 10_000 + episode, options: [:], into: observation)
        while true {
            let step = try environment.step(
                try policy.action(for: observation, deterministic: true, generator: &generator), into: observation)
            total += step.reward
            if step.terminated || step.truncated { break }
        }
    }
    return total / Double(episodes)
}

func cartPoleACER(workers: Int = 1, steps: Int, configure: (inout ACERConfiguration) -> Void = { _ in }) throws -> ACER {
    BundledEnvironments.register()
    var configuration = ACERConfiguration()
    configuration.hiddenSizes = [128, 128]
    configuration.replayStart = 2000
    configure(&configuration)
    return try ACER(
        configuration: configuration, environmentsPerWorker: 8, workerCount: workers, seed: 1, totalSteps: steps,
        makeEnvironment: { try make("CartPole-v1") })
}

@Suite(.serialized) struct ACERLearningTests {
    @Test func acerLearnsToWalkACorridor() throws {
        // Random walks rarely reach the end of a 12-cell corridor within 40 steps; ACER must learn to go right.
        let steps = 20_000
        var configuration = ACERConfiguration()
        configuration.hiddenSizes = [32]
        configuration.learningRateSchedule = .constant
        configuration.replayStart = 500
        configuration.discount = 0.95
        let agent = try ACER(
            configuration: configuration, environmentsPerWorker: 4, seed: 2, totalSteps: steps,
            makeEnvironment: { try TimeLimit(Corridor(length: 12), maxEpisodeSteps: 40) })
        try agent.start()
        var episodes: [EpisodeRecord] = []
        while agent.environmentSteps < steps { episodes += try agent.iterate().episodes }
        let early = episodes.prefix(20), late = episodes.suffix(20)
        let earlySuccess = Double(early.filter(\.terminated).count) / 20, lateSuccess = Double(late.filter(\.terminated).count) / 20
        let lateLength = Double(late.map(\.length).reduce(0, +)) / 20
        print("ACER corridor \(steps) steps: success \(earlySuccess) -> \(lateSuccess), late episode length \(lateLength)")
        #expect(earlySuccess < 0.5)
        #expect(lateSuccess >= 0.9 && lateLength < 20, "ACER should walk straight to the end: success \(lateSuccess), length \(lateLength)")
    }

    @Test(arguments: [true, false])
    func twoWorkersShareOneModel(lock: Bool) throws {
        let agent = try cartPoleACER(workers: 2, steps: 3200) {
            $0.lock = lock; $0.replayStart = 320
        }
        try agent.start()
        let initial = agent.network.namedTensors().map { $0.tensor.scalars }
        var report = try agent.iterate()
        while agent.environmentSteps < 3200 { report = try agent.iterate() }
        #expect(agent.environmentSteps == 3200)
        // Each iteration: 2 workers x 8 envs x 20 steps; both workers' updates reached the shared model.
        #expect((report.scalars["charts/updates"] ?? 0) >= 20)
        #expect(zip(initial, agent.network.namedTensors().map { $0.tensor.scalars }).contains { $0 != $1 })
        // The average network moved towards the model but is not the model.
        let model = agent.network.namedTensors(), average = agent.averageNetwork.namedTensors()
        #expect(zip(model, average).contains { $0.tensor.scalars != $1.tensor.scalars })
    }

    @Test func episodicReplayTrainsOnWholeEpisodes() throws {
        let agent = try cartPoleACER(steps: 4000) {
            $0.replayKind = .episodes; $0.replayStart = 500; $0.episodesPerBatch = 8
        }
        try agent.start()
        var updates = 0.0
        while agent.environmentSteps < 4000 { updates = try agent.iterate().scalars["charts/updates"] ?? 0 }
        #expect(updates > 25, "off-policy updates from whole episodes should run, got \(updates) updates")
        let replay = try #require(agent.workers[0].replay as? EpisodicReplay)
        var generator = RandomGenerator(seed: 1)
        let batch = replay.sample(using: &generator)
        // Padded to the longest episode, with the mask marking real steps and a done at each episode's end.
        #expect(batch.batch == 8 && batch.mask.count == batch.steps * 8)
        for b in 0..<8 {
            let length = (0..<batch.steps).filter { batch.mask[$0 * 8 + b] == 1 }.count
            #expect(length >= 1 && batch.dones[(length - 1) * 8 + b] == 1)
            #expect((0..<(length - 1)).allSatisfy { batch.dones[$0 * 8 + b] == 0 })
        }
    }

    @Test(arguments: [("egocentric", false), ("pixels", true)])
    func acerTrainsOnGridObservations(mode: String, expectsConvolutions: Bool) throws {
        BundledEnvironments.register()
        var configuration = ACERConfiguration()
        configuration.steps = 5
        configuration.replayStart = 10
        let options: Options = ["observation": .string(mode), "render_width": .int(40), "render_height": .int(40)]
        let agent = try ACER(
            configuration: configuration, environmentsPerWorker: 2, seed: 0, totalSteps: 100,
            makeEnvironment: { try make("EmptyRoom-5x5-v0", options: options) })
        #expect((agent.network.trunk is NatureCNN) == expectsConvolutions)
        try agent.start()
        let before = agent.network.namedTensors().map { $0.tensor.scalars }
        for _ in 0..<3 { _ = try agent.iterate() }
        #expect(agent.environmentSteps == 30)
        #expect(zip(before, agent.network.namedTensors().map { $0.tensor.scalars }).contains { $0 != $1 })
    }

    @Test func continuousActionSpacesAreRefusedWithTheFix() throws {
        BundledEnvironments.register()
        do {
            _ = try ACER(
                configuration: ACERConfiguration(), environmentsPerWorker: 1, seed: 0, totalSteps: 10,
                makeEnvironment: { try make("Pendulum-v1") })
            Issue.record("ACER accepted a continuous action space")
        } catch let error as AgentError {
            #expect("\(error)".contains("Discrete action space"))
        }
    }
}

/// A corridor of `length` cells starting at 0: action 1 moves right, 0 left; the far end terminates with reward 1.
final class Corridor: Environment {
    let length: Int
    let observationSpace: Space
    let actionSpace = Space.discrete(Discrete(2))
    var position = 0

    init(length: Int) {
        self.length = length
        observationSpace = .box(Box(low: 0, high: 1, shape: [1]))
    }

    func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        position = 0
        observation.floats[0] = 0
        return [:]
    }

    func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        try actionSpace.validate(action: action)
        guard case .discrete(let move) = action else { throw GymError.invalidAction("discrete actions only") }
        position = max(0, position + (move == 1 ? 1 : -1))
        observation.floats[0] = Float(position) / Float(length)
        return StepResult(reward: position >= length ? 1 : 0, terminated: position >= length)
    }
}
