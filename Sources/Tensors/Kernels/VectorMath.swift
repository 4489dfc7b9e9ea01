/// Fast Float32 transcendental functions over buffers, accurate to a few ulps (Cephes'
/// single-precision polynomials), eight lanes at a time, and the loops that apply element-wise
/// functions (`LaneFunction`s) to buffers. Only lane-wise arithmetic, fused multiply-adds,
/// comparisons, selects and bit casts are used (the generic SIMD conversions and rounding are slow).
enum VectorMath {
    typealias Vector = SIMD8<Float>

    /// e^x (Cephes expf: reduction by ln 2, degree-6 polynomial, scaling by 2^n through the
    /// exponent bits; round-to-nearest by adding and subtracting 1.5 * 2^23). 2^n is applied as two
    /// factors, 2^(n/2) and 2^(n - n/2), so that results up to Float's largest (x up to 88.72) stay
    /// finite; below -87.34 (near the smallest normal Float) it gives 0.
    @inline(__always)
    static func exp(_ input: Vector) -> Vector {
        let low = Vector(repeating: -87.33654), high = Vector(repeating: 88.72283)
        var x0 = input.replacing(with: low, where: input .< low)
        x0.replace(with: high, where: x0 .> high)
        let (polynomial, n) = reducedExp(x0)
        let half = n &>> 1
        var result = polynomial * powerOfTwo(half) * powerOfTwo(n &- half)
        result.replace(with: 0, where: input .< low)
        result.replace(with: .infinity, where: input .> high)
        result.replace(with: input, where: input .!= input)
        return result
    }

    /// e^x for x <= 0 (and NaN), as `exp` without its overflow handling and special-value selects:
    /// below -87.3 it gives about 1e-38 instead of 0, and NaN propagates through the arithmetic.
    @inline(__always)
    static func negativeExp(_ input: Vector) -> Vector {
        let (polynomial, n) = reducedExp(input.replacing(with: -87.33654, where: input .< -87.33654))
        return polynomial * powerOfTwo(n)
    }

    /// For x in [-87.34, 88.73]: e^x = polynomial 2^n with n = round(x / ln 2) (fused multiply-adds).
    @inline(__always)
    static func reducedExp(_ x0: Vector) -> (polynomial: Vector, n: SIMD8<Int32>) {
        let magic = Vector(repeating: 12582912.0)
        let shifted = magic.addingProduct(x0, 1.44269504088896341)
        let n = shifted - magic
        var x = x0.addingProduct(n, -0.693359375)
        x = x.addingProduct(n, 2.12194440e-4)
        let z = x * x
        var p = Vector(repeating: 1.9875691500e-4)
        p = Vector(repeating: 1.3981999507e-3).addingProduct(p, x)
        p = Vector(repeating: 8.3334519073e-3).addingProduct(p, x)
        p = Vector(repeating: 4.1665795894e-2).addingProduct(p, x)
        p = Vector(repeating: 1.6666665459e-1).addingProduct(p, x)
        p = Vector(repeating: 5.0000001201e-1).addingProduct(p, x)
        p = (x + 1).addingProduct(p, z)
        // The rounded value sits in the low mantissa bits of 1.5 * 2^23.
        return (p, unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000)
    }

    /// 2^n for integer n in [-126, 127], through the exponent bits.
    @inline(__always)
    static func powerOfTwo(_ n: SIMD8<Int32>) -> Vector {
        unsafeBitCast((n &+ 127) &<< 23, to: Vector.self)
    }

    /// tanh: an odd polynomial for |x| < 0.625 (Cephes tanhf), else (1 - e^{-2|x|}) / (1 + e^{-2|x|})
    /// with the sign of x.
    @inline(__always)
    static func tanh(_ x: Vector) -> Vector {
        let negative = x .< 0
        let magnitude = x.replacing(with: -x, where: negative)
        let e = negativeExp(magnitude * -2)
        var large = (1 - e) / (1 + e)
        large.replace(with: -large, where: negative)
        let z = x * x
        var p = Vector(repeating: -5.70498872745e-3)
        p = p * z + 2.06390887954e-2
        p = p * z - 5.37397155531e-2
        p = p * z + 1.33314422036e-1
        p = p * z - 3.33332819422e-1
        var result = large
        result.replace(with: p * z * x + x, where: magnitude .< 0.625)
        result.replace(with: x, where: x .!= x)
        return result
    }

    /// The logistic sigmoid 1 / (1 + e^-x).
    @inline(__always)
    static func sigmoid(_ x: Vector) -> Vector { 1 / (1 + exp(-x)) }

    /// ELU: x for x > 0, alpha (e^x - 1) otherwise.
    @inline(__always)
    static func elu(_ x: Vector, alpha: Float) -> Vector {
        let positive = x .> 0
        var result = (negativeExp(x.replacing(with: 0, where: positive)) - 1) * alpha
        result.replace(with: x, where: positive)
        return result
    }

    /// Applies `function` to `count` values eight lanes at a time (split across threads when large).
    @inline(__always)
    static func map<Function: LaneFunction>(
        _ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, _ count: Int,
        _ function: Function
    ) {
        parallelElements(count) { range in
            var index = range.lowerBound
            while index + 8 <= range.upperBound {
                let value = UnsafeRawPointer(source + index).loadUnaligned(as: Vector.self)
                UnsafeMutableRawPointer(target + index).storeBytes(of: function(value), as: Vector.self)
                index += 8
            }
            if index < range.upperBound {
                var tail = Vector(repeating: 0)
                for lane in 0..<(range.upperBound - index) { tail[lane] = source[index + lane] }
                let result = function(tail)
                for lane in 0..<(range.upperBound - index) { target[index + lane] = result[lane] }
            }
        }
    }

    /// target[i] = function(a[i], b[i]) eight lanes at a time, split across the kernel threads when large.
    @inline(__always)
    static func zip<Function: LanePairFunction>(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>,
        _ count: Int, _ function: Function
    ) {
        parallelElements(count) { range in
            var index = range.lowerBound
            while index + 8 <= range.upperBound {
                let x = UnsafeRawPointer(a + index).loadUnaligned(as: Vector.self),
                    y = UnsafeRawPointer(b + index).loadUnaligned(as: Vector.self)
                UnsafeMutableRawPointer(target + index).storeBytes(of: function(x, y), as: Vector.self)
                index += 8
            }
            if index < range.upperBound {
                var x = Vector(repeating: 0), y = Vector(repeating: 0)
                for lane in 0..<(range.upperBound - index) { x[lane] = a[index + lane]; y[lane] = b[index + lane] }
                let result = function(x, y)
                for lane in 0..<(range.upperBound - index) { target[index + lane] = result[lane] }
            }
        }
    }
}
