import NN
import Tensors

/// The optimisation ACER and goal-conditioned ACER share (Wang et al. 2017; baselines' acer.py): the
/// optimiser the configuration names (RMSProp in TensorFlow's form, or Adam), the learning-rate schedule
/// (linear decay to 0 over the run, or constant), and each update's order: clip the global gradient norm,
/// step the optimiser at the scheduled rate, move the Polyak-averaged network toward the trained one.
final class ACEROptimization {
    /// The optimiser of the trained network's parameters.
    let optimizer: any Optimizer
    /// The learning rate over environment steps.
    let schedule: LearningRateSchedule
    private let maxGradientNorm: Float
    /// 1 - alpha: how far the average network moves toward the trained one per update.
    private let averageRate: Float

    /// The optimisation of `network` under `configuration`, scheduled over `totalSteps` environment steps.
    init(configuration: ACERConfiguration, network: ACERNetwork, totalSteps: Int) {
        switch configuration.optimizer {
        case .adam:
            optimizer = Adam(parameters: network.namedParameters(), learningRate: Float(configuration.learningRate))
        case .rmsprop:
            optimizer = RMSProp(
                parameters: network.namedParameters(), learningRate: Float(configuration.learningRate),
                decay: Float(configuration.rmspropDecay), epsilon: Float(configuration.rmspropEpsilon), form: .tensorflow)
        }
        switch configuration.learningRateSchedule {
        case .linear: schedule = .linear(initial: configuration.learningRate, final: 0, totalSteps: totalSteps)
        case .constant: schedule = .constant(configuration.learningRate)
        }
        maxGradientNorm = Float(configuration.maxGradientNorm)
        averageRate = Float(1 - configuration.averageDecay)
    }

    /// Clips `gradients` of `parameters` to the global norm `max_grad_norm`; returns the norm before clipping.
    func clip(_ gradients: Gradients, of parameters: [Tensor]) -> Float {
        gradients.clipGlobalNorm(of: parameters, maxNorm: maxGradientNorm)
    }

    /// Steps the optimiser with (clipped) `gradients` at the rate scheduled for `environmentStep`, then
    /// moves `average` toward `network`.
    func step(_ gradients: Gradients, atEnvironmentStep environmentStep: Int, network: ACERNetwork, average: ACERNetwork) throws {
        optimizer.learningRate = schedule.rate(atStep: environmentStep)
        try optimizer.step(gradients)
        try softUpdate(target: average, from: network, tau: averageRate)
    }
}
