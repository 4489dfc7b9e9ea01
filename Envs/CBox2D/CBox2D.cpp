// Implementation of the C API in CBox2D.h over Box2D 2.4.1.
#include "CBox2D.h"
#include <box2d/box2d.h>
#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

namespace {

/// Records begin/end contacts between bodies during a step.
class ContactRecorder : public b2ContactListener {
public:
    std::vector<CB2ContactEvent> events;

    void BeginContact(b2Contact *contact) override { record(contact, 1); }
    void EndContact(b2Contact *contact) override { record(contact, 0); }

private:
    void record(b2Contact *contact, int32_t began) {
        CB2ContactEvent event;
        event.bodyA = contact->GetFixtureA()->GetBody()->GetUserData().pointer;
        event.bodyB = contact->GetFixtureB()->GetBody()->GetUserData().pointer;
        event.began = began;
        events.push_back(event);
    }
};

/// Keeps the closest hit whose fixture category passes the mask.
class ClosestRayCast : public b2RayCastCallback {
public:
    uint16_t mask = 0xFFFF;
    bool hit = false;
    float fraction = 1;
    b2Vec2 point;
    uintptr_t userData = 0;

    float ReportFixture(b2Fixture *fixture, const b2Vec2 &hitPoint, const b2Vec2 &, float hitFraction) override {
        if ((fixture->GetFilterData().categoryBits & mask) == 0) return -1;  // ignore and continue
        hit = true;
        fraction = hitFraction;
        point = hitPoint;
        userData = fixture->GetBody()->GetUserData().pointer;
        return hitFraction;  // clip the ray: later reports are closer
    }
};

b2FixtureDef makeFixtureDef(const b2Shape *shape, CB2FixtureOptions options) {
    b2FixtureDef definition;
    definition.shape = shape;
    definition.density = options.density;
    definition.friction = options.friction;
    definition.restitution = options.restitution;
    definition.filter.categoryBits = options.categoryBits;
    definition.filter.maskBits = options.maskBits;
    definition.isSensor = options.isSensor != 0;
    return definition;
}

b2Body *body(CB2Body handle) { return static_cast<b2Body *>(handle); }

/// Time spent inside b2World::Step by the worlds one thread steps (for benchmarks). Each thread
/// counts in its own cache line: one shared pair of counters, added to by every world step of a
/// threaded vector environment, bounced between the cores.
struct alignas(64) StepTiming {
    std::atomic<uint64_t> nanoseconds{0};
    std::atomic<uint64_t> steps{0};
};

/// Every thread's counters (never freed: a thread's totals outlive it).
std::mutex timingsLock;
std::vector<StepTiming *> timings;

StepTiming &threadTiming() {
    thread_local StepTiming *timing = [] {
        auto *created = new StepTiming();
        std::lock_guard<std::mutex> guard(timingsLock);
        timings.push_back(created);
        return created;
    }();
    return *timing;
}

}  // namespace

struct CB2World {
    b2World world;
    ContactRecorder recorder;
    explicit CB2World(b2Vec2 gravity) : world(gravity) { world.SetContactListener(&recorder); }
};

extern "C" {

CB2World *cb2_world_create(float gravityX, float gravityY) { return new CB2World(b2Vec2(gravityX, gravityY)); }

void cb2_world_destroy(CB2World *world) { delete world; }

void cb2_world_step(CB2World *world, float timeStep, int32_t velocityIterations, int32_t positionIterations) {
    world->recorder.events.clear();
    auto start = std::chrono::steady_clock::now();
    world->world.Step(timeStep, velocityIterations, positionIterations);
    auto elapsed = std::chrono::steady_clock::now() - start;
    StepTiming &timing = threadTiming();
    timing.nanoseconds.store(timing.nanoseconds.load(std::memory_order_relaxed) +
                                 static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()),
                             std::memory_order_relaxed);
    timing.steps.store(timing.steps.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

void cb2_step_timing(uint64_t *steps, uint64_t *nanoseconds) {
    uint64_t stepTotal = 0, nanosecondTotal = 0;
    std::lock_guard<std::mutex> guard(timingsLock);
    for (StepTiming *timing : timings) {
        stepTotal += timing->steps.load(std::memory_order_relaxed);
        nanosecondTotal += timing->nanoseconds.load(std::memory_order_relaxed);
    }
    *steps = stepTotal;
    *nanoseconds = nanosecondTotal;
}

int32_t cb2_world_contact_events(const CB2World *world, CB2ContactEvent *events, int32_t capacity) {
    int32_t count = static_cast<int32_t>(world->recorder.events.size());
    for (int32_t index = 0; index < count && index < capacity; ++index) events[index] = world->recorder.events[index];
    return count;
}

int32_t cb2_world_ray_cast(CB2World *world, float x1, float y1, float x2, float y2, uint16_t maskBits,
                           float *fraction, float *hitX, float *hitY, uintptr_t *bodyUserData) {
    ClosestRayCast callback;
    callback.mask = maskBits;
    world->world.RayCast(&callback, b2Vec2(x1, y1), b2Vec2(x2, y2));
    if (!callback.hit) return 0;
    *fraction = callback.fraction;
    *hitX = callback.point.x;
    *hitY = callback.point.y;
    *bodyUserData = callback.userData;
    return 1;
}

CB2Body cb2_body_create(CB2World *world, int32_t type, float x, float y, float angle, uintptr_t userData) {
    b2BodyDef definition;
    definition.type = type == 0 ? b2_staticBody : (type == 1 ? b2_kinematicBody : b2_dynamicBody);
    definition.position.Set(x, y);
    definition.angle = angle;
    definition.userData.pointer = userData;
    return world->world.CreateBody(&definition);
}

void cb2_body_destroy(CB2World *world, CB2Body handle) { world->world.DestroyBody(body(handle)); }

void cb2_fixture_polygon(CB2Body handle, const float *xy, int32_t count, CB2FixtureOptions options) {
    b2Vec2 points[b2_maxPolygonVertices];
    int32_t used = count < b2_maxPolygonVertices ? count : b2_maxPolygonVertices;
    for (int32_t index = 0; index < used; ++index) points[index].Set(xy[2 * index], xy[2 * index + 1]);
    b2PolygonShape shape;
    shape.Set(points, used);
    b2FixtureDef definition = makeFixtureDef(&shape, options);
    body(handle)->CreateFixture(&definition);
}

void cb2_fixture_box(CB2Body handle, float halfWidth, float halfHeight, CB2FixtureOptions options) {
    b2PolygonShape shape;
    shape.SetAsBox(halfWidth, halfHeight);
    b2FixtureDef definition = makeFixtureDef(&shape, options);
    body(handle)->CreateFixture(&definition);
}

void cb2_fixture_edge(CB2Body handle, float x1, float y1, float x2, float y2, CB2FixtureOptions options) {
    b2EdgeShape shape;
    shape.SetTwoSided(b2Vec2(x1, y1), b2Vec2(x2, y2));
    b2FixtureDef definition = makeFixtureDef(&shape, options);
    body(handle)->CreateFixture(&definition);
}

void cb2_fixture_circle(CB2Body handle, float radius, float centerX, float centerY, CB2FixtureOptions options) {
    b2CircleShape shape;
    shape.m_radius = radius;
    shape.m_p.Set(centerX, centerY);
    b2FixtureDef definition = makeFixtureDef(&shape, options);
    body(handle)->CreateFixture(&definition);
}

void cb2_body_transform(CB2Body handle, float *x, float *y, float *angle) {
    const b2Vec2 &position = body(handle)->GetPosition();
    *x = position.x;
    *y = position.y;
    *angle = body(handle)->GetAngle();
}

void cb2_body_velocity(CB2Body handle, float *vx, float *vy, float *angularVelocity) {
    const b2Vec2 &velocity = body(handle)->GetLinearVelocity();
    *vx = velocity.x;
    *vy = velocity.y;
    *angularVelocity = body(handle)->GetAngularVelocity();
}

void cb2_body_set_velocity(CB2Body handle, float vx, float vy, float angularVelocity) {
    body(handle)->SetLinearVelocity(b2Vec2(vx, vy));
    body(handle)->SetAngularVelocity(angularVelocity);
}

int32_t cb2_body_awake(CB2Body handle) { return body(handle)->IsAwake() ? 1 : 0; }

float cb2_body_mass(CB2Body handle) { return body(handle)->GetMass(); }

void cb2_body_apply_force_to_center(CB2Body handle, float fx, float fy, int32_t wake) {
    body(handle)->ApplyForceToCenter(b2Vec2(fx, fy), wake != 0);
}

void cb2_body_apply_force(CB2Body handle, float fx, float fy, float px, float py, int32_t wake) {
    body(handle)->ApplyForce(b2Vec2(fx, fy), b2Vec2(px, py), wake != 0);
}

void cb2_body_apply_linear_impulse(CB2Body handle, float ix, float iy, float px, float py, int32_t wake) {
    body(handle)->ApplyLinearImpulse(b2Vec2(ix, iy), b2Vec2(px, py), wake != 0);
}

void cb2_body_apply_torque(CB2Body handle, float torque, int32_t wake) { body(handle)->ApplyTorque(torque, wake != 0); }

void cb2_body_world_vector(CB2Body handle, float localX, float localY, float *x, float *y) {
    b2Vec2 vector = body(handle)->GetWorldVector(b2Vec2(localX, localY));
    *x = vector.x;
    *y = vector.y;
}

CB2Joint cb2_revolute_joint_create(CB2World *world, CB2Body bodyA, CB2Body bodyB, float anchorAX, float anchorAY,
                                   float anchorBX, float anchorBY, int32_t enableMotor, float motorSpeed,
                                   float maxMotorTorque, int32_t enableLimit, float lowerAngle, float upperAngle) {
    b2RevoluteJointDef definition;
    definition.bodyA = body(bodyA);
    definition.bodyB = body(bodyB);
    definition.localAnchorA.Set(anchorAX, anchorAY);
    definition.localAnchorB.Set(anchorBX, anchorBY);
    definition.referenceAngle = 0;
    definition.enableMotor = enableMotor != 0;
    definition.motorSpeed = motorSpeed;
    definition.maxMotorTorque = maxMotorTorque;
    definition.enableLimit = enableLimit != 0;
    definition.lowerAngle = lowerAngle;
    definition.upperAngle = upperAngle;
    return world->world.CreateJoint(&definition);
}

void cb2_revolute_joint_set_motor(CB2Joint joint, float motorSpeed, float maxMotorTorque) {
    b2RevoluteJoint *revolute = static_cast<b2RevoluteJoint *>(joint);
    revolute->SetMotorSpeed(motorSpeed);
    revolute->SetMaxMotorTorque(maxMotorTorque);
}

float cb2_revolute_joint_angle(CB2Joint joint) { return static_cast<b2RevoluteJoint *>(joint)->GetJointAngle(); }

float cb2_revolute_joint_speed(CB2Joint joint) { return static_cast<b2RevoluteJoint *>(joint)->GetJointSpeed(); }

void cb2_joint_destroy(CB2World *world, CB2Joint joint) { world->world.DestroyJoint(static_cast<b2Joint *>(joint)); }

}  // extern "C"
