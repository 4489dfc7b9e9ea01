import Gym
import NN
import Random
import Testing
import Tensors
@testable import Agents

/// ACER-torch's episode replay over pixel observations: rows kept as bytes, batches scaled to [0, 1],
/// and a replay file with the bytes (and one saved as Float32 by earlier versions) restores the same batches.
@Suite struct EpisodicReplayPixelTests {
    let space = Space.box(Box(low: 0, high: 255, shape: [3, 36, 36], dtype: .uint8))

    /// A rollout of 4 steps of one environment whose observation at step t holds the byte 10 t + 5 and
    /// whose episode ends at the last step.
    func rollout() throws -> ACERRollout {
        let rollout = try ACERRollout(space: space, steps: 4, environmentCount: 1, actionCount: 2)
        let buffer = ObservationBuffer(space: space)
        for t in 0...4 {
            for index in 0..<buffer.bytes.count { buffer.bytes[index] = UInt8(10 * t + 5) }
            rollout.observations.store(buffer, sourceRow: 0, at: t)
        }
        rollout.actions = [0, 1, 1, 0]
        rollout.rewards = [0, 0, 0, 1]
        rollout.dones = [0, 0, 0, 1]
        rollout.behaviourProbabilities = [0.5, 0.5, 0.25, 0.75, 0.5, 0.5, 0.9, 0.1]
        return rollout
    }

    @Test func pixelsAreStoredAsBytesAndBatchesScaled() throws {
        let replay = try EpisodicReplay(space: space, transitions: 100, actionCount: 2, batchSize: 2)
        replay.add(try rollout())
        var generator = RandomGenerator(seed: 0)
        let batch = replay.sample(using: &generator)
        let rowLength = 3 * 36 * 36
        for t in 0..<4 {
            #expect(batch.observations.pointer[(t * 2) * rowLength + 17] == Float(10 * t + 5) * (1 / 255))
        }
        var checkpoint = Checkpoint()
        try replay.save(into: &checkpoint, prefix: "w.")
        #expect(checkpoint.byteArrays["w.observations"]?.count == 4 * rowLength && checkpoint.tensors["w.observations"] == nil)
        for legacy in [false, true] {
            var saved = checkpoint
            if legacy {
                saved.tensors["w.observations"] = Tensor(saved.byteArrays["w.observations"]!.map(Float.init))
                saved.byteArrays["w.observations"] = nil
            }
            let restored = try EpisodicReplay(space: space, transitions: 100, actionCount: 2, batchSize: 2)
            try restored.load(from: saved, prefix: "w.")
            var first = RandomGenerator(seed: 3), second = RandomGenerator(seed: 3)
            #expect(restored.sample(using: &first).observations.scalars == replay.sample(using: &second).observations.scalars)
        }
    }
}
