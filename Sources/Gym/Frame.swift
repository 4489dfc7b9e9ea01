/// One rendered image: `height` x `width` x 3 bytes of RGB, row-major (Gymnasium's rgb_array).
public struct Frame: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `height * width * 3` bytes, RGB.
    public var pixels: [UInt8]

    /// A frame of the given size filled with `pixels` (or black).
    public init(width: Int, height: Int, pixels: [UInt8]? = nil) {
        precondition(width > 0 && height > 0, "a frame needs a positive size, got \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels ?? [UInt8](repeating: 0, count: width * height * 3)
        precondition(self.pixels.count == width * height * 3, "a \(width)x\(height) frame needs \(width * height * 3) bytes")
    }

    /// The shape in Gymnasium's order: [height, width, 3].
    public var shape: [Int] { [height, width, 3] }
}
