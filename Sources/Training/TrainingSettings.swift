import Agents

/// The settings of a training run that every algorithm shares (the loop, logging, evaluation and
/// checkpoints), as config keys.
public struct TrainingSettings: Configurable, Sendable, Equatable {
    /// The registered environment id.
    public var environment = "CartPole-v1"
    /// Environment options for `make` as "key:value,key:value" (for example "render_width:84").
    public var environmentOptions = ""
    /// Total environment steps.
    public var steps = 200_000
    /// The run's seed (networks, sampling, episode seeds).
    public var seed = 1
    /// Environments per worker.
    public var environmentCount = 4
    /// Worker threads (ACER's multi-worker mode; 1 = plain).
    public var workers = 1
    /// Evaluate every this many environment steps (0: only at the end).
    public var evaluationInterval = 20_000
    /// Episodes per evaluation.
    public var evaluationEpisodes = 10
    /// Evaluate with the policy's mode (true) or by sampling.
    public var evaluationDeterministic = true
    /// Record a video of the first episode of every evaluation into videos/.
    public var evaluationVideo = true
    /// Save a checkpoint every this many environment steps (0: only at the end).
    public var checkpointInterval = 50_000
    /// Checkpoints kept besides best (oldest deleted).
    public var keepCheckpoints = 3
    /// Save the replay buffer beside the latest checkpoint, for an exact resume (large for pixels).
    public var saveReplay = true
    /// Seconds between progress lines.
    public var logInterval = 2.0
    /// Threads the numeric kernels may use (2 on this machine; workers > 1 use 1 each).
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
