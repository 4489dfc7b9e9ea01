import Foundation
import Tensors

/// The machine a benchmark figure was measured on, printed beside every figure: the CPU model (the
/// cloud machines here are AMD Zen 5 in some sessions and Intel Xeon in others, and the figures
/// differ), the cores this process may use and the convolution kernel families the CPU supports.
public enum MachineDescription {
    /// The CPU model from /proc/cpuinfo ("model name"), or "unknown CPU" where there is none.
    public static var cpuModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown CPU" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown CPU"
    }

    /// One line: "CPU: <model>, <n> cores, kernels: avx512, avx2, portable".
    public static var summary: String {
        "CPU: \(cpuModel), \(ProcessInfo.processInfo.activeProcessorCount) cores, kernels: \(VectorKernels.supported.map(\.description).joined(separator: ", "))"
    }
}
