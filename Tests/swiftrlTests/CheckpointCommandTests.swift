import Foundation
import NN
import Tensors
import Testing

@Suite struct CheckpointCommandTests {
    @Test func inspectTransplantAndReinitialise() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func checkpoint(_ value: Float) throws -> Checkpoint {
            Checkpoint(
                tensors: [
                    "critic.encoder.fc.weight": Tensor.full([2, 3], value: value), "critic.encoder.fc.bias": Tensor.full([2], value: value),
                    "actor.trunk.layers.0.weight": Tensor.full([2, 2], value: value),
                    "optimizer.critic.critic.encoder.fc.weight.exp_avg": Tensor.full([2, 3], value: value),
                ], metadata: ["algorithm": "sac-ae"])
        }
        let a = folder.appendingPathComponent("a.safetensors"), b = folder.appendingPathComponent("b.safetensors")
        try checkpoint(1).write(to: a)
        try checkpoint(2).write(to: b)

        let inspect = try ProgramRun.swiftrl(["ckpt", "inspect", b.path, "--json"])
        #expect(inspect.status == 0, "\(inspect.errorOutput)")
        let object = try JSONSerialization.jsonObject(with: Data(inspect.output.utf8)) as? [String: Any]
        #expect((object?["tensors"] as? [Any])?.count == 4 && object?["parameters"] as? Int == 6 + 2 + 4 + 6)

        let transplant = try ProgramRun.swiftrl(["ckpt", "transplant", "--from", a.path, "--to", b.path, "--prefix", "encoder."])
        #expect(transplant.status == 0, "\(transplant.errorOutput)")
        var result = try Checkpoint.read(from: b)
        #expect(result.tensors["critic.encoder.fc.weight"]!.scalars.allSatisfy { $0 == 1 })
        #expect(result.tensors["critic.encoder.fc.bias"]!.scalars.allSatisfy { $0 == 1 })
        #expect(result.tensors["actor.trunk.layers.0.weight"]!.scalars.allSatisfy { $0 == 2 })
        #expect(result.tensors["optimizer.critic.critic.encoder.fc.weight.exp_avg"]!.scalars.allSatisfy { $0 == 2 })

        let output = folder.appendingPathComponent("c.safetensors")
        let reinit = try ProgramRun.swiftrl([
            "ckpt", "transplant", "--to", b.path, "--prefix", "critic.encoder.", "--reinit", "--output", output.path,
        ])
        #expect(reinit.status == 0, "\(reinit.errorOutput)")
        result = try Checkpoint.read(from: output)
        #expect(result.tensors["critic.encoder.fc.bias"]!.scalars == [0, 0])
        let weight = result.tensors["critic.encoder.fc.weight"]!.scalars
        // Orthogonal rows: unit norm, orthogonal to each other.
        let dot = zip(weight[0..<3], weight[3..<6]).map { $0 * $1 }.reduce(0, +)
        let norm = weight[0..<3].map { $0 * $0 }.reduce(0, +)
        #expect(Swift.abs(dot) < 1e-5 && Swift.abs(norm - 1) < 1e-5)
        #expect(result.metadata["surgery"]?.contains("reinit critic.encoder.") == true)

        let mismatch = try ProgramRun.swiftrl(["ckpt", "transplant", "--from", a.path, "--to", b.path, "--prefix", "decoder."])
        #expect(mismatch.status != 0 && mismatch.errorOutput.contains("no tensor"))
    }

    @Test func nonFiniteWeightsAreRefusedByEvalAndTransplant() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-nan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let poisoned = folder.appendingPathComponent("nan.safetensors"), healthy = folder.appendingPathComponent("ok.safetensors")
        try Checkpoint(tensors: ["critic.encoder.fc.weight": Tensor.full([2, 3], value: .nan)], metadata: ["algorithm": "sac-ae"]).write(
            to: poisoned)
        try Checkpoint(tensors: ["critic.encoder.fc.weight": Tensor.full([2, 3], value: 1)], metadata: ["algorithm": "sac-ae"]).write(
            to: healthy)
        let evaluation = try ProgramRun.swiftrl(["eval", poisoned.path])
        #expect(evaluation.status != 0 && evaluation.errorOutput.contains("holds nan"), "\(evaluation.errorOutput)")
        let transplant = try ProgramRun.swiftrl([
            "ckpt", "transplant", "--from", poisoned.path, "--to", healthy.path, "--prefix", "encoder.",
        ])
        #expect(transplant.status != 0 && transplant.errorOutput.contains("holds nan"), "\(transplant.errorOutput)")
        #expect(try Checkpoint.read(from: healthy).tensors["critic.encoder.fc.weight"]!.scalars.allSatisfy { $0 == 1 })
    }
}
