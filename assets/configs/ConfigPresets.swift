import Foundation

/// The training presets bundled in assets/configs/presets (algorithm x environment, one file each).
public enum ConfigPresets {
    /// The preset names (file names without .conf), sorted.
    public static var names: [String] {
        guard let folder = Bundle.module.url(forResource: "presets", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return files.filter { $0.hasSuffix(".conf") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The file of preset `name`, if bundled.
    public static func url(named name: String) -> URL? {
        guard let url = Bundle.module.url(forResource: "presets", withExtension: nil)?.appendingPathComponent("\(name).conf"),
              FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }
}
