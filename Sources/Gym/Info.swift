/// Auxiliary diagnostic information returned by `reset` and `step` (Gymnasium's `info` dict).
///
/// An empty `Info` costs nothing to create, so environments return `[:]` on the hot path.
public struct Info: Sendable, Equatable, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// The entries by key.
    public var values: [String: InfoValue]

    /// An info with the given entries.
    public init(_ values: [String: InfoValue] = [:]) { self.values = values }

    public init(dictionaryLiteral elements: (String, InfoValue)...) {
        values = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    /// The entry under `key`, if any.
    public subscript(key: String) -> InfoValue? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// Whether there are no entries.
    public var isEmpty: Bool { values.isEmpty }

    public var description: String {
        "{" + values.keys.sorted().map { "\($0): \(values[$0]!)" }.joined(separator: ", ") + "}"
    }
}

/// One value in an `Info`.
public indirect enum InfoValue: Sendable, Equatable, CustomStringConvertible {
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case floats([Float])
    case value(SpaceValue)
    case info(Info)

    public var description: String {
        switch self {
        case .bool(let value): return "\(value)"
        case .int(let value): return "\(value)"
        case .double(let value): return "\(value)"
        case .string(let value): return "\"\(value)\""
        case .floats(let values): return "\(values)"
        case .value(let value): return value.description
        case .info(let info): return info.description
        }
    }

    /// The number, if this value is one.
    public var doubleValue: Double? {
        switch self {
        case .double(let value): return value
        case .int(let value): return Double(value)
        case .bool(let value): return value ? 1 : 0
        default: return nil
        }
    }
}
