import Gym

/// Resizes channel-first uint8 image observations [C, H, W] to [C, height, width] with area
/// interpolation (Gymnasium's `ResizeObservation`, for the channel-first layout pixel agents use).
public final class ResizeObservation: ObservationConversion {
    public let environment: any Environment
    public let observationSpace: Space
    public let sourceObservation: ObservationBuffer
    private let channels: Int, sourceHeight: Int, sourceWidth: Int, height: Int, width: Int

    /// Wraps an environment with a uint8 [C, H, W] Box observation space.
    public init(_ environment: any Environment, width: Int, height: Int) throws {
        guard case .box(let box) = environment.observationSpace, box.dtype == .uint8, box.shape.count == 3 else {
            throw GymError.invalidArgument(
                "ResizeObservation needs uint8 [C, H, W] image observations, got \(environment.observationSpace)")
        }
        guard width > 0, height > 0 else {
            throw GymError.invalidArgument("ResizeObservation needs a positive size, got \(width)x\(height)")
        }
        self.environment = environment
        channels = box.shape[0]; sourceHeight = box.shape[1]; sourceWidth = box.shape[2]
        self.width = width
        self.height = height
        observationSpace = .box(Box(low: 0, high: 255, shape: [channels, height, width], dtype: .uint8))
        sourceObservation = ObservationBuffer(space: environment.observationSpace)
    }

    public func convert(into observation: ObservationBuffer) {
        let sourcePlane = sourceWidth * sourceHeight, targetPlane = width * height
        for channel in 0..<channels {
            ImageOperations.resizePlane(
                UnsafeBufferPointer(rebasing: sourceObservation.bytes[(channel * sourcePlane)..<((channel + 1) * sourcePlane)]),
                width: sourceWidth, height: sourceHeight,
                into: UnsafeMutableBufferPointer(rebasing: observation.bytes[(channel * targetPlane)..<((channel + 1) * targetPlane)]),
                targetWidth: width, targetHeight: height)
        }
    }
}

/// Converts channel-first RGB observations [3 k, H, W] (k stacked frames) to luminance [k, H, W]
/// with ITU-R 601 weights (Gymnasium's `GrayscaleObservation`, channel-first).
public final class GrayscaleObservation: ObservationConversion {
    public let environment: any Environment
    public let observationSpace: Space
    public let sourceObservation: ObservationBuffer
    private let frames: Int, plane: Int

    /// Wraps an environment with uint8 [3 k, H, W] observations.
    public init(_ environment: any Environment) throws {
        guard case .box(let box) = environment.observationSpace, box.dtype == .uint8, box.shape.count == 3, box.shape[0] % 3 == 0 else {
            throw GymError.invalidArgument(
                "GrayscaleObservation needs uint8 [3k, H, W] RGB observations, got \(environment.observationSpace)")
        }
        self.environment = environment
        frames = box.shape[0] / 3
        plane = box.shape[1] * box.shape[2]
        observationSpace = .box(Box(low: 0, high: 255, shape: [frames, box.shape[1], box.shape[2]], dtype: .uint8))
        sourceObservation = ObservationBuffer(space: environment.observationSpace)
    }

    public func convert(into observation: ObservationBuffer) {
        for frame in 0..<frames {
            let base = frame * 3 * plane
            for index in 0..<plane {
                observation.bytes[frame * plane + index] = ImageOperations.luma(
                    Double(sourceObservation.bytes[base + index]), Double(sourceObservation.bytes[base + plane + index]),
                    Double(sourceObservation.bytes[base + 2 * plane + index]))
            }
        }
    }
}

/// Transposes interleaved uint8 image observations [H, W, C] (Gymnasium's layout, e.g. CarRacing's
/// 96x96x3) to channel-first [C, H, W], the layout convolutional agents take.
public final class ChannelFirstObservation: ObservationConversion {
    public let environment: any Environment
    public let observationSpace: Space
    public let sourceObservation: ObservationBuffer
    private let height: Int, width: Int, channels: Int

    /// Wraps an environment with uint8 [H, W, C] Box observations.
    public init(_ environment: any Environment) throws {
        guard case .box(let box) = environment.observationSpace, box.dtype == .uint8, box.shape.count == 3 else {
            throw GymError.invalidArgument(
                "ChannelFirstObservation needs uint8 [H, W, C] image observations, got \(environment.observationSpace)")
        }
        self.environment = environment
        height = box.shape[0]; width = box.shape[1]; channels = box.shape[2]
        observationSpace = .box(Box(low: 0, high: 255, shape: [channels, height, width], dtype: .uint8))
        sourceObservation = ObservationBuffer(space: environment.observationSpace)
    }

    /// Whether `space` looks like an interleaved picture: uint8 [H, W, C] with H, W >= 36 and at
    /// most 4 channels (a channel-first picture has its small axis first).
    public static func isInterleavedImage(_ space: Space) -> Bool {
        guard case .box(let box) = space, box.dtype == .uint8, box.shape.count == 3 else { return false }
        return box.shape[0] >= 36 && box.shape[1] >= 36 && box.shape[2] <= 4
    }

    /// `environment` wrapped when its observations are interleaved pictures, else itself.
    public static func wrappingInterleavedImages(_ environment: any Environment) throws -> any Environment {
        isInterleavedImage(environment.observationSpace) ? try ChannelFirstObservation(environment) : environment
    }

    public func convert(into observation: ObservationBuffer) {
        let plane = height * width, source = UnsafePointer(sourceObservation.bytes.baseAddress!), target = observation.bytes.baseAddress!
        for pixel in 0..<plane {
            for channel in 0..<channels { target[channel * plane + pixel] = source[pixel * channels + channel] }
        }
    }
}
