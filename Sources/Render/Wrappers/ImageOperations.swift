import Gym

/// Image conversions for pixel observations: area-interpolated resizing, grayscale, channel-first layout.
public enum ImageOperations {
    /// ITU-R 601 luma weights (as OpenCV's RGB2GRAY, which Gymnasium's GrayscaleObservation uses).
    static let lumaWeights = (0.299, 0.587, 0.114)

    /// Writes `frame` (H x W x 3) into `target` as channel-first [3 or 1, height, width] bytes,
    /// resizing with area interpolation when the sizes differ.
    public static func writeChannelFirst(
        _ frame: Frame, width: Int, height: Int, grayscale: Bool,
        into target: UnsafeMutableBufferPointer<UInt8>
    ) {
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
            // Area interpolation, one plane at a time (luminance first when converting to grayscale).
            let sourcePlane = frame.width * frame.height
            let planes = grayscale ? 1 : 3
            var sourceChannel = [UInt8](repeating: 0, count: sourcePlane)
            for channel in 0..<planes {
                for index in 0..<sourcePlane {
                    sourceChannel[index] =
                        grayscale
                        ? luma(Double(source[index * 3]), Double(source[index * 3 + 1]), Double(source[index * 3 + 2]))
                        : source[index * 3 + channel]
                }
                sourceChannel.withUnsafeBufferPointer { channelBuffer in
                    resizePlane(
                        channelBuffer, width: frame.width, height: frame.height,
                        into: UnsafeMutableBufferPointer(rebasing: target[(channel * plane)..<((channel + 1) * plane)]),
                        targetWidth: width, targetHeight: height)
                }
            }
        }
    }

    @inline(__always)
    static func luma(_ r: Double, _ g: Double, _ b: Double) -> UInt8 {
        UInt8(min(255, (lumaWeights.0 * r + lumaWeights.1 * g + lumaWeights.2 * b).rounded()))
    }

    /// Area-interpolated resize of one channel plane.
    public static func resizePlane(
        _ source: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
        into target: UnsafeMutableBufferPointer<UInt8>, targetWidth: Int, targetHeight: Int
    ) {
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
