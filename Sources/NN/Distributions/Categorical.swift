import Tensors

/// A batch of categorical distributions given by logits [B, n].
public struct Categorical {
    /// log-probabilities [B, n] (log-softmax of the logits).
    public let logProbabilities: Tensor

    /// Distributions with the given unnormalised log-probabilities.
    public init(logits: Tensor) throws {
        guard logits.rank == 2 else { throw TensorError.shapeMismatch("Categorical: logits must be [batch, n], got \(logits.shape)") }
        logProbabilities = try logits.logSoftmax(axis: 1)
    }

    /// Probabilities [B, n].
    public var probabilities: Tensor { logProbabilities.exp() }

    /// log p(actions[i]) for each row, [B].
    public func logProbability(of actions: [Int]) throws -> Tensor {
        try logProbabilities.gatherRows(actions)
    }

    /// The entropy of each row, [B].
    public func entropy() throws -> Tensor {
        try (probabilities * logProbabilities).sum(axis: 1).negated()
    }

    /// One sample per row (inverse CDF with a seeded generator).
    public func sample(using generator: inout RandomGenerator) -> [Int] {
        let rows = logProbabilities.shape[0], columns = logProbabilities.shape[1]
        return (0..<rows).map { row in
            let threshold = Float(generator.uniform())
            var cumulative: Float = 0
            for column in 0..<columns {
                cumulative += Foundation_exp(logProbabilities.pointer[row * columns + column])
                if threshold < cumulative { return column }
            }
            return columns - 1
        }
    }

    /// The most likely action of each row.
    public func mode() throws -> [Int] { try logProbabilities.argmax(axis: 1) }
}

import Foundation
@inline(__always) func Foundation_exp(_ x: Float) -> Float { Foundation.exp(x) }
