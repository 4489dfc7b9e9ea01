import Foundation
import NN
import Tensors

/// A convolutional trunk that reports where things are: convolutions keep one position per grid
/// cell, then a spatial softmax turns every feature map into the expected (x, y) of its activation
/// (a "keypoint", Levine et al. 2016, "End-to-end training of deep visuomotor policies"), and a
/// global max says how strongly it fired. Fully connected layers over the keypoints and the maxima
/// give the features. ReLU after the first convolution; the second is linear (the softmax's logits),
/// sharpened by a learned per-map temperature (starting at 10) so that from the first update each
/// keypoint follows the cells where its map is largest rather than sitting at the grid's centre.
///
/// Made for small grid pictures (FourRooms at 2 pixels a cell): the first convolution has a
/// kernel and stride of `cellSize`, one output per grid cell, so a detector of the agent's colour
/// becomes the agent's (x, y) after the softmax. Nature-CNN features of such pictures blur
/// positions over 4-pixel strides, and the goal-reaching policy then has to learn coordinates from
/// the reward. Orthogonal initialisation (gain sqrt(2) for the convolutions), biases zero.
/// Input [N, C, H, W] in [0, 1].
public final class KeypointCNN: Layer {
    /// The cell-sized convolution and the 1x1 convolution after it.
    public let convs: [Conv2d]
    /// [keypoints (2 per map), maxima (1 per map)] through the hidden layers to `outputSize`.
    public let head: MultilayerTrunk
    /// The feature size.
    public let outputSize: Int
    /// Feature maps (keypoints) after the convolutions.
    public let mapCount: Int
    /// [1, maps, 1]: the log of each map's softmax temperature (Levine et al.'s learned alpha), so the
    /// softmax of map m is softmax(exp(logTemperature[m]) * map). Initialised to log(initialTemperature):
    /// at temperature 1 the random maps' logits differ by well under 1 across 361 cells, every
    /// keypoint sits at the grid's centre whatever the picture shows, and the policy gets no
    /// position to learn from.
    public let logTemperature: Tensor
    /// The spatial grid of the feature maps.
    let gridHeight: Int, gridWidth: Int
    /// [2, H W]: each grid position's x (row 0) and y (row 1) in [-1, 1].
    let coordinates: Tensor

    /// A trunk for images of `channels` x `height` x `width` whose cells are `cellSize` pixels wide,
    /// with `hiddenSizes` fully connected layers (`activation` after each) over the keypoints.
    public init(
        channels: Int, height: Int, width: Int, cellSize: Int = 2, mapCount: Int = 32, hiddenSizes: [Int] = [256],
        activation: Activation = .relu, initialTemperature: Float = 10, generator: inout RandomGenerator
    ) throws {
        guard !hiddenSizes.isEmpty else {
            throw AgentError.invalidConfiguration("the keypoint trunk needs at least one hidden size (hidden_sizes)")
        }
        guard cellSize >= 1, height >= cellSize, width >= cellSize else {
            throw AgentError.unsupported(
                "the keypoint trunk needs images of at least one cell (\(cellSize) pixels), got \(height)x\(width)")
        }
        guard initialTemperature > 0, initialTemperature.isFinite else {
            throw AgentError.invalidConfiguration("the keypoint softmax temperature must be positive, got \(initialTemperature)")
        }
        gridHeight = (height - cellSize) / cellSize + 1
        gridWidth = (width - cellSize) / cellSize + 1
        convs = [
            Conv2d(channels, mapCount, kernelSize: cellSize, stride: cellSize, generator: &generator),
            Conv2d(mapCount, mapCount, kernelSize: 1, generator: &generator),
        ]
        self.mapCount = mapCount
        logTemperature = Tensor.full([1, mapCount, 1], value: Foundation.log(initialTemperature)).requiringGradient()
        head = MultilayerTrunk(inputSize: 3 * mapCount, hiddenSizes: hiddenSizes, activation: activation, generator: &generator)
        outputSize = head.outputSize
        for conv in convs {
            Initialization.orthogonal(conv.weight, gain: Activation.relu.gain, generator: &generator)
            if let bias = conv.bias { Initialization.constant(bias, 0) }
        }
        coordinates = try CoordinatePlanes.make(height: gridHeight, width: gridWidth).reshaped([2, gridHeight * gridWidth])
    }

    /// Maps [N, C, H, W] to [N, outputSize].
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        // The second convolution stays linear: its maps are the softmax's logits.
        let maps = try convs[1](convs[0](input, activation: .relu))
        return try head(keypointsAndMaxima(maps))
    }

    /// [N, 3 maps]: each map's expected (x, y) under the softmax of its values (maps first, then
    /// x and y: [x0, y0, x1, y1, ...]) followed by each map's maximum, for maps [N, maps, grid].
    func keypointsAndMaxima(_ maps: Tensor) throws -> Tensor {
        let count = maps.shape[0]
        let cells = gridHeight * gridWidth
        let sharpened = try maps.reshaped([count, mapCount, cells]) * logTemperature.exp()
        let keypoints = try sharpened.reshaped([count * mapCount, cells]).softmax(axis: 1).matmul(coordinates, transposeB: true).reshaped([
            count, 2 * mapCount,
        ])
        let maxima = try maps.reshaped([count * mapCount, cells]).max(axis: 1).reshaped([count, mapCount])
        return try Tensor.concatenate([keypoints, maxima], axis: 1)
    }
}
