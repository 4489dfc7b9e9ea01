import NN

/// ACER's hyperparameters. Defaults are OpenAI baselines' (acer.py) unless noted; presets in
/// assets/configs/ override them per environment.
///
/// Each key is documented once, in `hyperparameters` (what it does and its reference default), which
/// `swiftrl train ALGORITHM --list-keys` prints; the properties name their key.
public struct ACERConfiguration: Configurable, Sendable, Equatable {
    /// Key `n_steps`.
    public var steps = 20
    /// Key `replay_ratio`.
    public var replayRatio = 4.0
    /// Key `replay_size`.
    public var replaySize = 50_000
    /// Key `replay_start`.
    public var replayStart = 10_000
    /// Key `replay_kind`.
    public var replayKind = ReplayKind.segments
    /// Key `episodes_per_batch`.
    public var episodesPerBatch = 32
    /// Key `gamma`.
    public var discount = 0.99
    /// Key `q_coef`.
    public var qCoefficient = 0.5
    /// Key `ent_coef`.
    public var entropyCoefficient = 0.01
    /// Key `c`.
    public var truncation = 10.0
    /// Key `trust_region`.
    public var trustRegion = true
    /// Key `delta`.
    public var trustRegionDelta = 1.0
    /// Key `alpha`.
    public var averageDecay = 0.99
    /// Key `optimizer`.
    public var optimizer = OptimizerChoice.rmsprop
    /// Key `learning_rate`.
    public var learningRate = 7e-4
    /// Key `lr_schedule`.
    public var learningRateSchedule = ScheduleChoice.linear
    /// Key `rmsprop_decay`.
    public var rmspropDecay = 0.99
    /// Key `rmsprop_epsilon`.
    public var rmspropEpsilon = 1e-5
    /// Key `max_grad_norm`.
    public var maxGradientNorm = 10.0
    /// Key `hidden_sizes`.
    public var hiddenSizes = [64, 64]
    /// Key `activation`.
    public var activation = Activation.tanh
    /// Key `pixel_trunk`.
    public var pixelTrunk = PixelTrunk.nature
    /// Key `lock`.
    public var lock = true

    /// The reference defaults.
    public init() {}

    public static var hyperparameters: [Hyperparameter<ACERConfiguration>] {
        [
            .int("n_steps", \.steps, "steps per environment per iteration (baselines nsteps 20)", range: 1...100_000),
            .real(
                "replay_ratio", \.replayRatio, "mean off-policy updates per on-policy update, Poisson-sampled (baselines 4)", range: 0...64),
            .int("replay_size", \.replaySize, "transitions the replay holds per worker (baselines 50000)", range: 1...100_000_000),
            .int(
                "replay_start", \.replayStart, "transitions stored before off-policy updates start (baselines 10000)",
                range: 0...100_000_000),
            .choice(
                "replay_kind", \.replayKind, "segments (baselines) or episodes (ACER-torch's whole-episode replay)",
            ),
            .int(
                "episodes_per_batch", \.episodesPerBatch, "episodes per off-policy batch with replay_kind episodes (ACER-torch 32)",
                range: 1...100_000),
            .real("gamma", \.discount, "discount (0.99)", range: 0...1),
            .real("q_coef", \.qCoefficient, "weight of the Q loss (baselines 0.5)", range: 0...1000),
            .real("ent_coef", \.entropyCoefficient, "entropy bonus coefficient (baselines 0.01)", range: 0...1000),
            .real("c", \.truncation, "importance-weight truncation (baselines 10)", range: 0...1e6),
            .bool("trust_region", \.trustRegion, "use the efficient trust region (baselines true)"),
            .real("delta", \.trustRegionDelta, "trust-region bound (baselines 1)", range: 0...1e6),
            .real("alpha", \.averageDecay, "Polyak decay of the average network (baselines 0.99)", range: 0...1),
            .choice("optimizer", \.optimizer, "rmsprop (TensorFlow form, baselines) or adam (ACER-torch)"),
            .real("learning_rate", \.learningRate, "learning rate (baselines 7e-4)", range: 0...10),
            .choice(
                "lr_schedule", \.learningRateSchedule, "linear decay to 0 over the run (baselines) or constant",
            ),
            .real("rmsprop_decay", \.rmspropDecay, "RMSProp decay (baselines 0.99)", range: 0...1),
            .real("rmsprop_epsilon", \.rmspropEpsilon, "RMSProp epsilon inside the square root (baselines 1e-5)", range: 0...1),
            .real("max_grad_norm", \.maxGradientNorm, "global gradient-norm clip (baselines 10)", range: 0...1e9),
            .sizes(
                "hidden_sizes", \.hiddenSizes, "MLP trunk sizes for vector observations (baselines mlp 64,64); images use the Nature CNN"),
            .choice("activation", \.activation, "MLP trunk activation (baselines tanh)", among: Activation.trunkChoices),
            .choice(
                "pixel_trunk", \.pixelTrunk,
                "trunk for pixel observations: the Nature CNN (baselines) or keypoints (spatial softmax over 2-pixel cells, then hidden_sizes layers; for small grid pictures)",
            ),
            .bool("lock", \.lock, "multi-worker: lock around gradient transfer and optimiser step (ACER-torch default; false = Hogwild)"),
        ]
    }
}
