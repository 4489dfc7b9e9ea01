import Foundation
import Testing
@testable import Tensors

/// The vector polynomials (exp flushes below -87.34, near the smallest normal Float, to 0) behind exp, tanh, sigmoid and ELU against Foundation's functions, over
/// their whole range and at the special values (the kernels run eight lanes at a time, so the grid
/// also has a ragged tail).
@Suite("Vector math against Foundation")
struct VectorMathTests {
    /// -100 ... 100 in steps of 1/64, then signed zeros, infinities and NaN.
    static let inputs: [Float] = (-6400...6400).map { Float($0) / 64 } + [-0.0, 0, 1e-7, -1e-7, 88.7, -87.5, .infinity, -.infinity, .nan]

    /// Whether `value` is within a few ulps of `expected` (or both NaN, or both the same infinity).
    static func close(_ value: Float, _ expected: Double, absolute: Double = 0) -> Bool {
        if expected.isNaN { return value.isNaN }
        // Compared as Floats past the range: e^88.73 is beyond Float's largest, so infinite.
        if Float(expected).isInfinite || value.isInfinite { return value == Float(expected) }
        return Swift.abs(Double(value) - expected) <= 4e-7 * Swift.abs(expected) + absolute
    }

    /// On every kernel family this CPU runs (tanh and ELU have AVX-512 kernels in C).
    @Test("exp, tanh, sigmoid and ELU agree with Foundation to a few ulps", arguments: VectorKernels.supported)
    func functions(family: VectorKernels.Family) throws {
        try VectorKernels.$override.withValue(family) { try checkFunctions() }
    }

    func checkFunctions() throws {
        let x = Tensor(Self.inputs)
        let checks: [(String, Tensor, (Double) -> Double, Double)] = [
            ("exp", x.exp(), { Foundation.exp($0) }, 2e-38),
            ("tanh", x.tanh(), { Foundation.tanh($0) }, 1e-7),
            ("sigmoid", x.sigmoid(), { 1 / (1 + Foundation.exp(-$0)) }, 2e-38),
            // ELU's e^x - 1 loses relative accuracy near 0 (as PyTorch's does), not absolute.
            ("elu", x.elu(alpha: 1.5), { $0 > 0 ? $0 : 1.5 * Foundation.expm1($0) }, 2e-7),
        ]
        for (name, result, reference, absolute) in checks {
            for (index, input) in Self.inputs.enumerated() {
                let expected = reference(Double(input))
                #expect(
                    Self.close(result.pointer[index], expected, absolute: absolute),
                    "\(name)(\(input)) = \(result.pointer[index]), expected \(expected)")
            }
        }
    }
}
