import Foundation
import NN
import Testing

/// Signals and a second process on one run folder, against the real program.
@Suite(.serialized) struct SignalAndLockTests {
    /// Starts `swiftrl train` on a long CartPole run in `folder` and waits until it has logged a row.
    func startLongRun(in folder: URL) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = try ProgramRun.programURL()
        process.arguments = [
            "train", "acer", "--env", "CartPole-v1", "--steps", "5000000", "--run-dir", folder.path, "--num-envs", "2",
            "--set", "hidden_sizes=8", "--set", "log_every=0", "--set", "eval_every=0", "--plain",
        ]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let progress = folder.appendingPathComponent("progress.csv")
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let text = try? String(contentsOf: progress, encoding: .utf8), text.split(separator: "\n").count >= 3 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return (process, errors)
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func aSignalSavesACheckpointAndSaysHowToResume(signal: Int32, status: Int32) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-signal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (process, errors) = try startLongRun(in: folder)
        // A second process on the same folder is refused, naming the owner.
        let second = try ProgramRun.swiftrl(["train", "--resume", folder.path])
        #expect(
            second.status != 0 && second.errorOutput.contains("in use by process \(process.processIdentifier)"), "\(second.errorOutput)")
        kill(process.processIdentifier, signal)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == status, "\(message)")
        #expect(message.contains("continue with: swiftrl train --resume \(folder.path)"), "\(message)")
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("checkpoints").path)
        let saved = try #require(checkpoints.first { $0.hasPrefix("step-") })
        let checkpoint = try Checkpoint.read(from: folder.appendingPathComponent("checkpoints/\(saved)"))
        let step = Int(checkpoint.metadata["environment_steps"] ?? "") ?? 0
        #expect(step > 0 && message.contains("stopped at step \(step)"))
        // The lock went with the process: the run resumes (to a few more steps) from the saved step.
        let resumed = try ProgramRun.swiftrl(["train", "--resume", folder.path, "--steps", "\(step + 100)", "--plain"])
        #expect(resumed.status == 0 && resumed.output.contains("done:"), "\(resumed.errorOutput)")
    }
}
