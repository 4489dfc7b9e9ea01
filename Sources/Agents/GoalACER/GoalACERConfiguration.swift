/// Goal-conditioned ACER's hyperparameters: ACER's (baselines defaults) plus the dynamics, goal and
/// relabelling settings described in docs/goal-acer.md.
public struct GoalACERConfiguration: Configurable, Sendable, Equatable {
    /// The ACER hyperparameters shared by the exploration and evaluation policies.
    public var acer = ACERConfiguration()
    /// "learned" (encoder + forward model) or "dummy" (plain ACER: no goal input, no intrinsic reward).
    public var dynamics = DynamicsChoice.learned
    /// How phi is learned: random (frozen, default), inverse or rnd.
    public var auxiliary = LearnedDynamics.Auxiliary.random
    /// Size of phi (the reference's 512 for pixels; 64 here for vectors).
    public var featureSize = 64
    /// Dynamics learning rate.
    public var dynamicsLearningRate = 3e-4
    /// Random steps before training (the reference's 1e3-3e3), then dynamics updates and goal seeding.
    public var initialSteps = 2000
    /// Dynamics updates in `initialize()`.
    public var initialDynamicsUpdates = 100
    /// Probability of relabelling a trajectory's goal with a future achieved state (HER future, 0.8).
    public var relabelProbability = 0.8
    /// Intrinsic reward: negative_distance (the notes), exp (exp(-d)) or sparse (1 on the step that
    /// reaches the goal, else 0: bounded, as hindsight relabelling expects).
    public var intrinsicReward = IntrinsicReward.negativeDistance
    /// Observation indices compared to decide that a goal is reached ("coordinate threshold when the
    /// env exposes positions", e.g. "0,1" for [x, y, direction] grid observations); empty: feature space.
    public var reachCoordinates: [Int] = []
    /// A goal is reached when every compared coordinate is within this distance (0.5: the same grid cell).
    public var coordinateThreshold = 0.5
    /// Goal environments: the environment's computeReward (sparse, default) or negative_distance
    /// (-||achieved - desired|| scaled to the goal space, 0 at the goal).
    public var goalReward = GoalReward.environment
    /// Feature-space reach threshold on ||phi(o) - phi(g)||^2 / (||phi(g)||^2 + 1e-6) (0.05).
    public var reachThreshold = 0.05
    /// Novelty queue size (1000).
    public var goalQueueSize = 1000
    /// A state enters the queue when its novelty exceeds this fraction of the queue's least novel one.
    public var noveltyFraction = 0.9
    /// Units of the hidden layer over [latent, goal feature] before the exploration policy's heads
    /// (0: the reference's linear heads on the concatenation, whose logits are a sum of a state term
    /// and a goal term and so cannot say "turn left here for that goal").
    public var goalHiddenSize = 256
    /// Re-score the queued states' novelty with the current forward model every iteration (the
    /// reference keeps each state's novelty from when it entered, so early states seen by an
    /// untrained model outrank the frontier).
    public var rescoreGoals = true
    /// How goal images reach the exploration policy: feature (the reference: phi(goal image)
    /// concatenated with the policy latent) or stacked (the goal image stacked on the observation's
    /// channels, so that the policy's own convolutions compare the two pictures pixel by pixel).
    public var goalInput = GoalInput.feature
    /// With stacked goal images, also two coordinate planes (x and y in [-1, 1], CoordConv) so that
    /// the convolutions can tell where in the picture the agent and the goal are.
    public var coordinateChannels = false
    /// Uniform probability mixed into the exploration policy's actions: mu = (1 - e) pi + e / nA. Every
    /// action then keeps mu >= e / nA, so rho = pi / mu <= nA / e; with e >= nA / c ACER's bias
    /// correction, which trusts Q of actions the data never shows, stays off for the evaluation
    /// policy learning from these data (0: the reference).
    public var behaviourEpsilon = 0.0
    /// Environments (the first ones) whose episodes the evaluation policy acts in, as a scheduler
    /// of intentions does (SAC-X): the evaluation policy then also learns from its own actions.
    /// 0: the reference, where the exploration policy (or a uniform policy once the goal is reached)
    /// collects everything and the evaluation policy learns only off-policy.
    public var evaluationActors = 0
    /// Move a goal target along the sorted queue once the success rate of the last 10 episodes is >= 0.7.
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
