import Gym
import Render

/// dmc2gym's options for the dm_control-style tasks, given as environment options (`--set
/// env_options=action_repeat:2`, `make(id, options:)`, Python's `gym.make(id, action_repeat=2)`), so
/// that published settings (SAC-AE's action repeat 8/4, Dreamer's and DrQ's 2) can be run:
///
/// | option | meaning | default |
/// | --- | --- | --- |
/// | `action_repeat` (or dmc2gym's `frame_skip`) | control steps per agent step, rewards summed | the task's (SAC-AE's) |
/// | `episode_length` | control steps per episode (dm_control's time limit) | 1000 |
/// | `from_pixels` | pixel observations instead of the state | false for `-v0`, true for `-pixels-v0` |
/// | `height`, `width` | the size of pixel observations | 84 |
/// | `frame_stack` | frames stacked on the channel axis (pixels) | 3 |
/// | `camera_id` | dm_control's camera; only camera 0 is drawn | 0 |
///
/// `render_width` / `render_height` set the size of rendered frames (videos) of state observations.
public struct ControlSuiteOptions: Sendable, Equatable {
    /// The option names, besides the render size.
    public static let names = [
        "action_repeat", "frame_skip", "episode_length", "from_pixels", "height", "width", "frame_stack", "camera_id",
    ]

    public var actionRepeat: Int
    public var episodeLength: Int
    public var fromPixels: Bool
    public var frameSize: RenderSize
    public var frameStack: Int
    /// What is left for the scene itself (`render_width`, `render_height`).
    public var sceneOptions: Options

    /// Reads the options of task `owner`; throws naming the option and the valid values.
    public init(_ options: Options, defaultActionRepeat: Int, fromPixels defaultFromPixels: Bool, for owner: String) throws {
        try options.requireKnownKeys(Self.names + RenderSize.optionNames, for: owner)
        func integer(_ key: String, _ defaultValue: Int, _ range: ClosedRange<Int>) throws -> Int {
            guard let option = options[key] else { return defaultValue }
            guard case .int(let value) = option, range.contains(value) else {
                throw GymError.invalidOption(
                    "option '\(key)' for \(owner) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(option)'")
            }
            return value
        }
        if options["action_repeat"] != nil && options["frame_skip"] != nil {
            throw GymError.invalidOption("give \(owner) either action_repeat or frame_skip (the same option), not both")
        }
        actionRepeat = try integer(options["frame_skip"] != nil ? "frame_skip" : "action_repeat", defaultActionRepeat, 1...1000)
        episodeLength = try integer("episode_length", 1000, 1...1_000_000)
        fromPixels = try options.flag("from_pixels", default: defaultFromPixels, for: owner)
        frameSize = RenderSize(width: try integer("width", 84, 1...1024), height: try integer("height", 84, 1...1024))
        frameStack = try integer("frame_stack", 3, 1...16)
        let camera = try integer("camera_id", 0, 0...Int.max)
        guard camera == 0 else {
            throw GymError.invalidOption(
                "\(owner) draws dm_control's camera 0 only (camera_id \(camera) is not drawn); use camera_id 0 or leave it out")
        }
        let pixelOnly = ["height", "width", "frame_stack"].filter { options[$0] != nil }
        if !fromPixels && !pixelOnly.isEmpty {
            throw GymError.invalidOption(
                "option '\(pixelOnly[0])' for \(owner) applies to pixel observations: add from_pixels:true, or use render_width / render_height for the size of rendered frames"
            )
        }
        if fromPixels, let key = RenderSize.optionNames.first(where: { options[$0] != nil }) {
            throw GymError.invalidOption("option '\(key)' for \(owner): pixel observations take their size from width and height")
        }
        sceneOptions = options.filter { RenderSize.optionNames.contains($0.key) }
    }
}

extension ControlScene {
    /// The task as an environment with dmc2gym's options: the scene under dm_control's time limit of
    /// `episode_length` control steps, with `action_repeat`, and for pixels the frames of `width` x
    /// `height` stacked `frame_stack` deep (SAC-AE's 9x84x84 by default).
    public static func makeEnvironment(
        options: Options, renderMode: RenderMode?, defaultActionRepeat: Int, fromPixels: Bool, id: String
    ) throws -> any Environment {
        let settings = try ControlSuiteOptions(options, defaultActionRepeat: defaultActionRepeat, fromPixels: fromPixels, for: id)
        if settings.fromPixels {
            let size: Options = ["render_width": .int(settings.frameSize.width), "render_height": .int(settings.frameSize.height)]
            let scene = try Self(options: size, renderMode: .rgbArray)
            let repeated = try ActionRepeat(TimeLimit(scene, maxEpisodeSteps: settings.episodeLength), repeats: settings.actionRepeat)
            let pixels = try PixelObservation(repeated, width: settings.frameSize.width, height: settings.frameSize.height)
            return try FrameStack(pixels, count: settings.frameStack)
        }
        let scene = try Self(options: settings.sceneOptions, renderMode: renderMode)
        return try ActionRepeat(TimeLimit(scene, maxEpisodeSteps: settings.episodeLength), repeats: settings.actionRepeat)
    }
}
