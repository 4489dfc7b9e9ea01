import BundledEnvs
import Foundation
import Gym
import NN
import Testing
import Tensors
@testable import Agents

/// A small goal-conditioned ACER agent on `id` with [x, y, direction] observations.
func positionGoalACER(_ id: String, environments: Int = 2, configure: (inout GoalACERConfiguration) -> Void = { _ in }) throws -> GoalACER {
    BundledEnvironments.register()
    var configuration = GoalACERConfiguration()
    configuration.acer.steps = 5
    configuration.acer.hiddenSizes = [16]
    configuration.initialSteps = 20
    configuration.initialDynamicsUpdates = 2
    configure(&configuration)
    return try GoalACER(
        configuration: configuration, environmentCount: environments, seed: 0, totalSteps: 1_000_000,
        makeEnvironment: { try make(id, options: ["observation": .string("position")]) })
}

/// The agent on FourRooms-Goal-v0 (a goal environment: goals are desired goals).
func fourRoomsGoalACER(environments: Int = 2, configure: (inout GoalACERConfiguration) -> Void = { _ in }) throws -> GoalACER {
    try positionGoalACER("FourRooms-Goal-v0", environments: environments, configure: configure)
}

@Suite(.serialized) struct GoalACERTests {
    @Test func relabellingMakesAFutureAchievedStateTheGoalUpToIt() throws {
        let agent = try fourRoomsGoalACER(environments: 3) {
            $0.acer.steps = 8; $0.initialSteps = 48
        }
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
        let agent = try fourRoomsGoalACER(environments: 2) {
            $0.acer.steps = 10; $0.initialSteps = 20
        }
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
        let dense = try fourRoomsGoalACER(environments: 2) {
            $0.acer.steps = 10; $0.initialSteps = 20; $0.goalReward = .negativeDistance
        }
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

    @Test func coordinateReachWithSparseRewardsIgnoresTheOtherValues() throws {
        func mazeAgent(_ configure: (inout GoalACERConfiguration) -> Void) throws -> GoalACER {
            try positionGoalACER("Maze-medium-v0") {
                $0.acer.steps = 10; configure(&$0)
            }
        }
        let agent = try mazeAgent {
            $0.reachCoordinates = [0, 1]; $0.intrinsicReward = .sparse
        }
        try agent.start()
        try agent.initialize()
        let segment = try agent.replay[0].copy()
        // Goal: the first achieved cell of environment 0 facing another way ([x, y, direction]).
        var goal = segment.achievedGoals[0]
        goal[2] = Float((Int(goal[2]) + 2) % 4)
        for index in segment.goals.indices { segment.goals[index] = goal }
        let (rewards, dones) = try agent.intrinsicRewards(segment)
        for row in 0..<(segment.steps * segment.environmentCount) {
            let achieved = segment.achievedGoals[row]
            let sameCell = achieved[0] == goal[0] && achieved[1] == goal[1]
            #expect(rewards[row] == (sameCell ? 1 : 0), "row \(row): \(achieved) against \(goal)")
            #expect(dones[row] == (sameCell || segment.dones[row] > 0 ? 1 : 0))
        }
        #expect(rewards[0] == 1, "the first achieved cell is the goal's cell whatever the direction")
        // Indices outside the observation, and coordinates for goal environments, are errors that name the fix;
        // dummy dynamics (plain ACER, no goals) ignores them.
        #expect(throws: AgentError.self) { _ = try mazeAgent { $0.reachCoordinates = [3] } }
        #expect(throws: Never.self) {
            _ = try mazeAgent {
                $0.reachCoordinates = [0]; $0.dynamics = .dummy
            }
        }
        #expect(throws: AgentError.self) { _ = try fourRoomsGoalACER { $0.reachCoordinates = [0] } }
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

    @Test func stackedGoalImagesAreExtraInputChannelsOfTheExplorationPolicyOnly() throws {
        BundledEnvironments.register()
        var configuration = GoalACERConfiguration()
        configuration.acer.steps = 3
        configuration.initialSteps = 6
        configuration.goalInput = .stacked
        let options: Options = ["observation": .string("pixels"), "render_width": .int(38), "render_height": .int(38)]
        let agent = try GoalACER(
            configuration: configuration, environmentCount: 2, seed: 0, totalSteps: 1000,
            makeEnvironment: { try make("FourRooms-Goal-v0", options: options) })
        try agent.start()
        try agent.initialize()
        let segment = try agent.replay[0].copy()
        let batch = try agent.explorationBatch(segment)
        let rows = (segment.steps + 1) * segment.environmentCount
        #expect(batch.observations.shape == [rows, 6, 38, 38] && batch.goalFeatures == nil)
        // Channels 3...5 of row r are the goal picture of row r (scaled to [0, 1]); 0...2 the observation.
        let plane = 3 * 38 * 38
        for row in [0, rows - 1] {
            let values = batch.observations.scalars[(row * 2 * plane)..<((row * 2 + 1) * plane)]
            let goal = batch.observations.scalars[((row * 2 + 1) * plane)..<((row * 2 + 2) * plane)]
            #expect(zip(goal, segment.goals[row]).allSatisfy { Swift.abs($0 - $1 / 255) < 1e-6 })
            #expect(zip(values, agent.scaled(segment.observations.tensor(rows: [row])).scalars).allSatisfy { $0 == $1 })
        }
        // The exploration network takes 6 channels; the evaluation network the observation's 3.
        _ = try agent.update(segment, relabel: true)
        let (segmentAfter, _) = try agent.collect(random: false)
        #expect(segmentAfter.actions.count == segment.actions.count)
        // With coordinate channels two more planes follow: x and y from -1 to 1.
        configuration.coordinateChannels = true
        let located = try GoalACER(
            configuration: configuration, environmentCount: 2, seed: 0, totalSteps: 1000,
            makeEnvironment: { try make("FourRooms-Goal-v0", options: options) })
        let input = try located.explorationInput(agent.scaled(segment.observations.tensor(rows: [0])), goals: [segment.goals[0]])
        #expect(input.shape == [1, 8, 38, 38])
        let planes = Array(input.scalars[(6 * 38 * 38)...])
        #expect(planes[0] == -1 && planes[37] == 1 && planes[38 * 38] == -1 && planes[38 * 38 + 37 * 38] == 1)
        _ = try located.update(segment, relabel: false)
        // Stacking needs pixel goal images.
        configuration.goalInput = .stacked
        #expect(throws: AgentError.self) {
            _ = try GoalACER(
                configuration: configuration, environmentCount: 1, seed: 0, totalSteps: 10,
                makeEnvironment: { try make("FourRooms-Goal-v0", options: ["observation": .string("position")]) })
        }
    }

    @Test func behaviourEpsilonMixesUniformProbabilityIntoTheStoredMu() throws {
        for epsilon in [1.0, 0.6] {
            let agent = try fourRoomsGoalACER(environments: 2) { $0.behaviourEpsilon = epsilon }
            try agent.start()
            agent.initialized = true
            let (segment, _) = try agent.collect(random: false)
            let actions = agent.actionCount, width = segment.environmentCount
            for row in 0..<(segment.steps * width) {
                let mu = Array(segment.behaviourProbabilities[(row * actions)..<((row + 1) * actions)])
                #expect(Swift.abs(mu.reduce(0, +) - 1) < 1e-5)
                #expect(mu.allSatisfy { $0 >= Float(epsilon) / Float(actions) - 1e-7 }, "row \(row): \(mu)")
                if epsilon == 1 { #expect(mu.allSatisfy { Swift.abs($0 - 1 / Float(actions)) < 1e-7 }) }
            }
            // At the first step mu = (1 - e) pi + e / nA exactly.
            let input = agent.scaled(segment.observations.tensor(rows: Array(0..<width)))
            let features = try Tensor(
                segment.goals[0..<width].map { try agent.goalFeatureTensor([$0])!.scalars }.flatMap { $0 },
                shape: [width, agent.exploration.goalFeatureCount])
            let policy = try withoutGradients { try agent.exploration(input, goalFeatures: features).logits.softmax(axis: 1) }.scalars
            for index in 0..<(width * actions) {
                let expected = Float(1 - epsilon) * policy[index] + Float(epsilon) / Float(actions)
                #expect(Swift.abs(segment.behaviourProbabilities[index] - expected) < 1e-6)
            }
        }
    }

    @Test func evaluationActorsActWithTheEvaluationPolicy() throws {
        let agent = try fourRoomsGoalACER(environments: 3) { $0.evaluationActors = 1 }
        try agent.start()
        agent.initialized = true
        let (segment, _) = try agent.collect(random: false)
        let actions = agent.actionCount, width = segment.environmentCount
        for t in 0..<segment.steps {
            let input = agent.scaled(segment.observations.tensor(rows: [t * width, t * width + 1]))
            let own = try withoutGradients { try agent.evaluation(input).logits.softmax(axis: 1) }.scalars
            let stored = Array(segment.behaviourProbabilities[(t * width * actions)..<((t * width + 1) * actions)])
            for a in 0..<actions { #expect(Swift.abs(stored[a] - own[a]) < 1e-6, "step \(t): mu is the evaluation policy's") }
            // Environment 1 acts with the exploration policy (or uniformly once its goal is reached).
            let other = Array(segment.behaviourProbabilities[((t * width + 1) * actions)..<((t * width + 2) * actions)])
            #expect(zip(other, own[actions..<(2 * actions)]).contains { Swift.abs($0 - $1) > 1e-6 })
        }
    }

    @Test func withDummyDynamicsTheExplorationLossesArePlainACERs() throws {
        BundledEnvironments.register()
        var configuration = GoalACERConfiguration()
        configuration.dynamics = .dummy
        configuration.acer.steps = 6
        configuration.acer.hiddenSizes = [16]
        configuration.initialSteps = 0
        let agent = try GoalACER(
            configuration: configuration, environmentCount: 2, seed: 3, totalSteps: 1000,
            makeEnvironment: { try make("CartPole-v1") })
        #expect(agent.exploration.goalFeatureCount == 0)
        try agent.start()
        let (segment, _) = try agent.collect(random: false)
        let goalBatch = try agent.explorationBatch(segment)
        // Plain ACER's batch of the same data: extrinsic rewards and dones, no goal features.
        let rows = (segment.steps + 1) * segment.environmentCount
        let plain = ACERBatch(
            steps: segment.steps, batch: segment.environmentCount, observations: segment.observations.tensor(rows: Array(0..<rows)),
            actions: segment.actions, rewards: segment.rewards, dones: segment.dones,
            behaviourProbabilities: segment.behaviourProbabilities,
            mask: Array(repeating: 1, count: segment.steps * segment.environmentCount))
        #expect(goalBatch.goalFeatures == nil && goalBatch.rewards == plain.rewards && goalBatch.dones == plain.dones)
        let settings = ACERObjective.Settings()
        let (goalGradients, goalStatistics) = try ACERLearner.gradients(
            network: agent.exploration, average: agent.explorationAverage, batch: goalBatch,
            discount: 0.99, qCoefficient: 0.5, settings: settings)
        let (plainGradients, plainStatistics) = try ACERLearner.gradients(
            network: agent.exploration, average: agent.explorationAverage, batch: plain,
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
            let one = try network(states, goalFeatures: goalOne).logits.scalars,
                two = try network(states, goalFeatures: goalTwo).logits.scalars
            return zip(one, two).map { $0 - $1 }
        }
        for hidden in [0, 32] {
            let network = try ACERNetwork(
                observationShape: [2], actionCount: 3, hiddenSizes: [16], activation: .relu,
                goalFeatureCount: 2, goalHiddenSize: hidden, generator: &generator)
            Initialization.orthogonal(network.policyHead.weight, gain: 1, generator: &generator)
            let effects = try goalEffects(network)
            let difference = (0..<3).map { abs(effects[$0] - effects[3 + $0]) }.max()!
            if hidden == 0 { #expect(difference < 1e-5) } else { #expect(difference > 1e-3) }
        }
    }

    @Test func goalQueueKeepsTheMostNovelStates() {
        let pool = GoalPool(capacity: 3, fraction: 0.9)
        for (novelty, value) in [(1, 10), (5, 50), (3, 30)] as [(Float, Float)] {
            #expect(pool.offer(novelty: novelty, observation: [value]))
        }
        #expect(!pool.offer(novelty: 0.5, observation: [5]))  // below 0.9 x the least novel (1)
        #expect(pool.offer(novelty: 4, observation: [40]))  // replaces the least novel
        #expect(pool.nextGoal() == [50])
        #expect(pool.nextGoal() == [40])
        #expect(pool.entries.map(\.observation) == [[30]])
    }

    @Test func rescoringRanksTheQueueByTheCurrentModel() throws {
        let pool = GoalPool(capacity: 3, fraction: 0.9)
        func transition(_ value: Float) -> GoalPool.Transition { GoalPool.Transition(current: [value], action: 0, next: [value + 1]) }
        pool.offer(novelty: 9, observation: [10], transition: transition(10))  // novel to an early model only
        pool.offer(novelty: 2, observation: [20], transition: transition(20))
        pool.offer(novelty: 5, observation: [30])  // no transition: keeps its novelty
        // The current model: the error of transition x is x / 10.
        pool.rescore { transitions in transitions.map { $0.current[0] / 10 } }
        #expect(pool.entries.map(\.novelty) == [1, 2, 5])
        #expect(pool.nextGoal() == [30])
        #expect(pool.nextGoal() == [20])
        // A state now enters against the re-scored least novel entry (1), not the stale 9.
        #expect(pool.offer(novelty: 1.5, observation: [40], transition: transition(40)))
    }

    @Test func theAgentRescoresItsQueueWithItsForwardModel() throws {
        // The queue serves feature-space goals (environments without a desired goal).
        let maze = try positionGoalACER("Maze-medium-v0") { $0.initialSteps = 40 }
        try maze.start()
        try maze.initialize()
        #expect(!maze.pool.entries.isEmpty && maze.pool.entries.allSatisfy { $0.transition != nil })
        let first = try #require(maze.pool.entries.first?.transition)
        try maze.rescorePool()
        let expected = try maze.dynamics.novelty(
            observations: Tensor(first.current, shape: [1] + maze.observationShape), actions: [first.action],
            nextObservations: Tensor(first.next, shape: [1] + maze.observationShape))[0]
        #expect(Swift.abs(maze.pool.entries[0].novelty - expected) <= 1e-6 * Swift.max(1, expected))
    }
}
