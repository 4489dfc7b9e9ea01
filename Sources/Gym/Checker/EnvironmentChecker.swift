/// The outcome of one check of the environment checker.
public struct CheckResult: Sendable, Equatable {
    /// A short name, e.g. "seed determinism".
    public let name: String
    /// Whether the check passed.
    public let passed: Bool
    /// What was found (the failure, or what was verified).
    public let message: String
}

/// Checks that an environment follows the API (Gymnasium's `check_env`, made stricter about bad
/// input): spaces well formed, reset and step results inside the spaces, seeding and step
/// determinism, truncation, render modes, rejection of invalid actions, and a harmless double close.
public enum EnvironmentChecker {
    /// Runs every check on environments built by `makeEnvironment` (called several times, with
    /// the render mode to build with) and returns one result per check.
    public static func check(
        steps: Int = 100,
        makeEnvironment: (RenderMode?) throws -> any Environment
    ) -> [CheckResult] {
        var results: [CheckResult] = []
        func run(_ name: String, _ body: () throws -> String) {
            do {
                results.append(CheckResult(name: name, passed: true, message: try body()))
            } catch let failure as CheckFailure {
                results.append(CheckResult(name: name, passed: false, message: failure.message))
            } catch {
                results.append(CheckResult(name: name, passed: false, message: "threw: \(error)"))
            }
        }

        run("spaces") {
            let environment = try makeEnvironment(nil)
            try environment.observationSpace.validate()
            try environment.actionSpace.validate()
            try require(
                environment.actionSpace.supportsActions,
                "the action space \(environment.actionSpace) is neither Discrete nor a Float32 Box")
            return "observation \(environment.observationSpace), action \(environment.actionSpace)"
        }

        run("reset") {
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

        run("seed determinism") {
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

        run("step") {
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

        run("step determinism") {
            let first = try trajectory(try makeEnvironment(nil), seed: 42, steps: steps)
            let second = try trajectory(try makeEnvironment(nil), seed: 42, steps: steps)
            try require(first == second, "two instances with seed 42 and the same actions diverged")
            let reused = try makeEnvironment(nil)
            _ = try trajectory(reused, seed: 9, steps: steps / 2)
            let again = try trajectory(reused, seed: 42, steps: steps)
            try require(first == again, "reset(seed: 42) after other episodes did not reproduce the trajectory: state leaks across resets")
            return "same seed and actions give the same \(steps)-step trajectory, also after earlier episodes"
        }

        run("truncation") {
            let environment = try makeEnvironment(nil).unwrapped
            let buffer = ObservationBuffer(space: environment.observationSpace)
            _ = try environment.reset(seed: 0, options: [:], into: buffer)
            var generator = RandomGenerator(seed: 0)
            let result = try environment.step(environment.actionSpace.sampleAction(using: &generator), into: buffer)
            try require(!result.truncated, "the unwrapped environment truncated after one step")
            return "not truncated after one step"
        }

        run("render") {
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

        run("invalid actions") {
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

        run("step before reset") {
            let environment = try makeEnvironment(nil)
            let buffer = ObservationBuffer(space: environment.observationSpace)
            var generator = RandomGenerator(seed: 0)
            do {
                _ = try environment.step(environment.actionSpace.sampleAction(using: &generator), into: buffer)
                throw CheckFailure("step before reset was accepted; it must throw")
            } catch is GymError {}
            return "step before reset throws"
        }

        run("close") {
            let environment = try makeEnvironment(nil)
            let buffer = ObservationBuffer(space: environment.observationSpace)
            _ = try environment.reset(seed: 0, options: [:], into: buffer)
            environment.close()
            environment.close()
            return "close() twice is harmless"
        }
        return results
    }

    /// Runs every check on the registered environment `id` (made with its wrappers and `options`).
    public static func check(id: String, registry: Registry = .shared, options: Options = [:], steps: Int = 100) -> [CheckResult] {
        do { _ = try registry.spec(id) } catch {
            return [CheckResult(name: "registry", passed: false, message: "\(error)")]
        }
        return check(steps: steps) { mode in try registry.make(id, options: options, renderMode: mode) }
    }

    /// An observation buffer with a guard row after it, filled with a marker: an environment that writes
    /// more values than its observation space holds (a wrong observation shape) changes the guard.
    private struct GuardedBuffer {
        let storage: ObservationBuffer
        let buffer: ObservationBuffer
        static let marker = Float(bitPattern: 0x7FC0_BEEF)

        init(space: Space) {
            storage = ObservationBuffer(space: space, rows: 2)
            buffer = storage.row(0)
            Self.fill(storage.row(1))
        }

        private static func fill(_ row: ObservationBuffer) {
            row.floats.update(repeating: marker)
            row.bytes.update(repeating: 0xA5)
            for entry in row.entries { fill(entry.buffer) }
        }

        private static func isUntouched(_ row: ObservationBuffer) -> Bool {
            row.floats.allSatisfy { $0.bitPattern == marker.bitPattern } && row.bytes.allSatisfy { $0 == 0xA5 }
                && row.entries.allSatisfy { isUntouched($0.buffer) }
        }

        func requireUntouchedGuard(_ call: String) throws {
            if !Self.isUntouched(storage.row(1)) {
                throw CheckFailure(
                    "\(call) wrote past the observation space \(buffer.space) (\(buffer.space.flatCount) values): the observation has the wrong shape; make observationSpace match what is written"
                )
            }
        }
    }

    private struct CheckFailure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    private static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw CheckFailure(message()) }
    }

    private static func resetValue(_ environment: any Environment, seed: Int) throws -> SpaceValue {
        let buffer = ObservationBuffer(space: environment.observationSpace)
        _ = try environment.reset(seed: seed, options: [:], into: buffer)
        return buffer.value()
    }

    /// One seeded trajectory: observations, rewards and flags under seeded random actions.
    private struct Trajectory: Equatable {
        var observations: [SpaceValue] = []
        var rewards: [Double] = []
        var flags: [Bool] = []
    }

    private static func trajectory(_ environment: any Environment, seed: Int, steps: Int) throws -> Trajectory {
        var result = Trajectory()
        var generator = RandomGenerator(seed: UInt64(seed))
        let buffer = ObservationBuffer(space: environment.observationSpace)
        _ = try environment.reset(seed: seed, options: [:], into: buffer)
        result.observations.append(buffer.value())
        for _ in 0..<steps {
            let step = try environment.step(environment.actionSpace.sampleAction(using: &generator), into: buffer)
            result.observations.append(buffer.value())
            result.rewards.append(step.reward)
            result.flags.append(contentsOf: [step.terminated, step.truncated])
            if step.terminated || step.truncated { break }
        }
        return result
    }
}
