import Testing
@testable import Agents
@testable import Benchmarks
@testable import NN
@testable import Tensors

@Suite("Benchmark workloads")
struct BenchmarksTests {
    @Test("the MLP update workload trains: its loss falls")
    func mlpUpdate() throws {
        for configuration in MLPUpdateBenchmark.Configuration.peerConfigurations {
            let benchmark = MLPUpdateBenchmark(configuration, batch: 32)
            let first = try benchmark.step()
            var last = first
            for _ in 0..<100 { last = try benchmark.step() }
            #expect(last < first, "\(configuration.name): \(first) -> \(last)")
        }
    }

    @Test("the SAC-AE update workload runs on SAC-AE's exact shapes and ties the actor's convolutions to the critic's")
    func sacAEUpdate() throws {
        let benchmark = try SACAEUpdateBenchmark(batch: 2)
        let criticEncoder = try #require(benchmark.critic.encoder as? PixelEncoder)
        let actorEncoder = try #require(benchmark.actor.encoder as? PixelEncoder)
        #expect(criticEncoder.outputSide == 35)
        #expect(criticEncoder.fc.weight.shape == [50, 32 * 35 * 35])
        #expect(benchmark.decoder.deconvs.last!.weight.shape == [32, 9, 3, 3])
        for (actorConv, criticConv) in zip(actorEncoder.convs, criticEncoder.convs) {
            #expect(actorConv.weight.storage === criticConv.weight.storage)
        }
        let convBefore = criticEncoder.convs[0].weight.scalars
        let targetBefore = benchmark.targetCritic.q1.namedTensors().first!.tensor.scalars
        try benchmark.update()  // step 0: critic, actor, alpha, soft targets, decoder
        #expect(actorEncoder.convs[0].weight.scalars != convBefore)  // changed through the critic, seen by the actor
        #expect(benchmark.targetCritic.q1.namedTensors().first!.tensor.scalars != targetBefore)
        try benchmark.update()
        #expect(benchmark.step == 2)
    }
}
