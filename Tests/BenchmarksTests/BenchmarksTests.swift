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

    @Test(
        "the bfloat16 correlation computes the Float32 one within bfloat16 rounding",
        .enabled(if: BFloat16CorrelationBenchmark.isSupported, "needs AVX512-BF16"))
    func bfloat16Correlation() {
        for shape in BFloat16CorrelationBenchmark.shapes {
            let result = BFloat16CorrelationBenchmark.measure(shape, batch: 2, repeats: 0)
            // Inputs rounded to 8 significant bits (relative error <= 2^-9 each), sums in Float32.
            #expect(result.relativeError > 0 && result.relativeError < 1e-2, "\(shape.name): \(result.relativeError)")
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
