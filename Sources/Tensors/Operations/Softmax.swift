import Foundation

extension Tensor {
    /// softmax along `axis` (default: the last).
    public func softmax(axis: Int = -1) throws -> Tensor {
        let axis = try resolveAxis(axis, "softmax")
        let (outer, length, inner) = reductionLayout(axis)
        let result = Tensor(uninitializedShape: shape)
        let source = UnsafePointer(pointer), target = result.pointer
        if inner == 1 {
            for row in 0..<outer { softmaxRow(source + row * length, target + row * length, length) }
        } else {
            for block in 0..<outer {
                for column in 0..<inner {
                    let base = block * length * inner + column
                    var maximum = -Float.infinity
                    for position in 0..<length { maximum = Swift.max(maximum, source[base + position * inner]) }
                    var total: Float = 0
                    for position in 0..<length {
                        let value = Foundation.exp(source[base + position * inner] - maximum)
                        target[base + position * inner] = value
                        total += value
                    }
                    let scale = 1 / total
                    for position in 0..<length { target[base + position * inner] *= scale }
                }
            }
        }
        record(result, [self]) { g in
            // dx = y (g - sum(g y)).
            let gradient = Tensor(uninitializedShape: result.shape)
            let y = UnsafePointer(result.pointer), upstream = UnsafePointer(g.pointer), output = gradient.pointer
            if inner == 1 {
                for row in 0..<outer { softmaxRowGradient(y + row * length, upstream + row * length, output + row * length, length) }
                return [gradient]
            }
            for block in 0..<outer {
                for column in 0..<inner {
                    let base = block * length * inner + column
                    var dot: Float = 0
                    for position in 0..<length { dot += upstream[base + position * inner] * y[base + position * inner] }
                    for position in 0..<length {
                        let index = base + position * inner
                        output[index] = y[index] * (upstream[index] - dot)
                    }
                }
            }
            return [gradient]
        }
        return result
    }

    /// log(softmax(x)) along `axis` (default: the last), computed stably.
    public func logSoftmax(axis: Int = -1) throws -> Tensor {
        let axis = try resolveAxis(axis, "log_softmax")
        let (outer, length, inner) = reductionLayout(axis)
        let result = Tensor(uninitializedShape: shape)
        for block in 0..<outer {
            for column in 0..<inner {
                let base = block * length * inner + column
                var maximum = -Float.infinity
                for position in 0..<length { maximum = Swift.max(maximum, pointer[base + position * inner]) }
                var total: Float = 0
                for position in 0..<length { total += Foundation.exp(pointer[base + position * inner] - maximum) }
                let logTotal = maximum + Foundation.log(total)
                for position in 0..<length { result.pointer[base + position * inner] = pointer[base + position * inner] - logTotal }
            }
        }
        record(result, [self]) { g in
            // dx = g - softmax(x) sum(g).
            let gradient = Tensor(uninitializedShape: result.shape)
            for block in 0..<outer {
                for column in 0..<inner {
                    let base = block * length * inner + column
                    var total: Float = 0
                    for position in 0..<length { total += g.pointer[base + position * inner] }
                    for position in 0..<length {
                        let index = base + position * inner
                        gradient.pointer[index] = g.pointer[index] - Foundation.exp(result.pointer[index]) * total
                    }
                }
            }
            return [gradient]
        }
        return result
    }
}

/// softmax of one contiguous row of `length` values into `target`, eight lanes at a time.
@inline(__always)
func softmaxRow(_ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, _ length: Int) {
    typealias Vector = VectorMath.Vector
    let whole = length & ~7
    let maximum = contiguousMaximum(source, length).maximum
    let shift = Vector(repeating: maximum)
    var totals = Vector(repeating: 0)
    var index = 0
    while index < whole {
        let value = VectorMath.exp(UnsafeRawPointer(source + index).loadUnaligned(as: Vector.self) - shift)
        UnsafeMutableRawPointer(target + index).storeBytes(of: value, as: Vector.self)
        totals += value
        index += 8
    }
    var total = totals.sum()
    for position in whole..<length {
        let value = Foundation.exp(source[position] - maximum)
        target[position] = value
        total += value
    }
    let scale = 1 / total
    for position in 0..<length { target[position] *= scale }
}

/// The gradient of one contiguous softmax row: output = y (upstream - sum(upstream y)).
@inline(__always)
func softmaxRowGradient(_ y: UnsafePointer<Float>, _ upstream: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ length: Int) {
    typealias Vector = VectorMath.Vector
    let whole = length & ~7
    var dots = Vector(repeating: 0)
    var index = 0
    while index < whole {
        dots +=
            UnsafeRawPointer(y + index).loadUnaligned(as: Vector.self) * UnsafeRawPointer(upstream + index).loadUnaligned(as: Vector.self)
        index += 8
    }
    var dot = dots.sum()
    for position in whole..<length { dot += y[position] * upstream[position] }
    for position in 0..<length { output[position] = y[position] * (upstream[position] - dot) }
}
