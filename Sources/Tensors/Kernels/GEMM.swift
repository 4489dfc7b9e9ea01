import CBLAS
import CKernels
import Dispatch
import Parallelism
import Foundation
import Synchronization

/// C = alpha op(A) op(B) + beta C for row-major matrices (SwiftRL's AVX-512 sgemm or OpenBLAS's,
/// see `sgemm` below), where op(A) is m x k and op(B) is k x n; `lda`, `ldb`, `ldc` are the row
/// strides of A, B and C as stored. `bias` (one value per column of C) is added to every row.
///
/// OpenBLAS always runs single-threaded here; large products are split in two (see below) and run
/// on SwiftRL's own worker threads. OpenBLAS's own threads spin after every
/// multi-threaded call and then fight the element-wise kernels and environment threads for the cores.
@inline(__always)
func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>? = nil
) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        for row in 0..<m {
            let target = c + row * ldc
            for column in 0..<n { target[column] = (beta == 0 ? 0 : beta * target[column]) + (bias?[column] ?? 0) }
        }
        return
    }
    BLASThreads.ensureSingleThreadedBLAS()
    let family = VectorKernels.selected
    let workers = BLASThreads.count
    if workers >= 2 && !BLASThreads.insideParallelRegion && m * n * k >= BLASThreads.parallelThreshold && m * n <= 1 << 14
        && k >= 16 * max(m, n)
    {
        return gemmSplittingDepth(
            family, workers, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias)
    }
    if workers >= 2 && !BLASThreads.insideParallelRegion && m * n * k >= BLASThreads.parallelThreshold && max(m, n) >= 2 * workers {
        // SwiftRL's sgemm packs op(B) on each thread and reads op(A) in place, so splitting the
        // columns halves each thread's packing (an MLP step about 5% faster than splitting rows);
        // OpenBLAS's, and products with few columns, split the larger side.
        let splitRows = family == .avx512 && n >= 128 ? false : m >= n
        let total = splitRows ? m : n
        BLASThreads.parallelRegionDepth.add(1, ordering: .relaxed)
        defer { BLASThreads.parallelRegionDepth.subtract(1, ordering: .relaxed) }
        runParallel(workers: workers) { worker in
            let start = worker * total / workers, end = (worker + 1) * total / workers
            if splitRows {
                sgemm(
                    family, transposeA, transposeB, end - start, n, k, alpha, a + (transposeA ? start : start * lda), lda, b, ldb, beta,
                    c + start * ldc, ldc, bias)
            } else {
                sgemm(
                    family, transposeA, transposeB, m, end - start, k, alpha, a, lda, b + (transposeB ? start * ldb : start), ldb, beta,
                    c + start, ldc, bias.map { $0 + start })
            }
        }
        return
    }
    sgemm(family, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias)
}

/// `gemm` for few outputs and a long reduction (SAC-AE's encoder layer, 128 x 50 x 39200): each
/// thread sums its share of k into its own partial product, and the partials are added. Splitting
/// rows or columns would have every thread pack or stream all of the other operand (115 against
/// 150-200 GFLOP/s on two threads for that layer, Intel Xeon).
private func gemmSplittingDepth(
    _ family: VectorKernels.Family, _ workers: Int, _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int,
    _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ bias: UnsafePointer<Float>?
) {
    TensorStorage.withScratch(count: (workers - 1) * m * n) { partials in
        BLASThreads.parallelRegionDepth.add(1, ordering: .relaxed)
        defer { BLASThreads.parallelRegionDepth.subtract(1, ordering: .relaxed) }
        runParallel(workers: workers) { worker in
            let start = worker * k / workers, end = (worker + 1) * k / workers
            // op(A) is m x k and op(B) k x n: depth runs along A's rows when A is transposed, along B's columns when B is.
            let aShare = a + (transposeA ? start * lda : start), bShare = b + (transposeB ? start : start * ldb)
            if worker == 0 {
                sgemm(family, transposeA, transposeB, m, n, end - start, alpha, aShare, lda, bShare, ldb, beta, c, ldc, bias)
            } else {
                sgemm(
                    family, transposeA, transposeB, m, n, end - start, alpha, aShare, lda, bShare, ldb, 0,
                    partials + (worker - 1) * m * n, n, nil)
            }
        }
        for worker in 1..<workers {
            let partial = partials + (worker - 1) * m * n
            for row in 0..<m {
                let target = c + row * ldc, source = partial + row * n
                for column in 0..<n { target[column] += source[column] }
            }
        }
    }
}

/// One thread's GEMM: SwiftRL's AVX-512 sgemm when `family` is AVX-512 and it takes the shape (at
/// least 48 columns, or few rows, or a few columns of dot products), OpenBLAS otherwise.
@inline(__always)
private func sgemm(
    _ family: VectorKernels.Family, _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
    _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ bias: UnsafePointer<Float>?
) {
    if family == .avx512
        && swiftrl_sgemm(2, transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, lda, b, ldb, beta, c, ldc, bias)
            != 0
    {
        return
    }
    // OpenBLAS has no bias: C starts as beta C + bias, then accumulates.
    var beta = beta
    if let bias {
        for row in 0..<m {
            let target = c + row * ldc
            if beta == 0 {
                target.update(from: bias, count: n)
            } else {
                for column in 0..<n { target[column] = beta * target[column] + bias[column] }
            }
        }
        beta = 1
    }
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// How many threads the learning core uses for GEMMs and large element-wise kernels (share the
/// cores with environment threads: 2 cores here).
public enum BLASThreads {
    /// The most threads a large kernel may use (set by `set`).
    nonisolated(unsafe) private static var limit = 2
    nonisolated(unsafe) private static var blasConfigured = false
    /// Products with fewer multiply-adds than this run on one thread.
    nonisolated(unsafe) public static var parallelThreshold =
        Int(ProcessInfo.processInfo.environment["SWIFTRL_GEMM_SPLIT"] ?? "") ?? (1 << 20)

    /// Sets the most threads kernels may use (call before training, not concurrently with kernels).
    public static func set(_ count: Int) {
        limit = max(1, count)
    }

    /// The most threads a kernel may use.
    public static var count: Int { limit }

    /// How many `parallelFor` regions are running (their workers run kernels of their own, so
    /// kernels do not split again).
    static let parallelRegionDepth = Atomic<Int>(0)

    /// Whether some `parallelFor` region is running.
    @inline(__always)
    static var insideParallelRegion: Bool { parallelRegionDepth.load(ordering: .relaxed) > 0 }

    @inline(__always)
    static func ensureSingleThreadedBLAS() {
        if !blasConfigured {
            openblas_set_num_threads(1)
            blasConfigured = true
        }
    }
}
