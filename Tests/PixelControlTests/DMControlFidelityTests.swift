import Foundation
import Testing

@testable import Gym
@testable import PixelControl

/// dm_control's trajectories (MuJoCo, written by tools/make_dm_control_fixtures.py) replayed through the
/// scenes' physics from the same start states with the same actions, one control step at a time.
struct DMControlFixture: Decodable {
    struct Row: Decodable {
        let action: [Double], qpos: [Double], qvel: [Double], reward: Double
    }
    struct Start: Decodable {
        let qpos: [Double], qvel: [Double]
        let target: [Double]?
    }
    struct Task: Decodable {
        let domain: String, task: String, seed: Int
        let start: Start
        let sequences: [String: [Row]]
        let controller_return: Double
    }
    let mujoco: String
    let tasks: [Task]

    static let loaded: DMControlFixture? = {
        guard let url = Bundle.module.url(forResource: "dm_control_trajectories", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { return nil }
        return try? JSONDecoder().decode(DMControlFixture.self, from: data)
    }()
}

/// A scene in one of the fixture's start states, stepped one control step at a time.
struct ReplayedScene {
    let environment: any Environment
    let observation: ObservationBuffer
    let domain: String

    init(_ task: DMControlFixture.Task) throws {
        domain = task.domain
        switch task.domain {
        case "cartpole": environment = CartpoleSwingup()
        case "reacher": environment = ReacherEasy()
        default: environment = PendulumSwingup()
        }
        observation = ObservationBuffer(space: environment.observationSpace)
        _ = try environment.reset(seed: 0, options: [:], into: observation)
        let q = task.start.qpos, v = task.start.qvel
        switch environment {
        case let cartpole as CartpoleSwingup: cartpole.state = .init(x: q[0], theta: q[1], xDot: v[0], thetaDot: v[1])
        case let reacher as ReacherEasy:
            let target = task.start.target ?? [0, 0]
            reacher.state = .init(
                shoulder: q[0], wrist: q[1], shoulderVelocity: v[0], wristVelocity: v[1], targetX: target[0], targetY: target[1])
        case let pendulum as PendulumSwingup: pendulum.state = .init(theta: q[0], thetaDot: v[0])
        default: break
        }
    }

    /// Positions and velocities as MuJoCo's qpos and qvel.
    var state: (qpos: [Double], qvel: [Double]) {
        switch environment {
        case let cartpole as CartpoleSwingup:
            let s = cartpole.state
            return ([s.x, s.theta], [s.xDot, s.thetaDot])
        case let reacher as ReacherEasy:
            let s = reacher.state
            return ([s.shoulder, s.wrist], [s.shoulderVelocity, s.wristVelocity])
        case let pendulum as PendulumSwingup:
            return ([pendulum.state.theta], [pendulum.state.thetaDot])
        default: return ([], [])
        }
    }

    /// dm_control's observation vector of the current state in Double precision (what the fixture's
    /// controller reads; the Float32 observation would round a chaotic swing-up onto another path).
    var controllerObservation: [Double] {
        let (q, v) = state
        switch environment {
        case is CartpoleSwingup: return [q[0], cos(q[1]), sin(q[1]), v[0], v[1]]
        case let reacher as ReacherEasy:
            let finger = reacher.finger
            return [q[0], q[1], reacher.state.targetX - finger.x, reacher.state.targetY - finger.y, v[0], v[1]]
        default: return [cos(q[0]), sin(q[0]), v[0]]
        }
    }

    func step(_ action: [Double]) throws -> Double {
        try environment.step(.continuous(action.map(Float.init)), into: observation).reward
    }
}

/// The fixture's controllers, as tools/make_dm_control_fixtures.py defines them.
enum FixtureController {
    static func action(_ domain: String, _ o: [Double]) -> [Double] {
        func clip(_ value: Double) -> Double { min(max(value, -1), 1) }
        switch domain {
        case "cartpole":
            let (x, cosine, sine, xVelocity, angularVelocity) = (o[0], o[1], o[2], o[3], o[4])
            if cosine > 0.85 { return [clip(10 * sine + 2 * angularVelocity + 1.0 * x + 1.5 * xVelocity)] }
            let energy = 0.5 * 0.0344 * angularVelocity * angularVelocity + 0.1 * 9.81 * 0.5 * (cosine - 1)
            return [clip(50 * energy * angularVelocity * cosine - 0.4 * x - 0.3 * xVelocity)]
        case "pendulum":
            let (cosine, sine, angularVelocity) = (o[0], o[1], o[2])
            if cosine > 0.95 { return [clip(-12 * sine - 2 * angularVelocity)] }
            let energy = 0.5 * 0.251 * angularVelocity * angularVelocity + 9.81 * 0.5 * (cosine - 1)
            return [abs(energy * angularVelocity) > 1e-9 ? clip(-energy * angularVelocity) : 1]
        default:
            let (shoulder, wrist, dx, dy, v1, v2) = (o[0], o[1], o[2], o[3], o[4], o[5])
            let l1 = 0.12, l2 = 0.12
            let j11 = -l1 * sin(shoulder) - l2 * sin(shoulder + wrist), j12 = -l2 * sin(shoulder + wrist)
            let j21 = l1 * cos(shoulder) + l2 * cos(shoulder + wrist), j22 = l2 * cos(shoulder + wrist)
            return [clip(40 * (j11 * dx + j21 * dy) - 0.3 * v1), clip(40 * (j12 * dx + j22 * dy) - 0.3 * v2)]
        }
    }
}

@Suite("Fidelity to dm_control (MuJoCo)")
struct DMControlFidelityTests {
    static var cases: [String] {
        (DMControlFixture.loaded?.tasks ?? []).flatMap { task in
            ["zero", "constant", "random", "controller"].map { "\(task.domain) seed \(task.seed) \($0)" }
        }
    }

    @Test("the fixture loads and covers the three tasks")
    func fixtureLoads() throws {
        let fixture = try #require(DMControlFixture.loaded)
        #expect(Set(fixture.tasks.map(\.domain)) == ["cartpole", "reacher", "pendulum"])
    }

    /// Positions and velocities stay within 1e-3 of MuJoCo's for 100 control steps, 1e-2 for a
    /// trajectory that runs into a joint limit (cartpole's rail, reacher's wrist).
    @Test("100-step trajectories follow MuJoCo's", arguments: cases)
    func trajectory(_ name: String) throws {
        let parts = name.split(separator: " ")
        let task = try #require(DMControlFixture.loaded?.tasks.first { $0.domain == parts[0] && "\($0.seed)" == parts[2] })
        let rows = try #require(task.sequences[String(parts[3])])
        let scene = try ReplayedScene(task)
        let limit: Double =
            task.domain == "cartpole" ? CartpoleSwingup.railLimit : task.domain == "reacher" ? ReacherEasy.wristLimit : .infinity
        let limitIndex = task.domain == "cartpole" ? 0 : 1
        let touchesLimit = rows.contains { abs($0.qpos[min(limitIndex, $0.qpos.count - 1)]) > limit }
        let tolerance = touchesLimit ? 1e-2 : 1e-3
        var worst = 0.0, worstStep = 0
        for (index, row) in rows.enumerated() {
            _ = try scene.step(row.action)
            let (qpos, qvel) = scene.state
            let deviation = zip(qpos + qvel, row.qpos + row.qvel).map { abs($0 - $1) }.max() ?? 0
            if deviation > worst { (worst, worstStep) = (deviation, index + 1) }
        }
        #expect(worst <= tolerance, "\(name): largest deviation \(worst) at step \(worstStep) (tolerance \(tolerance))")
    }

    /// The fixture's controller, run for a whole episode of 1000 control steps from the same start
    /// state, scores within 2% of its score in MuJoCo.
    @Test("a controller scores as in MuJoCo", arguments: ["cartpole", "reacher", "pendulum"])
    func controllerScore(_ domain: String) throws {
        for task in (DMControlFixture.loaded?.tasks ?? []) where task.domain == domain {
            let scene = try ReplayedScene(task)
            var total = 0.0
            for _ in 0..<1000 { total += try scene.step(FixtureController.action(domain, scene.controllerObservation)) }
            #expect(
                abs(total - task.controller_return) <= 0.02 * task.controller_return,
                "\(domain) seed \(task.seed): \(total) here, \(task.controller_return) in MuJoCo")
        }
    }
}
