import CKernels
import Foundation

/// SwiftRL's own vector kernels in C (target CKernels), chosen from the CPU's features at run time:
/// the unpadded convolutions run in AVX-512 or AVX2 shifted-correlation kernels (per-tap BLAS GEMMs
/// on other CPUs), and with AVX-512 the GEMMs run in SwiftRL's AVX-512 sgemm instead of OpenBLAS's
/// (whose kernels on this machine are AVX2).
public enum VectorKernels {
    /// A kernel family, widest last.
    public enum Family: Int, Sendable, CaseIterable, CustomStringConvertible {
        /// OpenBLAS only (any CPU).
        case blas = 0
        /// 256-bit AVX2 and FMA kernels (x86-64 CPUs since 2013).
        case avx2 = 1
        /// 512-bit AVX-512F kernels, GEMM included.
        case avx512 = 2

        public var description: String {
            switch self {
            case .blas: "blas"
            case .avx2: "avx2"
            case .avx512: "avx512"
            }
        }
    }

    /// The widest family this CPU runs.
    public static let available = Family(rawValue: Int(swiftrl_kernel_level())) ?? .blas

    /// The families this CPU runs, narrowest first (tests check each against the others).
    public static var supported: [Family] { Family.allCases.filter { $0.rawValue <= available.rawValue } }

    /// The process's family: the widest available, or SWIFTRL_KERNELS (blas, avx2 or avx512, capped
    /// at what the CPU runs; other values are named on standard error and ignored).
    public static let configured: Family = {
        guard let name = ProcessInfo.processInfo.environment["SWIFTRL_KERNELS"], !name.isEmpty else { return available }
        let names = Family.allCases.map(\.description).joined(separator: ", ")
        guard let requested = Family.allCases.first(where: { $0.description == name }) else {
            FileHandle.standardError.write(Data("warning: SWIFTRL_KERNELS=\(name) is not one of \(names); using \(available)\n".utf8))
            return available
        }
        if requested.rawValue > available.rawValue {
            FileHandle.standardError.write(
                Data("warning: SWIFTRL_KERNELS=\(name): this CPU runs at most \(available); using \(available)\n".utf8))
            return available
        }
        return requested
    }()

    /// A family for the current task (or thread) only, bound with `$override.withValue(family) { }`:
    /// tests and `swiftrl bench conv` compare families this way without changing what other tasks run.
    @TaskLocal public static var override: Family?

    /// The family kernels started from the current task use. Kernels read it on the calling thread and
    /// hand it to their worker threads.
    public static var selected: Family { override ?? configured }
}
