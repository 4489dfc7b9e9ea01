import Foundation
import Agents
import Gym
import NN
import Tensors

/// What a finished (or stopped) run leaves behind.
public struct TrainingSummary: Sendable {
    /// Environment steps taken.
    public var environmentSteps: Int
    /// Wall-clock seconds of this invocation.
    public var seconds: Double
    /// The last evaluation.
    public var finalEvaluation: EvaluationResult?
    /// The best evaluation mean return.
    public var bestEvaluationReturn: Double?
    /// The run folder.
    public var runDirectory: URL
}

/// The training loop every algorithm uses (rsl_rl's runner, CleanRL's logging): iterate the agent,
/// report progress (console line, progress.csv, TensorBoard events), evaluate on a separate
/// environment every `eval_every` steps with a video of the first episode, checkpoint every
/// `checkpoint_every` steps and at the end (atomically; the best evaluation kept), resume from the
/// newest valid checkpoint, and stop with a clear message on a NaN or infinite loss, keeping the
/// last good checkpoint.
public final class Trainer {
    /// The resolved configuration.
    public let configuration: RunConfiguration
    /// DIR.
    public let runDirectory: URL
    /// The agent.
    public let agent: any TrainableAgent
    private let checkpoints: CheckpointStore
    private let progressLine: ProgressLine
    private let registry: Registry
    private var startStep = 0
    private var bestReturn: Double?
    /// Wall-clock seconds and finished episodes of the run before this invocation (resumed runs go on
    /// counting from them in progress.csv and checkpoints).
    private var secondsBefore = 0.0, episodesBefore = 0
    private var invocationStart = Date()
    private var episodesThisInvocation = 0
    /// The last 100 training episodes (progress.csv's episode statistics), kept in checkpoints so a
    /// resumed run's statistics go on over the same window instead of restarting from its first episode.
    private var recentEpisodes: [EpisodeRecord] = []

    /// Wall-clock seconds of the whole run: earlier invocations' and this one's.
    private var elapsedSeconds: Double { secondsBefore + Date().timeIntervalSince(invocationStart) }
    /// Finished episodes of the whole run.
    private var episodeCount: Int { episodesBefore + episodesThisInvocation }
    private let lock: RunFolderLock
    private let stopSignals: StopSignals?

    /// Prepares a run in `runDirectory`. With `resume`, the configuration is read from
    /// DIR/config.json (`steps` may be raised by `stepsOverride`, and `resumeOverrides` may change the
    /// `RunConfiguration.resumableKeys`) and the newest valid checkpoint is loaded.
    /// Unless `checksEnvironment` is false, a new run first passes the environment (made with the run's
    /// options) through `EnvironmentChecker` and stops with the failing checks named.
    /// With `stopSignals`, a SIGINT or SIGTERM stops the run after the current iteration with a checkpoint.
    public init(
        configuration: RunConfiguration, runDirectory: URL, resume: Bool = false, stepsOverride: Int? = nil,
        resumeOverrides: [String] = [], plainOutput: Bool = false, registry: Registry = .shared, checksEnvironment: Bool = true,
        stopSignals: StopSignals? = nil
    ) throws {
        self.stopSignals = stopSignals
        self.runDirectory = runDirectory
        self.registry = registry
        progressLine = ProgressLine(forcePlain: plainOutput)
        // A run that fails to start (unknown environment, bad setting, nothing to resume) leaves
        // no folder behind unless the folder was there before.
        let folderExisted = FileManager.default.fileExists(atPath: runDirectory.path)
        var started = false
        defer { if !started && !folderExisted { try? FileManager.default.removeItem(at: runDirectory) } }
        do { try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true) } catch {
            throw TrainingError.unwritable(
                "cannot create the run folder \(runDirectory.path): \(error.localizedDescription); choose a writable --run-dir")
        }
        guard FileManager.default.isWritableFile(atPath: runDirectory.path) else {
            throw TrainingError.unwritable("the run folder \(runDirectory.path) is not writable: choose another --run-dir")
        }
        lock = try RunFolderLock(runDirectory: runDirectory)
        let stale = CheckpointStore.removeStaleTemporaries(in: runDirectory)
        if !stale.isEmpty {
            progressLine.message("removed \(stale.count) temporary file(s) an interrupted run left: \(stale.joined(separator: ", "))")
        }
        var configuration = configuration
        let configURL = runDirectory.appendingPathComponent("config.json")
        if resume {
            guard let data = FileManager.default.contents(atPath: configURL.path) else {
                throw TrainingError.missing(
                    "nothing to resume in \(runDirectory.path): it has no config.json (start a run there first, without --resume)")
            }
            configuration = try RunConfiguration(json: data, source: configURL.path)
            if let stepsOverride { configuration.settings.steps = stepsOverride }
            try configuration.apply(resumeOverrides: resumeOverrides)
        }
        self.configuration = configuration
        if checksEnvironment && !resume {
            try Self.checkEnvironment(configuration.settings, registry: registry)
        }
        BLASThreads.set(configuration.settings.workers > 1 ? 1 : configuration.settings.kernelThreads)
        checkpoints = try CheckpointStore(runDirectory: runDirectory, keep: configuration.settings.keepCheckpoints)
        let resumePoint = resume ? checkpoints.latestValid() : nil
        if resume {
            guard let latest = resumePoint else {
                throw TrainingError.missing(
                    "no valid checkpoint in \(checkpoints.directory.path) to resume from (start the run again without --resume)")
            }
            // config.json is rewritten only for a resume that has steps left to run.
            guard latest.step < configuration.settings.steps else {
                let asked = stepsOverride.map { "--steps \($0) is not above it" } ?? "it ran all its \(configuration.settings.steps) steps"
                throw TrainingError.missing(
                    "the run in \(runDirectory.path) is at step \(latest.step) and \(asked): give --steps above \(latest.step) to continue it"
                )
            }
        }
        agent = try Algorithms.makeAgent(configuration, registry: registry)
        if let latest = resumePoint {
            for warning in latest.warnings { progressLine.message("warning: \(warning)") }
            let replay = checkpoints.replay(forStep: latest.step)
            if replay == nil && configuration.settings.saveReplay {
                progressLine.message(
                    "warning: no replay saved for step \(latest.step); the replay restarts empty, so the resumed run will differ from an uninterrupted one"
                )
            }
            try agent.restore(from: latest.checkpoint, replay: replay)
            startStep = latest.step
            secondsBefore = Double(latest.checkpoint.metadata["elapsed_seconds"] ?? "") ?? 0
            episodesBefore = Int(latest.checkpoint.metadata["episodes"] ?? "") ?? 0
            recentEpisodes = RecentEpisodes.decode(latest.checkpoint.metadata[RecentEpisodes.metadataKey] ?? "")
            if let best = try? Checkpoint.read(from: checkpoints.bestURL), let value = Double(best.metadata["eval_return_mean"] ?? "") {
                bestReturn = value
            }
            progressLine.message("resuming \(runDirectory.path) from step \(latest.step)")
        }
        try writeAtomically(configuration.jsonData(), to: configURL)
        started = true
    }

    /// Runs the environment checker on the run's environment; throws naming each failing check.
    static func checkEnvironment(_ settings: TrainingSettings, registry: Registry) throws {
        let options = try Algorithms.environmentOptions(settings.environmentOptions)
        _ = try registry.spec(settings.environment)
        let failures = EnvironmentChecker.check(id: settings.environment, registry: registry, options: options).filter { !$0.passed }
        guard failures.isEmpty else {
            let list = failures.map { "\($0.name): \($0.message)" }.joined(separator: "; ")
            throw TrainingError.environmentCheckFailed(
                "\(settings.environment) fails the environment checker (\(failures.count) check\(failures.count == 1 ? "" : "s")): \(list). Fix the environment (`envs check \(settings.environment)` lists every check), or train anyway with --skip-env-check"
            )
        }
    }

    /// Runs until `steps` environment steps.
    @discardableResult
    public func run() throws -> TrainingSummary {
        let settings = configuration.settings
        let columns =
            [
                "step", "seconds", "episodes", "episode_return_mean", "episode_return_min", "episode_return_max", "episode_length_mean",
                "steps_per_second", "eval_return_mean", "eval_return_std", "eval_length_mean", "eval_success_rate",
            ]
            + agent.scalarTags.map { $0.replacingOccurrences(of: "/", with: "_") }
        let csv = try ProgressLog(
            url: runDirectory.appendingPathComponent("progress.csv"), columns: columns,
            resumeStep: startStep > 0 ? startStep : nil)
        defer { csv.close() }
        let events = try TensorBoardWriter(directory: runDirectory, resumeStep: startStep > 0 ? startStep : nil)
        defer { events.close() }
        if startStep == 0 { try agent.start() }

        invocationStart = Date()
        var lastLog = Date()
        var lastLogStep = agent.environmentSteps
        var nextEvaluation =
            settings.evaluationInterval > 0
            ? (agent.environmentSteps / settings.evaluationInterval + 1) * settings.evaluationInterval : Int.max
        var nextCheckpoint =
            settings.checkpointInterval > 0
            ? (agent.environmentSteps / settings.checkpointInterval + 1) * settings.checkpointInterval : Int.max
        var lastEvaluation: EvaluationResult?
        progressLine.message(
            "training \(configuration.algorithm) on \(settings.environment) for \(settings.steps) steps (seed \(settings.seed), \(settings.environmentCount) envs x \(settings.workers) workers) -> \(runDirectory.path)"
        )

        while agent.environmentSteps < settings.steps {
            if let signal = stopSignals?.received {
                try stop(by: signal, csv: csv, events: events)
            }
            let report: IterationReport
            do { report = try agent.iterate() } catch let error as AgentError {
                if case .nonFinite(let message) = error {
                    throw nonFiniteStop(step: agent.environmentSteps, reason: message)
                }
                throw error
            }
            recentEpisodes.append(contentsOf: report.episodes)
            episodesThisInvocation += report.episodes.count
            if recentEpisodes.count > 100 { recentEpisodes.removeFirst(recentEpisodes.count - 100) }
            let step = report.environmentSteps

            let now = Date()
            if now.timeIntervalSince(lastLog) >= settings.logInterval || step >= settings.steps {
                let speed = Double(step - lastLogStep) / max(now.timeIntervalSince(lastLog), 1e-9)
                var row: [String: Double] = [
                    "step": Double(step), "seconds": secondsBefore + now.timeIntervalSince(invocationStart),
                    "episodes": Double(episodeCount),
                    "steps_per_second": speed,
                ]
                var tensorBoard: [(String, Double)] = [("charts/steps_per_second", speed)]
                if !recentEpisodes.isEmpty {
                    let returns = recentEpisodes.map(\.totalReward)
                    row["episode_return_mean"] = returns.reduce(0, +) / Double(returns.count)
                    row["episode_return_min"] = returns.min()
                    row["episode_return_max"] = returns.max()
                    row["episode_length_mean"] = Double(recentEpisodes.map(\.length).reduce(0, +)) / Double(recentEpisodes.count)
                    tensorBoard.append(("charts/episodic_return", row["episode_return_mean"]!))
                    tensorBoard.append(("charts/episodic_length", row["episode_length_mean"]!))
                }
                for tag in agent.scalarTags {
                    if let value = report.scalars[tag] {
                        row[tag.replacingOccurrences(of: "/", with: "_")] = value
                        tensorBoard.append((tag, value))
                    }
                }
                try csv.append(row)
                try events.add(scalars: tensorBoard, step: step)
                progressLine.update(progressText(step: step, speed: speed, row: row, scalars: report.scalars))
                lastLog = now
                lastLogStep = step
            }
            if step >= nextEvaluation && step < settings.steps {
                lastEvaluation = try evaluate(
                    step: step, seconds: elapsedSeconds, csv: csv, events: events)
                nextEvaluation = (step / settings.evaluationInterval + 1) * settings.evaluationInterval
            }
            if step >= nextCheckpoint && step < settings.steps {
                try saveCheckpoint(step: step)
                nextCheckpoint = (step / settings.checkpointInterval + 1) * settings.checkpointInterval
            }
        }
        progressLine.finish()
        let step = agent.environmentSteps
        lastEvaluation = try evaluate(step: step, seconds: elapsedSeconds, csv: csv, events: events)
        try saveCheckpoint(step: step)
        try exportPolicy(step: step)
        return TrainingSummary(
            environmentSteps: step, seconds: Date().timeIntervalSince(invocationStart), finalEvaluation: lastEvaluation,
            bestEvaluationReturn: bestReturn, runDirectory: runDirectory)
    }

    /// The error that stops a run whose losses or weights became non-finite, naming the newest checkpoint
    /// that really is good (it reads back and holds only finite values).
    private func nonFiniteStop(step: Int, reason: String) -> TrainingError {
        progressLine.finish()
        let kept =
            checkpoints.latestValid().map { "; the last good checkpoint is \(checkpoints.url(step: $0.step).path)" }
            ?? "; no good checkpoint was saved yet"
        return TrainingError.nonFinite(
            "training stopped at step \(step): \(reason)\(kept). Lower learning_rate or max_grad_norm and resume with --resume \(runDirectory.path)"
        )
    }

    /// Saves a checkpoint (and replay) at the current step, flushes the logs and throws `interrupted`.
    private func stop(by signal: Int32, csv: ProgressLog, events: TensorBoardWriter) throws -> Never {
        progressLine.finish()
        let step = agent.environmentSteps
        try saveCheckpoint(step: step)
        csv.close()
        events.close()
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        throw TrainingError.interrupted(
            "\(name): stopped at step \(step) of \(configuration.settings.steps) with a checkpoint (\(checkpoints.url(step: step).path)); continue with: swiftrl train --resume \(runDirectory.path)",
            exitStatus: StopSignals.exitStatus(for: signal))
    }

    private func progressText(step: Int, speed: Double, row: [String: Double], scalars: [String: Double]) -> String {
        let settings = configuration.settings
        var parts = ["step \(step)/\(settings.steps)", String(format: "%.0f steps/s", speed)]
        if let mean = row["episode_return_mean"], let low = row["episode_return_min"], let high = row["episode_return_max"] {
            parts.append(String(format: "return %.1f [%.1f, %.1f]", mean, low, high))
        }
        for tag in agent.scalarTags where tag.hasPrefix("losses/") {
            if let value = scalars[tag],
                ["losses/policy_loss", "losses/q_loss", "losses/entropy", "losses/value_loss", "losses/critic_loss", "losses/actor_loss"]
                    .contains(tag)
            {
                parts.append(String(format: "%@ %.3g", String(tag.dropFirst(7)), value))
            }
        }
        // No steps since the last line (SAC's warm-up updates): no estimate.
        parts.append("ETA " + (speed > 0 ? formatDuration(Double(settings.steps - step) / speed) : "?"))
        return parts.joined(separator: " | ")
    }

    private func evaluate(step: Int, seconds: Double, csv: ProgressLog, events: TensorBoardWriter) throws -> EvaluationResult {
        let settings = configuration.settings
        var video: URL?
        if settings.evaluationVideo {
            let folder = runDirectory.appendingPathComponent("videos")
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            video = folder.appendingPathComponent(String(format: "eval-step-%09d.mp4", step))
        }
        let result = try Evaluator.evaluate(
            policy: try agent.evaluationPolicy(), environment: settings.environment,
            options: try Algorithms.environmentOptions(settings.environmentOptions),
            episodes: settings.evaluationEpisodes, deterministic: settings.evaluationDeterministic,
            seed: settings.evaluationSeed, video: video, videoFailures: .warning, registry: registry)
        var row: [String: Double] = [
            "step": Double(step), "seconds": seconds, "eval_return_mean": result.returnMean,
            "eval_return_std": result.returnStandardDeviation, "eval_length_mean": result.lengthMean,
        ]
        var scalars: [(String, Double)] = [("charts/eval_return_mean", result.returnMean), ("charts/eval_length_mean", result.lengthMean)]
        if let rate = result.successRate {
            row["eval_success_rate"] = rate
            scalars.append(("charts/eval_success_rate", rate))
        }
        try csv.append(row)
        try events.add(scalars: scalars, step: step)
        var text = String(
            format: "eval at step %d: return %.2f +- %.2f over %d episodes, length %.1f", step, result.returnMean,
            result.returnStandardDeviation, result.returns.count, result.lengthMean)
        if let rate = result.successRate { text += String(format: ", success %.0f%%", rate * 100) }
        if let file = result.video { text += ", video \(file.path)" }
        if let warning = result.videoWarning {
            progressLine.message("warning: no evaluation video at step \(step), training goes on: \(warning)")
        }
        if bestReturn == nil || result.returnMean > bestReturn! {
            bestReturn = result.returnMean
            var checkpoint = try agent.checkpoint()
            annotate(&checkpoint, step: step)
            checkpoint.metadata["eval_return_mean"] = "\(result.returnMean)"
            try checkpoints.saveBest(checkpoint)
            text += " (best so far: saved best.safetensors)"
        }
        progressLine.message(text)
        return result
    }

    private func saveCheckpoint(step: Int) throws {
        var checkpoint = try agent.checkpoint()
        annotate(&checkpoint, step: step)
        let replay = configuration.settings.saveReplay ? try agent.replayCheckpoint() : nil
        do { try checkpoints.save(checkpoint, step: step, replay: replay) } catch let error as CheckpointError {
            guard case .nonFinite(let message) = error else { throw error }
            throw nonFiniteStop(step: step, reason: message)
        }
    }

    /// DIR/policy.safetensors: only what acting needs (networks, normaliser) and the config, for
    /// `swiftrl eval` and deployment without the training state.
    private func exportPolicy(step: Int) throws {
        var checkpoint = try agent.checkpoint()
        annotate(&checkpoint, step: step)
        let prefixes = agent.policyTensorPrefixes
        checkpoint.tensors = checkpoint.tensors.filter { name, _ in prefixes.contains { name.hasPrefix($0) } }
        checkpoint.metadata = checkpoint.metadata.filter { ["algorithm", "config", "step", "environment_steps"].contains($0.key) }
        try checkpoint.requireFinite(source: "policy.safetensors")
        try checkpoint.write(to: runDirectory.appendingPathComponent("policy.safetensors"))
    }

    private func annotate(_ checkpoint: inout Checkpoint, step: Int) {
        checkpoint.metadata["config"] = (try? configuration.jsonData()).map { String(decoding: $0, as: UTF8.self) }
        checkpoint.metadata["step"] = "\(step)"
        checkpoint.metadata["elapsed_seconds"] = String(format: "%.3f", elapsedSeconds)
        checkpoint.metadata["episodes"] = "\(episodeCount)"
        checkpoint.metadata[RecentEpisodes.metadataKey] = RecentEpisodes.encode(recentEpisodes)
    }
}

/// "1h02m", "3m05s", "12s".
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0, seconds < 1e9 else { return "?" }
    let total = Int(seconds.rounded())
    if total >= 3600 { return String(format: "%ldh%02ldm", total / 3600, total % 3600 / 60) }
    if total >= 60 { return String(format: "%ldm%02lds", total / 60, total % 60) }
    return "\(total)s"
}

/// Writes `data` to a temporary file beside `url` and renames it into place.
func writeAtomically(_ data: Data, to url: URL) throws {
    do { try data.write(to: url, options: .atomic) } catch {
        throw TrainingError.unwritable(
            "cannot write \(url.path): \(error.localizedDescription); make the folder writable or choose another --run-dir")
    }
}
