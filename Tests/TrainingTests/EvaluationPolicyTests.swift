import Agents
import BundledEnvs
import Foundation
import Gym
import NN
import Testing
import Training

/// The policy-only evaluation path (`Algorithms.makeEvaluationPolicy`) acts exactly as the training
/// agent's own policy after loading its checkpoint, for every algorithm, without building the agent.
@Suite struct EvaluationPolicyTests {
    /// Trains `overrides` for a few iterations, then compares the two policies' deterministic and
    /// sampled actions on `observations` start states.
    func expectSameActions(_ algorithm: String, _ overrides: [String], iterations: Int = 3, evaluationOverrides: [String] = []) throws {
        BundledEnvironments.register()
        var configuration = try RunConfiguration(algorithm: algorithm)
        try configuration.apply(overrides: overrides + ["eval_video=false"])
        configuration.settings.environmentCount = 1
        let agent = try Algorithms.makeAgent(configuration)
        try agent.start()
        for _ in 0..<iterations { _ = try agent.iterate() }
        let checkpoint = try agent.checkpoint()
        var evaluationConfiguration = configuration
        try evaluationConfiguration.apply(overrides: evaluationOverrides)
        let standalone = try Algorithms.makeEvaluationPolicy(evaluationConfiguration, checkpoint: checkpoint)
        let reference = try agent.evaluationPolicy()
        let environment = try make(
            configuration.settings.environment,
            options: try Algorithms.environmentOptions(configuration.settings.environmentOptions))
        let observation = ObservationBuffer(space: environment.observationSpace)
        for seed in 0..<4 {
            _ = try environment.reset(seed: seed, options: [:], into: observation)
            reference.resetEpisode()
            standalone.resetEpisode()
            for step in 0..<3 {
                var first = RandomGenerator(seed: UInt64(seed)), second = RandomGenerator(seed: UInt64(seed))
                let expected = try reference.action(for: observation, deterministic: step != 1, generator: &first)
                let actual = try standalone.action(for: observation, deterministic: step != 1, generator: &second)
                #expect(expected == actual, "\(algorithm) seed \(seed) step \(step): \(actual) instead of \(expected)")
                let result = try environment.step(expected, into: observation)
                if result.terminated || result.truncated { break }
            }
        }
    }

    @Test func acer() throws {
        try expectSameActions("acer", ["env=CartPole-v1", "hidden_sizes=16", "n_steps=5", "replay_start=10"])
    }

    @Test func ppoWithAnMLPAndObservationNormalisation() throws {
        try expectSameActions(
            "ppo",
            [
                "env=Pendulum-v1", "actor_hidden_dims=16", "critic_hidden_dims=16", "num_steps_per_env=8",
                "normalize_observations=true",
            ])
    }

    @Test func ppoWithTheRecurrentActorCritic() throws {
        try expectSameActions(
            "ppo",
            [
                "env=CartPole-v1", "actor_hidden_dims=16", "critic_hidden_dims=16", "num_steps_per_env=8",
                "recurrent=lstm", "rnn_hidden_size=8",
            ])
    }

    @Test func sacFromStates() throws {
        try expectSameActions("sac", ["env=Pendulum-v1", "hidden_dim=16", "init_steps=2", "batch_size=4"], iterations: 4)
    }

    /// The pixel policy is built without the replay: an evaluation config asking for a replay of 10^8
    /// 9x84x84 transitions (far past this machine's memory) still evaluates.
    @Test func sacAEFromPixelsWithoutItsReplay() throws {
        try expectSameActions(
            "sac-ae",
            [
                "env=CartpoleSwingup-pixels-v0", "hidden_dim=16", "init_steps=1", "batch_size=2",
                "num_filters=4", "num_layers=2", "encoder_feature_dim=8", "replay_size=100",
            ],
            iterations: 2, evaluationOverrides: ["replay_size=100000000"])
    }

    @Test func goalACERFromItsEvaluationNetwork() throws {
        try expectSameActions(
            "goal-acer",
            [
                "env=EmptyRoom-8x8-Goal-v0", "hidden_sizes=16", "n_steps=5", "replay_start=10",
                "initial_steps=10", "initial_dynamics_updates=1", "feature_size=8", "goal_hidden=8",
            ],
            iterations: 2)
    }

    @Test func aCheckpointOfAnotherAlgorithmIsRefusedByName() throws {
        BundledEnvironments.register()
        var configuration = try RunConfiguration(algorithm: "acer")
        try configuration.apply(overrides: ["env=CartPole-v1", "hidden_sizes=16"])
        let checkpoint = Checkpoint(tensors: [:], metadata: ["algorithm": "ppo"])
        let error = #expect(throws: (any Error).self) { _ = try Algorithms.makeEvaluationPolicy(configuration, checkpoint: checkpoint) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("ppo"))
    }
}
