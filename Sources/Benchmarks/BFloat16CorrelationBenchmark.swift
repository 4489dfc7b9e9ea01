import CKernels
import Dispatch
import Random

/// The forward correlation of SAC-AE's convolutions, Float32 kernel against the bfloat16 one
/// (AVX512-BF16: pairs of channels per instruction, Float32 sums), on the layers' real shapes: whether
/// bfloat16 is worth wiring into training. Each image's input is rounded and paired first (timed
/// with the bfloat16 kernel), as a training step would have to; the weights are packed once.
public enum BFloat16CorrelationBenchmark {
    /// One correlation shape: outputs M, channels K per plane, planes (stride-2 phases), plane height
    /// and width, taps per plane (rows x columns), and the full-width output's rows.
    public struct Shape: Sendable {
        /// A label, e.g. "conv 32->32 3x3 s1 @41".
        public let name: String
        /// Output channels, input channels, planes, plane height and width, output rows and columns.
        public let outputs: Int, channels: Int, planes: Int, height: Int, width: Int, outputHeight: Int, outputWidth: Int
        /// Tap rectangles per plane (rows, columns): 3x3 at stride 1; 2x2, 2x1, 1x2, 1x1 at stride 2.
        public let tapRectangles: [(rows: Int, columns: Int)]

        var taps: Int { tapRectangles.reduce(0) { $0 + $1.rows * $1.columns } }
        var fullColumns: Int { outputHeight * width - (width - outputWidth) }
        /// Multiply-adds x 2 per image.
        public var flopsPerImage: Double { 2 * Double(outputs * channels * taps * outputHeight * outputWidth) }
        /// Where each tap reads, plane by plane.
        func offsets(planeStride: Int) -> [Int] {
            tapRectangles.enumerated().flatMap { plane, rectangle in
                (0..<(rectangle.rows * rectangle.columns)).map {
                    plane * planeStride + ($0 / rectangle.columns) * width + $0 % rectangle.columns
                }
            }
        }
    }

    /// The forward correlations of SAC-AE's encoder: the stride-2 first layer (4 phase planes of 42 x 42)
    /// and a stride-1 layer.
    public static let shapes = [
        Shape(
            name: "conv 9->32 3x3 s2 @84", outputs: 32, channels: 9, planes: 4, height: 42, width: 42, outputHeight: 41,
            outputWidth: 41, tapRectangles: [(2, 2), (2, 1), (1, 2), (1, 1)]),
        Shape(
            name: "conv 32->32 3x3 s1 @41", outputs: 32, channels: 32, planes: 1, height: 41, width: 41, outputHeight: 39,
            outputWidth: 39, tapRectangles: [(3, 3)]),
    ]

    /// Whether this CPU runs the bfloat16 kernel.
    public static var isSupported: Bool { swiftrl_bfloat16_supported() != 0 }

    /// Seconds per batch (best of `repeats`) of the Float32 and of the bfloat16 forward correlation over
    /// `batch` images on 2 threads, and the bfloat16 result's largest error relative to the largest
    /// Float32 output.
    public static func measure(_ shape: Shape, batch: Int, repeats: Int) -> (float32: Double, bfloat16: Double, relativeError: Float) {
        let plane = shape.height * shape.width, planeStride = shape.channels * plane
        let imageSize = shape.planes * planeStride
        let pairs = (shape.channels + 1) / 2, pairedImage = shape.planes * pairs * plane
        let lda = (shape.outputs + 7) / 8 * 8, outputSize = shape.outputs * shape.outputHeight * shape.width
        var generator = RandomGenerator(seed: 0)
        let images = (0..<(batch * imageSize)).map { _ in Float.random(in: 0...1, using: &generator) }
        // Weights [taps][K][lda] as the Float32 kernel reads them, and [taps][pairs][lda] as pairs.
        let weights = (0..<(shape.taps * shape.channels * lda)).map { index in
            index % lda < shape.outputs ? Float.random(in: -0.1...0.1, using: &generator) : 0
        }
        var pairedWeights = [UInt32](repeating: 0, count: shape.taps * pairs * lda)
        for tap in 0..<shape.taps {
            weights.withUnsafeBufferPointer { source in
                pairedWeights.withUnsafeMutableBufferPointer { target in
                    swiftrl_pack_bfloat16_pairs(
                        Int32(shape.channels), Int32(lda), source.baseAddress! + tap * shape.channels * lda, lda,
                        target.baseAddress! + tap * pairs * lda, lda)
                }
            }
        }
        let floatOffsets = shape.offsets(planeStride: planeStride), pairedOffsets = shape.offsets(planeStride: pairs * plane)  // Sendable arrays
        var floatOutput = [Float](repeating: 0, count: batch * outputSize)
        var pairedOutput = [Float](repeating: 0, count: batch * outputSize)
        var paired = [UInt32](repeating: 0, count: 2 * pairedImage)  // one scratch image per thread

        func run(_ body: @escaping @Sendable (Int, Int) -> Void) -> Double {
            var best = Double.infinity
            for _ in 0..<(repeats + 1) {
                best = min(
                    best,
                    measureSeconds {
                        DispatchQueue.concurrentPerform(iterations: 2) { thread in
                            for image in stride(from: thread, to: batch, by: 2) { body(thread, image) }
                        }
                    })
            }
            return best
        }
        let float32 = images.withUnsafeBufferPointer { input in
            weights.withUnsafeBufferPointer { weight in
                floatOutput.withUnsafeMutableBufferPointer { output in
                    nonisolated(unsafe) let input = input.baseAddress!, weight = weight.baseAddress!, output = output.baseAddress!
                    return run { _, image in
                        swiftrl_shifted_correlation(
                            2, Int32(shape.outputs), Int32(shape.fullColumns), Int32(shape.channels), Int32(shape.taps), weight, lda,
                            input + image * imageSize, plane, floatOffsets, output + image * outputSize, shape.width * shape.outputHeight, 0
                        )
                    }
                }
            }
        }
        let bfloat16 = images.withUnsafeBufferPointer { input in
            pairedWeights.withUnsafeBufferPointer { weight in
                pairedOutput.withUnsafeMutableBufferPointer { output in
                    paired.withUnsafeMutableBufferPointer { scratch in
                        nonisolated(unsafe) let input = input.baseAddress!, weight = weight.baseAddress!
                        nonisolated(unsafe) let output = output.baseAddress!, scratch = scratch.baseAddress!
                        return run { thread, image in
                            let target = scratch + thread * pairedImage
                            for planeIndex in 0..<shape.planes {
                                swiftrl_pack_bfloat16_pairs(
                                    Int32(shape.channels), Int32(plane), input + image * imageSize + planeIndex * planeStride, plane,
                                    target + planeIndex * pairs * plane, plane)
                            }
                            swiftrl_shifted_correlation_bfloat16(
                                Int32(shape.outputs), Int32(shape.fullColumns), Int32(pairs), Int32(shape.taps), weight, lda, target, plane,
                                pairedOffsets, output + image * outputSize, shape.width * shape.outputHeight, 0)
                        }
                    }
                }
            }
        }
        var largest: Float = 0, error: Float = 0
        for row in 0..<(batch * shape.outputs) {
            for column in 0..<shape.fullColumns where column % shape.width < shape.outputWidth {
                let index = row * shape.outputHeight * shape.width + column
                largest = max(largest, abs(floatOutput[index]))
                error = max(error, abs(floatOutput[index] - pairedOutput[index]))
            }
        }
        return (float32, bfloat16, error / largest)
    }
}
