import Foundation
import Testing
@testable import NN
@testable import Tensors

@Suite("Checkpoints")
struct CheckpointTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("parameters, optimizer state and metadata round-trip through a safetensors file")
    func roundTrip() throws {
        var generator = RandomGenerator(seed: 0)
        let model = Sequential.multilayerPerceptron([3, 5, 2], activation: .relu, generator: &generator)
        let optimizer = Adam(parameters: model.namedParameters())
        let tape = GradientTape()
        let loss = try tape.record { try model(Tensor.ones([4, 3])).sum() }
        try optimizer.step(try tape.backward(from: loss))
        var checkpoint = Checkpoint(metadata: ["algorithm": "test", "step": "1"])
        checkpoint.add(model, prefix: "model.")
        checkpoint.add(optimizer, prefix: "optimizer.")
        let directory = try temporaryDirectory()
        let file = directory.appendingPathComponent("checkpoint.safetensors")
        try checkpoint.write(to: file)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["checkpoint.safetensors"])

        let restoredModel = Sequential.multilayerPerceptron([3, 5, 2], activation: .relu, generator: &generator)
        let restoredOptimizer = Adam(parameters: restoredModel.namedParameters())
        let loaded = try Checkpoint.read(from: file)
        try loaded.load(into: restoredModel, prefix: "model.")
        try loaded.load(into: restoredOptimizer, prefix: "optimizer.")
        #expect(loaded.metadata == ["algorithm": "test", "step": "1"])
        for (original, restored) in zip(model.namedTensors(), restoredModel.namedTensors()) {
            #expect(original.name == restored.name && original.tensor.scalars == restored.tensor.scalars)
        }
        #expect(restoredOptimizer.stepCount == 1)
        for (original, restored) in zip(optimizer.stateTensors(), restoredOptimizer.stateTensors()) {
            #expect(original.tensor.scalars == restored.tensor.scalars)
        }
    }

    @Test("loading names every missing, extra and mis-shaped tensor and changes nothing")
    func mismatches() throws {
        var generator = RandomGenerator(seed: 0)
        let model = Sequential.multilayerPerceptron([3, 5, 2], activation: .relu, generator: &generator)
        var checkpoint = Checkpoint()
        checkpoint.add(Sequential.multilayerPerceptron([3, 4, 2], activation: .relu, generator: &generator))
        checkpoint.tensors["extra.weight"] = Tensor.zeros([1])
        checkpoint.tensors["layers.1.bias"] = nil
        let before = model.namedTensors().map { $0.tensor.scalars }
        let error = #expect(throws: CheckpointError.self) { try checkpoint.load(into: model) }
        let message = "\(error!)"
        #expect(message.contains("'layers.0.weight' has shape [4, 3]"))
        #expect(message.contains("missing 'layers.1.bias'"))
        #expect(message.contains("unexpected 'extra.weight'"))
        #expect(model.namedTensors().map { $0.tensor.scalars } == before)
    }

    @Test("truncated, corrupt and non-F32 files give clear errors, never a crash")
    func corruptFiles() throws {
        var checkpoint = Checkpoint()
        checkpoint.tensors["w"] = Tensor.arange(0, 10)
        let data = try checkpoint.encoded()
        for length in [0, 5, 8, 20, data.count - 1] {
            #expect(throws: CheckpointError.self) { try Checkpoint.decode(data.prefix(length)) }
        }
        var garbage = data
        garbage[10] = 0xFF
        garbage[11] = 0x00
        #expect(throws: CheckpointError.self) { try Checkpoint.decode(garbage) }
        var hugeHeader = data
        hugeHeader.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        #expect(throws: CheckpointError.self) { try Checkpoint.decode(hugeHeader) }
        let header = #"{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#
        var half = Data()
        var length = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { half.append(contentsOf: $0) }
        half.append(contentsOf: Array(header.utf8) + [0, 0, 0, 0])
        let error = #expect(throws: CheckpointError.self) { try Checkpoint.decode(half) }
        #expect("\(error!)".contains("F16"))
        #expect(throws: CheckpointError.self) { try Checkpoint.read(from: URL(fileURLWithPath: "/nonexistent/file.safetensors")) }
        for special in ["/dev/zero", "/tmp"] {
            let error = #expect(throws: CheckpointError.self) { try Checkpoint.read(from: URL(fileURLWithPath: special)) }
            #expect("\(error.map { "\($0)" } ?? "")".contains("not a regular file"))
        }
    }

    @Test("an unwritable path is a clear error and leaves no temporary file")
    func unwritable() throws {
        let checkpoint = Checkpoint(tensors: ["w": Tensor.ones([2])])
        let error = #expect(throws: CheckpointError.self) {
            try checkpoint.write(to: URL(fileURLWithPath: "/nonexistent-folder/model.safetensors"))
        }
        #expect("\(error!)".contains("not writable") || "\(error!)".contains("does not exist"))
        let directory = try temporaryDirectory()
        let file = directory.appendingPathComponent("a.safetensors")
        try checkpoint.write(to: file)
        try Checkpoint(tensors: ["w": Tensor.zeros([2])]).write(to: file)  // overwrite atomically
        #expect(try Checkpoint.read(from: file).tensors["w"]?.scalars == [0, 0])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["a.safetensors"])
    }

    @Test("U8 byte arrays round-trip beside F32 tensors; the streamed file equals the in-memory encoding")
    func byteArrays() throws {
        let bytes = (0..<1003).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let checkpoint = Checkpoint(
            tensors: ["b": Tensor.arange(0, 5), "z": Tensor.ones([2, 3])], byteArrays: ["a": bytes, "frames": []], metadata: ["k": "v"])
        let directory = try temporaryDirectory()
        let file = directory.appendingPathComponent("replay.safetensors")
        try checkpoint.write(to: file)
        #expect(try Data(contentsOf: file) == (try checkpoint.encoded()))
        let loaded = try Checkpoint.read(from: file)
        #expect(loaded.byteArrays == ["a": bytes, "frames": []] && loaded.metadata == ["k": "v"])
        #expect(loaded.tensors["b"]?.scalars == [0, 1, 2, 3, 4] && loaded.tensors["z"]?.shape == [2, 3])
        // U8 is read only as one dimension, and its offsets must fit its byte count exactly.
        for (header, expected) in [
            (#"{"w":{"dtype":"U8","shape":[2,2],"data_offsets":[0,4]}}"#, "U8"),
            (#"{"w":{"dtype":"U8","shape":[3],"data_offsets":[0,4]}}"#, "data_offsets"),
        ] {
            var data = Data()
            var length = UInt64(header.utf8.count).littleEndian
            withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
            data.append(contentsOf: Array(header.utf8) + [1, 2, 3, 4])
            let error = #expect(throws: CheckpointError.self) { try Checkpoint.decode(data) }
            #expect("\(error!)".contains(expected))
        }
    }
}
