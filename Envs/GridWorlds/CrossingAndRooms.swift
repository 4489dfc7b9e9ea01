import Gym

/// Minigrid's LavaCrossing (SxNn): `crossings` rivers of lava, each crossed by one gap along a
/// random path of right / down moves; agent at (1, 1) facing right, goal in the far corner.
public struct LavaCrossingTask: SquareGridTask {
    public let size: Int
    public let crossings: Int
    public var maxSteps: Int { 4 * size * size }
    public var usesObjects: Bool { false }
    public var resetIsRandom: Bool { true }
    public var seeThroughWalls: Bool { false }

    /// An odd `size` (9 or 11) with `crossings` rivers.
    public init(size: Int, crossings: Int) {
        self.size = size
        self.crossings = crossings
    }

    public func generate(using generator: inout RandomGenerator) -> (grid: Grid, agent: (x: Int, y: Int), direction: Int) {
        var grid = walledRoomWithGoal()
        // Rivers: vertical ones at even x, horizontal ones at even y; keep a random `crossings` of them.
        var rivers =
            stride(from: 2, to: size - 2, by: 2).map { (vertical: true, position: $0) }
            + stride(from: 2, to: size - 2, by: 2).map { (vertical: false, position: $0) }
        for index in stride(from: rivers.count - 1, to: 0, by: -1) { rivers.swapAt(index, generator.integer(below: index + 1)) }
        rivers = Array(rivers.prefix(crossings))
        let verticals = rivers.filter(\.vertical).map(\.position).sorted()
        let horizontals = rivers.filter { !$0.vertical }.map(\.position).sorted()
        for y in horizontals { for x in 1..<(size - 1) { grid[x, y] = .lava } }
        for x in verticals { for y in 1..<(size - 1) { grid[x, y] = .lava } }
        // A path of room-to-room moves: cross each vertical river going right and each horizontal one going down.
        var path = [Bool](repeating: true, count: verticals.count) + [Bool](repeating: false, count: horizontals.count)
        for index in stride(from: path.count - 1, to: 0, by: -1) { path.swapAt(index, generator.integer(below: index + 1)) }
        let limitsX = [0] + verticals + [size - 1], limitsY = [0] + horizontals + [size - 1]
        var roomX = 0, roomY = 0
        for goesRight in path {
            if goesRight {
                let x = limitsX[roomX + 1], y = generator.integer(limitsY[roomY] + 1, limitsY[roomY + 1])
                grid[x, y] = .empty
                roomX += 1
            } else {
                let x = generator.integer(limitsX[roomX] + 1, limitsX[roomX + 1]), y = limitsY[roomY + 1]
                grid[x, y] = .empty
                roomY += 1
            }
        }
        return (grid, (1, 1), 0)
    }
}

/// Minigrid's MultiRoom (N rooms of up to S cells, 25 x 25): a chain of rooms joined by closed doors
/// of changing colours (toggle to open); agent in the first room, goal in the last.
public struct MultiRoomTask: GridTask {
    public let rooms: Int
    public let maximumRoomSize: Int
    public var width: Int { 25 }
    public var height: Int { 25 }
    public var maxSteps: Int { rooms * 20 }
    public var usesObjects: Bool { true }
    public var resetIsRandom: Bool { true }
    public var seeThroughWalls: Bool { false }

    /// `rooms` rooms (2, 4 or 6 in Minigrid's ids) of at most `maximumRoomSize` cells a side.
    public init(rooms: Int, maximumRoomSize: Int) {
        self.rooms = rooms
        self.maximumRoomSize = maximumRoomSize
    }

    private struct Room { var left: Int, top: Int, width: Int, height: Int, entryDoor: (x: Int, y: Int) }

    public func generate(using generator: inout RandomGenerator) -> (grid: Grid, agent: (x: Int, y: Int), direction: Int) {
        var chain: [Room] = []
        while chain.count < rooms {
            var candidate: [Room] = []
            let entry = (x: generator.integer(0, width - 2), y: generator.integer(0, width - 2))
            _ = place(roomsLeft: rooms, chain: &candidate, entryWall: 2, entry: entry, using: &generator)
            if candidate.count > chain.count { chain = candidate }
        }
        var grid = Grid(width: width, height: height)
        var previousColor: GridColor?
        for (index, room) in chain.enumerated() {
            for x in 0..<room.width { grid[room.left + x, room.top] = .wall; grid[room.left + x, room.top + room.height - 1] = .wall }
            for y in 0..<room.height { grid[room.left, room.top + y] = .wall; grid[room.left + room.width - 1, room.top + y] = .wall }
            if index > 0 {
                let colors = GridColor.allCases.filter { $0 != previousColor }
                let color = colors[generator.integer(below: colors.count)]
                grid[room.entryDoor.x, room.entryDoor.y] = GridCell(.door, color, state: 1)
                previousColor = color
            }
        }
        // Cells outside every room are walls in effect (Minigrid leaves them empty but unreachable).
        let first = chain[0], last = chain[chain.count - 1]
        let agent = randomEmptyCell(
            grid, x: first.left + 1, y: first.top + 1, width: first.width - 2, height: first.height - 2, using: &generator)
        let goal = randomEmptyCell(
            grid, x: last.left + 1, y: last.top + 1, width: last.width - 2, height: last.height - 2, excluding: agent, using: &generator)
        grid[goal.x, goal.y] = .goal
        return (grid, agent, generator.integer(below: 4))
    }

    /// Minigrid's recursive `_placeRoom`.
    private func place(
        roomsLeft: Int, chain: inout [Room], entryWall: Int, entry: (x: Int, y: Int), using generator: inout RandomGenerator
    ) -> Bool {
        let sizeX = generator.integer(4, maximumRoomSize + 1), sizeY = generator.integer(4, maximumRoomSize + 1)
        var left = 0, top = 0
        if chain.isEmpty {
            (left, top) = entry
        } else {
            switch entryWall {
            case 0: left = entry.x - sizeX + 1; top = generator.integer(entry.y - sizeY + 2, entry.y)
            case 1: left = generator.integer(entry.x - sizeX + 2, entry.x); top = entry.y - sizeY + 1
            case 2: left = entry.x; top = generator.integer(entry.y - sizeY + 2, entry.y)
            default: left = generator.integer(entry.x - sizeX + 2, entry.x); top = entry.y
            }
        }
        if left < 0 || top < 0 || left + sizeX > width || top + sizeY >= height { return false }
        for room in chain.dropLast() {
            let apart =
                left + sizeX < room.left || room.left + room.width <= left || top + sizeY < room.top || room.top + room.height <= top
            if !apart { return false }
        }
        chain.append(Room(left: left, top: top, width: sizeX, height: sizeY, entryDoor: entry))
        if roomsLeft == 1 { return true }
        for _ in 0..<8 {
            let walls = [0, 1, 2, 3].filter { $0 != entryWall }
            let exitWall = walls[generator.integer(below: walls.count)]
            let exit: (x: Int, y: Int)
            switch exitWall {
            case 0: exit = (left + sizeX - 1, top + generator.integer(1, sizeY - 1))
            case 1: exit = (left + generator.integer(1, sizeX - 1), top + sizeY - 1)
            case 2: exit = (left, top + generator.integer(1, sizeY - 1))
            default: exit = (left + generator.integer(1, sizeX - 1), top)
            }
            if place(roomsLeft: roomsLeft - 1, chain: &chain, entryWall: (exitWall + 2) % 4, entry: exit, using: &generator) { break }
        }
        return true
    }
}
