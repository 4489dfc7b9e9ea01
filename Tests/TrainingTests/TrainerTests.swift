import BundledEnvs
import Foundation
import Render
import Gym
import NN
import Testing
import Agents
@testable import Training

/// A corridor whose rewards turn NaN after `healthySteps` steps in total (to test the NaN stop).
final class PoisonedCorridor: Environment {
    let observationSpace = Space.box(Box(low: 0, high: 10, shape: [1]))
    let actionSpace = Space.discrete(Discrete(2))
    let healthySteps: Int
    var position = 0, stepsTaken = 0

    init(healthySteps: Int) { self.healthySteps = healthySteps }

    func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        position = 0
        observation.floats[0] = 0
        return [:]
    }

    func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        guard case .discrete(let move) = action else { throw GymError.invalidAction("discrete only") }
        position = max(0, position + (move == 1 ? 1 : -1))
        stepsTaken += 1
        observation.floats[0] = Float(position)
        return StepResult(reward: stepsTaken > healthySteps ? .nan : (position >= 10 ? 1 : 0), terminated: position >= 10)
    }
}

/// The configuration of a short quiet run of `algorithm` (no evaluations, videos or periodic
/// checkpoints), trained for `steps` into a new temporary folder (the caller removes it).
func trainedShortRun(
    _ algorithm: String, _ overrides: [String], steps: Int, name: String
) throws -> (
    configuration: RunConfiguration, folder: URL, store: CheckpointStore
) {
    BundledEnvironments.register()
    var configuration = try RunConfiguration(algorithm: algorithm)
    try configuration.apply(
        overrides: overrides + [
            "steps=\(steps)", "eval_every=0", "eval_episodes=1", "eval_video=false", "checkpoint_every=0", "log_every=1000",
        ])
    let folder = temporaryRunFolder(name)
    try Trainer(configuration: configuration, runDirectory: folder, plainOutput: true).run()
    return (configuration, folder, try CheckpointStore(runDirectory: folder, keep: 9))
}

func temporaryRunFolder(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-\(name)-\(UUID().uuidString)")
}

/// A small, fast ACER configuration on CartPole for tests.
func smallACERConfiguration(steps: Int) throws -> RunConfiguration {
    BundledEnvironments.register()
    var configuration = try RunConfiguration(algorithm: "acer")
    try configuration.apply(overrides: [
        "env=CartPole-v1", "steps=\(steps)", "num_envs=4", "n_steps=10", "replay_start=200", "replay_ratio=2", "lr_schedule=constant",
        "hidden_sizes=32,32", "eval_every=0", "eval_episodes=2", "eval_video=false", "checkpoint_every=0", "log_every=1000",
    ])
    return configuration
}

@Suite(.serialized) struct TrainerTests {
    @Test func aNaNLossStopsTrainingAndKeepsTheLastGoodCheckpoint() throws {
        let registry = Registry()
        try registry.register(
            EnvironmentSpec(id: "Poisoned-v0", maxEpisodeSteps: 50, rewardThreshold: nil, summary: "NaN after 100 steps per env") { _, _ in
                PoisonedCorridor(healthySteps: 100)
            })
        var configuration = try smallACERConfiguration(steps: 10_000)
        try configuration.apply(overrides: ["env=Poisoned-v0", "checkpoint_every=200", "num_envs=2"])
        let folder = temporaryRunFolder("nan")
        defer { try? FileManager.default.removeItem(at: folder) }
        let trainer = try Trainer(
            configuration: configuration, runDirectory: folder, plainOutput: true, registry: registry,
            checksEnvironment: false)
        do {
            try trainer.run()
            Issue.record("training went on through NaN rewards")
        } catch let error as TrainingError {
            let text = "\(error)"
            #expect(text.contains("training stopped at step") && text.contains("q_loss is nan"), "message: \(text)")
            #expect(text.contains("last good checkpoint"), "message: \(text)")
        }
        let store = try CheckpointStore(runDirectory: folder, keep: 9)
        let latest = try #require(store.latestValid())
        #expect(latest.step == 200)
        for (_, tensor) in latest.checkpoint.tensors { #expect(tensor.scalars.allSatisfy { $0.isFinite }) }
    }

    @Test func anEnvironmentThatBreaksTheProtocolIsStoppedBeforeTrainingWithTheFailingChecksNamed() throws {
        let registry = Registry()
        try registry.register(
            EnvironmentSpec(id: "Poisoned-v0", maxEpisodeSteps: 50, rewardThreshold: nil, summary: "NaN after 5 steps") { _, _ in
                PoisonedCorridor(healthySteps: 5)
            })
        var configuration = try smallACERConfiguration(steps: 200)
        try configuration.apply(overrides: ["env=Poisoned-v0"])
        let folder = temporaryRunFolder("preflight")
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = #expect(throws: TrainingError.self) {
            _ = try Trainer(configuration: configuration, runDirectory: folder, plainOutput: true, registry: registry)
        }
        let message = "\(error.map { "\($0)" } ?? "")"
        // It ignores its seed and returns NaN rewards: both checks are named, with the way out.
        #expect(message.contains("seed determinism") && message.contains("step: step reward nan"), "\(message)")
        #expect(message.contains("--skip-env-check") && message.contains("envs check Poisoned-v0"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: folder.path), "a run that never started leaves no folder")
        // A bundled, correct environment passes the same check and trains.
        var good = try smallACERConfiguration(steps: 80)
        try good.apply(overrides: ["replay_start=40"])
        try Trainer(configuration: good, runDirectory: folder, plainOutput: true, checksEnvironment: true).run()
    }

    @Test func aFailingVideoEncoderIsAWarningAndTrainingGoesOn() throws {
        let folder = temporaryRunFolder("video-failure")
        defer { try? FileManager.default.removeItem(at: folder) }
        let encoderFolder = temporaryRunFolder("fake-ffmpeg")
        try FileManager.default.createDirectory(at: encoderFolder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: encoderFolder) }
        let encoder = encoderFolder.appendingPathComponent("ffmpeg")
        try "#!/bin/sh\necho 'fake ffmpeg: No space left on device' >&2\nexit 1\n".write(to: encoder, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: encoder.path)
        var configuration = try smallACERConfiguration(steps: 160)
        try configuration.apply(overrides: ["eval_every=80", "eval_video=true"])
        let summary = try VideoWriter.$ffmpegOverride.withValue(encoder) {
            try Trainer(configuration: configuration, runDirectory: folder, plainOutput: true).run()
        }
        #expect(summary.environmentSteps >= 160 && summary.finalEvaluation?.videoWarning?.contains("No space left") == true)
        let videos = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("videos").path)) ?? []
        #expect(videos.isEmpty, "left behind: \(videos)")
        let csv = try String(contentsOf: folder.appendingPathComponent("progress.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count >= 3, "evaluation rows are still logged")
    }

    @Test func aTruncatedCheckpointIsNeverLoaded() throws {
        var configuration = try smallACERConfiguration(steps: 480)
        try configuration.apply(overrides: ["checkpoint_every=160"])
        let folder = temporaryRunFolder("truncated")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Trainer(configuration: configuration, runDirectory: folder, plainOutput: true).run()
        let store = try CheckpointStore(runDirectory: folder, keep: 9)
        #expect(store.periodicCheckpoints().map(\.step) == [160, 320, 480])
        // Cut the newest short, as a kill during a copy would; and damage the one before in its header.
        let newest = store.url(step: 480)
        let data = try Data(contentsOf: newest)
        try data.prefix(data.count / 2).write(to: newest)
        #expect(throws: CheckpointError.self) { try Checkpoint.read(from: newest) }
        let latest = try #require(store.latestValid())
        #expect(latest.step == 320)
        #expect(latest.warnings.count == 1 && latest.warnings[0].contains("step-000000000480"))
        // Resuming continues from the valid one.
        let resumed = try Trainer(configuration: configuration, runDirectory: folder, resume: true, plainOutput: true)
        #expect(resumed.agent.environmentSteps == 320)
    }

    @Test func runFoldersHoldConfigLogsEventsAndAnEvaluationVideo() throws {
        var configuration = try smallACERConfiguration(steps: 400)
        try configuration.apply(overrides: ["eval_video=true", "eval_every=200"])
        let folder = temporaryRunFolder("layout")
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = try Trainer(configuration: configuration, runDirectory: folder, plainOutput: true).run()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names.contains("config.json") && names.contains("progress.csv") && names.contains { $0.hasPrefix("events.out.tfevents.") })
        let csv = try String(contentsOf: folder.appendingPathComponent("progress.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("step,seconds,episodes,episode_return_mean"))
        let evaluationRows = csv.split(separator: "\n").filter { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return fields.count > 8 && !fields[8].isEmpty && fields[0] != "step"
        }
        #expect(evaluationRows.count == 2)
        let videos = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("videos").path)
        #expect(videos.count == 2)
        #expect(summary.finalEvaluation?.returns.count == 2)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("checkpoints/best.safetensors").path))
    }

    @Test func unwritableRunFoldersAreRefusedWithTheFix() throws {
        let configuration = try smallACERConfiguration(steps: 100)
        do {
            _ = try Trainer(configuration: configuration, runDirectory: URL(fileURLWithPath: "/proc/swiftrl-run"), plainOutput: true)
            Issue.record("accepted an unwritable run folder")
        } catch let error as TrainingError {
            #expect("\(error)".contains("--run-dir"))
        }
    }
}

@Suite struct RunFolderLockTests {
    @Test func aSecondTrainerOnTheSameFolderIsRefusedWithTheOwnersPID() throws {
        let folder = temporaryRunFolder("lock")
        defer { try? FileManager.default.removeItem(at: folder) }
        var first: Trainer? = try Trainer(configuration: try smallACERConfiguration(steps: 80), runDirectory: folder, plainOutput: true)
        let error = #expect(throws: TrainingError.self) {
            _ = try Trainer(configuration: try smallACERConfiguration(steps: 80), runDirectory: folder, plainOutput: true)
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("in use by process \(getpid())"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path), "the owner's run was left alone")
        first = nil
        _ = first
        _ = try Trainer(configuration: try smallACERConfiguration(steps: 80), runDirectory: folder, resume: false, plainOutput: true)
    }
}

@Suite struct NonFiniteCheckpointTests {
    @Test func resumeSkipsANonFiniteCheckpointAndSavingOneIsRefused() throws {
        let folder = temporaryRunFolder("nonfinite")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = try smallACERConfiguration(steps: 160)
        try configuration.apply(overrides: ["checkpoint_every=80"])
        try Trainer(configuration: configuration, runDirectory: folder, plainOutput: true).run()
        let store = try CheckpointStore(runDirectory: folder, keep: 9)
        let good = try #require(store.latestValid())
        // A newer checkpoint whose weights are NaN, as a diverged run would have written before the checks.
        var poisoned = good.checkpoint
        let name = try #require(poisoned.tensors.keys.sorted().first { $0.hasPrefix("model.") })
        let tensor = poisoned.tensors[name]!.copy()
        tensor.pointer[0] = .nan
        poisoned.tensors[name] = tensor
        try poisoned.write(to: store.url(step: good.step + 80))
        let latest = try #require(store.latestValid())
        #expect(latest.step == good.step && latest.warnings.contains { $0.contains("holds nan") }, "\(latest.warnings)")
        #expect(throws: CheckpointError.self) { try store.save(poisoned, step: good.step + 160, replay: nil) }
        #expect(!FileManager.default.fileExists(atPath: store.url(step: good.step + 160).path))
        #expect(throws: CheckpointError.self) { try store.saveBest(poisoned) }
    }
}

@Suite struct InterruptedWriteTests {
    @Test func aReplayWrittenWithoutItsCheckpointLeavesTheOlderPairIntactAndStaleTemporariesGo() throws {
        let folder = temporaryRunFolder("pair")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = try smallACERConfiguration(steps: 160)
        try configuration.apply(overrides: ["checkpoint_every=80"])
        try Trainer(configuration: configuration, runDirectory: folder, plainOutput: true).run()
        let store = try CheckpointStore(runDirectory: folder, keep: 9)
        let latest = try #require(store.latestValid())
        #expect(store.replay(forStep: latest.step) != nil, "the newest checkpoint has its replay")
        // A kill after the next replay was written and before its checkpoint: the pair of `latest` stays.
        var next = try #require(store.replay(forStep: latest.step))
        next.metadata["environment_steps"] = "\(latest.step + 80)"
        try next.write(to: store.replayURL(step: latest.step + 80))
        #expect(store.latestValid()?.step == latest.step && store.replay(forStep: latest.step) != nil)
        // Temporaries of killed writers (checkpoint, replay, video) go when the next run takes the folder.
        let leftovers = [
            folder.appendingPathComponent("checkpoints/.step-000000000240.safetensors.4242.tmp"),
            folder.appendingPathComponent("checkpoints/.replay-000000000240.safetensors.4242.tmp"),
            folder.appendingPathComponent("videos/.eval-step-000000000240.mp4.partial.mp4"),
        ]
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("videos"), withIntermediateDirectories: true)
        for file in leftovers { try Data("partial".utf8).write(to: file) }
        let resumed = try Trainer(configuration: configuration, runDirectory: folder, resume: true, stepsOverride: 240, plainOutput: true)
        for file in leftovers { #expect(!FileManager.default.fileExists(atPath: file.path), "\(file.lastPathComponent) was left") }
        try resumed.run()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("checkpoints").path)
        #expect(names.filter { $0.hasPrefix("replay-") } == ["replay-000000000240.safetensors"], "\(names)")
    }
}

@Suite(.serialized) struct ResumedLogTests {
    @Test func aResumedRunContinuesItsClockEpisodesAndTensorBoardAndRefusesStepsItHasRun() throws {
        let folder = temporaryRunFolder("resumed-logs")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = try smallACERConfiguration(steps: 400)
        try configuration.apply(overrides: ["log_every=0", "eval_every=0"])
        try Trainer(configuration: configuration, runDirectory: folder, plainOutput: true).run()
        func rows() throws -> [[String]] {
            try String(contentsOf: folder.appendingPathComponent("progress.csv"), encoding: .utf8)
                .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        }
        let before = try rows()
        let lastSeconds = Double(before.last![1])!, lastEpisodes = before.compactMap { Double($0[2]) }.max()!
        // The final checkpoint keeps the episode window of the last row, so a resumed run's
        // statistics go on over the same episodes.
        let stored = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("checkpoints").path)
        let newest = try #require(stored.filter { $0.hasPrefix("step-") }.sorted().last, "checkpoints: \(stored)")
        let saved = try Checkpoint.read(from: folder.appendingPathComponent("checkpoints").appendingPathComponent(newest))
        let window = RecentEpisodes.decode(saved.metadata[RecentEpisodes.metadataKey] ?? "")
        #expect(!window.isEmpty && window.count <= 100)
        let windowMean = window.map(\.totalReward).reduce(0, +) / Double(max(window.count, 1))
        let lastMean = try #require(before.compactMap { Double($0[3]) }.last, "no episode statistics in \(before)")
        #expect(abs(windowMean - lastMean) < 1e-3, "window mean \(windowMean), last row \(lastMean)")
        // A finished run is not resumed again (no duplicate evaluation row), and config.json stays.
        let config = try Data(contentsOf: folder.appendingPathComponent("config.json"))
        let finished = #expect(throws: TrainingError.self) {
            _ = try Trainer(configuration: configuration, runDirectory: folder, resume: true, plainOutput: true)
        }
        #expect("\(finished.map { "\($0)" } ?? "")".contains("give --steps above 400"))
        #expect(throws: TrainingError.self) {
            _ = try Trainer(configuration: configuration, runDirectory: folder, resume: true, stepsOverride: 200, plainOutput: true)
        }
        #expect(try Data(contentsOf: folder.appendingPathComponent("config.json")) == config)
        #expect(try rows().count == before.count)
        // Continued: seconds and episodes go on from where they were.
        Thread.sleep(forTimeInterval: 0.01)
        try Trainer(configuration: configuration, runDirectory: folder, resume: true, stepsOverride: 800, plainOutput: true).run()
        let after = try rows().dropFirst(before.count)
        let firstSeconds = Double(after.first![1])!, firstEpisodes = Double(after.first![2])!
        #expect(
            firstSeconds >= lastSeconds && firstEpisodes >= lastEpisodes,
            "\(firstSeconds) after \(lastSeconds); \(firstEpisodes) after \(lastEpisodes)")
        // The resumed event file records a restart at step 400: Event.step = 400 (field 2) with
        // session_log (field 6) { status: START }.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("events.out.tfevents") }.sorted()
        #expect(files.count == 2)
        let restarted = try files.map { try Data(contentsOf: folder.appendingPathComponent($0)) }
            .filter { $0.range(of: Data([0x10, 0x90, 0x03, 0x32, 0x02, 0x08, 0x01])) != nil }
        #expect(restarted.count == 1)
    }

    @Test func aFullDiskAtALogAppendNamesTheFileAndLeavesNoPartialRecord() throws {
        let full = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
        let log = ProgressLog(url: URL(fileURLWithPath: "/run/progress.csv"), columns: ["step", "seconds"], handle: full)
        let error = #expect(throws: TrainingError.self) { try log.append(["step": 1, "seconds": 2]) }
        let message = "\(error.map { "\($0)" } ?? "")"
        #expect(message.contains("/run/progress.csv") && message.contains("free disk space"), "\(message)")
        let events = TensorBoardWriter(url: URL(fileURLWithPath: "/run/events.out.tfevents.1"), handle: full)
        let eventError = #expect(throws: TrainingError.self) { try events.add(scalars: [("charts/x", 1)], step: 1) }
        #expect("\(eventError.map { "\($0)" } ?? "")".contains("/run/events.out.tfevents.1"))
    }
}
