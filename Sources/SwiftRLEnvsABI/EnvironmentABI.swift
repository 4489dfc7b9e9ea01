import BundledEnvs
import Foundation
import Gym
import Render

/// One environment behind a C handle, with its observation buffer and the last rendered frame.
final class EnvironmentHandle {
    let environment: any Environment
    let observation: ObservationBuffer
    let id: String
    /// The last frame's pixels, owned here until the next render.
    var framePixels = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)
    var continuousScratch: [Float]

    init(id: String, environment: any Environment) {
        self.id = id
        self.environment = environment
        observation = ObservationBuffer(space: environment.observationSpace)
        continuousScratch = Array(repeating: 0, count: environment.actionSpace.flatCount)
    }

    deinit { framePixels.deallocate() }

    /// Keeps a copy of `frame`'s pixels and returns where they are.
    func keep(_ frame: Frame) -> UnsafePointer<UInt8> {
        if framePixels.count != frame.pixels.count {
            framePixels.deallocate()
            framePixels = .allocate(capacity: frame.pixels.count)
        }
        _ = framePixels.initialize(from: frame.pixels)
        return UnsafePointer(framePixels.baseAddress!)
    }
}

/// The handle's object (the caller passes back what `swiftrl_env_make` returned).
func environmentHandle(_ pointer: UnsafeMutableRawPointer) -> EnvironmentHandle {
    Unmanaged<EnvironmentHandle>.fromOpaque(pointer).takeUnretainedValue()
}

/// An info as caller-owned JSON, or null when it is empty (the common case costs nothing).
func infoJSON(_ info: Info, into target: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) {
    guard let target else { return }
    target.pointee = info.isEmpty ? nil : cString(jsonText(infoObject(info)))
}

/// Registers the bundled environments (idempotent; every other call does it first).
@_cdecl("swiftrl_register_bundled")
public func swiftrl_register_bundled() {
    BundledEnvironments.register()
}

/// Every registered id as JSON: [{"id", "max_episode_steps", "reward_threshold", "summary"}].
@_cdecl("swiftrl_registry_json")
public func swiftrl_registry_json() -> UnsafeMutablePointer<CChar> {
    BundledEnvironments.register()
    let entries: [[String: Any]] = Registry.shared.allSpecs.map { spec in
        [
            "id": spec.id, "max_episode_steps": spec.maxEpisodeSteps.map { $0 as Any } ?? NSNull(),
            "reward_threshold": spec.rewardThreshold.map { $0 as Any } ?? NSNull(), "summary": spec.summary,
        ]
    }
    return cString(jsonText(entries))
}

/// Makes environment `id` as `make` does (TimeLimit, OrderEnforcing), with options as a JSON object and
/// a render mode ("rgb_array", or null for none). Returns a handle, or null (see `swiftrl_last_error`).
@_cdecl("swiftrl_env_make")
public func swiftrl_env_make(
    _ id: UnsafePointer<CChar>, _ optionsJSON: UnsafePointer<CChar>?,
    _ renderMode: UnsafePointer<CChar>?
) -> UnsafeMutableRawPointer? {
    BundledEnvironments.register()
    do {
        let identifier = String(cString: id)
        var mode: RenderMode?
        if let renderMode {
            let text = String(cString: renderMode)
            guard let parsed = RenderMode(rawValue: text), parsed == .rgbArray else {
                throw GymError.invalidOption("render_mode '\(text)' is not available from Python: use 'rgb_array' (or None)")
            }
            mode = parsed
        }
        let environment = try make(identifier, options: try options(fromJSON: optionsJSON), renderMode: mode)
        return Unmanaged.passRetained(EnvironmentHandle(id: identifier, environment: environment)).toOpaque()
    } catch {
        remember(error)
        return nil
    }
}

/// {"observation_space", "action_space", "render_modes", "render_fps", "max_episode_steps", "reward_threshold"}.
@_cdecl("swiftrl_env_spaces_json")
public func swiftrl_env_spaces_json(_ handle: UnsafeMutableRawPointer) -> UnsafeMutablePointer<CChar> {
    let object = environmentHandle(handle)
    let spec = try? Registry.shared.spec(object.id)
    let environment = object.environment
    return cString(
        jsonText(
            [
                "observation_space": spaceObject(environment.observationSpace), "action_space": spaceObject(environment.actionSpace),
                "render_modes": environment.metadata.renderModes.map(\.rawValue), "render_fps": environment.metadata.renderFPS,
                "max_episode_steps": spec?.maxEpisodeSteps.map { $0 as Any } ?? NSNull(),
                "reward_threshold": spec?.rewardThreshold.map { $0 as Any } ?? NSNull(),
                "observation_bytes": observationByteCount(environment.observationSpace),
            ] as [String: Any]))
}

/// The bytes one observation of `space` takes in the ABI layout.
func observationByteCount(_ space: Space) -> Int {
    switch space {
    case .box(let box) where box.dtype == .uint8: return box.count
    case .dict(let dict): return dict.spaces.reduce(0) { $0 + observationByteCount($1.space) }
    case .tuple(let tuple): return tuple.spaces.reduce(0) { $0 + observationByteCount($1) }
    default: return space.flatCount * MemoryLayout<Float>.size
    }
}

/// Resets (with `seed` when `hasSeed` is not 0; options as JSON or null), writes the observation to
/// `observation` and, when `info` is not null, the info as JSON (null when empty) to `*info`.
@_cdecl("swiftrl_env_reset")
public func swiftrl_env_reset(
    _ handle: UnsafeMutableRawPointer, _ seed: Int64, _ hasSeed: Int32, _ optionsJSON: UnsafePointer<CChar>?,
    _ observation: UnsafeMutableRawPointer,
    _ info: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    let object = environmentHandle(handle)
    return reportingErrors {
        let result = try object.environment.reset(
            seed: hasSeed != 0 ? Int(seed) : nil, options: try options(fromJSON: optionsJSON),
            into: object.observation)
        copyObservation(object.observation, to: observation)
        infoJSON(result, into: info)
    }
}

/// Steps with a discrete action (`continuous` null) or `continuousCount` Float32 values, writing the
/// observation, reward, flags and (optionally) the info JSON.
@_cdecl("swiftrl_env_step")
public func swiftrl_env_step(
    _ handle: UnsafeMutableRawPointer, _ discrete: Int64, _ continuous: UnsafePointer<Float>?,
    _ continuousCount: Int32, _ observation: UnsafeMutableRawPointer, _ reward: UnsafeMutablePointer<Double>,
    _ terminated: UnsafeMutablePointer<UInt8>, _ truncated: UnsafeMutablePointer<UInt8>,
    _ info: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    let object = environmentHandle(handle)
    return reportingErrors {
        let action: Action
        if let continuous {
            let count = Int(continuousCount)
            if object.continuousScratch.count != count { object.continuousScratch = Array(repeating: 0, count: max(count, 0)) }
            for index in 0..<count { object.continuousScratch[index] = continuous[index] }
            action = .continuous(object.continuousScratch)
        } else {
            action = .discrete(Int(discrete))
        }
        let result = try object.environment.step(action, into: object.observation)
        copyObservation(object.observation, to: observation)
        reward.pointee = result.reward
        terminated.pointee = result.terminated ? 1 : 0
        truncated.pointee = result.truncated ? 1 : 0
        infoJSON(result.info, into: info)
    }
}

/// Renders the current frame (rgb_array mode); `*pixels` points at height x width x 3 bytes the handle
/// keeps until the next render. Returns -1 when the environment was made without a render mode.
@_cdecl("swiftrl_env_render")
public func swiftrl_env_render(
    _ handle: UnsafeMutableRawPointer, _ pixels: UnsafeMutablePointer<UnsafePointer<UInt8>?>,
    _ width: UnsafeMutablePointer<Int32>, _ height: UnsafeMutablePointer<Int32>
) -> Int32 {
    let object = environmentHandle(handle)
    return reportingErrors {
        guard let frame = try object.environment.render() else {
            throw GymError.invalidOption("\(object.id) was made without render_mode: make it with render_mode='rgb_array' to render")
        }
        width.pointee = Int32(frame.width)
        height.pointee = Int32(frame.height)
        pixels.pointee = object.keep(frame)
    }
}

/// Closes the environment and frees the handle.
@_cdecl("swiftrl_env_free")
public func swiftrl_env_free(_ handle: UnsafeMutableRawPointer) {
    let object = Unmanaged<EnvironmentHandle>.fromOpaque(handle)
    object.takeUnretainedValue().environment.close()
    object.release()
}
