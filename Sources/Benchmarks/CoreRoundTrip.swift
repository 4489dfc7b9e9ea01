import Foundation
import Synchronization

/// The time for one core to hand a value to another and get an answer back, in nanoseconds: two
/// threads bounce a counter (each spins for the other's step), `trips` times in each of `rounds`
/// rounds; the lowest round's mean is returned (a round the scheduler interrupted says nothing).
///
/// On the 2-vCPU cloud machines here it tells the host's placement of the two vCPUs, which changes
/// over hours and moves every two-thread figure: about 100 ns when they share a chiplet, about 400 ns
/// when they do not, and then data written by one core and read by the other (each kernel's halves,
/// one kernel's output as the next one's input) costs several times as much: the 3x256 MLP step took
/// 590 us in the first state and about 1000 us in the second with the same binary.
public func coreRoundTripNanoseconds(trips: Int = 20_000, rounds: Int = 5) -> Double {
    final class Counter: @unchecked Sendable { let value = Atomic<Int>(0) }
    let counter = Counter()
    let total = trips * rounds
    let answerer = Thread {
        for trip in 0..<total {
            while counter.value.load(ordering: .acquiring) != 2 * trip + 1 {}
            counter.value.store(2 * trip + 2, ordering: .releasing)
        }
    }
    answerer.start()
    var best = Double.infinity
    for round in 0..<rounds {
        let seconds = measureSeconds {
            for trip in (round * trips)..<((round + 1) * trips) {
                counter.value.store(2 * trip + 1, ordering: .releasing)
                while counter.value.load(ordering: .acquiring) != 2 * trip + 2 {}
            }
        }
        best = min(best, seconds / Double(trips) * 1e9)
    }
    return best
}
