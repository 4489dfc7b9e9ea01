/// A reinforcement-learning environment with Gymnasium 1.x semantics.
///
/// Conform to this protocol to add an environment; every algorithm, wrapper and vector
/// environment then works with it. The two requirements that do the work write the observation
/// into a buffer the caller owns, so a step allocates nothing:
///
/// ```swift
/// final class Corridor: Environment {
///     let observationSpace = Space.box(Box(low: 0, high: 9, shape: [1]))
///     let actionSpace = Space.discrete(Discrete(2))
///     private var position = 0
///     func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
///         position = 0; observation.floats[0] = 0; return [:]
///     }
///     func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
///         try actionSpace.validate(action: action)
///         guard case .discrete(let move) = action else { fatalError() }
///         position = max(0, position + (move == 1 ? 1 : -1))
///         observation.floats[0] = Float(position)
///         return StepResult(reward: position == 9 ? 1 : 0, terminated: position == 9)
///     }
/// }
/// ```
///
/// The convenience forms `reset(seed:options:)` and `step(_:)` return values, as Gymnasium does.
public protocol Environment: AnyObject {
    /// The space every observation lies in.
    var observationSpace: Space { get }
    /// The space every valid action lies in.
    var actionSpace: Space { get }
    /// Render modes, frame rate and other static facts.
    var metadata: EnvironmentMetadata { get }
    /// The render mode chosen at construction, or nil for none.
    var renderMode: RenderMode? { get }

    /// Starts a new episode and writes its first observation into `observation`.
    ///
    /// A new random generator is made only when `seed` is given (Gymnasium's rule); the same seed
    /// gives the same observation and, for the same actions, the same trajectory.
    func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info

    /// Advances one step with `action` and writes the next observation into `observation`.
    /// Throws when the action is not in the action space.
    func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult

    /// The current frame in the chosen render mode (rgb_array: a Frame), or nil without one.
    func render() throws -> Frame?

    /// Releases resources; calling it twice is harmless.
    func close()

    /// The innermost environment under any wrappers.
    var unwrapped: any Environment { get }
}

/// What one step returns besides the observation.
public struct StepResult: Sendable, Equatable {
    /// The reward for the transition.
    public var reward: Double
    /// Whether the episode reached a terminal state of the MDP (do not bootstrap).
    public var terminated: Bool
    /// Whether the episode was cut short, e.g. by a time limit (bootstrap from the next observation).
    public var truncated: Bool
    /// Diagnostic information.
    public var info: Info

    /// A step result; flags default to false and info to empty.
    @inlinable
    public init(reward: Double, terminated: Bool = false, truncated: Bool = false, info: Info = [:]) {
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
        self.info = info
    }
}

/// A step in value form, as Gymnasium's `step` returns it.
public struct Transition: Sendable, Equatable {
    /// The observation after the step.
    public var observation: SpaceValue
    /// The reward for the transition.
    public var reward: Double
    /// Whether a terminal state was reached.
    public var terminated: Bool
    /// Whether the episode was cut short.
    public var truncated: Bool
    /// Diagnostic information.
    public var info: Info
}

extension Environment {
    public var metadata: EnvironmentMetadata { EnvironmentMetadata() }
    public var renderMode: RenderMode? { nil }
    public func render() throws -> Frame? { nil }
    public func close() {}
    public var unwrapped: any Environment { self }

    /// Starts a new episode and returns its first observation and info (allocates; for convenience).
    public func reset(seed: Int? = nil, options: Options = [:]) throws -> (observation: SpaceValue, info: Info) {
        let buffer = ObservationBuffer(space: observationSpace)
        let info = try reset(seed: seed, options: options, into: buffer)
        return (buffer.value(), info)
    }

    /// Advances one step and returns observation, reward, terminated, truncated and info (allocates; for convenience).
    public func step(_ action: Action) throws -> Transition {
        let buffer = ObservationBuffer(space: observationSpace)
        let result = try step(action, into: buffer)
        return Transition(
            observation: buffer.value(), reward: result.reward, terminated: result.terminated,
            truncated: result.truncated, info: result.info)
    }
}

extension RandomGenerator {
    /// A generator for `reset(seed:)`: throws on a negative seed, as Gymnasium rejects it.
    public init(validatingSeed seed: Int) throws {
        guard seed >= 0 else {
            throw GymError.invalidSeed("seed \(seed) is negative: seeds are integers >= 0")
        }
        self.init(seed: UInt64(seed))
    }
}
