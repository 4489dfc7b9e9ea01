import NN

/// PPO's hyperparameters. Defaults are rsl_rl v1's (its typical PPO runner configuration) unless noted;
/// presets override them per environment.
///
/// Each key is documented once, in `hyperparameters` (what it does and its reference default), which
/// `swiftrl train ALGORITHM --list-keys` prints; the properties name their key.
public struct PPOConfiguration: Configurable, Sendable, Equatable {
    /// Key `num_steps_per_env`.
    public var stepsPerEnvironment = 24
    /// Key `num_learning_epochs`.
    public var epochs = 5
    /// Key `num_mini_batches`.
    public var minibatches = 4
    /// Key `clip_param`.
    public var clip = 0.2
    /// Key `use_clipped_value_loss`.
    public var clipValueLoss = true
    /// Key `value_loss_coef`.
    public var valueCoefficient = 1.0
    /// Key `ent_coef`.
    public var entropyCoefficient = 0.01
    /// Key `learning_rate`.
    public var learningRate = 1e-3
    /// Key `schedule`.
    public var schedule = PPOSchedule.adaptive
    /// Key `desired_kl`.
    public var desiredKL = 0.01
    /// Key `gamma`.
    public var discount = 0.99
    /// Key `lam`.
    public var lambda = 0.95
    /// Key `max_grad_norm`.
    public var maxGradientNorm = 1.0
    /// Key `init_noise_std`.
    public var initialNoiseStd = 1.0
    /// Key `actor_hidden_dims`.
    public var actorHiddenSizes = [512, 256, 128]
    /// Key `critic_hidden_dims`.
    public var criticHiddenSizes = [512, 256, 128]
    /// Key `activation`.
    public var activation = Activation.elu
    /// Key `normalize_observations`.
    public var normalizeObservations = false
    /// Key `recurrent`.
    public var recurrent = RecurrentKind.none
    /// Key `rnn_hidden_size`.
    public var recurrentHiddenSize = 256

    /// The reference defaults.
    public init() {}

    public static var hyperparameters: [Hyperparameter<PPOConfiguration>] {
        [
            .int("num_steps_per_env", \.stepsPerEnvironment, "steps per environment per iteration (rsl_rl 24)", range: 1...100_000),
            .int("num_learning_epochs", \.epochs, "passes over each rollout (5)", range: 1...1000),
            .int("num_mini_batches", \.minibatches, "minibatches per pass (4)", range: 1...100_000),
            .real("clip_param", \.clip, "surrogate clip (0.2)", range: 0...10),
            .bool("use_clipped_value_loss", \.clipValueLoss, "clip the value loss around the old values (true)"),
            .real("value_loss_coef", \.valueCoefficient, "value loss weight (1.0)", range: 0...1000),
            .real("ent_coef", \.entropyCoefficient, "entropy bonus (rsl_rl entropy_coef 0.01)", range: 0...1000).aliased("entropy_coef"),
            .real("learning_rate", \.learningRate, "Adam learning rate (1e-3)", range: 0...10),
            .choice("schedule", \.schedule, "adaptive (KL-driven, rsl_rl) or fixed"),
            .real("desired_kl", \.desiredKL, "target KL of the adaptive schedule (0.01)", range: 0...10),
            .real("gamma", \.discount, "discount (0.99)", range: 0...1),
            .real("lam", \.lambda, "GAE lambda (0.95)", range: 0...1),
            .real("max_grad_norm", \.maxGradientNorm, "global gradient-norm clip (1.0)", range: 0...1e9),
            .real("init_noise_std", \.initialNoiseStd, "initial std of continuous actions (1.0)", range: 1e-6...100),
            .sizes("actor_hidden_dims", \.actorHiddenSizes, "actor MLP sizes (512,256,128)"),
            .sizes("critic_hidden_dims", \.criticHiddenSizes, "critic MLP sizes (512,256,128)"),
            .choice("activation", \.activation, "activation (elu)", among: [.elu, .relu, .tanh]),
            .bool("normalize_observations", \.normalizeObservations, "running observation normalisation, saved in checkpoints"),
            .choice(
                "recurrent", \.recurrent, "none (MLP) or lstm (separate actor and critic memories, rsl_rl's recurrent actor-critic)",
            ),
            .int("rnn_hidden_size", \.recurrentHiddenSize, "memory hidden size (rsl_rl 256)", range: 1...100_000),
        ]
    }
}
