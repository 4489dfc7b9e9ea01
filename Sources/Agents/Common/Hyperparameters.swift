import Foundation

/// A hyperparameter value as configs and config.json hold it.
public enum HyperparameterValue: Sendable, Equatable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case ints([Int])

    public var description: String {
        switch self {
        case .int(let value): return "\(value)"
        case .double(let value): return "\(value)"
        case .bool(let value): return "\(value)"
        case .string(let value): return value
        case .ints(let values): return values.map(String.init).joined(separator: ",")
        }
    }

    /// The value as a JSON-serialisable object.
    public var jsonObject: Any {
        switch self {
        case .int(let value): return value
        case .double(let value): return value
        case .bool(let value): return value
        case .string(let value): return value
        case .ints(let values): return values
        }
    }
}

/// One named, documented hyperparameter of a configuration type: how to read it and how to set it
/// from text (config files and `--set key=value`), with the valid range in the error.
public struct Hyperparameter<Configuration>: @unchecked Sendable {
    /// The key in config files (snake_case, as CleanRL's flags).
    public let key: String
    /// What it does and the reference default.
    public let summary: String
    /// The current value.
    public let read: (Configuration) -> HyperparameterValue
    /// Parses `text` into the configuration; throws naming the key and the expected form.
    public let write: (inout Configuration, String) throws -> Void
    /// Other names accepted for the key: the reference implementation's, where SwiftRL's one
    /// vocabulary across algorithms (gamma, ent_coef, initial_steps) differs from it.
    public var aliases: [String] = []

    /// A hyperparameter read and written by the given functions.
    public init(
        key: String, summary: String, read: @escaping (Configuration) -> HyperparameterValue,
        write: @escaping (inout Configuration, String) throws -> Void, aliases: [String] = []
    ) {
        self.key = key
        self.summary = summary
        self.read = read
        self.write = write
        self.aliases = aliases
    }

    /// The same hyperparameter, also accepted under `names` (configs and presets written with the
    /// reference's names keep working).
    public func aliased(_ names: String...) -> Self {
        var copy = self
        copy.aliases += names
        return copy
    }

    /// Whether `name` is this hyperparameter's key or one of its aliases.
    public func isNamed(_ name: String) -> Bool { key == name || aliases.contains(name) }

    /// An integer in `range`.
    public static func int(
        _ key: String, _ path: WritableKeyPath<Configuration, Int>, _ summary: String,
        range: ClosedRange<Int> = Int.min...Int.max
    ) -> Self {
        Self(
            key: key, summary: summary, read: { .int($0[keyPath: path]) },
            write: { configuration, text in
                guard
                    let value = Int(text.replacingOccurrences(of: "_", with: ""))
                        ?? Double(text).flatMap({ $0 == $0.rounded() && Swift.abs($0) < 1e15 ? Int($0) : nil })
                else {
                    throw ConfigurationError.badValue("\(key) must be an integer, got '\(text)'")
                }
                guard range.contains(value) else {
                    throw ConfigurationError.badValue("\(key) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
                }
                configuration[keyPath: path] = value
            })
    }

    /// A real number in `range`.
    public static func real(
        _ key: String, _ path: WritableKeyPath<Configuration, Double>, _ summary: String,
        range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
    ) -> Self {
        Self(
            key: key, summary: summary, read: { .double($0[keyPath: path]) },
            write: { configuration, text in
                guard let value = Double(text), value.isFinite else {
                    throw ConfigurationError.badValue("\(key) must be a finite number, got '\(text)'")
                }
                guard range.contains(value) else {
                    throw ConfigurationError.badValue("\(key) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
                }
                configuration[keyPath: path] = value
            })
    }

    /// true or false.
    public static func bool(_ key: String, _ path: WritableKeyPath<Configuration, Bool>, _ summary: String) -> Self {
        Self(
            key: key, summary: summary, read: { .bool($0[keyPath: path]) },
            write: { configuration, text in
                switch text.lowercased() {
                case "true", "yes", "on", "1": configuration[keyPath: path] = true
                case "false", "no", "off", "0": configuration[keyPath: path] = false
                default: throw ConfigurationError.badValue("\(key) must be true or false, got '\(text)'")
                }
            })
    }

    /// One case of `Choice`, by its raw value (only the cases in `allowed`, when given): a typo in a
    /// config is an error listing the valid values, and code switches over the cases exhaustively.
    public static func choice<Choice: RawRepresentable & CaseIterable>(
        _ key: String, _ path: WritableKeyPath<Configuration, Choice>, _ summary: String, among allowed: [Choice]? = nil
    ) -> Self where Choice.RawValue == String {
        let valid = (allowed ?? Array(Choice.allCases)).map(\.rawValue)
        return Self(
            key: key, summary: summary, read: { .string($0[keyPath: path].rawValue) },
            write: { configuration, text in
                guard valid.contains(text), let value = Choice(rawValue: text) else {
                    throw ConfigurationError.badValue("\(key) must be one of \(valid.joined(separator: ", ")), got '\(text)'")
                }
                configuration[keyPath: path] = value
            })
    }

    /// Free text.
    public static func text(_ key: String, _ path: WritableKeyPath<Configuration, String>, _ summary: String) -> Self {
        Self(
            key: key, summary: summary, read: { .string($0[keyPath: path]) },
            write: { configuration, text in
                configuration[keyPath: path] = text
            })
    }

    /// A comma-separated list of non-negative integers (indices into a vector), possibly empty.
    public static func indices(_ key: String, _ path: WritableKeyPath<Configuration, [Int]>, _ summary: String) -> Self {
        integers(key, path, summary, minimum: 0, expected: "comma-separated indices such as 0,1")
    }

    /// A comma-separated list of positive integers (layer sizes), possibly empty.
    public static func sizes(_ key: String, _ path: WritableKeyPath<Configuration, [Int]>, _ summary: String) -> Self {
        integers(key, path, summary, minimum: 1, expected: "comma-separated positive integers such as 64,64")
    }

    /// A comma-separated list of integers >= `minimum` (brackets and spaces allowed), possibly empty.
    private static func integers(
        _ key: String, _ path: WritableKeyPath<Configuration, [Int]>, _ summary: String,
        minimum: Int, expected: String
    ) -> Self {
        Self(
            key: key, summary: summary, read: { .ints($0[keyPath: path]) },
            write: { configuration, text in
                let trimmed = text.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                let parts = trimmed.isEmpty ? [] : trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let values = parts.compactMap { Int($0) }
                guard values.count == parts.count, values.allSatisfy({ $0 >= minimum }) else {
                    throw ConfigurationError.badValue("\(key) must be \(expected), got '\(text)'")
                }
                configuration[keyPath: path] = values
            })
    }
}

/// Errors in configuration files and overrides; each names the key and the fix.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// A key that no hyperparameter has.
    case unknownKey(String)
    /// A value of the wrong form or out of range.
    case badValue(String)
    /// A malformed line or file.
    case syntax(String)

    public var description: String {
        switch self {
        case .unknownKey(let message), .badValue(let message), .syntax(let message): return message
        }
    }
}

/// A configuration made of documented hyperparameters.
public protocol Configurable {
    /// The configuration with every reference default.
    init()
    /// Every hyperparameter, in the order configs list them.
    static var hyperparameters: [Hyperparameter<Self>] { get }
}

extension Configurable {
    /// Sets `key` from text; throws for unknown keys (listing the valid ones) and bad values.
    public mutating func set(_ key: String, to text: String) throws {
        guard let parameter = Self.hyperparameters.first(where: { $0.isNamed(key) }) else {
            throw ConfigurationError.unknownKey(
                "unknown key '\(key)'; valid keys: \(Self.hyperparameters.map(\.key).joined(separator: ", "))")
        }
        try parameter.write(&self, text)
    }

    /// Whether `key` is one of this configuration's keys.
    public static func hasKey(_ key: String) -> Bool { hyperparameters.contains { $0.isNamed(key) } }

    /// Every key with its aliases, for listings.
    public var aliases: [(key: String, aliases: [String])] { Self.hyperparameters.map { ($0.key, $0.aliases) } }

    /// Every key, in declaration order.
    public var keys: [String] { Self.hyperparameters.map(\.key) }

    /// Every key with its summary (for help text and the presets' comments).
    public var summaries: [(key: String, summary: String)] { Self.hyperparameters.map { ($0.key, $0.summary) } }

    /// Every key with its current value, in declaration order.
    public var values: [(key: String, value: HyperparameterValue)] {
        Self.hyperparameters.map { ($0.key, $0.read(self)) }
    }
}
