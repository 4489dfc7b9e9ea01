import Testing
@testable import Gym

@Suite("Wrappers")
struct WrapperTests {
    @Test("TimeLimit sets truncated at the limit and resets its count")
    func timeLimit() throws {
        let environment = try TimeLimit(Corridor(length: 100), maxEpisodeSteps: 3)
        _ = try environment.reset(seed: 0)
        #expect(try !environment.step(.discrete(0)).truncated)
        #expect(try !environment.step(.discrete(0)).truncated)
        #expect(try environment.step(.discrete(0)).truncated)
        _ = try environment.reset()
        #expect(try !environment.step(.discrete(0)).truncated)
        #expect(throws: GymError.self) { try TimeLimit(Corridor(), maxEpisodeSteps: 0) }
    }

    @Test("OrderEnforcing rejects step before reset, after the end and after close")
    func orderEnforcing() throws {
        let environment = OrderEnforcing(Corridor(length: 1))
        #expect(throws: GymError.stepBeforeReset("Corridor.step was called before reset: call reset(seed:options:) first")) {
            try environment.step(.discrete(1))
        }
        #expect(throws: GymError.self) { try environment.render() }
        _ = try environment.reset(seed: 0)
        var transition = try environment.step(.discrete(1))
        if !transition.terminated { transition = try environment.step(.discrete(1)) }
        #expect(transition.terminated)
        #expect(throws: GymError.self) { try environment.step(.discrete(1)) }
        _ = try environment.reset()
        environment.close()
        environment.close()
        #expect(throws: GymError.self) { try environment.reset() }
        #expect(wrapperChainDescription(environment) == "OrderEnforcing<Corridor>")
    }

    @Test("RecordEpisodeStatistics reports return, length and time at the end of an episode")
    func episodeStatistics() throws {
        let environment = RecordEpisodeStatistics(Corridor(length: 3))
        _ = try environment.reset(seed: 0)
        var transition: Transition
        var steps = 0
        repeat { transition = try environment.step(.discrete(1)); steps += 1 } while !transition.terminated
        guard case .info(let episode)? = transition.info["episode"] else { Issue.record("no episode info"); return }
        #expect(episode["r"] == .double(1))
        #expect(episode["l"] == .int(steps))
        #expect(episode["t"]?.doubleValue.map { $0 >= 0 } == true)
        #expect(environment.returnQueue == [1] && environment.lengthQueue == [steps])
    }

    @Test("NormalizeObservation drives observations towards zero mean and unit variance")
    func normalizeObservation() throws {
        final class Noise: Environment {
            let observationSpace = Space.box(Box(low: -.infinity, high: .infinity, shape: [2]))
            let actionSpace = Space.discrete(Discrete(1))
            var generator = RandomGenerator(seed: 5)
            func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
                try step(.discrete(0), into: observation).info
            }
            func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
                observation.floats[0] = Float(5 + 3 * generator.normal())
                observation.floats[1] = Float(-2 + 0.5 * generator.normal())
                return StepResult(reward: 0)
            }
        }
        let environment = try NormalizeObservation(Noise())
        _ = try environment.reset(seed: 0)
        var sum = [0.0, 0.0], squares = [0.0, 0.0]
        let n = 20_000
        for _ in 0..<n {
            let values = try environment.step(.discrete(0)).observation.floats
            for index in 0..<2 { sum[index] += Double(values[index]); squares[index] += Double(values[index] * values[index]) }
        }
        for index in 0..<2 {
            #expect(abs(sum[index] / Double(n)) < 0.05)
            #expect(abs(squares[index] / Double(n) - 1) < 0.05)
        }
        #expect(abs(environment.statistics.mean[0] - 5) < 0.1)
        #expect(abs(environment.statistics.variance[1] - 0.25) < 0.02)
        #expect(throws: GymError.self) { try NormalizeObservation(Frames()) }
    }

    @Test("NormalizeReward divides by the standard deviation of the discounted return")
    func normalizeReward() throws {
        let environment = NormalizeReward(Echo(), gamma: 0.5)
        _ = try environment.reset()
        // Constant reward 2: discounted return tends to 4 and its variance to 0, so scaled rewards grow large.
        var last = 0.0
        for _ in 0..<200 { last = try environment.step(.continuous([1, 1])).reward }
        #expect(last > 10)
        #expect(abs(environment.statistics.mean[0] - 4) < 0.1)
    }

    @Test("ClipAction clips into the box and widens the action space")
    func clipAction() throws {
        let environment = try ClipAction(Echo())
        _ = try environment.reset()
        #expect(try environment.step(.continuous([5, -3])).observation == .float32([1, 0]))
        #expect(environment.actionSpace == .box(Box(low: -.infinity, high: .infinity, shape: [2])))
        #expect(throws: GymError.self) { try environment.step(.continuous([.nan, 0])) }
        #expect(throws: GymError.self) { try ClipAction(Corridor()) }
    }

    @Test("RescaleAction maps [-1, 1] onto the wrapped bounds")
    func rescaleAction() throws {
        let environment = try RescaleAction(Echo(), minAction: -1, maxAction: 1)
        _ = try environment.reset()
        #expect(try environment.step(.continuous([-1, -1])).observation == .float32([-1, 0]))
        #expect(try environment.step(.continuous([1, 1])).observation == .float32([1, 4]))
        #expect(try environment.step(.continuous([0, 0])).observation == .float32([0, 2]))
        #expect(throws: GymError.self) { try environment.step(.continuous([2, 0])) }
    }

    @Test("TransformObservation and TransformReward apply their functions")
    func transforms() throws {
        let observed = TransformObservation(Echo()) { buffer in
            for index in 0..<buffer.floats.count { buffer.floats[index] *= 10 }
        }
        _ = try observed.reset()
        #expect(try observed.step(.continuous([0.5, 1])).observation == .float32([5, 10]))
        let rewarded = TransformReward(Echo()) { max(-1, min(1, $0)) }
        _ = try rewarded.reset()
        #expect(try rewarded.step(.continuous([1, 4])).reward == 1)
    }

    @Test("FrameStack concatenates the last k frames on the first axis, oldest first")
    func frameStack() throws {
        let environment = try FrameStack(Frames(), count: 3)
        #expect(environment.observationSpace.shape == [3, 2, 2])
        let start = try environment.reset()
        #expect(start.observation == .uint8(Array(repeating: 0, count: 12)))
        _ = try environment.step(.discrete(0))
        let second = try environment.step(.discrete(0)).observation
        #expect(second == .uint8([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]))
        let third = try environment.step(.discrete(0)).observation
        #expect(third == .uint8([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]))
        let vectors = try FrameStack(Echo(), count: 2)
        _ = try vectors.reset()
        #expect(try vectors.step(.continuous([1, 2])).observation == .float32([0, 0, 1, 2]))
        #expect(vectors.observationSpace.contains(.float32([0, 0, 1, 2])))
    }
}
