import Foundation
import Gym
import Render

/// Draws the classic-control scenes as Gymnasium's pygame renderers do (same geometry and colours),
/// in the reference viewport's pixel units with y up, stretched to the canvas size.
enum ClassicRendering {
    /// A canvas whose transform maps a `reference` viewport (y up) onto the canvas.
    static func prepare(_ canvas: Canvas, reference: RenderSize) {
        canvas.transform = Transform(
            scale: Double(canvas.width) / Double(reference.width),
            verticalScale: Double(canvas.height) / Double(reference.height))
        canvas.clear(.white)
    }

    /// CartPole on a 600 x 400 viewport.
    static func cartPole(_ state: CartPole.State, on canvas: Canvas) {
        let reference = CartPole.referenceRenderSize
        prepare(canvas, reference: reference)
        let scale = Double(reference.width) / (CartPole.xThreshold * 2)
        let poleWidth = 10.0, poleLength = scale * (2 * CartPole.length), cartWidth = 50.0, cartHeight = 30.0
        let cartX = state.x * scale + Double(reference.width) / 2, cartY = 100.0, axleOffset = cartHeight / 4
        canvas.fillPolygon(
            [
                Point(cartX - cartWidth / 2, cartY - cartHeight / 2), Point(cartX - cartWidth / 2, cartY + cartHeight / 2),
                Point(cartX + cartWidth / 2, cartY + cartHeight / 2), Point(cartX + cartWidth / 2, cartY - cartHeight / 2),
            ], .black)
        let axle = Point(cartX, cartY + axleOffset)
        let pole = [
            Point(-poleWidth / 2, -poleWidth / 2), Point(-poleWidth / 2, poleLength - poleWidth / 2),
            Point(poleWidth / 2, poleLength - poleWidth / 2), Point(poleWidth / 2, -poleWidth / 2),
        ]
        canvas.fillPolygon(pole.map { $0.rotated(by: -state.theta) + axle }, Color(202, 152, 101))
        canvas.fillCircle(center: axle, radius: poleWidth / 2, Color(129, 132, 203))
        canvas.drawLine(from: Point(0, cartY), to: Point(Double(reference.width), cartY), lineWidth: 1, .black)
    }

    /// Pendulum on a 500 x 500 viewport.
    static func pendulum(_ state: Pendulum.State, on canvas: Canvas) {
        let reference = Pendulum.referenceRenderSize
        prepare(canvas, reference: reference)
        let bound = 2.2, scale = Double(reference.width) / (bound * 2), offset = Double(reference.width) / 2
        let rodLength = 1 * scale, rodWidth = 0.2 * scale
        let centre = Point(offset, offset), angle = state.theta + Double.pi / 2
        let rod = [Point(0, -rodWidth / 2), Point(0, rodWidth / 2), Point(rodLength, rodWidth / 2), Point(rodLength, -rodWidth / 2)]
        let color = Color(204, 77, 77)
        canvas.fillPolygon(rod.map { $0.rotated(by: angle) + centre }, color)
        canvas.fillCircle(center: centre, radius: rodWidth / 2, color)
        canvas.fillCircle(center: Point(rodLength, 0).rotated(by: angle) + centre, radius: rodWidth / 2, color)
        canvas.fillCircle(center: centre, radius: 0.05 * scale, .black)
    }

    /// Acrobot on a 500 x 500 viewport.
    static func acrobot(_ state: Acrobot.State, on canvas: Canvas) {
        let reference = Acrobot.referenceRenderSize
        prepare(canvas, reference: reference)
        let bound = 2.2, scale = Double(reference.width) / (bound * 2), offset = Double(reference.width) / 2
        let p1 = Point(-cos(state.theta1) * scale, sin(state.theta1) * scale)
        let p2 = Point(p1.x - cos(state.theta1 + state.theta2) * scale, p1.y + sin(state.theta1 + state.theta2) * scale)
        // Gymnasium swaps the coordinates ([:, ::-1]) so the chain hangs down.
        let joints = [Point(0, 0), p1, p2].map { Point($0.y + offset, $0.x + offset) }
        let angles = [state.theta1 - Double.pi / 2, state.theta1 + state.theta2 - Double.pi / 2]
        canvas.drawLine(
            from: Point(-bound * scale + offset, 1 * scale + offset), to: Point(bound * scale + offset, 1 * scale + offset),
            lineWidth: 1, .black)
        for (joint, angle) in zip(joints, angles) {
            let link = [Point(0, 0.1 * scale), Point(scale, 0.1 * scale), Point(scale, -0.1 * scale), Point(0, -0.1 * scale)]
            canvas.fillPolygon(link.map { $0.rotated(by: angle) + joint }, Color(0, 204, 204))
            canvas.fillCircle(center: joint, radius: 0.1 * scale, Color(204, 204, 0))
        }
    }

    /// MountainCar (discrete or continuous) on a 600 x 400 viewport.
    static func mountainCar(position: Double, goalPosition: Double, on canvas: Canvas) {
        let reference = RenderSize(width: 600, height: 400)
        prepare(canvas, reference: reference)
        let minimum = MountainCar.minPosition, maximum = MountainCar.maxPosition
        let scale = Double(reference.width) / (maximum - minimum)
        func height(_ x: Double) -> Double { sin(3 * x) * 0.45 + 0.55 }
        let track = (0..<100).map { index -> Point in
            let x = minimum + (maximum - minimum) * Double(index) / 99
            return Point((x - minimum) * scale, height(x) * scale)
        }
        canvas.drawPolyline(track, lineWidth: 1, .black)
        let clearance = 10.0, carWidth = 40.0, carHeight = 20.0
        let base = Point((position - minimum) * scale, clearance + height(position) * scale), angle = cos(3 * position)
        let body = [Point(-carWidth / 2, 0), Point(-carWidth / 2, carHeight), Point(carWidth / 2, carHeight), Point(carWidth / 2, 0)]
        canvas.fillPolygon(body.map { $0.rotated(by: angle) + base }, .black)
        for wheel in [Point(carWidth / 4, 0), Point(-carWidth / 4, 0)] {
            canvas.fillCircle(center: wheel.rotated(by: angle) + base, radius: carHeight / 2.5, Color(128, 128, 128))
        }
        let flagX = (goalPosition - minimum) * scale, flagBottom = height(goalPosition) * scale, flagTop = flagBottom + 50
        canvas.drawLine(from: Point(flagX, flagBottom), to: Point(flagX, flagTop), lineWidth: 1, .black)
        canvas.fillPolygon([Point(flagX, flagTop), Point(flagX, flagTop - 10), Point(flagX + 25, flagTop - 5)], Color(204, 204, 0))
    }
}
