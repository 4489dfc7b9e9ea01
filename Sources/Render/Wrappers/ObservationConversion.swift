import Gym

/// A wrapper whose observations are computed from the wrapped environment's: the wrapped observation
/// lands in `sourceObservation`, and `convert` writes the new one. Conforming wrappers supply those
/// two and get `reset` and `step` (PixelObservation, ResizeObservation, GrayscaleObservation).
public protocol ObservationConversion: Wrapper {
    /// Where the wrapped environment writes its own observation.
    var sourceObservation: ObservationBuffer { get }
    /// Writes this wrapper's observation, computed from `sourceObservation`, into `observation`.
    func convert(into observation: ObservationBuffer) throws
}

extension ObservationConversion {
    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        let info = try environment.reset(seed: seed, options: options, into: sourceObservation)
        try convert(into: observation)
        return info
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        let result = try environment.step(action, into: sourceObservation)
        try convert(into: observation)
        return result
    }
}
