import Foundation
import NN
import Tensors

/// Scalars reported by one ACER update (logged under losses/...).
public struct ACERUpdateStatistics: Sendable {
    /// loss_f + loss_bc.
    public var policyLoss: Float = 0
    /// loss_f, the truncated importance-sampling term.
    public var importanceLoss: Float = 0
    /// loss_bc, the bias-correction term.
    public var biasCorrectionLoss: Float = 0
    /// 0.5 mean (Qret - Q)^2.
    public var qLoss: Float = 0
    /// Mean policy entropy.
    public var entropy: Float = 0
    /// Mean trust-region adjustment.
    public var trustRegionAdjustment: Float = 0
    /// Global gradient norm before clipping.
    public var gradientNorm: Float = 0
    /// Explained variance of Qret by Q at the taken actions.
    public var explainedVariance: Float = 0
}

/// Computes ACER's parameter gradients for a batch: the forward pass, Retrace, the policy objective
/// with its trust-region projection at the policy output, and one backward pass from the policy
/// output (seeded with the projected gradient) together with the Q loss.
public enum ACERLearner {
    /// The gradients of `network`'s parameters and the update statistics.
    /// - Parameters:
    ///   - average: the Polyak-averaged network (used only with the trust region).
    ///   - qCoefficient: weight of the Q loss (baselines 0.5); discount: gamma (0.99).
    public static func gradients(
        network: ACERNetwork, average: ACERNetwork, batch: ACERBatch, discount: Float, qCoefficient: Float,
        settings: ACERObjective.Settings
    ) throws -> (Gradients, ACERUpdateStatistics) {
        let steps = batch.steps, width = batch.batch, actionCount = network.actionCount
        let rows = steps * width
        let tape = GradientTape()
        let (probabilitiesAll, qAll) = try tape.record { () throws -> (Tensor, Tensor) in
            let (logits, q) = try network(batch.observations, goalFeatures: batch.goalFeatures)
            return (try logits.softmax(axis: 1), q)
        }
        // Values of every step (including the bootstrap step), without gradients.
        let f = probabilitiesAll.buffer, q = qAll.buffer
        var values = Array(repeating: Float(0), count: (steps + 1) * width)
        for row in 0..<values.count {
            var value: Float = 0
            for a in 0..<actionCount { value += f[row * actionCount + a] * q[row * actionCount + a] }
            values[row] = value
        }
        var importanceWeights = Array(repeating: Float(0), count: rows)
        var takenQ = Array(repeating: Float(0), count: rows)
        for row in 0..<rows {
            let index = row * actionCount + batch.actions[row]
            importanceWeights[row] = f[index] / (batch.behaviourProbabilities[index] + ACERObjective.epsilon)
            takenQ[row] = q[index]
        }
        let targets = Retrace.targets(
            rewards: batch.rewards, dones: batch.dones, importanceWeights: importanceWeights, takenQ: takenQ,
            values: values, steps: steps, batch: width, discount: discount)

        let averageProbabilities: Tensor
        let stepObservations = try batch.observations.slice(axis: 0, start: 0, length: rows)
        if settings.trustRegion {
            let stepGoals = try batch.goalFeatures.map { try $0.slice(axis: 0, start: 0, length: rows) }
            averageProbabilities = try withoutGradients { try average(stepObservations, goalFeatures: stepGoals).logits.softmax(axis: 1) }
        } else {
            averageProbabilities = Tensor.zeros([rows, actionCount])
        }
        let (probabilities, qLoss) = try tape.record { () throws -> (Tensor, Tensor) in
            let probabilities = try probabilitiesAll.slice(axis: 0, start: 0, length: rows)
            let qTaken = try qAll.slice(axis: 0, start: 0, length: rows).gatherRows(batch.actions)
            let weights = Tensor(batch.mask)
            let weightTotal = max(batch.mask.reduce(0, +), 1)
            let qLoss = try ((qTaken - Tensor(targets)).square() * weights).sum() * (0.5 * qCoefficient / weightTotal)
            return (probabilities, qLoss)
        }
        let objective = try ACERObjective.evaluate(
            probabilities: probabilities, averageProbabilities: averageProbabilities,
            qValues: try qAll.slice(axis: 0, start: 0, length: rows), values: values,
            targets: targets, actions: batch.actions, behaviourProbabilities: batch.behaviourProbabilities,
            mask: batch.mask, settings: settings)
        let gradients = try tape.backward(from: [(probabilities, objective.seed), (qLoss, nil)])

        var statistics = ACERUpdateStatistics()
        statistics.importanceLoss = objective.importanceLoss
        statistics.biasCorrectionLoss = objective.biasCorrectionLoss
        statistics.policyLoss = objective.importanceLoss + objective.biasCorrectionLoss
        statistics.qLoss = qLoss.item / max(qCoefficient, 1e-12)
        statistics.entropy = objective.entropy
        statistics.trustRegionAdjustment = objective.meanAdjustment
        statistics.explainedVariance = explainedVariance(predicted: takenQ, targets: targets, mask: batch.mask)
        return (gradients, statistics)
    }

    /// 1 - Var(targets - predicted) / Var(targets) over the masked entries (baselines' q_explained_variance).
    static func explainedVariance(predicted: [Float], targets: [Float], mask: [Float]) -> Float {
        let total = mask.reduce(0, +)
        guard total > 1 else { return 0 }
        var targetMean: Float = 0, residualMean: Float = 0
        for index in 0..<targets.count {
            targetMean += mask[index] * targets[index]; residualMean += mask[index] * (targets[index] - predicted[index])
        }
        targetMean /= total; residualMean /= total
        var targetVariance: Float = 0, residualVariance: Float = 0
        for index in 0..<targets.count {
            targetVariance += mask[index] * (targets[index] - targetMean) * (targets[index] - targetMean)
            let residual = targets[index] - predicted[index] - residualMean
            residualVariance += mask[index] * residual * residual
        }
        return targetVariance > 0 ? 1 - residualVariance / targetVariance : 0
    }
}
