import NN
import Random

extension RandomGenerator {
    /// An index drawn from the probabilities `probabilities[offset ..< offset + count]` by inverse CDF
    /// (the last index when rounding leaves the cumulative sum below the draw).
    public mutating func categorical<Probabilities: RandomAccessCollection>(_ probabilities: Probabilities, offset: Int, count: Int) -> Int
    where Probabilities.Element == Float, Probabilities.Index == Int {
        let threshold = Float(uniform())
        var cumulative: Float = 0
        for index in 0..<count {
            cumulative += probabilities[probabilities.startIndex + offset + index]
            if threshold < cumulative { return index }
        }
        return count - 1
    }
}

extension Checkpoint {
    /// Throws unless the checkpoint was written by `algorithm`, naming the one that wrote it.
    public func requireAlgorithm(_ algorithm: String) throws {
        guard metadata["algorithm"] == algorithm else {
            throw AgentError.invalidState(
                "the checkpoint is for algorithm '\(metadata["algorithm"] ?? "unknown")', not \(algorithm): evaluate or resume it with that algorithm"
            )
        }
    }
}
