import Synchronization

/// Per-worker ranges of indices that the owner takes from the front and idle workers steal from
/// the back, so that a step's workers finish together even when some sub-environments cost more
/// this step (a reset, a burst of contacts) than the balance predicted.
///
/// Each range is one atomic word, front in the high half and back in the low half, on its own cache
/// line: the owner's compare-and-swap stays in its core's cache until someone steals.
final class StealableRanges: @unchecked Sendable {
    /// The number of ranges.
    let workers: Int
    private let words: UnsafeMutablePointer<Atomic<UInt64>>
    /// Atomics per cache line: ranges are this many words apart.
    private static let lineStride = 8

    /// Ranges for `workers` workers.
    init(workers: Int) {
        self.workers = workers
        words = .allocate(capacity: workers * Self.lineStride)
        for index in 0..<(workers * Self.lineStride) { (words + index).initialize(to: Atomic(0)) }
    }

    deinit {
        words.deinitialize(count: workers * Self.lineStride)
        words.deallocate()
    }

    /// Sets worker w's range (before the workers start).
    func set(_ worker: Int, _ range: Range<Int>) {
        words[worker * Self.lineStride].store(UInt64(range.lowerBound) << 32 | UInt64(range.upperBound), ordering: .relaxed)
    }

    /// The next index of `worker`'s own range, or nil when it is used up.
    func takeOwn(_ worker: Int) -> Int? { take(from: worker, atFront: true) }

    /// The last index left in `victim`'s range, taken away from it, or nil when none is left.
    func steal(from victim: Int) -> Int? { take(from: victim, atFront: false) }

    /// Takes one index from the front or the back of a range with a compare-and-swap.
    private func take(from worker: Int, atFront: Bool) -> Int? {
        let word = words + worker * Self.lineStride
        var current = word.pointee.load(ordering: .relaxed)
        while true {
            let front = current >> 32, back = current & 0xFFFF_FFFF
            if front >= back { return nil }
            let desired = atFront ? (front + 1) << 32 | back : front << 32 | (back - 1)
            let (exchanged, original) = word.pointee.compareExchange(expected: current, desired: desired, ordering: .relaxed)
            if exchanged { return Int(atFront ? front : back - 1) }
            current = original
        }
    }
}
