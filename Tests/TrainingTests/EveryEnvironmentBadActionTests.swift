import BundledEnvs
import Gym
import Random
import Testing

/// Every registered environment, given actions it cannot take (NaN, infinities, the wrong number of
/// values, indices outside its Discrete space, the wrong kind): each is a `GymError` naming the
/// action space, nothing traps, and the environment still steps with a valid action afterwards.
@Suite struct EveryEnvironmentBadActionTests {
    @Test func badActionsAreErrorsForEveryEnvironment() throws {
        BundledEnvironments.register()
        var generator = RandomGenerator(seed: 0)
        var checked = 0
        for id in Registry.shared.ids {
            let environment = try make(id)
            defer { environment.close() }
            _ = try environment.reset(seed: 0)
            let bad: [Action]
            switch environment.actionSpace {
            case .discrete(let space):
                bad = [
                    .discrete(space.start - 1), .discrete(space.start + space.n), .discrete(Int.max), .discrete(Int.min), .continuous([0]),
                ]
            case .box(let box):
                let count = box.shape.reduce(1, *)
                bad = [
                    .continuous(Array(repeating: .nan, count: count)), .continuous(Array(repeating: .infinity, count: count)),
                    .continuous(Array(repeating: 0, count: count + 1)), .continuous([]), .discrete(0),
                ]
            default:
                continue
            }
            for action in bad {
                let error = #expect(throws: GymError.self, "\(id) took \(action)") { try environment.step(action) }
                #expect(error.map { "\($0)".isEmpty == false } ?? false)
            }
            _ = try environment.step(environment.actionSpace.sampleAction(using: &generator))
            checked += 1
        }
        #expect(checked >= 20, "only \(checked) environments")
    }
}
