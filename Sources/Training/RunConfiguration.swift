import Foundation
import Agents

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
        } else if type(of: hyperparameters).hasKey(key) {
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

    /// The keys a resumed run may change with --set: how it runs, not what it learns (threads change
    /// the order of some Float32 sums, so a resume with other threads is not bit-identical).
    public static let resumableKeys = ["threads", "log_every", "checkpoint_every", "keep_checkpoints"]

    /// Throws naming the keys a resumed run may change when `overrides` sets another key.
    public static func requireResumable(_ overrides: [String]) throws {
        for override in overrides {
            let key = String(override.prefix { $0 != "=" })
            guard resumableKeys.contains(key) else {
                throw ConfigurationError.syntax(
                    "--resume keeps what the run learns; --set may change only \(resumableKeys.joined(separator: ", ")), got '\(override)'")
            }
        }
    }

    /// Applies `overrides` to a resumed run's configuration (only `resumableKeys`).
    public mutating func apply(resumeOverrides overrides: [String]) throws {
        try Self.requireResumable(overrides)
        try apply(overrides: overrides)
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
        let object: [String: ConfigJSONValue]
        do { object = try JSONDecoder().decode([String: ConfigJSONValue].self, from: data) } catch {
            throw ConfigurationError.syntax("\(source) is not a SwiftRL config.json: \(error)")
        }
        guard case .text(let algorithm)? = object["algorithm"] else {
            throw ConfigurationError.syntax("\(source) is not a SwiftRL config.json (no 'algorithm' key)")
        }
        try self.init(algorithm: algorithm)
        for (key, value) in object where key != "algorithm" && key != algorithm {
            try set(key, to: value.text)
        }
        if case .object(let values)? = object[algorithm] {
            for (key, value) in values { try hyperparameters.set(key, to: value.text) }
        }
    }
}

/// A config.json value, decoded strictly (JSON true stays a Bool, 1 stays a number).
private indirect enum ConfigJSONValue: Decodable {
    case flag(Bool), integer(Int), number(Double), text(String), list([ConfigJSONValue]), object([String: ConfigJSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .flag(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .text(value)
        } else if let value = try? container.decode([ConfigJSONValue].self) {
            self = .list(value)
        } else {
            self = .object(try container.decode([String: ConfigJSONValue].self))
        }
    }

    /// The value as config-file text.
    var text: String {
        switch self {
        case .flag(let value): return value ? "true" : "false"
        case .integer(let value): return "\(value)"
        case .number(let value): return "\(value)"
        case .text(let value): return value
        case .list(let values): return values.map(\.text).joined(separator: ",")
        case .object: return ""
        }
    }
}
