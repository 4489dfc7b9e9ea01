import Foundation
import Gym
import NN
import Random
import Tensors

/// An off-policy replay that stores every frame once.
///
/// Pixel observations that stack k frames on the channel axis (SAC-AE's 9x84x84 = three 3x84x84
/// RGB frames) share k - 1 frames with the next observation, and the reference layout (obs and
/// next_obs as separate uint8 arrays) stores each frame 2k times. Here each distinct frame is one
/// uint8 entry in a ring, and a transition holds the entry numbers of its observation's and next
/// observation's frames, so stacks are rebuilt when sampling: about one frame per transition
/// (plus one per episode start), 2.1 GB for 100k transitions of 9x84x84 instead of 12.7 GB.
/// Frames are compared when stored, so environments that do not stack (or stack differently) still
/// round-trip exactly. Vector observations are stored the same way as single Float32 entries.
public final class FrameReplay {
    /// Transitions held at most.
    public let capacity: Int
    /// Frames per observation (3 for 9-channel RGB stacks, else 1).
    public let stackDepth: Int
    /// The observation shape.
    public let observationShape: [Int]
    /// Values per frame.
    public let frameLength: Int
    /// Action values per transition.
    public let actionDimension: Int
    /// Whether frames are UInt8 pixels (scaled by 1/255 into batches).
    public let isImage: Bool
    /// Frames the ring holds (a little more than `capacity`, for episode starts).
    public let entryCapacity: Int

    private var bytes: [UInt8]
    private var floats: [Float]
    private var entryCount = 0
    private var observationEntries: [Int32]
    private var nextObservationEntries: [Int32]
    private var actions: [Float]
    private var rewards: [Float]
    private var notDones: [Float]
    private var nextTransition = 0
    /// Transitions stored (at most `capacity`).
    public private(set) var count = 0
    /// Per environment: the entry numbers of its current observation's frames.
    private var currentEntries: [[Int]] = []

    /// Throws unless a replay of `capacity` transitions fits in memory (each frame of a stacked image
    /// observation stored once), naming replay_size.
    private static func requireMemory(observation box: Box, capacity: Int, actionDimension: Int) throws {
        let isImage = box.dtype == .uint8
        let depth = isImage && ObservationRows.isPixelImage(shape: box.shape) && box.shape[0] % 3 == 0 ? box.shape[0] / 3 : 1
        let frameBytes = Double(box.count / depth) * (isImage ? 1 : 4)
        try MemoryBudget.require(
            bytes: Double(capacity) * (frameBytes + Double(actionDimension) * 4 + 16),
            for: "replay_size = \(capacity) transitions of \(box.shape) observations", fix: "lower replay_size")
    }

    /// A replay for observations of `space` and actions of `actionDimension` values.
    public init(space: Space, capacity: Int, actionDimension: Int) throws {
        guard case .box(let box) = space else {
            throw AgentError.unsupported("SAC needs Box observations (vectors or pixel images), got \(space)")
        }
        guard capacity >= 1 else {
            throw AgentError.invalidConfiguration("the replay needs room for at least 1 transition, got \(capacity)")
        }
        self.capacity = capacity
        observationShape = box.shape
        isImage = box.dtype == .uint8
        if isImage && ObservationRows.isPixelImage(shape: box.shape) && box.shape[0] % 3 == 0 {
            stackDepth = box.shape[0] / 3
        } else {
            stackDepth = 1
        }
        frameLength = box.shape.reduce(1, *) / stackDepth
        try Self.requireMemory(observation: box, capacity: capacity, actionDimension: actionDimension)
        self.actionDimension = actionDimension
        entryCapacity = capacity + capacity / 32 + 8 * stackDepth
        bytes = isImage ? Array(repeating: 0, count: entryCapacity * frameLength) : []
        floats = isImage ? [] : Array(repeating: 0, count: entryCapacity * frameLength)
        observationEntries = Array(repeating: 0, count: capacity * stackDepth)
        nextObservationEntries = Array(repeating: 0, count: capacity * stackDepth)
        actions = Array(repeating: 0, count: capacity * actionDimension)
        rewards = Array(repeating: 0, count: capacity)
        notDones = Array(repeating: 0, count: capacity)
    }

    /// Bytes a replay of `capacity` transitions of `observationShape` will hold (frame ring and transition arrays).
    public static func storageBytes(observationShape: [Int], isImage: Bool, capacity: Int, actionDimension: Int) -> Int {
        let stackDepth =
            isImage && ObservationRows.isPixelImage(shape: observationShape) && observationShape[0] % 3 == 0 ? observationShape[0] / 3 : 1
        let frameLength = observationShape.reduce(1, *) / stackDepth
        let entries = capacity + capacity / 32 + 8 * stackDepth
        return entries * frameLength * (isImage ? 1 : 4) + capacity * stackDepth * 8 + capacity * (actionDimension + 2) * 4
    }

    /// Bytes held by the frame ring and the transition arrays.
    public var storageBytes: Int {
        bytes.count + floats.count * 4 + (observationEntries.count + nextObservationEntries.count) * 4
            + (actions.count + rewards.count + notDones.count) * 4
    }

    /// Records the first observation of an episode of environment `environment` (row `row` of `buffer`).
    public func beginEpisode(environment: Int, observation buffer: ObservationBuffer, row: Int) {
        while currentEntries.count <= environment { currentEntries.append([]) }
        var entries: [Int] = []
        for frame in 0..<stackDepth {
            if let previous = entries.last, frameEquals(entry: previous, buffer: buffer, row: row, frame: frame) {
                entries.append(previous)
            } else {
                entries.append(appendFrame(buffer: buffer, row: row, frame: frame))
            }
        }
        currentEntries[environment] = entries
    }

    /// Stores a transition of `environment` from its current observation: `action` (the policy's
    /// [-1, 1] values), `reward`, `notDone` (1 unless the episode terminated; time limits are 1) and the
    /// next observation (row `row` of `buffer`), which becomes the current one.
    public func add(
        environment: Int, action: ArraySlice<Float>, reward: Float, notDone: Float, nextObservation buffer: ObservationBuffer, row: Int
    ) {
        let current = currentEntries[environment]
        var next: [Int] = []
        // The usual stack shift: the next observation's first k - 1 frames are the current one's last k - 1.
        if stackDepth > 1 && (0..<(stackDepth - 1)).allSatisfy({ frameEquals(entry: current[$0 + 1], buffer: buffer, row: row, frame: $0) })
        {
            next = Array(current.dropFirst())
            next.append(appendFrame(buffer: buffer, row: row, frame: stackDepth - 1))
        } else {
            for frame in 0..<stackDepth {
                if let previous = next.last, frameEquals(entry: previous, buffer: buffer, row: row, frame: frame) {
                    next.append(previous)
                } else {
                    next.append(appendFrame(buffer: buffer, row: row, frame: frame))
                }
            }
        }
        let slot = nextTransition
        for frame in 0..<stackDepth {
            observationEntries[slot * stackDepth + frame] = Int32(truncatingIfNeeded: current[frame])
            nextObservationEntries[slot * stackDepth + frame] = Int32(truncatingIfNeeded: next[frame])
        }
        for index in 0..<actionDimension { actions[slot * actionDimension + index] = action[action.startIndex + index] }
        rewards[slot] = reward
        notDones[slot] = notDone
        nextTransition = (nextTransition + 1) % capacity
        count = min(count + 1, capacity)
        currentEntries[environment] = next
    }

    /// A uniformly sampled batch: observations, actions, rewards [B, 1], not-dones [B, 1], next observations.
    public func sample(
        batchSize: Int, using generator: inout RandomGenerator
    )
        -> (observations: Tensor, actions: Tensor, rewards: Tensor, notDones: Tensor, nextObservations: Tensor)
    {
        var slots: [Int] = []
        slots.reserveCapacity(batchSize)
        while slots.count < batchSize {
            let slot = generator.integer(below: count)
            if isValid(slot) { slots.append(slot) }
        }
        let observations = Tensor.zeros([batchSize] + observationShape), nextObservations = Tensor.zeros([batchSize] + observationShape)
        let actionBatch = Tensor.zeros([batchSize, actionDimension])
        let rewardBatch = Tensor.zeros([batchSize, 1]), notDoneBatch = Tensor.zeros([batchSize, 1])
        for (index, slot) in slots.enumerated() {
            for frame in 0..<stackDepth {
                let offset = (index * stackDepth + frame) * frameLength
                copyFrame(entry: Int(observationEntries[slot * stackDepth + frame]), to: observations.pointer + offset)
                copyFrame(entry: Int(nextObservationEntries[slot * stackDepth + frame]), to: nextObservations.pointer + offset)
            }
            for value in 0..<actionDimension {
                actionBatch.pointer[index * actionDimension + value] = actions[slot * actionDimension + value]
            }
            rewardBatch.pointer[index] = rewards[slot]
            notDoneBatch.pointer[index] = notDones[slot]
        }
        return (observations, actionBatch, rewardBatch, notDoneBatch, nextObservations)
    }

    /// Whether every frame of transition `slot` is still in the ring.
    func isValid(_ slot: Int) -> Bool {
        let oldestKept = entryCount - entryCapacity
        for frame in 0..<stackDepth where Int(observationEntries[slot * stackDepth + frame]) < oldestKept { return false }
        return true
    }

    private func appendFrame(buffer: ObservationBuffer, row: Int, frame: Int) -> Int {
        let entry = entryCount
        let target = (entry % entryCapacity) * frameLength, source = row * frameLength * stackDepth + frame * frameLength
        if isImage {
            bytes.withUnsafeMutableBufferPointer {
                ($0.baseAddress! + target).update(from: buffer.bytes.baseAddress! + source, count: frameLength)
            }
        } else {
            floats.withUnsafeMutableBufferPointer {
                ($0.baseAddress! + target).update(from: buffer.floats.baseAddress! + source, count: frameLength)
            }
        }
        entryCount += 1
        return entry
    }

    private func frameEquals(entry: Int, buffer: ObservationBuffer, row: Int, frame: Int) -> Bool {
        guard entry >= entryCount - entryCapacity else { return false }
        let stored = (entry % entryCapacity) * frameLength, source = row * frameLength * stackDepth + frame * frameLength
        if isImage {
            return bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + stored, buffer.bytes.baseAddress! + source, frameLength) == 0 }
        }
        return floats.withUnsafeBufferPointer {
            memcmp($0.baseAddress! + stored, buffer.floats.baseAddress! + source, frameLength * 4) == 0
        }
    }

    private func copyFrame(entry: Int, to target: UnsafeMutablePointer<Float>) {
        let stored = (entry % entryCapacity) * frameLength
        if isImage {
            bytes.withUnsafeBufferPointer { source in
                for index in 0..<frameLength { target[index] = Float(source[stored + index]) * (1 / 255) }
            }
        } else {
            floats.withUnsafeBufferPointer { target.update(from: $0.baseAddress! + stored, count: frameLength) }
        }
    }

    /// The replay's contents as a checkpoint (for exact resumes): only the frames stored so far, pixels
    /// at one byte each (2.1 GB for a full 100k-transition pixel replay, 4 MB after 200 steps).
    public func checkpoint() -> Checkpoint {
        let storedFrames = min(entryCount, entryCapacity) * frameLength
        var checkpoint = Checkpoint(tensors: [
            // Entry numbers as distances back from the newest (exact in Float32 below 2^24).
            "observation_entries": Tensor(observationEntries.map { Float(entryCount - Int($0)) }),
            "next_observation_entries": Tensor(nextObservationEntries.map { Float(entryCount - Int($0)) }),
            "actions": Tensor(actions), "rewards": Tensor(rewards), "not_dones": Tensor(notDones),
            "position": Tensor([Float(entryCount >> 20), Float(entryCount & 0xFFFFF), Float(nextTransition), Float(count)]),
            "current_entries": Tensor(currentEntries.flatMap { $0.map { Float(entryCount - $0) } }),
        ])
        if isImage {
            // A full ring shares the replay's storage (copy on write): no second copy of gigabytes.
            checkpoint.byteArrays["frames"] = storedFrames == bytes.count ? bytes : Array(bytes[0..<storedFrames])
        } else {
            checkpoint.tensors["frames"] = Tensor(Array(floats[0..<storedFrames]))
        }
        return checkpoint
    }

    /// Restores `checkpoint()`; `environments` is the number of environments feeding the replay. Reads
    /// replays saved before frames were stored as bytes (the whole ring as Float32) too.
    public func load(_ saved: Checkpoint, environments: Int) throws {
        let tensors = saved.tensors
        guard let observation = tensors["observation_entries"],
            let next = tensors["next_observation_entries"],
            let savedActions = tensors["actions"], let savedRewards = tensors["rewards"], let savedNotDones = tensors["not_dones"],
            let position = tensors["position"], let current = tensors["current_entries"],
            savedActions.count == actions.count, position.count == 4, current.count == environments * stackDepth,
            observation.count == observationEntries.count, next.count == nextObservationEntries.count,
            savedRewards.count == rewards.count, savedNotDones.count == notDones.count
        else {
            throw AgentError.invalidState("the replay file does not match this run's replay (size, observation or action shape changed)")
        }
        // Position: entry count (high and low 20 bits), next transition slot, transitions stored.
        guard position.scalars.allSatisfy({ $0 >= 0 && $0 < 16_777_216 && $0 == $0.rounded() }) else {
            throw AgentError.invalidState("the replay file's position \(position.scalars) is not a valid position (corrupt or crafted)")
        }
        let savedEntryCount = Int(position.scalars[0]) << 20 + Int(position.scalars[1])
        let storedFrames = min(savedEntryCount, entryCapacity) * frameLength
        let savedBytes = saved.byteArrays["frames"], savedFloats = tensors["frames"]
        let frameCount = savedBytes?.count ?? savedFloats?.count ?? -1
        // Older replays held the whole ring; newer ones only the frames stored so far.
        guard frameCount == storedFrames || frameCount == entryCapacity * frameLength, (savedBytes == nil) != (savedFloats == nil),
            savedBytes == nil || isImage
        else {
            throw AgentError.invalidState(
                "the replay file's frames (\(frameCount) values) do not match its position or this run's observations; delete the replay file to resume with an empty replay"
            )
        }
        // Entry numbers must lie inside the ring's history: a crafted file must not index outside it.
        for entries in [observation, next, current] {
            let distances = UnsafeBufferPointer(start: entries.pointer, count: entries.count)
            guard distances.allSatisfy({ $0 >= 0 && $0 <= Float(savedEntryCount) && $0 == $0.rounded() }) else {
                throw AgentError.invalidState(
                    "the replay file holds frame numbers outside its \(savedEntryCount) frames (corrupt or crafted); delete it to resume with an empty replay"
                )
            }
        }
        let transitions = Int(position.scalars[3]), nextSlot = Int(position.scalars[2])
        guard transitions <= capacity, nextSlot < capacity else {
            throw AgentError.invalidState(
                "the replay file's position (slot \(nextSlot), \(transitions) transitions) does not fit replay_size \(capacity)")
        }
        if isImage {
            let values = try savedBytes ?? ObservationRows.pixelBytes(savedFloats!.scalars)
            bytes.withUnsafeMutableBufferPointer { target in
                values.withUnsafeBufferPointer { target.baseAddress!.update(from: $0.baseAddress!, count: storedFrames) }
            }
        } else {
            floats.replaceSubrange(0..<storedFrames, with: savedFloats!.scalars[0..<storedFrames])
        }
        entryCount = savedEntryCount
        nextTransition = nextSlot
        count = transitions
        observationEntries = observation.scalars.map { Int32(truncatingIfNeeded: entryCount - Int($0)) }
        nextObservationEntries = next.scalars.map { Int32(truncatingIfNeeded: entryCount - Int($0)) }
        actions = savedActions.scalars
        rewards = savedRewards.scalars
        notDones = savedNotDones.scalars
        let values = current.scalars.map { entryCount - Int($0) }
        currentEntries = (0..<environments).map { Array(values[($0 * stackDepth)..<(($0 + 1) * stackDepth)]) }
    }
}
