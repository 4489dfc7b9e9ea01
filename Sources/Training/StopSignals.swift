import Dispatch
import Foundation
import Synchronization

/// SIGINT and SIGTERM for a training process: the first asks the training loop to stop after the
/// current iteration, save a checkpoint (and replay), flush its logs and exit 130 (SIGINT) or 143
/// (SIGTERM); a second SIGINT ends the process at once.
public final class StopSignals: Sendable {
    /// The signal that asked to stop, if one did.
    public var received: Int32? { state.withLock { $0.signal } }

    private struct State {
        var signal: Int32?
        var count = 0
    }

    private let state = Mutex(State())
    nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []

    /// Starts catching SIGINT and SIGTERM (their default action, ending the process, is turned off).
    public static func install() -> StopSignals {
        let signals = StopSignals()
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { signals.receive(number) }
            source.resume()
            signals.sources.append(source)
        }
        return signals
    }

    private func receive(_ number: Int32) {
        let count = state.withLock { state -> Int in
            if state.signal == nil { state.signal = number }
            state.count += 1
            return state.count
        }
        if count == 1 {
            FileHandle.standardError.write(
                Data(
                    "\n\(number == SIGINT ? "SIGINT" : "SIGTERM"): stopping after this iteration and saving a checkpoint (Ctrl-C again to quit at once)\n"
                        .utf8))
        } else if number == SIGINT {
            _exit(130)
        }
    }

    /// The exit status for a stop by `signal`: 128 + the signal number (130 for SIGINT, 143 for SIGTERM).
    public static func exitStatus(for signal: Int32) -> Int32 { 128 + signal }
}
