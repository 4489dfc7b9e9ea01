import Testing
import BundledEnvs
@testable import ClassicControl
import Gym

let classicIds = ["CartPole-v1", "Pendulum-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0"]

@Suite("Classic control")
struct ClassicControlTests {
    init() { BundledEnvironments.register() }

    @Test("every registered id passes the environment checker", arguments: classicIds)
    func checkerPasses(_ id: String) {
        let results = EnvironmentChecker.check(id: id, steps: 300)
        for result in results where !result.passed {
            Issue.record("\(id) \(result.name): \(result.message)")
        }
        #expect(results.count >= 10)
    }

    @Test("the same seed and actions give the same trajectory", arguments: classicIds)
    func seededDeterminism(_ id: String) throws {
        func run() throws -> [SpaceValue] {
            let environment = try make(id)
            var generator = RandomGenerator(seed: 11)
            var values = [try environment.reset(seed: 5).observation]
            for _ in 0..<50 {
                let transition = try environment.step(environment.actionSpace.sampleAction(using: &generator))
                values.append(transition.observation)
                if transition.terminated || transition.truncated { values.append(try environment.reset().observation) }
            }
            return values
        }
        #expect(try run() == run())
    }

    @Test("time limits truncate at the registered max_episode_steps")
    func timeLimits() throws {
        let environment = try make("Pendulum-v1")
        _ = try environment.reset(seed: 0)
        var steps = 0
        var transition: Transition
        repeat {
            transition = try environment.step(.continuous([0]))
            steps += 1
        } while !transition.truncated && steps < 1000
        #expect(steps == 200)
        #expect(!transition.terminated)
    }

    @Test("CartPole reset options set the start bounds and are validated")
    func cartPoleResetOptions() throws {
        let environment = CartPole()
        let observation = try environment.reset(seed: 3, options: ["low": -0.001, "high": 0.001]).observation
        #expect(observation.floats.allSatisfy { abs($0) <= 0.001 })
        #expect(throws: GymError.self) { try environment.reset(seed: 3, options: ["low": 1, "high": 0]) }
        #expect(throws: GymError.self) { try environment.reset(seed: 3, options: ["lo": 1]) }
        #expect(throws: GymError.self) { try CartPole(options: ["gravity": 3]) }
    }

    @Test("CartPole keeps giving reward 0 after termination and Sutton-Barto reward is 0 / -1")
    func cartPoleRewards() throws {
        let environment = CartPole(suttonBartoReward: true)
        _ = try environment.reset(seed: 0)
        var transition = try environment.step(.discrete(1))
        #expect(transition.reward == 0)
        environment.state = .init(x: 2.39, xDot: 5, theta: 0, thetaDot: 0)
        transition = try environment.step(.discrete(1))
        #expect(transition.terminated && transition.reward == -1)
        let plain = CartPole()
        _ = try plain.reset(seed: 0)
        plain.state = .init(x: 2.39, xDot: 5, theta: 0, thetaDot: 0)
        #expect(try plain.step(.discrete(1)).reward == 1)
        #expect(try plain.step(.discrete(1)).reward == 0)
    }

    @Test("Pendulum reset options x_init and y_init bound the start state")
    func pendulumResetOptions() throws {
        let environment = Pendulum()
        for seed in 0..<20 {
            _ = try environment.reset(seed: seed, options: ["x_init": 0.1, "y_init": 0.2])
            #expect(abs(environment.state.theta) <= 0.1 && abs(environment.state.thetaDot) <= 0.2)
        }
        #expect(throws: GymError.self) { try environment.reset(options: ["x_init": "big"]) }
    }

    @Test("bad actions throw errors that name the problem and the space")
    func badActions() throws {
        let cartPole = try make("CartPole-v1")
        _ = try cartPole.reset(seed: 0)
        let wrongIndex = #expect(throws: GymError.self) { try cartPole.step(.discrete(2)) }
        #expect("\(wrongIndex!)".contains("Discrete(2)"))
        let pendulum = try make("Pendulum-v1")
        _ = try pendulum.reset(seed: 0)
        let nan = #expect(throws: GymError.self) { try pendulum.step(.continuous([.nan])) }
        #expect("\(nan!)".contains("NaN") && "\(nan!)".contains("Box(-2.0, 2.0, (1,), float32)"))
        let length = #expect(throws: GymError.self) { try pendulum.step(.continuous([0, 0])) }
        #expect("\(length!)".contains("2 values"))
        #expect(throws: GymError.self) { try pendulum.step(.continuous([2.5])) }
    }

    @Test("step before reset, after close, and after the episode ended are errors")
    func orderErrors() throws {
        let environment = try make("CartPole-v1")
        let beforeReset = #expect(throws: GymError.self) { try environment.step(.discrete(0)) }
        #expect("\(beforeReset!)".contains("before reset"))
        _ = try environment.reset(seed: 0)
        var transition: Transition
        repeat { transition = try environment.step(.discrete(1)) } while !transition.terminated && !transition.truncated
        let afterEnd = #expect(throws: GymError.self) { try environment.step(.discrete(0)) }
        #expect("\(afterEnd!)".contains("ended"))
        _ = try environment.reset()
        environment.close()
        let afterClose = #expect(throws: GymError.self) { try environment.step(.discrete(0)) }
        #expect("\(afterClose!)".contains("close"))
        // Raw environments refuse to step before reset too.
        #expect(throws: GymError.self) { try Acrobot().step(.discrete(0)) }
    }

    @Test("MountainCar reaches its goal with an energy-pumping policy and terminates")
    func mountainCarGoal() throws {
        let environment = try make("MountainCar-v0")
        _ = try environment.reset(seed: 0)
        let car = environment.unwrapped as! MountainCar
        var steps = 0, total = 0.0
        var transition: Transition
        repeat {
            transition = try environment.step(.discrete(car.state.velocity >= 0 ? 2 : 0))
            total += transition.reward
            steps += 1
        } while !transition.terminated && !transition.truncated
        #expect(transition.terminated)
        #expect(total == -Double(steps))
        #expect(total > -200)
    }
}
