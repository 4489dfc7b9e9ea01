import Gym
import NN
import Random
import Tensors

/// Where ACER's off-policy updates sample from.
public protocol ACERReplay: AnyObject {
    /// Stores what the last iteration collected.
    func add(_ rollout: ACERRollout)
    /// The number of transitions stored.
    var transitionCount: Int { get }
    /// A batch for one off-policy update.
    func sample(using generator: inout RandomGenerator) -> ACERBatch
    /// Every stored value, into `checkpoint` under names starting with `prefix`.
    func save(into checkpoint: inout Checkpoint, prefix: String) throws
    /// Restores values saved by `save`; throws naming the problem (a replay of another run, a crafted
    /// file), never traps.
    func load(from checkpoint: Checkpoint, prefix: String) throws
}

/// Actions saved in a replay file as Float32, as indices; throws at the first that is not a whole
/// number in 0..<actionCount (a corrupt or crafted file), never traps.
func actionIndices(_ values: [Float], actionCount: Int) throws -> [Int] {
    try values.map { value in
        guard let action = Int(exactly: value), (0..<actionCount).contains(action) else {
            throw AgentError.invalidState("the replay file holds the action \(value), not one of 0..<\(actionCount)")
        }
        return action
    }
}

/// Baselines' replay: a ring of fixed-length segments, one per environment per iteration; an
/// off-policy batch takes `batchSize` segments at random (baselines: one per environment slot).
public final class SegmentReplay: ACERReplay {
    /// Steps per segment.
    public let steps: Int
    /// Segments held at most (size / steps).
    public let capacity: Int
    /// Segments per sampled batch.
    public let batchSize: Int
    private let actionCount: Int
    private let observations: ObservationRows
    private var actions: [Int], rewards: [Float], dones: [Float], behaviour: [Float]
    private var next = 0
    private(set) var count = 0

    /// A ring of `transitions / steps` segments.
    public init(space: Space, transitions: Int, steps: Int, actionCount: Int, batchSize: Int) throws {
        self.steps = steps
        capacity = max(1, transitions / steps)
        self.batchSize = batchSize
        self.actionCount = actionCount
        observations = try ObservationRows(space: space, capacity: capacity * (steps + 1))
        actions = Array(repeating: 0, count: capacity * steps)
        rewards = Array(repeating: 0, count: capacity * steps)
        dones = Array(repeating: 0, count: capacity * steps)
        behaviour = Array(repeating: 0, count: capacity * steps * actionCount)
    }

    public var transitionCount: Int { count * steps }

    public func add(_ rollout: ACERRollout) {
        precondition(rollout.steps == steps, "SegmentReplay holds segments of \(steps) steps")
        let environments = rollout.environmentCount
        for environment in 0..<environments {
            let slot = next
            for t in 0...steps {
                observations.copyRow(from: rollout.observations, sourceRow: t * environments + environment, to: slot * (steps + 1) + t)
            }
            for t in 0..<steps {
                let source = t * environments + environment, target = slot * steps + t
                actions[target] = rollout.actions[source]
                rewards[target] = rollout.rewards[source]
                dones[target] = rollout.dones[source]
                for a in 0..<actionCount { behaviour[target * actionCount + a] = rollout.behaviourProbabilities[source * actionCount + a] }
            }
            next = (next + 1) % capacity
            count = min(count + 1, capacity)
        }
    }

    public func sample(using generator: inout RandomGenerator) -> ACERBatch {
        let slots = (0..<batchSize).map { _ in generator.integer(below: count) }
        var observationRows: [Int] = []
        observationRows.reserveCapacity((steps + 1) * batchSize)
        for t in 0...steps { for slot in slots { observationRows.append(slot * (steps + 1) + t) } }
        var batch = ACERBatch(
            steps: steps, batch: batchSize, observations: observations.tensor(rows: observationRows),
            actions: [], rewards: [], dones: [], behaviourProbabilities: [], mask: Array(repeating: 1, count: steps * batchSize))
        for t in 0..<steps {
            for slot in slots {
                let index = slot * steps + t
                batch.actions.append(actions[index])
                batch.rewards.append(rewards[index])
                batch.dones.append(dones[index])
                batch.behaviourProbabilities.append(contentsOf: behaviour[(index * actionCount)..<((index + 1) * actionCount)])
            }
        }
        return batch
    }

    public func save(into checkpoint: inout Checkpoint, prefix: String) throws {
        // Only the segments stored so far: a ring fills slots 0, 1, ... before it wraps.
        observations.save(rows: count * (steps + 1), as: prefix + "observations", into: &checkpoint)
        checkpoint.tensors[prefix + "actions"] = Tensor(actions.map(Float.init))
        checkpoint.tensors[prefix + "rewards"] = Tensor(rewards)
        checkpoint.tensors[prefix + "dones"] = Tensor(dones)
        checkpoint.tensors[prefix + "behaviour"] = Tensor(behaviour)
        checkpoint.tensors[prefix + "position"] = Tensor([Float(next), Float(count)])
    }

    public func load(from checkpoint: Checkpoint, prefix: String) throws {
        let tensors = checkpoint.tensors
        guard let savedActions = tensors[prefix + "actions"], let savedRewards = tensors[prefix + "rewards"],
            let savedDones = tensors[prefix + "dones"], let savedBehaviour = tensors[prefix + "behaviour"],
            let position = tensors[prefix + "position"], savedActions.count == actions.count, savedRewards.count == rewards.count,
            savedDones.count == dones.count, savedBehaviour.count == behaviour.count, position.count == 2
        else {
            throw AgentError.invalidState("the replay file does not match this run's replay (size, steps or actions changed)")
        }
        guard let savedNext = Int(exactly: position.scalars[0]), let savedCount = Int(exactly: position.scalars[1]),
            (0..<capacity).contains(savedNext), (0...capacity).contains(savedCount)
        else {
            throw AgentError.invalidState("the replay file's position \(position.scalars) does not fit a replay of \(capacity) segments")
        }
        let savedActionValues = try actionIndices(savedActions.scalars, actionCount: actionCount)
        try observations.restore(rows: savedCount * (steps + 1), from: checkpoint, name: prefix + "observations")
        actions = savedActionValues
        rewards = savedRewards.scalars
        dones = savedDones.scalars
        behaviour = savedBehaviour.scalars
        next = savedNext
        count = savedCount
    }
}
