import Foundation

/// The maze layouts bundled in assets/mazes/layouts (see assets/mazes/README.md).
public enum MazeLayouts {
    /// The layout names (file names without .txt), sorted.
    public static var names: [String] {
        guard let folder = Bundle.module.url(forResource: "layouts", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return files.filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// The file of layout `name`.
    public static func url(named name: String) -> URL? {
        Bundle.module.url(forResource: "layouts", withExtension: nil)?.appendingPathComponent("\(name).txt")
    }
}
