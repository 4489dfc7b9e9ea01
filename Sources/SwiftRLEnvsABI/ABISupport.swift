import Foundation
import Gym
import Synchronization

// The C ABI of SwiftRL's environments (libswiftrl_envs.so), for Python (the swiftrl_envs package,
// through ctypes) and any other language with a C foreign-function interface.
//
// Conventions: functions that can fail return 0 on success and -1 on failure, or a null handle;
// `swiftrl_last_error()` then gives the message (the process's most recent failure). Strings returned
// as `char *` are UTF-8 JSON owned by the caller, freed with `swiftrl_free_string`. Observations are
// written into memory the caller owns: Float32 values for Float32 boxes, Discrete, MultiDiscrete and
// MultiBinary spaces; bytes for UInt8 boxes; the entries one after another, in the order the spaces
// JSON lists them, for Dict spaces. Handles are not thread-safe: use one from one thread at a time.

/// The most recent failure's message.
let lastError = Mutex<String>("")

/// Keeps the last error's C string alive until the next call of `swiftrl_last_error`.
let lastErrorText = Mutex<UnsafeMutablePointer<CChar>?>(nil)

/// Runs `body`; returns 0, or -1 with its error stored for `swiftrl_last_error`.
func reportingErrors(_ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return 0
    } catch {
        lastError.withLock { $0 = "\(error)" }
        return -1
    }
}

/// The error text of a failure.
func remember(_ error: any Error) {
    lastError.withLock { $0 = "\(error)" }
}

/// A caller-owned copy of `text` (freed by `swiftrl_free_string`).
func cString(_ text: String) -> UnsafeMutablePointer<CChar> {
    strdup(text)!
}

/// JSON text of a JSON-compatible value (dictionaries, arrays, strings, numbers, booleans, NSNull).
func jsonText(_ object: Any) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "null" }
    return String(decoding: data, as: UTF8.self)
}

/// A Float32 bound as JSON: the number, or "inf" / "-inf" / "nan" (JSON has no infinities).
func jsonNumber(_ value: Float) -> Any {
    if value.isFinite { return Double(value) }
    return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf")
}

/// A space as JSON: {"type": "box", "shape", "low", "high", "dtype"}, {"type": "discrete", "n", "start"},
/// {"type": "multi_discrete", "nvec"}, {"type": "multi_binary", "shape"}, {"type": "dict", "spaces": [[key, space], ...]}.
func spaceObject(_ space: Space) -> [String: Any] {
    switch space {
    case .box(let box):
        return [
            "type": "box", "shape": box.shape, "low": box.low.map(jsonNumber), "high": box.high.map(jsonNumber),
            "dtype": box.dtype == .uint8 ? "uint8" : "float32",
        ]
    case .discrete(let discrete):
        return ["type": "discrete", "n": discrete.n, "start": discrete.start]
    case .multiDiscrete(let multi):
        return ["type": "multi_discrete", "nvec": multi.nvec]
    case .multiBinary(let binary):
        return ["type": "multi_binary", "shape": binary.shape]
    case .dict(let dict):
        return ["type": "dict", "spaces": dict.spaces.map { [$0.key, spaceObject($0.space)] as [Any] }]
    case .tuple(let tuple):
        return ["type": "tuple", "spaces": tuple.spaces.map(spaceObject)]
    }
}

/// An info value as JSON.
func infoObject(_ info: Info) -> [String: Any] {
    var object: [String: Any] = [:]
    for (key, value) in info.values { object[key] = infoValueObject(value) }
    return object
}

private func infoValueObject(_ value: InfoValue) -> Any {
    switch value {
    case .bool(let value): return value
    case .int(let value): return value
    case .double(let value): return value.isFinite ? value : (value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf"))
    case .string(let value): return value
    case .floats(let values): return values.map(jsonNumber)
    case .value(let value): return spaceValueObject(value)
    case .info(let info): return infoObject(info)
    }
}

private func spaceValueObject(_ value: SpaceValue) -> Any {
    switch value {
    case .float32(let values): return values.map(jsonNumber)
    case .uint8(let values): return values.map(Int.init)
    case .int(let value): return value
    case .ints(let values): return values
    case .dict(let values): return values.mapValues(spaceValueObject)
    case .tuple(let values): return values.map(spaceValueObject)
    }
}

/// Parses options JSON ({"key": value}) into environment options.
func options(fromJSON text: UnsafePointer<CChar>?) throws -> Options {
    guard let text else { return [:] }
    let data = Data(String(cString: text).utf8)
    if data.isEmpty { return [:] }
    do {
        return try JSONDecoder().decode([String: OptionJSONValue].self, from: data).mapValues(\.option)
    } catch {
        throw GymError.invalidOption("options must be a JSON object of names to booleans, numbers or strings, got \(String(cString: text))")
    }
}

/// One option value in JSON, decoded strictly (true stays a boolean, 3 an integer).
private struct OptionJSONValue: Decodable {
    let option: OptionValue

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            option = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            option = .int(value)
        } else if let value = try? container.decode(Double.self) {
            option = .double(value)
        } else {
            option = .string(try container.decode(String.self))
        }
    }
}

/// Copies an observation buffer (one row) into caller memory in the ABI layout; returns bytes written.
@discardableResult
func copyObservation(_ buffer: ObservationBuffer, to target: UnsafeMutableRawPointer) -> Int {
    var offset = 0
    if buffer.floats.count > 0 {
        let count = buffer.floats.count * MemoryLayout<Float>.size
        (target + offset).copyMemory(from: buffer.floats.baseAddress!, byteCount: count)
        offset += count
    }
    if buffer.bytes.count > 0 {
        (target + offset).copyMemory(from: buffer.bytes.baseAddress!, byteCount: buffer.bytes.count)
        offset += buffer.bytes.count
    }
    for entry in buffer.entries { offset += copyObservation(entry.buffer, to: target + offset) }
    return offset
}

/// The message of the most recent failure (valid until the next call).
@_cdecl("swiftrl_last_error")
public func swiftrl_last_error() -> UnsafePointer<CChar>? {
    let text = lastError.withLock { $0 }
    return lastErrorText.withLock { stored in
        free(stored)
        stored = strdup(text)
        return UnsafePointer(stored)
    }
}

/// Frees a string this library returned.
@_cdecl("swiftrl_free_string")
public func swiftrl_free_string(_ text: UnsafeMutablePointer<CChar>?) {
    free(text)
}

/// The ABI's version: 1. A caller checks it before anything else.
@_cdecl("swiftrl_abi_version")
public func swiftrl_abi_version() -> Int32 { 1 }
