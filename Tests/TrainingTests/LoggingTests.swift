import Foundation
import Testing
@testable import Training

@Suite struct LoggingTests {
    @Test func remainingTimesAreFormattedAndImpossibleOnesAreAQuestionMark() {
        #expect(formatDuration(12) == "12s")
        #expect(formatDuration(185) == "3m05s")
        #expect(formatDuration(3725) == "1h02m")
        #expect(formatDuration(3600 * 100_000) == "100000h00m")
        // No steps in the last interval (SAC's warm-up) gave 2.4e13 s, printed as "-1923267926h40m".
        for impossible in [Double.infinity, .nan, -5, 2.4e13] { #expect(formatDuration(impossible) == "?") }
    }

    @Test func crc32cMatchesTheStandardTestVectors() {
        // RFC 3720 (iSCSI) B.4 and the common check value.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum(Array(0..<32)) == 0x46DD_794E)
        // TFRecord's masking.
        let crc = CRC32C.checksum(Array("123456789".utf8))
        #expect(CRC32C.masked(crc) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
    }

    @Test func eventFilesAreValidTFRecordsWithTheScalars() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-events-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = try TensorBoardWriter(directory: folder)
        try writer.add(scalars: [("charts/episodic_return", 12.5), ("losses/q_loss", 0.25)], step: 300)
        writer.close()
        let bytes = [UInt8](try Data(contentsOf: writer.url))
        var offset = 0, records: [[UInt8]] = []
        func word<T: FixedWidthInteger>(_ type: T.Type, at position: Int) -> T {
            bytes[position..<(position + MemoryLayout<T>.size)].enumerated().reduce(T(0)) { $0 | T($1.element) << (8 * $1.offset) }
        }
        while offset < bytes.count {
            let length = Int(word(UInt64.self, at: offset))
            #expect(word(UInt32.self, at: offset + 8) == CRC32C.masked(CRC32C.checksum(bytes[offset..<(offset + 8)])))
            let data = Array(bytes[(offset + 12)..<(offset + 12 + length)])
            #expect(word(UInt32.self, at: offset + 12 + length) == CRC32C.masked(CRC32C.checksum(data)))
            records.append(data)
            offset += 16 + length
        }
        #expect(offset == bytes.count)
        #expect(records.count == 2)
        // The first event carries file_version (field 3), the second step 300 (field 2, varint 0xAC 0x02) and the tags.
        #expect(String(decoding: records[0], as: UTF8.self).contains("brain.Event:2"))
        let second = records[1]
        #expect(second.starts(with: [0x09]) && second[9] == 0x10 && second[10] == 0xAC && second[11] == 0x02)
        let text = String(decoding: second, as: UTF8.self)
        #expect(text.contains("charts/episodic_return") && text.contains("losses/q_loss"))
        var twelveAndAHalf = Float(12.5).bitPattern.littleEndian
        let floatBytes = withUnsafeBytes(of: &twelveAndAHalf) { Array($0) }
        #expect(second.indices.contains { second[$0...].starts(with: [0x15] + floatBytes) })
    }

    @Test func progressLogKeepsRowsUpToTheResumedStep() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-progress-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        let columns = ["step", "seconds", "episode_return_mean", "eval_return_mean"]
        let log = try ProgressLog(url: url, columns: columns, resumeStep: nil)
        for step in [100, 200, 300] { try log.append(["step": Double(step), "seconds": 1.5, "episode_return_mean": 9.25]) }
        try log.append(["step": 300, "eval_return_mean": 20])
        log.close()
        let resumed = try ProgressLog(url: url, columns: columns, resumeStep: 200)
        resumed.close()
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines == ["step,seconds,episode_return_mean,eval_return_mean", "100,1.500,9.25,", "200,1.500,9.25,"])
    }
}
