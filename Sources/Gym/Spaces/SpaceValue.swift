/// An element of a space: an observation, a sample, or an action in its general form.
///
/// The case follows the space: Box gives `float32` or `uint8` (flattened in row-major order),
/// Discrete gives `int`, MultiDiscrete and MultiBinary give `ints`, Dict gives `dict`, Tuple gives `tuple`.
public indirect enum SpaceValue: Sendable, Equatable, CustomStringConvertible {
    case float32([Float])
    case uint8([UInt8])
    case int(Int)
    case ints([Int])
    case dict([String: SpaceValue])
    case tuple([SpaceValue])

    /// A compact description, e.g. `[0.1, -0.2]` or `3`.
    public var description: String {
        switch self {
        case .float32(let values): return "[" + values.map { "\($0)" }.joined(separator: ", ") + "]"
        case .uint8(let values): return "uint8[\(values.count)]"
        case .int(let value): return "\(value)"
        case .ints(let values): return "\(values)"
        case .dict(let values):
            return "{" + values.keys.sorted().map { "\($0): \(values[$0]!)" }.joined(separator: ", ") + "}"
        case .tuple(let values): return "(" + values.map(\.description).joined(separator: ", ") + ")"
        }
    }

    /// The values as Float32, flattened (Dict values in sorted key order); nil for nothing numeric.
    public var floats: [Float] {
        switch self {
        case .float32(let values): return values
        case .uint8(let values): return values.map(Float.init)
        case .int(let value): return [Float(value)]
        case .ints(let values): return values.map(Float.init)
        case .dict(let values): return values.keys.sorted().flatMap { values[$0]!.floats }
        case .tuple(let values): return values.flatMap(\.floats)
        }
    }
}

/// Formats a Float the way the CLI and descriptions print bounds (`inf`, `-inf`, shortest digits).
func formatBound(_ value: Float) -> String {
    if value == .infinity { return "inf" }
    if value == -.infinity { return "-inf" }
    return "\(value)"
}
