import Gym
import Random
import Tensors

/// What goal-conditioned ACER reads off an environment before it builds anything: the observations the
/// policies see, the goals' shape and scale, and the goal source. Goal environments (Dict observations
/// with observation / achieved_goal / desired_goal, optionally goal_image) give their own goals; other
/// environments get feature-space goals from the learned dynamics, or none with `dynamics = dummy`.
struct GoalSpaces {
    /// How goals are represented for the environment at hand.
    enum Mode {
        case none
        case featureSpace
        case environment(any GoalEnvironment, imageKey: String?)
    }

    /// The policies' observations (the "observation" entry of goal environments).
    let observationSpace: Space
    /// The policies' observation rows.
    let observationShape: [Int]
    /// A goal's shape (goal image, desired-goal vector, or an observation row).
    let goalShape: [Int]
    /// The factor goals are scaled with before they reach a network.
    let goalScale: Float
    let mode: Mode

    /// The spaces of `probe`, checked against `configuration` (reach_coordinates, goal_input).
    init(probe: any Environment, configuration: GoalACERConfiguration) throws {
        if case .dict(let dict) = probe.observationSpace {
            guard let goalEnvironment = probe.unwrapped as? any GoalEnvironment,
                let observation = dict.spaces.first(where: { $0.key == "observation" })?.space,
                let desired = dict.spaces.first(where: { $0.key == "desired_goal" })?.space
            else {
                throw AgentError.unsupported(
                    "Dict observations need a goal environment with observation / achieved_goal / desired_goal entries")
            }
            observationSpace = observation
            let image = dict.spaces.first(where: { $0.key == "goal_image" })?.space
            if let image, case .box(let box) = image {
                goalShape = box.shape
                goalScale = 1 / 255
            } else if case .box(let box) = desired {
                goalShape = box.shape
                goalScale = 1 / max(box.high.map(Swift.abs).max() ?? 1, 1)
            } else {
                throw AgentError.unsupported("desired_goal must be a Box, got \(desired)")
            }
            mode = .environment(goalEnvironment, imageKey: image == nil ? nil : "goal_image")
        } else {
            observationSpace = probe.observationSpace
            let rows = try ObservationRows(space: probe.observationSpace, capacity: 1)
            goalShape = rows.rowShape
            goalScale = rows.inputScale
            mode = configuration.dynamics == .dummy ? .none : .featureSpace
        }
        observationShape = try ObservationRows(space: observationSpace, capacity: 1).rowShape
        try checkReachCoordinates(configuration.reachCoordinates)
        if configuration.goalInput == .stacked && !stackable {
            throw AgentError.invalidConfiguration(
                "goal_input = stacked needs a goal environment with pixel observations and goal images of the same size (e.g. FourRooms-Goal-v0 with env option observation:pixels); use goal_input = feature"
            )
        }
    }

    /// reach_coordinates applies to environments without a desired goal and must index an observation
    /// value; it is ignored with dummy dynamics (no goals), so that a preset's plain-ACER baseline is one
    /// `--set dynamics=dummy` away.
    private func checkReachCoordinates(_ coordinates: [Int]) throws {
        guard !coordinates.isEmpty else { return }
        if case .environment = mode {
            throw AgentError.invalidConfiguration(
                "reach_coordinates applies to environments without a desired goal (goal environments compare achieved and desired goals): drop it"
            )
        }
        let length = goalShape.reduce(1, *)
        if let bad = coordinates.first(where: { $0 >= length }) {
            throw AgentError.invalidConfiguration(
                "reach_coordinates index \(bad) is outside the observation's \(length) values; use indices 0...\(length - 1)")
        }
    }

    /// Whether goal images can be stacked on the observation's channels (same picture size).
    private var stackable: Bool {
        guard case .environment(_, let imageKey) = mode, imageKey != nil else { return false }
        return goalShape.count == 3 && observationShape.count == 3 && Array(goalShape.dropFirst()) == Array(observationShape.dropFirst())
    }

    /// The goal source of this mode.
    func makeSource() -> any GoalSource {
        switch mode {
        case .none: return NoGoals()
        case .featureSpace: return FeatureSpaceGoals()
        case .environment(let environment, let imageKey): return EnvironmentGoals(environment: environment, imageKey: imageKey)
        }
    }

    /// The dynamics model and the length of the goal vector the exploration network takes: phi of
    /// observations (feature-space goals, goal images), the desired-goal vector itself (with a learned
    /// phi of observations only for `dynamics = learned`), or none (no goals, stacked goal images).
    func makeDynamics(
        configuration: GoalACERConfiguration, actionCount: Int, generator: inout RandomGenerator
    ) throws -> (dynamics: any Dynamics, goalFeatureCount: Int) {
        func learned(_ shape: [Int]) throws -> LearnedDynamics {
            try LearnedDynamics(
                observationShape: shape, actionCount: actionCount, featureCount: configuration.featureSize,
                auxiliary: configuration.auxiliary, learningRate: Float(configuration.dynamicsLearningRate), generator: &generator)
        }
        switch mode {
        case .none:
            return (DummyDynamics(), 0)
        case .environment(_, let imageKey) where imageKey == nil:
            let dynamics: any Dynamics = configuration.dynamics == .learned ? try learned(observationShape) : DummyDynamics()
            return (dynamics, goalShape.reduce(1, *))
        case .environment where configuration.goalInput == .stacked:
            // The goal image is an input of the policy itself: no phi, and the environment says when it is reached.
            return (DummyDynamics(), 0)
        default:
            let dynamics = try learned(goalShape)
            return (dynamics, dynamics.featureCount)
        }
    }
}
