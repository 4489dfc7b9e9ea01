/// The geometry of a 2-D convolution window over one image.
struct ConvolutionGeometry {
    let channels: Int, height: Int, width: Int
    let kernelHeight: Int, kernelWidth: Int
    let stride: Int, padding: Int
    let outputHeight: Int, outputWidth: Int

    /// Rows of the column matrix: channels x kernel height x kernel width.
    var columnRows: Int { channels * kernelHeight * kernelWidth }
    /// Columns of the column matrix: output height x output width.
    var columnColumns: Int { outputHeight * outputWidth }
}

/// Unfolds one C x H x W image into columns [C kh kw, Ho Wo] (zeros where the window is in padding).
func im2col(_ image: UnsafePointer<Float>, _ g: ConvolutionGeometry, _ columns: UnsafeMutablePointer<Float>) {
    let outputCount = g.columnColumns
    var row = 0
    for channel in 0..<g.channels {
        let plane = image + channel * g.height * g.width
        for kernelRow in 0..<g.kernelHeight {
            for kernelColumn in 0..<g.kernelWidth {
                let target = columns + row * outputCount
                for outputRow in 0..<g.outputHeight {
                    let inputRow = outputRow * g.stride - g.padding + kernelRow
                    let line = target + outputRow * g.outputWidth
                    if inputRow < 0 || inputRow >= g.height {
                        for column in 0..<g.outputWidth { line[column] = 0 }
                        continue
                    }
                    let source = plane + inputRow * g.width
                    if g.stride == 1 {
                        // Contiguous run with zero borders.
                        let shift = kernelColumn - g.padding
                        let first = Swift.max(0, -shift), last = Swift.min(g.outputWidth, g.width - shift)
                        // Short rows: plain loops beat memmove calls.
                        for column in 0..<Swift.min(first, g.outputWidth) { line[column] = 0 }
                        if last > first {
                            let from = source + shift
                            for column in first..<last { line[column] = from[column] }
                        }
                        for column in Swift.max(last, 0)..<g.outputWidth { line[column] = 0 }
                    } else if g.padding == 0 {
                        // No padding: every window column lies inside the row (SAC-AE's stride-2 layer).
                        let from = source + kernelColumn, stride = g.stride
                        for outputColumn in 0..<g.outputWidth { line[outputColumn] = from[outputColumn * stride] }
                    } else {
                        for outputColumn in 0..<g.outputWidth {
                            let inputColumn = outputColumn * g.stride - g.padding + kernelColumn
                            line[outputColumn] = inputColumn >= 0 && inputColumn < g.width ? source[inputColumn] : 0
                        }
                    }
                }
                row += 1
            }
        }
    }
}

/// Folds columns [C kh kw, Ho Wo] back into a C x H x W image, adding overlapping windows
/// (the adjoint of `im2col`); the image must be zeroed first when a fresh result is wanted.
func col2im(_ columns: UnsafePointer<Float>, _ g: ConvolutionGeometry, _ image: UnsafeMutablePointer<Float>) {
    let outputCount = g.columnColumns
    var row = 0
    for channel in 0..<g.channels {
        let plane = image + channel * g.height * g.width
        for kernelRow in 0..<g.kernelHeight {
            for kernelColumn in 0..<g.kernelWidth {
                let source = columns + row * outputCount
                for outputRow in 0..<g.outputHeight {
                    let inputRow = outputRow * g.stride - g.padding + kernelRow
                    if inputRow < 0 || inputRow >= g.height { continue }
                    let target = plane + inputRow * g.width
                    let line = source + outputRow * g.outputWidth
                    if g.stride == 1 {
                        let shift = kernelColumn - g.padding
                        let first = Swift.max(0, -shift), last = Swift.min(g.outputWidth, g.width - shift)
                        if last > first {
                            for outputColumn in first..<last { target[outputColumn + shift] += line[outputColumn] }
                        }
                    } else if g.padding == 0 {
                        let to = target + kernelColumn, stride = g.stride
                        for outputColumn in 0..<g.outputWidth { to[outputColumn * stride] += line[outputColumn] }
                    } else {
                        for outputColumn in 0..<g.outputWidth {
                            let inputColumn = outputColumn * g.stride - g.padding + kernelColumn
                            if inputColumn >= 0 && inputColumn < g.width { target[inputColumn] += line[outputColumn] }
                        }
                    }
                }
                row += 1
            }
        }
    }
}
