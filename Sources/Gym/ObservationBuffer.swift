/// Contiguous memory that environments write observations into, shaped by an observation space.
///
/// Environments fill the buffer handed to `reset(seed:options:into:)` and `step(_:into:)` instead
/// of returning new arrays, so stepping allocates nothing. Layout by space:
/// - Float32 Box, Discrete, MultiDiscrete, MultiBinary: `floats` (row-major, numbers as Float32);
/// - UInt8 Box (images): `bytes`;
/// - Dict and Tuple: `entries`, one buffer per key (Tuple keys are "0", "1", ...).
///
/// A buffer may hold `rows` observations back to back (a batch for vector environments);
/// `row(_:)` gives a view of one of them that writes straight into the batch.
public final class ObservationBuffer: @unchecked Sendable {
    /// The space each row belongs to.
    public let space: Space
    /// How many observations the buffer holds.
    public let rows: Int
    /// Float32 storage (`rows * floatsPerRow` values); empty for UInt8 boxes and dicts.
    public let floats: UnsafeMutableBufferPointer<Float>
    /// UInt8 storage (`rows * bytesPerRow` values); empty unless the space is a UInt8 box.
    public let bytes: UnsafeMutableBufferPointer<UInt8>
    /// Named sub-buffers for Dict and Tuple spaces.
    public let entries: [(key: String, buffer: ObservationBuffer)]

    /// Keeps the memory of a view's parent alive.
    private let parent: ObservationBuffer?
    /// Whether this buffer allocated its storage (false for views and for caller-owned memory).
    private let ownsMemory: Bool

    /// Allocates a zeroed buffer for `rows` observations of `space`.
    public init(space: Space, rows: Int = 1) {
        precondition(rows >= 1, "an observation buffer needs at least one row")
        self.space = space
        self.rows = rows
        self.parent = nil
        ownsMemory = true
        switch space {
        case .dict(let dict):
            entries = dict.spaces.map { ($0.key, ObservationBuffer(space: $0.space, rows: rows)) }
            floats = UnsafeMutableBufferPointer(start: nil, count: 0)
            bytes = UnsafeMutableBufferPointer(start: nil, count: 0)
        case .tuple(let tuple):
            entries = tuple.spaces.enumerated().map { ("\($0.offset)", ObservationBuffer(space: $0.element, rows: rows)) }
            floats = UnsafeMutableBufferPointer(start: nil, count: 0)
            bytes = UnsafeMutableBufferPointer(start: nil, count: 0)
        case .box(let box) where box.dtype == .uint8:
            entries = []
            floats = UnsafeMutableBufferPointer(start: nil, count: 0)
            bytes = .allocate(capacity: rows * box.count)
            bytes.initialize(repeating: 0)
        default:
            entries = []
            floats = .allocate(capacity: rows * space.flatCount)
            floats.initialize(repeating: 0)
            bytes = UnsafeMutableBufferPointer(start: nil, count: 0)
        }
    }

    /// A buffer over memory the caller owns and keeps alive (for example a NumPy array): `rows` rows
    /// of a space without entries (Float32 or UInt8 Box, Discrete, MultiDiscrete, MultiBinary), at
    /// `floats` (Float32 layouts) or `bytes` (UInt8 boxes). Environments then write straight into it.
    public init(
        space: Space, rows: Int, wrappingFloats floatMemory: UnsafeMutablePointer<Float>?,
        bytes byteMemory: UnsafeMutablePointer<UInt8>?
    ) throws {
        guard rows >= 1 else { throw GymError.invalidArgument("an observation buffer needs at least one row, got \(rows)") }
        self.space = space
        self.rows = rows
        parent = nil
        ownsMemory = false
        entries = []
        switch space {
        case .dict, .tuple:
            throw GymError.invalidArgument("caller-owned observation memory needs a space without entries, got \(space)")
        case .box(let box) where box.dtype == .uint8:
            guard let byteMemory else { throw GymError.invalidArgument("a UInt8 box needs byte memory") }
            bytes = UnsafeMutableBufferPointer(start: byteMemory, count: rows * box.count)
            floats = UnsafeMutableBufferPointer(start: nil, count: 0)
        default:
            guard let floatMemory else { throw GymError.invalidArgument("\(space) needs Float32 memory") }
            floats = UnsafeMutableBufferPointer(start: floatMemory, count: rows * space.flatCount)
            bytes = UnsafeMutableBufferPointer(start: nil, count: 0)
        }
    }

    /// A view of row `index` of `parent`.
    private init(viewOf parent: ObservationBuffer, row index: Int) {
        space = parent.space
        rows = 1
        self.parent = parent
        ownsMemory = false
        let floatCount = parent.floats.count / parent.rows
        let byteCount = parent.bytes.count / parent.rows
        floats =
            floatCount == 0
            ? UnsafeMutableBufferPointer(start: nil, count: 0)
            : UnsafeMutableBufferPointer(rebasing: parent.floats[index * floatCount..<(index + 1) * floatCount])
        bytes =
            byteCount == 0
            ? UnsafeMutableBufferPointer(start: nil, count: 0)
            : UnsafeMutableBufferPointer(rebasing: parent.bytes[index * byteCount..<(index + 1) * byteCount])
        entries = parent.entries.map { ($0.key, $0.buffer.row(index)) }
    }

    deinit {
        if ownsMemory {
            floats.deallocate()
            bytes.deallocate()
        }
    }

    /// A buffer viewing row `index` (writes go straight into this buffer's memory).
    public func row(_ index: Int) -> ObservationBuffer {
        precondition(index >= 0 && index < rows, "row \(index) is outside 0..<\(rows)")
        return ObservationBuffer(viewOf: self, row: index)
    }

    /// Float32 values per row.
    public var floatsPerRow: Int { floats.count / rows }
    /// UInt8 values per row.
    public var bytesPerRow: Int { bytes.count / rows }

    /// The sub-buffer under `key` (Dict spaces; "0", "1", ... for Tuple spaces).
    public subscript(key: String) -> ObservationBuffer {
        guard let entry = entries.first(where: { $0.key == key }) else {
            preconditionFailure("no observation entry '\(key)'; entries: \(entries.map(\.key))")
        }
        return entry.buffer
    }

    /// Copies every row of `source`, which must have the same space and row count.
    public func copy(from source: ObservationBuffer) {
        precondition(
            source.floats.count == floats.count && source.bytes.count == bytes.count
                && source.entries.count == entries.count, "copying between observation buffers of different layouts")
        if floats.count > 0 { floats.baseAddress!.update(from: source.floats.baseAddress!, count: floats.count) }
        if bytes.count > 0 { bytes.baseAddress!.update(from: source.bytes.baseAddress!, count: bytes.count) }
        for (entry, sourceEntry) in zip(entries, source.entries) { entry.buffer.copy(from: sourceEntry.buffer) }
    }

    /// Copies `source` (one row) into row `index` of this buffer.
    public func copyRow(_ index: Int, from source: ObservationBuffer) {
        row(index).copy(from: source)
    }

    /// Row `index` as a space element (a copy).
    public func value(row index: Int = 0) -> SpaceValue {
        let floatCount = floatsPerRow, byteCount = bytesPerRow
        switch space {
        case .dict:
            var values: [String: SpaceValue] = [:]
            for (key, buffer) in entries { values[key] = buffer.value(row: index) }
            return .dict(values)
        case .tuple:
            return .tuple(entries.map { $0.buffer.value(row: index) })
        case .box(let box) where box.dtype == .uint8:
            return .uint8(Array(bytes[index * byteCount..<(index + 1) * byteCount]))
        case .box:
            return .float32(Array(floats[index * floatCount..<(index + 1) * floatCount]))
        case .discrete:
            return .int(Int(floats[index]))
        case .multiDiscrete, .multiBinary:
            return .ints(floats[index * floatCount..<(index + 1) * floatCount].map { Int($0) })
        }
    }

    /// Writes a space element into row `index`; throws when it does not fit the layout.
    public func write(_ value: SpaceValue, row index: Int = 0) throws {
        let floatCount = floatsPerRow, byteCount = bytesPerRow
        switch (space, value) {
        case (.dict, .dict(let values)):
            for (key, buffer) in entries {
                guard let entry = values[key] else {
                    throw GymError.invalidObservation("observation is missing the key '\(key)' of \(space)")
                }
                try buffer.write(entry, row: index)
            }
        case (.tuple, .tuple(let values)) where values.count == entries.count:
            for (entry, element) in zip(entries, values) { try entry.buffer.write(element, row: index) }
        case (.box, .uint8(let values)) where values.count == byteCount:
            for offset in 0..<byteCount { bytes[index * byteCount + offset] = values[offset] }
        case (.box, .float32(let values)) where values.count == floatCount:
            for offset in 0..<floatCount { floats[index * floatCount + offset] = values[offset] }
        case (.discrete, .int(let x)):
            floats[index] = Float(x)
        case (.multiDiscrete, .ints(let xs)) where xs.count == floatCount, (.multiBinary, .ints(let xs)) where xs.count == floatCount:
            for offset in 0..<floatCount { floats[index * floatCount + offset] = Float(xs[offset]) }
        default:
            throw GymError.invalidObservation("the value \(value) does not fit an observation of \(space)")
        }
    }

    /// Whether row `index` lies in the space (the environment checker's test).
    public func isInSpace(row index: Int = 0) -> Bool {
        space.contains(value(row: index))
    }
}
