import Foundation
import Gym

/// A grid task read from a text layout (format in assets/mazes/README.md): fixed start, fixed goal(s).
public struct MazeTask: GridTask {
    /// The layout's grid (without the agent).
    public let grid: Grid
    /// The start cell and direction.
    public let start: (x: Int, y: Int)
    public let startDirection: Int
    public var width: Int { grid.width }
    public var height: Int { grid.height }
    public var maxSteps: Int { 4 * grid.width * grid.height }
    public let usesObjects: Bool
    public var resetIsRandom: Bool { false }
    public var seeThroughWalls: Bool { false }

    /// Parses layout text; `source` names the file in error messages.
    public init(text: String, source: String = "maze") throws {
        var lines = text.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let first = lines.first, !first.isEmpty else {
            throw GymError.invalidArgument("\(source): the layout is empty; draw the grid with # . G L K D d and one start (> v < ^ S)")
        }
        let width = first.count, height = lines.count
        guard width >= 3, height >= 3 else {
            throw GymError.invalidArgument("\(source): the layout is \(width)x\(height); it needs at least 3x3 cells")
        }
        var grid = Grid(width: width, height: height)
        var start: (x: Int, y: Int, direction: Int)?
        var usesObjects = false
        for (row, line) in lines.enumerated() {
            guard line.count == width else {
                throw GymError.invalidArgument(
                    "\(source) line \(row + 1): \(line.count) characters where line 1 has \(width); every line must have the same length")
            }
            for (column, character) in line.enumerated() {
                let cell: GridCell
                switch character {
                case "#": cell = .wall
                case ".", " ": cell = .empty
                case "G": cell = .goal
                case "L": cell = .lava
                case "K": cell = GridCell(.key, .yellow); usesObjects = true
                case "D": cell = GridCell(.door, .yellow, state: 2); usesObjects = true
                case "d": cell = GridCell(.door, .yellow, state: 1); usesObjects = true
                case ">", "S", "v", "<", "^":
                    if let start {
                        throw GymError.invalidArgument(
                            "\(source) line \(row + 1), column \(column + 1): a second start; the first is at line \(start.y + 1), column \(start.x + 1)"
                        )
                    }
                    start = (column, row, [">": 0, "S": 0, "v": 1, "<": 2, "^": 3][character]!)
                    cell = .empty
                default:
                    throw GymError.invalidArgument(
                        "\(source) line \(row + 1), column \(column + 1): unknown character '\(character)'; use # . G L K D d and > v < ^ S"
                    )
                }
                grid[column, row] = cell
            }
        }
        guard let start else {
            throw GymError.invalidArgument("\(source): no start; mark the agent's cell with > v < ^ or S")
        }
        self.grid = grid
        self.start = (start.x, start.y)
        startDirection = start.direction
        self.usesObjects = usesObjects
    }

    /// Reads a layout file.
    public init(contentsOf url: URL) throws {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw GymError.invalidArgument("cannot read maze \(url.path): \(error.localizedDescription)")
        }
        try self.init(text: text, source: url.lastPathComponent)
    }

    public func generate(using generator: inout RandomGenerator) -> (grid: Grid, agent: (x: Int, y: Int), direction: Int) {
        (grid, start, startDirection)
    }
}
