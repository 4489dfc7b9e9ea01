import Dispatch

/// Splits 0..<count into `workers` contiguous ranges and runs `body(worker, range)` for each on its
/// own thread (the calling thread when there is one worker). OpenBLAS is held to one thread meanwhile,
/// so that the workers' GEMMs do not oversubscribe the cores.
func parallelFor(count: Int, workers requested: Int = BLASThreads.count, _ body: (Int, Range<Int>) -> Void) {
    let workers = max(1, min(requested, count))
    if workers == 1 {
        body(0, 0..<count)
        return
    }
    BLASThreads.adapt(toWork: 0)
    BLASThreads.heldSingleThreaded = true
    defer { BLASThreads.heldSingleThreaded = false }
    withoutActuallyEscaping(body) { body in
        let work = UncheckedSendableBox(body)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            work.value(worker, (worker * count / workers) ..< ((worker + 1) * count / workers))
        }
    }
}

/// Carries a value into concurrent workers that touch disjoint parts of it.
struct UncheckedSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
