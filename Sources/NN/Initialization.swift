import Foundation
import Tensors

/// Weight initialisation schemes, writing into existing tensors in place.
public enum Initialization {
    /// Fills with U(-bound, bound).
    public static func uniform(_ tensor: Tensor, bound: Float, generator: inout RandomGenerator) {
        for index in 0..<tensor.count { tensor.pointer[index] = Float(generator.uniform(-Double(bound), Double(bound))) }
    }

    /// Fills with a constant.
    public static func constant(_ tensor: Tensor, _ value: Float) {
        tensor.pointer.update(repeating: value, count: tensor.count)
    }

    /// PyTorch's default for Linear and Conv weights: kaiming_uniform(a = sqrt(5)), i.e.
    /// U(-1/sqrt(fanIn), 1/sqrt(fanIn)); biases use the same bound.
    public static func pytorchDefault(_ tensor: Tensor, fanIn: Int, generator: inout RandomGenerator) {
        uniform(tensor, bound: 1 / Float(max(fanIn, 1)).squareRoot(), generator: &generator)
    }

    /// A (semi-)orthogonal matrix times `gain` (PyTorch's orthogonal_): the tensor is viewed as
    /// [rows, everything else]; rows (or columns, whichever are fewer) are orthonormal.
    public static func orthogonal(_ tensor: Tensor, gain: Float = 1, generator: inout RandomGenerator) {
        let rows = tensor.shape.first ?? 1
        let columns = tensor.count / max(rows, 1)
        let transpose = rows < columns
        let vectors = transpose ? rows : columns, length = transpose ? columns : rows
        // Modified Gram-Schmidt on `vectors` Gaussian vectors of `length` (length >= vectors), in Double.
        var basis = [[Double]]()
        basis.reserveCapacity(vectors)
        while basis.count < vectors {
            var candidate = (0..<length).map { _ in generator.normal() }
            for vector in basis {
                var dot = 0.0
                for index in 0..<length { dot += candidate[index] * vector[index] }
                for index in 0..<length { candidate[index] -= dot * vector[index] }
            }
            let norm = candidate.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm < 1e-8 { continue }
            basis.append(candidate.map { $0 / norm })
        }
        for row in 0..<rows {
            for column in 0..<columns {
                let value = transpose ? basis[row][column] : basis[column][row]
                tensor.pointer[row * columns + column] = Float(value) * gain
            }
        }
    }

    /// Delta-orthogonal initialisation for a convolution weight [out, in, kh, kw] (SAC-AE's
    /// weight_init): zeros except the kernel centre, which holds an orthogonal [out, in] matrix times `gain`.
    public static func deltaOrthogonal(_ tensor: Tensor, gain: Float = 1, generator: inout RandomGenerator) {
        precondition(tensor.rank == 4, "deltaOrthogonal needs a 4-D convolution weight, got \(tensor.shape)")
        let outputs = tensor.shape[0], inputs = tensor.shape[1], height = tensor.shape[2], width = tensor.shape[3]
        let centre = Tensor.zeros([outputs, inputs])
        orthogonal(centre, gain: gain, generator: &generator)
        tensor.pointer.update(repeating: 0, count: tensor.count)
        for output in 0..<outputs {
            for input in 0..<inputs {
                tensor.pointer[((output * inputs + input) * height + height / 2) * width + width / 2] =
                    centre.pointer[output * inputs + input]
            }
        }
    }
}
