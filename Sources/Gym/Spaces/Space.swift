/// A space: the set that observations or actions live in, with Gymnasium's space types.
///
/// `Space` is a closed enum of the six Gymnasium space kinds, so that the registry, vector
/// environments and algorithms can reason about any environment without generics.
public indirect enum Space: Sendable, Equatable, CustomStringConvertible {
    /// A (possibly unbounded) box of Float32 or UInt8 values with a shape.
    case box(Box)
    /// Integers start ..< start + n.
    case discrete(Discrete)
    /// A vector of independent discrete values.
    case multiDiscrete(MultiDiscrete)
    /// A vector of bits.
    case multiBinary(MultiBinary)
    /// Named sub-spaces (keys kept sorted, as Gymnasium does).
    case dict(DictSpace)
    /// Positional sub-spaces.
    case tuple(TupleSpace)

    /// Gymnasium-style description, e.g. `Discrete(2)` or `Box(-2.0, 2.0, (1,), float32)`.
    public var description: String {
        switch self {
        case .box(let space): return space.description
        case .discrete(let space): return space.description
        case .multiDiscrete(let space): return space.description
        case .multiBinary(let space): return space.description
        case .dict(let space): return space.description
        case .tuple(let space): return space.description
        }
    }

    /// Whether `value` is an element of this space.
    public func contains(_ value: SpaceValue) -> Bool {
        switch (self, value) {
        case (.box(let space), _): return space.contains(value)
        case (.discrete(let space), .int(let x)): return space.contains(x)
        case (.multiDiscrete(let space), .ints(let xs)): return space.contains(xs)
        case (.multiBinary(let space), .ints(let xs)): return space.contains(xs)
        case (.dict(let space), .dict(let values)): return space.contains(values)
        case (.tuple(let space), .tuple(let values)): return space.contains(values)
        default: return false
        }
    }

    /// A random element, drawn with Gymnasium's sampling rules from `generator`.
    public func sample(using generator: inout RandomGenerator) -> SpaceValue {
        switch self {
        case .box(let space): return space.sample(using: &generator)
        case .discrete(let space): return .int(space.sample(using: &generator))
        case .multiDiscrete(let space): return .ints(space.sample(using: &generator))
        case .multiBinary(let space): return .ints(space.sample(using: &generator))
        case .dict(let space): return .dict(space.sample(using: &generator))
        case .tuple(let space): return .tuple(space.sample(using: &generator))
        }
    }

    /// Throws when the space is malformed (shapes that disagree, low > high, n <= 0, ...).
    public func validate() throws {
        switch self {
        case .box(let space): try space.validate()
        case .discrete(let space): try space.validate()
        case .multiDiscrete(let space): try space.validate()
        case .multiBinary(let space): try space.validate()
        case .dict(let space): for (_, subspace) in space.spaces { try subspace.validate() }
        case .tuple(let space): for subspace in space.spaces { try subspace.validate() }
        }
    }

    /// The shape of one element (`[]` for Discrete; `[]` for Dict and Tuple, which have none).
    public var shape: [Int] {
        switch self {
        case .box(let space): return space.shape
        case .discrete: return []
        case .multiDiscrete(let space): return [space.nvec.count]
        case .multiBinary(let space): return space.shape
        case .dict, .tuple: return []
        }
    }

    /// The number of scalars one element holds once flattened (Dict and Tuple: the sum of their parts).
    public var flatCount: Int {
        switch self {
        case .box(let space): return space.count
        case .discrete: return 1
        case .multiDiscrete(let space): return space.nvec.count
        case .multiBinary(let space): return space.count
        case .dict(let space): return space.spaces.reduce(0) { $0 + $1.space.flatCount }
        case .tuple(let space): return space.spaces.reduce(0) { $0 + $1.flatCount }
        }
    }

    /// The sub-space under `key` for Dict spaces.
    public subscript(key: String) -> Space? {
        guard case .dict(let space) = self else { return nil }
        return space.spaces.first { $0.key == key }?.space
    }
}
