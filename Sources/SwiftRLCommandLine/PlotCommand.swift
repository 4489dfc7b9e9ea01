import ArgumentParser
import Foundation
import Render
import Training

/// `swiftrl plot`: learning curves of run folders to PNG or SVG.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot learning curves of run folders (episode and evaluation return against steps) to PNG or SVG.",
        discussion: """
            Runs whose config.json differ only in seed (and steps) are seeds of one experiment: they are drawn as \
            the mean over seeds with a band of one standard deviation, on the steps every seed reached. Other runs \
            are overlaid, one colour each. Rendered natively: no Python or plotting library needed.
            """)

    /// Which curves to draw.
    enum Curves: String, ExpressibleByArgument, CaseIterable {
        case both, episode, eval
    }

    @Argument(help: "Run folders (from swiftrl train).")
    var runs: [String]

    @Option(help: "The picture to write: .png or .svg.")
    var output: String

    @Option(
        help:
            "Which curves: \(Curves.allCases.map(\.rawValue).joined(separator: ", ")) (episode: training-episode return; eval: evaluation return)."
    )
    var curves: Curves = .both

    @Option(help: "Width in pixels (height follows the number of panels).")
    var width: Int = 900

    @Option(
        name: .customLong("action-repeat"),
        help:
            "Draw environment frames instead of agent steps: progress.csv counts the agent's steps, and an environment with action repeat N (the pixel scenes: cartpole 8, reacher and pendulum 4) runs N frames per step, the unit of published DMC curves."
    )
    var actionRepeat = 1

    func validate() throws {
        if runs.isEmpty { throw ValidationError("give at least one run folder") }
        if !(output.hasSuffix(".png") || output.hasSuffix(".svg")) {
            throw ValidationError("--output must end in .png or .svg, got '\(output)'")
        }
        if !(300...4000).contains(width) { throw ValidationError("--width must be in 300...4000, got \(width)") }
        if !(1...1000).contains(actionRepeat) { throw ValidationError("--action-repeat must be in 1...1000, got \(actionRepeat)") }
    }

    func run() throws {
        let curvesData = try LearningCurves(runFolders: runs.map { URL(fileURLWithPath: $0) })
        var metrics: [(LearningCurves.Metric, String)] = []
        if curves != .eval { metrics.append((.episodeReturn, "Training episodes (mean of the last 100)")) }
        if curves != .episode { metrics.append((.evaluationReturn, "Evaluation")) }
        var panels: [LineChart.Panel] = []
        for (metric, title) in metrics {
            var series: [LineChart.Series] = []
            for (index, group) in curvesData.groups.enumerated() {
                let summary = group.summary(of: metric)
                guard !summary.steps.isEmpty else { continue }
                series.append(
                    LineChart.Series(
                        label: group.label, x: summary.steps.map { $0 * Double(actionRepeat) }, y: summary.mean, low: summary.low,
                        high: summary.high,
                        color: LineChart.palette[index % LineChart.palette.count]))
            }
            if !series.isEmpty {
                panels.append(
                    LineChart.Panel(
                        title: title, xLabel: actionRepeat == 1 ? "steps" : "environment steps (steps x \(actionRepeat))", yLabel: "return",
                        series: series))
            }
        }
        guard !panels.isEmpty else {
            throw ValidationError(
                "no \(curves == .eval ? "evaluation" : curves == .episode ? "episode" : "") returns in progress.csv of \(runs.joined(separator: ", ")): train longer (or with eval_every > 0)"
            )
        }
        let chart = LineChart(panels: panels, width: width)
        let url = URL(fileURLWithPath: output)
        let data = output.hasSuffix(".svg") ? Data(chart.svg().utf8) : PNGEncoder.encode(chart.frame())
        do { try data.write(to: url, options: .atomic) } catch {
            throw ValidationError("cannot write \(output): \(error.localizedDescription); choose a writable path")
        }
        print("wrote \(output) (\(chart.width)x\(chart.height)): \(curvesData.groups.map(\.label).joined(separator: "; "))")
    }
}
