import NN

/// The optimiser of ACER's networks.
public enum OptimizerChoice: String, Sendable, CaseIterable {
    /// RMSProp in TensorFlow's form (baselines).
    case rmsprop
    /// Adam (ACER-torch).
    case adam
}

/// How ACER's learning rate moves over the run.
public enum ScheduleChoice: String, Sendable, CaseIterable {
    /// Linear decay to 0 over the run (baselines).
    case linear
    /// The same rate throughout.
    case constant
}

/// What ACER's replay stores.
public enum ReplayKind: String, Sendable, CaseIterable {
    /// Fixed-length segments (baselines).
    case segments
    /// Whole episodes (ACER-torch).
    case episodes
}

/// The trunk of ACER's networks for pixel observations.
public enum PixelTrunk: String, Sendable, CaseIterable {
    /// The Nature CNN (as baselines).
    case nature
    /// `KeypointCNN`: cell-sized convolutions and a spatial softmax, for small grid pictures.
    case keypoints
}

/// PPO's learning-rate schedule.
public enum PPOSchedule: String, Sendable, CaseIterable {
    /// rsl_rl's KL-driven adaptation.
    case adaptive
    /// The same rate throughout.
    case fixed
}

/// PPO's actor-critic memory.
public enum RecurrentKind: String, Sendable, CaseIterable {
    /// An MLP actor-critic.
    case none
    /// Separate actor and critic LSTMs (rsl_rl's recurrent actor-critic).
    case lstm
}

/// SAC's observation encoder.
public enum EncoderChoice: String, Sendable, CaseIterable {
    /// The pixel encoder for square images, the identity for vectors.
    case auto
    /// The SAC-AE pixel encoder.
    case pixel
    /// Observations as they are.
    case identity
}

/// The activations the MLP trunks offer in configs.
extension Activation {
    /// tanh, relu and elu, the trunks' choices.
    public static let trunkChoices: [Activation] = [.tanh, .relu, .elu]
}

/// Goal-conditioned ACER's dynamics model.
public enum DynamicsChoice: String, Sendable, CaseIterable {
    /// An encoder and a forward model in feature space.
    case learned
    /// No model and no goals: plain ACER.
    case dummy
}

/// Goal-conditioned ACER's intrinsic reward for reaching feature-space goals.
public enum IntrinsicReward: String, Sendable, CaseIterable {
    /// Minus the normalised feature distance (the notes).
    case negativeDistance = "negative_distance"
    /// exp(-distance).
    case exp
    /// 1 when the goal is reached, else 0.
    case sparse
}

/// Goal-conditioned ACER's reward in goal environments.
public enum GoalReward: String, Sendable, CaseIterable {
    /// The environment's computeReward.
    case environment
    /// Minus the normalised distance between achieved and desired goals.
    case negativeDistance = "negative_distance"
}

/// How goal images reach goal-conditioned ACER's exploration policy.
public enum GoalInput: String, Sendable, CaseIterable {
    /// phi(goal) concatenated with the latent (the reference).
    case feature
    /// The goal image as extra input channels.
    case stacked
}
