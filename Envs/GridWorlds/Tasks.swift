import Gym

extension RandomGenerator {
    /// Minigrid's `_rand_int(low, high)`: an integer in low ..< high.
    mutating func integer(_ low: Int, _ high: Int) -> Int { low + integer(below: high - low) }
}

/// A random empty cell in the region (x ..< x + width, y ..< y + height), avoiding `excluding`.
func randomEmptyCell(
    _ grid: Grid, x: Int = 0, y: Int = 0, width: Int? = nil, height: Int? = nil,
    excluding: (x: Int, y: Int)? = nil, using generator: inout RandomGenerator
) -> (x: Int, y: Int) {
    let regionWidth = width ?? grid.width, regionHeight = height ?? grid.height
    while true {
        let cell = (x: generator.integer(x, x + regionWidth), y: generator.integer(y, y + regionHeight))
        if grid[cell.x, cell.y].object != .empty { continue }
        if let excluding, excluding.x == cell.x && excluding.y == cell.y { continue }
        return cell
    }
}

/// A square task of `size` x `size` cells, walls included.
public protocol SquareGridTask: GridTask {
    /// Cells a side, walls included.
    var size: Int { get }
}

extension SquareGridTask {
    public var width: Int { size }
    public var height: Int { size }

    /// Minigrid's usual room: walls around it and the goal in the far (bottom-right) corner.
    func walledRoomWithGoal() -> Grid {
        var grid = Grid(width: size, height: size)
        grid.surroundWithWalls()
        grid[size - 2, size - 2] = .goal
        return grid
    }
}

/// Minigrid's Empty-NxN: an open room, the agent at (1, 1) facing right, the goal in the far corner.
public struct EmptyRoomTask: SquareGridTask {
    public let size: Int
    public var maxSteps: Int { 4 * size * size }
    public var usesObjects: Bool { false }
    public var resetIsRandom: Bool { false }
    public var seeThroughWalls: Bool { true }

    /// A room of `size` x `size` cells including walls (5 to 16).
    public init(size: Int) { self.size = size }

    public func generate(using generator: inout RandomGenerator) -> (grid: Grid, agent: (x: Int, y: Int), direction: Int) {
        (walledRoomWithGoal(), (1, 1), 0)
    }
}

/// Minigrid's FourRooms (19 x 19): four rooms joined by one random gap in each inner wall; random
/// agent cell and direction, random goal.
public struct FourRoomsTask: GridTask {
    public var width: Int { 19 }
    public var height: Int { 19 }
    public var maxSteps: Int { 100 }
    public var usesObjects: Bool { false }
    public var resetIsRandom: Bool { true }
    public var seeThroughWalls: Bool { false }
    public init() {}

    public func generate(using generator: inout RandomGenerator) -> (grid: Grid, agent: (x: Int, y: Int), direction: Int) {
        var grid = Grid(width: width, height: height)
        grid.surroundWithWalls()
        let roomWidth = width / 2, roomHeight = height / 2
        for j in 0..<2 {
            for i in 0..<2 {
                let left = i * roomWidth, top = j * roomHeight, right = left + roomWidth, bottom = top + roomHeight
                if i + 1 < 2 {
                    grid.verticalWall(x: right, y: top, length: roomHeight)
                    grid[right, generator.integer(top + 1, bottom)] = .empty
                }
                if j + 1 < 2 {
                    grid.horizontalWall(x: left, y: bottom, length: roomWidth)
                    grid[generator.integer(left + 1, right), bottom] = .empty
                }
            }
        }
        let agent = randomEmptyCell(grid, using: &generator)
        let direction = generator.integer(below: 4)
        let goal = randomEmptyCell(grid, excluding: agent, using: &generator)
        grid[goal.x, goal.y] = .goal
        return (grid, agent, direction)
    }
}

/// Minigrid's LavaGap: a vertical strip of lava with one gap between the agent (1, 1) and the goal.
public struct LavaGapTask: SquareGridTask {
    public let size: Int
    public var maxSteps: Int { 4 * size * size }
    public var usesObjects: Bool { false }
    public var resetIsRandom: Bool { true }
    public var seeThroughWalls: Bool { false }

    /// A room of `size` x `size` cells (5 to 16).
    public init(size: Int) { self.size = size }

    public func generate(using generator: inout RandomGenerator) -> (grid: Grid, agent: (x: Int, y: Int), direction: Int) {
        var grid = walledRoomWithGoal()
        let gapX = generator.integer(2, size - 2), gapY = generator.integer(1, size - 1)
        for y in 1..<(size - 1) where y != gapY { grid[gapX, y] = .lava }
        return (grid, (1, 1), 0)
    }
}

/// Minigrid's DoorKey: a wall with a locked yellow door splits the room; the yellow key lies on the
/// agent's side; the goal is in the far corner behind the door.
public struct DoorKeyTask: SquareGridTask {
    public let size: Int
    public var maxSteps: Int { 10 * size * size }
    public var usesObjects: Bool { true }
    public var resetIsRandom: Bool { true }
    public var seeThroughWalls: Bool { false }

    /// A room of `size` x `size` cells (5 to 16).
    public init(size: Int) { self.size = size }

    public func generate(using generator: inout RandomGenerator) -> (grid: Grid, agent: (x: Int, y: Int), direction: Int) {
        var grid = walledRoomWithGoal()
        let split = generator.integer(2, size - 2)
        grid.verticalWall(x: split, y: 0, length: size)
        let agent = randomEmptyCell(grid, width: split, height: size, using: &generator)
        let direction = generator.integer(below: 4)
        let door = generator.integer(1, size - 2)
        grid[split, door] = GridCell(.door, .yellow, state: 2)
        let key = randomEmptyCell(grid, width: split, height: size, excluding: agent, using: &generator)
        grid[key.x, key.y] = GridCell(.key, .yellow)
        return (grid, agent, direction)
    }
}
