/// Element-wise functions as types, for the eight-lane loops of `VectorMath.map` and `zip`.
///
/// The loops are generic over these types rather than taking closures: a large tensor's loop is
/// handed to the worker thread as a closure, and inside it a captured closure stays an indirect call
/// per eight elements (ELU forward ran at half speed, cheap ones such as g (1 - y^2) slower still).
/// A type makes each use its own specialised loop with the function inlined.
protocol LaneFunction {
    /// The function of eight lanes.
    func callAsFunction(_ x: VectorMath.Vector) -> VectorMath.Vector
}

/// An element-wise function of two tensors, eight lanes at a time.
protocol LanePairFunction {
    /// The function of eight lane pairs.
    func callAsFunction(_ x: VectorMath.Vector, _ y: VectorMath.Vector) -> VectorMath.Vector
}

/// No vector form: for element-wise functions that only have a scalar one (it has no values, so
/// `NoLanes?` is always nil).
enum NoLanes: LanePairFunction {
    func callAsFunction(_ x: VectorMath.Vector, _ y: VectorMath.Vector) -> VectorMath.Vector { switch self {} }
}

// MARK: Arithmetic

/// x + y.
struct SumLanes: LanePairFunction {
    @inline(__always) func callAsFunction(_ x: VectorMath.Vector, _ y: VectorMath.Vector) -> VectorMath.Vector { x + y }
}

/// x - y.
struct DifferenceLanes: LanePairFunction {
    @inline(__always) func callAsFunction(_ x: VectorMath.Vector, _ y: VectorMath.Vector) -> VectorMath.Vector { x - y }
}

/// x y.
struct ProductLanes: LanePairFunction {
    @inline(__always) func callAsFunction(_ x: VectorMath.Vector, _ y: VectorMath.Vector) -> VectorMath.Vector { x * y }
}

/// x / y.
struct QuotientLanes: LanePairFunction {
    @inline(__always) func callAsFunction(_ x: VectorMath.Vector, _ y: VectorMath.Vector) -> VectorMath.Vector { x / y }
}

/// x + a constant.
struct AddScalarLanes: LaneFunction {
    let scalar: Float
    @inline(__always) func callAsFunction(_ x: VectorMath.Vector) -> VectorMath.Vector { x + scalar }
}

/// x times a constant.
struct ScaleLanes: LaneFunction {
    let scalar: Float
    @inline(__always) func callAsFunction(_ x: VectorMath.Vector) -> VectorMath.Vector { x * scalar }
}

/// -x.
struct NegationLanes: LaneFunction {
    @inline(__always) func callAsFunction(_ x: VectorMath.Vector) -> VectorMath.Vector { -x }
}

/// x^2.
struct SquareLanes: LaneFunction {
    @inline(__always) func callAsFunction(_ x: VectorMath.Vector) -> VectorMath.Vector { x * x }
}

/// The gradient of x^2: 2 g x for upstream g.
struct SquareGradientLanes: LanePairFunction {
    @inline(__always) func callAsFunction(_ g: VectorMath.Vector, _ x: VectorMath.Vector) -> VectorMath.Vector { 2 * g * x }
}

// MARK: Activations

/// e^x.
struct ExpLanes: LaneFunction {
    @inline(__always) func callAsFunction(_ x: VectorMath.Vector) -> VectorMath.Vector { VectorMath.exp(x) }
}

/// tanh x.
struct TanhLanes: LaneFunction {
    @inline(__always) func callAsFunction(_ x: VectorMath.Vector) -> VectorMath.Vector { VectorMath.tanh(x) }
}

/// The gradient of tanh from its output y: g (1 - y^2).
struct TanhGradientLanes: LanePairFunction {
    @inline(__always) func callAsFunction(_ g: VectorMath.Vector, _ y: VectorMath.Vector) -> VectorMath.Vector { g * (1 - y * y) }
}

/// The logistic sigmoid.
struct SigmoidLanes: LaneFunction {
    @inline(__always) func callAsFunction(_ x: VectorMath.Vector) -> VectorMath.Vector { VectorMath.sigmoid(x) }
}

/// The gradient of the sigmoid from its output y: g y (1 - y).
struct SigmoidGradientLanes: LanePairFunction {
    @inline(__always) func callAsFunction(_ g: VectorMath.Vector, _ y: VectorMath.Vector) -> VectorMath.Vector { g * y * (1 - y) }
}

/// max(x, 0).
struct ReLULanes: LaneFunction {
    @inline(__always) func callAsFunction(_ x: VectorMath.Vector) -> VectorMath.Vector { x.replacing(with: 0, where: x .< 0) }
}

/// The gradient of ReLU from its output y: g where y > 0, else 0.
struct ReLUGradientLanes: LanePairFunction {
    @inline(__always) func callAsFunction(_ g: VectorMath.Vector, _ y: VectorMath.Vector) -> VectorMath.Vector {
        g.replacing(with: 0, where: y .<= 0)
    }
}

/// ELU: x for x > 0, alpha (e^x - 1) otherwise.
struct ELULanes: LaneFunction {
    let alpha: Float
    @inline(__always) func callAsFunction(_ x: VectorMath.Vector) -> VectorMath.Vector { VectorMath.elu(x, alpha: alpha) }
}

/// The gradient of ELU from its output y: g for y > 0, else g alpha e^x = g (y + alpha).
struct ELUGradientLanes: LanePairFunction {
    let alpha: Float
    @inline(__always) func callAsFunction(_ g: VectorMath.Vector, _ y: VectorMath.Vector) -> VectorMath.Vector {
        (g * (y + alpha)).replacing(with: g, where: y .> 0)
    }
}
