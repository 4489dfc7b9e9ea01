import Foundation

/// Adds `info["episode"]` = {r: return, l: length, t: seconds} at the end of every episode and
/// keeps the last `bufferLength` returns and lengths (Gymnasium's `RecordEpisodeStatistics`).
public final class RecordEpisodeStatistics: Wrapper {
    public let environment: any Environment
    /// How many finished episodes `returnQueue` and `lengthQueue` keep.
    public let bufferLength: Int
    /// Returns of the most recent episodes, oldest first.
    public private(set) var returnQueue: [Double] = []
    /// Lengths of the most recent episodes, oldest first.
    public private(set) var lengthQueue: [Int] = []
    /// Episodes finished so far.
    public private(set) var episodeCount = 0

    private var episodeReturn = 0.0
    private var episodeLength = 0
    private var episodeStart = Date()

    /// Wraps `environment`, keeping statistics of the last `bufferLength` episodes (default 100).
    public init(_ environment: any Environment, bufferLength: Int = 100) {
        self.environment = environment
        self.bufferLength = max(1, bufferLength)
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        episodeReturn = 0
        episodeLength = 0
        episodeStart = Date()
        return try environment.reset(seed: seed, options: options, into: observation)
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        var result = try environment.step(action, into: observation)
        episodeReturn += result.reward
        episodeLength += 1
        if result.terminated || result.truncated {
            let seconds = (Date().timeIntervalSince(episodeStart) * 1e6).rounded() / 1e6
            result.info["episode"] = .info(["r": .double(episodeReturn), "l": .int(episodeLength), "t": .double(seconds)])
            returnQueue.append(episodeReturn)
            lengthQueue.append(episodeLength)
            if returnQueue.count > bufferLength { returnQueue.removeFirst(); lengthQueue.removeFirst() }
            episodeCount += 1
        }
        return result
    }
}
