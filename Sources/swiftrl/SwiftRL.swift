import ArgumentParser
import BundledEnvs
import Gym
import Viewer

/// The `swiftrl` command-line program.
@main
struct SwiftRL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftrl",
        abstract: "Native reinforcement-learning environments and agents in Swift.",
        version: "0.1.0",
        subcommands: [TrainCommand.self, EvalCommand.self, EnvsCommand.self, CheckpointCommand.self, BenchCommand.self])
}

/// Registers the bundled environments; every command that looks up ids calls it first.
func registerBundledEnvironments() {
    BundledEnvironments.register()
    HumanRendering.install()
}

/// Parses repeated `--option key=value` flags into environment options.
func parseOptions(_ pairs: [String]) throws -> Options {
    var options: Options = [:]
    for pair in pairs {
        guard let separator = pair.firstIndex(of: "="), separator != pair.startIndex else {
            throw ValidationError("option '\(pair)' is not key=value: write it as --option name=value")
        }
        options[String(pair[..<separator])] = OptionValue(parsing: String(pair[pair.index(after: separator)...]))
    }
    return options
}
