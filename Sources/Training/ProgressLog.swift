import Foundation

/// progress.csv: one row per progress report and per evaluation, with a fixed header; each row is
/// written with one write and flushed, so a kill never leaves half a row.
public final class ProgressLog {
    /// The file.
    public let url: URL
    /// The column names.
    public let columns: [String]
    private let handle: FileHandle

    /// Opens (or creates) `url` with `columns`. When resuming, rows after `resumeStep` are dropped
    /// (they belong to the part of the run being redone); the file is rewritten atomically.
    public init(url: URL, columns: [String], resumeStep: Int?) throws {
        self.url = url
        self.columns = columns
        let header = columns.joined(separator: ",") + "\n"
        var content = header
        if let resumeStep, let existing = try? String(contentsOf: url, encoding: .utf8) {
            let lines = existing.split(separator: "\n")
            if let first = lines.first, String(first) + "\n" == header {
                for line in lines.dropFirst() {
                    guard let step = Int(line.split(separator: ",", omittingEmptySubsequences: false).first ?? "") else { continue }
                    if step <= resumeStep { content += line + "\n" }
                }
            }
        }
        do { try Data(content.utf8).write(to: url, options: .atomic) } catch {
            throw TrainingError.unwritable(
                "cannot write \(url.path): \(error.localizedDescription); make the run folder writable or choose another --run-dir")
        }
        guard let handle = try? FileHandle(forWritingTo: url) else {
            throw TrainingError.unwritable("cannot open \(url.path) for writing")
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    /// A log appending to an open `handle` (tests hand in /dev/full to play a full disk).
    init(url: URL, columns: [String], handle: FileHandle) {
        self.url = url
        self.columns = columns
        self.handle = handle
    }

    /// Appends a row; missing columns are left empty. A row that cannot be written whole is cut off
    /// again, and the error names the file and the fix.
    public func append(_ values: [String: Double]) throws {
        let row =
            columns.map { column -> String in
                guard let value = values[column] else { return "" }
                if column == "seconds" { return String(format: "%.3f", value) }
                if value == value.rounded() && Swift.abs(value) < 1e15 { return String(Int(value)) }
                return String(format: "%.6g", value)
            }.joined(separator: ",") + "\n"
        let end = try handle.offset()
        do { try handle.write(contentsOf: Data(row.utf8)) } catch {
            try? handle.truncate(atOffset: end)
            throw TrainingError.unwritable(
                "cannot append to \(url.path): \(error.localizedDescription); free disk space and continue with --resume")
        }
    }

    /// Closes the file.
    public func close() { try? handle.close() }
}

/// The live progress line: rewritten in place on a terminal, plain lines otherwise (CI logs).
public final class ProgressLine {
    private let isTerminal: Bool
    private var lastLength = 0

    /// A progress line on standard output; `forcePlain` prints plain lines even on a terminal.
    public init(forcePlain: Bool = false) {
        isTerminal = !forcePlain && isatty(STDOUT_FILENO) != 0
    }

    /// Shows `text` as the current progress.
    public func update(_ text: String) {
        if isTerminal {
            print("\r\u{1B}[K" + text, terminator: "")
            fflush(nil)
            lastLength = text.count
        } else {
            print(text)
            fflush(nil)
        }
    }

    /// Prints a line that stays (an evaluation, a checkpoint, a warning).
    public func message(_ text: String) {
        if isTerminal && lastLength > 0 { print("\r\u{1B}[K", terminator: "") }
        print(text)
        lastLength = 0
        fflush(nil)
    }

    /// Ends the in-place line.
    public func finish() {
        if isTerminal && lastLength > 0 { print("") }
        lastLength = 0
    }
}
