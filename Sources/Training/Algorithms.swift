import Foundation
import Agents
import Gym
import NN
import Render

/// The algorithms `swiftrl train` knows, their hyperparameter types and how to build their agents.
public enum Algorithms {
    /// The algorithm names.
    public static let names = ["acer", "goal-acer", "sac-ae", "sac", "ppo"]

    /// The default preset `swiftrl train` runs with no arguments.
    public static let defaultPreset = "acer-cartpole"

    /// The reference-default hyperparameters of `algorithm`.
    public static func defaultHyperparameters(for algorithm: String) throws -> any Configurable {
        switch algorithm {
        case "acer": return ACERConfiguration()
        case "goal-acer": return GoalACERConfiguration()
        case "ppo": return PPOConfiguration()
        case "sac-ae": return SACConfiguration()
        case "sac":
            var configuration = SACConfiguration()
            configuration.decoder = false
            return configuration
        default:
            throw ConfigurationError.badValue("unknown algorithm '\(algorithm)'; available: \(names.joined(separator: ", "))")
        }
    }

    /// Builds the agent a configuration describes, with environments from `registry`.
    public static func makeAgent(_ configuration: RunConfiguration, registry: Registry = .shared) throws -> any TrainableAgent {
        let settings = configuration.settings
        let options = try environmentOptions(settings.environmentOptions)
        _ = try registry.spec(settings.environment)
        try requireMemory(for: configuration.hyperparameters)
        // Several workers are ACER's (its multi-worker mode); the other agents would silently run one.
        if settings.workers > 1 && !(configuration.hyperparameters is ACERConfiguration) {
            throw ConfigurationError.badValue("workers = \(settings.workers) is ACER's multi-worker setting; \(configuration.algorithm) runs one worker: drop --workers (use --num-envs for more environments)")
        }
        // Interleaved [H, W, C] pictures (CarRacing's 96x96x3) reach the agents channel-first.
        let make = { try ChannelFirstObservation.wrappingInterleavedImages(registry.make(settings.environment, options: options)) }
        switch configuration.hyperparameters {
        case let acer as ACERConfiguration:
            return try ACER(configuration: acer, environmentsPerWorker: settings.environmentCount, workerCount: settings.workers,
                            seed: settings.seed, totalSteps: settings.steps, makeEnvironment: make)
        case let ppo as PPOConfiguration:
            return try PPO(configuration: ppo, environmentCount: settings.environmentCount, seed: settings.seed, makeEnvironment: make)
        case let goal as GoalACERConfiguration:
            return try GoalACER(configuration: goal, environmentCount: settings.environmentCount, seed: settings.seed,
                                totalSteps: settings.steps, makeEnvironment: make)
        case let sac as SACConfiguration:
            return try SAC(configuration: sac, algorithmName: configuration.algorithm, environmentCount: settings.environmentCount,
                           seed: settings.seed, makeEnvironment: make)
        default:
            throw ConfigurationError.badValue("no agent for algorithm '\(configuration.algorithm)'")
        }
    }

    /// The policy of `checkpoint` alone, for evaluation: every algorithm builds only what acting needs
    /// (no critics, average networks, dynamics, optimizer state, replay or training environments).
    public static func makeEvaluationPolicy(_ configuration: RunConfiguration, checkpoint: Checkpoint,
                                            registry: Registry = .shared) throws -> any EvaluationPolicy {
        let settings = configuration.settings
        let probe = try ChannelFirstObservation.wrappingInterleavedImages(
            registry.make(settings.environment, options: try environmentOptions(settings.environmentOptions)))
        let observationSpace = probe.observationSpace, actionSpace = probe.actionSpace
        probe.close()
        switch configuration.hyperparameters {
        case let acer as ACERConfiguration:
            return try ACERPolicy(configuration: acer, observationSpace: observationSpace, actionSpace: actionSpace, checkpoint: checkpoint)
        case let sac as SACConfiguration:
            return try SACPolicy(configuration: sac, algorithmName: configuration.algorithm, observationSpace: observationSpace,
                                 actionSpace: actionSpace, checkpoint: checkpoint)
        case let ppo as PPOConfiguration:
            return try PPOPolicy(configuration: ppo, observationSpace: observationSpace, actionSpace: actionSpace, checkpoint: checkpoint)
        case let goal as GoalACERConfiguration:
            return try GoalACERPolicy(configuration: goal, observationSpace: observationSpace, actionSpace: actionSpace, checkpoint: checkpoint)
        default:
            throw ConfigurationError.badValue("no evaluation policy for algorithm '\(configuration.algorithm)'")
        }
    }

    /// Checks the networks' sizes against the machine's memory (inputs and outputs counted as 1: the
    /// hidden layers dominate any size that could fail).
    static func requireMemory(for hyperparameters: any Configurable) throws {
        switch hyperparameters {
        case let acer as ACERConfiguration:
            try MemoryBudget.requireNetwork(layers: [1] + acer.hiddenSizes + [1], key: "hidden_sizes")
        case let goal as GoalACERConfiguration:
            try MemoryBudget.requireNetwork(layers: [1] + goal.acer.hiddenSizes + [1], key: "hidden_sizes")
        case let ppo as PPOConfiguration:
            try MemoryBudget.requireNetwork(layers: [1] + ppo.actorHiddenSizes + [1], key: "actor_hidden_dims")
            try MemoryBudget.requireNetwork(layers: [1] + ppo.criticHiddenSizes + [1], key: "critic_hidden_dims")
        case let sac as SACConfiguration:
            // Actor, two Q heads and their targets: five hidden_dim x hidden_dim layers' worth, twice.
            try MemoryBudget.requireNetwork(layers: [1, sac.hiddenSize, sac.hiddenSize, 1], key: "hidden_dim")
        default:
            break
        }
    }

    /// Parses "key:value,key:value" environment options (numbers, true/false, or text).
    public static func environmentOptions(_ text: String) throws -> Options {
        var options: Options = [:]
        for part in text.split(separator: ",") where !part.trimmingCharacters(in: .whitespaces).isEmpty {
            let pieces = part.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, !pieces[0].isEmpty else {
                throw ConfigurationError.badValue("env_options expects key:value pairs separated by commas, got '\(part)'")
            }
            let value = pieces[1]
            if let integer = Int(value) { options[pieces[0]] = .int(integer) }
            else if let number = Double(value) { options[pieces[0]] = .double(number) }
            else if value == "true" || value == "false" { options[pieces[0]] = .bool(value == "true") }
            else { options[pieces[0]] = .string(value) }
        }
        return options
    }
}
