import Testing
@testable import Tensors

@Suite("Tensors")
struct TensorTests {
    @Test("creation: zeros, ones, full, arange, seeded normal and uniform")
    func creation() throws {
        #expect(Tensor.zeros([2, 3]).scalars == Array(repeating: 0, count: 6))
        #expect(Tensor.ones([2]).scalars == [1, 1])
        #expect(Tensor.full([1, 2], value: 7).scalars == [7, 7])
        #expect(Tensor.arange(0, 5).scalars == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(1, 2, step: 0.25).scalars == [1, 1.25, 1.5, 1.75])
        var a = RandomGenerator(seed: 4), b = RandomGenerator(seed: 4)
        let first = Tensor.normal([1000], generator: &a), second = Tensor.normal([1000], generator: &b)
        #expect(first.scalars == second.scalars)
        let mean = first.scalars.reduce(0, +) / 1000
        #expect(Swift.abs(mean) < 0.1)
        let uniform = Tensor.uniform([1000], low: 2, high: 3, generator: &a)
        #expect(uniform.scalars.allSatisfy { $0 >= 2 && $0 < 3 })
        #expect(throws: TensorError.self) { try Tensor([1, 2, 3], shape: [2, 2]) }
    }

    @Test("broadcasting follows NumPy's rules and names both shapes on mismatch")
    func broadcasting() throws {
        let a = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(try (a + Tensor([10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])
        #expect(try (a * Tensor([1, 10], shape: [2, 1])).scalars == [1, 2, 3, 40, 50, 60])
        #expect(try (Tensor([1, 2], shape: [2, 1]) + Tensor([10, 20, 30], shape: [1, 3])).scalars == [11, 21, 31, 12, 22, 32])
        // A per-channel value [1, C, 1] against [N, C, L] (the fast path), either side, with sums back.
        let values: [Float] = (0..<(2 * 3 * 19)).map { Float($0 % 11) - 5 }
        let maps = try Tensor(values, shape: [2, 3, 19])
        let scale = try Tensor([2, -1, 0.5], shape: [1, 3, 1])
        let expected = maps.scalars.enumerated().map { $0.element * scale.scalars[($0.offset / 19) % 3] }
        #expect(try (maps * scale).scalars == expected)
        #expect(try (scale * maps).scalars == expected)
        let sums = try maps.sumToShape([1, 3, 1]).scalars
        for channel in 0..<3 {
            var total: Float = 0
            for n in 0..<2 { for index in 0..<19 { total += values[(n * 3 + channel) * 19 + index] } }
            #expect(sums[channel] == total)
        }
        let error = #expect(throws: TensorError.self) { try a + Tensor([1, 2]) }
        #expect("\(error!)".contains("add") && "\(error!)".contains("[2, 3]") && "\(error!)".contains("[2]"))
    }

    @Test("reductions and argmax")
    func reductions() throws {
        let a = try Tensor([1, 5, 3, 4, 2, 6], shape: [2, 3])
        #expect(try a.sum(axis: 0).scalars == [5, 7, 9])
        #expect(try a.sum(axis: 1).scalars == [9, 12])
        #expect(try a.mean(axis: 1, keepingDimension: true).shape == [2, 1])
        #expect(try a.max(axis: 1).scalars == [5, 6])
        #expect(try a.argmax(axis: 1) == [1, 2])
        // Long rows (eight lanes at a time plus a tail): the first maximum, or the first NaN.
        var long = (0..<19).map { Float($0 % 7) }
        #expect(try Tensor(long, shape: [1, 19]).argmax(axis: 1) == [6])
        long[17] = .nan; long[11] = .nan
        #expect(try Tensor(long, shape: [1, 19]).argmax(axis: 1) == [11])
        long = Array(repeating: -.infinity, count: 19)
        #expect(try Tensor(long, shape: [1, 19]).argmax(axis: 1) == [0])
        #expect(a.sum().item == 21)
        let lse = try a.logSumExp(axis: 1).scalars
        #expect(Swift.abs(lse[0] - Float(log(exp(1.0) + exp(5.0) + exp(3.0)))) < 1e-5)
    }

    @Test("matmul agrees with a naive product and rejects mismatched shapes")
    func matmul() throws {
        let a = randomTensor([5, 7], seed: 1), b = randomTensor([7, 3], seed: 2)
        let product = try a.matmul(b)
        for row in 0..<5 {
            for column in 0..<3 {
                var expected: Float = 0
                for k in 0..<7 { expected += a.pointer[row * 7 + k] * b.pointer[k * 3 + column] }
                #expect(Swift.abs(product.pointer[row * 3 + column] - expected) < 1e-5)
            }
        }
        let error = #expect(throws: TensorError.self) { try a.matmul(a) }
        #expect("\(error!)".contains("matmul") && "\(error!)".contains("[5, 7]"))
    }

    @Test("reshape and leading-axis slices share storage; views and copies behave")
    func views() throws {
        let a = Tensor.arange(0, 12)
        let reshaped = try a.reshaped([3, 4])
        #expect(reshaped.storage === a.storage)
        let rows = try reshaped.slice(axis: 0, start: 1, length: 2)
        #expect(rows.storage === a.storage && rows.scalars == Array((4..<12).map(Float.init)))
        let columns = try reshaped.slice(axis: 1, start: 1, length: 2)
        #expect(columns.scalars == [1, 2, 5, 6, 9, 10])
        #expect(try reshaped.transposed().shape == [4, 3])
        #expect(try reshaped.chunked(2, axis: 1).map(\.shape) == [[3, 2], [3, 2]])
        #expect(throws: TensorError.self) { try a.reshaped([5, -1]) }
        #expect(throws: TensorError.self) { try reshaped.slice(axis: 1, start: 3, length: 2) }
    }

    @Test("softmax rows sum to one; log-softmax is its logarithm")
    func softmax() throws {
        // 37 columns: eight lanes at a time plus a tail.
        let logits = randomTensor([4, 37], seed: 3, low: -5, high: 5)
        let probabilities = try logits.softmax()
        for row in try probabilities.sum(axis: 1).scalars { #expect(Swift.abs(row - 1) < 1e-5) }
        let logProbabilities = try logits.logSoftmax()
        for index in 0..<(4 * 37) {
            #expect(Swift.abs(Foundation_log(probabilities.pointer[index]) - logProbabilities.pointer[index]) < 1e-4)
        }
    }

    @Test("uint8 images convert to Float32 divided by 255")
    func images() throws {
        let tensor = try Tensor.fromImages([0, 255, 51], shape: [1, 3])
        #expect(tensor.scalars == [0, 1, 0.2])
        #expect(throws: TensorError.self) { try Tensor.fromImages([0, 1], shape: [3]) }
    }

    @Test("conv2d agrees with a direct convolution")
    func convolution() throws {
        let input = randomTensor([2, 3, 6, 5], seed: 1), weight = randomTensor([4, 3, 3, 3], seed: 2)
        let output = try input.conv2d(weight: weight, stride: 2, padding: 1)
        #expect(output.shape == [2, 4, 3, 3])
        for n in 0..<2 {
            for o in 0..<4 {
                for y in 0..<3 {
                    for x in 0..<3 {
                        var expected: Float = 0
                        for c in 0..<3 {
                            for i in 0..<3 {
                                for j in 0..<3 {
                                    let iy = y * 2 - 1 + i, ix = x * 2 - 1 + j
                                    if iy >= 0 && iy < 6 && ix >= 0 && ix < 5 {
                                        expected +=
                                            input.pointer[((n * 3 + c) * 6 + iy) * 5 + ix] * weight.pointer[((o * 3 + c) * 3 + i) * 3 + j]
                                    }
                                }
                            }
                        }
                        #expect(Swift.abs(output.pointer[((n * 4 + o) * 3 + y) * 3 + x] - expected) < 1e-4)
                    }
                }
            }
        }
    }
}

import Foundation
func Foundation_log(_ x: Float) -> Float { Foundation.log(x) }
