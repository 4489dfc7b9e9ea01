import Tensors

/// Pixel coordinates as image planes: x and y running from -1 to 1 across a picture, for networks
/// that need to know where things are (CoordConv input planes, spatial-softmax keypoints).
public enum CoordinatePlanes {
    /// Planes [2, height, width]: plane 0 holds each position's x, plane 1 its y, both in [-1, 1].
    public static func make(height: Int, width: Int) -> Tensor {
        let planes = Tensor.zeros([2, height, width])
        for y in 0..<height {
            for x in 0..<width {
                planes.pointer[y * width + x] = 2 * Float(x) / Float(max(width - 1, 1)) - 1
                planes.pointer[height * width + y * width + x] = 2 * Float(y) / Float(max(height - 1, 1)) - 1
            }
        }
        return planes
    }
}
