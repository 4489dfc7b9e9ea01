import Foundation
import Gym
import Render

/// CarRacing's randomly generated closed track (Gymnasium's `_create_track`): 12 jittered
/// checkpoints around a circle, a trace that steers towards them at a limited turn rate, and the
/// second full lap of that trace cut out as the road. Pure geometry; `CarRacing` turns the nodes
/// into sensor tiles.
struct RaceTrack {
    /// One point of the trace: its polar angle around the centre, its heading (beta) and position.
    struct Node {
        var alpha: Double, beta: Double, x: Double, y: Double
    }

    /// A quadrilateral of the road or of a kerb, with the tile it belongs to.
    struct Polygon {
        var points: [Point]
        /// Index of the road tile (kerb polygons carry their tile's index).
        var tile: Int
        /// Whether this is a kerb (red and white border) polygon rather than a road tile.
        var isBorder: Bool
        /// White (even tile) or red (odd tile) kerb.
        var isWhiteBorder: Bool
    }

    static let checkpoints = 12
    static let trackRadius = 900.0 / CarRacing.scale
    static let detailStep = 21.0 / CarRacing.scale
    static let turnRate = 0.31
    static let width = 40.0 / CarRacing.scale
    static let borderWidth = 8.0 / CarRacing.scale
    static let borderMinimumCount = 4

    /// The trace nodes of one lap, in driving order.
    let nodes: [Node]
    /// Whether each node's tile has a kerb (hard turns).
    let border: [Bool]

    /// Generates a track, retrying (with fresh random draws) until a closed lap glues together.
    static func generate(using generator: inout RandomGenerator) -> RaceTrack {
        while true {
            if let track = attempt(using: &generator) { return track }
        }
    }

    /// One generation attempt; nil when the trace does not close cleanly (Gymnasium retries).
    static func attempt(using generator: inout RandomGenerator) -> RaceTrack? {
        var targets: [(alpha: Double, x: Double, y: Double)] = []
        var startAlpha = 0.0
        for index in 0..<checkpoints {
            let noise = generator.uniform(0, 2 * Double.pi / Double(checkpoints))
            var alpha = 2 * Double.pi * Double(index) / Double(checkpoints) + noise
            var radius = generator.uniform(trackRadius / 3, trackRadius)
            if index == 0 {
                alpha = 0
                radius = 1.5 * trackRadius
            }
            if index == checkpoints - 1 {
                alpha = 2 * Double.pi * Double(index) / Double(checkpoints)
                startAlpha = 2 * Double.pi * -0.5 / Double(checkpoints)
                radius = 1.5 * trackRadius
            }
            targets.append((alpha, radius * cos(alpha), radius * sin(alpha)))
        }

        // Trace from checkpoint to checkpoint, turning at most `turnRate` per step.
        var x = 1.5 * trackRadius, y = 0.0, beta = 0.0
        var destination = 0, laps = 0, stepsLeft = 2500
        var visitedOtherSide = false
        var trace: [Node] = []
        while true {
            var alpha = atan2(y, x)
            if visitedOtherSide && alpha > 0 {
                laps += 1
                visitedOtherSide = false
            }
            if alpha < 0 {
                visitedOtherSide = true
                alpha += 2 * .pi
            }
            var target = targets[0]
            while true {
                var failed = true
                while true {
                    target = targets[destination % checkpoints]
                    if alpha <= target.alpha {
                        failed = false
                        break
                    }
                    destination += 1
                    if destination % checkpoints == 0 { break }
                }
                if !failed { break }
                alpha -= 2 * .pi
            }
            let headingX = cos(beta), headingY = sin(beta)
            let perpendicularX = -headingY, perpendicularY = headingX
            var projection = headingX * (target.x - x) + headingY * (target.y - y)
            while beta - alpha > 1.5 * .pi { beta -= 2 * .pi }
            while beta - alpha < -1.5 * .pi { beta += 2 * .pi }
            let previousBeta = beta
            projection *= CarRacing.scale
            if projection > 0.3 { beta -= min(turnRate, abs(0.001 * projection)) }
            if projection < -0.3 { beta += min(turnRate, abs(0.001 * projection)) }
            x += perpendicularX * detailStep
            y += perpendicularY * detailStep
            trace.append(Node(alpha: alpha, beta: previousBeta * 0.5 + beta * 0.5, x: x, y: y))
            if laps > 4 { break }
            stepsLeft -= 1
            if stepsLeft == 0 { break }
        }

        // The closed lap between the last two passes through the start angle.
        var first = -1, last = -1, index = trace.count
        while true {
            index -= 1
            if index <= 0 { return nil }
            let passesStart = trace[index].alpha > startAlpha && trace[index - 1].alpha <= startAlpha
            if passesStart && last == -1 {
                last = index
            } else if passesStart && first == -1 {
                first = index
                break
            }
        }
        guard last - 1 > first + 1 else { return nil }
        let lap = Array(trace[first..<(last - 1)])

        // The perpendicular jump that joins the head to the tail must be shorter than one step.
        let firstPerpendicular = (cos(lap[0].beta), sin(lap[0].beta))
        let jumpX = firstPerpendicular.0 * (lap[0].x - lap[lap.count - 1].x)
        let jumpY = firstPerpendicular.1 * (lap[0].y - lap[lap.count - 1].y)
        if (jumpX * jumpX + jumpY * jumpY).squareRoot() > detailStep { return nil }

        return RaceTrack(nodes: lap, border: kerbs(for: lap))
    }

    /// Red and white kerbs on hard turns: a node whose last `borderMinimumCount` heading changes
    /// are all large and turn the same way, spread back over the preceding nodes.
    static func kerbs(for lap: [Node]) -> [Bool] {
        let count = lap.count
        func wrapped(_ index: Int) -> Int { ((index % count) + count) % count }
        var border = [Bool](repeating: false, count: count)
        for index in 0..<count {
            var good = true
            var oneSide = 0.0
            for back in 0..<borderMinimumCount {
                let beta1 = lap[wrapped(index - back)].beta, beta2 = lap[wrapped(index - back - 1)].beta
                good = good && abs(beta1 - beta2) > turnRate * 0.2
                oneSide += beta1 > beta2 ? 1 : (beta1 < beta2 ? -1 : 0)
            }
            border[index] = good && abs(oneSide) == Double(borderMinimumCount)
        }
        for index in 0..<count {
            for back in 0..<borderMinimumCount where border[index] { border[wrapped(index - back)] = true }
        }
        return border
    }

    /// The road tiles (and kerbs after their tile) in drawing order.
    func polygons() -> [Polygon] {
        var result: [Polygon] = []
        let count = nodes.count
        let width = Self.width, kerb = Self.borderWidth
        for index in 0..<count {
            let node1 = nodes[index], node2 = nodes[(index - 1 + count) % count]
            let cos1 = cos(node1.beta), sin1 = sin(node1.beta), cos2 = cos(node2.beta), sin2 = sin(node2.beta)
            let road1Left = Point(node1.x - width * cos1, node1.y - width * sin1),
                road1Right = Point(node1.x + width * cos1, node1.y + width * sin1)
            let road2Left = Point(node2.x - width * cos2, node2.y - width * sin2),
                road2Right = Point(node2.x + width * cos2, node2.y + width * sin2)
            result.append(
                Polygon(points: [road1Left, road1Right, road2Right, road2Left], tile: index, isBorder: false, isWhiteBorder: false))
            if border[index] {
                let side: Double = node2.beta > node1.beta ? 1 : (node2.beta < node1.beta ? -1 : 0)
                let points = [
                    Point(node1.x + side * width * cos1, node1.y + side * width * sin1),
                    Point(node1.x + side * (width + kerb) * cos1, node1.y + side * (width + kerb) * sin1),
                    Point(node2.x + side * (width + kerb) * cos2, node2.y + side * (width + kerb) * sin2),
                    Point(node2.x + side * width * cos2, node2.y + side * width * sin2),
                ]
                result.append(Polygon(points: points, tile: index, isBorder: true, isWhiteBorder: index % 2 == 0))
            }
        }
        return result
    }
}
