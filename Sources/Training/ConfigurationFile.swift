import Foundation
import Agents

/// A config file: `key = value` lines, `#` comments, blank lines ignored (assets/configs/presets/*.conf).
public struct ConfigurationFile: Sendable {
    /// Each assignment with its line number, in file order.
    public var entries: [(key: String, value: String, line: Int)]
    /// Where it came from (for errors).
    public var source: String

    /// Parses `text`; throws naming the source and line of a malformed line or repeated key.
    public init(text: String, source: String) throws {
        self.source = source
        entries = []
        var seen = Set<String>()
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw ConfigurationError.syntax("\(source):\(offset + 1): expected 'key = value', got '\(trimmed)'")
            }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, !value.isEmpty else {
                throw ConfigurationError.syntax("\(source):\(offset + 1): expected 'key = value', got '\(trimmed)'")
            }
            guard seen.insert(key).inserted else {
                throw ConfigurationError.syntax("\(source):\(offset + 1): '\(key)' is set twice")
            }
            entries.append((key, value, offset + 1))
        }
    }

    /// Reads and parses a file; throws naming the path when it cannot be read.
    public init(contentsOf url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError.syntax(
                "cannot read the config file \(url.path): check the path (bundled presets: swiftrl train --list-presets)")
        }
        try self.init(text: text, source: url.path)
    }

    /// The value of `key`, if set.
    public func value(of key: String) -> String? { entries.first { $0.key == key }?.value }
}
