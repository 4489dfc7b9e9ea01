/// The integers start ..< start + n (Gymnasium's `Discrete(n, start)`).
public struct Discrete: Sendable, Equatable, CustomStringConvertible {
    /// The number of elements.
    public let n: Int
    /// The smallest element.
    public let start: Int

    /// A discrete space of `n` elements starting at `start`.
    public init(_ n: Int, start: Int = 0) {
        self.n = n
        self.start = start
    }

    public var description: String { start == 0 ? "Discrete(\(n))" : "Discrete(\(n), start=\(start))" }

    /// The elements as a range.
    public var range: Range<Int> { start..<start + n }

    /// Whether `x` is an element.
    @inlinable
    public func contains(_ x: Int) -> Bool { x >= start && x < start + n }

    /// A uniformly random element.
    public func sample(using generator: inout RandomGenerator) -> Int { start + generator.integer(below: n) }

    /// Throws when n <= 0.
    public func validate() throws {
        guard n > 0 else { throw GymError.invalidSpace("Discrete needs n > 0, got \(n)") }
    }
}
