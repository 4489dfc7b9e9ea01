import Testing
@testable import Gym

@Suite("Vector environments")
struct VectorEnvironmentTests {
    func corridors(_ count: Int, length: Int = 2) -> [any Environment] {
        (0..<count).map { _ in OrderEnforcing(Corridor(length: length)) }
    }

    @Test("an integer seed s gives sub-environment i the seed s + i")
    func seeding() throws {
        let vector = try VectorEnvironment(environments: corridors(4))
        try vector.reset(seed: 10)
        for index in 0..<4 {
            let single = Corridor()
            let start = try single.reset(seed: 10 + index).observation
            #expect(vector.observations.value(row: index) == start)
        }
    }

    @Test("next-step autoreset: the step after a done resets, ignores the action and returns reward 0")
    func nextStep() throws {
        let vector = try VectorEnvironment(environments: corridors(2, length: 1), autoresetMode: .nextStep)
        try vector.reset(seed: 0)
        var done = false
        for _ in 0..<3 where !done {
            try vector.step(discreteActions: [1, 1])
            done = vector.terminations[0]
        }
        #expect(done && vector.rewards[0] == 1)
        try vector.step(discreteActions: [1, 1])
        #expect(vector.rewards[0] == 0 && !vector.terminations[0] && !vector.truncations[0])
        #expect(vector.infos[0]["start"] != nil)  // the reset info
        #expect(vector.observations.value(row: 0).floats[0] <= 1)
    }

    @Test("same-step autoreset returns the reset observation and keeps the final one")
    func sameStep() throws {
        let vector = try VectorEnvironment(environments: corridors(1, length: 2), autoresetMode: .sameStep)
        try vector.reset(seed: 0)
        var steps = 0
        repeat { try vector.step(discreteActions: [1]); steps += 1 } while !vector.terminations[0] && steps < 5
        #expect(vector.terminations[0] && vector.rewards[0] == 1)
        #expect(vector.hasFinalObservation[0])
        #expect(vector.finalObservations.value(row: 0) == .float32([2]))
        #expect(vector.infos[0]["final_obs"] == .value(.float32([2])))
        #expect(vector.infos[0]["final_info"] != nil)
        #expect(vector.observations.value(row: 0).floats[0] <= 1)
        try vector.step(discreteActions: [0])
        #expect(!vector.hasFinalObservation[0])
    }

    @Test("disabled autoreset leaves ended sub-environments for the caller to reset")
    func disabled() throws {
        let vector = try VectorEnvironment(environments: corridors(1, length: 1), autoresetMode: .disabled)
        try vector.reset(seed: 0)
        var steps = 0
        repeat { try vector.step(discreteActions: [1]); steps += 1 } while !vector.terminations[0] && steps < 5
        #expect(throws: GymError.self) { try vector.step(discreteActions: [1]) }
        try vector.reset(at: 0)
        try vector.step(discreteActions: [0])
    }

    @Test("threaded stepping gives the same results as synchronous stepping")
    func threadedMatchesSynchronous() throws {
        func run(_ execution: VectorExecution) throws -> [[Float]] {
            let vector = try VectorEnvironment(environments: corridors(7, length: 4), execution: execution)
            try vector.reset(seed: 3)
            var generator = RandomGenerator(seed: 1)
            var history: [[Float]] = []
            for _ in 0..<100 {
                try vector.step(discreteActions: (0..<7).map { _ in generator.integer(below: 2) })
                history.append(Array(vector.observations.floats) + vector.rewards.map(Float.init))
            }
            return history
        }
        #expect(try run(.synchronous) == run(.threaded(threads: 2)))
        #expect(try run(.synchronous) == run(.threaded(threads: 3)))
    }

    @Test("continuous actions are given flat, one row per sub-environment")
    func continuousActions() throws {
        let vector = try VectorEnvironment(environments: [Echo(), Echo()])
        try vector.reset()
        try vector.step(continuousActions: [0.5, 1, -0.5, 2])
        #expect(Array(vector.observations.floats) == [0.5, 1, -0.5, 2])
        #expect(Array(vector.rewards) == [1.5, 1.5])
        #expect(throws: GymError.self) { try vector.step(continuousActions: [0.5]) }
        #expect(throws: GymError.self) { try vector.step(continuousActions: [5, 1, 0, 0]) }
    }

    @Test("bad construction and use are errors")
    func errors() throws {
        #expect(throws: GymError.self) { try VectorEnvironment(environments: []) }
        #expect(throws: GymError.self) { try VectorEnvironment(environments: [Corridor(), Echo()]) }
        let vector = try VectorEnvironment(environments: corridors(2))
        try vector.reset()
        #expect(throws: GymError.self) { try vector.step(discreteActions: [1]) }
        #expect(throws: GymError.self) { try vector.step(discreteActions: [1, 2]) }
        vector.close()
        vector.close()
        #expect(throws: GymError.self) { try vector.step(discreteActions: [1, 1]) }
    }
}
