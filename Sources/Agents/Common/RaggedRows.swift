import NN
import Tensors

/// Rows of different lengths ([[Float]], e.g. goals that are empty for some steps) and small value lists
/// in checkpoints: a ragged list is stored as its row count (metadata `NAME.rows`), its row lengths
/// (tensor `NAME.lengths`) and its values end to end (tensor `NAME.values`); empty tensors are left out.
enum RaggedRows {
    /// Stores `rows` under `name`.
    static func store(_ rows: [[Float]], as name: String, in checkpoint: inout Checkpoint) throws {
        checkpoint.metadata[name + ".rows"] = "\(rows.count)"
        if !rows.isEmpty { checkpoint.tensors[name + ".lengths"] = try Tensor(rows.map { Float($0.count) }, shape: [rows.count]) }
        let values = rows.flatMap { $0 }
        if !values.isEmpty { checkpoint.tensors[name + ".values"] = try Tensor(values, shape: [values.count]) }
    }

    /// The rows stored under `name` (empty when the checkpoint has none); throws when the parts disagree.
    static func load(_ name: String, from checkpoint: Checkpoint) throws -> [[Float]] {
        let count = Int(checkpoint.metadata[name + ".rows"] ?? "0") ?? -1
        let lengths = flat(name + ".lengths", from: checkpoint), values = flat(name + ".values", from: checkpoint)
        guard count >= 0, lengths.count == count,
            lengths.allSatisfy({ $0 >= 0 && $0 == $0.rounded() && $0 <= Float(values.count) }),
            Int(lengths.reduce(0, +)) == values.count
        else {
            throw AgentError.invalidState(
                "the checkpoint's \(name) is inconsistent (\(count) rows, \(lengths.count) lengths, \(values.count) values)")
        }
        var rows: [[Float]] = [], start = 0
        rows.reserveCapacity(count)
        for length in lengths {
            rows.append(Array(values[start..<(start + Int(length))]))
            start += Int(length)
        }
        return rows
    }

    /// The values of tensor `name` (empty when absent).
    static func flat(_ name: String, from checkpoint: Checkpoint) -> [Float] {
        checkpoint.tensors[name]?.scalars ?? []
    }

    /// Flags as "0,1,...".
    static func text(_ flags: [Bool]) -> String { flags.map { $0 ? "1" : "0" }.joined(separator: ",") }

    /// Doubles as their shortest exact decimal forms, comma-separated.
    static func text(_ values: [Double]) -> String { values.map { "\($0)" }.joined(separator: ",") }

    /// Flags written by `text` (nil when `text` is nil).
    static func values(_ text: String?) throws -> [Bool]? {
        try parse(text) { $0 == "1" ? true : $0 == "0" ? false : nil }
    }

    /// Doubles written by `text` (nil when `text` is nil).
    static func values(_ text: String?) throws -> [Double]? {
        try parse(text) { Double($0) }
    }

    private static func parse<Value>(_ text: String?, _ value: (Substring) -> Value?) throws -> [Value]? {
        guard let text else { return nil }
        return try text.split(separator: ",").map { token in
            guard let parsed = value(token) else { throw AgentError.invalidState("the checkpoint holds '\(token)' in a list of values") }
            return parsed
        }
    }
}
