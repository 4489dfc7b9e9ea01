import CBox2D
import Foundation
import Render

/// CarRacing's rear-wheel-drive car (Gymnasium's `car_dynamics.Car`, after Chris Campbell's
/// top-down car): a four-part hull and four wheels on revolute joints (front ones steered within
/// +-0.4 rad). Each wheel integrates its own spin from gas and brake, and a friction force, capped
/// by the friction limit (x0.6 on grass), pulls its ground speed towards its rolling speed.
final class RacingCar {
    static let size = 0.02
    static let enginePower = 100_000_000 * size * size
    static let wheelMomentOfInertia = 4000 * size * size
    static let frictionLimit = 1_000_000 * size * size
    static let wheelRadius = 27.0, wheelWidth = 14.0
    static let wheelPositions: [(Double, Double)] = [(-55, 80), (55, 80), (-55, -82), (55, -82)]
    static let hullPolygons: [[(Double, Double)]] = [
        [(-60, 130), (60, 130), (60, 110), (-60, 110)],
        [(-15, 120), (15, 120), (20, 20), (-20, 20)],
        [(25, 20), (50, -10), (50, -40), (20, -90), (-20, -90), (-50, -40), (-50, -10), (-25, 20)],
        [(-50, -120), (50, -120), (50, -90), (-50, -90)],
    ]
    static let wheelPolygon: [(Double, Double)] = [
        (-wheelWidth, wheelRadius), (wheelWidth, wheelRadius),
        (wheelWidth, -wheelRadius), (-wheelWidth, -wheelRadius),
    ]
    static let hullColor = Color(204, 0, 0)
    static let wheelColor = Color(0, 0, 0), wheelStripeColor = Color(77, 77, 77), mudColor = Color(102, 102, 0)
    static let maxMotorTorque = 180 * 900 * size * size

    /// A skid mark: a polyline left by a sliding wheel (black on road, mud on grass).
    final class SkidMark {
        let grass: Bool
        var points: [Point]
        init(grass: Bool, points: [Point]) {
            self.grass = grass
            self.points = points
        }
    }

    /// One wheel's body, joint and drive state.
    struct Wheel {
        let body: CB2Body
        let joint: CB2Joint
        var gas = 0.0, brake = 0.0, steer = 0.0
        /// Rotation angle (for drawing the tread stripe) and spin rate.
        var phase = 0.0, omega = 0.0
        /// Road tiles under the wheel (any tile gives road friction).
        var tiles = Set<Int>()
        var skidStart: Point?
        var skidMark: SkidMark?
    }

    let hull: CB2Body
    private(set) var wheels: [Wheel] = []
    /// At most 30 recent skid marks (drawn in rgb_array and human frames, not in observations).
    private(set) var skidMarks: [SkidMark] = []

    /// Builds the car at (x, y) facing `angle`, tagging the hull and wheels with the given user data.
    init(world: PhysicsWorld, angle: Double, x: Double, y: Double, hullTag: UInt, wheelTags: [UInt]) {
        hull = world.createBody(type: 2, x: Float(x), y: Float(y), angle: Float(angle), userData: hullTag)
        for polygon in Self.hullPolygons {
            let vertices = polygon.flatMap { [Float($0.0 * Self.size), Float($0.1 * Self.size)] }
            cb2_fixture_polygon(hull, vertices, Int32(polygon.count), fixtureOptions(density: 1))
        }
        for (index, position) in Self.wheelPositions.enumerated() {
            let body = world.createBody(
                type: 2, x: Float(x + position.0 * Self.size), y: Float(y + position.1 * Self.size),
                angle: Float(angle), userData: wheelTags[index])
            let vertices = Self.wheelPolygon.flatMap { [Float($0.0 * Self.size), Float($0.1 * Self.size)] }
            cb2_fixture_polygon(body, vertices, 4, fixtureOptions(density: 0.1, restitution: 0, category: 0x0020, mask: 0x001))
            let joint = cb2_revolute_joint_create(
                world.handle, hull, body, Float(position.0 * Self.size), Float(position.1 * Self.size), 0, 0,
                1, 0, Float(Self.maxMotorTorque), 1, -0.4, 0.4)!
            wheels.append(Wheel(body: body, joint: joint))
        }
    }

    /// Rear-wheel drive: gas in [0, 1] rises by at most 0.1 per step and drops at once.
    func gas(_ value: Double) {
        let clipped = min(max(value, 0), 1)
        for index in 2..<4 {
            wheels[index].gas += min(clipped - wheels[index].gas, 0.1)
        }
    }

    /// Brake on all wheels (0.9 or more locks them).
    func brake(_ value: Double) {
        for index in wheels.indices { wheels[index].brake = value }
    }

    /// Steering target of the front wheels in [-1, 1] (the joints turn towards it over time).
    func steer(_ value: Double) {
        wheels[0].steer = value
        wheels[1].steer = value
    }

    /// Applies steering motors, wheel spin and tyre forces for a step of `dt` seconds.
    func step(_ dt: Double) {
        for index in wheels.indices {
            var wheel = wheels[index]
            let jointAngle = Double(cb2_revolute_joint_angle(wheel.joint))
            let direction: Double = wheel.steer > jointAngle ? 1 : (wheel.steer < jointAngle ? -1 : 0)
            let difference = abs(wheel.steer - jointAngle)
            cb2_revolute_joint_set_motor(wheel.joint, Float(direction * min(50 * difference, 3)), Float(Self.maxMotorTorque))

            let grass = wheel.tiles.isEmpty
            let frictionLimit = grass ? Self.frictionLimit * 0.6 : Self.frictionLimit

            var forwardX: Float = 0, forwardY: Float = 0, sideX: Float = 0, sideY: Float = 0
            cb2_body_world_vector(wheel.body, 0, 1, &forwardX, &forwardY)
            cb2_body_world_vector(wheel.body, 1, 0, &sideX, &sideY)
            let speed = velocity(of: wheel.body)
            let forwardSpeed = Double(forwardX) * Double(speed.x) + Double(forwardY) * Double(speed.y)
            let sideSpeed = Double(sideX) * Double(speed.x) + Double(sideY) * Double(speed.y)

            // Engine power spins the wheel up: I omega d(omega) = P dt (small constant avoids 1/0).
            wheel.omega += dt * Self.enginePower * wheel.gas / Self.wheelMomentOfInertia / (abs(wheel.omega) + 5)
            if wheel.brake >= 0.9 {
                wheel.omega = 0
            } else if wheel.brake > 0 {
                let brakeForce = 15.0  // radians per second
                let sign: Double = wheel.omega > 0 ? -1 : (wheel.omega < 0 ? 1 : 0)
                let value = min(brakeForce * wheel.brake, abs(wheel.omega))
                wheel.omega += sign * value
            }
            wheel.phase += wheel.omega * dt

            let wheelRadius = Self.wheelRadius * Self.size
            let rollingSpeed = wheel.omega * wheelRadius
            // Force towards removing the speed difference; the constant damps oscillation.
            var forwardForce = (rollingSpeed - forwardSpeed) * 205_000 * Self.size * Self.size
            var sideForce = -sideSpeed * 205_000 * Self.size * Self.size
            let force = (forwardForce * forwardForce + sideForce * sideForce).squareRoot()

            if force > 2 * frictionLimit {
                let position = transform(of: wheel.body)
                let point = Point(Double(position.x), Double(position.y))
                if let mark = wheel.skidMark, mark.grass == grass, mark.points.count < 30 {
                    mark.points.append(point)
                } else if wheel.skidStart == nil {
                    wheel.skidStart = point
                } else {
                    let mark = SkidMark(grass: grass, points: [wheel.skidStart!, point])
                    skidMarks.append(mark)
                    if skidMarks.count > 30 { skidMarks.removeFirst(skidMarks.count - 30) }
                    wheel.skidMark = mark
                    wheel.skidStart = nil
                }
            } else {
                wheel.skidStart = nil
                wheel.skidMark = nil
            }

            if force > frictionLimit {
                forwardForce *= frictionLimit / force
                sideForce *= frictionLimit / force
            }
            wheel.omega -= dt * forwardForce * wheelRadius / Self.wheelMomentOfInertia
            cb2_body_apply_force_to_center(
                wheel.body, Float(sideForce * Double(sideX) + forwardForce * Double(forwardX)),
                Float(sideForce * Double(sideY) + forwardForce * Double(forwardY)), 1)
            wheels[index] = wheel
        }
    }

    /// Records that wheel `index` started or stopped touching road tile `tile`.
    func setContact(wheel index: Int, tile: Int, touching: Bool) {
        if touching { wheels[index].tiles.insert(tile) } else { wheels[index].tiles.remove(tile) }
    }

    /// Draws skid marks (optional), wheels with their tread stripe, and the hull.
    func draw(on canvas: Canvas, skidMarks drawSkidMarks: Bool) {
        if drawSkidMarks {
            let width = 2 / canvas.transform.scale * Double(canvas.width) / 1000  // 2 window pixels
            for mark in skidMarks {
                canvas.drawPolyline(mark.points, lineWidth: width, mark.grass ? Self.mudColor : Self.wheelColor)
            }
        }
        for wheel in wheels {
            let pose = transform(of: wheel.body)
            canvas.fillPolygon(Self.placed(Self.wheelPolygon, pose: pose), Self.wheelColor)
            // The tread stripe shows the wheel's rotation (hidden when it faces away).
            let angle1 = wheel.phase, angle2 = wheel.phase + 1.2
            let sin1 = sin(angle1), sin2 = sin(angle2)
            if sin1 > 0 && sin2 > 0 { continue }
            var cos1 = cos(angle1), cos2 = cos(angle2)
            if sin1 > 0 { cos1 = cos1 > 0 ? 1 : (cos1 < 0 ? -1 : 0) }
            if sin2 > 0 { cos2 = cos2 > 0 ? 1 : (cos2 < 0 ? -1 : 0) }
            let stripe = [
                (-Self.wheelWidth, Self.wheelRadius * cos1), (Self.wheelWidth, Self.wheelRadius * cos1),
                (Self.wheelWidth, Self.wheelRadius * cos2), (-Self.wheelWidth, Self.wheelRadius * cos2),
            ]
            canvas.fillPolygon(Self.placed(stripe, pose: pose), Self.wheelStripeColor)
        }
        let pose = transform(of: hull)
        for polygon in Self.hullPolygons {
            canvas.fillPolygon(Self.placed(polygon, pose: pose), Self.hullColor)
        }
    }

    /// Car-unit polygon vertices placed in the world at a body's pose.
    private static func placed(_ polygon: [(Double, Double)], pose: (x: Float, y: Float, angle: Float)) -> [Point] {
        let c = cos(Double(pose.angle)), s = sin(Double(pose.angle))
        return polygon.map { vertex in
            let x = vertex.0 * size, y = vertex.1 * size
            return Point(Double(pose.x) + x * c - y * s, Double(pose.y) + x * s + y * c)
        }
    }
}
