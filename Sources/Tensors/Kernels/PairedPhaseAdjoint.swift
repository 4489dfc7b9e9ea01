import CKernels

/// A stride-2 transposed convolution's forward pass (the adjoint of a stride-2 correlation) with
/// each row parity's two column phases summed in one register tile and stored straight into the
/// image, interleaved, with the bias and activation (`swiftrl_transposed_correlation_pairs`): no
/// phase planes and no merge pass. The odd-column phase's taps are a subset of the even-column
/// phase's (same kernel rows, no more kernel columns), so every upstream row the tile loads feeds both.
struct PairedPhaseAdjoint {
    /// The taps of each row parity's even-column phase.
    let taps: [Int32]
    /// Where each of those taps reads the padded upstream buffer (the phase's adjoint shifts),
    /// parity 0's taps then parity 1's.
    let offsets: [Int]
    /// For each of those taps, the odd-column phase's tap at the same shift, or -1.
    let partners: [Int32]

    /// The plan for four phases ordered (row, column) = (0, 0), (0, 1), (1, 0), (1, 1), or nil when
    /// an odd-column phase has a tap its even partner lacks.
    init?(phases: [ShiftedConvolution]) {
        guard phases.count == 4 else { return nil }
        var taps: [Int32] = [], offsets: [Int] = [], partners: [Int32] = []
        for parity in 0..<2 {
            let even = phases[2 * parity].adjointShifts, odd = phases[2 * parity + 1].adjointShifts
            let matched = even.map { shift in odd.firstIndex(of: shift).map(Int32.init) ?? -1 }
            guard Set(matched.filter { $0 >= 0 }).count == odd.count else { return nil }
            taps.append(Int32(even.count))
            offsets += even
            partners += matched
        }
        self.taps = taps; self.offsets = offsets; self.partners = partners
    }

    /// image [C, height, width] = activation(the transposed convolution + bias[c]) from a padded
    /// full-width upstream buffer (`geometry.expandPadded`) and the phases' packed weights. False,
    /// with nothing written, in the BLAS kernels (a CPU without AVX2) or when the phase rows are
    /// narrower than 16 columns.
    func run(
        geometry: ShiftedConvolution, phaseWidth: Int, padded: UnsafePointer<Float>, weights: StridedConvolution.PackedWeights,
        into image: UnsafeMutablePointer<Float>, height: Int, width: Int, bias: UnsafePointer<Float>?,
        activation: ConvolutionActivation
    ) -> Bool {
        guard geometry.kernels != .blas else { return false }
        return weights.adjointPointers.withUnsafeBufferPointer { weightPointers in
            taps.withUnsafeBufferPointer { taps in
                offsets.withUnsafeBufferPointer { offsets in
                    partners.withUnsafeBufferPointer { partners in
                        swiftrl_transposed_correlation_pairs(
                            Int32(geometry.kernels.rawValue), Int32(geometry.channels), Int32(geometry.plane),
                            Int32(geometry.outputs), taps.baseAddress, weightPointers.baseAddress, weights.phases[0].adjointStride,
                            padded, geometry.paddedRow, offsets.baseAddress, partners.baseAddress, Int32(phaseWidth),
                            image, Int32(height), Int32(width), bias, activation == .relu ? 1 : 0) == 1
                    }
                }
            }
        }
    }
}
