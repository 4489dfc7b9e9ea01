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

    /// Copies an image [C, H, W] into its phase planes (entries past the image are zero).
    func split(_ image: UnsafePointer<Float>, into planes: UnsafeMutablePointer<Float>) {
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

    /// Repacks weights [O, C, kh, kw] for each phase.
    func pack(_ weight: UnsafePointer<Float>) -> [ShiftedConvolution.PackedWeights] {
        phases.map { $0.correlation.pack(weight) }
    }

    /// full[O, fullColumns] (rows Ho W' apart, W' the phase width) = the correlation summed over the
    /// phases of `planes` (made by `split`); the scratch columns come out as garbage.
    func correlate(planes: UnsafePointer<Float>, weights: [ShiftedConvolution.PackedWeights], full: UnsafeMutablePointer<Float>) {
        for (index, phase) in phases.enumerated() {
            phase.correlation.correlate(
                input: planes + index * channels * phasePlane, weights: weights[index], full: full,
                fullStride: outputHeight * phaseWidth, accumulate: index > 0)
        }
    }

    /// image [C, H, W] = the adjoint of `correlate`, reading a padded full-width buffer made by
    /// `geometry.expandPadded`; strided, the phase planes go through `scratch` (`splitSize` values).
    func correlateAdjoint(
        padded: UnsafePointer<Float>, weights: [ShiftedConvolution.PackedWeights],
        into image: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
    ) {
        let planes = stride == 1 ? image : scratch
        for (index, phase) in phases.enumerated() {
            phase.correlation.correlateAdjoint(padded: padded, weights: weights[index], input: planes + index * channels * phasePlane)
        }
        if stride > 1 { merge(planes, into: image) }
    }

    /// packedGradient (each phase's [taps][O, C] in turn: kh kw O C values) += the weight gradient of
    /// `correlate`, from a padded full-width upstream gradient and the input's phase planes;
    /// `scratch` holds `geometry.weightGradientScratchSize` values.
    func accumulateWeightGradient(
        padded: UnsafePointer<Float>, planes: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
        packedGradient: UnsafeMutablePointer<Float>
    ) {
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

    /// Adds the phases' packed gradients back into a [O, C, kh, kw] gradient.
    func unpackWeightGradient(_ packed: UnsafePointer<Float>, into gradient: UnsafeMutablePointer<Float>) {
        var offset = 0
        for phase in phases {
            phase.correlation.unpackWeightGradient(packed + offset, into: gradient)
            offset += phase.correlation.taps * outputs * channels
        }
    }
}
