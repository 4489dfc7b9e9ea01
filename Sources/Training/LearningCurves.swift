import Foundation

/// Learning curves read from run folders (progress.csv and config.json): runs whose configurations
/// differ only in the seed form one group, summarised by the mean over seeds and its spread.
public struct LearningCurves: Sendable {
    /// Which column of progress.csv a curve follows.
    public enum Metric: String, Sendable, CaseIterable {
        /// The mean return of the last 100 training episodes (`episode_return_mean`).
        case episodeReturn = "episode_return_mean"
        /// The mean return of the evaluation episodes (`eval_return_mean`).
        case evaluationReturn = "eval_return_mean"
    }

    /// One run folder's curves.
    public struct Run: Sendable {
        /// The run folder.
        public var folder: URL
        /// The algorithm and environment, e.g. "ppo CartPole-v1" (the folder name without a config.json).
        public var label: String
        /// The configuration without its seed (runs with equal keys are seeds of one experiment).
        public var groupKey: String
        /// Each metric's (step, value) points in step order.
        public var points: [Metric: [(step: Double, value: Double)]]
    }

    /// Runs of one configuration.
    public struct Group: Sendable {
        /// The label shown in legends.
        public var label: String
        /// The runs (one per seed).
        public var runs: [Run]

        /// The mean over runs of `metric` at common steps, with the mean +- one standard deviation as the
        /// band (no band for a single run). Runs are interpolated linearly onto `resolution` steps spanning
        /// the steps every run reached; a single run keeps its own points.
        public func summary(of metric: Metric, resolution: Int = 100) -> (steps: [Double], mean: [Double], low: [Double], high: [Double]) {
            let curves = runs.compactMap { $0.points[metric] }.filter { !$0.isEmpty }
            guard !curves.isEmpty else { return ([], [], [], []) }
            if curves.count == 1 {
                let curve = curves[0]
                return (curve.map(\.step), curve.map(\.value), [], [])
            }
            let start = curves.map { $0.first!.step }.max()!, end = curves.map { $0.last!.step }.min()!
            guard end >= start else { return ([], [], [], []) }
            let count = end > start ? max(resolution, 2) : 1
            var steps: [Double] = [], mean: [Double] = [], low: [Double] = [], high: [Double] = []
            for index in 0..<count {
                let step = count == 1 ? start : start + (end - start) * Double(index) / Double(count - 1)
                let values = curves.map { Self.interpolate($0, at: step) }
                let average = values.reduce(0, +) / Double(values.count)
                let deviation = (values.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(values.count)).squareRoot()
                steps.append(step)
                mean.append(average)
                low.append(average - deviation)
                high.append(average + deviation)
            }
            return (steps, mean, low, high)
        }

        /// The value of a piecewise-linear curve at `step` (clamped to its ends).
        static func interpolate(_ curve: [(step: Double, value: Double)], at step: Double) -> Double {
            if step <= curve[0].step { return curve[0].value }
            for (left, right) in zip(curve, curve.dropFirst()) where step <= right.step {
                let span = right.step - left.step
                return span > 0 ? left.value + (right.value - left.value) * (step - left.step) / span : right.value
            }
            return curve[curve.count - 1].value
        }
    }

    /// The groups, in the order their first run was given.
    public var groups: [Group]

    /// Reads every run folder; throws naming a folder without a readable progress.csv.
    public init(runFolders: [URL]) throws {
        var groups: [Group] = []
        for folder in runFolders {
            let run = try Self.readRun(folder)
            if let index = groups.firstIndex(where: { $0.runs[0].groupKey == run.groupKey }) {
                groups[index].runs.append(run)
            } else {
                groups.append(Group(label: run.label, runs: [run]))
            }
        }
        // Two configurations of one algorithm and environment get numbered labels.
        for index in groups.indices where groups.filter({ $0.runs[0].label == groups[index].runs[0].label }).count > 1 {
            let number = groups[..<index].filter { $0.runs[0].label == groups[index].runs[0].label }.count + 1
            groups[index].label = "\(groups[index].runs[0].label) #\(number)"
        }
        for index in groups.indices where groups[index].runs.count > 1 {
            groups[index].label += " (\(groups[index].runs.count) seeds)"
        }
        self.groups = groups
    }

    /// One run: its progress.csv columns step and each metric, and its configuration.
    static func readRun(_ folder: URL) throws -> Run {
        let csvURL = folder.appendingPathComponent("progress.csv")
        guard let data = FileManager.default.contents(atPath: csvURL.path), let text = String(data: data, encoding: .utf8) else {
            throw TrainingError.missing("\(folder.path) has no readable progress.csv: give run folders made by `swiftrl train`")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init),
            let stepColumn = header.firstIndex(of: "step")
        else {
            throw TrainingError.missing("\(csvURL.path) has no header with a step column: is it a SwiftRL progress.csv?")
        }
        var points: [Metric: [(step: Double, value: Double)]] = [:]
        for metric in Metric.allCases {
            guard let column = header.firstIndex(of: metric.rawValue) else { continue }
            var curve: [(step: Double, value: Double)] = []
            for line in lines.dropFirst() {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                guard fields.count > max(column, stepColumn), let step = Double(fields[stepColumn]), let value = Double(fields[column]),
                    step.isFinite, value.isFinite
                else { continue }
                // A resumed run repeats steps it had logged before being killed: the later rows win.
                while let last = curve.last, last.step >= step { curve.removeLast() }
                curve.append((step, value))
            }
            points[metric] = curve
        }
        var label = folder.lastPathComponent, key = folder.standardizedFileURL.path
        if let configData = FileManager.default.contents(atPath: folder.appendingPathComponent("config.json").path),
            var object = try? JSONSerialization.jsonObject(with: configData) as? [String: Any]
        {
            let algorithm = object["algorithm"] as? String ?? "?", environment = object["env"] as? String ?? "?"
            label = "\(algorithm) \(environment)"
            for runSpecific in ["seed", "steps"] { object[runSpecific] = nil }
            if let canonical = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
                key = String(decoding: canonical, as: UTF8.self)
            }
        }
        return Run(folder: folder, label: label, groupKey: key, points: points)
    }
}
