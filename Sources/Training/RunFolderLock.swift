import Foundation

/// An exclusive lock on a run folder (flock on DIR/.lock, holding the owner's PID) for the whole life
/// of a training process: a second `train` into the folder, or a `--resume` while the run goes on, is
/// refused with the owner's PID instead of interleaving two runs' logs, config and checkpoints. The
/// kernel drops the lock when the process ends however it ends, so a killed run never leaves it stuck.
public final class RunFolderLock {
    /// DIR/.lock.
    public let url: URL
    private let descriptor: Int32

    /// Takes the lock of `runDirectory` (which must exist); throws naming the owner when it is taken.
    public init(runDirectory: URL) throws {
        url = runDirectory.appendingPathComponent(".lock")
        let descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw TrainingError.unwritable(
                "cannot create the lock file \(url.path): \(String(cString: strerror(errno))); choose a writable --run-dir")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let owner = (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            let who = owner.isEmpty ? "another process" : "process \(owner)"
            throw TrainingError.busy(
                "the run folder \(runDirectory.path) is in use by \(who) (a training run): wait for it to finish or stop it (kill -INT \(owner.isEmpty ? "PID" : owner)), or choose another --run-dir"
            )
        }
        self.descriptor = descriptor
        let pid = Data("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, pid.count, 0) }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
