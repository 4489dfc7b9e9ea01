@testable import Gym

/// A corridor of `length` cells: action 1 moves right, 0 left; reaching the end terminates with reward 1.
final class Corridor: Environment {
    let length: Int
    let observationSpace: Space
    let actionSpace = Space.discrete(Discrete(2))
    var position = 0
    var generator = RandomGenerator()
    var resets = 0

    init(length: Int = 5) {
        self.length = length
        observationSpace = .box(Box(low: 0, high: Float(length), shape: [1]))
    }

    func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        if let seed { generator = try RandomGenerator(validatingSeed: seed) }
        position = generator.integer(below: min(2, length))
        resets += 1
        observation.floats[0] = Float(position)
        return ["start": .int(position)]
    }

    func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        try actionSpace.validate(action: action)
        guard case .discrete(let move) = action else { fatalError() }
        position = max(0, position + (move == 1 ? 1 : -1))
        observation.floats[0] = Float(position)
        return StepResult(reward: position >= length ? 1 : 0, terminated: position >= length)
    }
}

/// An environment with a 2-value continuous action whose observation echoes the last action.
final class Echo: Environment {
    let observationSpace = Space.box(Box(low: -10, high: 10, shape: [2]))
    let actionSpace = Space.box(Box(low: [-1, 0], high: [1, 4]))
    func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        observation.floats[0] = 0; observation.floats[1] = 0
        return [:]
    }
    func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        try actionSpace.validate(action: action)
        guard case .continuous(let values) = action else { fatalError() }
        observation.floats[0] = values[0]; observation.floats[1] = values[1]
        return StepResult(reward: Double(values[0] + values[1]))
    }
}

/// A small image environment: each observation is a 1x2x2 UInt8 frame filled with the step count.
final class Frames: Environment {
    let observationSpace = Space.box(Box(low: 0, high: 255, shape: [1, 2, 2], dtype: .uint8))
    let actionSpace = Space.discrete(Discrete(1))
    var count: UInt8 = 0
    func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        count = 0
        for index in 0..<4 { observation.bytes[index] = count }
        return [:]
    }
    func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        count += 1
        for index in 0..<4 { observation.bytes[index] = count }
        return StepResult(reward: 1)
    }
}

/// An environment that ignores its seed: the checker must catch it.
final class Unseeded: Environment {
    let observationSpace = Space.box(Box(low: 0, high: 1, shape: [1]))
    let actionSpace = Space.discrete(Discrete(2))
    var generator = RandomGenerator()
    func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        observation.floats[0] = Float(generator.uniform())
        return [:]
    }
    func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        try actionSpace.validate(action: action)
        observation.floats[0] = Float(generator.uniform())
        return StepResult(reward: 0)
    }
}
