import Gym
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
    /// Every stored value, for checkpoints.
    func stateTensors() throws -> [String: Tensor]
    /// Restores values saved by `stateTensors`.
    func load(_ tensors: [String: Tensor]) throws
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

    public func stateTensors() throws -> [String: Tensor] {
        let values = observations.allValues()
        return [
            "observations": try Tensor(values, shape: [values.count]),
            "actions": Tensor(actions.map(Float.init)), "rewards": Tensor(rewards), "dones": Tensor(dones),
            "behaviour": Tensor(behaviour), "position": Tensor([Float(next), Float(count)]),
        ]
    }

    public func load(_ tensors: [String: Tensor]) throws {
        guard let savedObservations = tensors["observations"], let savedActions = tensors["actions"], let savedRewards = tensors["rewards"],
            let savedDones = tensors["dones"], let savedBehaviour = tensors["behaviour"], let position = tensors["position"],
            savedActions.count == actions.count, savedBehaviour.count == behaviour.count, position.count == 2
        else {
            throw AgentError.invalidState("the replay file does not match this run's replay (size, steps or actions changed)")
        }
        try observations.load(savedObservations.scalars)
        actions = savedActions.scalars.map { Int($0) }
        rewards = savedRewards.scalars
        dones = savedDones.scalars
        behaviour = savedBehaviour.scalars
        next = Int(position.scalars[0]); count = Int(position.scalars[1])
    }
}
