import ArgumentParser
import Benchmarks
import Foundation
import NN
import Tensors

/// `swiftrl bench`: learning-core benchmarks against the PyTorch peer scripts.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time learning-core workloads (compare with ../shared/peers/*_torch.py; build with -c release).",
        subcommands: [BenchMLPUpdate.self, BenchSACAEUpdate.self, BenchGEMM.self, BenchConvolution.self, BenchPixelReplay.self])
}

/// The integers in 1...maximum of a comma-separated option value such as "64,256,1024"; a
/// ValidationError naming `option` and the range otherwise.
func positiveIntegers(_ text: String, option: String, maximum: Int) throws -> [Int] {
    try text.split(separator: ",").map { item -> Int in
        guard let value = Int(item.trimmingCharacters(in: .whitespaces)), (1...maximum).contains(value) else {
            throw ValidationError("\(option) must be integers in 1...\(maximum) separated by commas, got '\(text)'")
        }
        return value
    }
}

/// The largest batch the learning-core benchmarks take (a SAC-AE batch of 1024 images is 260 MB).
let largestBenchmarkBatch = 1024

/// `swiftrl bench mlp-update`: forward + backward + Adam on PPO-sized MLPs.
struct BenchMLPUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlp-update",
        abstract: "Time one MLP training step (2x64 tanh and 3x256 ELU at batches 64 to 4096), as mlp_update_torch.py.")

    @Option(help: "Batch sizes, comma-separated.")
    var batches = "64,256,1024,4096"

    @Option(parsing: .unconditional, help: "OpenBLAS threads.")
    var threads = 2

    @Option(help: "Only the networks whose name contains this text (\"2x64\" or \"3x256\"; default: both).")
    var network: String?

    @Option(
        name: .customLong("memory-steps"),
        help: "Also run this many steps of 2x64 at batch 64 and report resident memory before and after (0: skip).")
    var memorySteps = 0

    @Flag(help: "Print one JSON object per measurement.")
    var json = false

    @Option(help: "Also train a 2x64 network briefly and save it (parameters, Adam state, metadata) as a safetensors checkpoint here.")
    var checkpoint: String?

    func validate() throws {
        if !(1...64).contains(threads) { throw ValidationError("--threads must be in 1...64, got \(threads)") }
        if memorySteps < 0 { throw ValidationError("--memory-steps must be 0 or more, got \(memorySteps)") }
    }

    func run() throws {
        if let checkpoint { try saveCheckpoint(to: checkpoint) }
        let batchSizes = try positiveIntegers(batches, option: "--batches", maximum: 65_536)
        BLASThreads.set(threads)
        if !json { print(MachineDescription.summary) }
        let configurations = MLPUpdateBenchmark.Configuration.peerConfigurations.filter { network == nil || $0.name.contains(network!) }
        if configurations.isEmpty {
            throw ValidationError(
                "--network '\(network ?? "")' matches none of: \(MLPUpdateBenchmark.Configuration.peerConfigurations.map(\.name).joined(separator: ", "))"
            )
        }
        for configuration in configurations {
            for batch in batchSizes {
                let benchmark = MLPUpdateBenchmark(configuration, batch: batch)
                for _ in 0..<20 { try benchmark.step() }
                let steps = max(50, 200_000 / batch)
                let seconds = try measureSeconds { for _ in 0..<steps { try benchmark.step() } }
                let microseconds = seconds / Double(steps) * 1e6
                if json {
                    print(
                        "{\"network\":\"\(configuration.name)\",\"batch\":\(batch),\"us_per_step\":\(String(format: "%.1f", microseconds))}"
                    )
                } else {
                    print("swiftrl mlp \(configuration.name) batch \(batch): \(String(format: "%.0f", microseconds)) us/step")
                }
            }
        }
        if memorySteps > 0 {
            let benchmark = MLPUpdateBenchmark(MLPUpdateBenchmark.Configuration.peerConfigurations[0], batch: 64)
            for _ in 0..<100 { try benchmark.step() }
            let before = residentMemoryBytes()
            for _ in 0..<memorySteps { try benchmark.step() }
            let after = residentMemoryBytes()
            print(
                "resident memory over \(memorySteps) steps: \(before / 1_048_576) MiB -> \(after / 1_048_576) MiB (\(after - before >= 0 ? "+" : "")\((after - before) / 1024) KiB)"
            )
        }
    }
}

extension BenchMLPUpdate {
    /// Trains the 2x64 network for 20 steps and writes it with its output for an all-ones input in
    /// the metadata, so that tools/check_checkpoint_with_torch.py can verify PyTorch reads it identically.
    func saveCheckpoint(to path: String) throws {
        let benchmark = MLPUpdateBenchmark(MLPUpdateBenchmark.Configuration.peerConfigurations[0], batch: 64)
        for _ in 0..<20 { try benchmark.step() }
        let probe = try withoutGradients { try benchmark.model(Tensor.ones([1, 8])) }
        var file = Checkpoint(metadata: [
            "format": "swiftrl", "network": "mlp 8-64-64-4 tanh",
            "output_for_ones": "[" + probe.scalars.map { "\($0)" }.joined(separator: ",") + "]",
        ])
        file.add(benchmark.model, prefix: "model.")
        file.add(benchmark.optimizer, prefix: "optimizer.")
        try file.write(to: URL(fileURLWithPath: path))
        print("wrote \(path): \(file.tensors.count) tensors")
    }
}

/// `swiftrl bench sac-ae-update`: SAC-AE's full update at batch 128 of 9x84x84.
struct BenchSACAEUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sac-ae-update",
        abstract:
            "Time full SAC-AE updates (critic, actor and temperature every second step, decoder, soft targets), as sacae_update_torch.py.")

    @Option(parsing: .unconditional, help: "Batch size.")
    var batch = 128

    @Option(parsing: .unconditional, help: "Timed updates (after 2 warm-up updates).")
    var updates = 6

    @Option(parsing: .unconditional, help: "OpenBLAS threads.")
    var threads = 2

    @Flag(help: "Print one JSON object: {ms_per_update, gflop_per_update, gflops, resident_mib}.")
    var json = false

    @Flag(help: "Also print the time spent in each phase of the update.")
    var profile = false

    func validate() throws {
        if !(1...largestBenchmarkBatch).contains(batch) {
            throw ValidationError("--batch must be in 1...\(largestBenchmarkBatch), got \(batch)")
        }
        if updates < 1 { throw ValidationError("--updates must be at least 1, got \(updates)") }
        if !(1...64).contains(threads) { throw ValidationError("--threads must be in 1...64, got \(threads)") }
    }

    func run() throws {
        BLASThreads.set(threads)
        let benchmark = try SACAEUpdateBenchmark(batch: batch)
        for _ in 0..<2 { try benchmark.update() }
        benchmark.profile = profile
        let seconds = try measureSeconds { for _ in 0..<updates { try benchmark.update() } }
        if profile {
            for (phase, total) in benchmark.phaseSeconds.sorted(by: { $0.value > $1.value }) {
                print("  \(phase): \(String(format: "%.0f", total / Double(updates) * 1000)) ms/update")
            }
        }
        let milliseconds = seconds / Double(updates) * 1000
        let gigaflop = SACAEUpdateBenchmark.gigaflopPerUpdate * Double(batch) / 128
        let gflops = gigaflop / (milliseconds / 1000)
        let resident = Double(residentMemoryBytes()) / 1_048_576
        if json {
            print(
                "{\"ms_per_update\":\(String(format: "%.1f", milliseconds)),\"gflop_per_update\":\(String(format: "%.1f", gigaflop)),\"gflops\":\(String(format: "%.1f", gflops)),\"resident_mib\":\(String(format: "%.0f", resident)),\"cpu\":\(JSONValue.string(MachineDescription.cpuModel).text)}"
            )
        } else {
            print(MachineDescription.summary)
            print(
                "swiftrl sac-ae update: \(String(format: "%.0f", milliseconds)) ms/update (batch \(batch), 9x84x84, \(String(format: "%.0f", gflops)) GFLOP/s, resident \(String(format: "%.0f", resident)) MiB)"
            )
        }
    }
}

/// `swiftrl bench conv`: SAC-AE's convolution layers one at a time, with each kernel family the CPU runs.
struct BenchConvolution: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conv",
        abstract:
            "Time SAC-AE's convolution layers (forward; backward with the gradients SAC-AE computes) with each kernel family.")

    @Option(parsing: .unconditional, help: "Images per batch.")
    var batch = 128

    @Option(parsing: .unconditional, help: "Timed repeats per layer (the best is reported).")
    var repeats = 3

    @Option(parsing: .unconditional, help: "Kernel threads.")
    var threads = 2

    @Option(help: "Kernel families to time, comma-separated (blas, avx2, avx512; default: all this CPU runs).")
    var kernels: String?

    @Option(help: "Only the layers whose name contains this text (e.g. \"s2\" or \"conv 9->32\"; default: all).")
    var layer: String?

    @Flag(help: "Instead: the encoder's forward correlation with the Float32 kernel and with the bfloat16 one (AVX512-BF16).")
    var bfloat16 = false

    func run() throws {
        if bfloat16 { return try compareBFloat16() }
        let families =
            try kernels.map { list in
                try list.split(separator: ",").map { name in
                    guard let family = VectorKernels.Family.allCases.first(where: { $0.description == name }),
                        VectorKernels.supported.contains(family)
                    else {
                        throw ValidationError(
                            "--kernels: '\(name)' is not one of this CPU's kernel families (\(VectorKernels.supported.map(\.description).joined(separator: ", ")))"
                        )
                    }
                    return family
                }
            } ?? VectorKernels.supported
        guard (1...largestBenchmarkBatch).contains(batch), repeats >= 1, (1...64).contains(threads) else {
            throw ValidationError(
                "--batch must be in 1...\(largestBenchmarkBatch), --repeats at least 1 and --threads in 1...64, got \(batch), \(repeats), \(threads)"
            )
        }
        BLASThreads.set(threads)
        print(
            "\(MachineDescription.summary); batch \(batch), \(threads) thread(s)"
        )
        let layers = ConvolutionBenchmark.sacAELayers.filter { self.layer == nil || $0.name.contains(self.layer!) }
        if layers.isEmpty {
            throw ValidationError(
                "--layer '\(layer ?? "")' matches none of: \(ConvolutionBenchmark.sacAELayers.map(\.name).joined(separator: "; "))")
        }
        // GFLOP/s forward and backward, per family, per layer in `layers`' order.
        var rates: [VectorKernels.Family: [(forward: Double, backward: Double)]] = [:]
        for layer in layers {
            let gflop = layer.flopsPerImage * Double(batch) / 1e9
            let backwardGFLOP = layer.backwardFlopsPerImage * Double(batch) / 1e9
            var line =
                "\(layer.name) (\(String(format: "%.2f", gflop)) GFLOP forward, \(String(format: "%.2f", backwardGFLOP)) backward\(layer.computesInputGradient ? "" : ": weight gradient only, as in SAC-AE")):"
            for family in families {
                let (forward, backward) = try VectorKernels.$override.withValue(family) {
                    try ConvolutionBenchmark.measure(layer, batch: batch, repeats: repeats)
                }
                rates[family, default: []].append((gflop / forward, backwardGFLOP / backward))
                line += String(
                    format: " %@ %.1f + %.1f ms (%.0f, %.0f GFLOP/s);", family.description, forward * 1000, backward * 1000,
                    gflop / forward, backwardGFLOP / backward)
            }
            print(line)
        }
        printShares(of: layers, rates: rates, families: families)
    }

    /// Each other layer's rate as a share of the stride-1 convolution's in the same run (forward of
    /// forward, backward of backward), when that layer was timed: the goal is at least 70%.
    func printShares(
        of layers: [ConvolutionBenchmark.Layer], rates: [VectorKernels.Family: [(forward: Double, backward: Double)]],
        families: [VectorKernels.Family]
    ) {
        guard let reference = layers.firstIndex(where: { !$0.transposed && $0.stride == 1 }) else { return }
        for family in families {
            guard let familyRates = rates[family] else { continue }
            let base = familyRates[reference]
            let shares = layers.indices.filter { $0 != reference }.map { index in
                String(
                    format: "%@ %.0f%% / %.0f%%", layers[index].name, 100 * familyRates[index].forward / base.forward,
                    100 * familyRates[index].backward / base.backward)
            }
            print(
                "\(family) share of \(layers[reference].name)'s rate, forward / backward (goal >= 70%): \(shares.joined(separator: "; "))")
        }
    }
}

extension BenchConvolution {
    /// `--bfloat16`: the forward correlations in Float32 and in bfloat16, side by side.
    func compareBFloat16() throws {
        guard BFloat16CorrelationBenchmark.isSupported else {
            throw ValidationError("--bfloat16: this CPU (\(MachineDescription.cpuModel)) has no AVX512-BF16; run it on one that has")
        }
        guard batch >= 2, repeats >= 1 else { throw ValidationError("--batch must be at least 2 and --repeats at least 1") }
        print("\(MachineDescription.summary); batch \(batch), 2 threads; forward correlation only (no epilogue, no phase split)")
        for shape in BFloat16CorrelationBenchmark.shapes where layer == nil || shape.name.contains(layer!) {
            let result = BFloat16CorrelationBenchmark.measure(shape, batch: batch, repeats: repeats)
            let gflop = shape.flopsPerImage * Double(batch) / 1e9
            print(
                String(
                    format:
                        "%@: float32 %.2f ms (%.0f GFLOP/s); bfloat16 incl. rounding and pairing %.2f ms (%.0f GFLOP/s); %.2fx; largest error %.1e of the largest output",
                    shape.name, result.float32 * 1000, gflop / result.float32, result.bfloat16 * 1000, gflop / result.bfloat16,
                    result.float32 / result.bfloat16, result.relativeError))
        }
    }
}

/// `swiftrl bench gemm`: the machine's sgemm rate, the roofline the other benchmarks are judged against.
struct BenchGEMM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "Measure sgemm GFLOP/s for square matrices on one and on all kernel threads.")

    @Option(help: "Matrix sizes, comma-separated.")
    var sizes = "128,256,512,1024"

    @Option(
        help: ArgumentHelp(
            "Instead: products of these shapes, comma-separated MxNxK (C[M, N] = op(A)[M, K] op(B)[K, N]), each optionally followed by :ta, :tb or :tab for transposed operands (e.g. SAC-AE's encoder layer 128x50x39200:tb).",
            valueName: "shapes"))
    var shapes: String?

    func run() throws {
        if let shapes { return try measureShapes(shapes) }
        let matrixSizes = try positiveIntegers(sizes, option: "--sizes", maximum: 8192)
        print(MachineDescription.summary)
        print(
            "core-to-core round trip: \(String(format: "%.0f", coreRoundTripNanoseconds())) ns (about 100 here when the two vCPUs share a chiplet, about 400 when not; two-thread figures are then much slower)"
        )
        for size in matrixSizes {
            var generator = RandomGenerator(seed: 0)
            let a = Tensor.uniform([size, size], generator: &generator), b = Tensor.uniform([size, size], generator: &generator)
            var line = "sgemm \(size)x\(size)x\(size):"
            for threads in [1, 2] {
                BLASThreads.set(threads)
                _ = try a.matmul(b)
                let repeats = max(3, 2_000_000_000 / (2 * size * size * size))
                let seconds = try measureSeconds { for _ in 0..<repeats { _ = try a.matmul(b) } }
                line +=
                    " \(threads) thread(s) \(String(format: "%.0f", 2 * Double(size * size * size) * Double(repeats) / seconds / 1e9)) GFLOP/s;"
            }
            print(line)
        }
    }

    /// Times each product of `--shapes` on one and on two threads.
    private func measureShapes(_ list: String) throws {
        var products: [(item: Substring, m: Int, n: Int, k: Int, flags: String)] = []
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: ":", maxSplits: 1)
            let sizes = parts.first.map { $0.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) } } ?? []
            let flags = parts.count > 1 ? String(parts[1]) : ""
            guard sizes.count == 3, let m = sizes[0], let n = sizes[1], let k = sizes[2],
                [m, n, k].allSatisfy({ (1...1 << 20).contains($0) }), m * k <= 1 << 28, k * n <= 1 << 28, m * n <= 1 << 28,
                ["", "ta", "tb", "tab"].contains(flags)
            else {
                throw ValidationError(
                    "--shapes: '\(item)' is not MxNxK[:ta|:tb|:tab] with sizes in 1...1048576 and each matrix at most 2^28 values (e.g. 128x50x39200:tb)"
                )
            }
            products.append((item, m, n, k, flags))
        }
        print(MachineDescription.summary)
        for (item, m, n, k, flags) in products {
            let transposeA = flags.hasPrefix("ta"), transposeB = flags.hasSuffix("b")
            var generator = RandomGenerator(seed: 0)
            let a = Tensor.uniform(transposeA ? [k, m] : [m, k], generator: &generator)
            let b = Tensor.uniform(transposeB ? [n, k] : [k, n], generator: &generator)
            var line = "sgemm \(item):"
            for threads in [1, 2] {
                BLASThreads.set(threads)
                _ = try a.matmul(b, transposeA: transposeA, transposeB: transposeB)
                let repeats = max(3, 2_000_000_000 / (2 * m * n * k))
                let seconds = try measureSeconds {
                    for _ in 0..<repeats { _ = try a.matmul(b, transposeA: transposeA, transposeB: transposeB) }
                }
                line +=
                    " \(threads) thread(s) \(String(format: "%.0f", 2 * Double(m * n * k) * Double(repeats) / seconds / 1e9)) GFLOP/s"
                    + " (\(String(format: "%.2f", seconds / Double(repeats) * 1e3)) ms);"
            }
            print(line)
        }
    }
}
