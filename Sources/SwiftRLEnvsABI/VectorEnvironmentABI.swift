import BundledEnvs
import Dispatch
import Foundation
import Gym
import Synchronization

/// A vector environment behind a C handle. Observations are written straight into the caller's
/// memory (`observations`, one row per environment); rewards and flags are copied into the caller's
/// arrays after each step; `send` runs a step on a background queue and `receive` waits for it.
final class VectorHandle: @unchecked Sendable {
    let vector: VectorEnvironment
    let rewards: UnsafeMutablePointer<Double>
    let terminated: UnsafeMutablePointer<UInt8>, truncated: UnsafeMutablePointer<UInt8>
    let finalObservation: UnsafeMutableRawPointer?, hasFinalObservation: UnsafeMutablePointer<UInt8>?
    var discreteScratch: [Int]
    var continuousScratch: [Float]
    let isDiscrete: Bool
    let queue = DispatchQueue(label: "swiftrl.vector")
    let pending = DispatchGroup()
    var pendingError: (any Error)?
    var isPending = false
    /// The actions of a pending step, copied so the caller may reuse its array at once.
    let pendingActions: UnsafeMutableRawPointer

    init(
        vector: VectorEnvironment, rewards: UnsafeMutablePointer<Double>, terminated: UnsafeMutablePointer<UInt8>,
        truncated: UnsafeMutablePointer<UInt8>, finalObservation: UnsafeMutableRawPointer?,
        hasFinalObservation: UnsafeMutablePointer<UInt8>?
    ) {
        self.vector = vector
        self.rewards = rewards
        self.terminated = terminated
        self.truncated = truncated
        self.finalObservation = finalObservation
        self.hasFinalObservation = hasFinalObservation
        if case .discrete = vector.singleActionSpace { isDiscrete = true } else { isDiscrete = false }
        discreteScratch = Array(repeating: 0, count: vector.count)
        continuousScratch = Array(repeating: 0, count: vector.count * vector.singleActionSpace.flatCount)
        actionByteCount = isDiscrete ? discreteScratch.count * MemoryLayout<Int64>.size : continuousScratch.count * MemoryLayout<Float>.size
        pendingActions = .allocate(byteCount: max(actionByteCount, 1), alignment: 8)
    }

    deinit { pendingActions.deallocate() }

    /// The bytes of one batch of actions (Int64 indices or Float32 values).
    let actionByteCount: Int

    /// Steps with the actions at `actions` (Int64 indices or Float32 values, row after row).
    func step(_ actions: UnsafeRawPointer) throws {
        // One pass over the scratch arrays through their buffers (no per-element uniqueness checks).
        if isDiscrete {
            let indices = actions.assumingMemoryBound(to: Int64.self)
            discreteScratch.withUnsafeMutableBufferPointer { scratch in
                for index in scratch.indices { scratch[index] = Int(indices[index]) }
            }
            try vector.step(discreteActions: discreteScratch)
        } else {
            let values = actions.assumingMemoryBound(to: Float.self)
            continuousScratch.withUnsafeMutableBufferPointer { scratch in
                scratch.baseAddress!.update(from: values, count: scratch.count)
            }
            try vector.step(continuousActions: continuousScratch)
        }
        publish()
    }

    /// Copies rewards, flags and final observations into the caller's arrays.
    func publish() {
        let stepRewards = vector.rewards, terminations = vector.terminations, truncations = vector.truncations
        for index in 0..<vector.count {
            rewards[index] = stepRewards[index]
            terminated[index] = terminations[index] ? 1 : 0
            truncated[index] = truncations[index] ? 1 : 0
        }
        if let finalObservation, let hasFinalObservation {
            let rowBytes = observationByteCount(vector.singleObservationSpace)
            for index in 0..<vector.count {
                hasFinalObservation[index] = vector.hasFinalObservation[index] ? 1 : 0
                if vector.hasFinalObservation[index] {
                    copyObservation(vector.finalObservations.row(index), to: finalObservation + index * rowBytes)
                }
            }
        }
    }

    /// Waits for a step started by `send`; rethrows its error.
    func waitForPending() throws {
        guard isPending else { return }
        pending.wait()
        isPending = false
        if let error = pendingError {
            pendingError = nil
            throw error
        }
    }
}

func vectorHandle(_ pointer: UnsafeMutableRawPointer) -> VectorHandle {
    Unmanaged<VectorHandle>.fromOpaque(pointer).takeUnretainedValue()
}

/// Makes `count` copies of environment `id` stepped as one batch on `threads` threads (1: on the calling
/// thread), with autoreset mode 0 next_step, 1 same_step or 2 disabled. The caller's memory, kept alive
/// as long as the handle: `observations` (count rows in the ABI layout of a space without entries),
/// `rewards` (count Float64), `terminated` and `truncated` (count bytes); in same_step mode optionally
/// `finalObservations` (count rows) and `hasFinalObservation` (count bytes). Returns null on failure.
@_cdecl("swiftrl_vec_make")
public func swiftrl_vec_make(
    _ id: UnsafePointer<CChar>, _ optionsJSON: UnsafePointer<CChar>?, _ count: Int32, _ threads: Int32,
    _ autoresetMode: Int32, _ observations: UnsafeMutableRawPointer, _ rewards: UnsafeMutablePointer<Double>,
    _ terminated: UnsafeMutablePointer<UInt8>, _ truncated: UnsafeMutablePointer<UInt8>,
    _ finalObservations: UnsafeMutableRawPointer?, _ hasFinalObservation: UnsafeMutablePointer<UInt8>?
)
    -> UnsafeMutableRawPointer?
{
    BundledEnvironments.register()
    do {
        // 10^8 environments would be made one by one until memory ran out.
        guard (1...65536).contains(count) else { throw GymError.invalidArgument("num_envs must be in 1...65536, got \(count)") }
        guard (1...256).contains(threads) else { throw GymError.invalidArgument("num_threads must be in 1...256, got \(threads)") }
        let modes: [AutoresetMode] = [.nextStep, .sameStep, .disabled]
        guard (0..<3).contains(Int(autoresetMode)) else {
            throw GymError.invalidArgument("autoreset mode \(autoresetMode) is not 0, 1 or 2")
        }
        let identifier = String(cString: id)
        let environmentOptions = try options(fromJSON: optionsJSON)
        let environments = try (0..<Int(count)).map { _ in try make(identifier, options: environmentOptions) }
        let space = environments[0].observationSpace
        let buffer: ObservationBuffer
        switch space {
        case .box(let box) where box.dtype == .uint8:
            buffer = try ObservationBuffer(
                space: space, rows: Int(count), wrappingFloats: nil,
                bytes: observations.assumingMemoryBound(to: UInt8.self))
        case .dict, .tuple:
            throw GymError.invalidArgument(
                "\(identifier) has \(space) observations: the vector environment takes spaces without entries (use the single environment)")
        default:
            buffer = try ObservationBuffer(
                space: space, rows: Int(count), wrappingFloats: observations.assumingMemoryBound(to: Float.self),
                bytes: nil)
        }
        let execution: VectorExecution = threads == 1 ? .synchronous : .threaded(threads: Int(threads))
        let vector = try VectorEnvironment(
            environments: environments, autoresetMode: modes[Int(autoresetMode)], execution: execution,
            observations: buffer)
        let handle = VectorHandle(
            vector: vector, rewards: rewards, terminated: terminated, truncated: truncated,
            finalObservation: finalObservations, hasFinalObservation: hasFinalObservation)
        return Unmanaged.passRetained(handle).toOpaque()
    } catch {
        remember(error)
        return nil
    }
}

/// Resets every sub-environment (sub-environment i gets seed + i when `hasSeed` is not 0).
@_cdecl("swiftrl_vec_reset")
public func swiftrl_vec_reset(_ handle: UnsafeMutableRawPointer, _ seed: Int64, _ hasSeed: Int32) -> Int32 {
    let object = vectorHandle(handle)
    return reportingErrors {
        try object.waitForPending()
        try object.vector.reset(seed: hasSeed != 0 ? Int(seed) : nil)
        object.publish()
    }
}

/// Resets sub-environment `index` (autoreset mode disabled), its row of observations included.
@_cdecl("swiftrl_vec_reset_one")
public func swiftrl_vec_reset_one(_ handle: UnsafeMutableRawPointer, _ index: Int32, _ seed: Int64, _ hasSeed: Int32) -> Int32 {
    let object = vectorHandle(handle)
    return reportingErrors {
        try object.waitForPending()
        try object.vector.reset(at: Int(index), seed: hasSeed != 0 ? Int(seed) : nil)
    }
}

/// Steps every sub-environment with `actions` (count Int64 indices, or count x action-size Float32).
@_cdecl("swiftrl_vec_step")
public func swiftrl_vec_step(_ handle: UnsafeMutableRawPointer, _ actions: UnsafeRawPointer) -> Int32 {
    let object = vectorHandle(handle)
    return reportingErrors {
        try object.waitForPending()
        try object.step(actions)
    }
}

/// Starts a step with `actions` (copied before it returns) and returns at once (EnvPool's send).
@_cdecl("swiftrl_vec_send")
public func swiftrl_vec_send(_ handle: UnsafeMutableRawPointer, _ actions: UnsafeRawPointer) -> Int32 {
    let object = vectorHandle(handle)
    return reportingErrors {
        try object.waitForPending()
        object.pendingActions.copyMemory(from: actions, byteCount: object.actionByteCount)
        object.isPending = true
        object.queue.async(group: object.pending) {
            do { try object.step(UnsafeRawPointer(object.pendingActions)) } catch { object.pendingError = error }
        }
    }
}

/// Waits for the step `send` started (EnvPool's recv); the results are then in the caller's arrays.
@_cdecl("swiftrl_vec_recv")
public func swiftrl_vec_recv(_ handle: UnsafeMutableRawPointer) -> Int32 {
    let object = vectorHandle(handle)
    return reportingErrors {
        guard object.isPending else { throw GymError.invalidArgument("recv without a send: call send(actions) first") }
        try object.waitForPending()
    }
}

/// The info of sub-environment `index` from the latest step or reset, as JSON (null when empty).
@_cdecl("swiftrl_vec_info_json")
public func swiftrl_vec_info_json(_ handle: UnsafeMutableRawPointer, _ index: Int32) -> UnsafeMutablePointer<CChar>? {
    let info = vectorHandle(handle).vector.infos[Int(index)]
    return info.isEmpty ? nil : cString(jsonText(infoObject(info)))
}

/// Waits for a pending step, closes the sub-environments and frees the handle.
@_cdecl("swiftrl_vec_free")
public func swiftrl_vec_free(_ handle: UnsafeMutableRawPointer) {
    let object = Unmanaged<VectorHandle>.fromOpaque(handle)
    try? object.takeUnretainedValue().waitForPending()
    object.takeUnretainedValue().vector.close()
    object.release()
}
