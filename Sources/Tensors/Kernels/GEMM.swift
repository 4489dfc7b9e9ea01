import CBLAS
import Foundation

/// C = alpha op(A) op(B) + beta C for row-major matrices through OpenBLAS's sgemm, where op(A) is
/// m x k and op(B) is k x n; `lda`, `ldb`, `ldc` are the row strides of A, B and C as stored.
@inline(__always)
func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
          a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
          beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        if beta == 0 { c.update(repeating: 0, count: (m - 1) * ldc + n) }
        return
    }
    BLASThreads.adapt(toWork: m * n * k)
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Controls how many threads OpenBLAS uses for GEMM (share the cores with environment threads).
///
/// Small products run on one thread: waking and spinning OpenBLAS's workers costs more than they
/// save below about 2^23 multiply-adds, and their spinning steals the core from the element-wise work.
public enum BLASThreads {
    /// The most threads a large product may use (set by `set`).
    nonisolated(unsafe) private static var limit = 1
    /// The thread count currently configured in OpenBLAS.
    nonisolated(unsafe) private static var current = -1
    /// Products with fewer multiply-adds than this run single-threaded.
    nonisolated(unsafe) public static var parallelThreshold = Int(ProcessInfo.processInfo.environment["SWIFTRL_BLAS_PARALLEL_THRESHOLD"] ?? "") ?? (1 << 23)

    /// Sets the most threads OpenBLAS may use (call before training, not concurrently with GEMMs).
    public static func set(_ count: Int) {
        limit = max(1, count)
        current = -1
    }

    /// The most threads a large product may use.
    public static var count: Int { limit }

    /// Chooses one thread for small products and `limit` for large ones.
    /// True while `parallelFor` workers run GEMMs of their own on one OpenBLAS thread each.
    nonisolated(unsafe) static var heldSingleThreaded = false

    @inline(__always)
    static func adapt(toWork work: Int) {
        if heldSingleThreaded { return }
        let wanted = work < parallelThreshold ? 1 : limit
        if wanted != current {
            openblas_set_num_threads(Int32(wanted))
            current = wanted
        }
    }
}
