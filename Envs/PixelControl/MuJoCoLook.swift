import Foundation
import Render

/// dm_control's look as MuJoCo renders camera 0 (common/skybox.xml, visual.xml, materials.xml and each
/// task's light), so that pixel agents see what dm_control's agents see:
/// - the skybox: a gradient from (.4, .6, .8) above to black below, as the fraction of the top colour
///   MuJoCo 4.0.1's builtin gradient shows at each elevation (measured every 5 degrees, interpolated);
/// - the floor: a checker of 1 m squares, (.1, .2, .3) and (.2, .3, .4) (its reflectance .2 mirrors the
///   bodies above it, which is not drawn);
/// - light: OpenGL's fixed-function model with the headlight (ambient .4, diffuse .8 along the view
///   axis) and the task's spotlight (diffuse .7, straight down, cutoff 45 degrees, exponent 10).
struct MuJoCoLook {
    /// The top colour of the skybox gradient.
    static let skyColour = SIMD3<Double>(0.4, 0.6, 0.8)
    /// The fraction of `skyColour` seen at elevations -90, -85, ..., 90 degrees.
    static let skyFraction: [Double] = [
        0.0058, 0.0147, 0.0307, 0.0474, 0.0665, 0.0865, 0.1085, 0.1324, 0.1586, 0.1847, 0.2141, 0.2459, 0.2784,
        0.3124, 0.3486, 0.3859, 0.4238, 0.4632, 0.5011, 0.5414, 0.5802, 0.6179, 0.6548, 0.6916, 0.7242, 0.7584,
        0.7888, 0.8164, 0.8434, 0.8684, 0.8918, 0.9127, 0.9329, 0.9517, 0.9673, 0.9829, 0.9914,
    ]
    static let checkerDark = SIMD3<Double>(0.1, 0.2, 0.3), checkerLight = SIMD3<Double>(0.2, 0.3, 0.4)
    static let headlightAmbient = 0.4, headlightDiffuse = 0.8
    static let headlightSpecular = 0.1, spotSpecular = 0.3, materialSpecular = 0.5, specularExponent = 64.0
    static let spotDiffuse = 0.7, spotCutoffCosine = cos(45 * Double.pi / 180), spotExponent = 10.0
    /// Material colours (materials.xml).
    static let selfColour = SIMD3<Double>(0.7, 0.5, 0.3), effectorColour = SIMD3<Double>(0.7, 0.4, 0.2)
    static let decorationColour = SIMD3<Double>(0.3, 0.5, 0.7), targetColour = SIMD3<Double>(0.6, 0.3, 0.3)

    let camera: PerspectiveCamera
    /// The spotlight's position (it points straight down).
    let light: SIMD3<Double>
    /// The floor's height and half extents (x, y).
    let floorHeight: Double, floorHalfSize: Double
    /// Where MuJoCo's checker of this floor has a corner of a light square (its phase on the plane).
    var checkerOrigin = SIMD2<Double>(0, 0)

    /// The skybox colour seen along unit direction `direction`.
    static func sky(_ direction: SIMD3<Double>) -> SIMD3<Double> {
        let elevation = asin(max(-1, min(1, direction.z))) * 180 / Double.pi
        let position = (elevation + 90) / 5, index = min(Int(position), skyFraction.count - 2)
        let weight = position - Double(index)
        return skyColour * (skyFraction[index] * (1 - weight) + skyFraction[index + 1] * weight)
    }

    /// `colour` lit at `point` with surface normal `normal` (unit), as MuJoCo's renderer lights it: each
    /// light's ambient and diffuse part is the material colour times its intensity, clamped at 1 per
    /// channel; its Blinn-Phong highlight (material specular .5, shininess .5 -> exponent 64) is added
    /// white. A textured material (`texture`) lights white and the texture multiplies the sum.
    func lit(_ colour: SIMD3<Double>, at point: SIMD3<Double>, normal: SIMD3<Double>, texture: SIMD3<Double>? = nil) -> SIMD3<Double> {
        let base = texture == nil ? colour : SIMD3<Double>(repeating: 1)
        func clamped(_ value: SIMD3<Double>) -> SIMD3<Double> { value.replacing(with: 1, where: value .> 1) }
        let towardCamera = camera.position - point
        let view = towardCamera / (towardCamera * towardCamera).sum().squareRoot()
        func highlight(_ direction: SIMD3<Double>) -> Double {
            let halfway = direction + view
            return pow(max(0, (normal * halfway).sum() / (halfway * halfway).sum().squareRoot()), Self.specularExponent)
        }
        // The headlight shines along the view axis.
        let headlightIntensity = Self.headlightAmbient + Self.headlightDiffuse * max(0, (normal * camera.backward).sum())
        var diffuse = clamped(base * headlightIntensity)
        var specular = Self.materialSpecular * Self.headlightSpecular * highlight(camera.backward)
        let toLight = light - point
        let distance = (toLight * toLight).sum().squareRoot()
        // The spotlight points along -z: the cosine between its axis and the direction to the point.
        let spotCosine = toLight.z / distance
        if spotCosine >= Self.spotCutoffCosine {
            let spot = pow(spotCosine, Self.spotExponent), direction = toLight / distance
            diffuse += clamped(base * (Self.spotDiffuse * max(0, (normal * direction).sum()) * spot))
            specular += Self.materialSpecular * Self.spotSpecular * highlight(direction) * spot
        }
        if let texture { return texture * (diffuse + SIMD3(repeating: specular)) }
        return diffuse + SIMD3(repeating: specular)
    }

    /// The floor's colour at a point on it.
    func floor(at point: SIMD3<Double>) -> SIMD3<Double> {
        let parity = (Int(Foundation.floor(point.x - checkerOrigin.x)) + Int(Foundation.floor(point.y - checkerOrigin.y))) & 1
        let texture = parity == 0 ? Self.checkerLight : Self.checkerDark
        return lit(texture, at: point, normal: SIMD3(0, 0, 1), texture: texture)
    }

    /// The colour along the ray through pixel coordinates (x, y): the floor or the sky.
    func background(x: Double, y: Double, width: Int, height: Int) -> SIMD3<Double> {
        let direction = camera.ray(x: x, y: y, width: width, height: height)
        if direction.z < 0 {
            let distance = (floorHeight - camera.position.z) / direction.z
            let point = camera.position + direction * distance
            if abs(point.x) <= floorHalfSize && abs(point.y) <= floorHalfSize { return floor(at: point) }
        }
        return Self.sky(direction)
    }

    /// The background of a `width` x `height` frame, RGB8 row by row, averaged over 3 x 3 samples per
    /// pixel (MuJoCo renders with multisampling).
    func backgroundPixels(width: Int, height: Int) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let samples = 3
        for row in 0..<height {
            for column in 0..<width {
                var sum = SIMD3<Double>(0, 0, 0)
                for sampleRow in 0..<samples {
                    for sampleColumn in 0..<samples {
                        sum += background(
                            x: Double(column) + (Double(sampleColumn) + 0.5) / Double(samples),
                            y: Double(row) + (Double(sampleRow) + 0.5) / Double(samples), width: width, height: height)
                    }
                }
                let colour = Self.colour(sum / Double(samples * samples))
                let index = (row * width + column) * 3
                pixels[index] = colour.red
                pixels[index + 1] = colour.green
                pixels[index + 2] = colour.blue
            }
        }
        return pixels
    }

    /// An 8-bit colour of a linear colour in [0, 1] (clamped).
    static func colour(_ value: SIMD3<Double>) -> Color {
        func byte(_ channel: Double) -> UInt8 { UInt8(max(0, min(255, (channel * 255).rounded()))) }
        return Color(byte(value.x), byte(value.y), byte(value.z))
    }

    /// Draws a capsule from `start` to `end` of `radius`, lit as its side facing the camera.
    func drawCapsule(on canvas: Canvas, from start: SIMD3<Double>, to end: SIMD3<Double>, radius: Double, colour: SIMD3<Double>) {
        let a = camera.project(start, width: canvas.width, height: canvas.height)
        let b = camera.project(end, width: canvas.width, height: canvas.height)
        let middle = (start + end) / 2
        let width = camera.pixelLength(2 * radius, depth: (a.depth + b.depth) / 2, height: canvas.height)
        // Lit along the line of the surface that faces the camera: the view axis without its component along the capsule.
        let axis = end - start, axisLength = (axis * axis).sum().squareRoot()
        var normal = camera.backward
        if axisLength > 0 {
            let unit = axis / axisLength
            normal -= unit * (normal * unit).sum()
            let length = (normal * normal).sum().squareRoot()
            normal = length > 1e-9 ? normal / length : camera.backward
        }
        let shade = Self.colour(lit(colour, at: middle, normal: normal))
        canvas.transform = Transform(yUp: false)
        canvas.drawLine(from: a.pixel, to: b.pixel, lineWidth: width, shade)
        canvas.fillCircle(center: a.pixel, radius: width / 2, shade)
        canvas.fillCircle(center: b.pixel, radius: width / 2, shade)
    }

    /// Draws a sphere at `centre` of `radius`, lit as its point facing the camera.
    func drawSphere(on canvas: Canvas, centre: SIMD3<Double>, radius: Double, colour: SIMD3<Double>) {
        let projected = camera.project(centre, width: canvas.width, height: canvas.height)
        let pixelRadius = camera.pixelLength(radius, depth: projected.depth, height: canvas.height)
        canvas.transform = Transform(yUp: false)
        canvas.fillCircle(center: projected.pixel, radius: pixelRadius, Self.colour(lit(colour, at: centre, normal: camera.backward)))
    }

    /// Fills the quadrilateral of world corners `corners` (one face) lit with its `normal`, when it faces the camera.
    func drawFace(on canvas: Canvas, _ corners: [SIMD3<Double>], normal: SIMD3<Double>, colour: SIMD3<Double>) {
        let centre = corners.reduce(SIMD3<Double>(0, 0, 0), +) / Double(corners.count)
        guard ((camera.position - centre) * normal).sum() > 0 else { return }
        let pixels = corners.map { camera.project($0, width: canvas.width, height: canvas.height).pixel }
        canvas.fillPolygon(pixels: pixels, Self.colour(lit(colour, at: centre, normal: normal)))
    }
}
