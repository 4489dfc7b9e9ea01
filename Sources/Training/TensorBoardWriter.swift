import Foundation

/// Writes TensorBoard event files (`events.out.tfevents.<seconds>.<host>`): TFRecords (length,
/// masked CRC-32C of the length, data, masked CRC-32C of the data) holding hand-encoded `Event`
/// protobufs, the first with file_version "brain.Event:2", the rest with a `Summary` of scalar values.
/// A resumed run's file starts with a SessionLog START at the resume step, as TensorFlow's writers do
/// after a restart: TensorBoard then drops the abandoned steps of the killed stretch from older files.
/// A record that cannot be written whole (a full disk) is cut off again, so the file never ends in a
/// partial record, and the error names the file.
public final class TensorBoardWriter {
    /// The event file.
    public let url: URL
    private let handle: FileHandle

    /// Creates a new event file in `directory`; throws naming the folder when it cannot be written.
    /// With `resumeStep`, records a restart there (TensorBoard purges the older files' later steps).
    public init(directory: URL, resumeStep: Int? = nil) throws {
        let seconds = Int(Date().timeIntervalSince1970)
        let host = ProcessInfo.processInfo.hostName
        let name = "events.out.tfevents.\(seconds).\(host).\(ProcessInfo.processInfo.processIdentifier)"
        var candidate = directory.appendingPathComponent(name), number = 1
        // A second writer of this process within the same second gets its own file, never the first's.
        while FileManager.default.fileExists(atPath: candidate.path) {
            candidate = directory.appendingPathComponent("\(name).\(number)")
            number += 1
        }
        url = candidate
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = try? FileHandle(forWritingTo: url) else {
            throw TrainingError.unwritable(
                "cannot create the TensorBoard event file in \(directory.path): make the folder writable or choose another --run-dir")
        }
        self.handle = handle
        var event = ProtobufWriter()
        event.double(field: 1, Date().timeIntervalSince1970)
        event.string(field: 3, "brain.Event:2")
        try write(record: event.bytes)
        if let resumeStep {
            var sessionLog = ProtobufWriter()
            sessionLog.varintField(field: 1, 1)  // SessionLog.START
            var restart = ProtobufWriter()
            restart.double(field: 1, Date().timeIntervalSince1970)
            restart.varintField(field: 2, UInt64(max(resumeStep, 0)))
            restart.message(field: 6, sessionLog.bytes)
            try write(record: restart.bytes)
        }
    }

    /// A writer appending to an open `handle` (tests hand in /dev/full to play a full disk).
    init(url: URL, handle: FileHandle) {
        self.url = url
        self.handle = handle
    }

    /// Appends scalars at `step`, one Summary.Value per tag.
    public func add(scalars: [(tag: String, value: Double)], step: Int) throws {
        var summary = ProtobufWriter()
        for (tag, value) in scalars where value.isFinite {
            var entry = ProtobufWriter()
            entry.string(field: 1, tag)
            entry.float(field: 2, Float(value))
            summary.message(field: 1, entry.bytes)
        }
        var event = ProtobufWriter()
        event.double(field: 1, Date().timeIntervalSince1970)
        event.varintField(field: 2, UInt64(max(step, 0)))
        event.message(field: 5, summary.bytes)
        try write(record: event.bytes)
    }

    /// Closes the file.
    public func close() { try? handle.close() }

    /// One TFRecord, written with a single write so a crash never leaves a partial record mid-file.
    private func write(record data: [UInt8]) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count + 16)
        var length = UInt64(data.count).littleEndian
        let lengthBytes = withUnsafeBytes(of: &length) { Array($0) }
        bytes.append(contentsOf: lengthBytes)
        appendLittleEndian(CRC32C.masked(CRC32C.checksum(lengthBytes)), to: &bytes)
        bytes.append(contentsOf: data)
        appendLittleEndian(CRC32C.masked(CRC32C.checksum(data)), to: &bytes)
        let end = try handle.offset()
        do { try handle.write(contentsOf: bytes) } catch {
            // Cut back to the last whole record.
            try? handle.truncate(atOffset: end)
            throw TrainingError.unwritable(
                "cannot append to the TensorBoard file \(url.path): \(error.localizedDescription); free disk space and continue with --resume"
            )
        }
    }

    private func appendLittleEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        var little = value.littleEndian
        withUnsafeBytes(of: &little) { bytes.append(contentsOf: $0) }
    }
}

/// The few protobuf encodings an Event needs (varint, 64-bit double, 32-bit float, length-delimited).
struct ProtobufWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func key(field: Int, wireType: Int) { varint(UInt64(field << 3 | wireType)) }

    mutating func varintField(field: Int, _ value: UInt64) {
        key(field: field, wireType: 0)
        varint(value)
    }

    mutating func double(field: Int, _ value: Double) {
        key(field: field, wireType: 1)
        var bits = value.bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
    }

    mutating func float(field: Int, _ value: Float) {
        key(field: field, wireType: 5)
        var bits = value.bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
    }

    mutating func message(field: Int, _ payload: [UInt8]) {
        key(field: field, wireType: 2)
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    mutating func string(field: Int, _ text: String) { message(field: field, Array(text.utf8)) }
}
