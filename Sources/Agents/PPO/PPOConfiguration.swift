import NN

/// PPO's hyperparameters. Defaults are rsl_rl v1's (its typical PPO runner configuration) unless noted;
/// presets override them per environment.
public struct PPOConfiguration: Configurable, Sendable, Equatable {
    /// Steps per environment per iteration (rsl_rl 24).
    public var stepsPerEnvironment = 24
    /// Passes over each rollout (5).
    public var epochs = 5
    /// Minibatches per pass (4).
    public var minibatches = 4
    /// Surrogate clip (0.2).
    public var clip = 0.2
    /// Clip the value loss around the old values too (true).
    public var clipValueLoss = true
    /// Value loss weight (1.0).
    public var valueCoefficient = 1.0
    /// Entropy bonus (0.01).
    public var entropyCoefficient = 0.01
    /// Adam learning rate (1e-3).
    public var learningRate = 1e-3
    /// "adaptive" (KL-driven) or "fixed" learning rate (rsl_rl adaptive).
    public var schedule = PPOSchedule.adaptive
    /// Target KL of the adaptive schedule (0.01).
    public var desiredKL = 0.01
    /// Discount (0.99) and GAE lambda (0.95).
    public var discount = 0.99
    public var lambda = 0.95
    /// Global gradient-norm clip (1.0).
    public var maxGradientNorm = 1.0
    /// Initial standard deviation of continuous actions (1.0).
    public var initialNoiseStd = 1.0
    /// Hidden sizes of the actor and the critic (rsl_rl 512,256,128).
    public var actorHiddenSizes = [512, 256, 128]
    public var criticHiddenSizes = [512, 256, 128]
    /// Activation (elu).
    public var activation = Activation.elu
    /// Normalise observations with running statistics (saved in checkpoints).
    public var normalizeObservations = false
    /// "none" (MLP actor-critic) or "lstm" (separate actor and critic LSTM memories).
    public var recurrent = RecurrentKind.none
    /// Hidden size of the memories (rsl_rl 256).
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
