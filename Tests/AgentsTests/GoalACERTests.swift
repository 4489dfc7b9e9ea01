import BundledEnvs
import Foundation
import Gym
import NN
import Testing
import Tensors
@testable import Agents

func fourRoomsGoalACER(environments: Int = 2, configure: (inout GoalACERConfiguration) -> Void = { _ in }) throws -> GoalACER {
    BundledEnvironments.register()
    var configuration = GoalACERConfiguration()
    configuration.acer.steps = 5
    configuration.acer.hiddenSizes = [16]
    configuration.initialSteps = 20
    configuration.initialDynamicsUpdates = 2
    configure(&configuration)
    return try GoalACER(configuration: configuration, environmentCount: environments, seed: 0, totalSteps: 1_000_000,
                        makeEnvironment: { try make("FourRooms-Goal-v0", options: ["observation": .string("position")]) })
}

@Suite(.serialized) struct GoalACERTests {
    @Test func relabellingMakesAFutureAchievedStateTheGoalUpToIt() throws {
        let agent = try fourRoomsGoalACER(environments: 3) { $0.acer.steps = 8; $0.initialSteps = 48 }
        try agent.start()
        try agent.initialize()
        let original = try #require(agent.replay.first)
        let segment = try original.copy()
        var generator = RandomGenerator(seed: 4)
        let chosen = segment.relabel(probability: 1, using: &generator)
        let width = segment.environmentCount
        for environment in 0..<width {
            let future = try #require(chosen[environment])
            // f lies in the first episode piece (no done before it).
            #expect((0..<future).allSatisfy { segment.dones[$0 * width + environment] == 0 })
            let achieved = segment.achievedGoals[future * width + environment]
            for t in 0...future {
                #expect(segment.goals[t * width + environment] == achieved)
                #expect(segment.desiredVectors[t * width + environment] == segment.achievedVectors[future * width + environment])
            }
            for t in (future + 1)..<(segment.steps + 1) {
                #expect(segment.goals[t * width + environment] == original.goals[t * width + environment])
            }
        }
        // Nothing relabelled with probability 0; the original is untouched by relabelling its copy.
        let untouched = try original.copy()
        #expect(untouched.relabel(probability: 0, using: &generator).allSatisfy { $0 == nil })
        #expect(untouched.goals == original.goals)
    }

    @Test func intrinsicRewardsAreRecomputedForRelabelledGoals() throws {
        let agent = try fourRoomsGoalACER(environments: 2) { $0.acer.steps = 10; $0.initialSteps = 20 }
        try agent.start()
        try agent.initialize()
        let segment = try agent.replay[0].copy()
        var generator = RandomGenerator(seed: 1)
        let chosen = segment.relabel(probability: 1, using: &generator)
        let (rewards, dones) = try agent.intrinsicRewards(segment)
        let width = segment.environmentCount
        for environment in 0..<width {
            let future = try #require(chosen[environment])
            // Reached at f by construction: reward 1 (the environment's computeReward) and an intrinsic done.
            #expect(rewards[future * width + environment] == 1 && dones[future * width + environment] == 1)
            for t in 0..<future {
                let same = segment.achievedVectors[t * width + environment] == segment.achievedVectors[future * width + environment]
                #expect(rewards[t * width + environment] == (same ? 1 : 0))
            }
        }
        // The dense option: 0 at the goal, minus the scaled distance elsewhere.
        let dense = try fourRoomsGoalACER(environments: 2) { $0.acer.steps = 10; $0.initialSteps = 20; $0.goalReward = "negative_distance" }
        let denseRewards = try dense.intrinsicRewards(segment).rewards
        for environment in 0..<width {
            let future = try #require(chosen[environment])
            #expect(denseRewards[future * width + environment] == 0)
            #expect(denseRewards.allSatisfy { $0 <= 0 })
        }
        // Feature-space goals: -||phi(a) - phi(g)||^2 / (||phi(g)||^2 + 1e-6), zero distance when achieved is the goal.
        let distances = GoalACER.normalisedDistances([1, 2, 3, 4], [1, 2, 0, 2], featureCount: 2)
        let expected: Float = 13 / (4 + 1e-6)
        #expect(distances[0] == 0 && Swift.abs(distances[1] - expected) < 1e-6)
    }

    @Test func reachedStatusResetsOnlyForTheFinishedEnvironment() throws {
        let agent = try fourRoomsGoalACER(environments: 3)
        try agent.start()
        agent.markReached(0)
        agent.markReached(2)
        try agent.beginEpisode(2)
        #expect(agent.reached == [true, false, false])
        // A reached environment acts uniformly at random and stores mu = 1/nA.
        agent.initialized = true
        let (segment, _) = try agent.collect(random: false)
        let actions = agent.actionCount
        let firstStep = Array(segment.behaviourProbabilities[0..<actions])
        #expect(firstStep.allSatisfy { Swift.abs($0 - 1 / Float(actions)) < 1e-7 })
    }

    @Test func withDummyDynamicsTheExplorationLossesArePlainACERs() throws {
        BundledEnvironments.register()
        var configuration = GoalACERConfiguration()
        configuration.dynamics = "dummy"
        configuration.acer.steps = 6
        configuration.acer.hiddenSizes = [16]
        configuration.initialSteps = 0
        let agent = try GoalACER(configuration: configuration, environmentCount: 2, seed: 3, totalSteps: 1000,
                                 makeEnvironment: { try make("CartPole-v1") })
        #expect(agent.exploration.goalFeatureCount == 0)
        try agent.start()
        let (segment, _) = try agent.collect(random: false)
        let goalBatch = try agent.explorationBatch(segment)
        // Plain ACER's batch of the same data: extrinsic rewards and dones, no goal features.
        let rows = (segment.steps + 1) * segment.environmentCount
        let plain = ACERBatch(steps: segment.steps, batch: segment.environmentCount, observations: segment.observations.tensor(rows: Array(0..<rows)),
                              actions: segment.actions, rewards: segment.rewards, dones: segment.dones,
                              behaviourProbabilities: segment.behaviourProbabilities, mask: Array(repeating: 1, count: segment.steps * segment.environmentCount))
        #expect(goalBatch.goalFeatures == nil && goalBatch.rewards == plain.rewards && goalBatch.dones == plain.dones)
        let settings = ACERObjective.Settings()
        let (goalGradients, goalStatistics) = try ACERLearner.gradients(network: agent.exploration, average: agent.explorationAverage, batch: goalBatch,
                                                                        discount: 0.99, qCoefficient: 0.5, settings: settings)
        let (plainGradients, plainStatistics) = try ACERLearner.gradients(network: agent.exploration, average: agent.explorationAverage, batch: plain,
                                                                          discount: 0.99, qCoefficient: 0.5, settings: settings)
        #expect(goalStatistics.qLoss == plainStatistics.qLoss && goalStatistics.policyLoss == plainStatistics.policyLoss)
        #expect(goalStatistics.entropy == plainStatistics.entropy)
        for parameter in agent.exploration.parameters {
            #expect(goalGradients[parameter]?.scalars == plainGradients[parameter]?.scalars)
        }
    }

    @Test func theGoalHiddenLayerLetsActionPreferencesDependOnStateAndGoalTogether() throws {
        // Linear heads on [latent, goal] give logits(s, g) = A h(s) + B g: the change of the logits
        // between two goals is the same in every state. The hidden layer over the concatenation breaks that.
        var generator = RandomGenerator(seed: 3)
        let states = try Tensor([0.1, 0.9, 0.8, 0.2], shape: [2, 2])
        let goalOne = try Tensor([1, 0, 1, 0], shape: [2, 2]), goalTwo = try Tensor([0, 1, 0, 1], shape: [2, 2])
        func goalEffects(_ network: ACERNetwork) throws -> [Float] {
            let one = try network(states, goalFeatures: goalOne).logits.scalars, two = try network(states, goalFeatures: goalTwo).logits.scalars
            return zip(one, two).map { $0 - $1 }
        }
        for hidden in [0, 32] {
            let network = try ACERNetwork(observationShape: [2], actionCount: 3, hiddenSizes: [16], activation: .relu,
                                          goalFeatureCount: 2, goalHiddenSize: hidden, generator: &generator)
            Initialization.orthogonal(network.policyHead.weight, gain: 1, generator: &generator)
            let effects = try goalEffects(network)
            let difference = (0..<3).map { abs(effects[$0] - effects[3 + $0]) }.max()!
            if hidden == 0 { #expect(difference < 1e-5) } else { #expect(difference > 1e-3) }
        }
    }

    @Test func goalQueueKeepsTheMostNovelStates() {
        let pool = GoalPool(capacity: 3, fraction: 0.9)
        for (novelty, value) in [(1, 10), (5, 50), (3, 30)] as [(Float, Float)] { #expect(pool.offer(novelty: novelty, observation: [value])) }
        #expect(!pool.offer(novelty: 0.5, observation: [5]))          // below 0.9 x the least novel (1)
        #expect(pool.offer(novelty: 4, observation: [40]))            // replaces the least novel
        #expect(pool.nextGoal() == [50])
        #expect(pool.nextGoal() == [40])
        #expect(pool.entries.map(\.observation) == [[30]])
    }
}
