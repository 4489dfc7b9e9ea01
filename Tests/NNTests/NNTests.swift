import Foundation
import Testing
@testable import NN
@testable import Tensors

/// A two-part model with a shared (tied) encoder, as SAC-AE's actor and critic share convolutions.
final class TiedModel: Module {
    let encoder: Linear
    let actorHead: Linear
    let criticHead: Linear
    let criticEncoder: Linear
    init(generator: inout RandomGenerator) {
        encoder = Linear(3, 4, generator: &generator)
        actorHead = Linear(4, 2, generator: &generator)
        criticHead = Linear(4, 1, generator: &generator)
        criticEncoder = Linear(weight: encoder.weight, bias: encoder.bias)  // tied storage
    }
}

@Suite("NN")
struct NNTests {
    @Test("modules name their tensors with dotted paths and list tied tensors once")
    func naming() throws {
        var generator = RandomGenerator(seed: 0)
        let mlp = Sequential.multilayerPerceptron([4, 8, 2], activation: .tanh, generator: &generator)
        #expect(mlp.namedParameters().map(\.name) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"])
        #expect(mlp.parameterCount == 4 * 8 + 8 + 8 * 2 + 2)
        let tied = TiedModel(generator: &generator)
        let names = tied.namedTensors().map(\.name)
        #expect(names.contains("encoder.weight") && !names.contains("criticEncoder.weight"))
        #expect(tied.criticEncoder.weight.storage === tied.encoder.weight.storage)
    }

    @Test("PyTorch's default initialisation bounds, orthogonal and delta-orthogonal schemes")
    func initialization() throws {
        var generator = RandomGenerator(seed: 1)
        let linear = Linear(16, 32, generator: &generator)
        #expect(linear.weight.scalars.allSatisfy { Swift.abs($0) <= 0.25 })
        let matrix = Tensor.zeros([6, 10])
        Initialization.orthogonal(matrix, gain: 2, generator: &generator)
        let product = try matrix.matmul(matrix, transposeB: true)  // rows orthogonal: W Wᵀ = gain² I
        for row in 0..<6 {
            for column in 0..<6 {
                #expect(Swift.abs(product.pointer[row * 6 + column] - (row == column ? 4 : 0)) < 1e-4)
            }
        }
        let conv = Tensor.zeros([4, 3, 3, 3])
        Initialization.deltaOrthogonal(conv, gain: 1, generator: &generator)
        for output in 0..<4 {
            for input in 0..<3 {
                for i in 0..<3 {
                    for j in 0..<3 where i != 1 || j != 1 {
                        #expect(conv.pointer[((output * 3 + input) * 3 + i) * 3 + j] == 0)
                    }
                }
            }
        }
    }

    @Test("Categorical log-probabilities, entropy and sampling")
    func categorical() throws {
        let distribution = try Categorical(logits: Tensor([0, 0, Float(log(2.0))], shape: [1, 3]))
        let probabilities = distribution.probabilities.scalars
        #expect(Swift.abs(probabilities[2] - 0.5) < 1e-6)
        #expect(Swift.abs(try distribution.logProbability(of: [2]).item - Float(log(0.5))) < 1e-6)
        let expectedEntropy = -(0.25 * log(0.25) * 2 + 0.5 * log(0.5))
        #expect(Swift.abs(try distribution.entropy().item - Float(expectedEntropy)) < 1e-6)
        var generator = RandomGenerator(seed: 3)
        var counts = [0, 0, 0]
        for _ in 0..<4000 { counts[distribution.sample(using: &generator)[0]] += 1 }
        #expect(Swift.abs(Double(counts[2]) / 4000 - 0.5) < 0.03)
        #expect(try distribution.mode() == [2])
    }

    @Test("diagonal Gaussian log-probability and entropy match closed forms")
    func gaussian() throws {
        let gaussian = DiagonalGaussian(
            mean: try Tensor([0, 1], shape: [1, 2]), logStandardDeviation: try Tensor([0, Float(log(2.0))], shape: [1, 2]))
        let logProbability = try gaussian.logProbability(of: Tensor([1, 1], shape: [1, 2])).item
        let expected = -0.5 - 0.5 * log(2 * Double.pi) - log(2.0) - 0.5 * log(2 * Double.pi)
        #expect(Swift.abs(Double(logProbability) - expected) < 1e-5)
        let entropy = try gaussian.entropy().item
        #expect(Swift.abs(Double(entropy) - (1 + log(2 * Double.pi) + log(2.0))) < 1e-5)
    }

    @Test("losses: MSE, Huber and cross-entropy")
    func losses() throws {
        #expect(try Loss.meanSquaredError(Tensor([1, 2]), Tensor([0, 0])).item == 2.5)
        #expect(try Loss.huber(Tensor([0.5, 3]), Tensor([0, 0])).item == (0.125 + 2.5) / 2)
        let crossEntropy = try Loss.crossEntropy(logits: Tensor([0, 0], shape: [1, 2]), targets: [1]).item
        #expect(Swift.abs(crossEntropy - Float(log(2.0))) < 1e-6)
    }

    @Test("global-norm clipping scales every gradient by maxNorm / norm")
    func clipping() throws {
        let a = Tensor([3, 0]).requiringGradient(), b = Tensor([0, 4]).requiringGradient()
        let tape = GradientTape()
        let loss = try tape.record { try (a * Tensor([3, 0]) + b * Tensor([0, 4])).sum() }
        let gradients = try tape.backward(from: loss)
        let norm = gradients.clipGlobalNorm(of: [a, b], maxNorm: 1)
        #expect(Swift.abs(norm - 5) < 1e-5)
        #expect(Swift.abs(gradients.globalNorm(of: [a, b]) - 1) < 1e-4)
    }

    @Test("soft update moves the target tau of the way to the source, by name")
    func softUpdates() throws {
        var generator = RandomGenerator(seed: 0)
        let source = Linear(2, 2, generator: &generator), target = Linear(2, 2, generator: &generator)
        let before = target.weight.scalars
        try softUpdate(target: target, from: source, tau: 0.1)
        for index in 0..<4 {
            #expect(Swift.abs(target.weight.pointer[index] - (0.1 * source.weight.pointer[index] + 0.9 * before[index])) < 1e-6)
        }
        try softUpdate(target: target, from: source, tau: 1)
        #expect(target.weight.scalars == source.weight.scalars)
        #expect(throws: TensorError.self) { try softUpdate(target: Linear(2, 3, generator: &generator), from: source, tau: 1) }
    }

    @Test("tied weights share storage: an update through one module changes the other")
    func tying() throws {
        var generator = RandomGenerator(seed: 2)
        let model = TiedModel(generator: &generator)
        let before = model.encoder.weight.scalars
        let optimizer = SGD(parameters: [("critic.encoder.weight", model.criticEncoder.weight)], learningRate: 0.1)
        let tape = GradientTape()
        let loss = try tape.record { try model.criticHead(model.criticEncoder(Tensor.ones([1, 3]))).sum() }
        try optimizer.step(try tape.backward(from: loss))
        #expect(model.encoder.weight.scalars != before)
        #expect(model.encoder.weight.scalars == model.criticEncoder.weight.scalars)
    }

    @Test("an MLP learns a regression with Adam (the loss falls by 100x)")
    func learning() throws {
        var generator = RandomGenerator(seed: 4)
        let model = Sequential.multilayerPerceptron([2, 32, 1], activation: .tanh, generator: &generator)
        let optimizer = Adam(parameters: model.namedParameters(), learningRate: 1e-2)
        let inputs = Tensor.uniform([128, 2], low: -1, high: 1, generator: &generator)
        let targets = try (inputs.slice(axis: 1, start: 0, length: 1) * inputs.slice(axis: 1, start: 1, length: 1))
        var first: Float = 0, last: Float = 0
        for step in 0..<1500 {
            let tape = GradientTape()
            let loss = try tape.record { try Loss.meanSquaredError(model(inputs), targets) }
            if step == 0 { first = loss.item }
            last = loss.item
            try optimizer.step(try tape.backward(from: loss))
        }
        #expect(last < first / 100, "loss \(first) -> \(last)")
    }

    @Test("learning-rate schedules")
    func schedules() {
        let linear = LearningRateSchedule.linear(initial: 1, final: 0, totalSteps: 10)
        #expect(linear.rate(atStep: 0) == 1 && linear.rate(atStep: 5) == 0.5 && linear.rate(atStep: 20) == 0)
        #expect(LearningRateSchedule.constant(3).rate(atStep: 7) == 3)
    }
}

@Suite("Optimizer kernels")
struct OptimizerKernelTests {
    @Test("the vector square root agrees with Float.squareRoot to within 4e-7 relative, and gives 0 at 0")
    func laneSquareRootsAreAccurate() {
        var generator = RandomGenerator(seed: 9)
        var worst: Float = 0
        for _ in 0..<2000 {
            // Magnitudes from 1e-20 to 1e6, as Adam's second moments span.
            let values = SIMD8<Float>((0..<8).map { _ in Float(Foundation.pow(10, generator.uniform(-20, 6))) })
            let roots = laneSquareRoots(values)
            for lane in 0..<8 {
                let exact = values[lane].squareRoot()
                worst = max(worst, abs(roots[lane] - exact) / exact)
            }
        }
        #expect(worst < 4e-7, "largest relative error \(worst)")
        #expect(laneSquareRoots(SIMD8(repeating: 0)) == SIMD8(repeating: 0))
    }

    /// Adam updates all parameters in one parallel region split by element counts: parameters of
    /// 5000, 13, 20000 and 7 elements (the split falls inside the third) against PyTorch's formula
    /// element by element, on every kernel family.
    @Test("Adam over several parameters split across threads matches the formula", arguments: VectorKernels.supported)
    func adamAcrossParameters(family: VectorKernels.Family) throws {
        var generator = RandomGenerator(seed: 4)
        let sizes = [5000, 13, 20000, 7]
        let parameters = sizes.enumerated().map {
            (name: "p\($0.offset)", tensor: Tensor.normal([$0.element], generator: &generator).requiringGradient())
        }
        let starts = parameters.map { $0.tensor.scalars }
        let optimizer = Adam(parameters: parameters, learningRate: 0.01, weightDecay: 0.1)
        let tape = GradientTape()
        let targets = sizes.map { Tensor.normal([$0], generator: &generator) }
        let loss = try tape.record {
            try zip(parameters, targets).map { try ($0.tensor * $1).sum() }.reduce(Tensor(scalar: 0)) { try $0 + $1 }
        }
        try VectorKernels.$override.withValue(family) { try optimizer.step(try tape.backward(from: loss)) }
        for (index, parameter) in parameters.enumerated() {
            let target = targets[index].scalars
            for element in 0..<sizes[index] {
                // One step from zero moments: g' = g + wd p; m = 0.1 g'; v = 0.001 g'^2;
                // p -= lr / 0.1 * m / (sqrt(v) / sqrt(0.001) + eps).
                let p0 = Double(starts[index][element]), g = Double(target[element]) + 0.1 * p0
                let m = 0.1 * g, v = 0.001 * g * g
                let expected = p0 - 0.01 / 0.1 * m / (v.squareRoot() / 0.001.squareRoot() + 1e-8)
                let actual = Double(parameter.tensor.pointer[element])
                #expect(
                    abs(actual - expected) <= 1e-5 * max(1, abs(expected)), "\(parameter.name)[\(element)]: \(actual), expected \(expected)"
                )
            }
        }
    }
}
