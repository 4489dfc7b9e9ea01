import Foundation
import Gym
import Testing
@testable import Render

@Suite struct LineChartTests {
    let chart = LineChart(
        panels: [
            LineChart.Panel(
                title: "Evaluation", xLabel: "steps", yLabel: "return",
                series: [
                    LineChart.Series(
                        label: "ppo <seeds>", x: [0, 1000, 2000], y: [0, 50, 100], low: [-10, 40, 80], high: [10, 60, 120],
                        color: Color(200, 30, 30))
                ])
        ], width: 400, height: 300)

    @Test func thePNGFrameHoldsTheLineItsBandAndNothingOutsideTheCanvas() {
        let frame = chart.frame()
        #expect(frame.width == 400 && frame.height == 300 && frame.pixels.count == 400 * 300 * 3)
        func count(_ color: Color) -> Int {
            stride(from: 0, to: frame.pixels.count, by: 3).filter {
                frame.pixels[$0] == color.red && frame.pixels[$0 + 1] == color.green && frame.pixels[$0 + 2] == color.blue
            }.count
        }
        #expect(count(Color(200, 30, 30)) > 300, "the line and its legend swatch are drawn in the series colour")
        #expect(count(LineChart.bandColor(Color(200, 30, 30))) > 2000, "the band is filled in the lighter shade")
        // The line rises to the right: the line's pixels in the right third lie higher than in the left third.
        func meanRow(columns: Range<Int>) -> Double {
            var rows: [Int] = []
            for y in 0..<frame.height {
                for x in columns {
                    let index = (y * frame.width + x) * 3
                    if frame.pixels[index] == 200 && frame.pixels[index + 1] == 30 { rows.append(y) }
                }
            }
            return Double(rows.reduce(0, +)) / Double(max(rows.count, 1))
        }
        #expect(meanRow(columns: 300..<360) < meanRow(columns: 100..<160))
    }

    @Test func theSVGHasTheSameGeometryAndEscapesText() {
        let svg = chart.svg()
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("<polyline") && svg.contains("fill-opacity") && svg.contains("ppo &lt;seeds&gt;"))
        #expect(svg.contains(">Evaluation<") && svg.contains(">2k<"))
    }

    @Test func tickRangesAreRoundAndCoverTheData() {
        let (range, ticks) = LineChart.niceRange(-3, 487, includeZero: false)
        #expect(range.lowerBound <= -3 && range.upperBound >= 487 && ticks.first == range.lowerBound)
        #expect(LineChart.tickLabel(1_500_000) == "1.5M" && LineChart.tickLabel(250_000) == "250k" && LineChart.tickLabel(0.25) == "0.25")
    }
}
