import Foundation
import Testing

@testable import Training

/// A resumed run may change how it runs (threads, logging, checkpoints), never what it learns; the
/// changed settings are saved in config.json, and a refused change leaves config.json as it was.
@Suite(.serialized) struct ResumeSettingsTests {
    @Test func executionSettingsMayChangeOnResumeAndNothingElse() throws {
        let (configuration, folder, _) = try trainedShortRun(
            "acer", ["env=CartPole-v1", "num_envs=2", "n_steps=5", "hidden_sizes=8"], steps: 40, name: "resume-settings")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configURL = folder.appendingPathComponent("config.json")
        try Trainer(
            configuration: configuration, runDirectory: folder, resume: true, stepsOverride: 80,
            resumeOverrides: ["threads=1", "log_every=5", "checkpoint_every=20", "keep_checkpoints=2"], plainOutput: true
        ).run()
        let saved = try RunConfiguration(json: try Data(contentsOf: configURL), source: configURL.path)
        #expect(saved.settings.kernelThreads == 1 && saved.settings.logInterval == 5)
        #expect(saved.settings.checkpointInterval == 20 && saved.settings.keepCheckpoints == 2 && saved.settings.steps == 80)
        let before = try Data(contentsOf: configURL)
        for override in ["hidden_sizes=4", "seed=3", "env=Acrobot-v1", "threads"] {
            let error = #expect(throws: (any Error).self) {
                _ = try Trainer(
                    configuration: configuration, runDirectory: folder, resume: true, stepsOverride: 120, resumeOverrides: [override],
                    plainOutput: true)
            }
            #expect("\(error.map { "\($0)" } ?? "")".contains("--set may change only") || override == "threads", "\(override)")
        }
        #expect(try Data(contentsOf: configURL) == before)
    }
}
