/// A bounded queue of visited states ranked by novelty, from which goals are drawn.
///
/// A state enters when the queue is not full or its novelty exceeds `fraction` times the least
/// novel queued state's (which then leaves). `pop()` takes the most novel. With a curriculum, goals
/// are read along the queue sorted from least to most novel, and the target moves on once the
/// success rate of the last 10 episodes reaches 0.7.
public final class GoalPool {
    /// One queued state: its novelty, its goal observation, and the transition that reached it
    /// (the dynamics inputs), kept so that its novelty can be re-scored as the model learns.
    public struct Entry {
        public var novelty: Float
        public var observation: [Float]
        public var transition: Transition?
    }

    /// A transition as the dynamics model sees it: input rows of the current and next observation.
    public struct Transition {
        public var current: [Float]
        public var action: Int
        public var next: [Float]

        /// A transition from dynamics input rows.
        public init(current: [Float], action: Int, next: [Float]) {
            self.current = current
            self.action = action
            self.next = next
        }
    }

    /// Entries at most.
    public let capacity: Int
    /// The entry threshold fraction.
    public let fraction: Float
    /// Read goals along the sorted queue instead of popping the most novel.
    public let curriculum: Bool
    /// The queued states.
    public private(set) var entries: [Entry] = []
    private var curriculumIndex = 0
    private var recentSuccesses: [Bool] = []

    /// An empty pool.
    public init(capacity: Int, fraction: Float, curriculum: Bool = false) {
        self.capacity = capacity
        self.fraction = fraction
        self.curriculum = curriculum
    }

    /// Offers a state; returns whether it entered.
    @discardableResult
    public func offer(novelty: Float, observation: [Float], transition: Transition? = nil) -> Bool {
        guard novelty.isFinite else { return false }
        if entries.count < capacity {
            entries.append(Entry(novelty: novelty, observation: observation, transition: transition))
            return true
        }
        guard let weakest = entries.indices.min(by: { entries[$0].novelty < entries[$1].novelty }),
            novelty > fraction * entries[weakest].novelty
        else { return false }
        entries[weakest] = Entry(novelty: novelty, observation: observation, transition: transition)
        return true
    }

    /// Re-scores the queued states that kept their transition with `novelty` (the current model's
    /// prediction errors for those transitions, in order). Without it the queue keeps the errors of
    /// an early, untrained model: states seen once early outrank the frontier forever.
    public func rescore(_ novelty: ([Transition]) throws -> [Float]) rethrows {
        let indices = entries.indices.filter { entries[$0].transition != nil }
        guard !indices.isEmpty else { return }
        let values = try novelty(indices.map { entries[$0].transition! })
        for (index, value) in zip(indices, values) where value.isFinite { entries[index].novelty = value }
    }

    /// The next goal observation (nil when empty): the most novel (removed), or the curriculum target.
    public func nextGoal() -> [Float]? {
        guard !entries.isEmpty else { return nil }
        if curriculum {
            let sorted = entries.sorted { $0.novelty < $1.novelty }
            return sorted[min(curriculumIndex, sorted.count - 1)].observation
        }
        let best = entries.indices.max { entries[$0].novelty < entries[$1].novelty }!
        return entries.remove(at: best).observation
    }

    /// Where the curriculum stands and the successes it counts (saved with the queue in checkpoints).
    var progress: (curriculumIndex: Int, recentSuccesses: [Bool]) { (curriculumIndex, recentSuccesses) }

    /// Replaces the whole state with a saved one (`entries` and `progress`).
    func restore(entries: [Entry], curriculumIndex: Int, recentSuccesses: [Bool]) {
        self.entries = entries
        self.curriculumIndex = curriculumIndex
        self.recentSuccesses = recentSuccesses
    }

    /// Records whether an episode reached its goal (moves the curriculum target).
    public func record(success: Bool) {
        recentSuccesses.append(success)
        if recentSuccesses.count > 10 { recentSuccesses.removeFirst() }
        if curriculum && recentSuccesses.count == 10 && Double(recentSuccesses.filter { $0 }.count) / 10 >= 0.7 {
            curriculumIndex += 1
            recentSuccesses.removeAll()
        }
    }
}
