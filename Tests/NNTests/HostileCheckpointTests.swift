import Foundation
import Testing
@testable import NN
import Tensors

/// Crafted and mutated safetensors files are refused with a CheckpointError, never a trap, and never
/// make the reader allocate more than the file holds; non-finite weights are refused by name.
@Suite struct HostileCheckpointTests {
    /// A safetensors file with `header` (JSON text) and `body` bytes.
    func file(header: String, body: [UInt8]) -> Data {
        var data = Data()
        var length = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(Data(header.utf8))
        data.append(contentsOf: body)
        return data
    }

    func expectCorrupt(_ data: Data, _ fragment: String) {
        let error = #expect(throws: CheckpointError.self) { _ = try Checkpoint.decode(data, source: "crafted") }
        #expect("\(error.map { "\($0)" } ?? "")".contains(fragment), "\(String(describing: error))")
    }

    @Test func hugeShapesAndOffsetsAreRefusedWithoutOverflow() {
        expectCorrupt(
            file(
                header: #"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}"#,
                body: Array(repeating: 0, count: 16)),
            "more values than")
        expectCorrupt(
            file(
                header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[9223372036854775800,9223372036854775807]}}"#,
                body: Array(repeating: 0, count: 8)),
            "data_offsets")
        expectCorrupt(
            file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, body: Array(repeating: 0, count: 8)), "data_offsets")
        expectCorrupt(
            file(
                header: #"{"a":{"dtype":"F32","shape":[3037000500,3037000500],"data_offsets":[0,8]}}"#, body: Array(repeating: 0, count: 8)),
            "more values than")
    }

    @Test func aliasedEntriesAreRefusedBeforeAnyAllocation() {
        // 200 entries all pointing at the same 4 MB: 800 MB if each were read.
        let count = 1 << 20
        let entries = (0..<200).map { #""t\#($0)":{"dtype":"F32","shape":[\#(count)],"data_offsets":[0,\#(count * 4)]}"# }
        let data = file(header: "{" + entries.joined(separator: ",") + "}", body: Array(repeating: 0, count: count * 4))
        let before = residentBytes()
        expectCorrupt(data, "overlap")
        #expect(residentBytes() - before < 64 << 20, "the reader allocated \((residentBytes() - before) >> 20) MB")
    }

    @Test func thousandsOfMutatedFilesGiveErrorsNeverCrashesAndBoundedMemory() throws {
        var original = Checkpoint(metadata: ["algorithm": "test"])
        original.tensors["layer.weight"] = try Tensor((0..<12).map(Float.init), shape: [3, 4])
        original.tensors["layer.bias"] = try Tensor([1, 2, 3], shape: [3])
        original.byteArrays["replay.frames"] = [7, 8, 9, 10, 11]
        let valid = try original.encoded()
        var generator = SystemRandomNumberGenerator()
        let before = residentBytes()
        var refused = 0
        for round in 0..<3000 {
            var bytes = [UInt8](valid)
            switch round % 4 {
            case 0:  // flip random bytes anywhere
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
                }
            case 1:  // cut the file short
                bytes.removeLast(Int.random(in: 1..<bytes.count, using: &generator))
            case 2:  // replace digits of the header with large numbers
                var text = String(decoding: bytes, as: UTF8.self)
                if let digit = text.firstIndex(where: \.isNumber) {
                    text.replaceSubrange(
                        digit...digit, with: ["9223372036854775807", "-1", "4611686018427387904", "0"].randomElement(using: &generator)!)
                }
                bytes = Array(text.utf8)
            default:  // a wrong header length
                let length = UInt64.random(in: 0...UInt64.max, using: &generator).littleEndian
                withUnsafeBytes(of: length) { for index in 0..<8 { bytes[index] = $0[index] } }
            }
            do { _ = try Checkpoint.decode(Data(bytes), source: "mutated") } catch is CheckpointError { refused += 1 }
        }
        #expect(refused > 2000, "only \(refused) of 3000 mutations were refused")
        #expect(residentBytes() - before < 64 << 20)
    }

    @Test func nonFiniteWeightsAreNamed() throws {
        var checkpoint = Checkpoint()
        checkpoint.tensors["actor.weight"] = try Tensor([1, .nan], shape: [2])
        checkpoint.tensors["critic.weight"] = try Tensor([.infinity], shape: [1])
        let error = #expect(throws: CheckpointError.self) { try checkpoint.requireFinite(source: "run") }
        #expect("\(error.map { "\($0)" } ?? "")".contains("'actor.weight' holds nan at index 1"))
        checkpoint.tensors["actor.weight"] = try Tensor([1, 2], shape: [2])
        #expect(throws: CheckpointError.self) { try checkpoint.requireFinite() }
        checkpoint.tensors["critic.weight"] = try Tensor([3], shape: [1])
        try checkpoint.requireFinite()
    }

    /// The process's resident memory in bytes (Linux).
    func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = Int(text.split(separator: " ")[1])
        else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
