import Foundation
import Tensors

/// ACER's policy objective, its gradient at the policy output and the efficient trust region
/// (Wang et al. 2016, section 3.3; baselines' acer.py).
///
/// With f = pi(.|x) [N, A], Q [N, A], V = sum f Q, rho = f / (mu + 1e-6) and Qret from Retrace:
///
///     loss_f  = -mean( log(f_a + eps) * sg((Qret - V) min(c, rho_a)) )          truncated importance sampling
///     loss_bc = -mean( sum_a log(f + eps) * sg((Q - V) relu(1 - c / (rho + eps)) f) )   bias correction
///     H       =  mean( -sum_a f log(f + 1e-6) )
///
/// g = d[-(loss_f + loss_bc - ent H) N] / d f; with the trust region, k = d KL(f_avg || f) / d f =
/// -f_avg / (f + eps) and g <- g - max(0, (k.g - delta) / (|k|^2 + eps)) k. The parameters then
/// get the gradient of f back-propagated from the seed -g / N.
public enum ACERObjective {
    /// Constants of the objective.
    public struct Settings: Sendable, Equatable {
        /// Importance-weight truncation c (baselines 10).
        public var truncation: Float = 10
        /// Entropy bonus coefficient (baselines 0.01).
        public var entropyCoefficient: Float = 0.01
        /// Whether to project the gradient with the trust region (baselines on).
        public var trustRegion = true
        /// Trust-region bound delta (baselines 1).
        public var trustRegionDelta: Float = 1
        /// A constant of the objective's settings.
        public init(truncation: Float = 10, entropyCoefficient: Float = 0.01, trustRegion: Bool = true, trustRegionDelta: Float = 1) {
            self.truncation = truncation
            self.entropyCoefficient = entropyCoefficient
            self.trustRegion = trustRegion
            self.trustRegionDelta = trustRegionDelta
        }
    }

    /// What one evaluation of the objective gives.
    public struct Result {
        /// The seed to back-propagate from the policy output f: -g / N (projected with the trust region).
        public var seed: Tensor
        /// loss_f (truncated importance sampling).
        public var importanceLoss: Float
        /// loss_bc (bias correction).
        public var biasCorrectionLoss: Float
        /// The mean policy entropy.
        public var entropy: Float
        /// Mean |adj| of the trust-region projection (0 without it).
        public var meanAdjustment: Float
        /// Mean |k.g| before projection.
        public var meanKDotG: Float
    }

    /// `log` guard (baselines eps).
    public static let epsilon: Float = 1e-6

    /// Evaluates the objective at the policy output.
    /// - Parameters:
    ///   - probabilities: f [N, A] (values only; no gradient needed).
    ///   - averageProbabilities: f of the average network [N, A].
    ///   - qValues: Q [N, A]; values: V [N]; targets: Qret [N].
    ///   - actions: taken actions [N]; behaviourProbabilities: mu [N * A]; mask: [N] weights (1 per real step).
    public static func evaluate(
        probabilities: Tensor, averageProbabilities: Tensor, qValues: Tensor, values: [Float], targets: [Float],
        actions: [Int], behaviourProbabilities: [Float], mask: [Float], settings: Settings
    ) throws -> Result {
        let rows = probabilities.shape[0], actionCount = probabilities.shape[1]
        let f = probabilities.buffer, q = qValues.buffer
        let weightTotal = max(mask.reduce(0, +), 1)
        // Constant weights (stop-gradient parts) of loss_f and loss_bc.
        let importanceWeight = Tensor.zeros([rows])
        let correctionWeight = Tensor.zeros([rows, actionCount])
        let entropyWeight = Tensor.zeros([rows, 1])
        let c = settings.truncation
        for row in 0..<rows {
            let action = actions[row], base = row * actionCount
            let rho = f[base + action] / (behaviourProbabilities[base + action] + epsilon)
            importanceWeight.pointer[row] = mask[row] * (targets[row] - values[row]) * min(c, rho)
            for a in 0..<actionCount {
                let rhoA = f[base + a] / (behaviourProbabilities[base + a] + epsilon)
                correctionWeight.pointer[base + a] =
                    mask[row] * (q[base + a] - values[row]) * max(0, 1 - c / (rhoA + epsilon)) * f[base + a]
            }
            entropyWeight.pointer[row] = mask[row]
        }
        // The objective on a leaf copy of f, differentiated with respect to f only.
        let leaf = probabilities.copy().requiringGradient()
        let tape = GradientTape()
        let (importanceLoss, correctionLoss, entropy, objective) = try tape.record { () throws -> (Tensor, Tensor, Tensor, Tensor) in
            let logF = (leaf + epsilon).log()
            let importanceLoss = try (logF.gatherRows(actions) * importanceWeight).sum() * (-1 / weightTotal)
            let correctionLoss = try (logF * correctionWeight).sum() * (-1 / weightTotal)
            let entropy = try (leaf * (leaf + 1e-6).log() * entropyWeight).sum() * (-1 / weightTotal)
            let objective = try importanceLoss + correctionLoss - entropy * settings.entropyCoefficient
            return (importanceLoss, correctionLoss, entropy, objective)
        }
        guard let objectiveGradient = try tape.backward(from: objective)[leaf]?.copy() else {
            throw AgentError.nonFinite("ACER objective has no gradient at the policy output")
        }
        // g = -N d(objective)/df, baselines' scaling.
        let scale = weightTotal
        let g = objectiveGradient.mutableBuffer
        for index in 0..<g.count { g[index] *= -scale }
        var adjustmentTotal: Float = 0, kDotGTotal: Float = 0
        if settings.trustRegion {
            let fAverage = averageProbabilities.buffer
            for row in 0..<rows {
                let base = row * actionCount
                var kDotG: Float = 0, kSquared: Float = 0
                for a in 0..<actionCount {
                    let k = -fAverage[base + a] / (f[base + a] + epsilon)
                    kDotG += k * g[base + a]
                    kSquared += k * k
                }
                let adjustment = max(0, (kDotG - settings.trustRegionDelta) / (kSquared + epsilon))
                for a in 0..<actionCount {
                    let k = -fAverage[base + a] / (f[base + a] + epsilon)
                    g[base + a] -= adjustment * k
                }
                adjustmentTotal += Swift.abs(adjustment)
                kDotGTotal += Swift.abs(kDotG)
            }
        }
        // The seed -g / N, zero on padding rows.
        for row in 0..<rows {
            for a in 0..<actionCount { g[row * actionCount + a] *= -mask[row] / scale }
        }
        return Result(
            seed: objectiveGradient, importanceLoss: importanceLoss.item, biasCorrectionLoss: correctionLoss.item,
            entropy: entropy.item, meanAdjustment: adjustmentTotal / Float(max(rows, 1)), meanKDotG: kDotGTotal / Float(max(rows, 1)))
    }
}
