import Agents
import ArgumentParser
import BundledEnvs
import Foundation
import Training

/// `swiftrl train`: trains an agent, writing config.json, progress.csv, TensorBoard events,
/// checkpoints and evaluation videos into the run folder.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an agent on a registered environment.",
        discussion: """
            With no arguments, runs the default preset (\(Algorithms.defaultPreset): ACER on CartPole-v1). Configuration \
            is resolved in order: the algorithm's reference defaults, the bundled preset for --env (or --config FILE), \
            --set key=value overrides, then --env/--steps/--seed/--num-envs/--workers. The resolved configuration is saved \
            as DIR/config.json. --resume DIR continues a run from its newest valid checkpoint.
            """)

    @Argument(help: "The algorithm: \(Algorithms.names.joined(separator: ", ")).")
    var algorithm: String?

    @Option(help: "The environment id (see `swiftrl envs list`).")
    var env: String?

    @Option(help: "A config file of key = value lines (see assets/configs/presets), or a run's config.json.")
    var config: String?

    @Option(help: "A bundled preset by name (see --list-presets).")
    var preset: String?

    @Option(parsing: .unconditional, help: "Total environment steps.")
    var steps: Int?

    @Option(parsing: .unconditional, help: "The run's seed.")
    var seed: Int?

    @Option(name: .customLong("num-envs"), parsing: .unconditional, help: "Environments per worker.")
    var numEnvs: Int?

    @Option(parsing: .unconditional, help: "Worker threads (ACER multi-worker).")
    var workers: Int?

    @Option(name: .customLong("run-dir"), help: "The run folder (default runs/<algorithm>-<env>-seed<seed>).")
    var runDirectory: String?

    @Option(name: .customLong("set"), help: "Override a config key, key=value (repeatable).")
    var overrides: [String] = []

    @Option(
        help:
            "Continue the run in this folder from its newest valid checkpoint (--steps may raise the total; --set may change threads, log_every, checkpoint_every, keep_checkpoints)."
    )
    var resume: String?

    @Flag(name: .customLong("list-presets"), help: "List the presets (bundled, and any the program registered) and exit.")
    var listPresets = false

    @Flag(name: .customLong("list-keys"), help: "List every config key of the algorithm with its summary and exit.")
    var listKeys = false

    @Flag(help: "Print plain progress lines even on a terminal.")
    var plain = false

    @Flag(
        name: .customLong("skip-env-check"),
        help: "Train without first running the environment checker on an environment that is not bundled.")
    var skipEnvironmentCheck = false

    func run() throws {
        registerBundledEnvironments()
        if listPresets {
            for name in TrainingPresets.names {
                let file = try? TrainingPresets.file(named: name)
                print("\(name)\t\(file?.value(of: "algorithm") ?? "?")\t\(file?.value(of: "env") ?? "?")")
            }
            return
        }
        if let resume {
            guard
                env == nil && config == nil && preset == nil && seed == nil && numEnvs == nil && workers == nil && runDirectory == nil
            else {
                throw ValidationError(
                    "--resume continues the configuration saved in \(resume)/config.json; only --steps (and --set of \(RunConfiguration.resumableKeys.joined(separator: ", "))) may change (drop --env, --config, --preset, --seed, --num-envs, --workers and --run-dir)"
                )
            }
            try RunConfiguration.requireResumable(overrides)
            let trainer = try Trainer(
                configuration: try RunConfiguration(algorithm: algorithm ?? "acer"), runDirectory: URL(fileURLWithPath: resume),
                resume: true, stepsOverride: steps, resumeOverrides: overrides, plainOutput: plain, stopSignals: StopSignals.install())
            try run(trainer)
            return
        }
        var configuration: RunConfiguration
        if algorithm == nil && env == nil && config == nil && preset == nil {
            configuration = try RunConfiguration(algorithm: "acer")
            try configuration.apply(try presetFile(Algorithms.defaultPreset))
        } else {
            let presetAlgorithm = try preset.map { try presetFile($0).value(of: "algorithm") } ?? nil
            let algorithmName = algorithm ?? presetAlgorithm ?? "acer"
            configuration = try RunConfiguration(algorithm: algorithmName)
            if let config, config.hasSuffix(".json") {
                configuration = try runConfiguration(json: config, algorithm: algorithm)
            } else if let config {
                try configuration.apply(try ConfigurationFile(contentsOf: URL(fileURLWithPath: config)))
            } else if let preset {
                try configuration.apply(try presetFile(preset))
            } else if let env, let file = TrainingPresets.file(algorithm: algorithmName, environment: env) {
                try configuration.apply(file)
            }
        }
        if listKeys {
            try printKeys(of: configuration)
            return
        }
        try configuration.apply(overrides: overrides)
        if let env { try configuration.set("env", to: env) }
        if let steps { try configuration.set("steps", to: "\(steps)") }
        if let seed { try configuration.set("seed", to: "\(seed)") }
        if let numEnvs { try configuration.set("num_envs", to: "\(numEnvs)") }
        if let workers { try configuration.set("workers", to: "\(workers)") }
        let settings = configuration.settings
        let stamp = Self.timestamp()
        let folder = runDirectory ?? "runs/\(configuration.algorithm)-\(settings.environment)-seed\(settings.seed)-\(stamp)"
        let checkpoints = URL(fileURLWithPath: folder).appendingPathComponent("checkpoints")
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path),
            existing.contains(where: { $0.hasSuffix(".safetensors") })
        {
            throw ValidationError("\(folder) already holds a run: continue it with --resume \(folder), or choose another --run-dir")
        }
        let checksEnvironment = !skipEnvironmentCheck && !BundledEnvironments.isBundled(settings.environment)
        let trainer = try Trainer(
            configuration: configuration, runDirectory: URL(fileURLWithPath: folder), plainOutput: plain,
            checksEnvironment: checksEnvironment, stopSignals: StopSignals.install())
        try run(trainer)
    }

    /// A run's config.json as the starting configuration (its algorithm must match the argument, if given).
    private func runConfiguration(json path: String, algorithm: String?) throws -> RunConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path): give a config.json from a run folder, or a key = value config file")
        }
        let configuration = try RunConfiguration(json: data, source: path)
        if let algorithm, algorithm != configuration.algorithm {
            throw ValidationError(
                "\(path) configures \(configuration.algorithm), not \(algorithm): drop the algorithm argument or use another config")
        }
        return configuration
    }

    /// Every key with its summary, its reference default and, where the preset or config changes it, the value used.
    private func printKeys(of configuration: RunConfiguration) throws {
        let reference = try RunConfiguration(algorithm: configuration.algorithm)
        let current = configuration.settings.values + configuration.hyperparameters.values
        let defaults = Dictionary(reference.settings.values + reference.hyperparameters.values, uniquingKeysWith: { first, _ in first })
        let summaries = Dictionary(
            configuration.settings.summaries + configuration.hyperparameters.summaries, uniquingKeysWith: { first, _ in first })
        let aliases = Dictionary(configuration.hyperparameters.aliases, uniquingKeysWith: { first, _ in first })
        for (key, value) in current {
            let defaultText = defaults[key].map { "\($0)" } ?? "?"
            let used = "\(value)" == defaultText ? "" : " (here: \(value))"
            let also = (aliases[key] ?? []).isEmpty ? "" : " (also accepted as \(aliases[key]!.joined(separator: ", ")))"
            print("\(key) = \(defaultText)\(used)\t# \(summaries[key] ?? "")\(also)")
        }
    }

    /// Runs `trainer` and reports; a stop by SIGINT or SIGTERM prints how to resume and exits 130 or 143.
    private func run(_ trainer: Trainer) throws {
        do {
            try report(try trainer.run())
        } catch TrainingError.interrupted(let message, let status) {
            FileHandle.standardError.write(Data((message + "\n").utf8))
            throw ExitCode(status)
        }
    }

    /// yyyyMMdd-HHmmss in UTC, for default run folder names.
    private static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }

    private func presetFile(_ name: String) throws -> ConfigurationFile {
        guard let file = try TrainingPresets.file(named: name) else {
            throw ValidationError("unknown preset '\(name)'; presets: \(TrainingPresets.names.joined(separator: ", "))")
        }
        return file
    }

    private func report(_ summary: TrainingSummary) throws {
        var text = String(format: "done: %d steps in %.1f s", summary.environmentSteps, summary.seconds)
        if let evaluation = summary.finalEvaluation {
            text += String(format: "; final evaluation return %.2f +- %.2f", evaluation.returnMean, evaluation.returnStandardDeviation)
            if let video = evaluation.video { text += "; video \(video.path)" }
        }
        print(text)
        print("run folder: \(summary.runDirectory.path) (config.json, progress.csv, events.out.tfevents.*, checkpoints/, videos/)")
    }
}
