import Foundation
import Gym

/// Reads the optional `low` and `high` reset options (Gymnasium's `maybe_parse_reset_bounds`).
func resetBounds(_ options: Options, defaultLow: Double, defaultHigh: Double, for owner: String) throws -> (low: Double, high: Double) {
    try options.requireKnownKeys(["low", "high"], for: "\(owner).reset")
    let low = try options.number("low", default: defaultLow, for: "\(owner).reset")
    let high = try options.number("high", default: defaultHigh, for: "\(owner).reset")
    guard low <= high else {
        throw GymError.invalidOption("reset option low \(low) is greater than high \(high) for \(owner): give low <= high")
    }
    return (low, high)
}

/// The error for `step` before `reset` on a raw environment.
func stepBeforeResetError(_ owner: String) -> GymError {
    .stepBeforeReset("\(owner).step was called before reset: call reset(seed:options:) first")
}

/// Checks that an observation buffer has room for `count` Float32 values.
@inline(__always)
func requireObservationRoom(_ observation: ObservationBuffer, _ count: Int, _ owner: String) {
    precondition(
        observation.floats.count >= count,
        "\(owner) writes \(count) Float32 values but the observation buffer holds \(observation.floats.count): make it with ObservationBuffer(space: env.observationSpace)"
    )
}
