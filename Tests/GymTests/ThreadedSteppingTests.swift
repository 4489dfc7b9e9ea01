import Foundation
import Synchronization
import Testing

@testable import Gym

/// ThreadedStepping: placement by measurement, every sub-environment once per step with stealing,
/// boundaries that follow the stealing, and errors by the lowest index.
@Suite struct ThreadedSteppingTests {
    /// Runs `steps` steps over `count` indices and returns how often each index was visited.
    private func visits(_ stepping: ThreadedStepping, count: Int, steps: Int, work: @escaping (Int) -> Void) throws -> [Int] {
        let counts = UnsafeMutableBufferPointer<Atomic<Int>>.allocate(capacity: count)
        for index in 0..<count { (counts.baseAddress! + index).initialize(to: Atomic(0)) }
        defer { counts.deallocate() }
        for _ in 0..<steps {
            try stepping.run { range in
                for index in range {
                    work(index)
                    counts[index].add(1, ordering: .relaxed)
                }
            }
        }
        return (0..<count).map { counts[$0].load(ordering: .relaxed) }
    }

    @Test("every index is stepped exactly once per step, on the threads or on the caller")
    func everyIndexOncePerStep() throws {
        let stepping = ThreadedStepping(threads: 2, count: 9)
        // Uneven work: index 0 is slow, so the other worker steals from the caller's range.
        let counts = try visits(stepping, count: 9, steps: 200) { index in if index == 0 { usleep(200) } }
        #expect(counts == Array(repeating: 200, count: 9))
        let ranges = stepping.ranges
        #expect(ranges.count == 2 && ranges[0].lowerBound == 0 && ranges[1].upperBound == 9 && ranges[0].upperBound == ranges[1].lowerBound)
    }

    @Test("costly steps run on all threads, with the slow index's worker given fewer others")
    func costlyStepsUseAllThreadsAndBalance() throws {
        let stepping = ThreadedStepping(threads: 2, count: 8)
        _ = try visits(stepping, count: 8, steps: 120) { index in usleep(index == 0 ? 2000 : 300) }
        #expect(stepping.placement == .allThreads)
        // Index 0 costs as much as about 7 others: the caller's range shrinks from 4 to 1 or 2.
        // (tools/test runs this suite alone: under other tests' load the second worker starts late,
        // the caller steals its work, and the boundary rightly moves the other way.)
        #expect(stepping.ranges[0].count <= 2, "ranges \(stepping.ranges)")
    }

    @Test("trivial steps settle on the calling thread")
    func cheapStepsStayOnTheCallingThread() throws {
        let stepping = ThreadedStepping(threads: 2, count: 2)
        _ = try visits(stepping, count: 2, steps: 2000) { _ in }
        #expect(stepping.placement == .callingThread)
    }

    @Test("the error of the lowest failing index is rethrown")
    func lowestErrorWins() throws {
        struct Failure: Error, Equatable { let index: Int }
        let stepping = ThreadedStepping(threads: 2, count: 6)
        for _ in 0..<40 {
            #expect(throws: Failure(index: 2)) {
                try stepping.run { range in
                    for index in range where index == 2 || index == 5 { throw Failure(index: index) }
                }
            }
        }
    }
}
