import Gym

/// Replaces an environment's observations with its rendered frames: uint8, channel-first
/// [3, height, width] (or [1, height, width] in grayscale), as pixel agents (SAC-AE) expect.
///
/// The wrapped environment must render rgb_array frames; frames of another size are resized with
/// area interpolation. Make the environment with `render_width` / `render_height` equal to the
/// observation size to have frames drawn directly at that size (`PixelObservation.make` does).
public final class PixelObservation: ObservationConversion {
    public let environment: any Environment
    /// Observation width and height.
    public let width: Int, height: Int
    /// Whether frames are converted to one luminance channel.
    public let grayscale: Bool
    public let observationSpace: Space
    private var lastFrame: Frame?

    /// Wraps `environment`, which must have been made with render mode rgb_array.
    public init(_ environment: any Environment, width: Int = 84, height: Int = 84, grayscale: Bool = false) throws {
        guard environment.metadata.renderModes.contains(.rgbArray) else {
            throw GymError.invalidArgument(
                "PixelObservation needs an environment that renders rgb_array frames; \(type(of: environment.unwrapped)) declares none")
        }
        guard environment.renderMode == .rgbArray else {
            throw GymError.invalidArgument(
                "PixelObservation needs the environment made with renderMode: .rgbArray (got \(environment.renderMode?.rawValue ?? "none"))"
            )
        }
        guard width > 0, height > 0 else {
            throw GymError.invalidArgument("PixelObservation needs a positive size, got \(width)x\(height)")
        }
        self.environment = environment
        self.width = width
        self.height = height
        self.grayscale = grayscale
        observationSpace = .box(Box(low: 0, high: 255, shape: [grayscale ? 1 : 3, height, width], dtype: .uint8))
    }

    /// The registered environment `id` rendered directly at `width` x `height`, as pixel
    /// observations with `actionRepeat` (rewards summed) and a channel-concatenated stack of
    /// `frameStack` frames: 9 x 84 x 84 by default, as SAC-AE uses.
    public static func make(
        _ id: String, options: Options = [:], width: Int = 84, height: Int = 84, frameStack: Int = 3,
        actionRepeat: Int = 1, grayscale: Bool = false, registry: Registry = .shared
    ) throws -> any Environment {
        var renderOptions = options
        renderOptions["render_width"] = .int(width)
        renderOptions["render_height"] = .int(height)
        var environment: any Environment = try registry.make(id, options: renderOptions, renderMode: .rgbArray)
        if actionRepeat > 1 { environment = try ActionRepeat(environment, repeats: actionRepeat) }
        environment = try PixelObservation(environment, width: width, height: height, grayscale: grayscale)
        return frameStack > 1 ? try FrameStack(environment, count: frameStack) : environment
    }

    /// The wrapped environment's own observations land here and are dropped.
    public private(set) lazy var sourceObservation = ObservationBuffer(space: environment.observationSpace)

    /// Writes the current frame as the observation.
    public func convert(into observation: ObservationBuffer) throws {
        if !grayscale, let direct = environment.unwrapped as? any RendersIntoBuffer,
            direct.renderSize.width == width, direct.renderSize.height == height
        {
            direct.render(into: observation.bytes, channelFirst: true)
            return
        }
        guard let frame = try environment.render() else {
            throw GymError.invalidObservation("\(type(of: environment.unwrapped)).render() returned no frame")
        }
        ImageOperations.writeChannelFirst(frame, width: width, height: height, grayscale: grayscale, into: observation.bytes)
    }
}

/// Repeats each action `repeats` times and sums the rewards (dm_control's action repeat / frame
/// skip); stops early when the episode ends.
public final class ActionRepeat: Wrapper {
    public let environment: any Environment
    /// Steps per action.
    public let repeats: Int

    /// Wraps `environment`; throws unless repeats >= 1.
    public init(_ environment: any Environment, repeats: Int) throws {
        guard repeats >= 1 else { throw GymError.invalidArgument("ActionRepeat needs repeats >= 1, got \(repeats)") }
        self.environment = environment
        self.repeats = repeats
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        var total = StepResult(reward: 0)
        for _ in 0..<repeats {
            let result = try environment.step(action, into: observation)
            total.reward += result.reward
            total.terminated = result.terminated
            total.truncated = result.truncated
            total.info = result.info
            if result.terminated || result.truncated { break }
        }
        return total
    }
}
