import ArgumentParser
import BundledEnvs
import Foundation
import Gym
import Viewer

/// The `swiftrl` command tree (train, eval, plot, envs, ckpt, bench), as a library.
///
/// The `swiftrl` program is `SwiftRLCommand.main()`. A package with environments of its own
/// registers them first and then runs the same tree, so every subcommand works with its ids:
///
/// ```swift
/// import Gym
/// import SwiftRLCommandLine
///
/// try Registry.shared.register(EnvironmentSpec(id: "Corridor-v0", ...))
/// SwiftRLCommand.main()
/// ```
///
/// The bundled environments are registered as well; the command name in help and usage is the
/// running program's name.
public struct SwiftRLCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: programName,
        abstract: "Native reinforcement-learning environments and agents in Swift.",
        version: "0.2.0",
        subcommands: [
            TrainCommand.self, EvalCommand.self, PlotCommand.self, EnvsCommand.self, CheckpointCommand.self,
            BenchCommand.self,
        ])

    /// A command with no options (ArgumentParser fills it in from the arguments).
    public init() {}

    /// The running program's file name ("swiftrl", or a consumer's executable).
    static var programName: String {
        guard let path = CommandLine.arguments.first, !path.isEmpty else { return "swiftrl" }
        return URL(fileURLWithPath: path).lastPathComponent
    }
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
