import BundledEnvs
import Gym
import NN
import Tensors
import Testing
@testable import Agents

/// The keypoint trunk: spatial-softmax coordinates, gradients, and ACER training with it.
@Suite struct KeypointCNNTests {
    @Test func aPeakedMapGivesItsCellsCoordinatesAndMaximum() throws {
        var generator = RandomGenerator(seed: 3)
        // 10x6 pixels at 2 a cell: a 5 x 3 grid of cells.
        let trunk = try KeypointCNN(channels: 3, height: 6, width: 10, mapCount: 2, hiddenSizes: [8], generator: &generator)
        let maps = Tensor.zeros([1, 2, 3, 5])
        maps.pointer[1 * 5 + 4] = 40  // map 0: peak at x = 4, y = 1
        maps.pointer[15 + 2 * 5 + 0] = 40  // map 1: peak at x = 0, y = 2
        let values = try trunk.keypointsAndMaxima(maps).scalars
        // x in [-1, 1] over 5 columns, y over 3 rows.
        let expected: [Float] = [1, 0, -1, 1, 40, 40]
        for (value, target) in zip(values, expected) { #expect(abs(value - target) < 1e-4) }
        // A flat map's keypoint is the grid's centre.
        let flat = try trunk.keypointsAndMaxima(Tensor.zeros([1, 2, 3, 5])).scalars
        #expect(flat[0...3].allSatisfy { abs($0) < 1e-6 })
    }

    @Test func keypointGradientsMatchFiniteDifferences() throws {
        var generator = RandomGenerator(seed: 5)
        let trunk = try KeypointCNN(
            channels: 2, height: 8, width: 8, mapCount: 3, hiddenSizes: [4], initialTemperature: 1.5, generator: &generator)
        let maps = Tensor.normal([2, 3, 4, 4], generator: &generator).requiringGradient()
        let weights = Tensor.normal([2, 9], generator: &generator)
        func loss() throws -> Tensor { try (trunk.keypointsAndMaxima(maps) * weights).sum() }
        let tape = GradientTape()
        let gradients = try tape.backward(from: tape.record { try loss() })
        let step: Float = 1e-2
        for tensor in [maps, trunk.logTemperature] {
            let analytic = try #require(gradients[tensor]).scalars
            for index in stride(from: 0, to: tensor.count, by: tensor === maps ? 7 : 1) {
                let saved = tensor.pointer[index]
                tensor.pointer[index] = saved + step
                let plus = try loss().scalars[0]
                tensor.pointer[index] = saved - step
                let minus = try loss().scalars[0]
                tensor.pointer[index] = saved
                let numeric = (plus - minus) / (2 * step)
                #expect(abs(numeric - analytic[index]) < 2e-2 * max(1, abs(numeric)), "element \(index): \(numeric) vs \(analytic[index])")
            }
        }
    }

    /// Random FourRooms pictures (38x38, 2 pixels a cell) with the agent's cell scaled to [-1, 1].
    func fourRoomsPictures(count: Int) throws -> (images: Tensor, positions: Tensor) {
        BundledEnvironments.register()
        let environment = try make(
            "FourRooms-Goal-v0", options: ["observation": "pixels", "render_width": 38, "render_height": 38, "layout_seed": 0])
        var generator = RandomGenerator(seed: 11)
        var bytes: [UInt8] = [], positions: [Float] = []
        var observation = try environment.reset(seed: 0).observation
        for index in 0..<count {
            guard case .dict(let parts) = observation, case .uint8(let image)? = parts["observation"],
                case .float32(let achieved)? = parts["achieved_goal"]
            else { throw AgentError.unsupported("not a goal picture") }
            bytes += image
            positions += achieved.map { $0 / 9 - 1 }
            let transition = try environment.step(.discrete(generator.integer(below: 3)))
            observation =
                transition.terminated || transition.truncated || index % 7 == 6
                ? try environment.reset(seed: index + 1).observation : transition.observation
        }
        return (try Tensor.fromImages(bytes, shape: [count, 3, 38, 38]), try Tensor(positions, shape: [count, 2]))
    }

    /// Regression of the agent's cell from pictures: the test error after `updates` Adam steps.
    func localisationError(initialTemperature: Float = 10, updates: Int) throws -> Float {
        let (images, positions) = try fourRoomsPictures(count: 576)
        var generator = RandomGenerator(seed: 2)
        let trunk = try KeypointCNN(
            channels: 3, height: 38, width: 38, mapCount: 16, hiddenSizes: [64],
            initialTemperature: initialTemperature, generator: &generator)
        let head = Linear(64, 2, generator: &generator)
        let optimizer = Adam(parameters: trunk.namedParameters() + head.namedParameters(), learningRate: 1e-3)
        let train = try images.slice(axis: 0, start: 0, length: 512), targets = try positions.slice(axis: 0, start: 0, length: 512)
        for update in 0..<updates {
            let start = (update * 64) % 512
            let tape = GradientTape()
            let loss = try tape.record {
                try Loss.meanSquaredError(
                    head(trunk(train.slice(axis: 0, start: start, length: 64))),
                    targets.slice(axis: 0, start: start, length: 64))
            }
            try optimizer.step(try tape.backward(from: loss))
        }
        let test = try images.slice(axis: 0, start: 512, length: 64), testTargets = try positions.slice(axis: 0, start: 512, length: 64)
        return try Loss.meanSquaredError(head(trunk(test)), testTargets).item
    }

    /// The trunk must say where the agent is before a policy can use it. At temperature 1 the
    /// keypoints of random maps all sit near the centre and the regression stays at the variance of
    /// the positions (test MSE 0.32 after 300 updates); the default (learned, starting at 10) finds
    /// the agent (0.0006 after 300 updates).
    @Test func theKeypointsLocateTheAgentInFourRoomsPictures() throws {
        let error = try localisationError(updates: 120)
        #expect(error < 0.05, "test MSE \(error) after 120 updates")
    }

    @Test func acerTrainsWithTheKeypointTrunk() throws {
        BundledEnvironments.register()
        var configuration = ACERConfiguration()
        configuration.steps = 5
        configuration.replayStart = 10
        configuration.pixelTrunk = .keypoints
        let options: Options = ["observation": .string("pixels"), "render_width": .int(40), "render_height": .int(40)]
        let agent = try ACER(
            configuration: configuration, environmentsPerWorker: 2, seed: 0, totalSteps: 100,
            makeEnvironment: { try make("EmptyRoom-5x5-v0", options: options) })
        #expect(agent.network.trunk is KeypointCNN)
        try agent.start()
        let before = agent.network.namedTensors().map { $0.tensor.scalars }
        for _ in 0..<3 { _ = try agent.iterate() }
        #expect(zip(before, agent.network.namedTensors().map { $0.tensor.scalars }).contains { $0 != $1 })
    }
}
