import ArgumentParser
import Box2DEnvs
import Foundation
import Gym

/// `swiftrl envs heuristic`: runs an environment's reference heuristic controller over many seeds.
struct HeuristicEnvironment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heuristic",
        abstract:
            "Run Gymnasium's heuristic controller (LunarLander and BipedalWalker ids) over seeds 0..<N and print the return distribution.")

    @Argument(help: "LunarLander-v3, LunarLanderContinuous-v3, BipedalWalker-v3 or BipedalWalkerHardcore-v3.")
    var id: String

    @Option(parsing: .unconditional, help: "Episodes (seeds 0 ..< N).")
    var episodes = 100

    func validate() throws {
        if !(1...100_000).contains(episodes) { throw ValidationError("--episodes must be in 1...100000, got \(episodes)") }
    }

    func run() throws {
        registerBundledEnvironments()
        guard id.hasPrefix("LunarLander") || id.hasPrefix("BipedalWalker") else {
            throw ValidationError("no heuristic controller for \(id): use a LunarLander or BipedalWalker id")
        }
        let continuous = id.contains("Continuous")
        var returns: [Double] = []
        for seed in 0..<episodes {
            let environment = try make(id)
            var observation = try environment.reset(seed: seed).observation.floats
            var total = 0.0
            let walker = BipedalWalker.Heuristic()
            while true {
                let action =
                    id.hasPrefix("BipedalWalker") ? walker.action(observation) : LunarLander.heuristic(observation, continuous: continuous)
                let transition = try environment.step(action)
                total += transition.reward
                observation = transition.observation.floats
                if transition.terminated || transition.truncated { break }
            }
            returns.append(total)
        }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let deviation = (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count)).squareRoot()
        let sorted = returns.sorted()
        let median = sorted[sorted.count / 2]
        let threshold = id.hasPrefix("BipedalWalker") ? 300.0 : 200.0
        let atThreshold = Double(returns.filter { $0 >= threshold }.count) / Double(returns.count) * 100
        print(
            "\(id) heuristic over \(episodes) seeds: mean \(String(format: "%.1f", mean)) +- \(String(format: "%.1f", deviation)), median \(String(format: "%.1f", median)), \(String(format: "%.0f", atThreshold))% of episodes >= \(Int(threshold)), min \(String(format: "%.0f", returns.min() ?? 0)), max \(String(format: "%.0f", returns.max() ?? 0))"
        )
    }
}
