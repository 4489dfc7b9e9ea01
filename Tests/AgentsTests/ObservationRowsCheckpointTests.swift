import Gym
import NN
import Testing
import Tensors
@testable import Agents

/// Observation storage in replay files: image rows as bytes and only the rows stored so far; values
/// saved as Float32 by earlier versions still load, and pixel values that are not bytes are refused.
@Suite struct ObservationRowsCheckpointTests {
    let space = Space.box(Box(low: 0, high: 255, shape: [3, 36, 36], dtype: .uint8))

    func filledRows(_ rows: Int) throws -> ObservationRows {
        let storage = try ObservationRows(space: space, capacity: 10)
        let buffer = ObservationBuffer(space: space)
        for row in 0..<rows {
            for index in 0..<buffer.bytes.count { buffer.bytes[index] = UInt8(truncatingIfNeeded: row * 31 + index) }
            storage.store(buffer, sourceRow: 0, at: row)
        }
        return storage
    }

    @Test func imageRowsAreSavedAsBytesAndOnlyThoseStored() throws {
        let storage = try filledRows(3)
        var checkpoint = Checkpoint()
        storage.save(rows: 3, as: "observations", into: &checkpoint)
        #expect(checkpoint.byteArrays["observations"]?.count == 3 * storage.rowLength && checkpoint.tensors.isEmpty)
        let restored = try ObservationRows(space: space, capacity: 10)
        try restored.restore(rows: 3, from: checkpoint, name: "observations")
        #expect(restored.tensor(rows: [0, 1, 2]).scalars == storage.tensor(rows: [0, 1, 2]).scalars)
        // A different row count is a replay of another run.
        #expect(throws: AgentError.self) { try restored.restore(rows: 4, from: checkpoint, name: "observations") }
    }

    @Test func olderFloatFilesLoadAndNonBytePixelsAreRefused() throws {
        let storage = try filledRows(2)
        var legacy = Checkpoint(tensors: ["observations": Tensor(storage.allValues())])
        let restored = try ObservationRows(space: space, capacity: 10)
        try restored.restore(rows: 2, from: legacy, name: "observations")
        #expect(restored.tensor(rows: [0, 1]).scalars == storage.tensor(rows: [0, 1]).scalars)
        for bad: Float in [.nan, 256, -1, 0.5] {
            var values = storage.allValues()
            values[5] = bad
            legacy.tensors["observations"] = Tensor(values)
            let error = #expect(throws: AgentError.self) { try restored.restore(rows: 2, from: legacy, name: "observations") }
            #expect("\(error.map { "\($0)" } ?? "")".contains("0...255"))
        }
    }
}
