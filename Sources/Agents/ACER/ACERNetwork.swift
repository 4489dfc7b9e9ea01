import NN
import Tensors

/// ACER's actor-critic: a shared trunk (an MLP for vectors, the Nature CNN for images) with a policy
/// head (logits over the actions) and a Q head (one value per action), as in baselines.
///
/// The heads are initialised orthogonally with gain 0.01 (policy, so the first policy is near
/// uniform) and 1.0 (Q), biases zero (baselines' defaults).
public final class ACERNetwork: Module {
    /// Observations to features.
    public let trunk: any Layer
    /// Features to action logits.
    public let policyHead: Linear
    /// Features to Q(s, a) for every action.
    public let qHead: Linear
    /// The number of actions.
    public let actionCount: Int
    /// The size of the goal feature concatenated with the trunk's output (0: no goal input).
    public let goalFeatureCount: Int
    /// With a goal: a hidden layer over [latent, goal feature] before the heads, so that action
    /// preferences can depend on the state and the goal together (nil: the heads see the
    /// concatenation directly, as the reference's, which makes logits additive in state and goal).
    public let goalMixer: Linear?
    /// The activation after `goalMixer`.
    public let goalActivation: Activation

    /// A network for observations of `observationShape` (pixel images [C, H, W] get the Nature CNN, or
    /// the `KeypointCNN` when `pixelTrunk` is `.keypoints`) and `actionCount` actions; `hiddenSizes` and `activation` shape the MLP trunk.
    /// With `goalFeatureCount` > 0 the heads also see a goal feature (goal-conditioned ACER's
    /// exploration policy: the goal feature concatenated with the policy latent), through a hidden
    /// layer of `goalHiddenSize` units when that is positive.
    public init(
        observationShape: [Int], actionCount: Int, hiddenSizes: [Int], activation: Activation, pixelTrunk: PixelTrunk = .nature,
        goalFeatureCount: Int = 0, goalHiddenSize: Int = 0, generator: inout RandomGenerator
    ) throws {
        let features: Int
        if ObservationRows.isPixelImage(shape: observationShape) && pixelTrunk == .keypoints {
            let cnn = try KeypointCNN(
                channels: observationShape[0], height: observationShape[1], width: observationShape[2],
                hiddenSizes: hiddenSizes, activation: activation, generator: &generator)
            trunk = cnn
            features = cnn.outputSize
        } else if ObservationRows.isPixelImage(shape: observationShape) {
            let cnn = try NatureCNN(
                channels: observationShape[0], height: observationShape[1], width: observationShape[2], generator: &generator)
            trunk = cnn
            features = cnn.outputSize
        } else {
            let mlp = MultilayerTrunk(
                inputSize: observationShape.reduce(1, *), hiddenSizes: hiddenSizes, activation: activation, generator: &generator)
            trunk = mlp
            features = mlp.outputSize
        }
        var headInputs = features + goalFeatureCount
        if goalFeatureCount > 0 && goalHiddenSize > 0 {
            goalMixer = Linear(headInputs, goalHiddenSize, generator: &generator)
            headInputs = goalHiddenSize
        } else {
            goalMixer = nil
        }
        goalActivation = activation
        policyHead = Linear(headInputs, actionCount, generator: &generator)
        qHead = Linear(headInputs, actionCount, generator: &generator)
        self.goalFeatureCount = goalFeatureCount
        Initialization.orthogonal(policyHead.weight, gain: 0.01, generator: &generator)
        Initialization.orthogonal(qHead.weight, gain: 1.0, generator: &generator)
        if let bias = policyHead.bias { Initialization.constant(bias, 0) }
        if let bias = qHead.bias { Initialization.constant(bias, 0) }
        self.actionCount = actionCount
    }

    /// Policy logits [N, actions] and Q values [N, actions] for observations [N, ...] (and goal
    /// features [N, goalFeatureCount] when the network takes a goal).
    public func callAsFunction(_ observations: Tensor, goalFeatures: Tensor? = nil) throws -> (logits: Tensor, q: Tensor) {
        var features = try trunk(observations)
        if goalFeatureCount > 0 {
            guard let goalFeatures, goalFeatures.shape == [observations.shape[0], goalFeatureCount] else {
                throw AgentError.invalidState("this network takes goal features [\(observations.shape[0]), \(goalFeatureCount)]")
            }
            features = try Tensor.concatenate([features, goalFeatures], axis: 1)
            if let goalMixer { features = goalActivation(try goalMixer(features)) }
        }
        return (try policyHead(features), try qHead(features))
    }

    /// Overwrites every tensor with the same-named tensor of `other` (same architecture).
    public func copyParameters(from other: ACERNetwork) throws {
        let source = Dictionary(uniqueKeysWithValues: other.namedTensors().map { ($0.name, $0.tensor) })
        for (name, tensor) in namedTensors() {
            guard let value = source[name] else { throw AgentError.invalidState("copyParameters: no tensor named \(name)") }
            try tensor.assign(value)
        }
    }
}
