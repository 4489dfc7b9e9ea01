/// A vector of independent discrete values; coordinate i lies in start[i] ..< start[i] + nvec[i].
public struct MultiDiscrete: Sendable, Equatable, CustomStringConvertible {
    /// The number of values per coordinate.
    public let nvec: [Int]
    /// The smallest value per coordinate.
    public let start: [Int]

    /// A multi-discrete space with `nvec[i]` values for coordinate i, starting at `start[i]` (default 0).
    public init(_ nvec: [Int], start: [Int]? = nil) {
        self.nvec = nvec
        self.start = start ?? Array(repeating: 0, count: nvec.count)
    }

    public var description: String {
        start.allSatisfy({ $0 == 0 }) ? "MultiDiscrete(\(nvec))" : "MultiDiscrete(\(nvec), start=\(start))"
    }

    /// Whether `xs` is an element.
    public func contains(_ xs: [Int]) -> Bool {
        guard xs.count == nvec.count else { return false }
        for index in xs.indices where !(xs[index] >= start[index] && xs[index] < start[index] + nvec[index]) {
            return false
        }
        return true
    }

    /// A uniformly random element.
    public func sample(using generator: inout RandomGenerator) -> [Int] {
        nvec.indices.map { start[$0] + generator.integer(below: nvec[$0]) }
    }

    /// Throws when a count is not positive or the start vector's length differs.
    public func validate() throws {
        guard nvec.allSatisfy({ $0 > 0 }) else { throw GymError.invalidSpace("MultiDiscrete needs every n > 0, got \(nvec)") }
        guard start.count == nvec.count else {
            throw GymError.invalidSpace("MultiDiscrete start has \(start.count) values for \(nvec.count) coordinates")
        }
    }
}
