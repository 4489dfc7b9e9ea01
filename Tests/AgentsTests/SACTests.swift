import BundledEnvs
import Foundation
import Gym
import NN
import Testing
import Tensors
@testable import Agents

/// A 3x4x4 "pixel" observation stacked 3 deep is too small for the pixel encoder; these tests use
/// FrameReplay directly on a 9x36x36 stack, whose frames carry a step number in every byte.
final class CountingFrames: Environment {
    let observationSpace = Space.box(Box(low: 0, high: 255, shape: [9, 36, 36], dtype: .uint8))
    let actionSpace = Space.box(Box(low: -1, high: 1, shape: [1]))
    let episodeLength: Int
    var frames: [UInt8] = [0, 0, 0]
    var count: UInt8 = 0
    var episodes: UInt8 = 0

    init(episodeLength: Int) { self.episodeLength = episodeLength }

    func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        episodes &+= 1
        count = 0
        let first = episodes &* 50
        frames = [first, first, first]
        write(observation)
        return [:]
    }

    func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        count += 1
        frames = [frames[1], frames[2], episodes &* 50 &+ count]
        write(observation)
        return StepResult(reward: Double(episodes &* 50 &+ count), terminated: Int(count) == episodeLength)
    }

    private func write(_ observation: ObservationBuffer) {
        let frameLength = 3 * 36 * 36
        for frame in 0..<3 { for index in 0..<frameLength { observation.bytes[frame * frameLength + index] = frames[frame] } }
    }
}

@Suite struct FrameReplayTests {
    @Test func stacksAreRebuiltExactlyAcrossEpisodeBoundaries() throws {
        let environment = CountingFrames(episodeLength: 4)
        let replay = try FrameReplay(space: environment.observationSpace, capacity: 50, actionDimension: 1)
        #expect(replay.stackDepth == 3)
        let buffer = ObservationBuffer(space: environment.observationSpace)
        var expected: [(obs: [UInt8], next: [UInt8], reward: Float, notDone: Float)] = []
        _ = try environment.reset(seed: 0, options: [:], into: buffer)
        replay.beginEpisode(environment: 0, observation: buffer, row: 0)
        for _ in 0..<10 {
            let before = environment.frames
            let result = try environment.step(.continuous([0]), into: buffer)
            replay.add(
                environment: 0, action: [0.5], reward: Float(result.reward), notDone: result.terminated ? 0 : 1, nextObservation: buffer,
                row: 0)
            expected.append((before, environment.frames, Float(result.reward), result.terminated ? 0 : 1))
            if result.terminated {
                _ = try environment.reset(seed: nil, options: [:], into: buffer)
                replay.beginEpisode(environment: 0, observation: buffer, row: 0)
            }
        }
        // One frame per step plus one per episode start (3 starts): 13 frames for 10 transitions, not 60.
        #expect(replay.count == 10)
        var generator = RandomGenerator(seed: 1)
        let batch = replay.sample(batchSize: 64, using: &generator)
        #expect(batch.observations.shape == [64, 9, 36, 36] && batch.nextObservations.shape == [64, 9, 36, 36])
        #expect(batch.actions.shape == [64, 1] && batch.rewards.shape == [64, 1] && batch.notDones.shape == [64, 1])
        let frameLength = 3 * 36 * 36
        for row in 0..<64 {
            let reward = batch.rewards.pointer[row]
            let match = try #require(expected.first { $0.reward == reward && $0.notDone == batch.notDones.pointer[row] })
            for frame in 0..<3 {
                // uint8 round trip: value / 255 in the batch, the exact byte again after * 255.
                let observed = UInt8((batch.observations.pointer[(row * 3 + frame) * frameLength] * 255).rounded())
                let next = UInt8((batch.nextObservations.pointer[(row * 3 + frame) * frameLength + 17] * 255).rounded())
                #expect(observed == match.obs[frame] && next == match.next[frame])
            }
            #expect(batch.actions.pointer[row] == 0.5)
        }
        // Terminal transitions (their next stacks are the final frames, not the next episode's start) were sampled too.
        #expect((0..<64).contains { batch.notDones.pointer[$0] == 0 })
    }

    @Test func oneHundredThousandPixelTransitionsFitInTwoPointTwoGigabytes() throws {
        // Frame ring + indices (allocated up front): the reference's obs + next_obs layout needs 12.7 GB.
        let bytes = FrameReplay.storageBytes(observationShape: [9, 84, 84], isImage: true, capacity: 100_000, actionDimension: 1)
        #expect(bytes < 2_200_000_000, "\(bytes) bytes")
        #expect(bytes > 100_000 * 3 * 84 * 84)
        // The formula is what a replay really allocates (checked on a small one).
        let small = try FrameReplay(
            space: .box(Box(low: 0, high: 255, shape: [9, 84, 84], dtype: .uint8)), capacity: 500, actionDimension: 1)
        #expect(
            small.storageBytes == FrameReplay.storageBytes(observationShape: [9, 84, 84], isImage: true, capacity: 500, actionDimension: 1))
    }

    @Test func vectorObservationsRoundTrip() throws {
        let replay = try FrameReplay(space: .box(Box(low: -10, high: 10, shape: [3])), capacity: 4, actionDimension: 2)
        #expect(replay.stackDepth == 1)
        let buffer = ObservationBuffer(space: .box(Box(low: -10, high: 10, shape: [3])))
        buffer.floats[0] = 1; buffer.floats[1] = 2; buffer.floats[2] = 3
        replay.beginEpisode(environment: 0, observation: buffer, row: 0)
        buffer.floats[0] = 4; buffer.floats[1] = 5; buffer.floats[2] = 6
        replay.add(environment: 0, action: [0.25, -0.75], reward: 2, notDone: 1, nextObservation: buffer, row: 0)
        var generator = RandomGenerator(seed: 0)
        let batch = replay.sample(batchSize: 2, using: &generator)
        #expect(batch.observations.scalars == [1, 2, 3, 1, 2, 3] && batch.nextObservations.scalars == [4, 5, 6, 4, 5, 6])
        #expect(batch.actions.scalars == [0.25, -0.75, 0.25, -0.75])
    }
}

/// One step, observation x in [-1, 1], reward -(a - x)^2: the best action copies the observation.
final class CopyTarget: Environment {
    let observationSpace = Space.box(Box(low: -1, high: 1, shape: [1]))
    let actionSpace = Space.box(Box(low: -2, high: 2, shape: [1]))
    var generator = RandomGenerator(seed: 0)
    var target: Float = 0

    func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        if let seed { generator = RandomGenerator(seed: UInt64(seed)) }
        target = Float(generator.uniform(-1, 1))
        observation.floats[0] = target
        return [:]
    }

    func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        guard case .continuous(let values) = action else { throw GymError.invalidAction("continuous only") }
        let error = values[0] - target
        return StepResult(reward: Double(-error * error), terminated: true)
    }
}

@Suite(.serialized) struct SACTests {
    func smallPixelSAC() throws -> SAC {
        var configuration = SACConfiguration()
        configuration.hiddenSize = 16
        configuration.batchSize = 4
        configuration.initialSteps = 0
        configuration.encoderFilters = 4
        configuration.encoderLayers = 2
        configuration.replaySize = 64
        return try SAC(configuration: configuration, seed: 0, makeEnvironment: { CountingFrames(episodeLength: 5) })
    }

    @Test func actorAndCriticShareConvolutionStorage() throws {
        let agent = try smallPixelSAC()
        let actorEncoder = try #require(agent.actor.encoder as? PixelEncoder)
        let criticEncoder = try #require(agent.critic.encoder as? PixelEncoder)
        for (actorConv, criticConv) in zip(actorEncoder.convs, criticEncoder.convs) {
            #expect(actorConv.weight === criticConv.weight && actorConv.weight.storage === criticConv.weight.storage)
        }
        #expect(actorEncoder.fc.weight !== criticEncoder.fc.weight)
        let targetEncoder = try #require(agent.targetCritic.encoder as? PixelEncoder)
        #expect(targetEncoder.convs[0].weight.storage !== criticEncoder.convs[0].weight.storage)
    }

    @Test func criticUpdatesMoveTheActorsConvolutionsAndActorUpdatesDoNot() throws {
        let agent = try smallPixelSAC()
        try agent.start()
        for _ in 0..<6 { _ = try agent.iterate() }
        let actorEncoder = try #require(agent.actor.encoder as? PixelEncoder)
        let convolution = actorEncoder.convs[0].weight
        // A critic step through the optimiser changes the (shared) weights the actor sees.
        var generator = RandomGenerator(seed: 5)
        let batch = agent.replay.sample(batchSize: 4, using: &generator)
        let before = convolution.scalars
        let tape = GradientTape()
        let loss = try tape.record { try agent.critic(batch.observations, action: batch.actions).0.square().mean() }
        try agent.criticOptimizer.step(try tape.backward(from: loss))
        #expect(convolution.scalars != before)
        // An actor step (encoder detached after the convolutions) leaves them alone but moves the actor's fc.
        let afterCritic = convolution.scalars, fcBefore = actorEncoder.fc.weight.scalars
        let actorTape = GradientTape()
        let actorLoss = try actorTape.record { () throws -> Tensor in
            let policy = try agent.actor(batch.observations, detachEncoder: true, generator: &generator)
            return try (policy.logProbability * 0.1 - agent.critic(batch.observations, action: policy.action, detachEncoder: true).0).mean()
        }
        let gradients = try actorTape.backward(from: actorLoss)
        #expect(gradients[convolution] == nil)
        try agent.actorOptimizer.step(gradients)
        #expect(convolution.scalars == afterCritic)
        #expect(actorEncoder.fc.weight.scalars != fcBefore)
    }

    @Test func computingTheTiedConvolutionsOnceChangesNoUpdate() throws {
        // The update reuses one convolution pass for actor, temperature and decoder; the reference's
        // three separate passes must give the same parameters, bit for bit.
        let shared = try smallPixelSAC(), separate = try smallPixelSAC()
        separate.reusesSharedFeatures = false
        try shared.start()
        try separate.start()
        for _ in 0..<8 {
            _ = try shared.iterate()
            _ = try separate.iterate()
        }
        #expect(shared.updateCount > 2)
        let separateParameters = Dictionary(uniqueKeysWithValues: separate.critic.namedParameters().map { ($0.name, $0.tensor.scalars) })
        for (name, tensor) in shared.critic.namedParameters() {
            #expect(tensor.scalars == separateParameters[name], "critic parameter \(name) differs")
        }
        let separateActor = Dictionary(uniqueKeysWithValues: separate.actor.namedParameters().map { ($0.name, $0.tensor.scalars) })
        for (name, tensor) in shared.actor.namedParameters() {
            #expect(tensor.scalars == separateActor[name], "actor parameter \(name) differs")
        }
    }

    @Test func targetUpdatesFollowThePolyakArithmetic() throws {
        let agent = try smallPixelSAC()
        try agent.start()
        let criticWeight = agent.critic.q1.layers[0] as! Linear, targetWeight = agent.targetCritic.q1.layers[0] as! Linear
        let criticConv = (agent.critic.encoder as! PixelEncoder).convs[0].weight,
            targetConv = (agent.targetCritic.encoder as! PixelEncoder).convs[0].weight
        #expect(criticWeight.weight.scalars == targetWeight.weight.scalars)
        // Move the critic, then apply one target update by hand and through the agent's rule.
        for index in 0..<criticWeight.weight.count { criticWeight.weight.pointer[index] += 1 }
        for index in 0..<criticConv.count { criticConv.pointer[index] += 2 }
        let oldTarget = targetWeight.weight.scalars, oldTargetConv = targetConv.scalars
        try softUpdate(target: agent.targetCritic.q1, from: agent.critic.q1, tau: 0.01)
        try softUpdate(target: agent.targetCritic.encoder, from: agent.critic.encoder, tau: 0.05)
        for (index, value) in targetWeight.weight.scalars.enumerated() {
            let expected = 0.01 * criticWeight.weight.pointer[index] + 0.99 * oldTarget[index]
            #expect(Swift.abs(value - expected) < 1e-6)
        }
        for (index, value) in targetConv.scalars.enumerated() {
            let expected = 0.05 * criticConv.pointer[index] + 0.95 * oldTargetConv[index]
            #expect(Swift.abs(value - expected) < 1e-6)
        }
    }

    @Test func reconstructionTargetsAreFiveBitWithNoise() throws {
        let agent = try smallPixelSAC()
        let pixels = try Tensor([0, 7, 8, 255].map { Float($0) / 255 }, shape: [4])
        let target = agent.reconstructionTarget(pixels).scalars
        // floor(x / 8) / 32 - 0.5 plus noise in [0, 1/32).
        for (value, base) in zip(target, [0, 0, 1, 31].map { Float($0) / 32 - 0.5 }) {
            #expect(value >= base && value < base + 1 / 32)
        }
        // Over many pixels the noise is uniform on [0, 1/32): mean 1/64, each quarter about as often.
        let many = try Tensor((0..<10001).map { Float($0 % 256) / 255 }, shape: [10001])
        let noise = zip(agent.reconstructionTarget(many).scalars, many.scalars).map { value, pixel in
            (value + 0.5 - Float(Int(pixel * 255 + 0.5) >> 3) / 32) * 32
        }
        #expect(noise.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(Swift.abs(noise.reduce(0, +) / Float(noise.count) - 0.5) < 0.02)
        for quarter in 0..<4 {
            let share = Float(noise.filter { Int($0 * 4) == quarter }.count) / Float(noise.count)
            #expect(Swift.abs(share - 0.25) < 0.03, "quarter \(quarter): \(share)")
        }
    }

    @Test func warmUpUpdatesComeInChunksWithNoEnvironmentStep() throws {
        var configuration = SACConfiguration()
        configuration.decoder = false
        configuration.hiddenSize = 8
        configuration.batchSize = 4
        configuration.initialSteps = 25
        let agent = try SAC(configuration: configuration, algorithmName: "sac", seed: 1, makeEnvironment: { CopyTarget() })
        try agent.start()
        var reports: [(steps: Int, updates: Double)] = []
        while agent.environmentSteps < 27 {
            let report = try agent.iterate()
            reports.append((report.environmentSteps, report.scalars["charts/updates"] ?? -1))
        }
        // 24 steps without updates, the 25th with the first 10 warm-up updates, two iterations of 10
        // and 5 more updates with no step, then one update per step.
        #expect(reports.map(\.steps) == Array(1...25) + [25, 25, 26, 27])
        #expect(reports.map(\.updates) == Array(repeating: 0, count: 24) + [10, 20, 25, 26, 27])
    }

    @Test func sacLearnsToCopyItsObservation() throws {
        var configuration = SACConfiguration()
        configuration.decoder = false
        configuration.hiddenSize = 32
        configuration.batchSize = 32
        configuration.initialSteps = 200
        let agent = try SAC(configuration: configuration, algorithmName: "sac", seed: 1, makeEnvironment: { CopyTarget() })
        try agent.start()
        var episodes: [EpisodeRecord] = []
        while agent.environmentSteps < 1500 { episodes += try agent.iterate().episodes }
        let random = episodes.prefix(200).map(\.totalReward).reduce(0, +) / 200
        let policy = try agent.evaluationPolicy()
        let environment = CopyTarget()
        let buffer = ObservationBuffer(space: environment.observationSpace)
        var generator = RandomGenerator(seed: 9)
        var total = 0.0
        for episode in 0..<50 {
            _ = try environment.reset(seed: 100 + episode, options: [:], into: buffer)
            total += try environment.step(try policy.action(for: buffer, deterministic: true, generator: &generator), into: buffer).reward
        }
        let learned = total / 50
        print("SAC copy task: random actions \(random), learned policy \(learned)")
        #expect(random < -1, "uniform actions on [-2, 2] should score about -1.7, got \(random)")
        #expect(learned > -0.05, "SAC should learn to copy the observation, got \(learned)")
    }
}
