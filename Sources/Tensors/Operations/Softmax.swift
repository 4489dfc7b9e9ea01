import Foundation

extension Tensor {
    /// softmax along `axis` (default: the last).
    public func softmax(axis: Int = -1) throws -> Tensor {
        let axis = try resolveAxis(axis, "softmax")
        let (outer, length, inner) = reductionLayout(axis)
        let result = Tensor(uninitializedShape: shape)
        for block in 0..<outer {
            for column in 0..<inner {
                let base = block * length * inner + column
                var maximum = -Float.infinity
                for position in 0..<length { maximum = Swift.max(maximum, pointer[base + position * inner]) }
                var total: Float = 0
                for position in 0..<length {
                    let value = Foundation.exp(pointer[base + position * inner] - maximum)
                    result.pointer[base + position * inner] = value
                    total += value
                }
                for position in 0..<length { result.pointer[base + position * inner] /= total }
            }
        }
        record(result, [self]) { g in
            // dx = y (g - sum(g y)).
            let gradient = Tensor(uninitializedShape: result.shape)
            for block in 0..<outer {
                for column in 0..<inner {
                    let base = block * length * inner + column
                    var dot: Float = 0
                    for position in 0..<length { dot += g.pointer[base + position * inner] * result.pointer[base + position * inner] }
                    for position in 0..<length {
                        let index = base + position * inner
                        gradient.pointer[index] = result.pointer[index] * (g.pointer[index] - dot)
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
