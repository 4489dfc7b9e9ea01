import Foundation
import Gym

/// Errors of video writing; each says what to do.
public enum VideoError: Error, Equatable, CustomStringConvertible {
    /// The ffmpeg program is not installed.
    case ffmpegMissing(String)
    /// The output path cannot be written.
    case unwritablePath(String)
    /// A frame of the wrong size.
    case frameSize(String)
    /// ffmpeg failed.
    case encoderFailed(String)

    public var description: String {
        switch self {
        case .ffmpegMissing(let message), .unwritablePath(let message), .frameSize(let message), .encoderFailed(let message):
            return message
        }
    }
}

/// Writes frames to a video file: MP4 (H.264) by piping raw RGB frames into the ffmpeg program, or
/// GIF with no external program, chosen by the file extension. The file appears only when
/// `finish()` succeeds (written to a temporary name, then renamed); the path is checked before
/// the first frame so an episode never runs for nothing.
public final class VideoWriter {
    /// The output file.
    public let url: URL
    /// Frame size.
    public let width: Int, height: Int
    /// Frames per second.
    public let framesPerSecond: Int
    /// Frames written so far.
    public private(set) var frameCount = 0

    private let temporaryURL: URL
    private var gif: GIFEncoder?
    private var process: Process?
    private var pipe: Pipe?
    private var errorPipe: Pipe?

    /// Opens a writer; throws when the folder is not writable, the extension is not .mp4 or .gif,
    /// or ffmpeg is missing for MP4.
    public init(url: URL, width: Int, height: Int, framesPerSecond: Int) throws {
        self.url = url
        self.width = width
        self.height = height
        self.framesPerSecond = max(1, framesPerSecond)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue,
              FileManager.default.isWritableFile(atPath: directory.path) else {
            throw VideoError.unwritablePath("cannot write video \(url.path): the folder \(directory.path) does not exist or is not writable; create it or choose another path")
        }
        temporaryURL = directory.appendingPathComponent(".\(url.lastPathComponent).partial.\(url.pathExtension)")
        switch url.pathExtension.lowercased() {
        case "gif":
            gif = GIFEncoder(width: width, height: height, framesPerSecond: framesPerSecond)
        case "mp4":
            guard let ffmpeg = VideoWriter.findProgram("ffmpeg") else {
                throw VideoError.ffmpegMissing("cannot write \(url.lastPathComponent): the ffmpeg program is not installed; install it (apt-get install ffmpeg, or run tools/setup) or write a .gif instead")
            }
            guard width % 2 == 0 && height % 2 == 0 else {
                throw VideoError.frameSize("H.264 needs even frame sizes, got \(width)x\(height): render at an even size or write a .gif")
            }
            let process = Process()
            process.executableURL = ffmpeg
            process.arguments = ["-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
                                 "-s", "\(width)x\(height)", "-r", "\(framesPerSecond)", "-i", "-",
                                 "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast", "-f", "mp4", temporaryURL.path]
            let input = Pipe(), errors = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
            self.process = process
            self.pipe = input
            self.errorPipe = errors
        default:
            throw VideoError.unwritablePath("unknown video format '.\(url.pathExtension)' for \(url.path): use .mp4 or .gif")
        }
    }

    /// Appends one frame (must match the writer's size).
    public func append(_ frame: Frame) throws {
        guard frame.width == width, frame.height == height else {
            throw VideoError.frameSize("a \(frame.width)x\(frame.height) frame was given to a \(width)x\(height) video")
        }
        if gif != nil {
            try gif!.append(frame)
        } else if let pipe {
            try pipe.fileHandleForWriting.write(contentsOf: Data(frame.pixels))
        }
        frameCount += 1
    }

    /// Completes the file and moves it into place.
    public func finish() throws {
        if let gif {
            try gif.finished().write(to: temporaryURL)
        } else if let process, let pipe {
            try pipe.fileHandleForWriting.close()
            process.waitUntilExit()
            let message = String(decoding: errorPipe?.fileHandleForReading.readDataToEndOfFile() ?? Data(), as: UTF8.self)
            guard process.terminationStatus == 0 else {
                try? FileManager.default.removeItem(at: temporaryURL)
                throw VideoError.encoderFailed("ffmpeg failed writing \(url.path) (status \(process.terminationStatus)): \(message)")
            }
        }
        guard rename(temporaryURL.path, url.path) == 0 else {
            throw VideoError.unwritablePath("cannot move the finished video to \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    /// The first executable named `name` on PATH (/usr/bin and /usr/local/bin when PATH is unset).
    public static func findProgram(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin"
        for directory in path.split(separator: ":").map(String.init) {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
