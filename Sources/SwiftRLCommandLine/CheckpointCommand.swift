import Agents
import ArgumentParser
import Foundation
import NN
import Tensors

/// `swiftrl ckpt`: checkpoint surgery (inspect, transplant or re-initialise one sub-module).
struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ckpt",
        abstract: "Inspect checkpoints and transplant or re-initialise sub-modules.",
        subcommands: [InspectCheckpoint.self, TransplantCheckpoint.self])
}

/// `swiftrl ckpt inspect FILE`: every tensor with its shape, and the metadata.
struct InspectCheckpoint: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "List a checkpoint's tensors, shapes and metadata.")

    @Argument(help: "A .safetensors checkpoint.")
    var file: String

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let checkpoint = try Checkpoint.read(from: URL(fileURLWithPath: file))
        let names = checkpoint.tensors.keys.sorted()
        let total = checkpoint.tensors.values.reduce(0) { $0 + $1.count }
        if json {
            let object: [String: Any] = [
                "tensors": names.map { ["name": $0, "shape": checkpoint.tensors[$0]!.shape] },
                "metadata": checkpoint.metadata, "parameters": total,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        let width = min(names.map(\.count).max() ?? 0, 70)
        for name in names {
            let tensor = checkpoint.tensors[name]!
            print(
                name.padding(toLength: max(width, name.count), withPad: " ", startingAt: 0) + "  "
                    + "\(tensor.shape)".padding(toLength: 20, withPad: " ", startingAt: 0) + "  \(tensor.count)")
        }
        print("\(names.count) tensors, \(total) values")
        for key in checkpoint.metadata.keys.sorted() {
            let value = checkpoint.metadata[key]!
            print("metadata \(key): \(value.count > 120 ? String(value.prefix(117)) + "..." : value)")
        }
    }
}

/// `swiftrl ckpt transplant`: copies (or re-initialises) the tensors of one sub-module.
struct TransplantCheckpoint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transplant",
        abstract: "Copy one sub-module's weights from checkpoint A into checkpoint B, or re-initialise them.",
        discussion: """
            Tensors match when --prefix starts their name or follows a dot in it (so encoder. matches \
            critic.encoder.convs.0.weight and actor.encoder.fc.bias); optimizer state is left alone. With --reinit, \
            matching weights are re-initialised (Linear: orthogonal; convolutions: delta-orthogonal with ReLU gain; \
            biases 0; LayerNorm weights 1) instead of copied. B is rewritten atomically, or --output is written.
            """)

    @Option(help: "The checkpoint to copy from (not needed with --reinit).")
    var from: String?

    @Option(help: "The checkpoint to change.")
    var to: String

    @Option(help: "The sub-module prefix, e.g. encoder. or critic.encoder.")
    var prefix: String

    @Flag(help: "Re-initialise the matching tensors instead of copying them.")
    var reinit = false

    @Option(help: "Write the result here instead of overwriting --to.")
    var output: String?

    @Option(help: "Seed for --reinit.")
    var seed: Int = 0

    func validate() throws {
        if !reinit && from == nil { throw ValidationError("give --from A (the checkpoint to copy from), or --reinit") }
        if prefix.isEmpty { throw ValidationError("--prefix must not be empty (for example encoder.)") }
    }

    func run() throws {
        var target = try Checkpoint.read(from: URL(fileURLWithPath: to))
        let names = target.tensors.keys.filter { matches($0) }.sorted()
        guard !names.isEmpty else {
            let roots = Set(target.tensors.keys.map { String($0.split(separator: ".").prefix(2).joined(separator: ".")) + "." }).sorted()
            throw ValidationError(
                "no tensor of \(to) matches --prefix \(prefix); sub-modules there include: \(roots.prefix(20).joined(separator: ", "))")
        }
        if reinit {
            var generator = RandomGenerator(seed: UInt64(seed))
            for name in names {
                let tensor = target.tensors[name]!.copy()
                if name.hasSuffix("layerNorm.weight") {
                    Initialization.constant(tensor, 1)
                } else if name.hasSuffix(".bias") || tensor.rank < 2 {
                    Initialization.constant(tensor, 0)
                } else if tensor.rank == 4 {
                    Initialization.deltaOrthogonal(tensor, gain: Float(2).squareRoot(), generator: &generator)
                } else {
                    Initialization.orthogonal(tensor, gain: 1, generator: &generator)
                }
                target.tensors[name] = tensor
            }
        } else {
            let source = try Checkpoint.read(from: URL(fileURLWithPath: from!))
            var problems: [String] = []
            for name in names {
                guard let value = source.tensors[name] else { problems.append("\(name) is missing from \(from!)"); continue }
                if value.shape != target.tensors[name]!.shape {
                    problems.append("\(name) is \(value.shape) in \(from!) but \(target.tensors[name]!.shape) in \(to)")
                }
            }
            guard problems.isEmpty else {
                throw ValidationError(
                    "cannot transplant: " + problems.joined(separator: "; ") + " (the sub-modules must have the same architecture)")
            }
            try Checkpoint(tensors: source.tensors.filter { names.contains($0.key) }).requireFinite(source: from!)
            for name in names { target.tensors[name] = source.tensors[name]!.copy() }
        }
        target.metadata["surgery"] =
            (target.metadata["surgery"].map { $0 + "; " } ?? "") + (reinit ? "reinit \(prefix)" : "transplant \(prefix) from \(from!)")
        let destination = URL(fileURLWithPath: output ?? to)
        try target.write(to: destination)
        print("\(reinit ? "re-initialised" : "transplanted") \(names.count) tensors matching \(prefix) -> \(destination.path)")
    }

    private func matches(_ name: String) -> Bool {
        !name.hasPrefix("optimizer.") && (name.hasPrefix(prefix) || name.contains("." + prefix))
    }
}
