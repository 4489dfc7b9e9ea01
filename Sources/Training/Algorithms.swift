import Foundation
import Agents
import Gym
import NN
import Render

/// The algorithms `swiftrl train` knows (a table of `AlgorithmSpec`), and building their agents and
/// policies from a run configuration.
public enum Algorithms {
    /// Every algorithm, in the order `train --help` lists them.
    public static let specs: [AlgorithmSpec] = [.acer, .goalACER, .sacAE, .sac, .ppo]

    /// The algorithm names.
    public static var names: [String] { specs.map(\.name) }

    /// The default preset `swiftrl train` runs with no arguments.
    public static let defaultPreset = "acer-cartpole"

    /// The algorithm called `name`; throws listing the known ones.
    public static func spec(_ name: String) throws -> AlgorithmSpec {
        guard let spec = specs.first(where: { $0.name == name }) else {
            throw ConfigurationError.badValue("unknown algorithm '\(name)'; available: \(names.joined(separator: ", "))")
        }
        return spec
    }

    /// The reference-default hyperparameters of `algorithm`.
    public static func defaultHyperparameters(for algorithm: String) throws -> any Configurable {
        try spec(algorithm).defaults()
    }

    /// Builds the agent a configuration describes, with environments from `registry`.
    public static func makeAgent(_ configuration: RunConfiguration, registry: Registry = .shared) throws -> any TrainableAgent {
        let settings = configuration.settings
        let algorithm = try spec(configuration.algorithm)
        let options = try environmentOptions(settings.environmentOptions)
        _ = try registry.spec(settings.environment)
        for (key, layers) in algorithm.networks(configuration.hyperparameters) {
            try MemoryBudget.requireNetwork(layers: layers, key: key)
        }
        // Several workers are ACER's (its multi-worker mode); the other agents would silently run one.
        if settings.workers > 1 && !algorithm.supportsWorkers {
            throw ConfigurationError.badValue(
                "workers = \(settings.workers) is ACER's multi-worker setting; \(configuration.algorithm) runs one worker: drop --workers (use --num-envs for more environments)"
            )
        }
        // Interleaved [H, W, C] pictures (CarRacing's 96x96x3) reach the agents channel-first.
        return try algorithm.makeAgent(configuration) {
            try ChannelFirstObservation.wrappingInterleavedImages(registry.make(settings.environment, options: options))
        }
    }

    /// The policy of `checkpoint` alone, for evaluation: every algorithm builds only what acting needs
    /// (no critics, average networks, dynamics, optimizer state, replay or training environments).
    public static func makeEvaluationPolicy(
        _ configuration: RunConfiguration, checkpoint: Checkpoint,
        registry: Registry = .shared
    ) throws -> any EvaluationPolicy {
        let settings = configuration.settings
        let probe = try ChannelFirstObservation.wrappingInterleavedImages(
            registry.make(settings.environment, options: try environmentOptions(settings.environmentOptions)))
        let observationSpace = probe.observationSpace, actionSpace = probe.actionSpace
        probe.close()
        return try spec(configuration.algorithm).makePolicy(configuration, observationSpace, actionSpace, checkpoint)
    }

    /// Parses "key:value,key:value" environment options (numbers, true/false, or text).
    public static func environmentOptions(_ text: String) throws -> Options {
        var options: Options = [:]
        for part in text.split(separator: ",") where !part.trimmingCharacters(in: .whitespaces).isEmpty {
            let pieces = part.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, !pieces[0].isEmpty else {
                throw ConfigurationError.badValue("env_options expects key:value pairs separated by commas, got '\(part)'")
            }
            // The same value rules as every other option parser (`--option key=value`, the C ABI's JSON).
            options[pieces[0]] = OptionValue(parsing: pieces[1])
        }
        return options
    }
}
