/// Fast Float32 transcendental functions over buffers, accurate to a few ulps (Cephes'
/// single-precision polynomials). The loops use only arithmetic, selects and bit casts so that the
/// compiler vectorises them; scalar Foundation calls (~20 ns each) made activations, not GEMMs,
/// the bottleneck of small networks.
enum VectorMath {
    /// e^x for one value (Cephes expf: reduction by ln 2, degree-6 polynomial, scaling by 2^n
    /// through the exponent bits; round-to-nearest by the 1.5 * 2^23 trick).
    @inline(__always)
    static func exp(_ input: Float) -> Float {
        let x0 = input < -87.33654 ? -87.33654 : (input > 88.72283 ? 88.72283 : input)
        let shifted = x0 * 1.44269504088896341 + 12582912.0
        let n = shifted - 12582912.0
        var x = x0 - n * 0.693359375
        x = x - n * -2.12194440e-4
        let z = x * x
        var p: Float = 1.9875691500e-4
        p = p * x + 1.3981999507e-3
        p = p * x + 8.3334519073e-3
        p = p * x + 4.1665795894e-2
        p = p * x + 1.6666665459e-1
        p = p * x + 5.0000001201e-1
        p = p * z + x + 1
        // The low bits of `shifted` hold n (two's complement, offset 0x4B400000).
        let exponentBits = (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23
        var result = p * Float(bitPattern: exponentBits)
        result = input < -87.33654 ? 0 : result
        result = input > 88.72283 ? .infinity : result
        return input != input ? input : result
    }

    /// tanh for one value: an odd polynomial for |x| < 0.625 (Cephes tanhf), else 1 - 2 / (e^{2|x|} + 1).
    @inline(__always)
    static func tanh(_ x: Float) -> Float {
        let magnitude = x < 0 ? -x : x
        let e = exp(magnitude * 2)
        let large = 1 - 2 / (e + 1)
        let signedLarge = x < 0 ? -large : large
        let z = x * x
        var p: Float = -5.70498872745e-3
        p = p * z + 2.06390887954e-2
        p = p * z - 5.37397155531e-2
        p = p * z + 1.33314422036e-1
        p = p * z - 3.33332819422e-1
        let small = p * z * x + x
        let result = magnitude < 0.625 ? small : signedLarge
        return x != x ? x : result
    }

    /// The logistic sigmoid 1 / (1 + e^-x).
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    /// Applies `function` to `count` values.
    @inline(__always)
    static func map(_ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, _ count: Int,
                    _ function: (Float) -> Float) {
        parallelElements(count) { range in
            for index in range { target[index] = function(source[index]) }
        }
    }
}
