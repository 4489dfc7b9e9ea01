import Gym
import NN
import Random

/// What one training iteration did.
public struct IterationReport: Sendable {
    /// Environment steps taken by the whole run so far.
    public var environmentSteps: Int
    /// Episodes that finished during the iteration.
    public var episodes: [EpisodeRecord]
    /// Scalars to log, keyed by TensorBoard-style tags ("losses/q_loss", "charts/learning_rate").
    public var scalars: [String: Double]

    /// A report.
    public init(environmentSteps: Int, episodes: [EpisodeRecord], scalars: [String: Double]) {
        self.environmentSteps = environmentSteps
        self.episodes = episodes
        self.scalars = scalars
    }
}

/// Acts in one (unbatched) environment for evaluation, video and live play.
public protocol EvaluationPolicy: AnyObject {
    /// Forgets per-episode state (recurrent memory) before an episode.
    func resetEpisode()
    /// The action for `observation` (one row); the mode when `deterministic`, else a sample.
    func action(for observation: ObservationBuffer, deterministic: Bool, generator: inout RandomGenerator) throws -> Action
}

/// An algorithm the training loop can run: iterate, report, save and restore everything.
///
/// The training stack (module Training) owns the loop, logging, evaluation and checkpoint files;
/// an agent owns its networks, optimiser, storage and environments.
public protocol TrainableAgent: AnyObject {
    /// The algorithm's name ("acer").
    var algorithmName: String { get }
    /// Environment steps taken so far.
    var environmentSteps: Int { get }
    /// The tags of the scalars `iterate` reports, in a fixed order (CSV columns).
    var scalarTags: [String] { get }
    /// Resets the training environments (call once before iterating, unless restoring).
    func start() throws
    /// Collects experience and updates; throws `AgentError.nonFinite` on a NaN or infinite loss.
    func iterate() throws -> IterationReport
    /// The current policy, for evaluation.
    func evaluationPolicy() throws -> any EvaluationPolicy
    /// Everything needed to continue exactly: networks, optimiser state, RNG, counters, environment state.
    func checkpoint() throws -> Checkpoint
    /// Replay contents, when the agent has a replay (nil otherwise); saved beside the latest checkpoint.
    func replayCheckpoint() throws -> Checkpoint?
    /// The checkpoint prefixes of what acting needs (networks and normaliser), for exported policies.
    var policyTensorPrefixes: [String] { get }
    /// Loads only the policy's networks from `checkpoint` (for evaluation; environments untouched).
    func loadPolicy(from checkpoint: Checkpoint) throws
    /// Restores from `checkpoint` (and `replay` when given); environments continue where they were.
    func restore(from checkpoint: Checkpoint, replay: Checkpoint?) throws
}
