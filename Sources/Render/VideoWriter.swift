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
/// `finish()` succeeds and the finished file checks out (an MP4 with its moov atom, a GIF with its
/// trailer): it is written to a temporary name, verified, then renamed, so a full disk or a failing
/// encoder never leaves an unplayable file under the final name. The path is checked before the first
/// frame so an episode never runs for nothing. An encoder that stops early is an error naming the file
/// and ffmpeg's message (the process ignores SIGPIPE, so the write fails instead of killing it).
public final class VideoWriter {
    /// The ffmpeg program to use instead of the one on PATH (tests inject failing encoders).
    @TaskLocal public static var ffmpegOverride: URL?

    /// The ffmpeg program MP4s are encoded with (the override, else the one on PATH), or nil without one.
    public static var ffmpeg: URL? { ffmpegOverride ?? findProgram("ffmpeg") }
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
            FileManager.default.isWritableFile(atPath: directory.path)
        else {
            throw VideoError.unwritablePath(
                "cannot write video \(url.path): the folder \(directory.path) does not exist or is not writable; create it or choose another path"
            )
        }
        temporaryURL = directory.appendingPathComponent(".\(url.lastPathComponent).partial.\(url.pathExtension)")
        switch url.pathExtension.lowercased() {
        case "gif":
            gif = GIFEncoder(width: width, height: height, framesPerSecond: framesPerSecond)
        case "mp4":
            guard let ffmpeg = VideoWriter.ffmpeg else {
                throw VideoError.ffmpegMissing(
                    "cannot write \(url.lastPathComponent): the ffmpeg program is not installed; install it (apt-get install ffmpeg, or run tools/setup) or write a .gif instead"
                )
            }
            guard width % 2 == 0 && height % 2 == 0 else {
                throw VideoError.frameSize("H.264 needs even frame sizes, got \(width)x\(height): render at an even size or write a .gif")
            }
            let process = Process()
            process.executableURL = ffmpeg
            process.arguments = [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
                "-s", "\(width)x\(height)", "-r", "\(framesPerSecond)", "-i", "-",
                "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast", "-f", "mp4", temporaryURL.path,
            ]
            let input = Pipe(), errors = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            VideoWriter.ignoreBrokenPipes()
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
            do { try pipe.fileHandleForWriting.write(contentsOf: Data(frame.pixels)) } catch {
                throw encoderStopped(after: error)
            }
        }
        frameCount += 1
    }

    /// Stops the encoder and removes the partial file (after a failure, or to give up on a video).
    public func cancel() {
        if let process, process.isRunning { process.terminate() }
        try? pipe?.fileHandleForWriting.close()
        process?.waitUntilExit()
        process = nil
        pipe = nil
        try? FileManager.default.removeItem(at: temporaryURL)
    }

    /// The error for an encoder that stopped taking frames, with ffmpeg's own message.
    private func encoderStopped(after error: any Error) -> VideoError {
        try? pipe?.fileHandleForWriting.close()
        process?.waitUntilExit()
        let message = String(decoding: errorPipe?.fileHandleForReading.readDataToEndOfFile() ?? Data(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let status = process.map { " (exit status \($0.terminationStatus))" } ?? ""
        cancel()
        return VideoError.encoderFailed(
            "ffmpeg stopped while writing \(url.path)\(status): \(message.isEmpty ? "\(error)" : message). Check that the disk has room and the folder is writable, or write a .gif"
        )
    }

    /// Completes the file, verifies it and moves it into place.
    public func finish() throws {
        if let gif {
            do { try gif.finished().write(to: temporaryURL) } catch {
                try? FileManager.default.removeItem(at: temporaryURL)
                throw VideoError.unwritablePath(
                    "cannot write \(url.path): \(error.localizedDescription). Check that the disk has room and the folder is writable")
            }
        } else if let process, let pipe {
            do { try pipe.fileHandleForWriting.close() } catch { throw encoderStopped(after: error) }
            process.waitUntilExit()
            let message = String(decoding: errorPipe?.fileHandleForReading.readDataToEndOfFile() ?? Data(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard process.terminationStatus == 0 else {
                try? FileManager.default.removeItem(at: temporaryURL)
                throw VideoError.encoderFailed(
                    "ffmpeg failed writing \(url.path) (exit status \(process.terminationStatus)): \(message). Check that the disk has room and the folder is writable, or write a .gif"
                )
            }
        }
        if let problem = Self.problem(with: temporaryURL, format: url.pathExtension.lowercased()) {
            try? FileManager.default.removeItem(at: temporaryURL)
            throw VideoError.encoderFailed(
                "the encoder finished \(url.path) but the file is not playable (\(problem)); nothing was written under that name. A full disk does this: free space and record again"
            )
        }
        guard rename(temporaryURL.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporaryURL)
            throw VideoError.unwritablePath("cannot move the finished video to \(url.path): \(reason)")
        }
    }

    /// Why a finished file is not a playable video, or nil: an MP4 needs its moov atom (ffmpeg writes it
    /// last, and a full disk can cut it off while ffmpeg still exits 0), a GIF its trailer byte.
    static func problem(with file: URL, format: String) -> String? {
        guard let data = FileManager.default.contents(atPath: file.path), !data.isEmpty else { return "it is empty" }
        switch format {
        case "mp4":
            guard data.count >= 8, data[data.startIndex + 4..<data.startIndex + 8].elementsEqual("ftyp".utf8) else {
                return "no ftyp header"
            }
            return data.range(of: Data("moov".utf8)) == nil ? "no moov atom" : nil
        case "gif":
            return data.starts(with: Array("GIF8".utf8)) && data.last == 0x3B ? nil : "no GIF header or trailer"
        default:
            return nil
        }
    }

    /// Makes writes to a pipe whose reader has exited fail with EPIPE instead of killing the process.
    public static func ignoreBrokenPipes() {
        _ = brokenPipesIgnored
    }

    private static let brokenPipesIgnored: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()

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
