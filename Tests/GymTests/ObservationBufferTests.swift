import Testing
@testable import Gym

@Suite("Observation buffers")
struct ObservationBufferTests {
    @Test("row views write into the batch")
    func rowViews() throws {
        let buffer = ObservationBuffer(space: .box(Box(low: -1, high: 1, shape: [3])), rows: 4)
        #expect(buffer.floats.count == 12)
        let row = buffer.row(2)
        row.floats[0] = 0.5
        row.floats[2] = -0.5
        #expect(buffer.floats[6] == 0.5 && buffer.floats[8] == -0.5)
        #expect(buffer.value(row: 2) == .float32([0.5, 0, -0.5]))
    }

    @Test("dict, uint8 and discrete layouts round-trip through write and value")
    func roundTrip() throws {
        let space = Space.dict(
            DictSpace([
                "observation": .box(Box(low: 0, high: 255, shape: [2, 2], dtype: .uint8)),
                "desired_goal": .discrete(Discrete(10)),
                "achieved_goal": .multiDiscrete(MultiDiscrete([4, 4])),
            ]))
        let buffer = ObservationBuffer(space: space, rows: 2)
        let value = SpaceValue.dict(["observation": .uint8([1, 2, 3, 250]), "desired_goal": .int(7), "achieved_goal": .ints([3, 1])])
        try buffer.write(value, row: 1)
        #expect(buffer.value(row: 1) == value)
        #expect(buffer.row(1).value() == value)
        #expect(buffer["observation"].bytes[4..<8].elementsEqual([1, 2, 3, 250]))
        #expect(buffer.isInSpace(row: 1))
        #expect(throws: GymError.self) { try buffer.write(.dict(["observation": .uint8([1])]), row: 0) }
    }
}
