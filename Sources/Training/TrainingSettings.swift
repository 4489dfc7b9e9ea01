import Agents

/// The settings of a training run that every algorithm shares (the loop, logging, evaluation and
/// checkpoints), as config keys.
///
/// Each key is documented once, in `hyperparameters` (what it does and its reference default), which
/// `swiftrl train ALGORITHM --list-keys` prints; the properties name their key.
public struct TrainingSettings: Configurable, Sendable, Equatable {
    /// Key `env`.
    public var environment = "CartPole-v1"
    /// Key `env_options`.
    public var environmentOptions = ""
    /// Key `steps`.
    public var steps = 200_000
    /// Key `seed`.
    public var seed = 1
    /// Key `num_envs`.
    public var environmentCount = 4
    /// Key `workers`.
    public var workers = 1
    /// Key `eval_every`.
    public var evaluationInterval = 20_000
    /// Key `eval_episodes`.
    public var evaluationEpisodes = 10
    /// Key `eval_deterministic`.
    public var evaluationDeterministic = true
    /// Key `eval_video`.
    public var evaluationVideo = true
    /// Key `checkpoint_every`.
    public var checkpointInterval = 50_000
    /// Key `keep_checkpoints`.
    public var keepCheckpoints = 3
    /// Key `save_replay`.
    public var saveReplay = true
    /// Key `log_every`.
    public var logInterval = 2.0
    /// Key `threads`.
    public var kernelThreads = 2

    /// The seed of the first evaluation episode (episode i uses it + i): far from the training
    /// episodes' seeds, and the same at every evaluation of the run, so evaluations are comparable.
    public var evaluationSeed: Int { seed + 1_000_000 }

    /// The defaults.
    public init() {}

    public static var hyperparameters: [Hyperparameter<TrainingSettings>] {
        [
            .text("env", \.environment, "registered environment id (swiftrl envs list)"),
            .text("env_options", \.environmentOptions, "environment options as key:value,key:value (for example render_width:84)"),
            .int("steps", \.steps, "total environment steps", range: 1...10_000_000_000),
            .int("seed", \.seed, "seed of networks, sampling and episode seeds", range: 0...Int(Int32.max)),
            .int("num_envs", \.environmentCount, "environments per worker", range: 1...4096),
            .int("workers", \.workers, "worker threads (ACER multi-worker; 1 = plain)", range: 1...64),
            .int(
                "eval_every", \.evaluationInterval, "evaluate every this many environment steps (0: only at the end)",
                range: 0...10_000_000_000),
            .int("eval_episodes", \.evaluationEpisodes, "episodes per evaluation", range: 1...100_000),
            .bool("eval_deterministic", \.evaluationDeterministic, "evaluate with the policy's mode rather than sampling"),
            .bool("eval_video", \.evaluationVideo, "record the first evaluation episode to videos/"),
            .int(
                "checkpoint_every", \.checkpointInterval, "checkpoint every this many environment steps (0: only at the end)",
                range: 0...10_000_000_000),
            .int("keep_checkpoints", \.keepCheckpoints, "periodic checkpoints kept (besides best)", range: 1...1000),
            .bool("save_replay", \.saveReplay, "save the replay beside the latest checkpoint for an exact resume"),
            .real("log_every", \.logInterval, "seconds between progress lines", range: 0...86_400),
            .int("threads", \.kernelThreads, "threads for numeric kernels", range: 1...64),
        ]
    }
}
