import ArgumentParser
import Gym

/// `swiftrl envs check`: runs the environment checker on one id or on all of them.
struct CheckEnvironments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that environments follow the API (exit status 0 when every check passes).")

    @Argument(help: "The environment id (see `swiftrl envs list`).")
    var id: String?

    @Flag(help: "Check every registered environment.")
    var all = false

    @Option(parsing: .unconditional, help: "Random steps per stepping check.")
    var steps = 200

    func validate() throws {
        if all == (id != nil) { throw ValidationError("give exactly one of an environment id or --all") }
        if steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
    }

    func run() throws {
        registerBundledEnvironments()
        let ids = all ? Registry.shared.ids : [id!]
        if let id { _ = try Registry.shared.spec(id) }
        var failures = 0
        for id in ids {
            let results = EnvironmentChecker.check(id: id, steps: steps)
            let failed = results.filter { !$0.passed }
            failures += failed.count
            print("\(id): \(failed.isEmpty ? "all \(results.count) checks passed" : "\(failed.count) of \(results.count) checks failed")")
            for result in results {
                print("  \(result.passed ? "pass" : "FAIL")  \(result.name): \(result.message)")
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }
}
