import Foundation

/// Checks that what a configuration asks for fits in this machine's memory before anything is
/// allocated, so `--set hidden_sizes=100000,100000` or a replay of a billion frames is an error that
/// names the key and the sizes, never an allocation failure that kills the process.
public enum MemoryBudget {
    /// The machine's physical memory in bytes.
    public static var physicalBytes: Double {
        Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Bytes per network parameter in training: the weight, its gradient, two optimizer moments and a
    /// copy (target or average network).
    public static let bytesPerTrainedParameter = 20.0

    /// Throws unless `bytes` fit in 90% of physical memory.
    public static func require(bytes: Double, for what: String, fix: String) throws {
        let available = physicalBytes * 0.9
        guard bytes <= available else {
            throw AgentError.invalidConfiguration(
                String(
                    format: "%@ needs about %.1f GB but this machine has %.1f GB of memory: %@",
                    what, bytes / 1e9, physicalBytes / 1e9, fix))
        }
    }

    /// Throws unless an MLP with these layer widths (inputs first) trains within memory.
    public static func requireNetwork(layers: [Int], key: String) throws {
        var parameters = 0.0
        for (inputs, outputs) in zip(layers, layers.dropFirst()) { parameters += Double(inputs) * Double(outputs) + Double(outputs) }
        try require(
            bytes: parameters * bytesPerTrainedParameter,
            for:
                "\(key) = \(layers.dropFirst().dropLast().map(String.init).joined(separator: ",")) (\(String(format: "%.3g", parameters)) parameters)",
            fix: "choose smaller layers")
    }
}
