import CKernels
import Foundation

extension Tensor {
    /// Applies `forward` to every element pair with NumPy broadcasting; throws naming `name` and
    /// both shapes when they do not broadcast. `vector`, the same function on eight lanes, runs the
    /// equal-shape and per-channel cases in vector instructions (a closure called per element is
    /// not always inlined).
    @inline(__always)
    static func broadcastBinary<Vector: LanePairFunction>(
        _ a: Tensor, _ b: Tensor, _ name: String, vector: Vector?,
        _ forward: (Float, Float) -> Float
    ) throws -> Tensor {
        let ap = a.pointer, bp = b.pointer
        if a.shape == b.shape {
            if let vector { return a.zipVectors(b, vector) }
            let result = Tensor(uninitializedShape: a.shape)
            let rp = result.pointer
            parallelElements(a.count) { range in
                for index in range { rp[index] = forward(ap[index], bp[index]) }
            }
            return result
        }
        guard let shape = broadcastShape(a.shape, b.shape) else {
            throw TensorError.shapeMismatch("\(name): shapes \(describe(a.shape)) and \(describe(b.shape)) do not broadcast")
        }
        let result = Tensor(uninitializedShape: shape)
        let rp = result.pointer
        if b.count == 1 && a.count == result.count {
            let y = bp[0]
            parallelElements(result.count) { range in
                for index in range { rp[index] = forward(ap[index], y) }
            }
        } else if b.count == 1 {
            let y = bp[0]
            for index in 0..<result.count { rp[index] = forward(ap[index % a.count], y) }
        } else if a.count == 1 {
            let x = ap[0]
            for index in 0..<result.count { rp[index] = forward(x, bp[index % b.count]) }
        } else if a.shape == shape && isSuffix(b.shape, of: shape) {
            let rows = result.count / b.count, width = b.count
            for row in 0..<rows {
                let base = row * width
                for column in 0..<width { rp[base + column] = forward(ap[base + column], bp[column]) }
            }
        } else if b.shape == shape && isSuffix(a.shape, of: shape) {
            let rows = result.count / a.count, width = a.count
            for row in 0..<rows {
                let base = row * width
                for column in 0..<width { rp[base + column] = forward(ap[column], bp[base + column]) }
            }
        } else if a.shape == shape, let layout = middleBroadcastLayout(b.shape, in: shape) {
            // b is a per-channel value: one scalar for each run of `inner` elements.
            applyPerChannel(full: ap, channels: bp, result: rp, layout: layout, channelFirst: false, vector: vector, forward)
        } else if b.shape == shape, let layout = middleBroadcastLayout(a.shape, in: shape) {
            applyPerChannel(full: bp, channels: ap, result: rp, layout: layout, channelFirst: true, vector: vector, forward)
        } else {
            let aStrides = broadcastStrides(a.shape, to: shape), bStrides = broadcastStrides(b.shape, to: shape)
            forEachBroadcastIndex(shape, aStrides, bStrides) { index, aIndex, bIndex in
                rp[index] = forward(ap[aIndex], bp[bIndex])
            }
        }
        return result
    }

    /// `broadcastBinary` for a function with a scalar form only.
    @inline(__always)
    static func broadcastBinary(_ a: Tensor, _ b: Tensor, _ name: String, _ forward: (Float, Float) -> Float) throws -> Tensor {
        try broadcastBinary(a, b, name, vector: NoLanes?.none, forward)
    }

    /// result = forward(full, channel value) (or forward(channel value, full) when `channelFirst`) for a
    /// full tensor laid out [outer, middle, inner] and one value per middle index, in vector
    /// instructions when `vector` is given.
    @inline(__always)
    static func applyPerChannel<Vector: LanePairFunction>(
        full: UnsafeMutablePointer<Float>, channels: UnsafeMutablePointer<Float>,
        result: UnsafeMutablePointer<Float>, layout: (outer: Int, middle: Int, inner: Int),
        channelFirst: Bool, vector: Vector?,
        _ forward: (Float, Float) -> Float
    ) {
        let (outer, middle, inner) = layout
        parallelElements(outer * middle * inner) { range in
            let firstRun = range.lowerBound / inner, lastRun = (range.upperBound + inner - 1) / inner
            for run in firstRun..<lastRun {
                let value = channels[run % middle]
                var index = Swift.max(run * inner, range.lowerBound)
                let end = Swift.min((run + 1) * inner, range.upperBound)
                if let vector {
                    let lanes = SIMD8<Float>(repeating: value)
                    while index + 8 <= end {
                        let x = UnsafeRawPointer(full + index).loadUnaligned(as: SIMD8<Float>.self)
                        let y = channelFirst ? vector(lanes, x) : vector(x, lanes)
                        UnsafeMutableRawPointer(result + index).storeBytes(of: y, as: SIMD8<Float>.self)
                        index += 8
                    }
                }
                while index < end {
                    result[index] = channelFirst ? forward(value, full[index]) : forward(full[index], value)
                    index += 1
                }
            }
        }
    }

    /// Applies `forward` to every element.
    @inline(__always)
    func mapElements(_ forward: (Float) -> Float) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        let source = pointer, target = result.pointer
        parallelElements(count) { range in
            for index in range { target[index] = forward(source[index]) }
        }
        return result
    }

    /// Element-wise `forward(self, other)` for tensors of the same count (no broadcasting).
    @inline(__always)
    func zipElements(_ other: Tensor, _ forward: (Float, Float) -> Float) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        let a = pointer, b = other.pointer, target = result.pointer
        parallelElements(count) { range in
            for index in range { target[index] = forward(a[index], b[index]) }
        }
        return result
    }

    /// When the AVX-512 family is selected, runs `kernel(offset, count)` (a CKernels function at level
    /// 2) over the elements, split across the kernel threads, and returns true; otherwise returns
    /// false, and the caller runs its Swift lanes.
    @inline(__always)
    static func runAVX512Kernel(count: Int, _ kernel: (_ offset: Int, _ count: Int) -> Void) -> Bool {
        guard VectorKernels.selected == .avx512 else { return false }
        parallelElements(count) { range in kernel(range.lowerBound, range.count) }
        return true
    }

    /// Applies `function` to eight elements at a time.
    @inline(__always)
    func mapVectors<Function: LaneFunction>(_ function: Function) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        VectorMath.map(pointer, result.pointer, count, function)
        return result
    }

    /// Element-wise `function(self, other)` eight elements at a time (same counts, no broadcasting).
    @inline(__always)
    func zipVectors<Function: LanePairFunction>(_ other: Tensor, _ function: Function) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        VectorMath.zip(pointer, other.pointer, result.pointer, count, function)
        return result
    }

    /// Sums this (broadcast) gradient down to `target` shape, undoing broadcasting.
    func sumToShape(_ target: [Int]) throws -> Tensor {
        if shape == target { return self }
        if target.reduce(1, *) == count { return try reshaped(target) }
        let trailing = isSuffix(target, of: shape)
        if !trailing, let (outer, middle, inner) = middleBroadcastLayout(target, in: shape) {
            // One total per channel, as a convolution's bias gradient.
            return try channelSums(self, outer: outer, middle: middle, inner: inner).reshaped(target)
        }
        let result = Tensor.zeros(target)
        let rp = result.pointer, source = pointer
        if trailing {
            let width = result.count
            for row in 0..<(count / width) {
                let base = row * width
                for column in 0..<width { rp[column] += source[base + column] }
            }
            return result
        }
        let strides = broadcastStrides(target, to: shape)
        forEachBroadcastIndex(shape, strides, strides) { index, targetIndex, _ in
            rp[targetIndex] += source[index]
        }
        return result
    }

    // MARK: Arithmetic with broadcasting

    /// Element-wise sum with broadcasting.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        let result = try broadcastBinary(a, b, "add", vector: SumLanes()) { $0 + $1 }
        record(result, [a, b]) { g in [try g.sumToShape(a.shape), try g.sumToShape(b.shape)] }
        return result
    }

    /// Element-wise difference with broadcasting.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        let result = try broadcastBinary(a, b, "subtract", vector: DifferenceLanes()) { $0 - $1 }
        record(result, [a, b]) { g in [try g.sumToShape(a.shape), try g.negated().sumToShape(b.shape)] }
        return result
    }

    /// Element-wise product with broadcasting.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        let result = try broadcastBinary(a, b, "multiply", vector: ProductLanes()) { $0 * $1 }
        record(result, [a, b]) { g in [try (g * b).sumToShape(a.shape), try (g * a).sumToShape(b.shape)] }
        return result
    }

    /// Element-wise quotient with broadcasting.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        let result = try broadcastBinary(a, b, "divide", vector: QuotientLanes()) { $0 / $1 }
        record(result, [a, b]) { g in
            [try (g / b).sumToShape(a.shape), try (g * a / (b * b)).negated().sumToShape(b.shape)]
        }
        return result
    }

    /// Adds a scalar.
    public static func + (a: Tensor, scalar: Float) -> Tensor {
        let result = a.mapVectors(AddScalarLanes(scalar: scalar))
        record(result, [a]) { g in [g] }
        return result
    }

    /// Subtracts a scalar.
    public static func - (a: Tensor, scalar: Float) -> Tensor { a + (-scalar) }

    /// Subtracts from a scalar.
    public static func - (scalar: Float, a: Tensor) -> Tensor { a.negated() + scalar }

    /// Multiplies by a scalar.
    public static func * (a: Tensor, scalar: Float) -> Tensor {
        let result = a.mapVectors(ScaleLanes(scalar: scalar))
        record(result, [a]) { g in [g * scalar] }
        return result
    }

    /// Multiplies by a scalar.
    public static func * (scalar: Float, a: Tensor) -> Tensor { a * scalar }

    /// Divides by a scalar.
    public static func / (a: Tensor, scalar: Float) -> Tensor { a * (1 / scalar) }

    /// The negation.
    public static prefix func - (a: Tensor) -> Tensor { a.negated() }

    /// The negation.
    public func negated() -> Tensor {
        let result = mapVectors(NegationLanes())
        record(result, [self]) { g in [g.negated()] }
        return result
    }

    // MARK: Unary functions

    /// e^x.
    public func exp() -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        VectorMath.map(pointer, result.pointer, count, ExpLanes())
        record(result, [self]) { g in [g.zipVectors(result, ProductLanes())] }
        return result
    }

    /// The natural logarithm.
    public func log() -> Tensor {
        let result = mapElements { Foundation.log($0) }
        record(result, [self]) { g in [g.zipElements(self) { $0 / $1 }] }
        return result
    }

    /// The square root.
    public func squareRoot() -> Tensor {
        let result = mapElements { $0.squareRoot() }
        record(result, [self]) { g in [g.zipElements(result) { $0 * 0.5 / $1 }] }
        return result
    }

    /// x^2.
    public func square() -> Tensor {
        let result = mapVectors(SquareLanes())
        record(result, [self]) { g in [g.zipVectors(self, SquareGradientLanes())] }
        return result
    }

    /// x^p for a constant exponent.
    public func power(_ exponent: Float) -> Tensor {
        let result = mapElements { Foundation.pow($0, exponent) }
        record(result, [self]) { g in [g.zipElements(self) { $0 * exponent * Foundation.pow($1, exponent - 1) }] }
        return result
    }

    /// |x| (gradient sign(x), 0 at 0).
    public func abs() -> Tensor {
        let result = mapElements { Swift.abs($0) }
        record(result, [self]) { g in [g.zipElements(self) { $1 > 0 ? $0 : ($1 < 0 ? -$0 : 0) }] }
        return result
    }

    /// The hyperbolic tangent.
    public func tanh() -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        let source = pointer, target = result.pointer
        if !Tensor.runAVX512Kernel(count: count, { _ = swiftrl_tanh(2, source + $0, target + $0, $1) }) {
            VectorMath.map(source, target, count, TanhLanes())
        }
        record(result, [self]) { g in [g.zipVectors(result, TanhGradientLanes())] }
        return result
    }

    /// The logistic sigmoid 1 / (1 + e^-x).
    public func sigmoid() -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        VectorMath.map(pointer, result.pointer, count, SigmoidLanes())
        record(result, [self]) { g in [g.zipVectors(result, SigmoidGradientLanes())] }
        return result
    }

    /// max(x, 0).
    public func relu() -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        VectorMath.map(pointer, result.pointer, count, ReLULanes())
        record(result, [self]) { g in [g.zipVectors(result, ReLUGradientLanes())] }
        return result
    }

    /// x for x > 0, alpha (e^x - 1) otherwise (PyTorch's ELU, alpha 1 by default).
    public func elu(alpha: Float = 1) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        let source = pointer, target = result.pointer
        if !Tensor.runAVX512Kernel(count: count, { _ = swiftrl_elu(2, source + $0, target + $0, $1, alpha) }) {
            VectorMath.map(source, target, count, ELULanes(alpha: alpha))
        }
        record(result, [self]) { g in
            // For x <= 0 the derivative is alpha e^x = y + alpha.
            let gradient = Tensor(uninitializedShape: g.shape)
            let upstream = g.pointer, output = result.pointer, target = gradient.pointer
            if !Tensor.runAVX512Kernel(count: g.count, { _ = swiftrl_elu_gradient(2, upstream + $0, output + $0, target + $0, $1, alpha) })
            {
                VectorMath.zip(upstream, output, target, g.count, ELUGradientLanes(alpha: alpha))
            }
            return [gradient]
        }
        return result
    }

    /// x for x > 0, slope x otherwise.
    public func leakyRelu(negativeSlope: Float = 0.01) -> Tensor {
        let result = mapElements { $0 > 0 ? $0 : negativeSlope * $0 }
        record(result, [self]) { g in [g.zipElements(self) { $1 > 0 ? $0 : negativeSlope * $0 }] }
        return result
    }

    /// log(1 + e^(beta x)) / beta, linear above `threshold` (PyTorch's softplus).
    public func softplus(beta: Float = 1, threshold: Float = 20) -> Tensor {
        let result = mapElements { x in
            beta * x > threshold ? x : Foundation.log1p(Foundation.exp(beta * x)) / beta
        }
        record(result, [self]) { g in
            [
                g.zipElements(self) { gradient, x in
                    beta * x > threshold ? gradient : gradient / (1 + Foundation.exp(-beta * x))
                }
            ]
        }
        return result
    }
}
