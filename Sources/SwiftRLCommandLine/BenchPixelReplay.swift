import Agents
import ArgumentParser
import Benchmarks
import Foundation
import Gym

/// `swiftrl bench pixel-replay`: fills SAC-AE's replay with real pixel transitions and measures memory.
struct BenchPixelReplay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pixel-replay",
        abstract: "Store N pixel transitions (each frame once) and report resident memory against the reference layout.")

    @Option(help: "Transitions to store.")
    var transitions = 100_000

    func validate() throws {
        if transitions < 1 { throw ValidationError("--transitions must be at least 1, got \(transitions)") }
    }

    @Option(help: "A pixel environment id.")
    var env = "CartpoleSwingup-pixels-v0"

    func run() throws {
        registerBundledEnvironments()
        let environment = try make(env)
        guard case .box(let box) = environment.observationSpace, box.dtype == .uint8 else {
            throw ValidationError("\(env) does not have uint8 pixel observations: choose a -pixels- id")
        }
        let before = residentMemoryBytes()
        let replay = try FrameReplay(
            space: environment.observationSpace, capacity: transitions, actionDimension: environment.actionSpace.flatCount)
        let observation = ObservationBuffer(space: environment.observationSpace)
        var generator = RandomGenerator(seed: 0)
        _ = try environment.reset(seed: 0, options: [:], into: observation)
        replay.beginEpisode(environment: 0, observation: observation, row: 0)
        let start = Date()
        for _ in 0..<transitions {
            let action = environment.actionSpace.sampleAction(using: &generator)
            let result = try environment.step(action, into: observation)
            guard case .continuous(let values) = action else { throw ValidationError("\(env) needs continuous actions") }
            replay.add(
                environment: 0, action: values[...], reward: Float(result.reward), notDone: result.terminated ? 0 : 1,
                nextObservation: observation, row: 0)
            if result.terminated || result.truncated {
                _ = try environment.reset(seed: nil, options: [:], into: observation)
                replay.beginEpisode(environment: 0, observation: observation, row: 0)
            }
        }
        let seconds = Date().timeIntervalSince(start)
        let after = residentMemoryBytes()
        var sampler = RandomGenerator(seed: 1)
        let batch = replay.sample(batchSize: 128, using: &sampler)
        let reference = Double(transitions) * Double(box.count) * 2
        print(MachineDescription.summary)
        print(
            String(
                format: "%d transitions of %@ (%@) stored in %.1f s", transitions, env, box.shape.map(String.init).joined(separator: "x"),
                seconds))
        print(
            String(
                format: "replay storage %.3f GB (%.0f bytes per transition); resident memory grew %.3f GB",
                Double(replay.storageBytes) / 1e9,
                Double(replay.storageBytes) / Double(transitions), Double(after - before) / 1e9))
        print(
            String(
                format: "reference layout (obs and next_obs as separate uint8 arrays): %.3f GB; ratio %.2fx less memory",
                reference / 1e9, reference / Double(replay.storageBytes)))
        print("sampled batch: observations \(batch.observations.shape), next \(batch.nextObservations.shape)")
    }
}
