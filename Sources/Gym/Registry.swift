import Synchronization

/// How to make one registered environment, with its time limit and reward threshold.
public struct EnvironmentSpec: Sendable {
    /// The id, e.g. `CartPole-v1`.
    public let id: String
    /// The TimeLimit applied by `make`, or nil for none.
    public let maxEpisodeSteps: Int?
    /// The average return at which the task counts as solved, if one is defined.
    public let rewardThreshold: Double?
    /// A one-line description.
    public let summary: String
    /// Builds the raw environment from constructor options and a render mode.
    public let entryPoint: @Sendable (_ options: Options, _ renderMode: RenderMode?) throws -> any Environment

    /// A spec; `entryPoint` builds the unwrapped environment.
    public init(
        id: String, maxEpisodeSteps: Int?, rewardThreshold: Double?, summary: String,
        entryPoint: @escaping @Sendable (_ options: Options, _ renderMode: RenderMode?) throws -> any Environment
    ) {
        self.id = id
        self.maxEpisodeSteps = maxEpisodeSteps
        self.rewardThreshold = rewardThreshold
        self.summary = summary
        self.entryPoint = entryPoint
    }
}

/// The table of environment ids (Gymnasium's registry). Thread-safe.
public final class Registry: Sendable {
    /// The registry `make` uses; `BundledEnvironments.register()` (module BundledEnvs) fills it with the bundled environments.
    public static let shared = Registry()

    private let specs = Mutex<[String: EnvironmentSpec]>([:])
    private let humanRendererStorage = Mutex<(@Sendable (any Environment) throws -> any Environment)?>(nil)

    /// Wraps an rgb_array environment so that it renders in mode "human" (shows a window); the
    /// Viewer module installs one (`HumanRendering.install()`), keeping Gym free of SDL.
    public var humanRenderer: (@Sendable (any Environment) throws -> any Environment)? {
        get { humanRendererStorage.withLock { $0 } }
        set { humanRendererStorage.withLock { $0 = newValue } }
    }

    /// An empty registry.
    public init() {}

    /// Adds `spec`; throws when its id is taken.
    public func register(_ spec: EnvironmentSpec) throws {
        try specs.withLock { table in
            if table[spec.id] != nil {
                throw GymError.duplicateEnvironment("environment id '\(spec.id)' is already registered: pick another id")
            }
            table[spec.id] = spec
        }
    }

    /// Adds `spec` unless its id is already registered (for idempotent registration of bundles).
    public func registerIfAbsent(_ spec: EnvironmentSpec) {
        specs.withLock { table in
            if table[spec.id] == nil { table[spec.id] = spec }
        }
    }

    /// Every registered spec, sorted by id.
    public var allSpecs: [EnvironmentSpec] {
        specs.withLock { table in table.values.sorted { $0.id < $1.id } }
    }

    /// Every registered id, sorted.
    public var ids: [String] { allSpecs.map(\.id) }

    /// The spec for `id`; throws an error naming the closest registered ids when there is none.
    public func spec(_ id: String) throws -> EnvironmentSpec {
        if let spec = specs.withLock({ $0[id] }) { return spec }
        let known = ids
        let suggestions = closestMatches(to: id, among: known, limit: 3)
        let guess = suggestions.isEmpty ? "" : "did you mean " + suggestions.map { "'\($0)'" }.joined(separator: ", ") + "? "
        let listing =
            known.isEmpty ? "no environment is registered (register one first)" : "registered ids: " + known.joined(separator: ", ")
        throw GymError.unknownEnvironment("unknown environment id '\(id)': \(guess)\(listing) (`envs list` shows them with their spaces)")
    }

    /// Makes the environment `id` with Gymnasium's wrappers: the raw environment, then TimeLimit
    /// with the id's max_episode_steps (or `maxEpisodeSteps` when given), then OrderEnforcing.
    public func make(
        _ id: String, options: Options = [:], renderMode: RenderMode? = nil,
        maxEpisodeSteps: Int? = nil
    ) throws -> any Environment {
        let spec = try spec(id)
        if renderMode == .human, let humanRenderer {
            // Human mode: the environment draws rgb_array frames and the viewer shows them.
            let drawing = try make(id, options: options, renderMode: .rgbArray, maxEpisodeSteps: maxEpisodeSteps)
            return try humanRenderer(drawing)
        }
        let environment = try spec.entryPoint(options, renderMode)
        if let renderMode, !environment.metadata.renderModes.contains(renderMode) {
            let modes = environment.metadata.renderModes.map(\.rawValue)
            let hint =
                renderMode == .human && modes.contains("rgb_array")
                ? " (for human mode, import Viewer and call HumanRendering.install() first)" : ""
            throw GymError.invalidOption(
                "\(id) cannot render in mode '\(renderMode.rawValue)': its render modes are \(modes.isEmpty ? "none" : modes.joined(separator: ", "))\(hint)"
            )
        }
        var wrapped: any Environment = environment
        if let steps = maxEpisodeSteps ?? spec.maxEpisodeSteps {
            wrapped = try TimeLimit(wrapped, maxEpisodeSteps: steps)
        }
        return OrderEnforcing(wrapped)
    }
}

/// Makes a registered environment from the shared registry (Gymnasium's `gymnasium.make`).
public func make(
    _ id: String, options: Options = [:], renderMode: RenderMode? = nil,
    maxEpisodeSteps: Int? = nil
) throws -> any Environment {
    try Registry.shared.make(id, options: options, renderMode: renderMode, maxEpisodeSteps: maxEpisodeSteps)
}

/// The candidates nearest to `text` by edit distance (case-insensitive), best first.
public func closestMatches(to text: String, among candidates: [String], limit: Int) -> [String] {
    let target = Array(text.lowercased())
    let scored = candidates.map { candidate -> (String, Int) in
        let lowered = candidate.lowercased()
        var distance = editDistance(target, Array(lowered))
        // A prefix or substring match (e.g. "cartpole" for "CartPole-v1") counts as close.
        if lowered.hasPrefix(text.lowercased()) || lowered.contains(text.lowercased()) { distance = min(distance, 1) }
        return (candidate, distance)
    }
    let threshold = max(3, target.count / 2)
    return scored.filter { $0.1 <= threshold }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
}

/// Levenshtein distance between two character arrays.
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
