import Foundation
import Testing
@testable import Agents
import NN
import Tensors

/// The ACER fixture written by tools/make_acer_fixtures.py (PyTorch autograd, baselines' formulas).
struct ACERFixture: Decodable {
    let steps: Int, batch: Int
    let actions_count: Int
    let gamma: Float, c: Float, ent_coef: Float, delta: Float, q_coef: Float
    let q: [Float], mu: [Float], actions: [Int], rewards: [Float], dones: [Float]
    let probabilities: [Float], values: [Float], average_probabilities: [Float]
    let qret: [Float], loss_f: Float, loss_bc: Float, entropy: Float, loss_q: Float
    let adjustment: [Float], seed: [Float], seed_no_trust_region: [Float]
    let rho_above_c: Int, adjusted_rows: Int

    static func load() throws -> ACERFixture {
        let url = try #require(Bundle.module.url(forResource: "acer_objective", withExtension: "json"))
        return try JSONDecoder().decode(ACERFixture.self, from: Data(contentsOf: url))
    }

    var rows: Int { steps * batch }
    var importanceWeights: [Float] {
        (0..<rows).map { probabilities[$0 * actions_count + actions[$0]] / (mu[$0 * actions_count + actions[$0]] + 1e-6) }
    }
    var takenQ: [Float] { (0..<rows).map { q[$0 * actions_count + actions[$0]] } }
}

func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float, _ what: String) {
    #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)")
    for (index, (a, e)) in zip(actual, expected).enumerated() where Swift.abs(a - e) > tolerance * max(1, Swift.abs(e)) {
        Issue.record("\(what)[\(index)] = \(a), expected \(e)")
        return
    }
}

@Suite struct ACERMathTests {
    @Test func retraceMatchesAHandComputedExample() {
        // One trajectory, two steps, no done: V(x2) = 2.
        // t = 1: Qret = r1 + g V2 = 1 + 0.5 * 2 = 2; carried: min(1, 0.5) (2 - 1.5) + 1 = 1.25
        // t = 0: Qret = r0 + g 1.25 = 0 + 0.625; (rho 3 is cut to 1 in the recursion)
        let targets = Retrace.targets(
            rewards: [0, 1], dones: [0, 0], importanceWeights: [3, 0.5], takenQ: [0.2, 1.5],
            values: [0.7, 1, 2], steps: 2, batch: 1, discount: 0.5)
        #expect(targets == [0.625, 2])
        // A done at step 0 cuts the future: Qret_0 = r0.
        let cut = Retrace.targets(
            rewards: [4, 1], dones: [1, 0], importanceWeights: [1, 1], takenQ: [0, 0],
            values: [0, 0, 10], steps: 2, batch: 1, discount: 0.5)
        #expect(cut == [4, 6])
    }

    @Test func retraceMatchesPyTorch() throws {
        let fixture = try ACERFixture.load()
        let targets = Retrace.targets(
            rewards: fixture.rewards, dones: fixture.dones, importanceWeights: fixture.importanceWeights,
            takenQ: fixture.takenQ, values: fixture.values, steps: fixture.steps, batch: fixture.batch,
            discount: fixture.gamma)
        expectClose(targets, fixture.qret, tolerance: 1e-5, "qret")
    }

    @Test(arguments: [true, false])
    func objectiveAndTrustRegionMatchPyTorch(trustRegion: Bool) throws {
        let fixture = try ACERFixture.load()
        #expect(fixture.rho_above_c > 0 && fixture.adjusted_rows > 0, "the fixture must exercise the bias correction and the projection")
        let rows = fixture.rows, actions = fixture.actions_count
        let probabilities = try Tensor(Array(fixture.probabilities[..<(rows * actions)]), shape: [rows, actions])
        let q = try Tensor(Array(fixture.q[..<(rows * actions)]), shape: [rows, actions])
        let average = try Tensor(fixture.average_probabilities, shape: [rows, actions])
        let settings = ACERObjective.Settings(
            truncation: fixture.c, entropyCoefficient: fixture.ent_coef, trustRegion: trustRegion,
            trustRegionDelta: fixture.delta)
        let result = try ACERObjective.evaluate(
            probabilities: probabilities, averageProbabilities: average, qValues: q,
            values: Array(fixture.values[..<rows]), targets: fixture.qret, actions: fixture.actions,
            behaviourProbabilities: fixture.mu, mask: Array(repeating: 1, count: rows), settings: settings)
        #expect(Swift.abs(result.importanceLoss - fixture.loss_f) < 1e-4 * max(1, Swift.abs(fixture.loss_f)))
        #expect(Swift.abs(result.biasCorrectionLoss - fixture.loss_bc) < 1e-4 * max(1, Swift.abs(fixture.loss_bc)))
        #expect(Swift.abs(result.entropy - fixture.entropy) < 1e-5)
        expectClose(result.seed.scalars, trustRegion ? fixture.seed : fixture.seed_no_trust_region, tolerance: 1e-4, "seed")
        if trustRegion {
            let mean = fixture.adjustment.reduce(0, +) / Float(rows)
            #expect(Swift.abs(result.meanAdjustment - mean) < 1e-4 * max(1, mean))
        }
    }

    @Test func maskedPaddingRowsContributeNothing() throws {
        let fixture = try ACERFixture.load()
        let rows = fixture.rows, actions = fixture.actions_count
        var mask = Array(repeating: Float(1), count: rows)
        for row in (rows - fixture.batch)..<rows { mask[row] = 0 }
        let result = try ACERObjective.evaluate(
            probabilities: try Tensor(Array(fixture.probabilities[..<(rows * actions)]), shape: [rows, actions]),
            averageProbabilities: try Tensor(fixture.average_probabilities, shape: [rows, actions]),
            qValues: try Tensor(Array(fixture.q[..<(rows * actions)]), shape: [rows, actions]), values: Array(fixture.values[..<rows]),
            targets: fixture.qret, actions: fixture.actions, behaviourProbabilities: fixture.mu, mask: mask,
            settings: ACERObjective.Settings())
        let seed = result.seed.scalars
        #expect(seed[((rows - fixture.batch) * actions)...].allSatisfy { $0 == 0 })
        #expect(seed[..<((rows - fixture.batch) * actions)].contains { $0 != 0 })
    }
}
