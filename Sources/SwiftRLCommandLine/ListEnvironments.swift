import ArgumentParser
import Gym

/// `swiftrl envs list`: the registered ids with their time limits, thresholds and spaces.
struct ListEnvironments: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the registered environments.")

    @Flag(help: "Print a JSON array of {id, max_episode_steps, reward_threshold, observation_space, action_space}.")
    var json = false

    func run() throws {
        registerBundledEnvironments()
        var rows: [JSONValue] = []
        var lines: [String] = []
        for spec in Registry.shared.allSpecs {
            let environment = try spec.entryPoint([:], nil)
            defer { environment.close() }
            rows.append(
                .object([
                    ("id", .string(spec.id)),
                    ("max_episode_steps", spec.maxEpisodeSteps.map { .integer($0) } ?? .null),
                    ("reward_threshold", spec.rewardThreshold.map { .number($0) } ?? .null),
                    ("observation_space", .string(environment.observationSpace.description)),
                    ("action_space", .string(environment.actionSpace.description)),
                    ("summary", .string(spec.summary)),
                ]))
            let limit = spec.maxEpisodeSteps.map(String.init) ?? "-"
            let threshold = spec.rewardThreshold.map { "\($0)" } ?? "-"
            lines.append(
                "\(spec.id.padding(toLength: 28, withPad: " ", startingAt: 0)) steps \(limit.padding(toLength: 6, withPad: " ", startingAt: 0)) solved \(threshold.padding(toLength: 7, withPad: " ", startingAt: 0)) \(spec.summary)\n    observation \(environment.observationSpace)\n    action      \(environment.actionSpace)"
            )
        }
        print(json ? JSONValue.array(rows).text : lines.joined(separator: "\n"))
    }
}
