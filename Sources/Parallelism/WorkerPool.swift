import Dispatch
import Foundation
import Synchronization

/// A second thread that takes half of a parallel kernel with low hand-off latency.
///
/// Dispatch's `concurrentPerform` wakes a pool thread per call; on this machine that takes longer
/// than a whole small GEMM, so the caller ended up doing both halves. This worker spins for a short
/// while after each job (so back-to-back kernels hand off in well under a microsecond) and then
/// parks on a semaphore, so it costs nothing between training bursts.
public final class WorkerPool: @unchecked Sendable {
    /// The pool the kernels use (one extra thread: the machine has 2 cores).
    public static let shared = WorkerPool()

    /// How long the worker spins for the next job before parking.
    private static let spinSeconds = 0.000_2

    private let generation = Atomic<Int>(0)
    private let completed = Atomic<Int>(0)
    private let parked = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let callerLock = Mutex(())
    /// The job of the current generation; written before `generation` is published.
    nonisolated(unsafe) private var job: ((Int) -> Void)?

    private init() {
        let thread = Thread { [unowned self] in self.workerLoop() }
        thread.name = "swiftrl-kernel-worker"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Runs `body(0)` on the calling thread and `body(1)` on the worker, returning when both are
    /// done. When another caller holds the worker, runs both parts on the calling thread.
    public func run(_ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            let ran = callerLock.withLockIfAvailable { _ -> Bool in
                job = body
                let ticket = generation.add(1, ordering: .sequentiallyConsistent).newValue
                if parked.load(ordering: .sequentiallyConsistent) { wake.signal() }
                body(0)
                var spins = 0
                while completed.load(ordering: .acquiring) != ticket {
                    spins += 1
                    if spins > 4096 { sched_yield() }
                }
                job = nil
                return true
            }
            if ran == nil {
                body(0)
                body(1)
            }
        }
    }

    private func workerLoop() {
        var seen = 0
        while true {
            let spinUntil = DispatchTime.now().uptimeNanoseconds + UInt64(Self.spinSeconds * 1e9)
            var checks = 0
            while generation.load(ordering: .acquiring) == seen {
                checks += 1
                if checks & 255 == 0 && DispatchTime.now().uptimeNanoseconds > spinUntil {
                    parked.store(true, ordering: .sequentiallyConsistent)
                    if generation.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
                    parked.store(false, ordering: .sequentiallyConsistent)
                    break
                }
            }
            let current = generation.load(ordering: .acquiring)
            if current == seen { continue }
            seen = current
            job?(1)
            completed.store(current, ordering: .releasing)
        }
    }
}

/// Runs `body(worker)` for worker in 0..<workers in parallel: the low-latency pool for two
/// workers, Dispatch for more.
@inline(__always)
public func runParallel(workers: Int, _ body: (Int) -> Void) {
    if workers == 2 {
        WorkerPool.shared.run(body)
    } else {
        withoutActuallyEscaping(body) { body in
            let work = SendableClosure(body)
            DispatchQueue.concurrentPerform(iterations: workers) { work.value($0) }
        }
    }
}

/// Carries a closure into concurrent workers that touch disjoint data.
public struct SendableClosure<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
