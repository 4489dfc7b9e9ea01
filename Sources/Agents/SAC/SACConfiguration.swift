/// SAC and SAC-AE hyperparameters. Defaults are pytorch_sac_ae's (Yarats et al. 2019) unless noted;
/// presets in assets/configs/ override them per environment.
public struct SACConfiguration: Configurable, Sendable, Equatable {
    /// "auto" (the pixel encoder for 9x84x84-style images, identity for vectors), "pixel" or "identity".
    public var encoder = EncoderChoice.auto
    /// Train the pixel decoder on the critic encoder's latent (SAC-AE); false: SAC from pixels or states.
    public var decoder = true
    /// Transitions the replay holds (reference 1e6; 100k transitions of 9x84x84 take 2.1 GB here).
    public var replaySize = 100_000
    /// Random-action steps before learning; at that step as many warm-up updates run (reference 1000).
    public var initialSteps = 1000
    /// Updates per environment step after the warm-up (reference 1).
    public var updatesPerStep = 1
    /// Minibatch size (reference 128).
    public var batchSize = 128
    /// Hidden units of the actor and critic MLPs (reference 1024).
    public var hiddenSize = 1024
    /// Discount (0.99).
    public var discount = 0.99
    /// Initial temperature alpha (reference 0.1).
    public var initialTemperature = 0.1
    /// Temperature learning rate (reference 1e-4) and Adam beta1 (0.5).
    public var alphaLearningRate = 1e-4
    public var alphaBeta = 0.5
    /// Actor learning rate (1e-3) and beta1 (0.9).
    public var actorLearningRate = 1e-3
    public var actorBeta = 0.9
    /// Bounds of the actor's log standard deviation (-10, 2).
    public var actorLogStdMin = -10.0
    public var actorLogStdMax = 2.0
    /// Actor and temperature update every this many updates (2).
    public var actorUpdateFrequency = 2
    /// Critic learning rate (1e-3) and beta1 (0.9).
    public var criticLearningRate = 1e-3
    public var criticBeta = 0.9
    /// Soft-update rate of the target Q heads (0.01) and of the target encoder (0.05).
    public var criticTau = 0.01
    public var encoderTau = 0.05
    /// Target networks update every this many updates (2).
    public var targetUpdateFrequency = 2
    /// Latent size of the pixel encoder (50), its conv layers (4) and filters (32).
    public var encoderFeatureDimension = 50
    public var encoderLayers = 4
    public var encoderFilters = 32
    /// Encoder learning rate for the reconstruction loss (1e-3).
    public var encoderLearningRate = 1e-3
    /// Decoder learning rate (1e-3), update frequency (1), latent L2 penalty (1e-6), weight decay (1e-7).
    public var decoderLearningRate = 1e-3
    public var decoderUpdateFrequency = 1
    public var decoderLatentLambda = 1e-6
    public var decoderWeightLambda = 1e-7

    /// The reference defaults.
    public init() {}

    public static var hyperparameters: [Hyperparameter<SACConfiguration>] {
        [
            .choice(
                "encoder", \.encoder, "auto (pixel for images, identity for vectors), pixel or identity",
            ),
            .bool("decoder", \.decoder, "train the pixel decoder (SAC-AE); false: SAC from pixels or states"),
            .int("replay_size", \.replaySize, "transitions held (reference 1e6)", range: 1...100_000_000),
            .int(
                "initial_steps", \.initialSteps, "random-action steps, then as many warm-up updates (reference init_steps 1000)",
                range: 0...100_000_000
            ).aliased("init_steps"),
            .int("updates_per_step", \.updatesPerStep, "updates per environment step (reference 1)", range: 0...1000),
            .int("batch_size", \.batchSize, "minibatch size (reference 128)", range: 1...100_000),
            .int("hidden_dim", \.hiddenSize, "actor and critic MLP width (reference 1024)", range: 1...100_000),
            .real("gamma", \.discount, "discount (reference discount 0.99)", range: 0...1).aliased("discount"),
            .real("init_temperature", \.initialTemperature, "initial alpha (reference 0.1)", range: 1e-8...1e6),
            .real("alpha_lr", \.alphaLearningRate, "temperature learning rate (1e-4)", range: 0...10),
            .real("alpha_beta", \.alphaBeta, "temperature Adam beta1 (0.5)", range: 0...1),
            .real("actor_lr", \.actorLearningRate, "actor learning rate (1e-3)", range: 0...10),
            .real("actor_beta", \.actorBeta, "actor Adam beta1 (0.9)", range: 0...1),
            .real("actor_log_std_min", \.actorLogStdMin, "lower log-std bound (-10)", range: -100...100),
            .real("actor_log_std_max", \.actorLogStdMax, "upper log-std bound (2)", range: -100...100),
            .int("actor_update_freq", \.actorUpdateFrequency, "actor and alpha update every N updates (2)", range: 1...1000),
            .real("critic_lr", \.criticLearningRate, "critic learning rate (1e-3)", range: 0...10),
            .real("critic_beta", \.criticBeta, "critic Adam beta1 (0.9)", range: 0...1),
            .real("critic_tau", \.criticTau, "target Q soft-update rate (0.01)", range: 0...1),
            .real("encoder_tau", \.encoderTau, "target encoder soft-update rate (0.05)", range: 0...1),
            .int("critic_target_update_freq", \.targetUpdateFrequency, "target update every N updates (2)", range: 1...1000),
            .int("encoder_feature_dim", \.encoderFeatureDimension, "pixel encoder latent size (50)", range: 1...10_000),
            .int("num_layers", \.encoderLayers, "pixel encoder conv layers (4)", range: 1...16),
            .int("num_filters", \.encoderFilters, "pixel encoder filters (32)", range: 1...1024),
            .real("encoder_lr", \.encoderLearningRate, "encoder learning rate for the reconstruction loss (1e-3)", range: 0...10),
            .real("decoder_lr", \.decoderLearningRate, "decoder learning rate (1e-3)", range: 0...10),
            .int("decoder_update_freq", \.decoderUpdateFrequency, "decoder update every N updates (1)", range: 1...1000),
            .real("decoder_latent_lambda", \.decoderLatentLambda, "latent L2 penalty (1e-6)", range: 0...1e6),
            .real("decoder_weight_lambda", \.decoderWeightLambda, "decoder weight decay (1e-7)", range: 0...1e6),
        ]
    }
}
