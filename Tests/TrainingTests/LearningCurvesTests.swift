import Foundation
import Testing
import Training

@Suite struct LearningCurvesTests {
    /// A run folder with a config.json (algorithm, env, seed, and one hyperparameter) and progress.csv rows.
    func runFolder(seed: Int, learningRate: Double = 0.001, rows: [(step: Int, episode: Double?, evaluation: Double?)]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-curves-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config: [String: Any] = [
            "algorithm": "ppo", "env": "CartPole-v1", "seed": seed, "steps": 1000,
            "ppo": ["learning_rate": learningRate],
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        var text = "step,seconds,episodes,episode_return_mean,eval_return_mean\n"
        for row in rows {
            text += "\(row.step),1.0,3,\(row.episode.map { "\($0)" } ?? ""),\(row.evaluation.map { "\($0)" } ?? "")\n"
        }
        try text.write(to: folder.appendingPathComponent("progress.csv"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func seedsOfOneConfigurationAreAveragedWithTheirSpreadAndOtherConfigurationsStayApart() throws {
        let first = try runFolder(seed: 1, rows: [(0, 0, nil), (100, 10, 5), (200, 20, nil)])
        let second = try runFolder(seed: 2, rows: [(0, 10, nil), (100, 30, 15), (200, 40, nil), (300, 50, nil)])
        let other = try runFolder(seed: 1, learningRate: 0.01, rows: [(0, 100, nil), (200, 100, 7)])
        defer { for folder in [first, second, other] { try? FileManager.default.removeItem(at: folder) } }
        let curves = try LearningCurves(runFolders: [first, second, other])
        #expect(curves.groups.count == 2)
        #expect(curves.groups[0].label == "ppo CartPole-v1 #1 (2 seeds)" && curves.groups[1].label == "ppo CartPole-v1 #2")
        let summary = curves.groups[0].summary(of: .episodeReturn, resolution: 5)
        // Both seeds reach step 200: the common steps are 0, 50, ..., 200.
        #expect(summary.steps == [0, 50, 100, 150, 200])
        // At 50: seed 1 interpolates to 5, seed 2 to 20; mean 12.5, standard deviation 7.5.
        #expect(summary.mean[1] == 12.5 && summary.low[1] == 5 && summary.high[1] == 20)
        #expect(summary.mean[4] == 30 && summary.high[4] - summary.low[4] == 20)
        let evaluation = curves.groups[0].summary(of: .evaluationReturn)
        #expect(evaluation.steps == [100] && evaluation.mean == [10])
        // A single run keeps its own points, without a band.
        let single = curves.groups[1].summary(of: .episodeReturn)
        #expect(single.steps == [0, 200] && single.low.isEmpty)
    }

    @Test func rowsRepeatedByAResumeAreReplacedByTheLaterOnes() throws {
        let folder = try runFolder(seed: 1, rows: [(100, 1, nil), (200, 2, nil), (150, 3, nil), (250, 4, nil)])
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = try LearningCurves(runFolders: [folder]).groups[0].summary(of: .episodeReturn)
        #expect(summary.steps == [100, 150, 250] && summary.mean == [1, 3, 4])
    }

    @Test func aFolderWithoutProgressIsNamed() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-no-progress-\(UUID().uuidString)")
        let error = #expect(throws: TrainingError.self) { _ = try LearningCurves(runFolders: [empty]) }
        #expect("\(error.map { "\($0)" } ?? "")".contains(empty.path))
    }
}
