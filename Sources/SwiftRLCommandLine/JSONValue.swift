import Gym

/// A JSON value with ordered object keys, for the CLI's machine-readable output.
indirect enum JSONValue {
    case null
    case bool(Bool)
    case number(Double)
    case integer(Int)
    case float(Float)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// Compact JSON text.
    var text: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return "\(value)"
        case .number(let value): return value.isFinite ? "\(value)" : "null"
        case .float(let value): return value.isFinite ? "\(value)" : "null"
        case .string(let value): return JSONValue.quote(value)
        case .array(let values): return "[" + values.map(\.text).joined(separator: ",") + "]"
        case .object(let entries):
            return "{" + entries.map { JSONValue.quote($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }

    private static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 { result += String(format: "\\u%04x", scalar.value) } else { result.unicodeScalars.append(scalar) }
            }
        }
        return result + "\""
    }

    /// A space element as JSON (numbers, arrays of numbers, objects for dicts).
    init(_ value: SpaceValue) {
        switch value {
        case .float32(let values): self = .array(values.map { .float($0) })
        case .uint8(let values): self = .array(values.map { .integer(Int($0)) })
        case .int(let value): self = .integer(value)
        case .ints(let values): self = .array(values.map { .integer($0) })
        case .dict(let values): self = .object(values.keys.sorted().map { ($0, JSONValue(values[$0]!)) })
        case .tuple(let values): self = .array(values.map(JSONValue.init))
        }
    }
}

import Foundation
