import NN

/// ACER's hyperparameters. Defaults are OpenAI baselines' (acer.py) unless noted; presets in
/// assets/configs/ override them per environment.
public struct ACERConfiguration: Configurable, Sendable, Equatable {
    /// Steps per environment per iteration (baselines nsteps 20).
    public var steps = 20
    /// Mean number of off-policy updates per on-policy update, Poisson-sampled (baselines 4; 0: on-policy only).
    public var replayRatio = 4.0
    /// Transitions the replay holds per worker (baselines 50000).
    public var replaySize = 50_000
    /// Transitions stored before off-policy updates start (baselines 10000).
    public var replayStart = 10_000
    /// "segments": fixed-length segments (baselines); "episodes": whole episodes (ACER-torch).
    public var replayKind = ReplayKind.segments
    /// Episodes per off-policy batch with replay_kind episodes (ACER-torch 32).
    public var episodesPerBatch = 32
    /// Discount gamma (0.99).
    public var discount = 0.99
    /// Weight of the Q loss (baselines q_coef 0.5).
    public var qCoefficient = 0.5
    /// Entropy bonus coefficient (baselines ent_coef 0.01).
    public var entropyCoefficient = 0.01
    /// Importance-weight truncation c (baselines 10).
    public var truncation = 10.0
    /// Use the efficient trust region (baselines true).
    public var trustRegion = true
    /// Trust-region bound delta (baselines 1).
    public var trustRegionDelta = 1.0
    /// Polyak decay alpha of the average network: avg = alpha avg + (1 - alpha) theta (baselines 0.99).
    public var averageDecay = 0.99
    /// "rmsprop" (TensorFlow form, baselines) or "adam" (ACER-torch).
    public var optimizer = OptimizerChoice.rmsprop
    /// Learning rate (baselines 7e-4).
    public var learningRate = 7e-4
    /// "linear": decay to 0 over the run (baselines); "constant".
    public var learningRateSchedule = ScheduleChoice.linear
    /// RMSProp decay (baselines 0.99).
    public var rmspropDecay = 0.99
    /// RMSProp epsilon, inside the square root (baselines 1e-5).
    public var rmspropEpsilon = 1e-5
    /// Global gradient-norm clip (baselines 10).
    public var maxGradientNorm = 10.0
    /// Hidden layer sizes of the MLP trunk for vector observations (baselines mlp: 64,64).
    public var hiddenSizes = [64, 64]
    /// Activation of the MLP trunk (baselines mlp: tanh).
    public var activation = Activation.tanh
    /// The trunk for pixel observations: "nature" (the Nature CNN, as baselines) or "keypoints"
    /// (`KeypointCNN`: cell-sized convolutions and a spatial softmax, for small grid pictures).
    public var pixelTrunk = PixelTrunk.nature
    /// Multi-worker: hold a lock around each worker's gradient transfer and optimiser step
    /// (ACER-torch's default; false is Hogwild, its --no-lock).
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
