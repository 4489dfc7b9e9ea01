import Testing
@testable import Tensors

/// Random tensor with values in [low, high) from a fixed seed.
func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, low: low, high: high, generator: &generator)
}

/// Compares the tape's gradients of sum(f(inputs) * w) (w a fixed random weighting) with central
/// finite differences, for every input, within a relative tolerance.
func checkGradients(
    _ inputs: [Tensor], epsilon: Float = 1e-2, tolerance: Float = 2e-2,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ function: ([Tensor]) throws -> Tensor
) throws {
    for input in inputs { input.requiringGradient() }
    let probe = try withoutGradients { try function(inputs) }
    let weights = randomTensor(probe.shape, seed: 99)
    func objective() throws -> Double {
        let output = try withoutGradients { try function(inputs) }
        var total = 0.0
        for index in 0..<output.count { total += Double(output.pointer[index]) * Double(weights.pointer[index]) }
        return total
    }
    let tape = GradientTape()
    let loss = try tape.record { try (function(inputs) * weights).sum() }
    let gradients = try tape.backward(from: loss)
    for (inputIndex, input) in inputs.enumerated() {
        let analytic = try #require(gradients[input], "input \(inputIndex) got no gradient", sourceLocation: sourceLocation)
        #expect(analytic.shape == input.shape, sourceLocation: sourceLocation)
        for index in 0..<input.count {
            let saved = input.pointer[index]
            input.pointer[index] = saved + epsilon
            let plus = try objective()
            input.pointer[index] = saved - epsilon
            let minus = try objective()
            input.pointer[index] = saved
            let numeric = Float((plus - minus) / (2 * Double(epsilon)))
            let value = analytic.pointer[index]
            let scale = Swift.max(1, Swift.abs(numeric), Swift.abs(value))
            #expect(
                Swift.abs(numeric - value) <= tolerance * scale,
                "input \(inputIndex) element \(index): tape \(value), finite difference \(numeric)", sourceLocation: sourceLocation)
        }
    }
}
