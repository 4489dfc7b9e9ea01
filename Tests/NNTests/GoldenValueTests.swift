import Foundation
import Testing
@testable import NN
@testable import Tensors

/// The PyTorch golden values (Fixtures/golden.safetensors, read with our own safetensors reader).
let golden: Checkpoint = {
    let url = Bundle.module.url(forResource: "golden", withExtension: "safetensors")!
    return try! Checkpoint.read(from: url)
}()

func goldenTensor(_ name: String) throws -> Tensor {
    try #require(golden.tensors[name], "golden value '\(name)' missing").copy()
}

/// Expects `actual` to equal the golden tensor `name` within `tolerance` relative (floor 1).
func expectClose(_ actual: Tensor?, _ name: String, tolerance: Float, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let expected = try goldenTensor(name)
    let actual = try #require(actual, "no value computed for \(name)", sourceLocation: sourceLocation)
    #expect(
        actual.shape == expected.shape || actual.count == expected.count, "\(name): shape \(actual.shape) vs \(expected.shape)",
        sourceLocation: sourceLocation)
    var worst: Float = 0
    for index in 0..<min(actual.count, expected.count) {
        let error = Swift.abs(actual.pointer[index] - expected.pointer[index]) / Swift.max(1, Swift.abs(expected.pointer[index]))
        worst = Swift.max(worst, error)
    }
    #expect(worst <= tolerance, "\(name): worst relative error \(worst) > \(tolerance)", sourceLocation: sourceLocation)
}

/// Runs `forward` on the golden inputs with a tape and back-propagates the golden upstream gradient.
func forwardBackward(_ prefix: String, inputs: [String], _ forward: ([Tensor]) throws -> Tensor) throws -> (Tensor, Gradients, [Tensor]) {
    let tensors = try inputs.map { try goldenTensor("\(prefix).\($0)").requiringGradient() }
    let tape = GradientTape()
    let output = try tape.record { try forward(tensors) }
    let gradients = try tape.backward(from: output, seed: try goldenTensor("\(prefix).grad_output").reshaped(output.shape))
    return (output, gradients, tensors)
}

@Suite("Golden values from PyTorch")
struct GoldenValueTests {
    @Test("conv2d forward and backward", arguments: ["s1p0", "s1p1", "s2p0", "s2p1", "s3p2"])
    func conv2d(_ configuration: String) throws {
        let stride = Int(String(configuration.dropFirst().prefix(1)))!, padding = Int(String(configuration.suffix(1)))!
        let prefix = "conv2d.\(configuration)"
        let (output, gradients, inputs) = try forwardBackward(prefix, inputs: ["input", "weight", "bias"]) {
            try $0[0].conv2d(weight: $0[1], bias: $0[2], stride: stride, padding: padding)
        }
        try expectClose(output, "\(prefix).output", tolerance: 1e-4)
        try expectClose(gradients[inputs[0]], "\(prefix).grad_input", tolerance: 1e-3)
        try expectClose(gradients[inputs[1]], "\(prefix).grad_weight", tolerance: 1e-3)
        try expectClose(gradients[inputs[2]], "\(prefix).grad_bias", tolerance: 1e-3)
    }

    @Test("conv_transpose2d forward and backward", arguments: [(1, 0, 0), (2, 0, 1), (2, 1, 0), (2, 1, 1), (3, 1, 2)])
    func convTranspose2d(_ configuration: (Int, Int, Int)) throws {
        let (stride, padding, outputPadding) = configuration
        let prefix = "conv_transpose2d.s\(stride)p\(padding)o\(outputPadding)"
        let (output, gradients, inputs) = try forwardBackward(prefix, inputs: ["input", "weight", "bias"]) {
            try $0[0].convTranspose2d(weight: $0[1], bias: $0[2], stride: stride, padding: padding, outputPadding: outputPadding)
        }
        try expectClose(output, "\(prefix).output", tolerance: 1e-4)
        try expectClose(gradients[inputs[0]], "\(prefix).grad_input", tolerance: 1e-3)
        try expectClose(gradients[inputs[1]], "\(prefix).grad_weight", tolerance: 1e-3)
        try expectClose(gradients[inputs[2]], "\(prefix).grad_bias", tolerance: 1e-3)
    }

    @Test("LayerNorm forward and backward")
    func layerNorm() throws {
        let layer = LayerNorm(6)
        try layer.weight.assign(goldenTensor("layer_norm.weight"))
        try layer.bias.assign(goldenTensor("layer_norm.bias"))
        let input = try goldenTensor("layer_norm.input").requiringGradient()
        let tape = GradientTape()
        let output = try tape.record { try layer(input) }
        let gradients = try tape.backward(from: output, seed: goldenTensor("layer_norm.grad_output"))
        try expectClose(output, "layer_norm.output", tolerance: 1e-4)
        try expectClose(gradients[input], "layer_norm.grad_input", tolerance: 1e-3)
        try expectClose(gradients[layer.weight], "layer_norm.grad_weight", tolerance: 1e-3)
        try expectClose(gradients[layer.bias], "layer_norm.grad_bias", tolerance: 1e-3)
    }

    @Test("LSTM forward and backward over a sequence")
    func lstm() throws {
        var generator = RandomGenerator(seed: 0)
        let lstm = LSTM(inputSize: 5, hiddenSize: 4, generator: &generator)
        try lstm.inputWeight.assign(goldenTensor("lstm.weight_ih"))
        try lstm.hiddenWeight.assign(goldenTensor("lstm.weight_hh"))
        try lstm.inputBias.assign(goldenTensor("lstm.bias_ih"))
        try lstm.hiddenBias.assign(goldenTensor("lstm.bias_hh"))
        let input = try goldenTensor("lstm.input").requiringGradient()
        let h0 = try goldenTensor("lstm.h0").reshaped([2, 4]).requiringGradient()
        let c0 = try goldenTensor("lstm.c0").reshaped([2, 4]).requiringGradient()
        let tape = GradientTape()
        let output = try tape.record { try lstm(input, state: .init(hidden: h0, cell: c0)).output }
        let gradients = try tape.backward(from: output, seed: goldenTensor("lstm.grad_output"))
        try expectClose(output, "lstm.output", tolerance: 1e-4)
        try expectClose(gradients[input], "lstm.grad_input", tolerance: 1e-3)
        try expectClose(gradients[h0], "lstm.grad_h0", tolerance: 1e-3)
        try expectClose(gradients[c0], "lstm.grad_c0", tolerance: 1e-3)
        try expectClose(gradients[lstm.inputWeight], "lstm.grad_weight_ih", tolerance: 1e-3)
        try expectClose(gradients[lstm.hiddenWeight], "lstm.grad_weight_hh", tolerance: 1e-3)
        try expectClose(gradients[lstm.inputBias], "lstm.grad_bias_ih", tolerance: 1e-3)
        try expectClose(gradients[lstm.hiddenBias], "lstm.grad_bias_hh", tolerance: 1e-3)
    }

    @Test("GRU forward and backward over a sequence")
    func gru() throws {
        var generator = RandomGenerator(seed: 0)
        let gru = GRU(inputSize: 5, hiddenSize: 4, generator: &generator)
        try gru.inputWeight.assign(goldenTensor("gru.weight_ih"))
        try gru.hiddenWeight.assign(goldenTensor("gru.weight_hh"))
        try gru.inputBias.assign(goldenTensor("gru.bias_ih"))
        try gru.hiddenBias.assign(goldenTensor("gru.bias_hh"))
        let input = try goldenTensor("gru.input").requiringGradient()
        let h0 = try goldenTensor("gru.h0").reshaped([2, 4]).requiringGradient()
        let tape = GradientTape()
        let output = try tape.record { try gru(input, hidden: h0).output }
        let gradients = try tape.backward(from: output, seed: goldenTensor("gru.grad_output"))
        try expectClose(output, "gru.output", tolerance: 1e-4)
        try expectClose(gradients[input], "gru.grad_input", tolerance: 1e-3)
        try expectClose(gradients[h0], "gru.grad_h0", tolerance: 1e-3)
        try expectClose(gradients[gru.inputWeight], "gru.grad_weight_ih", tolerance: 1e-3)
        try expectClose(gradients[gru.hiddenWeight], "gru.grad_weight_hh", tolerance: 1e-3)
        try expectClose(gradients[gru.inputBias], "gru.grad_bias_ih", tolerance: 1e-3)
        try expectClose(gradients[gru.hiddenBias], "gru.grad_bias_hh", tolerance: 1e-3)
    }

    @Test(
        "softmax and log_softmax forward and backward",
        arguments: ["softmax.last", "softmax.middle", "log_softmax.last", "log_softmax.middle"])
    func softmax(_ prefix: String) throws {
        let (output, gradients, inputs) = try forwardBackward(prefix, inputs: ["input"]) {
            prefix.hasPrefix("log") ? try $0[0].logSoftmax(axis: 1) : try $0[0].softmax(axis: 1)
        }
        try expectClose(output, "\(prefix).output", tolerance: 1e-4)
        try expectClose(gradients[inputs[0]], "\(prefix).grad_input", tolerance: 1e-3)
    }

    @Test("tanh-squashed Gaussian log-probability and its gradients")
    func tanhGaussian() throws {
        let mean = try goldenTensor("tanh_gaussian.mean").requiringGradient()
        let logStd = try goldenTensor("tanh_gaussian.log_std").requiringGradient()
        let noise = try goldenTensor("tanh_gaussian.noise")
        let tape = GradientTape()
        let logProbability = try tape.record {
            let u = try mean + logStd.exp() * noise
            return try TanhGaussian(mean: mean, logStandardDeviation: logStd).logProbability(preTanh: u)
        }
        let gradients = try tape.backward(from: logProbability, seed: goldenTensor("tanh_gaussian.grad_output"))
        try expectClose(logProbability, "tanh_gaussian.log_prob", tolerance: 1e-4)
        try expectClose(gradients[mean], "tanh_gaussian.grad_mean", tolerance: 1e-3)
        try expectClose(gradients[logStd], "tanh_gaussian.grad_log_std", tolerance: 1e-3)
    }

    /// Each kernel family this CPU runs (Adam has an AVX-512 kernel and a Swift loop).
    @Test(
        "three steps of Adam and of RMSProp (PyTorch and TensorFlow forms)",
        arguments: ["adam", "rmsprop_torch", "rmsprop_tensorflow"], VectorKernels.supported)
    func optimizers(_ name: String, family: VectorKernels.Family) throws {
        try VectorKernels.$override.withValue(family) { try optimizerSteps(name) }
    }

    func optimizerSteps(_ name: String) throws {
        let parameter = try goldenTensor("optimizer.start").requiringGradient()
        let named = [(name: "weight", tensor: parameter)]
        let optimizer: any Optimizer
        switch name {
        case "adam": optimizer = Adam(parameters: named, learningRate: 1e-2, weightDecay: 0.01)
        case "rmsprop_torch": optimizer = RMSProp(parameters: named, learningRate: 1e-2, form: .pytorch)
        default: optimizer = RMSProp(parameters: named, learningRate: 7e-4, decay: 0.99, epsilon: 1e-5, form: .tensorflow)
        }
        for step in 1...3 {
            // Build a store holding the golden gradient for the parameter.
            let gradient = try goldenTensor("optimizer.grad\(step)")
            let tape = GradientTape()
            let loss = try tape.record { try (parameter * gradient).sum() }
            try optimizer.step(try tape.backward(from: loss))
            try expectClose(parameter, "\(name).after\(step)", tolerance: 1e-4)
        }
    }
}
