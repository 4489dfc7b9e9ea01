import CThreadPlacement
import Dispatch
import Foundation
import Synchronization

/// A second thread that takes half of a parallel kernel with low hand-off latency.
///
/// Dispatch's `concurrentPerform` wakes a pool thread per call; on this machine that takes longer
/// than a whole small GEMM, so the caller ended up doing both halves. This worker spins for a short
/// while after each job (so back-to-back kernels hand off in well under a microsecond) and then
/// parks on a semaphore, so it costs nothing between training bursts.
///
/// Placement: when the caller wakes the parked worker, Linux tends to place it on the caller's own
/// CPU, and on this 2-core VM the load balancer then often left both there for the whole process:
/// the two halves took turns on one core (2-thread GEMMs at 88 GFLOP/s against 210 on one thread, in
/// about half of all processes). So each job carries the caller's CPU, and a worker that finds itself
/// on it restricts itself to the other CPUs (one system call, only when that happens).
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
    /// The CPU the caller ran on when it published the current job (-1: unknown).
    nonisolated(unsafe) private var callerCPU: Int32 = -1
    /// How many times the worker moved off the caller's CPU (for tests and diagnostics).
    private let moves = Atomic<Int>(0)

    /// How many times the worker found itself on its caller's CPU and moved off it.
    public var placementMoves: Int { moves.load(ordering: .relaxed) }

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
                callerCPU = swiftrl_current_cpu()
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
        swiftrl_remember_allowed_cpus()
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
            let here = swiftrl_current_cpu()
            if here >= 0 && here == callerCPU && swiftrl_move_current_thread_off_cpu(here) != 0 {
                moves.add(1, ordering: .relaxed)
            }
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
