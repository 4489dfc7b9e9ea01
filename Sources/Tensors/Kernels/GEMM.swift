import CBLAS

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
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Controls how many threads OpenBLAS uses for GEMM (share the cores with environment threads).
public enum BLASThreads {
    /// Sets the number of OpenBLAS threads.
    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// The number of OpenBLAS threads.
    public static var count: Int { Int(openblas_get_num_threads()) }
}
