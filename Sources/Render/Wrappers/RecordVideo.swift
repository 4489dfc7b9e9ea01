import Foundation
import Gym

/// Records chosen episodes to video files in a folder (Gymnasium's `RecordVideo`): by default
/// episodes 0, 1, 8, 27, ... (perfect cubes) up to 1000 and every 1000th after; files are named
/// `<prefix>-episode-<n>.mp4` (or .gif). The wrapped environment must render rgb_array frames.
public final class RecordVideo: Wrapper {
    public let environment: any Environment
    /// Where videos go.
    public let folder: URL
    /// File name prefix (Gymnasium: "rl-video").
    public let namePrefix: String
    /// "mp4" (through ffmpeg) or "gif".
    public let format: String
    /// Which episodes (counted from 0) are recorded.
    public let episodeTrigger: (Int) -> Bool
    /// Videos written so far.
    public private(set) var writtenFiles: [URL] = []

    private var episode = -1
    private var writer: VideoWriter?

    /// Gymnasium's default trigger: cubes below 1000, then every 1000th episode.
    public static func cubicSchedule(_ episode: Int) -> Bool {
        if episode < 1000 {
            let root = Int(cbrt(Double(episode)).rounded())
            return root * root * root == episode
        }
        return episode % 1000 == 0
    }

    /// Wraps `environment`; creates `folder` if needed and fails now (not at the first episode) when
    /// it cannot be written or the format cannot be produced.
    public init(
        _ environment: any Environment, folder: URL, namePrefix: String = "rl-video", format: String = "mp4",
        episodeTrigger: @escaping (Int) -> Bool = RecordVideo.cubicSchedule
    ) throws {
        guard environment.renderMode == .rgbArray else {
            throw GymError.invalidArgument(
                "RecordVideo needs the environment made with renderMode: .rgbArray (got \(environment.renderMode?.rawValue ?? "none"))")
        }
        guard format == "mp4" || format == "gif" else {
            throw GymError.invalidArgument("RecordVideo format must be mp4 or gif, got '\(format)'")
        }
        if format == "mp4" && VideoWriter.ffmpeg == nil {
            throw VideoError.ffmpegMissing(
                "RecordVideo cannot write MP4: the ffmpeg program is not installed; install it (apt-get install ffmpeg, or run tools/setup) or use format: \"gif\""
            )
        }
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw VideoError.unwritablePath("cannot create the video folder \(folder.path): \(error.localizedDescription)")
        }
        guard FileManager.default.isWritableFile(atPath: folder.path) else {
            throw VideoError.unwritablePath("the video folder \(folder.path) is not writable: choose another folder")
        }
        self.environment = environment
        self.folder = folder
        self.namePrefix = namePrefix
        self.format = format
        self.episodeTrigger = episodeTrigger
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        try finishVideo()
        let info = try environment.reset(seed: seed, options: options, into: observation)
        episode += 1
        if episodeTrigger(episode), let frame = try environment.render() {
            let url = folder.appendingPathComponent("\(namePrefix)-episode-\(episode).\(format)")
            let writer = try VideoWriter(
                url: url, width: frame.width, height: frame.height, framesPerSecond: environment.metadata.renderFPS)
            try writer.append(frame)
            self.writer = writer
        }
        return info
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        let result = try environment.step(action, into: observation)
        if let writer, let frame = try environment.render() { try writer.append(frame) }
        if result.terminated || result.truncated { try finishVideo() }
        return result
    }

    public func close() {
        try? finishVideo()
        environment.close()
    }

    private func finishVideo() throws {
        guard let writer else { return }
        self.writer = nil
        try writer.finish()
        writtenFiles.append(writer.url)
    }
}
