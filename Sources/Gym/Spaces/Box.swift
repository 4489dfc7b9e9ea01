/// A box in R^n (or in UInt8^n for images): every element lies in [low, high] per coordinate.
///
/// Sampling follows Gymnasium: uniform where both bounds are finite, exponential where only one
/// is, normal where neither is; UInt8 boxes sample integers uniformly in [low, high].
public struct Box: Sendable, Equatable, CustomStringConvertible {
    /// The scalar type of a box's elements.
    public enum ScalarType: String, Sendable, Equatable {
        case float32, uint8
    }

    /// Lower bounds, one per element (row-major, `count` of them).
    public let low: [Float]
    /// Upper bounds, one per element.
    public let high: [Float]
    /// The shape of one element, e.g. `[4]` or `[3, 84, 84]`.
    public let shape: [Int]
    /// The element type.
    public let dtype: ScalarType

    /// A box with the same bounds on every coordinate.
    public init(low: Float, high: Float, shape: [Int], dtype: ScalarType = .float32) {
        let count = shape.reduce(1, *)
        self.low = Array(repeating: low, count: max(count, 0))
        self.high = Array(repeating: high, count: max(count, 0))
        self.shape = shape
        self.dtype = dtype
    }

    /// A box with per-coordinate bounds; the shape defaults to `[low.count]`.
    public init(low: [Float], high: [Float], shape: [Int]? = nil, dtype: ScalarType = .float32) {
        self.low = low
        self.high = high
        self.shape = shape ?? [low.count]
        self.dtype = dtype
    }

    /// The number of scalars in one element.
    public var count: Int { shape.reduce(1, *) }

    /// Whether every coordinate has finite bounds on both sides.
    public var isBounded: Bool {
        zip(low, high).allSatisfy { $0.isFinite && $1.isFinite }
    }

    public var description: String {
        let shapeText = "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
        let uniform = Set(low).count <= 1 && Set(high).count <= 1 && !low.isEmpty
        let lowText = uniform ? formatBound(low[0]) : "[" + low.map(formatBound).joined(separator: ", ") + "]"
        let highText = uniform ? formatBound(high[0]) : "[" + high.map(formatBound).joined(separator: ", ") + "]"
        return "Box(\(lowText), \(highText), \(shapeText), \(dtype.rawValue))"
    }

    /// Throws when shapes disagree, a bound is NaN, or low > high somewhere.
    public func validate() throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw GymError.invalidSpace("Box shape \(shape) has a negative dimension: use sizes >= 0")
        }
        guard low.count == count, high.count == count else {
            throw GymError.invalidSpace(
                "Box low has \(low.count) and high \(high.count) values but shape \(shape) needs \(count): give one bound per element")
        }
        for index in 0..<count {
            if low[index].isNaN || high[index].isNaN {
                throw GymError.invalidSpace("Box bound at index \(index) is NaN: bounds must be numbers (use ±inf for none)")
            }
            if low[index] > high[index] {
                throw GymError.invalidSpace("Box low \(low[index]) > high \(high[index]) at index \(index): low must not exceed high")
            }
        }
        if dtype == .uint8, !zip(low, high).allSatisfy({ $0 >= 0 && $1 <= 255 }) {
            throw GymError.invalidSpace("uint8 Box bounds must lie in [0, 255]")
        }
    }

    /// Whether `values` (flattened) lie inside the box.
    public func contains(floats values: [Float]) -> Bool {
        guard dtype == .float32, values.count == count else { return false }
        return values.withUnsafeBufferPointer { contains(pointer: $0) }
    }

    /// Whether the flattened values behind `pointer` lie inside the box (no copy).
    public func contains(pointer values: UnsafeBufferPointer<Float>) -> Bool {
        guard values.count == count else { return false }
        return low.withUnsafeBufferPointer { lowBuffer in
            high.withUnsafeBufferPointer { highBuffer in
                for index in 0..<values.count {
                    let value = values[index]
                    // NaN fails both comparisons, so it is never contained.
                    if !(value >= lowBuffer[index] && value <= highBuffer[index]) { return false }
                }
                return true
            }
        }
    }

    /// Whether `value` is an element of this box.
    public func contains(_ value: SpaceValue) -> Bool {
        switch (dtype, value) {
        case (.float32, .float32(let values)): return contains(floats: values)
        case (.uint8, .uint8(let values)):
            guard values.count == count else { return false }
            for index in 0..<count where !(Float(values[index]) >= low[index] && Float(values[index]) <= high[index]) {
                return false
            }
            return true
        default: return false
        }
    }

    /// A random element with Gymnasium's sampling rules.
    public func sample(using generator: inout RandomGenerator) -> SpaceValue {
        switch dtype {
        case .float32:
            var values = [Float](repeating: 0, count: count)
            for index in 0..<count {
                values[index] = Float(Box.sampleCoordinate(low: Double(low[index]), high: Double(high[index]), using: &generator))
            }
            return .float32(values)
        case .uint8:
            var values = [UInt8](repeating: 0, count: count)
            for index in 0..<count {
                let lower = Double(low[index]).rounded(.up), upper = Double(high[index]).rounded(.down)
                let drawn = (lower + Double(generator.integer(below: Int(upper - lower) + 1)))
                values[index] = UInt8(min(max(drawn, 0), 255))
            }
            return .uint8(values)
        }
    }

    /// One coordinate: uniform, exponential (one finite bound) or normal (none), as Gymnasium.
    static func sampleCoordinate(low: Double, high: Double, using generator: inout RandomGenerator) -> Double {
        switch (low.isFinite, high.isFinite) {
        case (true, true): return generator.uniform(low, high)
        case (true, false): return low + generator.exponential()
        case (false, true): return high - generator.exponential()
        case (false, false): return generator.normal()
        }
    }
}
