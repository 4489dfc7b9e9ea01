extension Tensor {
    /// 1 where self > other (broadcasting), else 0; no gradient.
    public func greater(_ other: Tensor) throws -> Tensor { try Tensor.broadcastBinary(self, other, "greater") { $0 > $1 ? 1 : 0 } }
    /// 1 where self < other (broadcasting), else 0; no gradient.
    public func less(_ other: Tensor) throws -> Tensor { try Tensor.broadcastBinary(self, other, "less") { $0 < $1 ? 1 : 0 } }
    /// 1 where self == other (broadcasting), else 0; no gradient.
    public func equal(_ other: Tensor) throws -> Tensor { try Tensor.broadcastBinary(self, other, "equal") { $0 == $1 ? 1 : 0 } }
    /// 1 where self > value, else 0; no gradient.
    public func greater(_ value: Float) -> Tensor { mapElements { $0 > value ? 1 : 0 } }
    /// 1 where self < value, else 0; no gradient.
    public func less(_ value: Float) -> Tensor { mapElements { $0 < value ? 1 : 0 } }

    /// Chooses a where `condition` is non-zero and b elsewhere (all three broadcast together).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        // a * mask + b * (1 - mask): the mask is a constant, so gradients flow through a and b only.
        let mask = condition.mapElements { $0 != 0 ? 1 : 0 }
        return try a * mask + b * (1 - mask)
    }

    /// Limits every element to [minimum, maximum]; the gradient is zero where clamped.
    public func clamped(min minimum: Float = -.infinity, max maximum: Float = .infinity) -> Tensor {
        let result = mapElements { Swift.min(Swift.max($0, minimum), maximum) }
        record(result, [self]) { g in [g.zipElements(self) { $1 >= minimum && $1 <= maximum ? $0 : 0 }] }
        return result
    }

    /// The element-wise maximum (broadcasting); ties send the gradient to self.
    public func maximum(_ other: Tensor) throws -> Tensor {
        let mask = try greaterOrEqual(other)
        return try self * mask + other * (1 - mask)
    }

    /// The element-wise minimum (broadcasting); ties send the gradient to self.
    public func minimum(_ other: Tensor) throws -> Tensor {
        let mask = try Tensor.broadcastBinary(self, other, "minimum") { $0 <= $1 ? 1 : 0 }
        return try self * mask + other * (1 - mask)
    }

    private func greaterOrEqual(_ other: Tensor) throws -> Tensor {
        try Tensor.broadcastBinary(self, other, "maximum") { $0 >= $1 ? 1 : 0 }
    }
}
