import ArgumentParser
import Box2DEnvs
import Foundation
import Gym

/// `swiftrl envs heuristic`: runs an environment's reference heuristic controller over many seeds.
struct HeuristicEnvironment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heuristic",
        abstract: "Run Gymnasium's heuristic controller (LunarLander ids) over seeds 0..<N and print the return distribution.")

    @Argument(help: "LunarLander-v3 or LunarLanderContinuous-v3.")
    var id: String

    @Option(help: "Episodes (seeds 0 ..< N).")
    var episodes = 100

    func run() throws {
        registerBundledEnvironments()
        guard id.hasPrefix("LunarLander") else { throw ValidationError("no heuristic controller for \(id): use LunarLander-v3 or LunarLanderContinuous-v3") }
        let continuous = id.contains("Continuous")
        var returns: [Double] = []
        for seed in 0..<episodes {
            let environment = try make(id)
            var observation = try environment.reset(seed: seed).observation.floats
            var total = 0.0
            while true {
                let transition = try environment.step(LunarLander.heuristic(observation, continuous: continuous))
                total += transition.reward
                observation = transition.observation.floats
                if transition.terminated || transition.truncated { break }
            }
            returns.append(total)
        }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let deviation = (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count)).squareRoot()
        let solved = Double(returns.filter { $0 >= 200 }.count) / Double(returns.count) * 100
        print("\(id) heuristic over \(episodes) seeds: mean \(String(format: "%.1f", mean)) +- \(String(format: "%.1f", deviation)), \(String(format: "%.0f", solved))% of episodes >= 200, min \(String(format: "%.0f", returns.min() ?? 0)), max \(String(format: "%.0f", returns.max() ?? 0))")
    }
}
