/// Vectors (or arrays) of bits: every coordinate is 0 or 1.
public struct MultiBinary: Sendable, Equatable, CustomStringConvertible {
    /// The shape of one element.
    public let shape: [Int]

    /// A multi-binary space of `n` bits.
    public init(_ n: Int) { shape = [n] }

    /// A multi-binary space of the given shape.
    public init(shape: [Int]) { self.shape = shape }

    /// The number of bits.
    public var count: Int { shape.reduce(1, *) }

    public var description: String { shape.count == 1 ? "MultiBinary(\(shape[0]))" : "MultiBinary(\(shape))" }

    /// Whether `xs` is an element.
    public func contains(_ xs: [Int]) -> Bool { xs.count == count && xs.allSatisfy { $0 == 0 || $0 == 1 } }

    /// A uniformly random element.
    public func sample(using generator: inout RandomGenerator) -> [Int] {
        (0..<count).map { _ in generator.integer(below: 2) }
    }

    /// Throws when a dimension is not positive.
    public func validate() throws {
        guard shape.allSatisfy({ $0 > 0 }) else { throw GymError.invalidSpace("MultiBinary needs positive sizes, got \(shape)") }
    }
}
