import Dispatch
import Parallelism
import Synchronization

/// Spreads the sub-environments of a threaded vector step over threads so that it is never slower
/// than stepping them all on the calling thread, and balanced by measured cost.
///
/// Two decisions, both by measurement, since a vector step's cost depends on the environment, the
/// number of sub-environments, the episode phase and what else the machine runs:
/// - Placement: handing work to another core costs a few hundred nanoseconds and moves the
///   sub-environments' memory between caches, which loses for cheap steps (8 CartPoles take about
///   a microsecond in all). A probe times `probeWindow`-step windows on the calling thread alone and
///   on all threads, alternately, and keeps the faster placement. Probes are spaced in time (the
///   spacing turned into steps from the probe's own step times, and at least
///   `fewestStepsBetweenProbes`): `shortestProbeSpacing` after a change, doubling up to
///   `longestProbeSpacing` while the choice holds, so a settled vector
///   environment spends well under 1% of its time in the slower placement (and the other core's
///   worker, which spins briefly after each job, is left alone). Steps outside a probe read no
///   clock.
/// - Balance: each worker owns a contiguous range of sub-environments (so each mostly stays in one
///   core's cache) and, when done with it, steals the last ones left in the others' ranges
///   (`StealableRanges`), so the workers finish together even when a reset or a burst of contacts
///   makes some sub-environments cost more this step. After each step a boundary moves by one
///   sub-environment towards a worker that stole from its neighbour, so a lasting imbalance (the
///   other worker starts later; its core is busy with something else) is settled by ownership
///   rather than stolen back and forth every step.
final class ThreadedStepping: @unchecked Sendable {
    /// Where a vector step runs.
    enum Placement { case callingThread, allThreads }

    /// Steps per timed window of a probe.
    static let probeWindow = 8
    /// Windows per probe (alternating placements).
    static let probeWindows = 4
    /// Seconds between probes after the first choice or a change of placement.
    static let shortestProbeSpacing = 0.01
    /// The most seconds between probes while the choice holds.
    static let longestProbeSpacing = 1.0
    /// The fewest steps between probes: 100 times a probe's steps in the other placement, so that
    /// probing costs at most about 1% where that placement is twice as slow (for costly steps, e.g.
    /// 256 BipedalWalkers, the time spacing alone would probe almost all the time).
    static let fewestStepsBetweenProbes = 100 * probeWindow * probeWindows / 2
    /// How much faster the other placement must be for a switch (avoids flapping on noise).
    static let switchMargin = 0.97

    /// The number of workers (at least 2, at most the number of sub-environments).
    let workers: Int
    /// The number of sub-environments.
    let count: Int
    /// The placement used outside probes.
    @exclusivity(unchecked) private(set) var placement = Placement.allThreads
    /// `boundaries[w]..<boundaries[w + 1]` is worker w's range.
    private let boundaries: UnsafeMutableBufferPointer<Int>
    /// The ranges the workers take from and steal from during a step.
    private let stealable: StealableRanges
    /// Per worker, one cache line apart: sub-environments stolen in the latest step from the next
    /// worker (at `lineStride * w`) and from the previous one (at `lineStride * w + 1`).
    private let steals: UnsafeMutableBufferPointer<Int>
    @exclusivity(unchecked) private var stepsUntilProbe = 0
    private var probeSpacing = ThreadedStepping.shortestProbeSpacing
    /// Step within the current probe (nil outside one) and the probe's total time per placement.
    @exclusivity(unchecked) private var probeStep: Int?
    private var probeTotals: (callingThread: UInt64, allThreads: UInt64) = (0, 0)

    private static let lineStride = 8

    /// Stepping for `count` sub-environments on up to `threads` threads (both at least 2: with one
    /// of either a vector environment steps synchronously and needs no scheduler).
    init(threads: Int, count: Int) {
        precondition(threads >= 2 && count >= 2, "ThreadedStepping needs at least 2 threads and 2 sub-environments")
        self.count = count
        workers = min(threads, count)
        boundaries = .allocate(capacity: workers + 1)
        for worker in 0...workers { boundaries[worker] = worker * count / workers }
        stealable = StealableRanges(workers: workers)
        steals = .allocate(capacity: workers * Self.lineStride)
        steals.initialize(repeating: 0)
    }

    deinit {
        boundaries.deallocate()
        steals.deallocate()
    }

    /// The current range of each worker (for tests and diagnostics).
    var ranges: [Range<Int>] { (0..<workers).map { boundaries[$0]..<boundaries[$0 + 1] } }

    /// True when the next step runs on the calling thread outside a probe (and counts it): the
    /// caller then steps every sub-environment itself, with no call into the scheduler.
    @inline(__always) func takeCallingThreadStep() -> Bool {
        guard placement == .callingThread && stepsUntilProbe > 0 && probeStep == nil else { return false }
        stepsUntilProbe -= 1
        return true
    }

    /// Runs `body` over ranges that together cover every sub-environment once, in parallel or on
    /// the calling thread, and rethrows the error of the lowest failing sub-environment.
    func run(_ body: (Range<Int>) throws -> Void) throws {
        if probeStep == nil && stepsUntilProbe > 0 {
            stepsUntilProbe -= 1
            return try run(body, on: placement)
        }
        let step = probeStep ?? 0
        // A probe step: alternate windows, starting with the placement not in use.
        let other: Placement = placement == .allThreads ? .callingThread : .allThreads
        let chosen = (step / Self.probeWindow) % 2 == 0 ? other : placement
        let start = DispatchTime.now().uptimeNanoseconds
        try run(body, on: chosen)
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        if chosen == .allThreads { probeTotals.allThreads += elapsed } else { probeTotals.callingThread += elapsed }
        if step + 1 < Self.probeWindow * Self.probeWindows {
            probeStep = step + 1
            return
        }
        finishProbe(other: other)
    }

    /// Keeps the faster placement of the probe just finished and schedules the next probe.
    private func finishProbe(other: Placement) {
        let (current, alternative) =
            placement == .allThreads
            ? (probeTotals.allThreads, probeTotals.callingThread) : (probeTotals.callingThread, probeTotals.allThreads)
        let chosenTotal: UInt64
        if Double(alternative) < Self.switchMargin * Double(current) {
            placement = other
            probeSpacing = Self.shortestProbeSpacing
            chosenTotal = alternative
        } else {
            probeSpacing = min(2 * probeSpacing, Self.longestProbeSpacing)
            chosenTotal = current
        }
        let stepNanoseconds = max(1, Double(chosenTotal) / Double(Self.probeWindow * Self.probeWindows / 2))
        probeStep = nil
        probeTotals = (0, 0)
        stepsUntilProbe = max(Self.fewestStepsBetweenProbes, Int(probeSpacing * 1e9 / stepNanoseconds))
    }

    private func run(_ body: (Range<Int>) throws -> Void, on placement: Placement) throws {
        guard placement == .allThreads else { return try body(0..<count) }
        let firstError = Mutex<(index: Int, error: any Error)?>(nil)
        let stealable = stealable, steals = steals, stride = Self.lineStride, workers = workers
        for worker in 0..<workers {
            stealable.set(worker, boundaries[worker]..<boundaries[worker + 1])
            steals[worker * stride] = 0
            steals[worker * stride + 1] = 0
        }
        runParallel(workers: workers) { worker in
            /// Steps one sub-environment; false after an error (this worker then stops).
            func step(_ index: Int) -> Bool {
                do {
                    try body(index..<(index + 1))
                    return true
                } catch {
                    firstError.withLock { current in
                        if current == nil || index < current!.index { current = (index, error) }
                    }
                    return false
                }
            }
            while let index = stealable.takeOwn(worker) { guard step(index) else { return } }
            for offset in 1..<workers {
                let victim = (worker + offset) % workers
                let slot = victim == worker + 1 ? worker * stride : victim == worker - 1 ? worker * stride + 1 : nil
                while let index = stealable.steal(from: victim) {
                    guard step(index) else { return }
                    if let slot { steals[slot] += 1 }
                }
            }
        }
        if let failure = firstError.withLock({ $0 }) { throw failure.error }
        rebalance()
    }

    /// Moves each inner boundary by one sub-environment towards the worker that stole across it.
    private func rebalance() {
        for boundary in 1..<workers {
            let towardsNext = steals[(boundary - 1) * Self.lineStride], towardsPrevious = steals[boundary * Self.lineStride + 1]
            let moved = boundaries[boundary] + (towardsNext > towardsPrevious ? 1 : towardsNext < towardsPrevious ? -1 : 0)
            if moved > boundaries[boundary - 1] && moved < boundaries[boundary + 1] { boundaries[boundary] = moved }
        }
    }
}
