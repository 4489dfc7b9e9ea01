import NN
import Tensors

/// SAC-AE's `weight_init`: every Linear weight orthogonal (gain 1), every conv and transposed-conv
/// weight delta-orthogonal with ReLU's gain, every bias zero. LayerNorm keeps its ones and zeros.
public enum SACInitialization {
    /// Re-initialises the weights of `module` in place.
    public static func apply(to module: any Module, generator: inout RandomGenerator) {
        for (name, tensor) in module.namedTensors() {
            if name.hasSuffix("layerNorm.weight") || name.hasSuffix("layerNorm.bias") { continue }
            if name.hasSuffix(".bias") {
                Initialization.constant(tensor, 0)
            } else if name.hasSuffix(".weight") && tensor.rank == 2 {
                Initialization.orthogonal(tensor, gain: 1, generator: &generator)
            } else if name.hasSuffix(".weight") && tensor.rank == 4 {
                Initialization.deltaOrthogonal(tensor, gain: Activation.relu.gain, generator: &generator)
            }
        }
    }
}
