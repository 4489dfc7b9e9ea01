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
        let (advantages, returns) = GAE.compute(rewards: rewards, dones: dones, values: values, lastValues: [4], steps: 3, environments: 1,
                                                discount: 0.5, lambda: 0.5)
        // t = 2: delta = 2 + 0.5 * 4 - 3 = 1; A = 1
        // t = 1: delta = 3 + 0 - 2 = 1 (done cuts V_2); A = 1 (done cuts A_2)
        // t = 0: delta = 1 + 0.5 * 2 - 1 = 1; A = 1 + 0.25 * 1 = 1.25
        #expect(advantages == [1.25, 1, 1])
        #expect(returns == [2.25, 3, 4])
    }

    @Test func gaeKeepsEnvironmentsApart() {
        let (advantages, _) = GAE.compute(rewards: [1, 0, 0, 1], dones: [0, 0, 0, 0], values: [0, 0, 0, 0], lastValues: [0, 0], steps: 2,
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
        configuration.activation = "tanh"
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
        logStd.pointer[0] = -1000   // a diverged parameter still gives a finite, positive std
        let report = try agent.iterate()
        let std = try #require(report.scalars["charts/action_std"])
        #expect(std > 0 && std.isFinite)
    }
}
