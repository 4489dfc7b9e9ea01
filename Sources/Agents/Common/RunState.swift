import NN
import Random

/// The part of a checkpoint that lets a run go on exactly where it stopped, written and read the same
/// way by every agent: the random generator's state and the environments' state (`EpisodeRunner`),
/// under `prefix` (ACER's workers each have their own: "worker0.", ...), and the environment steps.
enum RunState {
    /// Records `generator` and `runner` under `prefix`, and the run's `environmentSteps`.
    static func save(
        generator: RandomGenerator, runner: EpisodeRunner, environmentSteps: Int, prefix: String = "",
        into checkpoint: inout Checkpoint
    ) throws {
        checkpoint.metadata["environment_steps"] = "\(environmentSteps)"
        checkpoint.metadata[prefix + "rng"] = generator.state.map(String.init).joined(separator: ",")
        checkpoint.metadata[prefix + "environments"] = try runner.state()
    }

    /// The generator saved under `prefix`, with `runner` restored from the state saved beside it;
    /// throws naming what is missing (`owner` says whose state it is, for the message).
    static func restore(
        runner: EpisodeRunner, from checkpoint: Checkpoint, prefix: String = "",
        owner: String = "the run"
    ) throws -> RandomGenerator {
        guard let text = checkpoint.metadata[prefix + "rng"],
            let generator = RandomGenerator(state: text.split(separator: ",").compactMap { UInt64($0) }),
            let environments = checkpoint.metadata[prefix + "environments"]
        else {
            throw AgentError.invalidState("the checkpoint has no random-generator or environment state for \(owner)")
        }
        try runner.restore(environments)
        return generator
    }
}
