import Foundation

/// A point or vector in the plane (world or pixel units).
public struct Point: Sendable, Equatable {
    public var x: Double, y: Double

    /// A point from its coordinates.
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }

    /// This point rotated by `angle` radians about the origin (counter-clockwise in a y-up frame).
    public func rotated(by angle: Double) -> Point {
        let c = cos(angle), s = sin(angle)
        return Point(x * c - y * s, x * s + y * c)
    }

    public static func + (a: Point, b: Point) -> Point { Point(a.x + b.x, a.y + b.y) }
    public static func - (a: Point, b: Point) -> Point { Point(a.x - b.x, a.y - b.y) }
    public static func * (a: Point, scale: Double) -> Point { Point(a.x * scale, a.y * scale) }
}

/// Maps world coordinates to pixels: scale, optional rotation about a world centre, translation,
/// and an upward y axis (as Gymnasium's renderers draw, flipped for the image).
public struct Transform: Sendable, Equatable {
    /// Horizontal pixels per world unit.
    public var scale: Double
    /// Vertical pixels per world unit (equal to `scale` unless the picture is stretched, e.g. a
    /// 600x400 scene drawn at 84x84).
    public var verticalScale: Double
    /// The world point drawn at `pixelOrigin`.
    public var worldOrigin: Point
    /// Where `worldOrigin` lands, in pixels from the top-left corner.
    public var pixelOrigin: Point
    /// Rotation of the world around `worldOrigin` before scaling (a camera that follows a car).
    public var rotation: Double
    /// Whether world y grows upwards (pixel y grows downwards).
    public var yUp: Bool

    /// A transform; the defaults map world units to pixels one to one, y up from the bottom-left.
    public init(
        scale: Double = 1, verticalScale: Double? = nil, worldOrigin: Point = Point(0, 0), pixelOrigin: Point = Point(0, 0),
        rotation: Double = 0, yUp: Bool = true
    ) {
        self.scale = scale
        self.verticalScale = verticalScale ?? scale
        self.worldOrigin = worldOrigin
        self.pixelOrigin = pixelOrigin
        self.rotation = rotation
        self.yUp = yUp
    }

    /// The pixel position of a world point, for a canvas of `height` pixels.
    @inline(__always)
    public func apply(_ point: Point, height: Int) -> Point {
        var local = point - worldOrigin
        if rotation != 0 { local = local.rotated(by: rotation) }
        let x = pixelOrigin.x + local.x * scale
        let y = pixelOrigin.y + local.y * verticalScale
        return Point(x, yUp ? Double(height) - y : y)
    }
}
