import Testing
@testable import Tensors

@Suite("Gradients against finite differences")
struct GradientTests {
    @Test("add, subtract, multiply and divide with broadcasting")
    func arithmetic() throws {
        try checkGradients([randomTensor([3, 4], seed: 1), randomTensor([4], seed: 2)]) { try $0[0] + $0[1] }
        try checkGradients([randomTensor([3, 4], seed: 1), randomTensor([3, 1], seed: 2)]) { try $0[0] - $0[1] }
        try checkGradients([randomTensor([2, 3, 4], seed: 1), randomTensor([3, 1], seed: 2)]) { try $0[0] * $0[1] }
        try checkGradients([randomTensor([3, 4], seed: 1), randomTensor([1, 4], seed: 2, low: 1, high: 2)]) { try $0[0] / $0[1] }
        try checkGradients([randomTensor([1, 4], seed: 3), randomTensor([3, 1], seed: 4)]) { try $0[0] * $0[1] }
        try checkGradients([randomTensor([5], seed: 5)]) { ($0[0] * 3 + 2) / 4 - 1 }
        // Per-channel values [1, C, 1] against [N, C, L] with L past one vector of eight.
        try checkGradients([randomTensor([2, 3, 11], seed: 6), randomTensor([1, 3, 1], seed: 7)]) { try $0[0] * $0[1] }
        try checkGradients([randomTensor([1, 3, 1], seed: 8), randomTensor([2, 3, 11], seed: 9)]) { try $0[0] - $0[1] }
    }

    /// On every kernel family this CPU runs (tanh and ELU have AVX-512 kernels in C).
    @Test(
        "unary functions",
        arguments: [
            "exp", "log", "sqrt", "square", "power", "abs", "tanh", "sigmoid", "relu", "elu", "leaky_relu", "softplus", "negate", "clamp",
        ],
        VectorKernels.supported)
    func unary(_ name: String, family: VectorKernels.Family) throws {
        try VectorKernels.$override.withValue(family) { try unaryGradients(name) }
    }

    func unaryGradients(_ name: String) throws {
        let positive = ["log", "sqrt", "power"].contains(name)
        let input = randomTensor([3, 5], seed: 7, low: positive ? 0.5 : -2, high: 2)
        // Keep away from the kinks of relu, abs, leaky relu, elu and clamp.
        for index in 0..<input.count where Swift.abs(input.pointer[index]) < 0.05 { input.pointer[index] += 0.1 }
        try checkGradients([input]) { inputs in
            let x = inputs[0]
            switch name {
            case "exp": return x.exp()
            case "log": return x.log()
            case "sqrt": return x.squareRoot()
            case "square": return x.square()
            case "power": return x.power(1.5)
            case "abs": return x.abs()
            case "tanh": return x.tanh()
            case "sigmoid": return x.sigmoid()
            case "relu": return x.relu()
            case "elu": return x.elu()
            case "leaky_relu": return x.leakyRelu(negativeSlope: 0.2)
            case "softplus": return x.softplus()
            case "negate": return -x
            default: return x.clamped(min: -1.03, max: 1.07)
            }
        }
    }

    @Test("reductions: sum, mean, max, logsumexp over axes")
    func reductions() throws {
        try checkGradients([randomTensor([2, 3, 4], seed: 1)]) { try $0[0].sum(axis: 1) }
        try checkGradients([randomTensor([2, 3, 4], seed: 1)]) { try $0[0].mean(axis: -1, keepingDimension: true) }
        try checkGradients([randomTensor([2, 3, 4], seed: 1)]) { $0[0].mean() }
        try checkGradients([randomTensor([2, 3, 4], seed: 2)]) { try $0[0].max(axis: 1) }
        try checkGradients([randomTensor([2, 3, 4], seed: 3)]) { try $0[0].logSumExp(axis: 2) }
    }

    @Test("matmul, batched matmul, transposed operands and linear")
    func matmul() throws {
        try checkGradients([randomTensor([3, 4], seed: 1), randomTensor([4, 5], seed: 2)]) { try $0[0].matmul($0[1]) }
        try checkGradients([randomTensor([4, 3], seed: 1), randomTensor([5, 4], seed: 2)]) {
            try $0[0].matmul($0[1], transposeA: true, transposeB: true)
        }
        try checkGradients([randomTensor([2, 3, 4], seed: 1), randomTensor([2, 4, 2], seed: 2)]) { try $0[0].matmul($0[1]) }
        try checkGradients([randomTensor([2, 3, 4], seed: 1), randomTensor([4, 2], seed: 2)]) { try $0[0].matmul($0[1]) }
        try checkGradients([randomTensor([3, 4], seed: 1), randomTensor([5, 4], seed: 2), randomTensor([5], seed: 3)]) {
            try $0[0].linear(weight: $0[1], bias: $0[2])
        }
    }

    @Test("reshape, permute, transpose, slice, concatenate, split and chunk")
    func shapes() throws {
        try checkGradients([randomTensor([2, 3, 4], seed: 1)]) { try $0[0].reshaped([4, -1]) }
        try checkGradients([randomTensor([2, 3, 4], seed: 1)]) { try $0[0].permuted([2, 0, 1]) }
        try checkGradients([randomTensor([2, 3, 4], seed: 1)]) { try $0[0].transposed() }
        try checkGradients([randomTensor([2, 5, 3], seed: 1)]) { try $0[0].slice(axis: 1, start: 1, length: 3) }
        try checkGradients([randomTensor([2, 3], seed: 1), randomTensor([2, 2], seed: 2)]) {
            try Tensor.concatenate([$0[0], $0[1]], axis: 1)
        }
        try checkGradients([randomTensor([2, 6], seed: 1)]) { inputs in
            let parts = try inputs[0].split(sizes: [1, 2, 3], axis: 1)
            return try parts[0] * parts[1].sum(axis: 1, keepingDimension: true) + parts[2].mean(axis: 1, keepingDimension: true)
        }
        try checkGradients([randomTensor([5, 2], seed: 1)]) { inputs in
            let parts = try inputs[0].chunked(2, axis: 0)
            return try parts[0].sum() * parts[1].sum()
        }
    }

    @Test("gather and scatter-add along an axis")
    func indexing() throws {
        try checkGradients([randomTensor([3, 4], seed: 1)]) { try $0[0].gather(axis: 1, indices: [0, 3, 1, 1, 2, 2], indexShape: [3, 2]) }
        try checkGradients([randomTensor([3, 4], seed: 1)]) { try $0[0].gather(axis: 0, indices: [2, 0, 1, 2], indexShape: [1, 4]) }
        try checkGradients([randomTensor([3, 4], seed: 1), randomTensor([3, 2], seed: 2)]) {
            try $0[0].scatterAdding(axis: 1, indices: [0, 0, 3, 1, 2, 2], source: $0[1])
        }
    }

    @Test("softmax and log-softmax along any axis")
    func softmax() throws {
        try checkGradients([randomTensor([3, 5], seed: 1, low: -3, high: 3)]) { try $0[0].softmax() }
        // Rows longer than eight lanes, with a tail (the vector path).
        try checkGradients([randomTensor([2, 21], seed: 5, low: -3, high: 3)]) { try $0[0].softmax() }
        try checkGradients([randomTensor([2, 3, 4], seed: 2, low: -3, high: 3)]) { try $0[0].softmax(axis: 1) }
        try checkGradients([randomTensor([3, 5], seed: 3, low: -3, high: 3)]) { try $0[0].logSoftmax() }
        try checkGradients([randomTensor([2, 3, 4], seed: 4, low: -3, high: 3)]) { try $0[0].logSoftmax(axis: 0) }
    }

    @Test("where, maximum and minimum")
    func selection() throws {
        let condition = try Tensor([1, 0, 0, 1, 1, 0], shape: [2, 3])
        try checkGradients([randomTensor([2, 3], seed: 1), randomTensor([2, 3], seed: 2)]) { try Tensor.where(condition, $0[0], $0[1]) }
        try checkGradients([randomTensor([2, 3], seed: 1), randomTensor([3], seed: 2)]) { try $0[0].maximum($0[1]) }
        try checkGradients([randomTensor([2, 3], seed: 1), randomTensor([3], seed: 2)]) { try $0[0].minimum($0[1]) }
    }

    @Test("conv2d over strides and paddings", arguments: [(1, 0), (1, 1), (2, 0), (2, 1), (3, 2)])
    func conv2d(_ configuration: (Int, Int)) throws {
        let (stride, padding) = configuration
        try checkGradients([randomTensor([2, 3, 7, 6], seed: 1), randomTensor([4, 3, 3, 2], seed: 2), randomTensor([4], seed: 3)]) {
            try $0[0].conv2d(weight: $0[1], bias: $0[2], stride: stride, padding: padding)
        }
    }

    @Test("conv_transpose2d over strides, paddings and output paddings", arguments: [(1, 0, 0), (2, 0, 1), (2, 1, 0), (3, 1, 2)])
    func convTranspose2d(_ configuration: (Int, Int, Int)) throws {
        let (stride, padding, outputPadding) = configuration
        try checkGradients([randomTensor([2, 3, 4, 3], seed: 1), randomTensor([3, 2, 3, 3], seed: 2), randomTensor([2], seed: 3)]) {
            try $0[0].convTranspose2d(weight: $0[1], bias: $0[2], stride: stride, padding: padding, outputPadding: outputPadding)
        }
    }
}
