/// Runs several copies of an environment as one batch (Gymnasium's vector environments).
///
/// Observations land in one contiguous batch buffer (`observations`, one row per
/// sub-environment) written in place by the sub-environments, and rewards, flags and infos in
/// preallocated arrays, so a step allocates nothing beyond what the environments do. What happens
/// at the end of an episode is the explicit `autoresetMode`; `execution` chooses sequential or
/// threaded stepping.
public final class VectorEnvironment {
    /// The sub-environments.
    public let environments: [any Environment]
    /// The number of sub-environments.
    public var count: Int { environments.count }
    /// The observation space of one sub-environment.
    public let singleObservationSpace: Space
    /// The action space of one sub-environment.
    public let singleActionSpace: Space
    /// What happens when a sub-environment's episode ends.
    public let autoresetMode: AutoresetMode
    /// Sequential or threaded stepping.
    public let execution: VectorExecution

    /// The latest observations, one row per sub-environment (overwritten by every step).
    public let observations: ObservationBuffer
    /// In `sameStep` mode: the final observation of sub-environments whose episode ended in the
    /// latest step (rows where `hasFinalObservation` is true).
    public let finalObservations: ObservationBuffer

    private let rewardStorage: BatchStorage<Double>
    private let terminationStorage: BatchStorage<Bool>
    private let truncationStorage: BatchStorage<Bool>
    private let finalStorage: BatchStorage<Bool>
    private let needsResetStorage: BatchStorage<Bool>
    private let infoStorage: BatchStorage<Info>
    private let rows: [ObservationBuffer]
    private let finalRows: [ObservationBuffer]
    private var continuousScratch: [[Float]]
    private var isClosed = false
    /// The same per-sub-environment state as raw pointers, for the stepping loops.
    private let slots: VectorSlots
    /// How threaded steps are spread over threads (nil: synchronous).
    private let stepping: ThreadedStepping?

    /// Rewards of the latest step.
    public var rewards: BatchView<Double> { rewardStorage.view }
    /// Terminated flags of the latest step.
    public var terminations: BatchView<Bool> { terminationStorage.view }
    /// Truncated flags of the latest step.
    public var truncations: BatchView<Bool> { truncationStorage.view }
    /// Infos of the latest step or reset.
    public var infos: BatchView<Info> { infoStorage.view }
    /// Which rows of `finalObservations` hold a final observation from the latest step.
    public var hasFinalObservation: BatchView<Bool> { finalStorage.view }

    /// A vector environment over `environments`, which must share their spaces. With `observations`
    /// (one row per environment, e.g. over caller-owned memory), the environments write their
    /// observations straight into it.
    public init(
        environments: [any Environment], autoresetMode: AutoresetMode = .nextStep,
        execution: VectorExecution = .synchronous, observations external: ObservationBuffer? = nil
    ) throws {
        guard let first = environments.first else {
            throw GymError.invalidArgument("a vector environment needs at least one sub-environment")
        }
        for (index, environment) in environments.enumerated()
        where environment.observationSpace != first.observationSpace || environment.actionSpace != first.actionSpace {
            throw GymError.invalidArgument(
                "sub-environment \(index) has spaces \(environment.observationSpace) / \(environment.actionSpace), unlike sub-environment 0's \(first.observationSpace) / \(first.actionSpace): all must match"
            )
        }
        if case .threaded(let threads) = execution, threads < 1 {
            throw GymError.invalidArgument("threaded execution needs at least 1 thread, got \(threads)")
        }
        guard first.actionSpace.supportsActions else {
            throw GymError.invalidArgument("vector environments need a Discrete or Float32 Box action space, got \(first.actionSpace)")
        }
        self.environments = environments
        self.autoresetMode = autoresetMode
        self.execution = execution
        singleObservationSpace = first.observationSpace
        singleActionSpace = first.actionSpace
        let count = environments.count
        if let external, external.space != first.observationSpace || external.rows != count {
            throw GymError.invalidArgument(
                "the observation buffer holds \(external.rows) rows of \(external.space); \(count) rows of \(first.observationSpace) are needed"
            )
        }
        let observations = external ?? ObservationBuffer(space: first.observationSpace, rows: count)
        let finalObservations = ObservationBuffer(space: first.observationSpace, rows: count)
        self.observations = observations
        self.finalObservations = finalObservations
        rows = (0..<count).map { observations.row($0) }
        finalRows = (0..<count).map { finalObservations.row($0) }
        rewardStorage = BatchStorage(count: count, initialValue: 0)
        terminationStorage = BatchStorage(count: count, initialValue: false)
        truncationStorage = BatchStorage(count: count, initialValue: false)
        finalStorage = BatchStorage(count: count, initialValue: false)
        needsResetStorage = BatchStorage(count: count, initialValue: false)
        infoStorage = BatchStorage(count: count, initialValue: [:])
        let actionCount = first.actionSpace.flatCount
        continuousScratch = Array(repeating: Array(repeating: 0, count: actionCount), count: count)
        slots = VectorSlots(
            environments: environments, rows: rows, finalRows: finalRows, rewards: rewardStorage, terminations: terminationStorage,
            truncations: truncationStorage, finals: finalStorage, needsReset: needsResetStorage, infos: infoStorage,
            autoresetMode: autoresetMode)
        if case .threaded(let threads) = execution, threads > 1, count > 1 {
            stepping = ThreadedStepping(threads: threads, count: count)
        } else {
            stepping = nil
        }
    }

    deinit { slots.release() }

    /// Where threaded steps currently run and how the sub-environments are split (nil when synchronous).
    public var threadedPlacement: (allThreads: Bool, ranges: [Range<Int>])? {
        stepping.map { ($0.placement == .allThreads, $0.ranges) }
    }

    /// `count` copies of the registered environment `id`, each made with `make` (TimeLimit and
    /// OrderEnforcing) and then `wrap` (Gymnasium's `make_vec`).
    public convenience init(
        id: String, count: Int, options: Options = [:], registry: Registry = .shared,
        autoresetMode: AutoresetMode = .nextStep, execution: VectorExecution = .synchronous,
        wrap: (any Environment) throws -> any Environment = { $0 }
    ) throws {
        guard count >= 1 else { throw GymError.invalidArgument("a vector environment needs count >= 1, got \(count)") }
        let environments = try (0..<count).map { _ in try wrap(registry.make(id, options: options)) }
        try self.init(environments: environments, autoresetMode: autoresetMode, execution: execution)
    }

    /// Resets every sub-environment; an integer seed s gives sub-environment i the seed s + i.
    public func reset(seed: Int? = nil, options: Options = [:]) throws {
        try requireOpen()
        let slots = slots
        try forEachRange { range in
            for index in range { try slots.reset(index, seed: seed.map { $0 + index }, options: options) }
        }
    }

    /// Resets one sub-environment (for `disabled` autoreset, or to restart one early).
    public func reset(at index: Int, seed: Int? = nil, options: Options = [:]) throws {
        try requireOpen()
        guard index >= 0 && index < count else {
            throw GymError.invalidArgument("sub-environment index \(index) is outside 0..<\(count)")
        }
        infoStorage.pointer[index] = try environments[index].reset(seed: seed, options: options, into: rows[index])
        needsResetStorage.pointer[index] = false
        finalStorage.pointer[index] = false
    }

    /// Steps every sub-environment with its action (`actions.count` must equal `count`).
    public func step(_ actions: [Action]) throws {
        try requireOpen()
        guard actions.count == count else {
            throw GymError.invalidAction("got \(actions.count) actions for \(count) sub-environments: give one action per sub-environment")
        }
        try actions.withUnsafeBufferPointer { actions in try stepEach { actions[$0] } }
    }

    /// Steps with discrete actions, one index per sub-environment.
    public func step(discreteActions actions: [Int]) throws {
        try requireOpen()
        guard actions.count == count else {
            throw GymError.invalidAction("got \(actions.count) actions for \(count) sub-environments: give one action per sub-environment")
        }
        try actions.withUnsafeBufferPointer { actions in try stepEach { .discrete(actions[$0]) } }
    }

    /// Steps with continuous actions given flat: row i is `actions[i * d ..< (i + 1) * d]` for an
    /// action space of d values.
    public func step(continuousActions actions: [Float]) throws {
        try requireOpen()
        let dimension = singleActionSpace.flatCount
        guard actions.count == count * dimension else {
            throw GymError.invalidAction(
                "got \(actions.count) action values for \(count) sub-environments of \(dimension) values each: give \(count * dimension)")
        }
        for index in 0..<count {
            for offset in 0..<dimension { continuousScratch[index][offset] = actions[index * dimension + offset] }
        }
        try continuousScratch.withUnsafeBufferPointer { scratch in try stepEach { .continuous(scratch[$0]) } }
    }

    /// Closes every sub-environment; calling it twice is harmless.
    public func close() {
        if isClosed { return }
        for environment in environments { environment.close() }
        isClosed = true
    }

    private func requireOpen() throws {
        if isClosed { throw GymError.usedAfterClose("the vector environment was used after close: make a new one") }
    }

    /// Steps every sub-environment i with `action(i)` (the callers read their actions through unsafe
    /// buffers, so the worker threads retain nothing shared).
    private func stepEach(_ action: (Int) -> Action) throws {
        let slots = slots
        try forEachRange { range in
            for index in range { try slots.step(index, action(index)) }
        }
    }

    /// Runs `body` over ranges of sub-environment indices that cover each once: the whole range on
    /// the calling thread when synchronous, else as `ThreadedStepping` decides; rethrows the error of
    /// the lowest failing sub-environment.
    private func forEachRange(_ body: (Range<Int>) throws -> Void) throws {
        guard let stepping, !stepping.takeCallingThreadStep() else { return try body(0..<count) }
        try stepping.run(body)
    }
}
