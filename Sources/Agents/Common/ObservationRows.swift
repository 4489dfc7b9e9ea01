import Gym
import NN
import Tensors

/// Row storage for observations of one Box or Discrete space: Float32 rows, or UInt8 rows (kept as
/// bytes). UInt8 pixel images ([C, H, W] with H, W >= 36) become [0, 1] floats when a batch is made;
/// other UInt8 observations (symbolic grids such as Minigrid's 7x7x3) keep their integer values.
///
/// Replay buffers and rollouts hold observations here; `tensor(rows:)` gathers a batch for the network.
public final class ObservationRows {
    /// The shape of one observation (e.g. [4] or [9, 84, 84]).
    public let rowShape: [Int]
    /// The number of values per row.
    public let rowLength: Int
    /// Whether rows are UInt8 image bytes.
    public let isImage: Bool
    /// Row capacity.
    public let capacity: Int
    /// The space the rows belong to.
    public let space: Space
    /// The factor from stored values to network input (1/255 for pixel images, else 1).
    public let inputScale: Float
    private var floats: [Float]
    private var bytes: [UInt8]

    /// Storage for `capacity` rows of observations from `space`; throws for spaces the learning core
    /// does not take as flat input (Dict and Tuple observations need a goal-aware agent).
    public init(space: Space, capacity: Int) throws {
        switch space {
        case .box(let box):
            rowShape = box.shape
            isImage = box.dtype == .uint8
        case .discrete, .multiDiscrete, .multiBinary:
            rowShape = [space.flatCount]
            isImage = false
        default:
            throw AgentError.unsupported(
                "observations of space \(space) cannot feed a flat network: use a Box (vector or image) or Discrete observation space, or a goal-conditioned agent for Dict observations"
            )
        }
        rowLength = rowShape.reduce(1, *)
        self.capacity = capacity
        self.space = space
        inputScale = isImage && Self.isPixelImage(shape: rowShape) ? 1 / 255 : 1
        floats = isImage ? [] : Array(repeating: 0, count: capacity * rowLength)
        bytes = isImage ? Array(repeating: 0, count: capacity * rowLength) : []
    }

    /// Copies row `sourceRow` of `buffer` into row `row`.
    public func store(_ buffer: ObservationBuffer, sourceRow: Int, at row: Int) {
        let length = rowLength
        if isImage {
            bytes.withUnsafeMutableBufferPointer { target in
                (target.baseAddress! + row * length).update(from: buffer.bytes.baseAddress! + sourceRow * length, count: length)
            }
        } else {
            floats.withUnsafeMutableBufferPointer { target in
                (target.baseAddress! + row * length).update(from: buffer.floats.baseAddress! + sourceRow * length, count: length)
            }
        }
    }

    /// Copies row `sourceRow` of `source` into row `row`.
    public func copyRow(from source: ObservationRows, sourceRow: Int, to row: Int) {
        let length = rowLength
        if isImage {
            source.bytes.withUnsafeBufferPointer { from in
                bytes.withUnsafeMutableBufferPointer {
                    (($0.baseAddress! + row * length)).update(from: from.baseAddress! + sourceRow * length, count: length)
                }
            }
        } else {
            source.floats.withUnsafeBufferPointer { from in
                floats.withUnsafeMutableBufferPointer {
                    (($0.baseAddress! + row * length)).update(from: from.baseAddress! + sourceRow * length, count: length)
                }
            }
        }
    }

    /// The given rows as a network input [rows.count] + rowShape (images scaled to [0, 1]).
    public func tensor(rows: [Int]) -> Tensor {
        let length = rowLength
        let result = Tensor.zeros([rows.count] + rowShape)
        let target = result.pointer
        if isImage {
            bytes.withUnsafeBufferPointer { source in
                for (index, row) in rows.enumerated() {
                    let from = source.baseAddress! + row * length, to = target + index * length
                    for element in 0..<length { to[element] = Float(from[element]) * inputScale }
                }
            }
        } else {
            floats.withUnsafeBufferPointer { source in
                for (index, row) in rows.enumerated() {
                    (target + index * length).update(from: source.baseAddress! + row * length, count: length)
                }
            }
        }
        return result
    }

    /// Throws unless `transitions` observations of `space` (image bytes at 1 byte a value, others at 4)
    /// fit in memory, naming replay_size.
    public static func requireReplayMemory(space: Space, transitions: Double, copies: Int = 1) throws {
        var bytesPerValue = 4.0
        if case .box(let box) = space, box.dtype == .uint8 { bytesPerValue = 1 }
        let bytes = transitions * Double(copies) * Double(space.flatCount) * bytesPerValue
        try MemoryBudget.require(
            bytes: bytes,
            for: "replay_size = \(Int(transitions)) transitions of \(space) observations"
                + (copies > 1 ? " in each of \(copies) workers" : ""),
            fix: "lower replay_size")
    }

    /// Whether observations of `shape` are pixel images for a convolutional trunk: [C, H, W] with H, W >= 36.
    public static func isPixelImage(shape: [Int]) -> Bool { shape.count == 3 && shape[1] >= 36 && shape[2] >= 36 }

    /// A network input for every row of `buffer` (a vector environment's current observations).
    public static func tensor(from buffer: ObservationBuffer, rowShape: [Int]) -> Tensor {
        let result = Tensor.zeros([buffer.rows] + rowShape)
        if buffer.bytes.count > 0 {
            let scale: Float = isPixelImage(shape: rowShape) ? 1 / 255 : 1
            for index in 0..<buffer.bytes.count { result.pointer[index] = Float(buffer.bytes[index]) * scale }
        } else {
            result.pointer.update(from: buffer.floats.baseAddress!, count: min(buffer.floats.count, result.count))
        }
        return result
    }

    /// The raw values of one row as Float32 (image bytes as 0...255).
    public func rawValues(row: Int) -> [Float] {
        let range = (row * rowLength)..<((row + 1) * rowLength)
        return isImage ? bytes[range].map(Float.init) : Array(floats[range])
    }

    /// Appends row `row` to `bytes` (image rows) or to `floats` (others), as stored.
    public func appendRow(_ row: Int, toBytes bytes: inout [UInt8], orFloats floats: inout [Float]) {
        let range = (row * rowLength)..<((row + 1) * rowLength)
        if isImage { bytes.append(contentsOf: self.bytes[range]) } else { floats.append(contentsOf: self.floats[range]) }
    }

    /// All stored values as Float32 (image bytes as 0...255).
    public func allValues() -> [Float] { isImage ? bytes.map(Float.init) : floats }

    /// Restores values given by `allValues`; throws (changing nothing) unless there is one per stored
    /// value and image values are whole numbers in 0...255.
    public func load(_ values: [Float]) throws {
        guard values.count == capacity * rowLength else {
            throw AgentError.invalidState("observation storage expects \(capacity * rowLength) values, got \(values.count)")
        }
        if isImage {
            bytes = try Self.pixelBytes(values)
        } else {
            floats = values
        }
    }

    /// Pixel values saved as Float32 (by earlier versions of the replay files) as bytes; throws at the
    /// first value that is not a whole number in 0...255 (a corrupt or crafted file).
    public static func pixelBytes(_ values: [Float]) throws -> [UInt8] {
        try values.map { value in
            guard let byte = UInt8(exactly: value) else {
                throw AgentError.invalidState(
                    "the replay file holds the pixel value \(value), not a whole number in 0...255 (corrupt or crafted)")
            }
            return byte
        }
    }

    /// Appends every stored value of image rows to `output` as bytes (nothing for Float32 rows).
    public func appendImageBytes(to output: inout [UInt8]) {
        if isImage { output.append(contentsOf: bytes) }
    }

    /// Restores image rows from bytes given by `appendImageBytes`; throws unless these are image rows
    /// and there is one byte per stored value.
    public func loadImageBytes(_ values: ArraySlice<UInt8>) throws {
        guard isImage, values.count == capacity * rowLength else {
            throw AgentError.invalidState(
                "the replay file holds \(values.count) pixel bytes where this run stores \(isImage ? capacity * rowLength : 0)")
        }
        bytes = Array(values)
    }

    /// Saves the first `rows` rows under `name`: image rows as bytes (U8), others as Float32, so a
    /// replay file holds what was stored, at the size it is held in memory.
    public func save(rows: Int, as name: String, into checkpoint: inout Checkpoint) {
        let count = min(rows, capacity) * rowLength
        if isImage {
            checkpoint.byteArrays[name] = count == bytes.count ? bytes : Array(bytes[0..<count])
        } else {
            checkpoint.tensors[name] = Tensor(count == floats.count ? floats : Array(floats[0..<count]))
        }
    }

    /// Restores the first `rows` rows saved by `save` under `name`, or every row saved as Float32 by
    /// earlier versions; throws naming the problem when the saved values do not fit.
    public func restore(rows: Int, from checkpoint: Checkpoint, name: String) throws {
        let count = min(rows, capacity) * rowLength
        if let saved = checkpoint.byteArrays[name], isImage, saved.count == count {
            bytes.replaceSubrange(0..<count, with: saved)
        } else if let saved = checkpoint.tensors[name], saved.count == count, !isImage {
            floats.replaceSubrange(0..<count, with: saved.scalars)
        } else if let saved = checkpoint.tensors[name], saved.count == capacity * rowLength {
            try load(saved.scalars)
        } else {
            throw AgentError.invalidState(
                "the replay file's '\(name)' does not hold \(rows) observations of \(rowShape) (observation space or replay size changed?)")
        }
    }

    /// 1 / the largest bound of each coordinate of a finite Float32 Box (nil for other spaces), so that
    /// networks see values in [-1, 1] (goal-conditioned ACER's positions and goal positions alike).
    public static func coordinateScale(of space: Space) -> [Float]? {
        guard case .box(let box) = space, box.dtype == .float32, box.low.allSatisfy({ $0.isFinite }), box.high.allSatisfy({ $0.isFinite })
        else {
            return nil
        }
        return zip(box.low, box.high).map { 1 / max(Swift.abs($0), Swift.abs($1), 1e-6) }
    }

    /// `observations` with each coordinate multiplied by `scale` (repeating over rows); unchanged without one.
    public static func scaled(_ observations: Tensor, by scale: [Float]?) -> Tensor {
        guard let scale, observations.count % max(scale.count, 1) == 0 else { return observations }
        let result = observations.copy()
        for index in 0..<result.count { result.pointer[index] *= scale[index % scale.count] }
        return result
    }
}
