import Foundation
import Testing
@testable import Gym
@testable import Render

/// Decodes a video with the ffmpeg program into raw RGB frames (nil when ffmpeg is absent).
func decodeWithFFmpeg(_ url: URL, width: Int, height: Int) throws -> [[UInt8]]? {
    guard let ffmpeg = VideoWriter.findProgram("ffmpeg") else { return nil }
    let process = Process()
    process.executableURL = ffmpeg
    process.arguments = ["-hide_banner", "-loglevel", "error", "-i", url.path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let frameBytes = width * height * 3
    return stride(from: 0, to: data.count - frameBytes + 1, by: frameBytes).map { Array(data[$0..<$0 + frameBytes]) }
}

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-video-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("Video")
struct VideoTests {
    /// Frames of noise (stressing LZW table resets) and of smooth gradients.
    func testFrames(width: Int, height: Int, count: Int) -> [Frame] {
        var generator = RandomGenerator(seed: 1)
        return (0..<count).map { index in
            var frame = Frame(width: width, height: height)
            for pixel in 0..<(width * height) {
                if index % 2 == 0 {
                    for channel in 0..<3 { frame.pixels[pixel * 3 + channel] = UInt8(generator.integer(below: 256)) }
                } else {
                    frame.pixels[pixel * 3] = UInt8(pixel % width * 255 / width)
                    frame.pixels[pixel * 3 + 1] = UInt8(pixel / width * 255 / height)
                    frame.pixels[pixel * 3 + 2] = 128
                }
            }
            return frame
        }
    }

    @Test("GIF output decodes to the palette-mapped frames")
    func gif() throws {
        let folder = try temporaryFolder()
        let url = folder.appendingPathComponent("clip.gif")
        let frames = testFrames(width: 48, height: 40, count: 4)
        let writer = try VideoWriter(url: url, width: 48, height: 40, framesPerSecond: 25)
        for frame in frames { try writer.append(frame) }
        try writer.finish()
        let data = try Data(contentsOf: url)
        #expect(data.prefix(6) == Data("GIF89a".utf8) && data.last == 0x3B)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["clip.gif"])
        guard let decoded = try decodeWithFFmpeg(url, width: 48, height: 40) else { return }
        #expect(decoded.count == 4)
        for (frame, pixels) in zip(frames, decoded) {
            for pixel in 0..<(48 * 40) {
                let expected = GIFEncoder.paletteColor(
                    Int(GIFEncoder.paletteIndex(frame.pixels[pixel * 3], frame.pixels[pixel * 3 + 1], frame.pixels[pixel * 3 + 2])))
                #expect(
                    pixels[pixel * 3] == expected.red && pixels[pixel * 3 + 1] == expected.green && pixels[pixel * 3 + 2] == expected.blue)
                if pixels[pixel * 3] != expected.red { return }
            }
        }
    }

    @Test("MP4 output has the right frame count and size (when ffmpeg is installed)")
    func mp4() throws {
        guard VideoWriter.findProgram("ffmpeg") != nil else { return }
        let folder = try temporaryFolder()
        let url = folder.appendingPathComponent("clip.mp4")
        let writer = try VideoWriter(url: url, width: 64, height: 48, framesPerSecond: 30)
        for frame in testFrames(width: 64, height: 48, count: 10) { try writer.append(frame) }
        try writer.finish()
        let decoded = try #require(try decodeWithFFmpeg(url, width: 64, height: 48))
        #expect(decoded.count == 10)
    }

    @Test("bad paths and formats fail before any frame")
    func badInput() throws {
        #expect(throws: VideoError.self) {
            try VideoWriter(url: URL(fileURLWithPath: "/nonexistent/clip.gif"), width: 8, height: 8, framesPerSecond: 10)
        }
        let folder = try temporaryFolder()
        #expect(throws: VideoError.self) {
            try VideoWriter(url: folder.appendingPathComponent("clip.avi"), width: 8, height: 8, framesPerSecond: 10)
        }
        let writer = try VideoWriter(url: folder.appendingPathComponent("clip.gif"), width: 8, height: 8, framesPerSecond: 10)
        #expect(throws: VideoError.self) { try writer.append(Frame(width: 4, height: 4)) }
    }
}
