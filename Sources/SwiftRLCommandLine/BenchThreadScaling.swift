import ArgumentParser
import Benchmarks
import BundledEnvs
import Foundation
import Gym

/// `swiftrl envs scaling`: a threaded vector environment against the same one on one thread.
struct BenchThreadScaling: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaling",
        abstract: "Compare a vector environment on several threads with the same one on the calling thread.",
        discussion:
            "For each id and number of sub-environments, two vector environments (synchronous and threaded) step random actions, 40 untimed steps (the threaded one's first placement probe) and then alternating 50 ms slices, so that other load on the machine falls on both alike; the ratio is threaded / one thread. Build with -c release."
    )

    @Argument(help: "Environment ids (default: CartPole-v1 Pendulum-v1 LunarLander-v3 BipedalWalker-v3).")
    var ids: [String] = []

    @Option(name: .customLong("num-envs"), help: "Numbers of sub-environments, comma-separated.")
    var numEnvs = "2,8,16,64,256"

    @Option(parsing: .unconditional, help: "Threads of the threaded vector environment.")
    var threads = 2

    @Option(parsing: .unconditional, help: "Seconds of stepping for each vector environment and size.")
    var seconds = 1.0

    @Flag(help: "Print one JSON object per measurement.")
    var json = false

    func validate() throws {
        if !(2...64).contains(threads) { throw ValidationError("--threads must be in 2...64, got \(threads)") }
        if !(seconds > 0) { throw ValidationError("--seconds must be positive, got \(seconds)") }
    }

    func run() throws {
        registerBundledEnvironments()
        let sizes = try positiveIntegers(numEnvs, option: "--num-envs", maximum: 4096)
        let chosen = ids.isEmpty ? ["CartPole-v1", "Pendulum-v1", "LunarLander-v3", "BipedalWalker-v3"] : ids
        if !json {
            print(MachineDescription.summary)
            print("id                     envs   1 thread steps/s   \(threads) threads steps/s   ratio   placement")
        }
        for id in chosen {
            for size in sizes {
                let one = try SteppedVector(id: id, count: size, execution: .synchronous)
                let many = try SteppedVector(id: id, count: size, execution: .threaded(threads: threads))
                defer {
                    one.vector.close()
                    many.vector.close()
                }
                // Untimed: the threaded one's first placement probe (32 steps), and warm caches for both.
                try one.warmUp(steps: 40)
                try many.warmUp(steps: 40)
                var slices = 0.0
                while slices < seconds {
                    try one.run(for: 0.05)
                    try many.run(for: 0.05)
                    slices += 0.05
                }
                let ratio = many.rate / one.rate
                let placement =
                    many.vector.threadedPlacement.map { $0.allThreads ? "all threads \($0.ranges.map(\.count))" : "calling thread" } ?? "-"
                if json {
                    print(
                        JSONValue.object([
                            ("id", .string(id)), ("num_envs", .integer(size)), ("threads", .integer(threads)),
                            ("one_thread_steps_per_second", .number(one.rate)), ("threaded_steps_per_second", .number(many.rate)),
                            ("ratio", .number(ratio)), ("cpu", .string(MachineDescription.cpuModel)),
                        ]).text)
                } else {
                    print(
                        "\(id.padding(toLength: 22, withPad: " ", startingAt: 0)) \(String(format: "%4d", size)) \(formatRate(one.rate).leftPadded(18)) \(formatRate(many.rate).leftPadded(20)) \(String(format: "%6.2fx", ratio))   \(placement)"
                    )
                }
            }
        }
    }
}

/// A vector environment stepped with pre-drawn random actions, counting its steps and time.
private final class SteppedVector {
    let vector: VectorEnvironment
    let batches: [[Action]]
    var steps = 0
    var seconds = 0.0
    var next = 0

    init(id: String, count: Int, execution: VectorExecution) throws {
        let vector = try VectorEnvironment(id: id, count: count, autoresetMode: .nextStep, execution: execution)
        try vector.reset(seed: 0)
        var generator = RandomGenerator(seed: 0)
        batches = (0..<64).map { _ in (0..<count).map { _ in vector.singleActionSpace.sampleAction(using: &generator) } }
        self.vector = vector
    }

    /// Sub-environment steps per second so far.
    var rate: Double { Double(steps) / max(seconds, 1e-9) }

    /// Steps `steps` times without counting.
    func warmUp(steps: Int) throws {
        for _ in 0..<steps {
            try vector.step(batches[next])
            next = (next + 1) % batches.count
        }
    }

    /// Steps for about `duration` seconds (the clock is read every 16 steps).
    func run(for duration: Double) throws {
        let clock = ContinuousClock()
        let start = clock.now
        var elapsed = 0.0
        while elapsed < duration {
            for _ in 0..<16 {
                try vector.step(batches[next])
                next = (next + 1) % batches.count
            }
            steps += 16 * vector.count
            elapsed = durationSeconds(clock.now - start)
        }
        seconds += elapsed
    }
}

extension String {
    /// The string right-aligned in `width` characters.
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
