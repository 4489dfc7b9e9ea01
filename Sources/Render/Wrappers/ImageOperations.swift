import Gym

/// Image conversions for pixel observations: area-interpolated resizing, grayscale, channel-first layout.
public enum ImageOperations {
    /// ITU-R 601 luma weights (as OpenCV's RGB2GRAY, which Gymnasium's GrayscaleObservation uses).
    static let lumaWeights = (0.299, 0.587, 0.114)

    /// Writes `frame` (H x W x 3) into `target` as channel-first [3 or 1, height, width] bytes,
    /// resizing with area interpolation when the sizes differ.
    public static func writeChannelFirst(_ frame: Frame, width: Int, height: Int, grayscale: Bool,
                                         into target: UnsafeMutableBufferPointer<UInt8>) {
        let plane = width * height
        precondition(target.count >= plane * (grayscale ? 1 : 3), "the observation buffer is too small for a \(width)x\(height) image")
        frame.pixels.withUnsafeBufferPointer { source in
            if frame.width == width && frame.height == height {
                for index in 0..<plane {
                    let r = source[index * 3], g = source[index * 3 + 1], b = source[index * 3 + 2]
                    if grayscale {
                        target[index] = luma(Double(r), Double(g), Double(b))
                    } else {
                        target[index] = r; target[plane + index] = g; target[2 * plane + index] = b
                    }
                }
                return
            }
            // Area interpolation: each output pixel averages the source area it covers.
            let scaleX = Double(frame.width) / Double(width), scaleY = Double(frame.height) / Double(height)
            for y in 0..<height {
                let top = Double(y) * scaleY, bottom = top + scaleY
                for x in 0..<width {
                    let left = Double(x) * scaleX, right = left + scaleX
                    var sums = (0.0, 0.0, 0.0), area = 0.0
                    var sourceY = Int(top)
                    while Double(sourceY) < bottom && sourceY < frame.height {
                        let coverY = min(bottom, Double(sourceY + 1)) - max(top, Double(sourceY))
                        var sourceX = Int(left)
                        while Double(sourceX) < right && sourceX < frame.width {
                            let weight = coverY * (min(right, Double(sourceX + 1)) - max(left, Double(sourceX)))
                            let index = (sourceY * frame.width + sourceX) * 3
                            sums.0 += weight * Double(source[index]); sums.1 += weight * Double(source[index + 1]); sums.2 += weight * Double(source[index + 2])
                            area += weight
                            sourceX += 1
                        }
                        sourceY += 1
                    }
                    let r = sums.0 / area, g = sums.1 / area, b = sums.2 / area
                    let index = y * width + x
                    if grayscale {
                        target[index] = luma(r, g, b)
                    } else {
                        target[index] = UInt8(min(255, r.rounded())); target[plane + index] = UInt8(min(255, g.rounded()))
                        target[2 * plane + index] = UInt8(min(255, b.rounded()))
                    }
                }
            }
        }
    }

    @inline(__always)
    static func luma(_ r: Double, _ g: Double, _ b: Double) -> UInt8 {
        UInt8(min(255, (lumaWeights.0 * r + lumaWeights.1 * g + lumaWeights.2 * b).rounded()))
    }

    /// Area-interpolated resize of one channel plane.
    public static func resizePlane(_ source: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                                   into target: UnsafeMutableBufferPointer<UInt8>, targetWidth: Int, targetHeight: Int) {
        let scaleX = Double(width) / Double(targetWidth), scaleY = Double(height) / Double(targetHeight)
        for y in 0..<targetHeight {
            let top = Double(y) * scaleY, bottom = top + scaleY
            for x in 0..<targetWidth {
                let left = Double(x) * scaleX, right = left + scaleX
                var sum = 0.0, area = 0.0
                var sourceY = Int(top)
                while Double(sourceY) < bottom && sourceY < height {
                    let coverY = min(bottom, Double(sourceY + 1)) - max(top, Double(sourceY))
                    var sourceX = Int(left)
                    while Double(sourceX) < right && sourceX < width {
                        let weight = coverY * (min(right, Double(sourceX + 1)) - max(left, Double(sourceX)))
                        sum += weight * Double(source[sourceY * width + sourceX])
                        area += weight
                        sourceX += 1
                    }
                    sourceY += 1
                }
                target[y * targetWidth + x] = UInt8(min(255, (sum / area).rounded()))
            }
        }
    }
}
