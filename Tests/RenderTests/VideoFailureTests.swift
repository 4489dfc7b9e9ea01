import Foundation
import Gym
import Testing
@testable import Render

/// Encoders that fail: the writer reports the file and ffmpeg's message (never dies of SIGPIPE), and
/// never leaves an unplayable file under the final name or a partial file behind.
@Suite struct VideoFailureTests {
    /// A fake ffmpeg program (a shell script) in a fresh folder.
    static func fakeEncoder(_ body: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-fake-ffmpeg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let program = folder.appendingPathComponent("ffmpeg")
        try ("#!/bin/sh\n" + body + "\n").write(to: program, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program.path)
        return program
    }

    /// ffmpeg that dies at once, as on a full disk.
    static let diesAtOnce = "echo 'fake ffmpeg: No space left on device' >&2; exit 1"
    /// ffmpeg that swallows the frames and writes a header without the moov atom, then exits 0.
    static let truncates = "cat > /dev/null; for last; do :; done; printf '\\000\\000\\000\\040ftypisom' > \"$last\"; exit 0"

    func write(frames: Int, with encoder: URL) throws -> (URL, (any Error)?) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-video-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("episode.mp4")
        var failure: (any Error)?
        VideoWriter.$ffmpegOverride.withValue(encoder) {
            do {
                let writer = try VideoWriter(url: url, width: 64, height: 64, framesPerSecond: 30)
                for _ in 0..<frames { try writer.append(Frame(width: 64, height: 64)) }
                try writer.finish()
            } catch {
                failure = error
            }
        }
        return (url, failure)
    }

    @Test func anEncoderThatDiesIsAnErrorNamingTheFileAndItsMessage() throws {
        let (url, failure) = try write(frames: 400, with: try Self.fakeEncoder(Self.diesAtOnce))
        let message = "\(try #require(failure))"
        #expect(message.contains(url.path) && message.contains("No space left on device"), "\(message)")
        #expect(message.contains("disk has room"))
        let left = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test func aFileWithoutItsMoovAtomIsNeverGivenTheFinalName() throws {
        let (url, failure) = try write(frames: 10, with: try Self.fakeEncoder(Self.truncates))
        let message = "\(try #require(failure))"
        #expect(message.contains("no moov atom") && message.contains(url.path), "\(message)")
        let left = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test func finishedFilesAreChecked() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("a.mp4")
        try Data().write(to: file)
        #expect(VideoWriter.problem(with: file, format: "mp4") == "it is empty")
        try Data([0, 0, 0, 8] + Array("ftyp".utf8) + Array("moov".utf8)).write(to: file)
        #expect(VideoWriter.problem(with: file, format: "mp4") == nil)
        try Data(Array("GIF89a".utf8) + [0x3B]).write(to: file)
        #expect(VideoWriter.problem(with: file, format: "gif") == nil)
        try Data(Array("GIF89a".utf8)).write(to: file)
        #expect(VideoWriter.problem(with: file, format: "gif") != nil)
    }
}
