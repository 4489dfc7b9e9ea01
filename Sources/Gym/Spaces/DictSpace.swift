/// Named sub-spaces, keys sorted as Gymnasium sorts them (used by goal-conditioned environments).
public struct DictSpace: Sendable, Equatable, CustomStringConvertible {
    /// The sub-spaces in sorted key order.
    public let spaces: [(key: String, space: Space)]

    /// A dict space of the given named sub-spaces.
    public init(_ spaces: [String: Space]) {
        self.spaces = spaces.keys.sorted().map { ($0, spaces[$0]!) }
    }

    public static func == (lhs: DictSpace, rhs: DictSpace) -> Bool {
        lhs.spaces.map(\.key) == rhs.spaces.map(\.key) && lhs.spaces.map(\.space) == rhs.spaces.map(\.space)
    }

    public var description: String {
        "Dict(" + spaces.map { "'\($0.key)': \($0.space)" }.joined(separator: ", ") + ")"
    }

    /// Whether `values` has exactly these keys with each value in its sub-space.
    public func contains(_ values: [String: SpaceValue]) -> Bool {
        guard values.count == spaces.count else { return false }
        return spaces.allSatisfy { entry in values[entry.key].map { entry.space.contains($0) } ?? false }
    }

    /// A random element.
    public func sample(using generator: inout RandomGenerator) -> [String: SpaceValue] {
        var values: [String: SpaceValue] = [:]
        for (key, space) in spaces { values[key] = space.sample(using: &generator) }
        return values
    }
}
