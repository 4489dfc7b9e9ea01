import BundledEnvs
import Foundation
import Gym
import NN
import Testing
import Tensors
@testable import Agents

@Suite struct PPOTests {
    @Test func gaeMatchesHandComputedValuesWithATimeOut() {
        // One environment, three steps, gamma 0.5, lambda 0.5; a done after step 1 (a time-out whose
        // reward already carries gamma V(final) = 0.5 * 4 = 2 on top of its reward 1).
        let rewards: [Float] = [1, 1 + 2, 2], dones: [Float] = [0, 1, 0], values: [Float] = [1, 2, 3]
        let (advantages, returns) = GAE.compute(
            rewards: rewards, dones: dones, values: values, lastValues: [4], steps: 3, environments: 1,
            discount: 0.5, lambda: 0.5)
        // t = 2: delta = 2 + 0.5 * 4 - 3 = 1; A = 1
        // t = 1: delta = 3 + 0 - 2 = 1 (done cuts V_2); A = 1 (done cuts A_2)
        // t = 0: delta = 1 + 0.5 * 2 - 1 = 1; A = 1 + 0.25 * 1 = 1.25
        #expect(advantages == [1.25, 1, 1])
        #expect(returns == [2.25, 3, 4])
    }

    @Test func gaeKeepsEnvironmentsApart() {
        let (advantages, _) = GAE.compute(
            rewards: [1, 0, 0, 1], dones: [0, 0, 0, 0], values: [0, 0, 0, 0], lastValues: [0, 0], steps: 2,
            environments: 2, discount: 1, lambda: 1)
        #expect(advantages == [1, 1, 0, 1])
    }

    @Test func normaliserStatisticsRoundTripExactly() throws {
        let normalizer = RunningNormalizer(size: 2)
        normalizer.update(try Tensor([1, 2, 3, 5, 0.1, -7], shape: [3, 2]))
        let restored = RunningNormalizer(size: 2)
        try restored.load(normalizer.stateTensors())
        #expect(restored.mean == normalizer.mean && restored.variance == normalizer.variance && restored.count == normalizer.count)
        #expect(Swift.abs(normalizer.mean[0] - (1 + 3 + 0.1) / (3 + 1e-4)) < 1e-6)
    }

    @Test func ppoLearnsCartPoleQuickly() throws {
        BundledEnvironments.register()
        var configuration = PPOConfiguration()
        configuration.stepsPerEnvironment = 32
        configuration.actorHiddenSizes = [32]
        configuration.criticHiddenSizes = [32]
        configuration.activation = .tanh
        let agent = try PPO(configuration: configuration, environmentCount: 8, seed: 1, makeEnvironment: { try make("CartPole-v1") })
        try agent.start()
        var episodes: [EpisodeRecord] = []
        while agent.environmentSteps < 25_000 { episodes += try agent.iterate().episodes }
        let early = episodes.prefix(30).map(\.totalReward).reduce(0, +) / 30
        let late = episodes.suffix(30).map(\.totalReward).reduce(0, +) / 30
        print("PPO CartPole 25k steps: training return \(early) -> \(late)")
        #expect(late > 3 * early, "PPO should improve CartPole: \(early) -> \(late)")
    }

    @Test func continuousStdStaysPositiveAndBounded() throws {
        BundledEnvironments.register()
        var configuration = PPOConfiguration()
        configuration.stepsPerEnvironment = 8
        configuration.actorHiddenSizes = [8]
        configuration.criticHiddenSizes = [8]
        let agent = try PPO(configuration: configuration, environmentCount: 2, seed: 0, makeEnvironment: { try make("Pendulum-v1") })
        try agent.start()
        let logStd = try #require(agent.network.logStandardDeviation)
        logStd.pointer[0] = -1000  // a diverged parameter still gives a finite, positive std
        let report = try agent.iterate()
        let std = try #require(report.scalars["charts/action_std"])
        #expect(std > 0 && std.isFinite)
    }
}

@Suite struct TrajectoryTests {
    @Test func splitPadUnpadRoundTrip() {
        // 5 steps, 3 environments, width 2; env 0 ends at steps 1 and 3, env 2 at step 4 (the last).
        let steps = 5, environments = 3, width = 2
        var dones = Array(repeating: Float(0), count: steps * environments)
        dones[1 * 3 + 0] = 1; dones[3 * 3 + 0] = 1; dones[4 * 3 + 2] = 1
        let values = (0..<(steps * environments * width)).map(Float.init)
        let segments = Trajectories.segments(dones: dones, steps: steps, environments: [0, 2], environmentCount: environments)
        #expect(
            segments == [
                .init(environment: 0, start: 0, end: 1), .init(environment: 0, start: 2, end: 3), .init(environment: 0, start: 4, end: 4),
                .init(environment: 2, start: 0, end: 4),
            ])
        let (padded, mask, length) = Trajectories.splitAndPad(values, width: width, segments: segments, environmentCount: environments)
        #expect(length == 5 && mask.reduce(0, +) == 10)
        // Trajectory 1 (env 0, steps 2-3) starts with step 2's values and is padded after 2 steps.
        #expect(Array(padded[(0 * 4 + 1) * 2..<((0 * 4 + 1) * 2 + 2)]) == Array(values[(2 * 3 + 0) * 2..<((2 * 3 + 0) * 2 + 2)]))
        #expect(mask[2 * 4 + 1] == 0 && padded[(2 * 4 + 1) * 2] == 0)
        let restored = Trajectories.unpad(padded, width: width, segments: segments, steps: steps, environmentCount: environments)
        for t in 0..<steps {
            for environment in [0, 2] {
                let index = (t * environments + environment) * width
                #expect(Array(restored[index..<(index + width)]) == Array(values[index..<(index + width)]))
            }
            #expect(restored[(t * environments + 1) * width] == 0)
        }
    }

    @Test func recurrentMinibatchesStartFromTheStoredStates() {
        // Stored states [T = 4, E = 2, width 1] hold 10 t + e; env 1 ends at step 1.
        let stored: [Float] = (0..<4).flatMap { t in (0..<2).map { Float(10 * t + $0) } }
        var dones = Array(repeating: Float(0), count: 8)
        dones[1 * 2 + 1] = 1
        let segments = Trajectories.segments(dones: dones, steps: 4, environments: [1, 0], environmentCount: 2)
        #expect(segments.map(\.start) == [0, 2, 0])
        // Env 1's trajectories start at steps 0 and 2, env 0's at step 0.
        #expect(PPO.initialStates(segments: segments, stored: stored, environments: 2, width: 1) == [1, 21, 0])
    }

    @Test func recurrentPPOKeepsMemoriesPerEnvironmentAndResetsThemOnDone() throws {
        BundledEnvironments.register()
        var configuration = PPOConfiguration()
        configuration.recurrent = .lstm
        configuration.recurrentHiddenSize = 8
        configuration.stepsPerEnvironment = 16
        configuration.actorHiddenSizes = [8]
        configuration.criticHiddenSizes = [8]
        configuration.minibatches = 2
        let agent = try PPO(
            configuration: configuration, environmentCount: 4, seed: 0, makeEnvironment: { try make("CartPoleNoVelocity-v1") })
        try agent.start()
        let before = try #require(agent.memory).actorMemory.inputWeight.scalars
        _ = try agent.iterate()
        // The memories are trained (their weights moved) and their states are per environment.
        #expect(try #require(agent.memory).actorMemory.inputWeight.scalars != before)
        let hidden = agent.actorState.hidden.scalars
        #expect(hidden.count == 4 * 8 && Set(stride(from: 0, to: 32, by: 8).map { hidden[$0] }).count > 1)
        agent.resetMemories([1])
        #expect(
            agent.actorState.hidden.scalars[8..<16].allSatisfy { $0 == 0 } && agent.criticState.cell.scalars[8..<16].allSatisfy { $0 == 0 })
        #expect(agent.actorState.hidden.scalars[0..<8].contains { $0 != 0 })
    }
}
