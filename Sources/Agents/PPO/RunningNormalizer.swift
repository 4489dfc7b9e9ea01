import Tensors

/// Running mean and variance of observations (parallel Welford), for observation normalisation;
/// saved with checkpoints so that resumed and evaluated policies see the same inputs.
public final class RunningNormalizer {
    /// Mean per value.
    public private(set) var mean: [Double]
    /// Variance per value.
    public private(set) var variance: [Double]
    /// Samples seen (starts at a small epsilon as in Gymnasium).
    public private(set) var count: Double = 1e-4
    /// Clip of normalised values (Gymnasium's NormalizeObservation: 10).
    public let clip: Float = 10

    /// A normaliser of `size` values.
    public init(size: Int) {
        mean = Array(repeating: 0, count: size)
        variance = Array(repeating: 1, count: size)
    }

    /// Folds a batch [N, size] into the statistics.
    public func update(_ batch: Tensor) {
        let size = mean.count, rows = batch.count / max(size, 1)
        guard rows > 0 else { return }
        var batchMean = Array(repeating: 0.0, count: size), batchVariance = Array(repeating: 0.0, count: size)
        for row in 0..<rows { for index in 0..<size { batchMean[index] += Double(batch.pointer[row * size + index]) } }
        for index in 0..<size { batchMean[index] /= Double(rows) }
        for row in 0..<rows {
            for index in 0..<size {
                let difference = Double(batch.pointer[row * size + index]) - batchMean[index]
                batchVariance[index] += difference * difference
            }
        }
        for index in 0..<size { batchVariance[index] /= Double(rows) }
        let total = count + Double(rows)
        for index in 0..<size {
            let delta = batchMean[index] - mean[index]
            mean[index] += delta * Double(rows) / total
            let m2 = variance[index] * count + batchVariance[index] * Double(rows) + delta * delta * count * Double(rows) / total
            variance[index] = m2 / total
        }
        count = total
    }

    /// (x - mean) / sqrt(var + 1e-8), clipped to [-clip, clip].
    public func normalize(_ batch: Tensor) -> Tensor {
        let size = mean.count
        let result = batch.copy()
        for index in 0..<result.count {
            let feature = index % size
            let value = (Double(batch.pointer[index]) - mean[feature]) / (variance[feature] + 1e-8).squareRoot()
            result.pointer[index] = Float(max(-Double(clip), min(Double(clip), value)))
        }
        return result
    }

    /// The statistics as tensors (for checkpoints): each Double's 64 bits as two Float32 bit patterns,
    /// so that a resumed run normalises exactly as the uninterrupted one.
    public func stateTensors() -> [String: Tensor] {
        ["mean": Self.encode(mean), "variance": Self.encode(variance), "count": Self.encode([count])]
    }

    static func encode(_ values: [Double]) -> Tensor {
        Tensor(
            values.flatMap { value -> [Float] in
                let bits = value.bitPattern
                return [Float(bitPattern: UInt32(truncatingIfNeeded: bits)), Float(bitPattern: UInt32(truncatingIfNeeded: bits >> 32))]
            })
    }

    static func decode(_ tensor: Tensor) -> [Double] {
        let raw = tensor.buffer
        return (0..<(raw.count / 2)).map { index in
            Double(bitPattern: UInt64(raw[2 * index].bitPattern) | UInt64(raw[2 * index + 1].bitPattern) << 32)
        }
    }

    /// Restores `stateTensors`.
    public func load(_ tensors: [String: Tensor]) throws {
        guard let savedMean = tensors["mean"], let savedVariance = tensors["variance"], let savedCount = tensors["count"],
            savedMean.count == 2 * mean.count, savedVariance.count == 2 * variance.count, savedCount.count == 2
        else {
            throw AgentError.invalidState("the checkpoint's observation normaliser does not match this environment's observations")
        }
        mean = Self.decode(savedMean)
        variance = Self.decode(savedVariance)
        count = Self.decode(savedCount)[0]
    }
}
