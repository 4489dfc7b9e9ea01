import ArgumentParser
import Foundation
import NN
import Training

/// Finds the checkpoint to act with: a run folder (its best checkpoint, else its newest valid one, with
/// its config.json) or a checkpoint file (which carries its run's configuration).
enum PolicySource {
    /// The checkpoint, its run configuration and the path it came from.
    static func load(_ source: String) throws -> (checkpoint: Checkpoint, configuration: RunConfiguration, origin: String) {
        let url = URL(fileURLWithPath: source)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ValidationError("\(source) does not exist: give a run folder from swiftrl train or a .safetensors checkpoint")
        }
        if isDirectory.boolValue {
            let store = try CheckpointStore(runDirectory: url, keep: 1000)
            let checkpoint: Checkpoint
            let origin: String
            if let best = try? Checkpoint.read(from: store.bestURL), (try? best.requireFinite()) != nil {
                checkpoint = best
                origin = store.bestURL.path
            } else if let latest = store.latestValid() {
                checkpoint = latest.checkpoint
                origin = store.url(step: latest.step).path
            } else {
                throw ValidationError("\(source) has no valid checkpoint in checkpoints/: train first (swiftrl train --run-dir \(source))")
            }
            guard let data = FileManager.default.contents(atPath: url.appendingPathComponent("config.json").path) else {
                throw ValidationError("\(source) has no config.json: is it a run folder from swiftrl train?")
            }
            return (checkpoint, try RunConfiguration(json: data, source: url.appendingPathComponent("config.json").path), origin)
        }
        let checkpoint = try Checkpoint.read(from: url)
        try checkpoint.requireFinite(source: url.path)
        guard let text = checkpoint.metadata["config"] else {
            throw ValidationError("\(source) carries no run configuration: evaluate its run folder instead")
        }
        return (checkpoint, try RunConfiguration(json: Data(text.utf8), source: source), url.path)
    }
}
