import Foundation
import NN

/// The checkpoints of a run in DIR/checkpoints/: `step-<N>.safetensors` every interval and at the
/// end (the newest `keep` kept), `best.safetensors` (the best evaluation), and `replay-<N>.safetensors`
/// beside the latest. Every file is written atomically and durably (temporary file, fsync, rename); a
/// file cut short (a kill during a copy, a full disk) fails validation and is never loaded. The replay
/// of step N is written before checkpoint N and the previous replay deleted only after it, so whichever
/// checkpoint resume finds has its own replay. Temporary files left by killed processes are removed
/// when a run takes the folder (`removeStaleTemporaries`).
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

    /// The replay saved with the checkpoint of `step`.
    public func replayURL(step: Int) -> URL { directory.appendingPathComponent(String(format: "replay-%012d.safetensors", step)) }

    /// replay.safetensors, where runs before step-named replays kept theirs.
    var legacyReplayURL: URL { directory.appendingPathComponent("replay.safetensors") }

    /// Writes the checkpoint of `step` (and the replay, when given), then deletes the oldest beyond `keep`.
    public func save(_ checkpoint: Checkpoint, step: Int, replay: Checkpoint?) throws {
        try checkpoint.requireFinite(source: "the checkpoint of step \(step)")
        var replay = replay
        replay?.metadata["environment_steps"] = "\(step)"
        if let replay { try replay.write(to: replayURL(step: step)) }
        try checkpoint.write(to: url(step: step))
        let periodic = periodicCheckpoints()
        for (_, old) in periodic.dropLast(keep) { try? FileManager.default.removeItem(at: old) }
        // Older replays go only now that checkpoint `step` (with its replay) is in place.
        if replay != nil {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            where (name.hasPrefix("replay-") && name != replayURL(step: step).lastPathComponent) || name == "replay.safetensors" {
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
            }
        }
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
            guard name.hasPrefix("step-"), name.hasSuffix(".safetensors"), let step = Int(name.dropFirst(5).dropLast(12)) else {
                return nil
            }
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
        for candidate in [replayURL(step: step), legacyReplayURL] {
            if let replay = try? Checkpoint.read(from: candidate), replay.metadata["environment_steps"] == "\(step)" { return replay }
        }
        return nil
    }

    /// Removes temporary files that killed processes left in the run folder (checkpoint and replay
    /// `.NAME.PID.tmp`, video `.NAME.partial.EXT`); call it only while holding the run folder's lock.
    /// Returns the names removed.
    @discardableResult
    public static func removeStaleTemporaries(in runDirectory: URL) -> [String] {
        var removed: [String] = []
        for folder in ["checkpoints", "videos"] {
            let directory = runDirectory.appendingPathComponent(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            where name.hasPrefix(".") && (name.hasSuffix(".tmp") || name.contains(".partial.")) {
                if (try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))) != nil { removed.append(name) }
            }
        }
        return removed
    }
}
