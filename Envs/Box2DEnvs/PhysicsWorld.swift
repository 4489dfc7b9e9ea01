import CBox2D

/// A Box2D world owned by one environment episode; deinit destroys it with every body, fixture and
/// joint, so a reset that makes a new world leaves nothing of the previous episode behind.
final class PhysicsWorld {
    let handle: OpaquePointer
    private var events = [CB2ContactEvent](repeating: CB2ContactEvent(), count: 64)

    init(gravityX: Float, gravityY: Float) {
        handle = cb2_world_create(gravityX, gravityY)
    }

    deinit { cb2_world_destroy(handle) }

    /// Advances the world by `timeStep` seconds.
    func step(_ timeStep: Float, velocityIterations: Int32, positionIterations: Int32) {
        cb2_world_step(handle, timeStep, velocityIterations, positionIterations)
    }

    /// The contact begin/end events of the last step, in order.
    func contactEvents() -> ArraySlice<CB2ContactEvent> {
        var count = Int(cb2_world_contact_events(handle, &events, Int32(events.count)))
        if count > events.count {
            events = [CB2ContactEvent](repeating: CB2ContactEvent(), count: count * 2)
            count = Int(cb2_world_contact_events(handle, &events, Int32(events.count)))
        }
        return events[0..<count]
    }

    /// A body of `type` (0 static, 1 kinematic, 2 dynamic) tagged with `userData`.
    func createBody(type: Int32, x: Float, y: Float, angle: Float = 0, userData: UInt) -> CB2Body {
        cb2_body_create(handle, type, x, y, angle, userData)!
    }
}

/// Material and filter of a fixture, with Box2D's defaults.
func fixtureOptions(
    density: Float = 0, friction: Float = 0.2, restitution: Float = 0, category: UInt16 = 1,
    mask: UInt16 = 0xFFFF, sensor: Bool = false
) -> CB2FixtureOptions {
    CB2FixtureOptions(
        density: density, friction: friction, restitution: restitution, categoryBits: category,
        maskBits: mask, isSensor: sensor ? 1 : 0)
}

/// A body's position and angle.
func transform(of body: CB2Body) -> (x: Float, y: Float, angle: Float) {
    var x: Float = 0, y: Float = 0, angle: Float = 0
    cb2_body_transform(body, &x, &y, &angle)
    return (x, y, angle)
}

/// A body's linear and angular velocity.
func velocity(of body: CB2Body) -> (x: Float, y: Float, angular: Float) {
    var x: Float = 0, y: Float = 0, angular: Float = 0
    cb2_body_velocity(body, &x, &y, &angular)
    return (x, y, angular)
}

/// Process-wide totals of Box2D's own world step (every Box2D environment), for benchmarks that
/// report how much of an environment step is physics.
public enum Box2DStepTiming {
    /// World steps taken so far and the seconds spent inside b2World::Step.
    public static func totals() -> (steps: Int, seconds: Double) {
        var steps: UInt64 = 0, nanoseconds: UInt64 = 0
        cb2_step_timing(&steps, &nanoseconds)
        return (Int(steps), Double(nanoseconds) * 1e-9)
    }
}
