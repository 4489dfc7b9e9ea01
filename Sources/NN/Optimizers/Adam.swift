import CKernels
import Foundation
import Tensors

/// Adam (Kingma and Ba) with bias correction and L2 weight decay, exactly as PyTorch's torch.optim.Adam.
public final class Adam: Optimizer {
    public let parameters: [(name: String, tensor: Tensor)]
    public var learningRate: Float
    /// Decay of the first moment (PyTorch: 0.9).
    public let beta1: Float
    /// Decay of the second moment (PyTorch: 0.999).
    public let beta2: Float
    /// Added to the denominator (PyTorch: 1e-8).
    public let epsilon: Float
    /// L2 penalty added to the gradient (PyTorch: 0).
    public let weightDecay: Float
    public private(set) var stepCount = 0
    private let slots: OptimizerSlots

    /// Adam over named parameters with PyTorch's defaults.
    public init(
        parameters: [(name: String, tensor: Tensor)], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0
    ) {
        requireUniqueNames(parameters)
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        slots = OptimizerSlots(parameters: parameters, slotNames: ["exp_avg", "exp_avg_sq"])
    }

    public func step(_ gradients: Gradients) throws {
        stepCount += 1
        let biasCorrection1 = 1 - Foundation.pow(beta1, Float(stepCount))
        let biasCorrection2 = 1 - Foundation.pow(beta2, Float(stepCount))
        let stepSize = learningRate / biasCorrection1
        let biasCorrection2Root = biasCorrection2.squareRoot()
        let detectsAnomalies = AnomalyDetection.isEnabled
        // Read on this thread: the family is task-local, and the update runs partly on the worker.
        let vectorLevel: Int32 = VectorKernels.selected == .avx512 ? 2 : 0
        var rules: [AdamRule] = []
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = gradients[parameter.tensor] else { continue }
            rules.append(
                AdamRule(
                    p: parameter.tensor.pointer, g: gradient.pointer, m: slots.slots[0][index].pointer,
                    v: slots.slots[1][index].pointer, count: parameter.tensor.count, beta1: beta1, beta2: beta2,
                    epsilon: epsilon, weightDecay: weightDecay, stepSize: stepSize,
                    biasCorrection2Root: biasCorrection2Root, vectorLevel: vectorLevel))
        }
        // All parameters in one parallel region, split by element counts (a hand-off per tensor cost
        // more than updating the small ones).
        let total = rules.reduce(0) { $0 + $1.count }
        ParallelWork.forRanges(count: total, minimum: 16_384) { range in
            var offset = 0
            for rule in rules {
                let lower = Swift.max(range.lowerBound - offset, 0), upper = Swift.min(range.upperBound - offset, rule.count)
                if lower < upper { rule.apply(lower..<upper) }
                offset += rule.count
            }
        }
        if detectsAnomalies {
            for parameter in parameters {
                guard let gradient = gradients[parameter.tensor] else { continue }
                try AnomalyDetection.checkStep(of: parameter.name, parameter: parameter.tensor, gradient: gradient)
            }
        }
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] { slots.named(parameters, stepCount: stepCount) }
    public func loadState(_ tensors: [String: Tensor]) throws { stepCount = try slots.load(tensors, parameters: parameters) }
}

/// The square root of each non-negative lane to within about an ulp, in vector instructions only:
/// Swift's `squareRoot()` on SIMD8 (and on Float in a loop over possibly aliased buffers) runs one
/// scalar square root per lane. A reciprocal square root from the exponent bits, refined by three
/// Newton steps (relative error below 1e-7), times x; zero lanes give zero.
@inline(__always)
func laneSquareRoots(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
    var y = unsafeBitCast(SIMD8<UInt32>(repeating: 0x5f37_5a86) &- (bits &>> 1), to: SIMD8<Float>.self)
    let half = 0.5 * x
    y = y * (1.5 - half * y * y)
    y = y * (1.5 - half * y * y)
    y = y * (1.5 - half * y * y)
    return x * y
}

/// Loads eight Floats (unaligned).
@inline(__always)
func load(_ pointer: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
}

/// Stores eight Floats (unaligned).
@inline(__always)
func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
}

/// One Adam update over a range of elements: sixteen lanes in C with AVX-512, else eight lanes at a
/// time here (the buffers may not be assumed free of aliasing, so the compiler would not vectorise
/// a scalar loop), then the tail. Holds the buffers of one parameter and the constants of this step.
struct AdamRule {
    let p: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>
    /// The parameter's element count.
    let count: Int
    let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float, stepSize: Float, biasCorrection2Root: Float
    /// 2: the AVX-512 kernel in CKernels; else the eight-lane Swift loop below.
    let vectorLevel: Int32

    @inline(__always)
    func apply(_ range: Range<Int>) {
        if swiftrl_adam(
            vectorLevel, p + range.lowerBound, g + range.lowerBound, m + range.lowerBound, v + range.lowerBound, range.count,
            beta1, beta2, epsilon, weightDecay, stepSize, biasCorrection2Root) != 0
        {
            return
        }
        var element = range.lowerBound
        while element + 8 <= range.upperBound {
            let pv = load(p + element), mv0 = load(m + element), vv0 = load(v + element)
            let grad = load(g + element) + weightDecay * pv
            let mv = beta1 * mv0 + (1 - beta1) * grad
            let vv = beta2 * vv0 + (1 - beta2) * grad * grad
            let denominator = laneSquareRoots(vv) / biasCorrection2Root + epsilon
            store(mv, m + element)
            store(vv, v + element)
            store(pv - stepSize * mv / denominator, p + element)
            element += 8
        }
        while element < range.upperBound {
            let grad = g[element] + weightDecay * p[element]
            m[element] = beta1 * m[element] + (1 - beta1) * grad
            v[element] = beta2 * v[element] + (1 - beta2) * grad * grad
            let denominator = v[element].squareRoot() / biasCorrection2Root + epsilon
            p[element] -= stepSize * m[element] / denominator
            element += 1
        }
    }
}
