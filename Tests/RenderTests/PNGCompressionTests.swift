import Foundation
import Gym
import Testing
@testable import Render

/// PNG files are compressed by the built-in DEFLATE encoder: an independent decoder (ffmpeg's) reads
/// back exactly the pixels written, and flat pictures shrink many times.
@Suite struct PNGCompressionTests {
    /// The RGB bytes ffmpeg decodes from `data`, or nil without the ffmpeg program.
    func decodedByFFmpeg(_ data: Data) throws -> [UInt8]? {
        guard let ffmpeg = VideoWriter.findProgram("ffmpeg") else { return nil }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("frame.png"), output = folder.appendingPathComponent("frame.rgb")
        try data.write(to: input)
        let process = Process()
        process.executableURL = ffmpeg
        process.arguments = ["-v", "error", "-i", input.path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-y", output.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return [] }
        return [UInt8](try Data(contentsOf: output))
    }

    @Test(arguments: [(1, 1), (3, 2), (97, 61), (320, 240)])
    func anIndependentDecoderReadsBackEveryPixel(width: Int, height: Int) throws {
        var frame = Frame(width: width, height: height)
        var generator = RandomGenerator(seed: UInt64(width * 1000 + height))
        for index in frame.pixels.indices {
            // Flat stretches, repeated rows and noise: literals, short and long matches, overlapping copies.
            let row = index / (width * 3)
            frame.pixels[index] = row % 7 == 0 ? UInt8(generator.next() & 0xFF) : (index % 301 < 150 ? 200 : UInt8(row & 0xFF))
        }
        let data = PNGEncoder.encode(frame)
        guard let decoded = try decodedByFFmpeg(data) else { return }
        #expect(decoded == frame.pixels)
    }

    @Test func aFlatPictureShrinksManyTimes() {
        let canvas = Canvas(width: 400, height: 300)
        canvas.clear(.white)
        canvas.fillRectangle(x: 50, y: 50, width: 100, height: 80, Color(20, 120, 200))
        let data = PNGEncoder.encode(canvas.frame())
        #expect(data.count < 400 * 300 * 3 / 50, "\(data.count) bytes")
    }
}
