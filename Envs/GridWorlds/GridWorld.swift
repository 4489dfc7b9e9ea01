import Gym
import Render

/// Minigrid's direction vectors: 0 +x (right), 1 +y (down), 2 -x, 3 -y.
let directionVectors = [(1, 0), (0, 1), (-1, 0), (0, -1)]

/// What a grid-world observation shows.
public enum GridObservationMode: String, Sendable, CaseIterable {
    /// Minigrid's 7x7x3 egocentric partial view (object, colour, state), walls blocking sight.
    case egocentric
    /// The whole grid as width x height x 3 with the agent encoded as (10, red, direction).
    case full
    /// [x, y, direction] as Float32.
    case position
    /// The rendered grid, channel-first uint8 [3, height, width] at the render size (8 pixels a cell,
    /// or the render_width / render_height options, e.g. 84 x 84, drawn directly at that size).
    case pixels
}

/// A layout generator for a grid world task.
public protocol GridTask: Sendable {
    /// The grid size.
    var width: Int { get }
    var height: Int { get }
    /// The step limit (Minigrid's max_steps).
    var maxSteps: Int { get }
    /// Whether the task needs pickup, drop and toggle (Discrete(7)) or only turning and moving (Discrete(3)).
    var usesObjects: Bool { get }
    /// Whether the start depends on the seed (false for fixed layouts such as Empty).
    var resetIsRandom: Bool { get }
    /// Whether the egocentric view ignores occlusion (Minigrid's see_through_walls; true for Empty).
    var seeThroughWalls: Bool { get }
    /// Builds the grid, the agent's start cell and direction.
    func generate(using generator: inout RandomGenerator) -> (grid: Grid, agent: (x: Int, y: Int), direction: Int)
}

/// A Minigrid-style grid world: turn left, turn right, move forward (and pick up, drop, toggle,
/// done), reward 1 - 0.9 step / max_steps on reaching the goal, lava ends the episode with 0,
/// truncation at max_steps (by the registry's TimeLimit).
public final class GridWorld: GoalEnvironment, CanvasScene {
    public let task: any GridTask
    public let observationMode: GridObservationMode
    /// Whether this is the goal-conditioned form: a Dict observation with achieved and desired goal
    /// cells, a goal sampled from the reachable cells at every reset (or set with the reset options
    /// goal_x / goal_y), reward 1 and termination when the agent stands on the desired cell, else 0.
    public let goalConditioned: Bool
    /// With a layout seed the walls and doors are the same every episode (the layout the task draws
    /// from this seed, as the classic fixed four-rooms); the agent's start cell and direction are
    /// still drawn per episode among the empty cells. Nil: a new layout every episode (Minigrid).
    public let layoutSeed: Int?
    /// Whether a goal-conditioned world draws its desired cell as Minigrid's green goal square (in
    /// pictures, full and egocentric grids). Without it the goal is only in `desired_goal` and the
    /// goal image, so a policy must read the goal it is given.
    public let showsGoalSquare: Bool
    public let observationSpace: Space
    public let actionSpace: Space
    public let metadata: EnvironmentMetadata
    public let renderMode: RenderMode?
    public let renderSize: RenderSize
    /// The canvas frames are drawn on (the whole grid, Minigrid's colours).
    public private(set) lazy var canvas = Canvas(width: renderSize.width, height: renderSize.height)
    /// Pixels per cell at the default render size (Minigrid's tile_size 8 for observations).
    public static let tileSize = 8
    /// Minigrid's egocentric view size.
    public static let viewSize = 7

    /// The current grid, agent cell, direction and carried object.
    public private(set) var grid: Grid {
        didSet { background = nil }
    }
    /// The rendered grid without the agent, reused until the grid changes.
    private var background: [UInt8]?
    public private(set) var agent = (x: 0, y: 0)
    public private(set) var direction = 0
    public private(set) var carrying: GridCell?
    public private(set) var stepCount = 0
    private var generator = RandomGenerator()
    private var hasReset = false

    /// The desired goal cell of the goal-conditioned form.
    public private(set) var desiredGoal = (x: 0, y: 0)

    /// A grid world for `task` with observations in `observationMode`; `goalConditioned` selects the
    /// goal-conditioned Dict form.
    public init(
        task: any GridTask, observationMode: GridObservationMode = .egocentric, goalConditioned: Bool = false,
        layoutSeed: Int? = nil, showsGoalSquare: Bool = true, renderMode: RenderMode? = nil, renderSize: RenderSize? = nil
    ) {
        self.task = task
        self.layoutSeed = layoutSeed
        self.showsGoalSquare = showsGoalSquare
        self.renderMode = renderMode
        self.renderSize = renderSize ?? RenderSize(width: task.width * Self.tileSize, height: task.height * Self.tileSize)
        self.observationMode = observationMode
        self.goalConditioned = goalConditioned
        metadata = EnvironmentMetadata(renderModes: [.rgbArray], renderFPS: 10, resetIsRandom: task.resetIsRandom)
        grid = Grid(width: task.width, height: task.height)
        actionSpace = .discrete(Discrete(task.usesObjects ? 7 : 3))
        let base: Space
        switch observationMode {
        case .egocentric: base = .box(Box(low: 0, high: 255, shape: [Self.viewSize, Self.viewSize, 3], dtype: .uint8))
        case .full: base = .box(Box(low: 0, high: 255, shape: [task.width, task.height, 3], dtype: .uint8))
        case .position: base = .box(Box(low: [0, 0, 0], high: [Float(task.width - 1), Float(task.height - 1), 3]))
        case .pixels: base = .box(Box(low: 0, high: 255, shape: [3, self.renderSize.height, self.renderSize.width], dtype: .uint8))
        }
        if goalConditioned {
            let cell = Space.box(Box(low: [0, 0], high: [Float(task.width - 1), Float(task.height - 1)]))
            var entries: [String: Space] = ["observation": base, "achieved_goal": cell, "desired_goal": cell]
            // Image-goal agents get the picture of the agent standing on the goal.
            if observationMode == .pixels { entries["goal_image"] = base }
            observationSpace = .dict(DictSpace(entries))
        } else {
            observationSpace = base
        }
    }

    public var goalDimension: Int { 2 }

    /// 1 where the achieved cell equals the desired cell, else 0 (the reward `step` returns).
    public func computeReward(achieved: [Float], desired: [Float], info: Info) throws -> [Double] {
        let rows = try goalRows(achieved: achieved, desired: desired)
        var rewards = [Double](repeating: 0, count: rows)
        for row in 0..<rows {
            let sameX = achieved[2 * row] == desired[2 * row], sameY = achieved[2 * row + 1] == desired[2 * row + 1]
            rewards[row] = sameX && sameY ? 1 : 0
        }
        return rewards
    }

    /// The cells reachable from the agent by walking (not through walls, doors or lava).
    public func reachableCells() -> [(x: Int, y: Int)] {
        var seen = Set<Int>([agent.y * grid.width + agent.x]), queue = [agent], head = 0
        while head < queue.count {
            let cell = queue[head]; head += 1
            for (dx, dy) in directionVectors {
                let next = (x: cell.x + dx, y: cell.y + dy)
                let object = grid[next.x, next.y].object
                guard object == .empty || object == .floor || object == .goal, seen.insert(next.y * grid.width + next.x).inserted else {
                    continue
                }
                queue.append(next)
            }
        }
        return queue
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        try options.requireKnownKeys(goalConditioned ? ["goal_x", "goal_y"] : [], for: "GridWorld.reset")
        if let seed { generator = try RandomGenerator(validatingSeed: seed) }
        if let layoutSeed {
            // Walls, doors (and a plain task's goal) from the fixed seed; the start from this episode's.
            var layoutGenerator = RandomGenerator(seed: UInt64(layoutSeed))
            grid = task.generate(using: &layoutGenerator).grid
            agent = randomEmptyCell(grid, using: &generator)
            direction = generator.integer(below: 4)
        } else {
            let layout = task.generate(using: &generator)
            grid = layout.grid
            agent = layout.agent
            direction = layout.direction
        }
        carrying = nil
        stepCount = 0
        if goalConditioned {
            for index in grid.cells.indices where grid.cells[index].object == .goal { grid.cells[index] = .empty }
            let reachable = reachableCells().filter { $0.x != agent.x || $0.y != agent.y }
            if options["goal_x"] != nil || options["goal_y"] != nil {
                let x = Int(try options.number("goal_x", default: -1, for: "GridWorld.reset"))
                let y = Int(try options.number("goal_y", default: -1, for: "GridWorld.reset"))
                guard x >= 0, y >= 0, x < grid.width, y < grid.height else {
                    throw GymError.invalidOption(
                        "requested goal (\(x), \(y)) is outside the \(grid.width)x\(grid.height) grid: give goal_x in 0..<\(grid.width) and goal_y in 0..<\(grid.height)"
                    )
                }
                guard reachable.contains(where: { $0.x == x && $0.y == y }) else {
                    throw GymError.invalidOption(
                        "requested goal (\(x), \(y)) holds \(grid[x, y].object) or cannot be reached from the agent at (\(agent.x), \(agent.y)): choose an empty reachable cell"
                    )
                }
                desiredGoal = (x, y)
            } else {
                guard !reachable.isEmpty else { throw GymError.invalidArgument("no reachable cell to use as a goal in this layout") }
                desiredGoal = reachable[generator.integer(below: reachable.count)]
            }
            if showsGoalSquare { grid[desiredGoal.x, desiredGoal.y] = .goal }
        }
        hasReset = true
        writeObservation(into: observation)
        return goalConditioned ? ["is_success": .bool(false)] : [:]
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        guard case .discrete(let index) = action, actionSpace.contains(action) else {
            try actionSpace.validate(action: action)
            fatalError("unreachable: validate(action:) throws for every invalid action")
        }
        guard hasReset else { throw GymError.stepBeforeReset("GridWorld.step was called before reset: call reset(seed:options:) first") }
        stepCount += 1
        var reward = 0.0, terminated = false
        let front = (x: agent.x + directionVectors[direction].0, y: agent.y + directionVectors[direction].1)
        let frontCell = grid[front.x, front.y]
        switch index {
        case 0: direction = (direction + 3) % 4
        case 1: direction = (direction + 1) % 4
        case 2:
            if frontCell.canOverlap { agent = front }
            if frontCell.object == .goal {
                terminated = true
                reward = 1 - 0.9 * Double(stepCount) / Double(task.maxSteps)
            }
            if frontCell.object == .lava { terminated = true }
        case 3:
            if frontCell.canPickUp && carrying == nil {
                carrying = frontCell
                grid[front.x, front.y] = .empty
            }
        case 4:
            if frontCell.object == .empty, let carried = carrying {
                grid[front.x, front.y] = carried
                carrying = nil
            }
        case 5:
            if frontCell.object == .door {
                var door = frontCell
                if door.state == 2 {
                    if let key = carrying, key.object == .key, key.color == door.color { door.state = 0 }
                } else {
                    door.state = door.state == 0 ? 1 : 0
                }
                grid[front.x, front.y] = door
            }
        default: break
        }
        writeObservation(into: observation)
        if goalConditioned {
            let success = agent.x == desiredGoal.x && agent.y == desiredGoal.y
            let inLava = grid[agent.x, agent.y].object == .lava
            return StepResult(reward: success ? 1 : 0, terminated: success || inLava, info: ["is_success": .bool(success)])
        }
        return StepResult(reward: reward, terminated: terminated)
    }

    private func writeObservation(into observation: ObservationBuffer) {
        guard goalConditioned else { writeBase(into: observation); return }
        writeBase(into: observation["observation"])
        if observationMode == .pixels {
            draw(on: canvas, agentAt: desiredGoal, facing: 0)
            canvas.write(into: observation["goal_image"].bytes, channelFirst: true)
        }
        let achieved = observation["achieved_goal"].floats, desired = observation["desired_goal"].floats
        achieved[0] = Float(agent.x); achieved[1] = Float(agent.y)
        desired[0] = Float(desiredGoal.x); desired[1] = Float(desiredGoal.y)
    }

    private func writeBase(into observation: ObservationBuffer) {
        switch observationMode {
        case .egocentric: writeEgocentric(into: observation.bytes)
        case .full:
            for y in 0..<grid.height {
                for x in 0..<grid.width {
                    let index = (x * grid.height + y) * 3
                    let cell = x == agent.x && y == agent.y ? GridCell(.agent, .red, state: UInt8(direction)) : grid[x, y]
                    observation.bytes[index] = cell.object.rawValue
                    observation.bytes[index + 1] = cell.color.rawValue
                    observation.bytes[index + 2] = cell.state
                }
            }
        case .pixels:
            render(into: observation.bytes, channelFirst: true)
        case .position:
            observation.floats[0] = Float(agent.x)
            observation.floats[1] = Float(agent.y)
            observation.floats[2] = Float(direction)
        }
    }

    /// Minigrid's gen_obs: the 7x7 view ahead of the agent, rotated so the agent looks up from
    /// (3, 6), with cells hidden behind walls and closed doors marked unseen; encoded [x][y][3].
    private func writeEgocentric(into target: UnsafeMutableBufferPointer<UInt8>) {
        let size = Self.viewSize
        // View cell (i, j) (i right, j down, agent at (3, 6) looking up) -> world cell. Scratch on the stack.
        withUnsafeTemporaryAllocation(of: GridCell.self, capacity: size * size) { view in
            withUnsafeTemporaryAllocation(of: Bool.self, capacity: size * size) { visible in
                let forward = directionVectors[direction], right = directionVectors[(direction + 1) % 4]
                for j in 0..<size {
                    for i in 0..<size {
                        let ahead = size - 1 - j, across = i - size / 2
                        view.initializeElement(
                            at: j * size + i,
                            to: grid[agent.x + forward.0 * ahead + right.0 * across, agent.y + forward.1 * ahead + right.1 * across])
                    }
                }
                // Visibility (Minigrid's process_vis), from the agent's row upwards.
                visible.initialize(repeating: task.seeThroughWalls)
                visible[(size - 1) * size + size / 2] = true
                if !task.seeThroughWalls {
                    for j in stride(from: size - 1, through: 0, by: -1) {
                        for i in 0..<(size - 1) where visible[j * size + i] && view[j * size + i].seeBehind {
                            visible[j * size + i + 1] = true
                            if j > 0 { visible[(j - 1) * size + i + 1] = true; visible[(j - 1) * size + i] = true }
                        }
                        for i in stride(from: size - 1, through: 1, by: -1) where visible[j * size + i] && view[j * size + i].seeBehind {
                            visible[j * size + i - 1] = true
                            if j > 0 { visible[(j - 1) * size + i - 1] = true; visible[(j - 1) * size + i] = true }
                        }
                    }
                }
                // The agent's own cell shows what it carries (or nothing).
                view[(size - 1) * size + size / 2] = carrying ?? .empty
                for i in 0..<size {
                    for j in 0..<size {
                        let index = (i * size + j) * 3
                        if visible[j * size + i] {
                            let cell = view[j * size + i]
                            target[index] = cell.object.rawValue; target[index + 1] = cell.color.rawValue; target[index + 2] = cell.state
                        } else {
                            target[index] = 0; target[index + 1] = 0; target[index + 2] = 0
                        }
                    }
                }
            }
        }
    }

    // MARK: Rendering

    /// Draws the whole grid: black floor with grey grid lines, grey walls, green goal, orange lava,
    /// yellow keys and doors, and the agent as a red triangle pointing its way (Minigrid's palette).
    public func draw(on canvas: Canvas) {
        draw(on: canvas, agentAt: agent, facing: direction)
    }

    /// The goal image: the picture of the agent standing on the desired goal cell (facing right).
    public func goalImage() -> Frame {
        draw(on: canvas, agentAt: desiredGoal, facing: 0)
        return canvas.frame()
    }

    private func draw(on canvas: Canvas, agentAt position: (x: Int, y: Int), facing: Int) {
        let cellWidth = Double(canvas.width) / Double(grid.width), cellHeight = Double(canvas.height) / Double(grid.height)
        canvas.transform = Transform(scale: 1, yUp: false)
        if let background {
            canvas.restore(background)
        } else {
            drawGrid(on: canvas, cellWidth: cellWidth, cellHeight: cellHeight)
            background = canvas.snapshot()
        }
        let centre = Point((Double(position.x) + 0.5) * cellWidth, (Double(position.y) + 0.5) * cellHeight)
        let angle = Double(facing) * Double.pi / 2
        let triangle = [Point(0.4, 0), Point(-0.3, 0.3), Point(-0.3, -0.3)].map {
            let rotated = $0.rotated(by: angle)
            return Point(centre.x + rotated.x * cellWidth, centre.y + rotated.y * cellHeight)
        }
        canvas.fillPolygon(pixels: triangle, Color(255, 0, 0))
    }

    /// Minigrid's COLORS for object colours.
    static func palette(_ color: GridColor) -> Color {
        switch color {
        case .red: return Color(255, 0, 0)
        case .green: return Color(0, 255, 0)
        case .blue: return Color(0, 0, 255)
        case .purple: return Color(112, 39, 195)
        case .yellow: return Color(255, 255, 0)
        case .grey: return Color(100, 100, 100)
        }
    }

    /// Draws the cells and grid lines (everything but the agent); cached until the grid changes.
    private func drawGrid(on canvas: Canvas, cellWidth: Double, cellHeight: Double) {
        canvas.clear(.black)
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let left = Double(x) * cellWidth, top = Double(y) * cellHeight
                let cell = grid[x, y]
                let color: Color?
                switch cell.object {
                case .wall: color = Color(100, 100, 100)
                case .goal: color = Color(0, 255, 0)
                case .lava: color = Color(255, 128, 0)
                case .door: color = cell.state == 0 ? nil : Self.palette(cell.color)
                default: color = nil
                }
                if let color { canvas.fillRectangle(x: left, y: top, width: cellWidth, height: cellHeight, color) }
                if cell.object == .key {
                    canvas.fillRectangle(
                        x: left + cellWidth * 0.35, y: top + cellHeight * 0.2, width: cellWidth * 0.3, height: cellHeight * 0.6,
                        Self.palette(cell.color))
                }
                if cell.object == .door && cell.state == 0 {
                    canvas.fillRectangle(x: left, y: top, width: cellWidth * 0.15, height: cellHeight, Self.palette(cell.color))
                }
            }
        }
        for x in 0...grid.width {
            canvas.fillRectangle(
                x: Double(x) * cellWidth, y: 0, width: max(1, cellWidth / 32), height: Double(canvas.height), Color(60, 60, 60))
        }
        for y in 0...grid.height {
            canvas.fillRectangle(
                x: 0, y: Double(y) * cellHeight, width: Double(canvas.width), height: max(1, cellHeight / 32), Color(60, 60, 60))
        }
    }
}
