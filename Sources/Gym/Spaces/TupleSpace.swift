/// Positional sub-spaces (Gymnasium's `Tuple`).
public struct TupleSpace: Sendable, Equatable, CustomStringConvertible {
    /// The sub-spaces in order.
    public let spaces: [Space]

    /// A tuple space of the given sub-spaces.
    public init(_ spaces: [Space]) { self.spaces = spaces }

    public var description: String { "Tuple(" + spaces.map(\.description).joined(separator: ", ") + ")" }

    /// Whether `values` has one element per sub-space, each inside it.
    public func contains(_ values: [SpaceValue]) -> Bool {
        values.count == spaces.count && zip(spaces, values).allSatisfy { $0.contains($1) }
    }

    /// A random element.
    public func sample(using generator: inout RandomGenerator) -> [SpaceValue] {
        spaces.map { $0.sample(using: &generator) }
    }
}
