import Foundation
import Gym
import NN
import Testing
import Tensors
@testable import Agents

/// Replay checkpoints of pixel runs: only the frames stored so far, at one byte per value, restored
/// exactly; older whole-ring Float32 files still load; crafted positions are refused, never trapped on.
@Suite struct FrameReplayCheckpointTests {
    /// A replay of `CountingFrames` after `steps` steps (episodes of 4), with its environment.
    func filledReplay(steps: Int, capacity: Int = 50) throws -> FrameReplay {
        let environment = CountingFrames(episodeLength: 4)
        let replay = try FrameReplay(space: environment.observationSpace, capacity: capacity, actionDimension: 1)
        let buffer = ObservationBuffer(space: environment.observationSpace)
        _ = try environment.reset(seed: 0, options: [:], into: buffer)
        replay.beginEpisode(environment: 0, observation: buffer, row: 0)
        for step in 0..<steps {
            let result = try environment.step(.continuous([0]), into: buffer)
            replay.add(
                environment: 0, action: [Float(step) / 100], reward: Float(result.reward), notDone: result.terminated ? 0 : 1,
                nextObservation: buffer, row: 0)
            if result.terminated {
                _ = try environment.reset(seed: nil, options: [:], into: buffer)
                replay.beginEpisode(environment: 0, observation: buffer, row: 0)
            }
        }
        return replay
    }

    /// Same generator, same batches: observations, next observations, actions, rewards, flags.
    func expectSameSamples(_ a: FrameReplay, _ b: FrameReplay) {
        var first = RandomGenerator(seed: 7), second = RandomGenerator(seed: 7)
        let x = a.sample(batchSize: 32, using: &first), y = b.sample(batchSize: 32, using: &second)
        #expect(x.observations.scalars == y.observations.scalars && x.nextObservations.scalars == y.nextObservations.scalars)
        #expect(
            x.actions.scalars == y.actions.scalars && x.rewards.scalars == y.rewards.scalars && x.notDones.scalars == y.notDones.scalars)
        #expect(a.count == b.count)
    }

    func roundTripThroughFile(_ checkpoint: Checkpoint) throws -> (Checkpoint, Int) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-replay-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: file) }
        try checkpoint.write(to: file)
        let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int
        return (try Checkpoint.read(from: file), size)
    }

    @Test func aPartlyFilledPixelReplaySavesOnlyItsFramesAsBytes() throws {
        let replay = try filledReplay(steps: 10)
        let checkpoint = replay.checkpoint()
        // 10 steps in episodes of 4: about one frame per step and per episode start, one byte per value.
        let frames = try #require(checkpoint.byteArrays["frames"])
        #expect(checkpoint.tensors["frames"] == nil)
        #expect(frames.count % replay.frameLength == 0 && frames.count / replay.frameLength < 20)
        let (loaded, size) = try roundTripThroughFile(checkpoint)
        #expect(size < replay.entryCapacity * replay.frameLength / 2, "a 10-step replay file holds \(size) bytes")
        let restored = try FrameReplay(space: CountingFrames(episodeLength: 4).observationSpace, capacity: 50, actionDimension: 1)
        try restored.load(loaded, environments: 1)
        expectSameSamples(replay, restored)
    }

    @Test func aWrappedRingRoundTripsExactly() throws {
        // 120 steps through a ring of 50 transitions: old frames overwritten, entry numbers past the ring.
        let replay = try filledReplay(steps: 120)
        let (loaded, _) = try roundTripThroughFile(replay.checkpoint())
        #expect(loaded.byteArrays["frames"]?.count == replay.entryCapacity * replay.frameLength)
        let restored = try FrameReplay(space: CountingFrames(episodeLength: 4).observationSpace, capacity: 50, actionDimension: 1)
        try restored.load(loaded, environments: 1)
        expectSameSamples(replay, restored)
    }

    @Test func replaysSavedAsWholeFloatRingsStillLoad() throws {
        let replay = try filledReplay(steps: 30)
        var legacy = replay.checkpoint()
        // The earlier layout: the whole ring, every byte as a Float32.
        var ring = [Float](repeating: 0, count: replay.entryCapacity * replay.frameLength)
        for (index, byte) in legacy.byteArrays["frames"]!.enumerated() { ring[index] = Float(byte) }
        legacy.byteArrays["frames"] = nil
        legacy.tensors["frames"] = Tensor(ring)
        let restored = try FrameReplay(space: CountingFrames(episodeLength: 4).observationSpace, capacity: 50, actionDimension: 1)
        try restored.load(legacy, environments: 1)
        expectSameSamples(replay, restored)
        ring[3] = .nan
        legacy.tensors["frames"] = Tensor(ring)
        #expect(throws: AgentError.self) { try restored.load(legacy, environments: 1) }
    }

    @Test func craftedReplaysAreRefusedWithTheFix() throws {
        let replay = try filledReplay(steps: 30)
        let crafts: [(String, (inout Checkpoint) -> Void)] = [
            ("position", { $0.tensors["position"] = Tensor([Float.nan, 0, 0, 0]) }),
            ("position", { $0.tensors["position"]!.pointer[2] = 60 }),
            ("frame numbers", { $0.tensors["observation_entries"]!.pointer[0] = 1e6 }),
            ("frame numbers", { $0.tensors["current_entries"]!.pointer[0] = -3 }),
            ("frames", { $0.byteArrays["frames"]!.removeLast(5) }),
            ("does not match", { $0.tensors["actions"] = Tensor([1, 2]) }),
        ]
        for (expected, craft) in crafts {
            var checkpoint = replay.checkpoint()
            craft(&checkpoint)
            let restored = try FrameReplay(space: CountingFrames(episodeLength: 4).observationSpace, capacity: 50, actionDimension: 1)
            let error = #expect(throws: AgentError.self) { try restored.load(checkpoint, environments: 1) }
            #expect("\(error.map { "\($0)" } ?? "")".contains(expected), "\(String(describing: error))")
        }
    }
}
