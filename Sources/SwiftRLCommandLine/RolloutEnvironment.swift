import ArgumentParser
import Foundation
import Gym

/// `swiftrl envs rollout`: one seeded trajectory as JSON, to compare dynamics with other implementations.
struct RolloutEnvironment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Roll out an environment and print the trajectory as JSON.",
        discussion: """
            The output has id, seed, observations (steps + 1 of them, the reset observation first), actions, \
            rewards, terminated and truncated. When an episode ends the environment is reset and the new start \
            observation is listed under resets as {step, observation}.
            """)

    @Argument(help: "The environment id (see `swiftrl envs list`).")
    var id: String

    @Option(help: "The reset seed.")
    var seed: Int = 0

    @Option(parsing: .unconditional, help: "Number of steps.")
    var steps: Int

    // Unconditional parsing: a list that starts with a minus sign ("-1,0.5") is the value, not a flag.
    @Option(
        parsing: .unconditional,
        help:
            "Actions, one per step: a JSON array ([0,1,1] or [[0.5],[-1]]) or a comma-separated list of indices or numbers (-1,0.5 works without =)."
    )
    var actions: String?

    @Option(help: "The policy when --actions is not given: random (seeded by --seed).")
    var policy: String = "random"

    @Option(name: .customLong("option"), help: "An environment option, name=value (repeatable).")
    var options: [String] = []

    @Flag(help: "Print JSON (the only output format).")
    var json = false

    func validate() throws {
        if steps < 0 { throw ValidationError("--steps must be >= 0, got \(steps)") }
        if seed < 0 { throw ValidationError("--seed must be >= 0, got \(seed)") }
        if actions == nil && policy != "random" {
            throw ValidationError("unknown --policy '\(policy)': use --policy random or give --actions")
        }
    }

    func run() throws {
        registerBundledEnvironments()
        let environment = try make(id, options: try parseOptions(options))
        defer { environment.close() }
        let actionList = try actions.map { try parseActions($0, space: environment.actionSpace) }
        if let actionList, actionList.count < steps {
            throw ValidationError("--actions gives \(actionList.count) actions for --steps \(steps): give one action per step")
        }
        var generator = RandomGenerator(seed: UInt64(seed))
        let buffer = ObservationBuffer(space: environment.observationSpace)
        _ = try environment.reset(seed: seed, options: [:], into: buffer)
        var observations: [JSONValue] = [JSONValue(buffer.value())]
        var taken: [JSONValue] = [], rewards: [JSONValue] = [], terminated: [JSONValue] = [], truncated: [JSONValue] = []
        var resets: [JSONValue] = []
        for step in 0..<steps {
            let action = actionList?[step] ?? environment.actionSpace.sampleAction(using: &generator)
            let result = try environment.step(action, into: buffer)
            observations.append(JSONValue(buffer.value()))
            taken.append(JSONValue(action.spaceValue))
            rewards.append(.number(result.reward))
            terminated.append(.bool(result.terminated))
            truncated.append(.bool(result.truncated))
            if (result.terminated || result.truncated) && step + 1 < steps {
                _ = try environment.reset(seed: nil, options: [:], into: buffer)
                resets.append(.object([("step", .integer(step + 1)), ("observation", JSONValue(buffer.value()))]))
            }
        }
        print(
            JSONValue.object([
                ("id", .string(id)), ("seed", .integer(seed)), ("observations", .array(observations)),
                ("actions", .array(taken)), ("rewards", .array(rewards)), ("terminated", .array(terminated)),
                ("truncated", .array(truncated)), ("resets", .array(resets)),
            ]).text)
    }
}

/// Parses `--actions` text for `space`: a JSON array, or comma-separated indices or numbers.
func parseActions(_ text: String, space: Space) throws -> [Action] {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    var items: [Any]
    if trimmed.hasPrefix("[") {
        guard let data = trimmed.data(using: .utf8),
            let parsed = try? JSONSerialization.jsonObject(with: data) as? [Any]
        else {
            throw ValidationError("--actions is not a valid JSON array: \(text)")
        }
        items = parsed
    } else {
        items = trimmed.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
    }
    return try items.enumerated().map { index, item in
        let action: Action
        switch space {
        case .discrete:
            if let value = item as? Int {
                action = .discrete(value)
            } else if let text = item as? String, let value = Int(text) {
                action = .discrete(value)
            } else {
                throw ValidationError("action \(index) ('\(item)') is not an integer; \(space) takes indices")
            }
        case .box:
            if let values = item as? [Double] {
                action = .continuous(values.map(Float.init))
            } else if let value = item as? Double {
                action = .continuous([Float(value)])
            } else if let text = item as? String, let value = Float(text) {
                action = .continuous([value])
            } else {
                throw ValidationError("action \(index) ('\(item)') is not a number or an array of numbers; \(space) takes vectors")
            }
        default:
            throw ValidationError("the action space \(space) has no CLI form")
        }
        try space.validate(action: action)
        return action
    }
}
