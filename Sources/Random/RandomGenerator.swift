import Foundation

/// A fast, seedable pseudo-random generator: xoshiro256** (Blackman and Vigna), seeded through
/// SplitMix64 so that any 64-bit seed, including 0, gives a well-mixed state.
///
/// Environments own one (Gymnasium's `np_random`); spaces sample with one passed in. The same seed
/// always gives the same stream on every platform.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// Creates a generator whose stream is fixed by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = nextSplitMix()
        s1 = nextSplitMix()
        s2 = nextSplitMix()
        s3 = nextSplitMix()
    }

    /// The four state words, for checkpoints (restore with `init(state:)`).
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// A generator continuing exactly where the one that gave `state` left off; nil unless
    /// `state` holds four words, not all zero.
    public init?(state: [UInt64]) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
        s0 = state[0]; s1 = state[1]; s2 = state[2]; s3 = state[3]
    }

    /// Creates a generator seeded from the system's entropy (for environments reset without a seed).
    public init() {
        var system = SystemRandomNumberGenerator()
        self.init(seed: system.next())
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform double in [low, high).
    @inlinable
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * uniform()
    }

    /// A uniform integer in 0 ..< bound (Lemire's nearly divisionless method, unbiased).
    @inlinable
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0, "integer(below:) needs a positive bound, got \(bound)")
        return Int(truncatingIfNeeded: next(upperBound: UInt64(bound)))
    }

    /// A standard normal sample (Marsaglia's polar method).
    @inlinable
    public mutating func normal() -> Double {
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * log(s) / s).squareRoot()
            }
        }
    }

    /// A normal sample with the given mean and standard deviation.
    @inlinable
    public mutating func normal(mean: Double, standardDeviation: Double) -> Double {
        mean + standardDeviation * normal()
    }

    /// An exponential sample with rate 1 (mean 1).
    @inlinable
    public mutating func exponential() -> Double {
        -log(1 - uniform())
    }

    /// A Poisson sample with mean `mean` (Knuth's product of uniforms; for the small means of
    /// ACER's replay ratio).
    public mutating func poisson(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        let limit = Foundation.exp(-mean)
        var product = uniform()
        var count = 0
        while product > limit {
            count += 1
            product *= uniform()
        }
        return count
    }
}
