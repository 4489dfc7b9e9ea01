import BundledEnvs
import Foundation
import Testing

@testable import Gym
@testable import PixelControl

@Suite("dmc2gym's options and diverging physics")
struct ControlSuiteOptionsTests {
    init() { BundledEnvironments.register() }

    /// Agent steps of one episode with zero actions.
    func episodeLength(_ environment: any Environment) throws -> (steps: Int, total: Double) {
        _ = try environment.reset(seed: 1)
        var steps = 0, total = 0.0
        while true {
            let result = try environment.step(.continuous(Array(repeating: 0, count: environment.actionSpace.shape[0])))
            steps += 1
            total += result.reward
            if result.terminated || result.truncated { break }
        }
        return (steps, total)
    }

    @Test("action_repeat (or frame_skip) sets the agent steps of dm_control's 1000-step episode")
    func actionRepeat() throws {
        #expect(try episodeLength(make("CartpoleSwingup-v0")).steps == 125)
        #expect(try episodeLength(make("CartpoleSwingup-v0", options: ["action_repeat": 2])).steps == 500)
        #expect(try episodeLength(make("ReacherEasy-v0", options: ["frame_skip": 2])).steps == 500)
        // 1000 is not a multiple of 3: the last agent step holds the one control step left.
        #expect(try episodeLength(make("PendulumSwingup-v0", options: ["action_repeat": 3])).steps == 334)
        #expect(try episodeLength(make("PendulumSwingup-v0", options: ["episode_length": 100, "action_repeat": 1])).steps == 100)
    }

    @Test("from_pixels, height, width and frame_stack shape the observations")
    func pixelOptions() throws {
        #expect(try make("CartpoleSwingup-v0", options: ["from_pixels": true]).observationSpace.shape == [9, 84, 84])
        #expect(try make("CartpoleSwingup-pixels-v0", options: ["from_pixels": false]).observationSpace.shape == [5])
        let small = try make("ReacherEasy-pixels-v0", options: ["height": 64, "width": 48, "frame_stack": 4])
        #expect(small.observationSpace.shape == [12, 64, 48])
        let observation = try small.reset(seed: 2).observation
        guard case .uint8(let bytes) = observation else { Issue.record("not uint8"); return }
        #expect(bytes.count == 12 * 64 * 48)
    }

    @Test(
        "bad options are named with the fix",
        arguments: [
            (["camera_id": OptionValue.int(1)], "camera 0 only"),
            (["action_repeat": .int(0)], "integer in 1...1000"),
            (["action_repeat": .int(2), "frame_skip": .int(2)], "not both"),
            (["height": .int(64)], "add from_pixels:true"),
            (["frame_stack": .string("three")], "must be an integer"),
            (["from_pixels": .int(1)], "true or false"),
            (["seed": .int(1)], "valid options"),
        ])
    func badOptions(_ options: [String: OptionValue], _ expected: String) {
        let error = #expect(throws: GymError.self) { _ = try make("CartpoleSwingup-v0", options: options) }
        #expect("\(error.map { "\($0)" } ?? "")".contains(expected), "\(error.map { "\($0)" } ?? "")")
    }

    @Test("a state that diverges is an error naming the environment, not NaN observations")
    func nonFiniteStates() throws {
        let cartpole = CartpoleSwingup()
        _ = try cartpole.reset(seed: 0)
        cartpole.state = .init(x: 0, theta: 0, xDot: 0, thetaDot: 1e300)
        let cartpoleError = #expect(throws: GymError.self) { _ = try cartpole.step(.continuous([0])) }
        #expect("\(cartpoleError.map { "\($0)" } ?? "")".contains("CartpoleSwingup: the state became non-finite"))
        let reacher = ReacherEasy()
        _ = try reacher.reset(seed: 0)
        reacher.state.shoulderVelocity = .infinity
        let reacherError = #expect(throws: GymError.self) { _ = try reacher.step(.continuous([0, 0])) }
        #expect("\(reacherError.map { "\($0)" } ?? "")".contains("ReacherEasy: the state became non-finite at physics step 1"))
        let pendulum = PendulumSwingup()
        _ = try pendulum.reset(seed: 0)
        pendulum.state = .init(theta: .nan, thetaDot: 0)
        #expect(throws: GymError.self) { _ = try pendulum.step(.continuous([0])) }
    }

    /// ReacherEasy under random full-scale torques stays near MuJoCo's speeds (<= 5.8 rad/s; explicit damping
    /// reached 146 rad/s and NaN here before it became implicit).
    @Test("random torques keep the reacher's joint speeds bounded")
    func reacherStaysStable() throws {
        let environment = try make("ReacherEasy-v0", options: ["action_repeat": 1])
        var generator = RandomGenerator(seed: 4)
        var fastest = 0.0
        for episode in 0..<4 {
            _ = try environment.reset(seed: episode)
            for _ in 0..<1000 {
                let result = try environment.step(environment.actionSpace.sampleAction(using: &generator))
                guard let reacher = environment.unwrapped as? ReacherEasy else { Issue.record("not a reacher"); return }
                fastest = max(fastest, abs(reacher.state.shoulderVelocity), abs(reacher.state.wristVelocity))
                if result.truncated { break }
            }
        }
        #expect(fastest < 10, "fastest joint speed \(fastest) rad/s")
    }
}
