import Dispatch
import Parallelism

/// Splits 0..<count into `workers` contiguous ranges and runs `body(worker, range)` for each on its
/// own thread (the calling thread when there is one worker). OpenBLAS is held to one thread meanwhile,
/// so that the workers' GEMMs do not oversubscribe the cores.
func parallelFor(count: Int, workers requested: Int = BLASThreads.count, _ body: (Int, Range<Int>) -> Void) {
    let workers = max(1, min(requested, count))
    if workers == 1 {
        body(0, 0..<count)
        return
    }
    BLASThreads.parallelRegionDepth.add(1, ordering: .relaxed)
    defer { BLASThreads.parallelRegionDepth.subtract(1, ordering: .relaxed) }
    runParallel(workers: workers) { worker in
        body(worker, (worker * count / workers)..<((worker + 1) * count / workers))
    }
}

/// Element counts from which element-wise kernels split their work across the BLAS threads
/// (below it the hand-off costs more than it saves).
let parallelElementThreshold = 1 << 16

/// Runs `body` over 0..<count, split across `BLASThreads.count` threads when count is large.
@inline(__always)
func parallelElements(_ count: Int, _ body: (Range<Int>) -> Void) {
    if count < parallelElementThreshold || BLASThreads.count < 2 || BLASThreads.insideParallelRegion {
        body(0..<count)
        return
    }
    let workers = BLASThreads.count
    runParallel(workers: workers) { worker in
        // Ranges aligned to 16 elements keep vector loops whole.
        let start = (worker * count / workers) & ~15, end = worker == workers - 1 ? count : ((worker + 1) * count / workers) & ~15
        body(start..<end)
    }
}

/// Splits element-wise work across the kernel threads, for code outside this module (optimizers).
public enum ParallelWork {
    /// Runs `body` over 0..<count, in two halves on two threads when count >= `minimum` and more
    /// than one kernel thread is allowed; ranges are aligned to 16 elements.
    @inlinable
    public static func forRanges(count: Int, minimum: Int, _ body: (Range<Int>) -> Void) {
        if count < minimum || BLASThreads.count < 2 {
            body(0..<count)
            return
        }
        splitAcrossThreads(count, body)
    }

    @usableFromInline
    static func splitAcrossThreads(_ count: Int, _ body: (Range<Int>) -> Void) {
        let workers = BLASThreads.count
        runParallel(workers: workers) { worker in
            let start = (worker * count / workers) & ~15, end = worker == workers - 1 ? count : ((worker + 1) * count / workers) & ~15
            body(start..<end)
        }
    }
}
