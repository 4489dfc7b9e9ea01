import CKernels

/// An unpadded 2-D correlation of one image as stride x stride shifted correlations, one per
/// phase (stride 1: one phase, the image itself, read in place): phase (a, b) is the plane of the input's rows a, a + s, a + 2s, ... and columns b, b + s, ...,
/// and output (y, x) sums, over the phases, the phase plane's taps (i', j') at (y + i', x + j'), whose
/// weights are the kernel's taps (s i' + a, s j' + b). Each phase is a stride-1 `ShiftedConvolution`
/// over its plane, so strided convolutions run in the same kernels as stride-1 ones, with no im2col
/// matrix and no multiply by a zero tap. Every unpadded convolution and transposed convolution runs
/// through it (all of SAC-AE's and the Nature CNN's layers).
struct StridedConvolution {
    /// Input channels, height and width of the plane the kernel slides over.
    let channels: Int, height: Int, width: Int
    /// Output channels, kernel size and stride.
    let outputs: Int, kernelHeight: Int, kernelWidth: Int, stride: Int
    /// The output's height and width.
    let outputHeight: Int, outputWidth: Int
    /// Rows and columns of every phase plane (an output row plus the taps below it).
    let phaseHeight: Int, phaseWidth: Int
    /// The phases that hold taps: their first input row and column, and their correlation.
    let phases: [(row: Int, column: Int, correlation: ShiftedConvolution)]
    /// All phases as one correlation over the split planes (`ShiftedConvolution.init(combining:)`):
    /// the forward product and the weight gradient run through it.
    let combined: ShiftedConvolution
    /// Where each of the combined taps starts in the image itself: its kernel row times the image
    /// width plus its kernel column (for `accumulateWeightGradient(transposedUpstream:image:packedGradient:)`).
    let imageTapOffsets: [Int]
    /// The forward pass of the transposed convolution with paired phases: only at stride 2 with four
    /// phases that cover the image (`pairedPhasesCoverImage`), in the AVX-512 and AVX2 kernels.
    private(set) var pairedAdjoint: PairedPhaseAdjoint? = nil

    init(
        channels: Int, height: Int, width: Int, outputs: Int, kernelHeight: Int, kernelWidth: Int, stride: Int,
        kernels: VectorKernels.Family = VectorKernels.selected
    ) {
        self.channels = channels; self.height = height; self.width = width
        self.outputs = outputs; self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth; self.stride = stride
        let outputHeight = (height - kernelHeight) / stride + 1, outputWidth = (width - kernelWidth) / stride + 1
        let phaseHeight = outputHeight + (kernelHeight - 1) / stride, phaseWidth = outputWidth + (kernelWidth - 1) / stride
        self.outputHeight = outputHeight; self.outputWidth = outputWidth
        self.phaseHeight = phaseHeight; self.phaseWidth = phaseWidth
        var phases: [(row: Int, column: Int, correlation: ShiftedConvolution)] = []
        for row in 0..<min(stride, kernelHeight) {
            for column in 0..<min(stride, kernelWidth) {
                let tapRows = (kernelHeight - row + stride - 1) / stride, tapColumns = (kernelWidth - column + stride - 1) / stride
                var kernelTaps: [Int] = []
                for i in 0..<tapRows {
                    for j in 0..<tapColumns { kernelTaps.append((stride * i + row) * kernelWidth + stride * j + column) }
                }
                let correlation = ShiftedConvolution(
                    channels: channels, height: phaseHeight, width: phaseWidth, outputs: outputs,
                    outputHeight: outputHeight, outputWidth: outputWidth,
                    tapRows: tapRows, tapColumns: tapColumns, kernelTaps: kernelTaps,
                    kernelSize: kernelHeight * kernelWidth, kernels: kernels)
                phases.append((row, column, correlation))
            }
        }
        self.phases = phases
        combined = ShiftedConvolution(combining: phases.map(\.correlation), planeStride: channels * phaseHeight * phaseWidth)
        imageTapOffsets = combined.kernelTaps.map { ($0 / kernelWidth) * width + $0 % kernelWidth }
        if pairedPhasesCoverImage && kernels != .blas { pairedAdjoint = PairedPhaseAdjoint(phases: phases.map(\.correlation)) }
    }

    /// The first phase's correlation: all phases share its full-width and padded geometry.
    var geometry: ShiftedConvolution { phases[0].correlation }
    var phasePlane: Int { phaseHeight * phaseWidth }
    /// The scratch values for one image's phase planes [phases][C][phase plane] (none at stride 1).
    var splitSize: Int { stride == 1 ? 0 : phases.count * channels * phasePlane }

    /// The phase planes of an image [C, H, W]: the image itself at stride 1, else split into `scratch`
    /// (`splitSize` values).
    func planes(of image: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        if stride == 1 { return image }
        split(image, into: scratch)
        return UnsafePointer(scratch)
    }

    /// Whether the phases are stride 2's four (a kernel of at least 2 x 2): `split` and `merge` then
    /// run two phases per image row in the vector kernels.
    var hasPairedPhases: Bool { stride == 2 && phases.count == 4 }

    /// Whether the paired phases' rows and columns reach every image row and column, so that merging
    /// them (`mergePairs`, or `PairedPhaseAdjoint`'s stores) writes the whole image.
    var pairedPhasesCoverImage: Bool { hasPairedPhases && phaseHeight * 2 >= height && phaseWidth * 2 >= width }

    /// Copies an image [C, H, W] into its phase planes (entries past the image are zero).
    func split(_ image: UnsafePointer<Float>, into planes: UnsafeMutablePointer<Float>) {
        if hasPairedPhases { return splitPairs(image, into: planes) }
        for (index, phase) in phases.enumerated() {
            for channel in 0..<channels {
                let source = image + channel * height * width
                let target = planes + (index * channels + channel) * phasePlane
                for row in 0..<phaseHeight {
                    let line = target + row * phaseWidth, inputRow = stride * row + phase.row
                    guard inputRow < height else { line.update(repeating: 0, count: phaseWidth); continue }
                    let input = source + inputRow * width + phase.column
                    let inside = min(phaseWidth, (width - phase.column + stride - 1) / stride)
                    for column in 0..<inside { line[column] = input[stride * column] }
                    if inside < phaseWidth { (line + inside).update(repeating: 0, count: phaseWidth - inside) }
                }
            }
        }
    }

    /// Writes an image [C, H, W] from its phase planes (the adjoint of `split`: entries no phase
    /// plane covers are zero).
    func merge(_ planes: UnsafePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        if phases.count < stride * stride || phaseHeight * stride < height || phaseWidth * stride < width {
            image.update(repeating: 0, count: channels * height * width)
        }
        if hasPairedPhases { return mergePairs(planes, into: image, bias: nil, activation: .identity) }
        for (index, phase) in phases.enumerated() {
            for channel in 0..<channels {
                let target = image + channel * height * width
                let source = planes + (index * channels + channel) * phasePlane
                for row in 0..<phaseHeight {
                    let imageRow = stride * row + phase.row
                    guard imageRow < height else { break }
                    let line = source + row * phaseWidth, output = target + imageRow * width + phase.column
                    let inside = min(phaseWidth, (width - phase.column + stride - 1) / stride)
                    for column in 0..<inside { output[stride * column] = line[column] }
                }
            }
        }
    }

    /// Weights repacked for the combined correlation (forward) and for each phase (adjoint).
    struct PackedWeights {
        let combined: ShiftedConvolution.PackedWeights
        let phases: [ShiftedConvolution.PackedWeights]
        /// Each phase's adjoint weights, for `PairedPhaseAdjoint` (they live in `phases`' storage).
        let adjointPointers: [UnsafePointer<Float>?]
    }

    /// Repacks weights [O, C, kh, kw] for `correlate` and `correlateAdjoint`.
    func pack(_ weight: UnsafePointer<Float>) -> PackedWeights {
        let combinedWeights = combined.pack(weight)
        let phaseWeights = stride == 1 ? [combinedWeights] : phases.map { $0.correlation.pack(weight) }
        return PackedWeights(
            combined: combinedWeights, phases: phaseWeights,
            adjointPointers: phaseWeights.map { UnsafePointer($0.adjoint.pointer) })
    }

    /// output [O, Ho, Wo] = activation(the correlation summed over the phases of `planes` (made by
    /// `split`) + bias[o]), in one pass. The AVX-512 kernels store the output columns of their tiles
    /// themselves; the others write a full-width result into `full` (`geometry.fullSize` values, its
    /// scratch columns garbage) and copy the output columns from it. The AVX-512 tiles pull `next`
    /// (the next image, if any) into L2 as they go.
    func correlate(
        planes: UnsafePointer<Float>, weights: PackedWeights, into output: UnsafeMutablePointer<Float>,
        full: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>? = nil, activation: ConvolutionActivation = .identity,
        prefetching next: UnsafeBufferPointer<Float>? = nil
    ) {
        if combined.correlateCompact(
            input: planes, weights: weights.combined, into: output, bias: bias, activation: activation, prefetching: next)
        {
            return
        }
        combined.correlate(input: planes, weights: weights.combined, full: full, fullStride: outputHeight * phaseWidth)
        if bias == nil && activation == .identity { return geometry.compact(full: full, into: output) }
        ConvolutionEpilogue.finish(
            full, rowStride: phaseWidth, into: output, channels: outputs, rows: outputHeight, columns: outputWidth,
            bias: bias, activation: activation)
    }

    /// image [C, H, W] = activation(the adjoint of `correlate` + bias[c]), reading a padded
    /// full-width buffer made by `geometry.expandPadded`; strided, the phase planes go through
    /// `scratch` (`splitSize` values). At stride 2 with four phases the vector kernels store each
    /// row parity's two column phases straight into the image (`PairedPhaseAdjoint`); the others
    /// apply the bias and activation while merging the phases (an epilogue with no pass of its own).
    func correlateAdjoint(
        padded: UnsafePointer<Float>, weights: PackedWeights,
        into image: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
        bias: UnsafePointer<Float>? = nil, activation: ConvolutionActivation = .identity
    ) {
        if let pairedAdjoint,
            pairedAdjoint.run(
                geometry: geometry, phaseWidth: phaseWidth, padded: padded, weights: weights, into: image,
                height: height, width: width, bias: bias, activation: activation)
        {
            return
        }
        let planes = stride == 1 ? image : scratch
        for (index, phase) in phases.enumerated() {
            phase.correlation.correlateAdjoint(
                padded: padded, weights: weights.phases[index], input: planes + index * channels * phasePlane)
        }
        if pairedPhasesCoverImage {
            return mergePairs(planes, into: image, bias: bias, activation: activation)
        }
        if stride > 1 { merge(planes, into: image) }
        ConvolutionEpilogue.finish(image, channels: channels, plane: height * width, bias: bias, activation: activation)
    }

    /// packedGradient (each phase's [taps][O, C] in turn: kh kw O C values) += the weight gradient of
    /// `correlate`, from a padded full-width upstream gradient and the input's phase planes;
    /// `scratch` holds `geometry.weightGradientScratchSize` values. One combined call unless the
    /// kernels transpose the input, which they do plane by plane.
    func accumulateWeightGradient(
        padded: UnsafePointer<Float>, planes: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
        packedGradient: UnsafeMutablePointer<Float>
    ) {
        if combined.kernels == .blas || !combined.weightGradientTransposesInput {
            combined.accumulateWeightGradient(
                full: padded + combined.margin, fullStride: combined.paddedRow, input: planes, scratch: scratch,
                packedGradient: packedGradient)
            return
        }
        var offset = 0
        for (index, phase) in phases.enumerated() {
            let correlation = phase.correlation
            correlation.accumulateWeightGradient(
                full: padded + correlation.margin, fullStride: correlation.paddedRow,
                input: planes + index * channels * phasePlane, scratch: scratch,
                packedGradient: packedGradient + offset)
            offset += correlation.taps * outputs * channels
        }
    }

    /// Whether the weight gradient from a transposed upstream gradient reads the image itself
    /// rather than its phase planes (`accumulateWeightGradient(transposedUpstream:image:packedGradient:)`):
    /// stride 2 in the AVX-512 kernels, which broadcast the image's values, so every second one
    /// can be read in place and the image need not be split again in the backward pass.
    var readsImageForWeightGradient: Bool { hasPairedPhases && combined.transposesUpstream && combined.kernels == .avx512 }

    /// packedGradient (the combined taps' [taps][O, C]) += the weight gradient from an upstream
    /// gradient made by `combined.transposeUpstream` and the image [C, H, W] itself. Only when
    /// `readsImageForWeightGradient`.
    func accumulateWeightGradient(
        transposedUpstream: UnsafePointer<Float>, image: UnsafePointer<Float>, packedGradient: UnsafeMutablePointer<Float>
    ) {
        imageTapOffsets.withUnsafeBufferPointer { offsets in
            _ = swiftrl_shifted_weight_gradient_strided(
                Int32(combined.kernels.rawValue), Int32(outputs), Int32(channels), Int32(combined.fullColumns), Int32(combined.taps),
                transposedUpstream, combined.weightGradientTransposedStride, image, height * width, offsets.baseAddress,
                Int32(phaseWidth), width, packedGradient)
        }
    }

    /// Adds the phases' packed gradients back into a [O, C, kh, kw] gradient.
    func unpackWeightGradient(_ packed: UnsafePointer<Float>, into gradient: UnsafeMutablePointer<Float>) {
        var offset = 0
        for phase in phases {
            phase.correlation.unpackWeightGradient(packed + offset, into: gradient)
            offset += phase.correlation.taps * outputs * channels
        }
    }

    /// `split` at stride 2: each image row goes to an even and an odd phase (phases 0 and 1 for even
    /// rows, 2 and 3 for odd rows) in one pass of `swiftrl_deinterleave`.
    private func splitPairs(_ image: UnsafePointer<Float>, into planes: UnsafeMutablePointer<Float>) {
        let level = Int32(combined.kernels.rawValue)
        let pairs = min(phaseWidth, width / 2), evenInside = min(phaseWidth, (width + 1) / 2)
        forEachRowPair { planeOffset, imageRow in
            let even = planes + planeOffset, odd = even + channels * phasePlane
            guard let imageRow else {
                even.update(repeating: 0, count: phaseWidth)
                odd.update(repeating: 0, count: phaseWidth)
                return
            }
            let input = image + imageRow * width
            swiftrl_deinterleave(level, Int32(pairs), input, even, odd)
            if evenInside > pairs { even[pairs] = input[2 * pairs] }
            (even + evenInside).update(repeating: 0, count: phaseWidth - evenInside)
            (odd + pairs).update(repeating: 0, count: phaseWidth - pairs)
        }
    }

    /// `merge` at stride 2: the inverse of `splitPairs`, one `swiftrl_interleave` per image row, which
    /// also adds the channel's bias and applies the activation.
    private func mergePairs(
        _ planes: UnsafePointer<Float>, into image: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
        activation: ConvolutionActivation
    ) {
        let level = Int32(combined.kernels.rawValue), rectify: Int32 = activation == .relu ? 1 : 0
        let pairs = min(phaseWidth, width / 2), evenInside = min(phaseWidth, (width + 1) / 2)
        forEachRowPair { planeOffset, imageRow in
            guard let imageRow else { return }
            let even = planes + planeOffset, output = image + imageRow * width
            let shift = bias?[imageRow / height] ?? 0
            swiftrl_interleave(level, Int32(pairs), even, even + channels * phasePlane, shift, rectify, output)
            if evenInside > pairs {
                let value = even[pairs] + shift
                output[2 * pairs] = rectify == 1 && value < 0 ? 0 : value
            }
        }
    }

    /// Calls `body(planeOffset, imageRow)` for every phase row of the even-column phases: the offset
    /// of that row in the phase planes (its odd-column partner is `channels * phasePlane` further) and
    /// the offset in rows of the image row it holds, or nil for a row below the image.
    private func forEachRowPair(_ body: (_ planeOffset: Int, _ imageRow: Int?) -> Void) {
        for channel in 0..<channels {
            for row in 0..<phaseHeight {
                for half in 0..<2 {
                    let inputRow = 2 * row + half
                    body(
                        (2 * half * channels + channel) * phasePlane + row * phaseWidth,
                        inputRow < height ? channel * height + inputRow : nil)
                }
            }
        }
    }
}
