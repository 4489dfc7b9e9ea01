import Gym
import NN

/// Goal-conditioned ACER's evaluation policy (no goal input): an `ACERPolicy` over the "observation"
/// entry of goal environments' Dict observations, scaled as the agent scales them.
public typealias GoalACERPolicy = ACERPolicy

extension ACERPolicy {
    /// The evaluation policy alone, loaded from a goal-ACER checkpoint: builds its one network, without
    /// the exploration policy, average networks, dynamics model, goal pool, optimizers or environments.
    public convenience init(
        configuration: GoalACERConfiguration, observationSpace: Space, actionSpace: Space,
        checkpoint: Checkpoint
    ) throws {
        var policySpace = observationSpace, key: String?
        if case .dict(let dict) = observationSpace {
            guard let observation = dict.spaces.first(where: { $0.key == "observation" })?.space else {
                throw AgentError.unsupported("Dict observations need an 'observation' entry for the policy, got \(observationSpace)")
            }
            policySpace = observation
            key = "observation"
        }
        let acer = configuration.acer
        let (network, shape) = try Self.network(
            hiddenSizes: acer.hiddenSizes, activation: acer.activation, pixelTrunk: acer.pixelTrunk,
            observationSpace: policySpace, actionSpace: actionSpace, checkpoint: checkpoint,
            algorithm: "goal-acer", prefix: "evaluation.")
        self.init(
            network: network, observationShape: shape, observationScale: ObservationRows.coordinateScale(of: policySpace),
            observationKey: key)
    }
}
