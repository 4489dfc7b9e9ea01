/// The checks `EnvironmentChecker.check` runs, in order: each returns what it verified or throws a
/// `CheckFailure` naming what is wrong.
extension EnvironmentChecker {
    /// Both spaces are well formed and the actions are Discrete or a Float32 Box.
    static func spaces(_ makeEnvironment: (RenderMode?) throws -> any Environment, steps: Int) throws -> String {
        let environment = try makeEnvironment(nil)
        try environment.observationSpace.validate()
        try environment.actionSpace.validate()
        try require(
            environment.actionSpace.supportsActions,
            "the action space \(environment.actionSpace) is neither Discrete nor a Float32 Box")
        return "observation \(environment.observationSpace), action \(environment.actionSpace)"

    }

    /// reset writes an observation inside the space (and nothing past it), with and without a seed.
    static func reset(_ makeEnvironment: (RenderMode?) throws -> any Environment, steps: Int) throws -> String {
        let environment = try makeEnvironment(nil)
        let guarded = GuardedBuffer(space: environment.observationSpace)
        _ = try environment.reset(seed: 0, options: [:], into: guarded.buffer)
        try guarded.requireUntouchedGuard("reset")
        let buffer = guarded.buffer
        try require(buffer.isInSpace(), "reset observation \(buffer.value()) is not in \(environment.observationSpace)")
        _ = try environment.reset(seed: nil, options: [:], into: buffer)
        try require(buffer.isInSpace(), "reset without a seed gave \(buffer.value()), not in \(environment.observationSpace)")
        return "observations inside the observation space, with and without a seed, empty options accepted"

    }

    /// The same seed gives the same start, different seeds differ, a negative seed is rejected.
    static func seedDeterminism(_ makeEnvironment: (RenderMode?) throws -> any Environment, steps: Int) throws -> String {
        let environment = try makeEnvironment(nil)
        let first = try resetValue(environment, seed: 123)
        let second = try resetValue(environment, seed: 123)
        try require(first == second, "reset(seed: 123) twice gave different observations: \(first) and \(second)")
        let fresh = try resetValue(try makeEnvironment(nil), seed: 123)
        try require(first == fresh, "reset(seed: 123) on a new instance gave \(fresh), not \(first)")
        if environment.metadata.resetIsRandom {
            let other = try resetValue(environment, seed: 456)
            try require(other != first, "reset(seed: 456) gave the same observation as seed 123: seeds must change the start state")
        }
        do {
            _ = try resetValue(environment, seed: -1)
            throw CheckFailure("reset(seed: -1) was accepted: negative seeds must be rejected")
        } catch is GymError {}
        return "same seed gives the same observation; different seeds differ; a negative seed is rejected"

    }

    /// Random steps give observations inside the space and finite rewards.
    static func step(_ makeEnvironment: (RenderMode?) throws -> any Environment, steps: Int) throws -> String {
        let environment = try makeEnvironment(nil)
        var generator = RandomGenerator(seed: 7)
        let guarded = GuardedBuffer(space: environment.observationSpace)
        let buffer = guarded.buffer
        _ = try environment.reset(seed: 1, options: [:], into: buffer)
        var episodes = 0
        for _ in 0..<steps {
            let action = environment.actionSpace.sampleAction(using: &generator)
            let result = try environment.step(action, into: buffer)
            try guarded.requireUntouchedGuard("step")
            try require(buffer.isInSpace(), "step observation \(buffer.value()) is not in \(environment.observationSpace)")
            try require(result.reward.isFinite, "step reward \(result.reward) is not a finite number")
            if result.terminated || result.truncated {
                episodes += 1
                _ = try environment.reset(seed: nil, options: [:], into: buffer)
            }
        }
        return "\(steps) random steps (\(episodes) episodes ended) with observations in the space and finite rewards"

    }

    /// The same seed and actions give the same trajectory, also after earlier episodes.
    static func stepDeterminism(_ makeEnvironment: (RenderMode?) throws -> any Environment, steps: Int) throws -> String {
        let first = try trajectory(try makeEnvironment(nil), seed: 42, steps: steps)
        let second = try trajectory(try makeEnvironment(nil), seed: 42, steps: steps)
        try require(first == second, "two instances with seed 42 and the same actions diverged")
        let reused = try makeEnvironment(nil)
        _ = try trajectory(reused, seed: 9, steps: steps / 2)
        let again = try trajectory(reused, seed: 42, steps: steps)
        try require(first == again, "reset(seed: 42) after other episodes did not reproduce the trajectory: state leaks across resets")
        return "same seed and actions give the same \(steps)-step trajectory, also after earlier episodes"

    }

    /// The unwrapped environment does not truncate after one step (time limits belong to TimeLimit).
    static func truncation(_ makeEnvironment: (RenderMode?) throws -> any Environment, steps: Int) throws -> String {
        let environment = try makeEnvironment(nil).unwrapped
        let buffer = ObservationBuffer(space: environment.observationSpace)
        _ = try environment.reset(seed: 0, options: [:], into: buffer)
        var generator = RandomGenerator(seed: 0)
        let result = try environment.step(environment.actionSpace.sampleAction(using: &generator), into: buffer)
        try require(!result.truncated, "the unwrapped environment truncated after one step")
        return "not truncated after one step"

    }

    /// Declared render modes work: rgb_array gives a height x width x 3 frame.
    static func render(_ makeEnvironment: (RenderMode?) throws -> any Environment, steps: Int) throws -> String {
        let environment = try makeEnvironment(nil)
        let modes = environment.metadata.renderModes
        if modes.isEmpty { return "declares no render modes" }
        try require(environment.metadata.renderFPS > 0, "render_fps is \(environment.metadata.renderFPS); it must be > 0")
        if modes.contains(.rgbArray) {
            let rendering = try makeEnvironment(.rgbArray)
            let buffer = ObservationBuffer(space: rendering.observationSpace)
            _ = try rendering.reset(seed: 0, options: [:], into: buffer)
            guard let frame = try rendering.render() else {
                throw CheckFailure("render() in rgb_array mode returned nil; it must return a frame")
            }
            try require(frame.pixels.count == frame.width * frame.height * 3, "the frame is not height x width x 3 bytes")
            rendering.close()
        }
        return "modes " + modes.map(\.rawValue).joined(separator: ", ") + " at \(environment.metadata.renderFPS) fps"

    }

    /// Actions outside the space are rejected with an invalid-action error.
    static func invalidActions(_ makeEnvironment: (RenderMode?) throws -> any Environment, steps: Int) throws -> String {
        let environment = try makeEnvironment(nil)
        let buffer = ObservationBuffer(space: environment.observationSpace)
        _ = try environment.reset(seed: 0, options: [:], into: buffer)
        let invalid: [Action]
        switch environment.actionSpace {
        case .discrete(let space): invalid = [.discrete(space.start + space.n), .discrete(space.start - 1), .continuous([0])]
        case .box(let box):
            invalid = [
                .continuous(Array(repeating: .nan, count: box.count)),
                .continuous(Array(repeating: 0, count: box.count + 1)), .discrete(0),
            ]
        default: invalid = []
        }
        for action in invalid {
            do {
                _ = try environment.step(action, into: buffer)
                throw CheckFailure("step(\(action)) was accepted by \(environment.actionSpace); it must throw")
            } catch let error as GymError {
                guard case .invalidAction = error else {
                    throw CheckFailure("step(\(action)) threw \(error), not an invalid-action error")
                }
            }
        }
        return "rejects " + invalid.map(\.description).joined(separator: ", ")

    }

    /// step before the first reset throws.
    static func stepBeforeReset(_ makeEnvironment: (RenderMode?) throws -> any Environment, steps: Int) throws -> String {
        let environment = try makeEnvironment(nil)
        let buffer = ObservationBuffer(space: environment.observationSpace)
        var generator = RandomGenerator(seed: 0)
        do {
            _ = try environment.step(environment.actionSpace.sampleAction(using: &generator), into: buffer)
            throw CheckFailure("step before reset was accepted; it must throw")
        } catch is GymError {}
        return "step before reset throws"

    }

    /// close twice is harmless.
    static func close(_ makeEnvironment: (RenderMode?) throws -> any Environment, steps: Int) throws -> String {
        let environment = try makeEnvironment(nil)
        let buffer = ObservationBuffer(space: environment.observationSpace)
        _ = try environment.reset(seed: 0, options: [:], into: buffer)
        environment.close()
        environment.close()
        return "close() twice is harmless"

    }
}
