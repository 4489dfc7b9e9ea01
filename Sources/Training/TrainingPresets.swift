import Agents
import ConfigPresets
import Foundation
import Synchronization

/// Training presets (`key = value` files for one algorithm on one environment): the ones bundled in
/// assets/configs/presets and the ones a package registers for its own environments, so that
/// `train ppo --env Corridor-v0` starts from sensible settings for that environment.
public enum TrainingPresets {
    private static let registered = Mutex<[String: ConfigurationFile]>([:])

    /// Adds preset `name` from config-file text; it must set `algorithm` and `env`, and its name must be new.
    public static func register(name: String, text: String) throws {
        let file = try ConfigurationFile(text: text, source: "preset \(name)")
        guard file.value(of: "algorithm") != nil, file.value(of: "env") != nil else {
            throw ConfigurationError.syntax("preset \(name) must set algorithm and env (the pair it is for)")
        }
        _ = try RunConfiguration(algorithm: file.value(of: "algorithm")!).applying(file)
        try registered.withLock { table in
            if table[name] != nil || ConfigPresets.url(named: name) != nil {
                throw ConfigurationError.badValue("a preset named \(name) already exists: pick another name")
            }
            table[name] = file
        }
    }

    /// The names of the presets bundled with SwiftRL, sorted.
    public static var bundledNames: [String] { ConfigPresets.names }

    /// Every preset name, bundled and registered, sorted.
    public static var names: [String] {
        (ConfigPresets.names + registered.withLock { Array($0.keys) }).sorted()
    }

    /// Preset `name`, if there is one.
    public static func file(named name: String) throws -> ConfigurationFile? {
        if let file = registered.withLock({ $0[name] }) { return file }
        guard let url = ConfigPresets.url(named: name) else { return nil }
        return try ConfigurationFile(contentsOf: url)
    }

    /// The preset for `algorithm` on `environment` (a preset whose lines say so), if any.
    public static func file(algorithm: String, environment: String) -> ConfigurationFile? {
        for name in names {
            guard let file = try? file(named: name) else { continue }
            if file.value(of: "algorithm") == algorithm && file.value(of: "env") == environment { return file }
        }
        return nil
    }
}

extension RunConfiguration {
    /// This configuration with `file` applied (for checking a preset).
    func applying(_ file: ConfigurationFile) throws -> RunConfiguration {
        var copy = self
        try copy.apply(file)
        return copy
    }
}
