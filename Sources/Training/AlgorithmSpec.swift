import Agents
import Gym
import NN

/// One algorithm `swiftrl train` can run: its name, its reference defaults, the networks to check
/// against memory, and how to build its agent and its policy alone. Adding an algorithm is one entry
/// in `Algorithms.specs`.
public struct AlgorithmSpec: Sendable {
    /// The name used by `train ALGORITHM`, config files and checkpoints ("acer").
    public let name: String
    /// Whether `workers` > 1 means something (ACER's multi-worker mode); other algorithms refuse it.
    public let supportsWorkers: Bool
    /// The reference-default hyperparameters.
    public let defaults: @Sendable () -> any Configurable
    /// The MLP widths (inputs and outputs counted as 1) to check against memory, by config key.
    public let networks: @Sendable (any Configurable) -> [(key: String, layers: [Int])]
    /// The training agent, with training environments from `makeEnvironment`.
    public let makeAgent:
        @Sendable (_ configuration: RunConfiguration, _ makeEnvironment: () throws -> any Environment) throws
            -> any TrainableAgent
    /// The policy alone, loaded from a checkpoint (for evaluation).
    public let makePolicy:
        @Sendable (
            _ configuration: RunConfiguration, _ observationSpace: Space, _ actionSpace: Space,
            _ checkpoint: Checkpoint
        ) throws -> any EvaluationPolicy

    /// The hyperparameters of `configuration` as this algorithm's type.
    static func hyperparameters<Configuration>(_ configuration: RunConfiguration, as type: Configuration.Type) throws -> Configuration {
        guard let typed = configuration.hyperparameters as? Configuration else {
            throw ConfigurationError.badValue(
                "the configuration of '\(configuration.algorithm)' holds \(Swift.type(of: configuration.hyperparameters)), not \(type)")
        }
        return typed
    }
}

extension AlgorithmSpec {
    /// ACER (Wang et al. 2017), single- or multi-worker.
    static let acer = AlgorithmSpec(
        name: "acer", supportsWorkers: true, defaults: { ACERConfiguration() },
        networks: { [("hidden_sizes", [1] + (($0 as? ACERConfiguration)?.hiddenSizes ?? []) + [1])] },
        makeAgent: { configuration, make in
            let settings = configuration.settings
            return try ACER(
                configuration: try hyperparameters(configuration, as: ACERConfiguration.self),
                environmentsPerWorker: settings.environmentCount, workerCount: settings.workers, seed: settings.seed,
                totalSteps: settings.steps, makeEnvironment: make)
        },
        makePolicy: { configuration, observations, actions, checkpoint in
            try ACERPolicy(
                configuration: try hyperparameters(configuration, as: ACERConfiguration.self), observationSpace: observations,
                actionSpace: actions, checkpoint: checkpoint)
        })

    /// Goal-conditioned ACER with a dynamics model, exploration and evaluation policies.
    static let goalACER = AlgorithmSpec(
        name: "goal-acer", supportsWorkers: false, defaults: { GoalACERConfiguration() },
        networks: { [("hidden_sizes", [1] + (($0 as? GoalACERConfiguration)?.acer.hiddenSizes ?? []) + [1])] },
        makeAgent: { configuration, make in
            let settings = configuration.settings
            return try GoalACER(
                configuration: try hyperparameters(configuration, as: GoalACERConfiguration.self),
                environmentCount: settings.environmentCount, seed: settings.seed, totalSteps: settings.steps, makeEnvironment: make)
        },
        makePolicy: { configuration, observations, actions, checkpoint in
            try GoalACERPolicy(
                configuration: try hyperparameters(configuration, as: GoalACERConfiguration.self),
                observationSpace: observations, actionSpace: actions, checkpoint: checkpoint)
        })

    /// SAC from pixels with the SAC-AE encoder and decoder (Yarats et al. 2019).
    static let sacAE = sac(named: "sac-ae", decoder: true)

    /// SAC (Haarnoja et al. 2018) from states or pixels, without the decoder.
    static let sac = sac(named: "sac", decoder: false)

    private static func sac(named name: String, decoder: Bool) -> AlgorithmSpec {
        AlgorithmSpec(
            name: name, supportsWorkers: false,
            defaults: {
                var configuration = SACConfiguration()
                configuration.decoder = decoder
                return configuration
            },
            // Actor, two Q heads and their targets: hidden_dim x hidden_dim layers dominate.
            networks: { [("hidden_dim", [1, ($0 as? SACConfiguration)?.hiddenSize ?? 1, ($0 as? SACConfiguration)?.hiddenSize ?? 1, 1])] },
            makeAgent: { configuration, make in
                try SAC(
                    configuration: try hyperparameters(configuration, as: SACConfiguration.self), algorithmName: configuration.algorithm,
                    environmentCount: configuration.settings.environmentCount, seed: configuration.settings.seed, makeEnvironment: make)
            },
            makePolicy: { configuration, observations, actions, checkpoint in
                try SACPolicy(
                    configuration: try hyperparameters(configuration, as: SACConfiguration.self), algorithmName: configuration.algorithm,
                    observationSpace: observations, actionSpace: actions, checkpoint: checkpoint)
            })
    }

    /// PPO as rsl_rl runs it, with an MLP or LSTM actor-critic.
    static let ppo = AlgorithmSpec(
        name: "ppo", supportsWorkers: false, defaults: { PPOConfiguration() },
        networks: { configuration in
            guard let ppo = configuration as? PPOConfiguration else { return [] }
            return [("actor_hidden_dims", [1] + ppo.actorHiddenSizes + [1]), ("critic_hidden_dims", [1] + ppo.criticHiddenSizes + [1])]
        },
        makeAgent: { configuration, make in
            try PPO(
                configuration: try hyperparameters(configuration, as: PPOConfiguration.self),
                environmentCount: configuration.settings.environmentCount, seed: configuration.settings.seed, makeEnvironment: make)
        },
        makePolicy: { configuration, observations, actions, checkpoint in
            try PPOPolicy(
                configuration: try hyperparameters(configuration, as: PPOConfiguration.self), observationSpace: observations,
                actionSpace: actions, checkpoint: checkpoint)
        })
}
