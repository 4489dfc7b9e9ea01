/// Goal-conditioned ACER's hyperparameters: ACER's (baselines defaults) plus the dynamics, goal and
/// relabelling settings described in docs/goal-acer.md.
///
/// Each key is documented once, in `hyperparameters` (what it does and its reference default), which
/// `swiftrl train ALGORITHM --list-keys` prints; the properties name their key.
public struct GoalACERConfiguration: Configurable, Sendable, Equatable {
    /// The ACER hyperparameters shared by the exploration and evaluation policies.
    public var acer = ACERConfiguration()
    /// Key `dynamics`.
    public var dynamics = DynamicsChoice.learned
    /// Key `auxiliary`.
    public var auxiliary = LearnedDynamics.Auxiliary.random
    /// Key `feature_size`.
    public var featureSize = 64
    /// Key `dynamics_lr`.
    public var dynamicsLearningRate = 3e-4
    /// Key `initial_steps`.
    public var initialSteps = 2000
    /// Key `initial_dynamics_updates`.
    public var initialDynamicsUpdates = 100
    /// Key `relabel_probability`.
    public var relabelProbability = 0.8
    /// Key `intrinsic_reward`.
    public var intrinsicReward = IntrinsicReward.negativeDistance
    /// Key `reach_coordinates`.
    public var reachCoordinates: [Int] = []
    /// Key `coordinate_threshold`.
    public var coordinateThreshold = 0.5
    /// Key `goal_reward`.
    public var goalReward = GoalReward.environment
    /// Key `reach_threshold`.
    public var reachThreshold = 0.05
    /// Key `goal_queue_size`.
    public var goalQueueSize = 1000
    /// Key `novelty_fraction`.
    public var noveltyFraction = 0.9
    /// Key `goal_hidden`.
    public var goalHiddenSize = 256
    /// Key `rescore_goals`.
    public var rescoreGoals = true
    /// Key `goal_input`.
    public var goalInput = GoalInput.feature
    /// Key `coordinate_channels`.
    public var coordinateChannels = false
    /// Key `behaviour_epsilon`.
    public var behaviourEpsilon = 0.0
    /// Key `evaluation_actors`.
    public var evaluationActors = 0
    /// Key `curriculum`.
    public var curriculum = false

    /// The defaults.
    public init() {}

    public static var hyperparameters: [Hyperparameter<GoalACERConfiguration>] {
        let shared: [Hyperparameter<GoalACERConfiguration>] = ACERConfiguration.hyperparameters.map { parameter in
            Hyperparameter(
                key: parameter.key, summary: parameter.summary, read: { parameter.read($0.acer) },
                write: { configuration, text in try parameter.write(&configuration.acer, text) }, aliases: parameter.aliases)
        }
        return shared + [
            .choice("dynamics", \.dynamics, "learned (encoder + forward model) or dummy (plain ACER)"),
            .choice(
                "auxiliary", \.auxiliary, "how phi is learned: random (frozen), inverse or rnd"),
            .int("feature_size", \.featureSize, "size of phi (reference 512 for pixels)", range: 1...4096),
            .real("dynamics_lr", \.dynamicsLearningRate, "dynamics learning rate", range: 0...10),
            .int("initial_steps", \.initialSteps, "random steps before training (reference 1e3-3e3)", range: 0...10_000_000),
            .int("initial_dynamics_updates", \.initialDynamicsUpdates, "dynamics updates in initialize()", range: 0...1_000_000),
            .real("relabel_probability", \.relabelProbability, "HER future relabelling probability (0.8)", range: 0...1),
            .choice(
                "intrinsic_reward", \.intrinsicReward, "negative_distance (the notes), exp or sparse (1 when reached)",
            ),
            .indices(
                "reach_coordinates", \.reachCoordinates,
                "observation indices compared for reaching a goal, e.g. 0,1 (empty: feature distance)"),
            .real(
                "coordinate_threshold", \.coordinateThreshold, "reach distance per compared coordinate (0.5: same grid cell)",
                range: 0...1e6),
            .choice(
                "goal_reward", \.goalReward, "goal environments: environment (computeReward) or negative_distance",
            ),
            .real("reach_threshold", \.reachThreshold, "feature-space reach threshold (0.05)", range: 0...1e6),
            .int("goal_queue_size", \.goalQueueSize, "novelty queue size (1000)", range: 1...10_000_000),
            .real("novelty_fraction", \.noveltyFraction, "entry threshold as a fraction of the least novel queued state", range: 0...1e6),
            .int(
                "goal_hidden", \.goalHiddenSize,
                "hidden units over [latent, goal] before the exploration heads (0: the reference's linear heads)", range: 0...65_536),
            .bool(
                "rescore_goals", \.rescoreGoals,
                "re-score the goal queue's novelty with the current model each iteration (false: the reference)"),
            .choice(
                "goal_input", \.goalInput,
                "goal images: feature (phi concatenated with the latent, the reference) or stacked (extra input channels)",
            ),
            .bool(
                "coordinate_channels", \.coordinateChannels,
                "stacked goal images: add x and y coordinate planes to the policy's input (CoordConv)"),
            .real(
                "behaviour_epsilon", \.behaviourEpsilon,
                "uniform probability mixed into the exploration policy's actions (0: the reference)", range: 0...1),
            .int(
                "evaluation_actors", \.evaluationActors, "environments acted in by the evaluation policy (0: the reference)",
                range: 0...65_536),
            .bool("curriculum", \.curriculum, "move a goal target along the sorted queue at 70% success"),
        ]
    }
}
