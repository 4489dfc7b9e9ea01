/// Errors thrown by tensor operations; messages name the operation and the shapes involved.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// Shapes that do not fit the operation.
    case shapeMismatch(String)
    /// An argument out of range (axis, index, size).
    case invalidArgument(String)
    /// Gradients requested in a way the tape cannot answer.
    case gradient(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let message), .invalidArgument(let message), .gradient(let message): return message
        }
    }
}

/// Formats a shape as `[2, 3]`.
@usableFromInline
func describe(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
