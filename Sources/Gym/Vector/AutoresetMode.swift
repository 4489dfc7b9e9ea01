/// What a vector environment does with a sub-environment whose episode ended.
///
/// Gymnasium changed its default between versions and trainers broke (Gymnasium #1103,
/// CleanRL #499), so SwiftRL makes the mode an explicit argument.
public enum AutoresetMode: String, Sendable, Equatable, CaseIterable {
    /// Gymnasium 1.x's default: the step after a done resets that sub-environment, ignores its
    /// action, and returns the reset observation with reward 0 and both flags false.
    case nextStep = "next_step"
    /// The sub-environment resets in the same step: the returned observation is the reset one,
    /// and the final observation and info are in `finalObservations` and in the info under
    /// "final_obs" and "final_info".
    case sameStep = "same_step"
    /// No automatic reset: call `reset(at:seed:options:)` for ended sub-environments.
    case disabled
}

/// How a vector environment steps its sub-environments.
public enum VectorExecution: Sendable, Equatable {
    /// One after another on the calling thread (Gymnasium's `SyncVectorEnv`).
    case synchronous
    /// In parallel on up to `threads` threads, each owning a contiguous slice of sub-environments
    /// and stealing from the others' when done; steps too cheap to gain from other threads (a few
    /// classic-control environments) run on the calling thread, chosen by measurement
    /// (`ThreadedStepping`), so this is never slower than `synchronous`.
    case threaded(threads: Int)
}
