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

        let checks: [(name: String, body: ((RenderMode?) throws -> any Environment, Int) throws -> String)] = [
            ("spaces", spaces),
            ("reset", reset),
            ("seed determinism", seedDeterminism),
            ("step", step),
            ("step determinism", stepDeterminism),
            ("truncation", truncation),
            ("render", render),
            ("invalid actions", invalidActions),
            ("step before reset", stepBeforeReset),
            ("close", close),
        ]
        for (name, body) in checks { run(name) { try body(makeEnvironment, steps) } }
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
    struct GuardedBuffer {
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

    struct CheckFailure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw CheckFailure(message()) }
    }

    static func resetValue(_ environment: any Environment, seed: Int) throws -> SpaceValue {
        let buffer = ObservationBuffer(space: environment.observationSpace)
        _ = try environment.reset(seed: seed, options: [:], into: buffer)
        return buffer.value()
    }

    /// One seeded trajectory: observations, rewards and flags under seeded random actions.
    struct Trajectory: Equatable {
        var observations: [SpaceValue] = []
        var rewards: [Double] = []
        var flags: [Bool] = []
    }

    static func trajectory(_ environment: any Environment, seed: Int, steps: Int) throws -> Trajectory {
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
