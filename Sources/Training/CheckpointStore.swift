import Foundation
import NN

/// The checkpoints of a run in DIR/checkpoints/: `step-<N>.safetensors` every interval and at the
/// end (the newest `keep` kept), `best.safetensors` (the best evaluation), and `replay.safetensors`
/// beside the latest. Every file is written atomically (temporary file, then rename); a file cut
/// short (a kill during a copy, a full disk) fails validation and is never loaded.
public final class CheckpointStore {
    /// DIR/checkpoints.
    public let directory: URL
    /// Periodic checkpoints kept.
    public let keep: Int

    /// The store in `runDirectory`/checkpoints (created when missing).
    public init(runDirectory: URL, keep: Int) throws {
        directory = runDirectory.appendingPathComponent("checkpoints")
        self.keep = keep
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw TrainingError.unwritable("cannot create \(directory.path): \(error.localizedDescription); choose a writable --run-dir")
        }
    }

    /// The file of the periodic checkpoint at `step`.
    public func url(step: Int) -> URL { directory.appendingPathComponent(String(format: "step-%012d.safetensors", step)) }

    /// best.safetensors.
    public var bestURL: URL { directory.appendingPathComponent("best.safetensors") }

    /// replay.safetensors.
    public var replayURL: URL { directory.appendingPathComponent("replay.safetensors") }

    /// Writes the checkpoint of `step` (and the replay, when given), then deletes the oldest beyond `keep`.
    public func save(_ checkpoint: Checkpoint, step: Int, replay: Checkpoint?) throws {
        try checkpoint.requireFinite(source: "the checkpoint of step \(step)")
        var replay = replay
        replay?.metadata["environment_steps"] = "\(step)"
        if let replay { try replay.write(to: replayURL) }
        try checkpoint.write(to: url(step: step))
        let periodic = periodicCheckpoints()
        for (_, old) in periodic.dropLast(keep) { try? FileManager.default.removeItem(at: old) }
    }

    /// Writes best.safetensors.
    public func saveBest(_ checkpoint: Checkpoint) throws {
        try checkpoint.requireFinite(source: "best.safetensors")
        try checkpoint.write(to: bestURL)
    }

    /// The periodic checkpoints by step, oldest first.
    public func periodicCheckpoints() -> [(step: Int, url: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name -> (Int, URL)? in
            guard name.hasPrefix("step-"), name.hasSuffix(".safetensors"), let step = Int(name.dropFirst(5).dropLast(12)) else { return nil }
            return (step, directory.appendingPathComponent(name))
        }.sorted { $0.0 < $1.0 }
    }

    /// The newest checkpoint that reads back valid and finite, with warnings for newer ones that do not.
    public func latestValid() -> (checkpoint: Checkpoint, step: Int, warnings: [String])? {
        var warnings: [String] = []
        for (step, url) in periodicCheckpoints().reversed() {
            do {
                let checkpoint = try Checkpoint.read(from: url)
                try checkpoint.requireFinite(source: url.lastPathComponent)
                return (checkpoint, step, warnings)
            } catch {
                warnings.append("skipping \(url.lastPathComponent): \(error)")
            }
        }
        return nil
    }

    /// The replay saved with the checkpoint of `step`, if it is there and valid.
    public func replay(forStep step: Int) -> Checkpoint? {
        guard let replay = try? Checkpoint.read(from: replayURL), replay.metadata["environment_steps"] == "\(step)" else { return nil }
        return replay
    }
}
