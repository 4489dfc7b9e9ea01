import Box2DEnvs
import ClassicControl
import GridWorlds
import Gym
import MazeLayouts
import PixelControl
import Render

/// Registers every environment bundled with SwiftRL in a registry.
public enum BundledEnvironments {
    /// The specs of the bundled environments, with Gymnasium's ids, time limits and thresholds.
    public static let specs: [EnvironmentSpec] = [
        EnvironmentSpec(
            id: "CartPole-v1", maxEpisodeSteps: 500, rewardThreshold: 475,
            summary: "Balance a pole on a cart by pushing left or right (Discrete(2)).",
            entryPoint: { options, renderMode in try CartPole(options: options, renderMode: renderMode) }),
        EnvironmentSpec(
            id: "CartPoleNoVelocity-v1", maxEpisodeSteps: 500, rewardThreshold: 475,
            summary: "CartPole-v1 observing only the cart position and pole angle (velocities hidden: partially observed).",
            entryPoint: { options, renderMode in try SelectObservation(CartPole(options: options, renderMode: renderMode), keeping: [0, 2])
            }),
        EnvironmentSpec(
            id: "Pendulum-v1", maxEpisodeSteps: 200, rewardThreshold: nil,
            summary: "Swing a pendulum upright and hold it there with a torque in [-2, 2].",
            entryPoint: { options, renderMode in try Pendulum(options: options, renderMode: renderMode) }),
        EnvironmentSpec(
            id: "Acrobot-v1", maxEpisodeSteps: 500, rewardThreshold: -100,
            summary: "Swing the end of a two-link chain above a line by torquing the middle joint (Discrete(3)).",
            entryPoint: { options, renderMode in try Acrobot(options: options, renderMode: renderMode) }),
        EnvironmentSpec(
            id: "MountainCar-v0", maxEpisodeSteps: 200, rewardThreshold: -110,
            summary: "Drive an underpowered car up a hill by rocking it back and forth (Discrete(3)).",
            entryPoint: { options, renderMode in try MountainCar(options: options, renderMode: renderMode) }),
        EnvironmentSpec(
            id: "MountainCarContinuous-v0", maxEpisodeSteps: 999, rewardThreshold: 90,
            summary: "MountainCar with a continuous engine force in [-1, 1] and an energy penalty.",
            entryPoint: { options, renderMode in try MountainCarContinuous(options: options, renderMode: renderMode) }),
        controlSpec(
            CartpoleSwingup.self, "CartpoleSwingup-v0", pixels: false,
            "dm_control cartpole swing-up from the state [x, cos, sin, velocities]; action repeat 8, returns in [0, 1000]."),
        controlSpec(
            CartpoleSwingup.self, "CartpoleSwingup-pixels-v0", pixels: true,
            "dm_control cartpole swing-up from 9x84x84 pixels (3 stacked RGB frames); action repeat 8, returns in [0, 1000]."),
        controlSpec(
            PendulumSwingup.self, "PendulumSwingup-v0", pixels: false,
            "dm_control pendulum swing-up from the state [cos, sin, velocity]; sparse reward, action repeat 4, returns in [0, 1000]."),
        controlSpec(
            PendulumSwingup.self, "PendulumSwingup-pixels-v0", pixels: true,
            "dm_control pendulum swing-up from 9x84x84 pixels; sparse reward, action repeat 4, returns in [0, 1000]."),
        controlSpec(
            ReacherEasy.self, "ReacherEasy-v0", pixels: false,
            "dm_control reacher (easy): put a 2-link arm's fingertip on a random target; state observations, action repeat 4."),
        controlSpec(
            ReacherEasy.self, "ReacherEasy-pixels-v0", pixels: true,
            "dm_control reacher (easy) from 9x84x84 top-down pixels; action repeat 4, returns in [0, 1000]."),
        EnvironmentSpec(
            id: "LunarLander-v3", maxEpisodeSteps: 1000, rewardThreshold: 200,
            summary: "Land a Box2D lander between the flags with 4 discrete engine actions (Gymnasium v3).",
            entryPoint: { options, renderMode in try LunarLander(continuous: false, options: options, renderMode: renderMode) }),
        EnvironmentSpec(
            id: "LunarLanderContinuous-v3", maxEpisodeSteps: 1000, rewardThreshold: 200,
            summary: "LunarLander with continuous main and lateral throttles in [-1, 1] (Gymnasium v3).",
            entryPoint: { options, renderMode in try LunarLander(continuous: true, options: options, renderMode: renderMode) }),
        EnvironmentSpec(
            id: "BipedalWalker-v3", maxEpisodeSteps: 1600, rewardThreshold: 300,
            summary: "Walk a Box2D biped across grassy terrain with 4 motor torques; 24 observations with lidar (Gymnasium v3).",
            entryPoint: { options, renderMode in try BipedalWalker(hardcore: false, options: options, renderMode: renderMode) }),
        EnvironmentSpec(
            id: "BipedalWalkerHardcore-v3", maxEpisodeSteps: 2000, rewardThreshold: 300,
            summary: "BipedalWalker over stumps, stairs and pits (Gymnasium v3).",
            entryPoint: { options, renderMode in try BipedalWalker(hardcore: true, options: options, renderMode: renderMode) }),
        EnvironmentSpec(
            id: "CarRacing-v3", maxEpisodeSteps: 1000, rewardThreshold: 900,
            summary:
                "Drive a Box2D car round a random track from 96x96 top-down pixels with a HUD; continuous or 5 discrete actions (Gymnasium v3).",
            entryPoint: { options, renderMode in try CarRacing(options: options, renderMode: renderMode) }),
    ]

    /// A dm_control-style task: dm_control's own time limit (1000 control steps, `episode_length`) inside
    /// the action repeat, so the agent-step limit follows `action_repeat`; dmc2gym's options
    /// (`ControlSuiteOptions`: action_repeat / frame_skip, from_pixels, height, width, frame_stack, camera_id).
    static func controlSpec<Scene: ControlScene>(
        _ scene: Scene.Type, _ id: String, pixels: Bool, _ summary: String
    ) -> EnvironmentSpec {
        EnvironmentSpec(
            id: id, maxEpisodeSteps: nil, rewardThreshold: nil,
            summary: summary + " Options: action_repeat, episode_length, from_pixels, height, width, frame_stack, camera_id.",
            entryPoint: { options, renderMode in
                try Scene.makeEnvironment(
                    options: options, renderMode: renderMode, defaultActionRepeat: Scene.defaultActionRepeat, fromPixels: pixels, id: id)
            })
    }

    /// The grid-world ids (Minigrid's tasks with their max_steps), symbolic 7x7x3 egocentric observations.
    public static let gridSpecs: [EnvironmentSpec] = {
        var specs: [EnvironmentSpec] = []
        func add(_ id: String, _ task: any GridTask, _ summary: String, goalConditioned: Bool = false) {
            specs.append(
                EnvironmentSpec(
                    id: id, maxEpisodeSteps: task.maxSteps, rewardThreshold: nil, summary: summary,
                    entryPoint: { options, renderMode in
                        try options.requireKnownKeys(
                            ["observation", "layout_seed"] + (goalConditioned ? ["goal_square"] : []) + RenderSize.optionNames, for: id)
                        var showsGoalSquare = true
                        if let option = options["goal_square"] {
                            guard case .bool(let value) = option else {
                                throw GymError.invalidOption(
                                    "option 'goal_square' for \(id) must be true or false (whether the desired cell is drawn as the green goal square), got '\(option)'"
                                )
                            }
                            showsGoalSquare = value
                        }
                        var layoutSeed: Int?
                        if let option = options["layout_seed"] {
                            guard case .int(let value) = option, value >= 0 else {
                                throw GymError.invalidOption(
                                    "option 'layout_seed' for \(id) must be a non-negative integer (the seed of the fixed walls and doors), got '\(option)'"
                                )
                            }
                            layoutSeed = value
                        }
                        let mode: GridObservationMode
                        if case .string(let name)? = options["observation"] {
                            guard let parsed = GridObservationMode(rawValue: name) else {
                                throw GymError.invalidOption(
                                    "option 'observation' for \(id) must be one of \(GridObservationMode.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'"
                                )
                            }
                            mode = parsed
                        } else {
                            mode = .egocentric
                        }
                        let reference = RenderSize(width: task.width * GridWorld.tileSize, height: task.height * GridWorld.tileSize)
                        return GridWorld(
                            task: task, observationMode: mode, goalConditioned: goalConditioned, layoutSeed: layoutSeed,
                            showsGoalSquare: showsGoalSquare, renderMode: renderMode,
                            renderSize: try RenderSize(options: options, reference: reference, for: id))
                    }))
        }
        for size in [5, 6, 8, 16] {
            add(
                "EmptyRoom-\(size)x\(size)-v0", EmptyRoomTask(size: size),
                "Reach the far corner of an empty \(size)x\(size) room (Minigrid Empty).")
        }
        add("FourRooms-v0", FourRoomsTask(), "Reach a random goal across four rooms joined by gaps (Minigrid FourRooms).")
        for size in [5, 6, 7] {
            add("LavaGap-S\(size)-v0", LavaGapTask(size: size), "Cross a lava strip through its one gap (Minigrid LavaGapS\(size)).")
        }
        for (size, count) in [(9, 1), (9, 2), (9, 3), (11, 5)] {
            add(
                "LavaCrossing-S\(size)N\(count)-v0", LavaCrossingTask(size: size, crossings: count),
                "Cross \(count) lava river(s) through their gaps (Minigrid LavaCrossingS\(size)N\(count)).")
        }
        for (rooms, size, name) in [(2, 4, "N2-S4"), (4, 5, "N4-S5"), (6, 10, "N6")] {
            add(
                "MultiRoom-\(name)-v0", MultiRoomTask(rooms: rooms, maximumRoomSize: size),
                "Open the doors through \(rooms) rooms to the goal (Minigrid MultiRoom-\(name)).")
        }
        for size in [5, 6, 8, 16] {
            add(
                "DoorKey-\(size)x\(size)-v0", DoorKeyTask(size: size),
                "Pick up the key, unlock the door, reach the goal (Minigrid DoorKey).")
        }
        for name in MazeLayouts.names {
            guard let url = MazeLayouts.url(named: name), let maze = try? MazeTask(contentsOf: url) else { continue }
            add("Maze-\(name)-v0", maze, "Reach the goal of the \(name) maze (assets/mazes/layouts/\(name).txt).")
        }
        // Random-goal forms for goal-conditioned training (Dict observations, computeReward).
        add(
            "EmptyRoom-8x8-Goal-v0", EmptyRoomTask(size: 8), "Reach a random reachable cell of an 8x8 room (goal-conditioned).",
            goalConditioned: true)
        add("FourRooms-Goal-v0", FourRoomsTask(), "Reach a random reachable cell of FourRooms (goal-conditioned).", goalConditioned: true)
        add(
            "LavaGap-S7-Goal-v0", LavaGapTask(size: 7), "Reach a random reachable cell beside a lava strip (goal-conditioned).",
            goalConditioned: true)
        return specs
    }()

    /// Adds the bundled environments to `registry` (the shared one by default); safe to call twice.
    public static func register(in registry: Registry = .shared) {
        for spec in specs + gridSpecs { registry.registerIfAbsent(spec) }
    }

    /// Whether `id` is one of the bundled environments (which the test suite checks; training checks
    /// other environments before its first step).
    public static func isBundled(_ id: String) -> Bool { bundledIDs.contains(id) }

    private static let bundledIDs = Set((specs + gridSpecs).map(\.id))
}
