import Foundation

extension Tensor {
    /// Views the shape as [outer, axis, inner] around `axis`.
    func reductionLayout(_ axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// The shape after reducing `axis`.
    func reducedShape(_ axis: Int, keepingDimension: Bool) -> [Int] {
        var result = shape
        if keepingDimension { result[axis] = 1 } else { result.remove(at: axis) }
        return result
    }

    /// The sum of all elements (a scalar).
    public func sum() -> Tensor {
        let result = Tensor(uninitializedShape: [])
        var total: Double = 0
        for index in 0..<count { total += Double(pointer[index]) }
        result.pointer[0] = Float(total)
        let inputShape = shape
        record(result, [self]) { g in [Tensor.full(inputShape, value: g.pointer[0])] }
        return result
    }

    /// The mean of all elements (a scalar).
    public func mean() -> Tensor { sum() * (1 / Float(Swift.max(count, 1))) }

    /// The sum along `axis`.
    public func sum(axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        let axis = try resolveAxis(axis, "sum")
        let (outer, length, inner) = reductionLayout(axis)
        let result = Tensor.zeros(reducedShape(axis, keepingDimension: keepingDimension))
        let source = pointer, target = result.pointer
        for block in 0..<outer {
            for position in 0..<length {
                let row = source + (block * length + position) * inner
                let out = target + block * inner
                for column in 0..<inner { out[column] += row[column] }
            }
        }
        let inputShape = shape
        record(result, [self]) { g in
            let gradient = Tensor(uninitializedShape: inputShape)
            for block in 0..<outer {
                for position in 0..<length {
                    (gradient.pointer + (block * length + position) * inner).update(from: g.pointer + block * inner, count: inner)
                }
            }
            return [gradient]
        }
        return result
    }

    /// The mean along `axis`.
    public func mean(axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        let resolved = try resolveAxis(axis, "mean")
        return try sum(axis: resolved, keepingDimension: keepingDimension) * (1 / Float(Swift.max(shape[resolved], 1)))
    }

    /// The maximum along `axis`; the gradient flows to the first maximal element (PyTorch's max(dim)).
    public func max(axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        let axis = try resolveAxis(axis, "max")
        let indices = try argmax(axis: axis)
        let (outer, length, inner) = reductionLayout(axis)
        let result = Tensor(uninitializedShape: reducedShape(axis, keepingDimension: keepingDimension))
        for block in 0..<outer {
            for column in 0..<inner {
                let position = indices[block * inner + column]
                result.pointer[block * inner + column] = pointer[(block * length + position) * inner + column]
            }
        }
        let inputShape = shape
        record(result, [self]) { g in
            let gradient = Tensor.zeros(inputShape)
            for block in 0..<outer {
                for column in 0..<inner {
                    let position = indices[block * inner + column]
                    gradient.pointer[(block * length + position) * inner + column] = g.pointer[block * inner + column]
                }
            }
            return [gradient]
        }
        return result
    }

    /// The index of the first maximum along `axis`, for every other position (no gradient).
    public func argmax(axis: Int) throws -> [Int] {
        let axis = try resolveAxis(axis, "argmax")
        let (outer, length, inner) = reductionLayout(axis)
        guard length > 0 else { throw TensorError.invalidArgument("argmax: axis \(axis) of \(describe(shape)) is empty") }
        var result = [Int](repeating: 0, count: outer * inner)
        let source = UnsafePointer(pointer)
        result.withUnsafeMutableBufferPointer { indices in
            if inner == 1 {
                for row in 0..<outer { indices[row] = firstMaximumIndex(source + row * length, length) }
                return
            }
            for block in 0..<outer {
                for column in 0..<inner {
                    let base = block * length * inner + column
                    var best = source[base], bestIndex = 0
                    for position in 1..<Swift.max(length, 1) {
                        let value = source[base + position * inner]
                        if value > best || (best.isNaN == false && value.isNaN) { best = value; bestIndex = position }
                    }
                    indices[block * inner + column] = bestIndex
                }
            }
        }
        return result
    }

    /// log(sum(exp(x))) along `axis`, computed stably.
    public func logSumExp(axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        let axis = try resolveAxis(axis, "logsumexp")
        let (outer, length, inner) = reductionLayout(axis)
        let result = Tensor(uninitializedShape: reducedShape(axis, keepingDimension: keepingDimension))
        for block in 0..<outer {
            for column in 0..<inner {
                var maximum = -Float.infinity
                for position in 0..<length { maximum = Swift.max(maximum, pointer[(block * length + position) * inner + column]) }
                var total: Float = 0
                for position in 0..<length { total += Foundation.exp(pointer[(block * length + position) * inner + column] - maximum) }
                result.pointer[block * inner + column] = maximum.isFinite ? maximum + Foundation.log(total) : maximum
            }
        }
        let inputShape = shape
        record(result, [self]) { g in
            // d/dx logsumexp = softmax(x).
            let gradient = Tensor(uninitializedShape: inputShape)
            for block in 0..<outer {
                for column in 0..<inner {
                    let lse = result.pointer[block * inner + column], upstream = g.pointer[block * inner + column]
                    for position in 0..<length {
                        let index = (block * length + position) * inner + column
                        gradient.pointer[index] = upstream * Foundation.exp(self.pointer[index] - lse)
                    }
                }
            }
            return [gradient]
        }
        return result
    }
}

/// The largest of `length` contiguous values ignoring NaNs (-infinity when all are NaN), eight lanes
/// at a time, and whether any value is NaN.
@inline(__always)
func contiguousMaximum(_ source: UnsafePointer<Float>, _ length: Int) -> (maximum: Float, containsNaN: Bool) {
    typealias Vector = SIMD8<Float>
    let whole = length & ~7
    var maxima = Vector(repeating: -Float.infinity)
    var containsNaN = false
    var index = 0
    while index < whole {
        let value = UnsafeRawPointer(source + index).loadUnaligned(as: Vector.self)
        maxima = maxima.replacing(with: value, where: value .> maxima)
        containsNaN = containsNaN || any(value .!= value)
        index += 8
    }
    var maximum = maxima.max()
    for position in whole..<length {
        if source[position].isNaN { containsNaN = true }
        maximum = Swift.max(maximum, source[position])
    }
    return (maximum, containsNaN)
}

/// The index of the first maximum of `length` contiguous values (the first NaN when there is one, as
/// `argmax`'s scalar loop).
@inline(__always)
func firstMaximumIndex(_ source: UnsafePointer<Float>, _ length: Int) -> Int {
    let (maximum, containsNaN) = contiguousMaximum(source, length)
    if containsNaN {
        for position in 0..<length where source[position].isNaN { return position }
    }
    for position in 0..<length where source[position] == maximum { return position }
    return 0
}
