import Foundation
import Testing
@testable import ClassicControl
import Gym

/// One reference trajectory produced by Gymnasium (see Fixtures/README.md).
struct FixtureCase: Decodable, CustomTestStringConvertible {
    enum FixtureAction: Decodable {
        case index(Int)
        case values([Float])
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let index = try? container.decode(Int.self) {
                self = .index(index)
            } else {
                self = .values(try container.decode([Float].self))
            }
        }
        var action: Action {
            switch self {
            case .index(let index): return .discrete(index)
            case .values(let values): return .continuous(values)
            }
        }
    }
    let id: String
    let seed: Int
    let start_state: [Double]
    let actions: [FixtureAction]
    let observations: [[Double]]
    let rewards: [Double]
    let terminated: [Bool]
    var testDescription: String { "\(id) seed \(seed) (\(actions.count) steps)" }
}

struct FixtureFile: Decodable {
    let cases: [FixtureCase]
}

func loadFixtureCases() -> [FixtureCase] {
    guard let url = Bundle.module.url(forResource: "classic_control", withExtension: "json"),
        let data = try? Data(contentsOf: url),
        let file = try? JSONDecoder().decode(FixtureFile.self, from: data)
    else { return [] }
    return file.cases
}

/// Makes the raw environment for `id` and sets its state to `state`.
func rawEnvironment(_ id: String, state: [Double], renderMode: RenderMode? = nil) throws -> any Environment {
    switch id {
    case "CartPole-v1":
        let environment = CartPole(renderMode: renderMode)
        _ = try environment.reset(seed: 0)
        environment.state = .init(x: state[0], xDot: state[1], theta: state[2], thetaDot: state[3])
        return environment
    case "Pendulum-v1":
        let environment = Pendulum(renderMode: renderMode)
        _ = try environment.reset(seed: 0)
        environment.state = .init(theta: state[0], thetaDot: state[1])
        return environment
    case "Acrobot-v1":
        let environment = Acrobot(renderMode: renderMode)
        _ = try environment.reset(seed: 0)
        environment.state = .init(theta1: state[0], theta2: state[1], theta1Dot: state[2], theta2Dot: state[3])
        return environment
    case "MountainCar-v0":
        let environment = MountainCar(renderMode: renderMode)
        _ = try environment.reset(seed: 0)
        environment.state = .init(position: state[0], velocity: state[1])
        return environment
    case "MountainCarContinuous-v0":
        let environment = MountainCarContinuous(renderMode: renderMode)
        _ = try environment.reset(seed: 0)
        environment.state = .init(position: state[0], velocity: state[1])
        return environment
    default:
        throw GymError.unknownEnvironment(id)
    }
}

@Suite("Dynamics against Gymnasium")
struct GymnasiumFixtureTests {
    @Test("the fixture file loads and covers every classic-control id")
    func fixtureLoads() {
        let ids = Set(loadFixtureCases().map(\.id))
        #expect(ids == ["CartPole-v1", "Pendulum-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0"])
    }

    @Test("trajectories match Gymnasium within 1e-5", arguments: loadFixtureCases())
    func trajectoryMatches(_ fixture: FixtureCase) throws {
        let environment = try rawEnvironment(fixture.id, state: fixture.start_state)
        let buffer = ObservationBuffer(space: environment.observationSpace)
        for step in fixture.actions.indices {
            let result = try environment.step(fixture.actions[step].action, into: buffer)
            let observed = Array(buffer.floats)
            let expected = fixture.observations[step]
            #expect(observed.count == expected.count)
            for index in expected.indices {
                let difference = abs(Double(observed[index]) - expected[index])
                #expect(
                    difference <= 1e-5 * max(1, abs(expected[index])),
                    "step \(step) coordinate \(index): \(observed[index]) vs Gymnasium \(expected[index])")
            }
            #expect(
                abs(result.reward - fixture.rewards[step]) <= 1e-5 * max(1, abs(fixture.rewards[step])),
                "step \(step) reward \(result.reward) vs Gymnasium \(fixture.rewards[step])")
            #expect(result.terminated == fixture.terminated[step], "step \(step) terminated")
            #expect(!result.truncated)
        }
    }
}
