import Foundation
import Tensors

/// Errors reading, writing or applying checkpoints; each names the file or tensor and the fix.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The file is not a valid safetensors file (truncated, corrupt header, bad offsets, ...).
    case corrupt(String)
    /// The checkpoint's tensors do not match the module's (missing, extra, wrong shape or dtype).
    case mismatch(String)
    /// The file could not be read or written.
    case io(String)
    /// A tensor holds NaN or infinite values (weights of a run that diverged).
    case nonFinite(String)

    public var description: String {
        switch self {
        case .corrupt(let message), .mismatch(let message), .io(let message), .nonFinite(let message): return message
        }
    }
}

/// Named Float32 tensors (and UInt8 arrays, for replays of pixels) plus string metadata, stored as a
/// safetensors file: an 8-byte little-endian header length, a JSON header {name: {dtype, shape,
/// data_offsets}, "__metadata__": {...}}, then the raw little-endian data. PyTorch's
/// `safetensors.torch.load_file` opens it.
public struct Checkpoint: Sendable {
    /// Float32 tensors by name (dtype F32).
    public var tensors: [String: Tensor]
    /// UInt8 arrays by name (dtype U8, one dimension): pixel frames stored at one byte per value.
    public var byteArrays: [String: [UInt8]]
    /// Free-form string metadata (algorithm, step, config, ...).
    public var metadata: [String: String]

    /// A checkpoint of the given tensors, byte arrays and metadata.
    public init(tensors: [String: Tensor] = [:], byteArrays: [String: [UInt8]] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.byteArrays = byteArrays
        self.metadata = metadata
    }

    /// Adds every tensor of `module` under `prefix` + its dotted name.
    public mutating func add(_ module: any Module, prefix: String = "") {
        for (name, tensor) in module.namedTensors() { tensors[prefix + name] = tensor }
    }

    /// Adds an optimizer's state under `prefix` (e.g. "optimizer.").
    public mutating func add(_ optimizer: any Optimizer, prefix: String) {
        for (name, tensor) in optimizer.stateTensors() { tensors[prefix + name] = tensor }
    }

    /// The safetensors header (its 8-byte length, the JSON, padding) and the data's length in bytes.
    func encodedHeader() throws -> (header: Data, bodyCount: Int) {
        var header: [String: Any] = [:]
        var offset = 0
        for (name, dtype, shape, byteCount) in entries() {
            header[name] = ["dtype": dtype, "shape": shape, "data_offsets": [offset, offset + byteCount]]
            offset += byteCount
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var headerData = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while (8 + headerData.count) % 8 != 0 { headerData.append(0x20) }
        var data = Data(capacity: 8 + headerData.count)
        var length = UInt64(headerData.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(headerData)
        return (data, offset)
    }

    /// Every stored array in file order (sorted by name): name, dtype, shape and size in bytes.
    private func entries() -> [(name: String, dtype: String, shape: [Int], byteCount: Int)] {
        let names = Set(tensors.keys).union(byteArrays.keys).sorted()
        return names.map { name in
            if let tensor = tensors[name] { return (name, "F32", tensor.shape, tensor.count * 4) }
            let bytes = byteArrays[name]!
            return (name, "U8", [bytes.count], bytes.count)
        }
    }

    /// Calls `body` with the raw data of every array in file order (no copy of the data is made).
    private func withEachBody(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        for (name, _, _, _) in entries() {
            // Float32 is little-endian on every platform Swift runs on here.
            if let tensor = tensors[name] {
                try body(UnsafeRawBufferPointer(start: tensor.pointer, count: tensor.count * 4))
            } else {
                try byteArrays[name]!.withUnsafeBytes { try body($0) }
            }
        }
    }

    /// The safetensors bytes (the whole file in memory; `write(to:)` streams instead).
    public func encoded() throws -> Data {
        let (header, bodyCount) = try encodedHeader()
        var data = Data(capacity: header.count + bodyCount)
        data.append(header)
        withEachBody { data.append(contentsOf: $0) }
        return data
    }

    /// Writes the checkpoint atomically and durably: to a temporary file in the same folder (named
    /// `.NAME.PID.tmp`), flushed to disk, renamed over `url`, and the folder flushed too, so neither a
    /// crash nor a power cut leaves a half-written checkpoint under `url`.
    public func write(to url: URL) throws {
        let (header, _) = try encodedHeader()
        let directory = url.deletingLastPathComponent()
        guard FileManager.default.isWritableFile(atPath: directory.path) else {
            throw CheckpointError.io(
                "cannot write checkpoint \(url.path): the folder \(directory.path) does not exist or is not writable; create it or choose another path"
            )
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try writeDurably(header: header, to: temporary)
            // rename(2) replaces the destination atomically; the folder's fsync makes the rename durable.
            guard rename(temporary.path, url.path) == 0 else {
                throw CheckpointError.io(String(cString: strerror(errno)))
            }
            Self.synchronizeFolder(directory)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            let reason = (error as? CheckpointError).map { "\($0)" } ?? error.localizedDescription
            throw CheckpointError.io("cannot write checkpoint \(url.path): \(reason); check that the disk has room")
        }
    }

    /// Writes the header, then each array's data straight from memory, to a new file and flushes it to
    /// disk (fsync) before returning; a replay of gigabytes is never copied into one buffer first.
    private func writeDurably(header: Data, to url: URL) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CheckpointError.io(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        try header.withUnsafeBytes { try Self.writeAll($0, to: descriptor) }
        try withEachBody { try Self.writeAll($0, to: descriptor) }
        guard fsync(descriptor) == 0 else { throw CheckpointError.io(String(cString: strerror(errno))) }
    }

    /// Writes every byte of `raw` to `descriptor`, retrying short and interrupted writes.
    private static func writeAll(_ raw: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        var written = 0
        while written < raw.count {
            let count = Foundation.write(descriptor, raw.baseAddress!.advanced(by: written), raw.count - written)
            if count < 0 {
                if errno == EINTR { continue }
                throw CheckpointError.io(String(cString: strerror(errno)))
            }
            written += count
        }
    }

    /// Flushes a folder's entries (a rename into it) to disk.
    static func synchronizeFolder(_ directory: URL) {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// Reads and validates a safetensors file; every malformed part is a `CheckpointError`, never a crash.
    public static func read(from url: URL) throws -> Checkpoint {
        // Devices, pipes and folders are refused by name (mapping /dev/zero read as "no permission").
        var status = stat()
        if stat(url.path, &status) == 0 && (status.st_mode & S_IFMT) != S_IFREG {
            throw CheckpointError.io("cannot read checkpoint \(url.path): it is not a regular file; give a .safetensors file")
        }
        let data: Data
        // Mapped, not read: a replay file of gigabytes costs page cache, not a second copy in memory.
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw CheckpointError.io("cannot read checkpoint \(url.path): \(error.localizedDescription)")
        }
        return try decode(data, source: url.path)
    }

    /// Parses safetensors bytes (see `read(from:)`).
    public static func decode(_ data: Data, source: String = "checkpoint") throws -> Checkpoint {
        func corrupt(_ reason: String) -> CheckpointError {
            .corrupt("\(source) is not a valid safetensors checkpoint: \(reason); re-save it or use another file")
        }
        guard data.count >= 8 else { throw corrupt("it has \(data.count) bytes, fewer than the 8-byte header length") }
        let headerLength = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw corrupt("the header claims \(headerLength) bytes but only \(data.count - 8) follow (truncated?)")
        }
        let headerData = data.subdata(in: 8..<8 + Int(headerLength))
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw corrupt("the header is not a JSON object")
        }
        let bodyCount = data.count - 8 - Int(headerLength)
        // First every entry is checked against the file's length with overflow-safe arithmetic, and the
        // data ranges must not overlap: a crafted header can neither trap nor make us allocate more
        // than the file holds.
        var entries: [(name: String, isBytes: Bool, shape: [Int], start: Int, byteCount: Int)] = []
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let values = value as? [String: String] else { throw corrupt("__metadata__ is not a map of strings") }
                metadata = values
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else {
                throw corrupt("the entry for '\(name)' lacks dtype, shape or data_offsets")
            }
            guard dtype == "F32" || (dtype == "U8" && shape.count == 1) else {
                throw CheckpointError.mismatch(
                    "\(source): tensor '\(name)' has dtype \(dtype); SwiftRL reads F32 tensors and one-dimensional U8 arrays only (convert it with .float() before saving)"
                )
            }
            let elementSize = dtype == "U8" ? 1 : 4
            guard shape.allSatisfy({ $0 >= 0 }) else { throw corrupt("'\(name)' has a negative dimension in \(shape)") }
            var count = 1
            for dimension in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= bodyCount / elementSize else {
                    throw corrupt("'\(name)' has shape \(shape), more values than the file's \(bodyCount) data bytes hold")
                }
                count = product
            }
            guard offsets[0] >= 0, offsets[0] <= bodyCount, offsets[1] >= offsets[0], offsets[1] <= bodyCount,
                offsets[1] - offsets[0] == count * elementSize
            else {
                throw corrupt("'\(name)' has data_offsets \(offsets) that do not fit shape \(shape) inside \(bodyCount) data bytes")
            }
            entries.append((name, elementSize == 1, shape, offsets[0], count * elementSize))
        }
        let ordered = entries.filter { $0.byteCount > 0 }.sorted { $0.start < $1.start }  // empty arrays overlap nothing
        for (previous, next) in zip(ordered, ordered.dropFirst()) where next.start < previous.start + previous.byteCount {
            throw corrupt("the data of '\(previous.name)' and '\(next.name)' overlap")
        }
        var checkpoint = Checkpoint(metadata: metadata)
        data.withUnsafeBytes { raw in
            let body = raw.baseAddress!.advanced(by: 8 + Int(headerLength))
            for entry in entries {
                if entry.isBytes {
                    checkpoint.byteArrays[entry.name] = Array(
                        UnsafeRawBufferPointer(start: body.advanced(by: entry.start), count: entry.byteCount))
                    continue
                }
                let tensor = Tensor.zeros(entry.shape)
                UnsafeMutableRawPointer(tensor.pointer).copyMemory(from: body.advanced(by: entry.start), byteCount: entry.byteCount)
                checkpoint.tensors[entry.name] = tensor
            }
        }
        return checkpoint
    }

    /// Throws naming the first tensor (by name) that holds a NaN or an infinity: weights of a run that
    /// diverged are refused on save and on load instead of passing as a valid model.
    public func requireFinite(source: String = "checkpoint") throws {
        for name in tensors.keys.sorted() {
            let tensor = tensors[name]!
            let values = UnsafeBufferPointer(start: tensor.pointer, count: tensor.count)
            if let index = values.firstIndex(where: { !$0.isFinite }) {
                throw CheckpointError.nonFinite(
                    "\(source): tensor '\(name)' holds \(values[index]) at index \(index) (non-finite weights: the run diverged); use an earlier checkpoint"
                )
            }
        }
    }

    /// Copies the tensors under `prefix` into `module`; throws listing every missing, extra or
    /// mis-shaped tensor (and changes nothing) when they do not match exactly.
    public func load(into module: any Module, prefix: String = "") throws {
        let targets = module.namedTensors()
        var problems: [String] = []
        for (name, tensor) in targets {
            guard let value = tensors[prefix + name] else { problems.append("missing '\(prefix + name)' \(tensor.shape)"); continue }
            if value.shape != tensor.shape {
                problems.append("'\(prefix + name)' has shape \(value.shape) in the checkpoint but \(tensor.shape) in the model")
            }
        }
        let expected = Set(targets.map { prefix + $0.name })
        for name in tensors.keys.sorted() where name.hasPrefix(prefix) && !expected.contains(name) {
            problems.append("unexpected '\(name)'")
        }
        if !problems.isEmpty {
            throw CheckpointError.mismatch("checkpoint does not fit the model: " + problems.joined(separator: "; "))
        }
        for (name, tensor) in targets { try tensor.assign(tensors[prefix + name]!) }
    }

    /// Restores an optimizer's state saved under `prefix`.
    public func load(into optimizer: any Optimizer, prefix: String) throws {
        var state: [String: Tensor] = [:]
        for (name, tensor) in tensors where name.hasPrefix(prefix) { state[String(name.dropFirst(prefix.count))] = tensor }
        do { try optimizer.loadState(state) } catch {
            throw CheckpointError.mismatch("checkpoint optimizer state under '\(prefix)': \(error)")
        }
    }
}
