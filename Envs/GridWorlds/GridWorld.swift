import Gym

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
public final class GridWorld: Environment {
    public let task: any GridTask
    public let observationMode: GridObservationMode
    public let observationSpace: Space
    public let actionSpace: Space
    public let metadata: EnvironmentMetadata
    /// Minigrid's egocentric view size.
    public static let viewSize = 7

    /// The current grid, agent cell, direction and carried object.
    public private(set) var grid: Grid
    public private(set) var agent = (x: 0, y: 0)
    public private(set) var direction = 0
    public private(set) var carrying: GridCell?
    public private(set) var stepCount = 0
    private var generator = RandomGenerator()
    private var hasReset = false

    /// A grid world for `task` with observations in `observationMode`.
    public init(task: any GridTask, observationMode: GridObservationMode = .egocentric) {
        self.task = task
        self.observationMode = observationMode
        metadata = EnvironmentMetadata(renderModes: [], renderFPS: 10, resetIsRandom: task.resetIsRandom)
        grid = Grid(width: task.width, height: task.height)
        actionSpace = .discrete(Discrete(task.usesObjects ? 7 : 3))
        switch observationMode {
        case .egocentric: observationSpace = .box(Box(low: 0, high: 255, shape: [Self.viewSize, Self.viewSize, 3], dtype: .uint8))
        case .full: observationSpace = .box(Box(low: 0, high: 255, shape: [task.width, task.height, 3], dtype: .uint8))
        case .position: observationSpace = .box(Box(low: [0, 0, 0], high: [Float(task.width - 1), Float(task.height - 1), 3]))
        }
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        try options.requireKnownKeys([], for: "GridWorld.reset")
        if let seed { generator = try RandomGenerator(validatingSeed: seed) }
        let layout = task.generate(using: &generator)
        grid = layout.grid
        agent = layout.agent
        direction = layout.direction
        carrying = nil
        stepCount = 0
        hasReset = true
        writeObservation(into: observation)
        return [:]
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
        return StepResult(reward: reward, terminated: terminated)
    }

    private func writeObservation(into observation: ObservationBuffer) {
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
        // View cell (i, j) (i right, j down, agent at (3, 6) looking up) -> world cell.
        let forward = directionVectors[direction], right = directionVectors[(direction + 1) % 4]
        var view = [GridCell](repeating: .wall, count: size * size)
        for j in 0..<size {
            for i in 0..<size {
                let ahead = size - 1 - j, across = i - size / 2
                view[j * size + i] = grid[agent.x + forward.0 * ahead + right.0 * across, agent.y + forward.1 * ahead + right.1 * across]
            }
        }
        // Visibility (Minigrid's process_vis), from the agent's row upwards.
        var visible = [Bool](repeating: task.seeThroughWalls, count: size * size)
        visible[(size - 1) * size + size / 2] = true
        for j in stride(from: size - 1, through: 0, by: -1) where !task.seeThroughWalls {
            for i in 0..<(size - 1) where visible[j * size + i] && view[j * size + i].seeBehind {
                visible[j * size + i + 1] = true
                if j > 0 { visible[(j - 1) * size + i + 1] = true; visible[(j - 1) * size + i] = true }
            }
            for i in stride(from: size - 1, through: 1, by: -1) where visible[j * size + i] && view[j * size + i].seeBehind {
                visible[j * size + i - 1] = true
                if j > 0 { visible[(j - 1) * size + i - 1] = true; visible[(j - 1) * size + i] = true }
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
