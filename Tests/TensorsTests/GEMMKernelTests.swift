import Testing
@testable import Tensors

/// With AVX-512, GEMMs run in SwiftRL's own sgemm instead of OpenBLAS's: both must agree on every
/// transpose, leading dimension, alpha, beta and column bias, across tile and block edges (within 1e-4 relative:
/// the two sum in different orders).
@Suite("SwiftRL's sgemm against OpenBLAS")
struct GEMMKernelTests {
    /// (m, n, k): below one tile, across tile edges (12 rows, 32 columns), and across the blocks
    /// (120 rows, 512 columns, depth 256); then the unpacked paths: few rows (at most 24, one full
    /// and one partial strip, depth past 256), few columns of dot products (depth past and below one
    /// vector of 16), and few columns through the transposed product; last, a product whose A rows
    /// are 1024 floats apart.
    static let shapes: [(Int, Int, Int)] = [
        (1, 48, 1), (7, 50, 3), (12, 64, 256), (13, 65, 257), (121, 100, 600), (130, 530, 40), (64, 256, 24),
        (4, 256, 256), (17, 40, 300), (24, 33, 7), (256, 4, 256), (33, 16, 17), (5, 9, 40), (256, 24, 256), (50, 3, 20), (130, 70, 300),
    ]

    @Test("every transpose, leading dimension, alpha, beta and bias", .enabled(if: VectorKernels.available == .avx512))
    func agreesWithOpenBLAS() throws {
        for (index, (m, n, k)) in Self.shapes.enumerated() {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    for (alpha, beta, withBias) in [
                        (Float(1), Float(0), false), (Float(-0.5), Float(0.75), false), (Float(1), Float(0), true),
                        (Float(-0.5), Float(0.75), true),
                    ] {
                        // The last shape has A's rows 4 KB apart (A is packed then).
                        let lda = index == Self.shapes.count - 1 ? 1024 : (transposeA ? m : k) + 3
                        let ldb = (transposeB ? k : n) + 5, ldc = n + 2
                        let a = randomTensor([(transposeA ? k : m) * lda], seed: UInt64(index * 10 + 1))
                        let b = randomTensor([(transposeB ? n : k) * ldb], seed: UInt64(index * 10 + 2))
                        let start = randomTensor([m * ldc], seed: UInt64(index * 10 + 3))
                        let bias = randomTensor([n], seed: UInt64(index * 10 + 4))
                        var results: [[Float]] = []
                        for family in [VectorKernels.Family.blas, .avx512] {
                            let c = start.copy()
                            if beta == 0 { for row in 0..<m { (c.pointer + row * ldc).update(repeating: .nan, count: n) } }
                            VectorKernels.$override.withValue(family) {
                                gemm(
                                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                                    a: a.pointer, lda: lda, b: b.pointer, ldb: ldb, beta: beta, c: c.pointer, ldc: ldc,
                                    bias: withBias ? UnsafePointer(bias.pointer) : nil)
                            }
                            results.append(c.scalars)
                        }
                        let worst = zip(results[0], results[1]).map { abs($0 - $1) / max(1, abs($0)) }.max() ?? 0
                        #expect(
                            worst < 1e-4,
                            "\(m)x\(n)x\(k) transposes \(transposeA) \(transposeB) alpha \(alpha) beta \(beta) bias \(withBias): \(worst)")
                        // The columns past n (the leading-dimension padding) are never written.
                        for row in 0..<m {
                            for column in n..<ldc { #expect(results[1][row * ldc + column] == start.scalars[row * ldc + column]) }
                        }
                    }
                }
            }
        }
    }

    @Test("few outputs and a long reduction, split across the threads by depth, against a direct sum", arguments: VectorKernels.supported)
    func depthSplit(_ family: VectorKernels.Family) throws {
        // m n <= 2^14 and k >= 16 max(m, n): each thread sums its share of k (SAC-AE's 128 x 50 x 39200 in small).
        let (m, n, k) = (40, 30, 4001)
        #expect(BLASThreads.count >= 2 && m * n * k >= BLASThreads.parallelThreshold, "the product takes the depth split")
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                for (alpha, beta, withBias) in [(Float(1), Float(0), false), (Float(-0.5), Float(0.75), true)] {
                    let lda = (transposeA ? m : k) + 3, ldb = (transposeB ? k : n) + 5, ldc = n + 2
                    let a = randomTensor([(transposeA ? k : m) * lda], seed: 71), b = randomTensor([(transposeB ? n : k) * ldb], seed: 72)
                    let start = randomTensor([m * ldc], seed: 73), bias = randomTensor([n], seed: 74)
                    let c = start.copy()
                    VectorKernels.$override.withValue(family) {
                        gemm(
                            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                            a: a.pointer, lda: lda, b: b.pointer, ldb: ldb, beta: beta, c: c.pointer, ldc: ldc,
                            bias: withBias ? UnsafePointer(bias.pointer) : nil)
                    }
                    var worst: Double = 0
                    for row in 0..<m {
                        for column in 0..<n {
                            var sum: Double = 0
                            for depth in 0..<k {
                                let left = a.pointer[transposeA ? depth * lda + row : row * lda + depth]
                                let right = b.pointer[transposeB ? column * ldb + depth : depth * ldb + column]
                                sum += Double(left) * Double(right)
                            }
                            let expected =
                                Double(alpha) * sum + Double(beta) * Double(start.pointer[row * ldc + column])
                                + (withBias ? Double(bias.pointer[column]) : 0)
                            worst = max(worst, abs(Double(c.pointer[row * ldc + column]) - expected) / max(1, abs(expected)))
                        }
                        for column in n..<ldc { #expect(c.pointer[row * ldc + column] == start.pointer[row * ldc + column]) }
                    }
                    #expect(worst < 1e-4, "\(family) transposes \(transposeA) \(transposeB) alpha \(alpha) beta \(beta): \(worst)")
                }
            }
        }
    }
}
