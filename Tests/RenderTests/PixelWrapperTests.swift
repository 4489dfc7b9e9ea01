import Foundation
import Testing
import BundledEnvs
import ClassicControl
@testable import Gym
@testable import Render

@Suite("Pixel observations and video recording")
struct PixelWrapperTests {
    init() { BundledEnvironments.register() }

    @Test("CartPole as 9x84x84 stacked pixel observations, frames drawn at 84x84")
    func stackedPixels() throws {
        let environment = try PixelObservation.make("CartPole-v1", frameStack: 3, actionRepeat: 2)
        #expect(environment.observationSpace == .box(Box(low: 0, high: 255, shape: [9, 84, 84], dtype: .uint8)))
        let buffer = ObservationBuffer(space: environment.observationSpace)
        _ = try environment.reset(seed: 0, options: [:], into: buffer)
        #expect(buffer.isInSpace())
        // After reset all three frames are the first frame.
        #expect(Array(buffer.bytes[0..<(3 * 84 * 84)]) == Array(buffer.bytes[(6 * 84 * 84)..<(9 * 84 * 84)]))
        let result = try environment.step(.discrete(1), into: buffer)
        #expect(result.reward == 2)  // action repeat 2 sums two +1 rewards
        #expect(Array(buffer.bytes[0..<(3 * 84 * 84)]) != Array(buffer.bytes[(6 * 84 * 84)..<(9 * 84 * 84)]))
        // The newest frame equals the environment's own 84x84 render, channel-first.
        let frame = try #require(try environment.unwrapped.render())
        #expect(frame.width == 84 && frame.height == 84)
        for index in stride(from: 0, to: 84 * 84, by: 97) {
            #expect(buffer.bytes[6 * 84 * 84 + index] == frame.pixels[index * 3])
            #expect(buffer.bytes[8 * 84 * 84 + index] == frame.pixels[index * 3 + 2])
        }
        #expect(EnvironmentChecker.check(steps: 20) { _ in try PixelObservation.make("CartPole-v1") }.allSatisfy { $0.passed })
    }

    @Test("resizing uses area interpolation; grayscale uses luma weights")
    func resizeAndGray() throws {
        var frame = Frame(width: 4, height: 2)
        for index in 0..<8 { frame.pixels[index * 3] = index < 4 ? 200 : 100; frame.pixels[index * 3 + 1] = 50 }
        var output = [UInt8](repeating: 0, count: 3 * 1 * 2)
        output.withUnsafeMutableBufferPointer { ImageOperations.writeChannelFirst(frame, width: 2, height: 1, grayscale: false, into: $0) }
        #expect(output == [150, 150, 50, 50, 0, 0])
        var gray = [UInt8](repeating: 0, count: 8)
        gray.withUnsafeMutableBufferPointer { ImageOperations.writeChannelFirst(frame, width: 4, height: 2, grayscale: true, into: $0) }
        #expect(gray[0] == UInt8((0.299 * 200 + 0.587 * 50).rounded()))
    }

    @Test("a pixel wrapper on an environment without rgb_array rendering fails at construction")
    func noRendering() throws {
        let plain = try make("CartPole-v1")
        #expect(throws: GymError.self) { try PixelObservation(plain) }
        #expect(throws: GymError.self) { try RecordVideo(plain, folder: FileManager.default.temporaryDirectory) }
    }

    @Test("RecordVideo writes the triggered episodes with one frame per step plus the reset frame")
    func recordVideo() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-record-\(UUID().uuidString)")
        let format = VideoWriter.findProgram("ffmpeg") == nil ? "gif" : "mp4"
        let environment = try RecordVideo(
            try make("CartPole-v1", options: ["render_width": 160, "render_height": 120], renderMode: .rgbArray),
            folder: folder, format: format)
        var generator = RandomGenerator(seed: 0)
        var lengths: [Int] = []
        for episode in 0..<3 {
            _ = try environment.reset(seed: episode)
            var steps = 0
            while true {
                let result = try environment.step(environment.actionSpace.sampleAction(using: &generator))
                steps += 1
                if result.terminated || result.truncated { break }
            }
            lengths.append(steps)
        }
        environment.close()
        #expect(environment.writtenFiles.map(\.lastPathComponent) == ["rl-video-episode-0.\(format)", "rl-video-episode-1.\(format)"])
        if let decoded = try decodeWithFFmpeg(environment.writtenFiles[0], width: 160, height: 120) {
            #expect(decoded.count == lengths[0] + 1)
        }
        // ffprobe's own report of both videos: frame count and size.
        if let ffprobe = VideoWriter.findProgram("ffprobe") {
            for (file, length) in zip(environment.writtenFiles, lengths) {
                let process = Process()
                process.executableURL = ffprobe
                process.arguments = [
                    "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                    "stream=nb_read_frames,width,height", "-of", "csv=p=0", file.path,
                ]
                let output = Pipe()
                process.standardOutput = output
                try process.run()
                let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(report.trimmingCharacters(in: .whitespacesAndNewlines) == "160,120,\(length + 1)", "ffprobe: \(report)")
            }
        }
        #expect(
            RecordVideo.cubicSchedule(27) && RecordVideo.cubicSchedule(729) && !RecordVideo.cubicSchedule(2)
                && RecordVideo.cubicSchedule(2000))
        #expect(throws: (any Error).self) {
            try RecordVideo(try make("CartPole-v1", renderMode: .rgbArray), folder: URL(fileURLWithPath: "/proc/forbidden/videos"))
        }
    }
}

@Suite("Image wrappers")
struct ImageWrapperTests {
    init() { BundledEnvironments.register() }

    @Test("ResizeObservation and GrayscaleObservation reshape stacked pixel observations")
    func wrappers() throws {
        let pixels = try PixelObservation.make("CartPole-v1", width: 84, height: 84, frameStack: 3)
        let resized = try ResizeObservation(pixels, width: 42, height: 42)
        #expect(resized.observationSpace.shape == [9, 42, 42])
        let gray = try GrayscaleObservation(resized)
        #expect(gray.observationSpace.shape == [3, 42, 42])
        let observation = try gray.reset(seed: 0).observation
        #expect(gray.observationSpace.contains(observation))
        #expect(throws: GymError.self) { try ResizeObservation(try make("CartPole-v1"), width: 2, height: 2) }
        #expect(throws: GymError.self) { try GrayscaleObservation(try make("CartPole-v1")) }
    }

    @Test("ChannelFirstObservation transposes CarRacing's [96, 96, 3] pictures to [3, 96, 96]")
    func channelFirst() throws {
        let interleaved = try make("CarRacing-v3")
        #expect(ChannelFirstObservation.isInterleavedImage(interleaved.observationSpace))
        let planar = try ChannelFirstObservation.wrappingInterleavedImages(try make("CarRacing-v3"))
        #expect(planar.observationSpace.shape == [3, 96, 96])
        guard case .uint8(let source) = try interleaved.reset(seed: 4).observation,
            case .uint8(let target) = try planar.reset(seed: 4).observation
        else { Issue.record("expected uint8 pictures"); return }
        for (row, column, channel) in [(0, 0, 0), (40, 48, 1), (95, 10, 2), (70, 47, 0)] {
            #expect(target[channel * 9216 + row * 96 + column] == source[(row * 96 + column) * 3 + channel])
        }
        // Channel-first pictures and non-pictures pass through unwrapped.
        let pixels = try PixelObservation.make("CartPole-v1", width: 84, height: 84, frameStack: 3)
        #expect(try ChannelFirstObservation.wrappingInterleavedImages(pixels) === pixels)
        #expect(!ChannelFirstObservation.isInterleavedImage(try make("CartPole-v1").observationSpace))
    }
}
