import ArgumentParser

/// `swiftrl envs`: list, check, benchmark and roll out the registered environments.
struct EnvsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envs",
        abstract: "List, check, benchmark and roll out environments.",
        subcommands: [
            ListEnvironments.self, CheckEnvironments.self, BenchEnvironments.self, BenchThreadScaling.self, RolloutEnvironment.self,
            RenderEnvironment.self,
            PlayEnvironment.self, HeuristicEnvironment.self,
        ])
}
