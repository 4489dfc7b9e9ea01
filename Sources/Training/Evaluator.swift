import Foundation
import Agents
import Gym
import Render

/// The outcome of evaluation episodes.
public struct EvaluationResult: Sendable {
    /// Each episode's return.
    public var returns: [Double]
    /// Each episode's length.
    public var lengths: [Int]
    /// Each episode's `is_success` at its end, for goal environments.
    public var successes: [Bool]
    /// The video (of the first episode, or of every episode back to back), when recorded.
    public var video: URL?
    /// Why the video was not written, when recording failed and failures were warnings.
    public var videoWarning: String?

    /// Mean return.
    public var returnMean: Double { returns.reduce(0, +) / Double(max(returns.count, 1)) }
    /// Standard deviation of the returns.
    public var returnStandardDeviation: Double {
        let mean = returnMean
        return (returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(returns.count, 1))).squareRoot()
    }
    /// Mean length.
    public var lengthMean: Double { Double(lengths.reduce(0, +)) / Double(max(lengths.count, 1)) }
    /// Fraction of successful episodes (nil when the environment reports none).
    public var successRate: Double? { successes.isEmpty ? nil : Double(successes.filter { $0 }.count) / Double(successes.count) }
}

/// What a failure to record the video does to an evaluation.
public enum VideoFailureHandling: Sendable {
    /// The evaluation throws the error (swiftrl eval --video: the user asked for the file).
    case error
    /// The evaluation goes on without the video and reports why (training: a video is a by-product).
    case warning
}

/// Runs evaluation episodes on a separate environment: seeds seed, seed + 1, ... so that
/// evaluations during a run are comparable, with an optional video of the first episode or of all.
public enum Evaluator {
    /// Evaluates `policy` for `episodes` episodes of `environment` (made with `options`).
    /// - Parameters:
    ///   - video: where to write the first episode (mp4 when ffmpeg is there, else .gif next to it).
    ///   - filmsEveryEpisode: write every episode into `video`, one after another, instead of the first.
    ///   - videoFailures: whether a failing encoder (a full disk, an unwritable path) stops the evaluation.
    ///   - live: an environment-wrapping hook for on-screen rendering (swiftrl eval --render human).
    public static func evaluate(
        policy: any EvaluationPolicy, environment id: String, options: Options, episodes: Int,
        deterministic: Bool, seed: Int, video: URL? = nil, filmsEveryEpisode: Bool = false,
        videoFailures: VideoFailureHandling = .error, registry: Registry = .shared,
        renderMode: RenderMode? = nil
    ) throws -> EvaluationResult {
        let wantsFrames = video != nil
        let environment: any Environment
        if wantsFrames, let recordable = try? registry.make(id, options: options, renderMode: .rgbArray) {
            environment = try ChannelFirstObservation.wrappingInterleavedImages(recordable)
        } else {
            environment = try ChannelFirstObservation.wrappingInterleavedImages(registry.make(id, options: options, renderMode: renderMode))
        }
        defer { environment.close() }
        let observation = ObservationBuffer(space: environment.observationSpace)
        var generator = RandomGenerator(seed: UInt64(seed) &+ 0xE7A1)
        var result = EvaluationResult(returns: [], lengths: [], successes: [], video: nil)
        var writer: VideoWriter?
        /// Runs a video operation; a failure stops the evaluation or, for warnings, only the video.
        func recording(_ operation: () throws -> Void) throws {
            do { try operation() } catch {
                writer?.cancel()
                writer = nil
                guard videoFailures == .warning else { throw error }
                result.videoWarning = "\(error)"
            }
        }
        /// Completes the video being written, if any.
        func finishVideo() throws {
            guard let finished = writer else { return }
            try recording {
                try finished.finish()
                result.video = finished.url
            }
            writer = nil
        }
        for episode in 0..<episodes {
            policy.resetEpisode()
            _ = try environment.reset(seed: seed + episode, options: [:], into: observation)
            if episode > 0 && !filmsEveryEpisode { try finishVideo() }
            if let current = writer, let frame = try environment.render() { try recording { try current.append(frame) } }
            if episode == 0, let video, environment.renderMode == .rgbArray, let frame = try environment.render() {
                var target = video
                if video.pathExtension == "mp4" && VideoWriter.ffmpeg == nil {
                    target = video.deletingPathExtension().appendingPathExtension("gif")
                }
                try recording {
                    writer = try VideoWriter(
                        url: target, width: frame.width, height: frame.height,
                        framesPerSecond: environment.metadata.renderFPS)
                    try writer?.append(frame)
                }
            }
            var total = 0.0, length = 0
            while true {
                let action = try policy.action(for: observation, deterministic: deterministic, generator: &generator)
                let step = try environment.step(action, into: observation)
                total += step.reward
                length += 1
                if let current = writer, let frame = try environment.render() { try recording { try current.append(frame) } }
                if step.terminated || step.truncated {
                    if case .bool(let success)? = step.info["is_success"] { result.successes.append(success) }
                    break
                }
            }
            result.returns.append(total)
            result.lengths.append(length)
        }
        try finishVideo()
        return result
    }
}
