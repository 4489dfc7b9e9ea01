import ArgumentParser
import Benchmarks
import Box2DEnvs
import Foundation
import Gym
import Render

/// `swiftrl envs bench`: raw stepping speed with random actions (release builds only make sense).
struct BenchEnvironments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure environment steps per second with random actions.",
        discussion: "Like the peer script gym_env_speed.py: 1000 pre-drawn random actions, reset at episode ends. Build with -c release.")

    @Argument(help: "The environment id (see `swiftrl envs list`).")
    var id: String?

    @Flag(help: "Benchmark every registered environment.")
    var all = false

    @Option(parsing: .unconditional, help: "Total environment steps to run (default: run for --seconds).")
    var steps: Int?

    @Option(parsing: .unconditional, help: "Seconds to run when --steps is not given.")
    var seconds = 2.0

    @Option(name: .customLong("num-envs"), parsing: .unconditional, help: "Sub-environments stepped as one vector environment.")
    var numEnvs = 1

    @Option(parsing: .unconditional, help: "Threads stepping the sub-environments (with --num-envs > 1).")
    var threads = 1

    @Flag(
        help:
            "Print one JSON object per environment: {id, num_envs, steps, seconds, steps_per_second} (Box2D ids add box2d_step_microseconds and box2d_share, the time inside Box2D's world step)."
    )
    var json = false

    @Flag(help: "Benchmark the pixel pipeline: 84x84 frames drawn directly, channel-first, stacked 3 deep (9x84x84).")
    var pixels = false

    @Option(name: .customLong("option"), help: "An environment option, name=value (repeatable).")
    var options: [String] = []

    func validate() throws {
        if all == (id != nil) { throw ValidationError("give exactly one of an environment id or --all") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if !(seconds > 0) { throw ValidationError("--seconds must be positive, got \(seconds)") }
        if !(1...4096).contains(numEnvs) { throw ValidationError("--num-envs must be in 1...4096 (as in train), got \(numEnvs)") }
        if !(1...64).contains(threads) { throw ValidationError("--threads must be in 1...64, got \(threads)") }
    }

    func run() throws {
        registerBundledEnvironments()
        let ids = all ? Registry.shared.ids : [id!]
        if !json { print(MachineDescription.summary) }
        for id in ids {
            let physicsBefore = Box2DStepTiming.totals()
            let measurement = try numEnvs == 1 ? benchSingle(id) : benchVector(id)
            let physicsAfter = Box2DStepTiming.totals()
            let rate = Double(measurement.steps) / measurement.seconds
            // Box2D environments: the time spent inside b2World::Step per environment step.
            let worldSteps = physicsAfter.steps - physicsBefore.steps, physicsSeconds = physicsAfter.seconds - physicsBefore.seconds
            let physics: (microseconds: Double, share: Double)? =
                worldSteps > 0
                ? (
                    physicsSeconds / Double(measurement.steps) * 1e6,
                    physicsSeconds / measurement.seconds / Double(max(1, min(threads, numEnvs)))
                ) : nil
            if json {
                var fields: [(String, JSONValue)] = [
                    ("id", .string(id)), ("num_envs", .integer(numEnvs)), ("steps", .integer(measurement.steps)),
                    ("seconds", .number(measurement.seconds)), ("steps_per_second", .number(rate)),
                    ("threads", .integer(threads)), ("cpu", .string(MachineDescription.cpuModel)),
                ]
                if let physics {
                    fields += [("box2d_step_microseconds", .number(physics.microseconds)), ("box2d_share", .number(physics.share))]
                }
                print(JSONValue.object(fields).text)
            } else {
                var line =
                    "\(id)\(pixels ? " (9x84x84 pixels)" : ""): \(formatRate(rate)) steps/s (\(measurement.steps) steps in \(String(format: "%.3f", measurement.seconds)) s, \(numEnvs) env(s), \(threads) thread(s))"
                if let physics {
                    line += String(
                        format: "; inside Box2D's world step: %.2f us per step (%.0f%% of the time)", physics.microseconds,
                        physics.share * 100)
                }
                print(line)
            }
        }
    }

    private func benchSingle(_ id: String) throws -> (steps: Int, seconds: Double) {
        let environmentOptions = try parseOptions(options)
        let environment = pixels ? try PixelObservation.make(id, options: environmentOptions) : try make(id, options: environmentOptions)
        defer { environment.close() }
        let buffer = ObservationBuffer(space: environment.observationSpace)
        _ = try environment.reset(seed: 0, options: [:], into: buffer)
        var generator = RandomGenerator(seed: 0)
        let actions = (0..<1000).map { _ in environment.actionSpace.sampleAction(using: &generator) }
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        let budget = Duration.seconds(seconds)
        while true {
            // Check the clock every 1000 steps only.
            for action in actions {
                let result = try environment.step(action, into: buffer)
                if result.terminated || result.truncated { _ = try environment.reset(seed: nil, options: [:], into: buffer) }
                count += 1
                if let steps, count >= steps { break }
            }
            if let steps { if count >= steps { break } } else if clock.now - start >= budget { break }
        }
        return (count, durationSeconds(clock.now - start))
    }

    private func benchVector(_ id: String) throws -> (steps: Int, seconds: Double) {
        let execution: VectorExecution = threads > 1 ? .threaded(threads: threads) : .synchronous
        let environmentOptions = try parseOptions(options)
        let vector =
            pixels
            ? try VectorEnvironment(
                environments: (0..<numEnvs).map { _ in try PixelObservation.make(id, options: environmentOptions) },
                autoresetMode: .nextStep, execution: execution)
            : try VectorEnvironment(id: id, count: numEnvs, options: environmentOptions, autoresetMode: .nextStep, execution: execution)
        defer { vector.close() }
        try vector.reset(seed: 0)
        var generator = RandomGenerator(seed: 0)
        let batches = (0..<100).map { _ in (0..<numEnvs).map { _ in vector.singleActionSpace.sampleAction(using: &generator) } }
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        let budget = Duration.seconds(seconds)
        outer: while true {
            for batch in batches {
                try vector.step(batch)
                count += numEnvs
                if let steps, count >= steps { break outer }
            }
            if steps == nil, clock.now - start >= budget { break }
        }
        return (count, durationSeconds(clock.now - start))
    }
}

/// A Duration in seconds.
func durationSeconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// A rate with thousands separators, e.g. 4,123,456.
func formatRate(_ rate: Double) -> String {
    let digits = String(Int(rate.rounded()))
    var result = ""
    for (offset, character) in digits.reversed().enumerated() {
        if offset > 0 && offset % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return String(result.reversed())
}
