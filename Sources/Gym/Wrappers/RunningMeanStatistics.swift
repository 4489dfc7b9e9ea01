/// Running mean and variance of a stream of vectors, merged batch by batch (Chan et al.'s parallel
/// algorithm, as Gymnasium's `RunningMeanStd`; the count starts at `epsilon`).
public struct RunningMeanStatistics: Sendable, Equatable {
    /// Per-coordinate mean.
    public private(set) var mean: [Double]
    /// Per-coordinate (population) variance.
    public private(set) var variance: [Double]
    /// The (fractional) number of samples seen.
    public private(set) var count: Double

    /// Statistics of `size` coordinates with mean 0, variance 1 and count `epsilon` (Gymnasium: 1e-4).
    public init(size: Int, epsilon: Double = 1e-4) {
        mean = Array(repeating: 0, count: size)
        variance = Array(repeating: 1, count: size)
        count = epsilon
    }

    /// Restores saved statistics.
    public init(mean: [Double], variance: [Double], count: Double) {
        self.mean = mean
        self.variance = variance
        self.count = count
    }

    /// Merges one sample.
    public mutating func update(_ sample: UnsafeBufferPointer<Float>) {
        precondition(sample.count == mean.count, "RunningMeanStatistics of \(mean.count) coordinates got \(sample.count)")
        let total = count + 1
        for index in 0..<mean.count {
            let delta = Double(sample[index]) - mean[index]
            let newMean = mean[index] + delta / total
            let m2 = variance[index] * count + delta * delta * count / total
            mean[index] = newMean
            variance[index] = m2 / total
        }
        count = total
    }

    /// Merges one scalar sample (for one-coordinate statistics).
    public mutating func update(_ value: Double) {
        var sample = Float(value)
        withUnsafePointer(to: &sample) { update(UnsafeBufferPointer(start: $0, count: 1)) }
    }
}
