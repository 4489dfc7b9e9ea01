import Foundation
import Testing
import BundledEnvs
@testable import GridWorlds
@testable import Gym

struct MinigridCase: Decodable, CustomTestStringConvertible {
    let id: String
    let actions: [Int]
    let images: [[[[Int]]]]
    let rewards: [Double]
    let terminated: [Bool]
    var testDescription: String { id }
}

struct MinigridFile: Decodable { let cases: [MinigridCase] }

func loadMinigridCases() -> [MinigridCase] {
    guard let url = Bundle.module.url(forResource: "minigrid_empty", withExtension: "json"),
        let data = try? Data(contentsOf: url),
        let file = try? JSONDecoder().decode(MinigridFile.self, from: data)
    else { return [] }
    return file.cases
}

/// Breadth-first search over (x, y, direction, has key, door open) for an action sequence to the goal.
func solve(_ world: GridWorld) -> [Int]? {
    struct Node: Hashable { var x: Int, y: Int, direction: Int }
    let start = Node(x: world.agent.x, y: world.agent.y, direction: world.direction)
    var previous: [Node: (Node, Int)] = [:]
    var queue = [start], seen: Set<Node> = [start], head = 0
    while head < queue.count {
        let node = queue[head]; head += 1
        let front = (node.x + directionVectors[node.direction].0, node.y + directionVectors[node.direction].1)
        if world.grid[front.0, front.1].object == .goal {
            var actions = [2], current = node
            while let (parent, action) = previous[current] { actions.append(action); current = parent }
            return actions.reversed()
        }
        var moves = [
            (Node(x: node.x, y: node.y, direction: (node.direction + 3) % 4), 0),
            (Node(x: node.x, y: node.y, direction: (node.direction + 1) % 4), 1),
        ]
        let cell = world.grid[front.0, front.1]
        if cell.canOverlap && cell.object != .lava { moves.append((Node(x: front.0, y: front.1, direction: node.direction), 2)) }
        for (next, action) in moves where seen.insert(next).inserted {
            previous[next] = (node, action)
            queue.append(next)
        }
    }
    return nil
}

@Suite("Grid worlds")
struct GridWorldTests {
    init() { BundledEnvironments.register() }

    @Test("every registered grid id passes the environment checker")
    func checker() {
        let ids = BundledEnvironments.gridSpecs.map(\.id)
        #expect(ids.count >= 25)
        for id in ids {
            let results = EnvironmentChecker.check(id: id, steps: 100)
            for result in results where !result.passed { Issue.record("\(id) \(result.name): \(result.message)") }
        }
    }

    @Test("egocentric images and rewards equal Minigrid's on the Empty rooms", arguments: loadMinigridCases())
    func matchesMinigrid(_ fixture: MinigridCase) throws {
        let size = fixture.id.contains("8x8") ? 8 : 5
        let environment = try make("EmptyRoom-\(size)x\(size)-v0")
        func flat(_ image: [[[Int]]]) -> [UInt8] { image.flatMap { $0.flatMap { $0.map(UInt8.init) } } }
        #expect(try environment.reset(seed: 0).observation == .uint8(flat(fixture.images[0])))
        for (index, action) in fixture.actions.enumerated() {
            let transition = try environment.step(.discrete(action))
            #expect(transition.observation == .uint8(flat(fixture.images[index + 1])), "step \(index)")
            #expect(abs(transition.reward - fixture.rewards[index]) < 1e-9, "step \(index) reward")
            #expect(transition.terminated == fixture.terminated[index])
        }
    }

    @Test(
        "a breadth-first-search policy reaches the goal of every navigation task",
        arguments: ["EmptyRoom-8x8-v0", "FourRooms-v0", "LavaGap-S7-v0"])
    func solvable(_ id: String) throws {
        for seed in 0..<20 {
            let environment = try make(id)
            _ = try environment.reset(seed: seed)
            let world = environment.unwrapped as! GridWorld
            let plan = try #require(solve(world), "\(id) seed \(seed) has no path to the goal")
            var last: Transition?
            for action in plan { last = try environment.step(.discrete(action)) }
            #expect(last?.terminated == true && (last?.reward ?? 0) > 0, "\(id) seed \(seed)")
        }
    }

    @Test("DoorKey: toggling the locked door needs the key; lava ends the episode with reward 0")
    func objects() throws {
        var world = GridWorld(task: DoorKeyTask(size: 5))
        _ = try world.reset(seed: 0)
        #expect(world.grid.cells.contains { $0.object == .door && $0.state == 2 })
        #expect(world.grid.cells.contains { $0.object == .key })
        world = GridWorld(task: LavaGapTask(size: 5), observationMode: .position)
        _ = try world.reset(seed: 1)
        // Walk right along the top row into the lava strip (unless the gap is there).
        var transition = try world.step(.discrete(2))
        while !transition.terminated && world.agent.x < 3 { transition = try world.step(.discrete(2)) }
        if world.grid[world.agent.x, world.agent.y].object == .lava { #expect(transition.terminated && transition.reward == 0) }
    }

    @Test("observation modes: full grid with the agent, and position vectors")
    func modes() throws {
        let full = try make("FourRooms-v0", options: ["observation": "full"])
        #expect(full.observationSpace.shape == [19, 19, 3])
        let observation = try full.reset(seed: 0).observation
        guard case .uint8(let bytes) = observation else { Issue.record("not uint8"); return }
        #expect(stride(from: 0, to: bytes.count, by: 3).filter { bytes[$0] == 10 }.count == 1)
        let position = try make("EmptyRoom-8x8-v0", options: ["observation": "position"])
        #expect(try position.reset(seed: 0).observation == .float32([1, 1, 0]))
        #expect(throws: GymError.self) { try make("EmptyRoom-8x8-v0", options: ["observation": "rgb"]) }
    }
}

@Suite("Goal-conditioned grid worlds")
struct GoalGridWorldTests {
    init() { BundledEnvironments.register() }

    @Test("goal ids pass the checker", arguments: ["EmptyRoom-8x8-Goal-v0", "FourRooms-Goal-v0", "LavaGap-S7-Goal-v0"])
    func checker(_ id: String) {
        let results = EnvironmentChecker.check(id: id, steps: 200)
        for result in results where !result.passed { Issue.record("\(id) \(result.name): \(result.message)") }
    }

    @Test("sampled goals are reachable, a BFS policy reaches them, and computeReward agrees with step's reward")
    func goals() throws {
        for seed in 0..<20 {
            let environment = try make("FourRooms-Goal-v0")
            var observation = try environment.reset(seed: seed).observation
            let world = environment.unwrapped as! GridWorld
            #expect(world.grid[world.desiredGoal.x, world.desiredGoal.y].object == .goal)
            let plan = try #require(solve(world), "seed \(seed): goal not reachable")
            for action in plan {
                let transition = try environment.step(.discrete(action))
                observation = transition.observation
                guard case .dict(let parts) = observation, case .float32(let achieved)? = parts["achieved_goal"],
                    case .float32(let desired)? = parts["desired_goal"]
                else { Issue.record("not a goal dict"); return }
                let computed = try world.computeReward(achieved: achieved, desired: desired, info: transition.info)
                #expect(computed == [transition.reward])
                if transition.terminated { #expect(transition.info["is_success"] == .bool(true) && transition.reward == 1) }
            }
        }
    }

    @Test("computeReward is vectorised over batches and relabels goals")
    func vectorised() throws {
        let world = GridWorld(task: EmptyRoomTask(size: 8), goalConditioned: true)
        #expect(try world.computeReward(achieved: [1, 1, 2, 3, 4, 4], desired: [1, 1, 2, 2, 4, 4], info: [:]) == [1, 0, 1])
        #expect(throws: GymError.self) { try world.computeReward(achieved: [1, 1, 2], desired: [1, 1, 2], info: [:]) }
    }

    @Test("layout_seed keeps the walls and doors of every episode; starts and goals still vary")
    func fixedLayout() throws {
        let environment = try make("FourRooms-Goal-v0", options: ["observation": "position", "layout_seed": 3])
        let world = environment.unwrapped as! GridWorld
        func walls() -> [Bool] { world.grid.cells.map { $0.object == .wall } }
        _ = try environment.reset(seed: 1)
        let first = walls(), firstStart = world.agent, firstGoal = world.desiredGoal
        var startsDiffer = false, goalsDiffer = false
        for seed in 2..<8 {
            _ = try environment.reset(seed: seed)
            #expect(walls() == first)
            #expect(try solve(world) != nil)
            startsDiffer = startsDiffer || world.agent != firstStart
            goalsDiffer = goalsDiffer || world.desiredGoal != firstGoal
        }
        #expect(startsDiffer && goalsDiffer)
        let other = try make("FourRooms-Goal-v0", options: ["layout_seed": 4])
        _ = try other.reset(seed: 1)
        #expect((other.unwrapped as! GridWorld).grid.cells.map { $0.object == .wall } != first)
        #expect(throws: GymError.self) { try make("FourRooms-Goal-v0", options: ["layout_seed": -1]) }
    }

    @Test("the goal can be set with reset options; walls and cells outside the grid are refused")
    func requestedGoals() throws {
        let environment = try make("EmptyRoom-8x8-Goal-v0")
        _ = try environment.reset(seed: 0, options: ["goal_x": 5, "goal_y": 2])
        let world = environment.unwrapped as! GridWorld
        #expect(world.desiredGoal == (5, 2))
        let wall = #expect(throws: GymError.self) { try environment.reset(seed: 0, options: ["goal_x": 0, "goal_y": 3]) }
        #expect("\(wall!)".contains("wall"))
        let outside = #expect(throws: GymError.self) { try environment.reset(seed: 0, options: ["goal_x": 9, "goal_y": 3]) }
        #expect("\(outside!)".contains("outside"))
    }

    @Test("goal_square:false leaves the green goal square out of pictures; reaching the cell still succeeds")
    func hiddenGoalSquare() throws {
        func greenPixels(_ bytes: [UInt8], size: Int) -> Int {
            (0..<(size * size)).filter { bytes[$0] < 50 && bytes[size * size + $0] > 200 && bytes[2 * size * size + $0] < 50 }.count
        }
        for shows in [true, false] {
            let environment = try make(
                "EmptyRoom-8x8-Goal-v0",
                options: [
                    "observation": "pixels", "render_width": 32, "render_height": 32,
                    "goal_square": .bool(shows),
                ])
            guard case .dict(let parts) = try environment.reset(seed: 0, options: ["goal_x": 2, "goal_y": 1]).observation,
                case .uint8(let picture)? = parts["observation"], case .uint8(let goalImage)? = parts["goal_image"]
            else {
                Issue.record("not a goal dict with pictures"); return
            }
            #expect((greenPixels(picture, size: 32) > 0) == shows)
            #expect((greenPixels(goalImage, size: 32) > 0) == shows)
            // From (1, 1) facing right (the start of EmptyRoom), one step forward reaches (2, 1).
            let world = environment.unwrapped as! GridWorld
            #expect(world.agent == (1, 1) && world.direction == 0)
            let transition = try environment.step(.discrete(2))
            #expect(transition.terminated && transition.reward == 1)
        }
        let wrong = #expect(throws: GymError.self) { try make("FourRooms-Goal-v0", options: ["goal_square": "no"]) }
        #expect("\(wrong!)".contains("true or false"))
        #expect(throws: GymError.self) { try make("FourRooms-v0", options: ["goal_square": false]) }
    }
}

/// Breadth-first search over (cell, direction, carried key, opened doors) using every action, for tasks
/// with keys and doors; returns an action sequence to the goal.
func solveWithObjects(_ world: GridWorld) -> [Int]? {
    struct State: Hashable { var x: Int, y: Int, direction: Int, hasKey: Bool, keyTaken: Bool, opened: Set<Int> }
    let width = world.grid.width
    let start = State(x: world.agent.x, y: world.agent.y, direction: world.direction, hasKey: false, keyTaken: false, opened: [])
    var previous: [State: (State, Int)] = [:]
    var queue = [start], seen: Set<State> = [start], head = 0
    while head < queue.count {
        let state = queue[head]; head += 1
        let front = (state.x + directionVectors[state.direction].0, state.y + directionVectors[state.direction].1)
        var cell = world.grid[front.0, front.1]
        if cell.object == .door && state.opened.contains(front.1 * width + front.0) { cell.state = 0 }
        if cell.object == .key && state.keyTaken { cell = .empty }
        if cell.object == .goal {
            var actions = [2], current = state
            while let (parent, action) = previous[current] { actions.append(action); current = parent }
            return actions.reversed()
        }
        var moves: [(State, Int)] = []
        var turned = state; turned.direction = (state.direction + 3) % 4; moves.append((turned, 0))
        turned.direction = (state.direction + 1) % 4; moves.append((turned, 1))
        if cell.canOverlap && cell.object != .lava { var moved = state; moved.x = front.0; moved.y = front.1; moves.append((moved, 2)) }
        if cell.object == .key && !state.hasKey { var taken = state; taken.hasKey = true; taken.keyTaken = true; moves.append((taken, 3)) }
        if cell.object == .door && cell.state != 0 && (cell.state == 1 || state.hasKey) {
            var opened = state; opened.opened.insert(front.1 * width + front.0); moves.append((opened, 5))
        }
        for (next, action) in moves where seen.insert(next).inserted {
            previous[next] = (state, action)
            queue.append(next)
        }
    }
    return nil
}

@Suite("Solvability")
struct SolvabilityTests {
    init() { BundledEnvironments.register() }

    @Test(
        "a breadth-first-search policy solves every task with keys, doors and lava",
        arguments: [
            "DoorKey-8x8-v0", "MultiRoom-N2-S4-v0", "MultiRoom-N4-S5-v0", "LavaCrossing-S9N2-v0", "LavaCrossing-S11N5-v0",
            "Maze-doorkey-v0",
        ])
    func solvable(_ id: String) throws {
        for seed in 0..<10 {
            let environment = try make(id)
            _ = try environment.reset(seed: seed)
            let plan = try #require(solveWithObjects(environment.unwrapped as! GridWorld), "\(id) seed \(seed) is not solvable")
            var last: Transition?
            for action in plan { last = try environment.step(.discrete(action)) }
            #expect(last?.terminated == true && (last?.reward ?? 0) > 0, "\(id) seed \(seed): the plan did not reach the goal")
        }
    }
}

@Suite("Mazes")
struct MazeTests {
    init() { BundledEnvironments.register() }

    @Test(
        "bundled mazes load, pass the checker and are solvable",
        arguments: ["Maze-small-v0", "Maze-medium-v0", "Maze-lava-v0", "Maze-doorkey-v0"])
    func bundled(_ id: String) throws {
        let results = EnvironmentChecker.check(id: id, steps: 100)
        for result in results where !result.passed { Issue.record("\(id) \(result.name): \(result.message)") }
        guard id != "Maze-doorkey-v0" else { return }  // needs the key: not a walking path
        let environment = try make(id)
        _ = try environment.reset(seed: 0)
        let plan = try #require(solve(environment.unwrapped as! GridWorld), "\(id) has no path to its goal")
        var last: Transition?
        for action in plan { last = try environment.step(.discrete(action)) }
        #expect(last?.terminated == true && (last?.reward ?? 0) > 0)
    }

    @Test("malformed layouts give errors with line and column")
    func errors() {
        func message(_ text: String) -> String {
            do { _ = try MazeTask(text: text, source: "bad.txt"); return "" } catch { return "\(error)" }
        }
        #expect(message("#####\n#>.x#\n#####").contains("bad.txt line 2, column 4: unknown character 'x'"))
        #expect(message("#####\n#>..#\n####").contains("line 3: 4 characters where line 1 has 5"))
        #expect(message("#####\n#...#\n#####").contains("no start"))
        #expect(message("#####\n#>.<#\n#####").contains("line 2, column 4: a second start"))
        #expect(message("").contains("empty"))
        let task = try? MazeTask(text: "#####\n#>.G#\n#####")
        #expect(task.map { $0.start.x == 1 && $0.start.y == 1 } == true)
        #expect(task?.grid[3, 1].object == .goal)
    }
}

@Suite("Grid-world pixels")
struct GridPixelTests {
    init() { BundledEnvironments.register() }

    @Test("pixel observations are the rendered grid, at 8 pixels a cell or directly at 84x84")
    func pixels() throws {
        let tiles = try make("FourRooms-v0", options: ["observation": "pixels"])
        #expect(tiles.observationSpace.shape == [3, 152, 152])
        let small = try make(
            "FourRooms-v0", options: ["observation": "pixels", "render_width": 84, "render_height": 84], renderMode: .rgbArray)
        #expect(small.observationSpace.shape == [3, 84, 84])
        guard case .uint8(let bytes) = try small.reset(seed: 3).observation else { Issue.record("not uint8"); return }
        let frame = try #require(try small.render())
        for index in stride(from: 0, to: 84 * 84, by: 53) {
            #expect(bytes[index] == frame.pixels[index * 3] && bytes[84 * 84 + index] == frame.pixels[index * 3 + 1])
        }
        #expect(EnvironmentChecker.check(id: "DoorKey-8x8-v0", steps: 50).allSatisfy { $0.passed })
    }

    @Test("the goal image is the observation of the agent standing on the goal")
    func goalImage() throws {
        let environment = try make("EmptyRoom-8x8-Goal-v0", options: ["observation": "pixels"])
        let start = try environment.reset(seed: 0, options: ["goal_x": 3, "goal_y": 1])
        guard case .dict(let parts) = start.observation, case .uint8(let goal)? = parts["goal_image"] else {
            Issue.record("no goal image"); return
        }
        // Walk right from (1, 1) to (3, 1): the agent then stands on the goal facing right.
        _ = try environment.step(.discrete(2))
        let arrived = try environment.step(.discrete(2))
        guard case .dict(let now) = arrived.observation, case .uint8(let image)? = now["observation"] else {
            Issue.record("no image"); return
        }
        #expect(arrived.terminated && arrived.reward == 1)
        let world = environment.unwrapped as! GridWorld
        #expect(world.goalImage().pixels.count == 3 * 64 * 64)
        // The current picture shows the goal cell under the agent; the goal image shows the same.
        var differing = 0
        for index in 0..<image.count where image[index] != goal[index] { differing += 1 }
        #expect(differing == 0, "\(differing) bytes differ")
    }
}
