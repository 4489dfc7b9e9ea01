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
        maps.pointer[1 * 5 + 4] = 40            // map 0: peak at x = 4, y = 1
        maps.pointer[15 + 2 * 5 + 0] = 40       // map 1: peak at x = 0, y = 2
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
        let trunk = try KeypointCNN(channels: 2, height: 8, width: 8, mapCount: 3, hiddenSizes: [4], generator: &generator)
        let maps = try Tensor.normal([2, 3, 4, 4], generator: &generator).requiringGradient()
        let weights = Tensor.normal([2, 9], generator: &generator)
        func loss() throws -> Tensor { try (trunk.keypointsAndMaxima(maps) * weights).sum() }
        let tape = GradientTape()
        let gradients = try tape.backward(from: tape.record { try loss() })
        let analytic = try #require(gradients[maps]).scalars
        let step: Float = 1e-2
        for index in stride(from: 0, to: maps.count, by: 7) {
            let saved = maps.pointer[index]
            maps.pointer[index] = saved + step
            let plus = try loss().scalars[0]
            maps.pointer[index] = saved - step
            let minus = try loss().scalars[0]
            maps.pointer[index] = saved
            let numeric = (plus - minus) / (2 * step)
            #expect(abs(numeric - analytic[index]) < 2e-2 * max(1, abs(numeric)), "element \(index): \(numeric) vs \(analytic[index])")
        }
    }

    @Test func acerTrainsWithTheKeypointTrunk() throws {
        BundledEnvironments.register()
        var configuration = ACERConfiguration()
        configuration.steps = 5
        configuration.replayStart = 10
        configuration.pixelTrunk = "keypoints"
        let options: Options = ["observation": .string("pixels"), "render_width": .int(40), "render_height": .int(40)]
        let agent = try ACER(configuration: configuration, environmentsPerWorker: 2, seed: 0, totalSteps: 100,
                             makeEnvironment: { try make("EmptyRoom-5x5-v0", options: options) })
        #expect(agent.network.trunk is KeypointCNN)
        try agent.start()
        let before = agent.network.namedTensors().map { $0.tensor.scalars }
        for _ in 0..<3 { _ = try agent.iterate() }
        #expect(zip(before, agent.network.namedTensors().map { $0.tensor.scalars }).contains { $0 != $1 })
    }
}
