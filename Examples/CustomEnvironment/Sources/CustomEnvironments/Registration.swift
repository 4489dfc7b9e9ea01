import Gym

/// This package's environments, registered under their ids.
public enum CustomEnvironments {
    /// The ids and how to make them (options come from `make(id, options:)` or `--set env_options=...`).
    public static let specs: [EnvironmentSpec] = [
        EnvironmentSpec(
            id: "Corridor-v0", maxEpisodeSteps: 50, rewardThreshold: 0.9,
            summary: "Walk right along a corridor to its end (discrete; option length)",
            entryPoint: { options, renderMode in try Corridor(options: options, renderMode: renderMode) }),
        EnvironmentSpec(
            id: "PointReach-v0", maxEpisodeSteps: 50, rewardThreshold: -6,
            summary: "Move a point to a random target in the plane (continuous)",
            entryPoint: { options, renderMode in try PointReach(options: options, renderMode: renderMode) }),
    ]

    /// Adds the specs to `registry` (ids already there are left alone, so calling it twice is harmless).
    public static func register(in registry: Registry = .shared) {
        for spec in specs { registry.registerIfAbsent(spec) }
    }
}
