import Foundation

/// A pinhole camera as MuJoCo (OpenGL) defines one: a position, its axes in world coordinates (right,
/// up, and backward: the camera looks along -backward) and a vertical field of view. It maps world
/// points to pixel coordinates of a `width` x `height` image (x right, y down, pixel i spanning
/// [i, i + 1)) and pixels back to world rays.
public struct PerspectiveCamera: Sendable, Equatable {
    public var position: SIMD3<Double>
    public var right: SIMD3<Double>, up: SIMD3<Double>, backward: SIMD3<Double>
    /// The vertical field of view in degrees.
    public var fieldOfView: Double

    /// A camera at `position` with the given axes (orthonormal) and vertical field of view in degrees.
    public init(position: SIMD3<Double>, right: SIMD3<Double>, up: SIMD3<Double>, backward: SIMD3<Double>, fieldOfView: Double) {
        self.position = position
        self.right = right
        self.up = up
        self.backward = backward
        self.fieldOfView = fieldOfView
    }

    /// Pixels per unit of tangent at the image's height.
    func focalLength(height: Int) -> Double { Double(height) / 2 / tan(fieldOfView * Double.pi / 360) }

    /// The pixel coordinates of a world point and its depth along the view axis (positive in front).
    public func project(_ point: SIMD3<Double>, width: Int, height: Int) -> (pixel: Point, depth: Double) {
        let offset = point - position
        let depth = -(offset * backward).sum()
        let focal = focalLength(height: height)
        let x = (offset * right).sum() / depth, y = (offset * up).sum() / depth
        return (Point(Double(width) / 2 + focal * x, Double(height) / 2 - focal * y), depth)
    }

    /// The length in pixels of `size` world units seen face-on at `depth`.
    public func pixelLength(_ size: Double, depth: Double, height: Int) -> Double { size * focalLength(height: height) / depth }

    /// The unit world direction through pixel coordinates (x, y).
    public func ray(x: Double, y: Double, width: Int, height: Int) -> SIMD3<Double> {
        let focal = focalLength(height: height)
        let u = (x - Double(width) / 2) / focal, v = (Double(height) / 2 - y) / focal
        let direction = right * u + up * v - backward
        return direction / (direction * direction).sum().squareRoot()
    }
}
