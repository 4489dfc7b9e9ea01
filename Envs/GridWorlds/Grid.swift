/// Minigrid's object types (OBJECT_TO_IDX).
public enum GridObject: UInt8, Sendable, Equatable {
    case unseen = 0, empty, wall, floor, door, key, ball, box, goal, lava, agent
}

/// Minigrid's colours (COLOR_TO_IDX).
public enum GridColor: UInt8, Sendable, Equatable, CaseIterable {
    case red = 0, green, blue, purple, yellow, grey
}

/// One cell: object, colour and state (doors: 0 open, 1 closed, 2 locked), as Minigrid encodes it.
public struct GridCell: Sendable, Equatable {
    public var object: GridObject
    public var color: GridColor
    public var state: UInt8

    public init(_ object: GridObject, _ color: GridColor = .red, state: UInt8 = 0) {
        self.object = object
        self.color = color
        self.state = state
    }

    public static let empty = GridCell(.empty)
    public static let wall = GridCell(.wall, .grey)
    public static let goal = GridCell(.goal, .green)
    public static let lava = GridCell(.lava, .red)

    /// Whether the agent may stand here (Minigrid's can_overlap).
    public var canOverlap: Bool {
        switch object {
        case .empty, .floor, .goal, .lava: return true
        case .door: return state == 0
        default: return false
        }
    }

    /// Whether sight passes through (Minigrid's see_behind).
    public var seeBehind: Bool {
        switch object {
        case .wall: return false
        case .door: return state == 0
        default: return true
        }
    }

    /// Whether the agent can pick it up.
    public var canPickUp: Bool { object == .key || object == .ball || object == .box }
}

/// A width x height grid of cells (x to the right, y down), Minigrid's coordinates.
public struct Grid: Sendable, Equatable {
    public let width: Int, height: Int
    public var cells: [GridCell]

    /// An empty grid.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        cells = Array(repeating: .empty, count: width * height)
    }

    /// The cell at (x, y); outside the grid reads as wall.
    @inline(__always)
    public subscript(x: Int, y: Int) -> GridCell {
        get { x >= 0 && y >= 0 && x < width && y < height ? cells[y * width + x] : .wall }
        set { cells[y * width + x] = newValue }
    }

    /// Walls around the border.
    public mutating func surroundWithWalls() {
        for x in 0..<width { self[x, 0] = .wall; self[x, height - 1] = .wall }
        for y in 0..<height { self[0, y] = .wall; self[width - 1, y] = .wall }
    }

    /// A vertical wall of `length` cells from (x, y) down.
    public mutating func verticalWall(x: Int, y: Int, length: Int) {
        for offset in 0..<length where y + offset < height { self[x, y + offset] = .wall }
    }

    /// A horizontal wall of `length` cells from (x, y) right.
    public mutating func horizontalWall(x: Int, y: Int, length: Int) {
        for offset in 0..<length where x + offset < width { self[x + offset, y] = .wall }
    }
}
