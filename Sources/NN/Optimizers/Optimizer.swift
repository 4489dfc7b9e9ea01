import Tensors

/// Updates named parameters from gradients; only the per-parameter rule differs between optimizers.
///
/// State tensors are keyed `<parameter name>.<slot>` (e.g. `actor.trunk.0.weight.exp_avg`) so they
/// can be saved in and restored from checkpoints alongside the parameters.
public protocol Optimizer: AnyObject {
    /// The named parameters this optimizer updates.
    var parameters: [(name: String, tensor: Tensor)] { get }
    /// The step size used by the next `step`.
    var learningRate: Float { get set }
    /// The number of steps taken.
    var stepCount: Int { get }
    /// Applies one update from `gradients` (parameters without a gradient are left alone).
    func step(_ gradients: Gradients) throws
    /// Every state tensor by key, plus the step count under "step".
    func stateTensors() -> [(name: String, tensor: Tensor)]
    /// Restores state saved by `stateTensors`; throws naming missing or mis-shaped entries.
    func loadState(_ tensors: [String: Tensor]) throws
}

/// Shared storage of per-parameter state slots for the optimizers.
final class OptimizerSlots {
    let slotNames: [String]
    let initialValue: Float
    /// slots[slot][parameter index]
    var slots: [[Tensor]]

    init(parameters: [(name: String, tensor: Tensor)], slotNames: [String], initialValue: Float = 0) {
        self.slotNames = slotNames
        self.initialValue = initialValue
        slots = slotNames.map { _ in parameters.map { Tensor.full($0.tensor.shape, value: initialValue) } }
    }

    func named(_ parameters: [(name: String, tensor: Tensor)], stepCount: Int) -> [(name: String, tensor: Tensor)] {
        var result: [(String, Tensor)] = []
        for (slotIndex, slot) in slotNames.enumerated() {
            for (parameterIndex, parameter) in parameters.enumerated() {
                result.append(("\(parameter.name).\(slot)", slots[slotIndex][parameterIndex]))
            }
        }
        result.append(("step", Tensor(scalar: Float(stepCount))))
        return result
    }

    func load(_ tensors: [String: Tensor], parameters: [(name: String, tensor: Tensor)]) throws -> Int {
        guard let step = tensors["step"], step.count == 1 else { throw stateError(["missing 'step'"]) }
        // A whole, non-negative step count that fits an Int: a crafted value must not trap.
        guard let stepCount = Int(exactly: step.item), stepCount >= 0 else {
            throw stateError(["'step' is \(step.item), not a step count"])
        }
        var problems: [String] = []
        for slot in slotNames {
            for parameter in parameters {
                let key = "\(parameter.name).\(slot)"
                guard let value = tensors[key] else { problems.append("missing '\(key)'"); continue }
                if value.shape != parameter.tensor.shape {
                    problems.append("'\(key)' has shape \(value.shape), expected \(parameter.tensor.shape)")
                }
            }
        }
        if !problems.isEmpty { throw stateError(problems) }
        for (slotIndex, slot) in slotNames.enumerated() {
            for (parameterIndex, parameter) in parameters.enumerated() {
                try slots[slotIndex][parameterIndex].assign(tensors["\(parameter.name).\(slot)"]!)
            }
        }
        return stepCount
    }

    private func stateError(_ problems: [String]) -> TensorError {
        .invalidArgument("optimizer state does not match its parameters: " + problems.joined(separator: "; "))
    }
}

/// Checks that parameter names are unique (they key the optimizer state).
func requireUniqueNames(_ parameters: [(name: String, tensor: Tensor)]) {
    let names = parameters.map(\.name)
    precondition(Set(names).count == names.count, "optimizer parameter names must be unique, got duplicates in \(names)")
}
