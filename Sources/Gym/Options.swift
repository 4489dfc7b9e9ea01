/// Options passed to `make` (environment constructor arguments) or to `reset(options:)`.
public typealias Options = [String: OptionValue]

/// One option value: a boolean, an integer, a number or a string.
public enum OptionValue: Sendable, Equatable, CustomStringConvertible, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral
{
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)

    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }

    /// Parses command-line text: `true`/`false`, an integer, a number, or else a string.
    public init(parsing text: String) {
        if text == "true" {
            self = .bool(true)
        } else if text == "false" {
            self = .bool(false)
        } else if let integer = Int(text) {
            self = .int(integer)
        } else if let number = Double(text) {
            self = .double(number)
        } else {
            self = .string(text)
        }
    }

    public var description: String {
        switch self {
        case .bool(let value): return "\(value)"
        case .int(let value): return "\(value)"
        case .double(let value): return "\(value)"
        case .string(let value): return value
        }
    }

    /// The value as a number, if it is one.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }
}

extension Dictionary where Key == String, Value == OptionValue {
    /// Throws when an option is not among `known`, listing the valid ones.
    public func requireKnownKeys(_ known: [String], for owner: String) throws {
        for key in keys.sorted() where !known.contains(key) {
            let valid = known.isEmpty ? "it takes no options" : "valid options: " + known.sorted().joined(separator: ", ")
            throw GymError.invalidOption("unknown option '\(key)' for \(owner); \(valid)")
        }
    }

    /// The finite number under `key`, or `defaultValue` when absent; throws on a non-number.
    public func number(_ key: String, default defaultValue: Double, for owner: String) throws -> Double {
        guard let option = self[key] else { return defaultValue }
        guard let value = option.doubleValue, value.isFinite else {
            throw GymError.invalidOption("option '\(key)' for \(owner) must be a finite number, got '\(option)'")
        }
        return value
    }

    /// The boolean under `key`, or `defaultValue` when absent; throws on a non-boolean.
    public func flag(_ key: String, default defaultValue: Bool, for owner: String) throws -> Bool {
        guard let option = self[key] else { return defaultValue }
        guard case .bool(let value) = option else {
            throw GymError.invalidOption("option '\(key)' for \(owner) must be true or false, got '\(option)'")
        }
        return value
    }
}
