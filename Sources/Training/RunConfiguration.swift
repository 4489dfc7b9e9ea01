import Foundation
import Agents
import ConfigPresets

/// Everything that defines a training run: the algorithm, the shared training settings and the
/// algorithm's hyperparameters, resolved from defaults, a config file, `--set key=value` overrides
/// and command-line flags (later wins).
public struct RunConfiguration {
    /// The algorithm name ("acer").
    public var algorithm: String
    /// Loop, logging, evaluation and checkpoint settings.
    public var settings: TrainingSettings
    /// The algorithm's hyperparameters.
    public var hyperparameters: any Configurable

    /// The defaults of `algorithm`; throws listing the known algorithms.
    public init(algorithm: String) throws {
        self.algorithm = algorithm
        settings = TrainingSettings()
        hyperparameters = try Algorithms.defaultHyperparameters(for: algorithm)
    }

    /// Sets a training setting or hyperparameter from text; unknown keys list every valid key.
    public mutating func set(_ key: String, to value: String) throws {
        if TrainingSettings.hasKey(key) {
            try settings.set(key, to: value)
        } else if hyperparameters.keys.contains(key) {
            try hyperparameters.set(key, to: value)
        } else {
            let settingKeys = TrainingSettings.hyperparameters.map(\.key).joined(separator: ", ")
            let algorithmKeys = hyperparameters.keys.joined(separator: ", ")
            throw ConfigurationError.unknownKey("unknown key '\(key)'. Training keys: \(settingKeys). \(algorithm) keys: \(algorithmKeys)")
        }
    }

    /// Applies every entry of a config file (its `algorithm` line must match, when present).
    public mutating func apply(_ file: ConfigurationFile) throws {
        for (key, value, line) in file.entries {
            if key == "algorithm" {
                guard value == algorithm else {
                    throw ConfigurationError.badValue("\(file.source):\(line): this config is for algorithm '\(value)', not '\(algorithm)'")
                }
                continue
            }
            do { try set(key, to: value) } catch let error as ConfigurationError {
                throw ConfigurationError.badValue("\(file.source):\(line): \(error)")
            }
        }
    }

    /// Applies `key=value` overrides (the `--set` flags).
    public mutating func apply(overrides: [String]) throws {
        for override in overrides {
            guard let equals = override.firstIndex(of: "="), equals != override.startIndex else {
                throw ConfigurationError.syntax("--set expects key=value, got '\(override)'")
            }
            try set(String(override[..<equals]), to: String(override[override.index(after: equals)...]))
        }
    }

    /// The resolved configuration as config.json's object: algorithm, then every key with its value.
    public var jsonObject: [String: Any] {
        var object: [String: Any] = ["algorithm": algorithm]
        for (key, value) in settings.values { object[key] = value.jsonObject }
        var algorithmValues: [String: Any] = [:]
        for (key, value) in hyperparameters.values { algorithmValues[key] = value.jsonObject }
        object[algorithm] = algorithmValues
        return object
    }

    /// config.json's bytes (sorted keys, pretty-printed).
    public func jsonData() throws -> Data {
        try JSONSerialization.data(withJSONObject: jsonObject, options: [.prettyPrinted, .sortedKeys])
    }

    /// Rebuilds a configuration from config.json's bytes (for resume and eval).
    public init(json data: Data, source: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let algorithm = object["algorithm"] as? String else {
            throw ConfigurationError.syntax("\(source) is not a SwiftRL config.json (no 'algorithm' key)")
        }
        try self.init(algorithm: algorithm)
        for (key, value) in object where key != "algorithm" && key != algorithm {
            try set(key, to: Self.text(of: value))
        }
        if let values = object[algorithm] as? [String: Any] {
            for (key, value) in values { try hyperparameters.set(key, to: Self.text(of: value)) }
        }
    }

    private static func text(of value: Any) -> String {
        if let values = value as? [Any] { return values.map { "\($0)" }.joined(separator: ",") }
        if let flag = value as? Bool { return flag ? "true" : "false" }
        return "\(value)"
    }

    /// The bundled preset for `algorithm` on `environment` (a preset whose lines say so), if any.
    public static func presetURL(algorithm: String, environment: String) -> URL? {
        for name in ConfigPresets.names {
            guard let url = ConfigPresets.url(named: name), let file = try? ConfigurationFile(contentsOf: url) else { continue }
            if file.value(of: "algorithm") == algorithm && file.value(of: "env") == environment { return url }
        }
        return nil
    }
}
