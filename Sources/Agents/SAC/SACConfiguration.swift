/// SAC and SAC-AE hyperparameters. Defaults are pytorch_sac_ae's (Yarats et al. 2019) unless noted;
/// presets in assets/configs/ override them per environment.
///
/// Each key is documented once, in `hyperparameters` (what it does and its reference default), which
/// `swiftrl train ALGORITHM --list-keys` prints; the properties name their key.
public struct SACConfiguration: Configurable, Sendable, Equatable {
    /// Key `encoder`.
    public var encoder = EncoderChoice.auto
    /// Key `decoder`.
    public var decoder = true
    /// Key `replay_size`.
    public var replaySize = 100_000
    /// Key `initial_steps`.
    public var initialSteps = 1000
    /// Key `updates_per_step`.
    public var updatesPerStep = 1
    /// Key `batch_size`.
    public var batchSize = 128
    /// Key `hidden_dim`.
    public var hiddenSize = 1024
    /// Key `gamma`.
    public var discount = 0.99
    /// Key `init_temperature`.
    public var initialTemperature = 0.1
    /// Key `alpha_lr`.
    public var alphaLearningRate = 1e-4
    /// Key `alpha_beta`.
    public var alphaBeta = 0.5
    /// Key `actor_lr`.
    public var actorLearningRate = 1e-3
    /// Key `actor_beta`.
    public var actorBeta = 0.9
    /// Key `actor_log_std_min`.
    public var actorLogStdMin = -10.0
    /// Key `actor_log_std_max`.
    public var actorLogStdMax = 2.0
    /// Key `actor_update_freq`.
    public var actorUpdateFrequency = 2
    /// Key `critic_lr`.
    public var criticLearningRate = 1e-3
    /// Key `critic_beta`.
    public var criticBeta = 0.9
    /// Key `critic_tau`.
    public var criticTau = 0.01
    /// Key `encoder_tau`.
    public var encoderTau = 0.05
    /// Key `critic_target_update_freq`.
    public var targetUpdateFrequency = 2
    /// Key `encoder_feature_dim`.
    public var encoderFeatureDimension = 50
    /// Key `num_layers`.
    public var encoderLayers = 4
    /// Key `num_filters`.
    public var encoderFilters = 32
    /// Key `encoder_lr`.
    public var encoderLearningRate = 1e-3
    /// Key `decoder_lr`.
    public var decoderLearningRate = 1e-3
    /// Key `decoder_update_freq`.
    public var decoderUpdateFrequency = 1
    /// Key `decoder_latent_lambda`.
    public var decoderLatentLambda = 1e-6
    /// Key `decoder_weight_lambda`.
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
