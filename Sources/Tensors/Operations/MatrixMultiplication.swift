extension Tensor {
    /// Matrix product through BLAS: [m, k] x [k, n] -> [m, n], or batched [b, m, k] x [b, k, n]
    /// -> [b, m, n] (a 2-D operand is shared across the batch). `transposeA` / `transposeB` use the
    /// transpose of the last two axes of an operand without copying it.
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) throws -> Tensor {
        let a = self, b = other
        guard (a.rank == 2 || a.rank == 3) && (b.rank == 2 || b.rank == 3) else {
            throw TensorError.shapeMismatch("matmul: needs 2-D or 3-D operands, got \(describe(a.shape)) and \(describe(b.shape))")
        }
        let aRows = a.shape[a.rank - 2], aColumns = a.shape[a.rank - 1]
        let bRows = b.shape[b.rank - 2], bColumns = b.shape[b.rank - 1]
        let m = transposeA ? aColumns : aRows, k = transposeA ? aRows : aColumns
        let kB = transposeB ? bColumns : bRows, n = transposeB ? bRows : bColumns
        guard k == kB else {
            throw TensorError.shapeMismatch(
                "matmul: inner sizes differ: \(describe(a.shape))\(transposeA ? "ᵀ" : "") x \(describe(b.shape))\(transposeB ? "ᵀ" : "")")
        }
        let batchA = a.rank == 3 ? a.shape[0] : 1, batchB = b.rank == 3 ? b.shape[0] : 1
        guard batchA == batchB || batchA == 1 || batchB == 1 else {
            throw TensorError.shapeMismatch("matmul: batch sizes differ: \(describe(a.shape)) and \(describe(b.shape))")
        }
        let batch = Swift.max(batchA, batchB)
        let batched = a.rank == 3 || b.rank == 3
        let result = Tensor(uninitializedShape: batched ? [batch, m, n] : [m, n])
        for index in 0..<batch {
            gemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                a: a.pointer + (batchA == 1 ? 0 : index * aRows * aColumns), lda: aColumns,
                b: b.pointer + (batchB == 1 ? 0 : index * bRows * bColumns), ldb: bColumns,
                c: result.pointer + index * m * n, ldc: n)
        }
        record(result, [a, b]) { g in
            // dA = g op(B)ᵀ (transposed back if A was used transposed); dB likewise.
            var gradientA =
                transposeA
                ? try b.matmul(g, transposeA: transposeB, transposeB: true)
                : try g.matmul(b, transposeA: false, transposeB: !transposeB)
            var gradientB =
                transposeB
                ? try g.matmul(a, transposeA: true, transposeB: transposeA)
                : try a.matmul(g, transposeA: !transposeA, transposeB: false)
            if a.rank == 2 && gradientA.rank == 3 { gradientA = try gradientA.sum(axis: 0) }
            if b.rank == 2 && gradientB.rank == 3 { gradientB = try gradientB.sum(axis: 0) }
            return [gradientA, gradientB]
        }
        return result
    }

    /// x Wᵀ + b for x [n, in], W [out, in], b [out] (PyTorch's linear layer) in one GEMM.
    public func linear(weight: Tensor, bias: Tensor?) throws -> Tensor {
        guard rank == 2, weight.rank == 2, shape[1] == weight.shape[1] else {
            throw TensorError.shapeMismatch(
                "linear: input \(describe(shape)) does not fit weight \(describe(weight.shape)) (expected [batch, \(weight.rank == 2 ? weight.shape[1] : 0)])"
            )
        }
        let rows = shape[0], inputs = shape[1], outputs = weight.shape[0]
        if let bias, bias.shape != [outputs] {
            throw TensorError.shapeMismatch("linear: bias \(describe(bias.shape)) does not fit weight \(describe(weight.shape))")
        }
        let result = Tensor(uninitializedShape: [rows, outputs])
        gemm(
            transposeA: false, transposeB: true, m: rows, n: outputs, k: inputs, a: pointer, lda: inputs,
            b: weight.pointer, ldb: inputs, c: result.pointer, ldc: outputs, bias: bias?.pointer)
        let input = self
        record(result, bias.map { [input, weight, $0] } ?? [input, weight]) { g in
            let gradientInput = input.requiresGradient ? try g.matmul(weight) : nil
            let gradientWeight = weight.requiresGradient ? try g.matmul(input, transposeA: true) : nil
            var gradients: [Tensor?] = [gradientInput, gradientWeight]
            if bias != nil { gradients.append(try g.sum(axis: 0)) }
            return gradients
        }
        return result
    }
}
