// A small C API over Box2D 2.4.1 (Debian's libbox2d-dev) for SwiftRL's Box2D environments.
// Swift's C++ interop is not used (see ../shared/DESIGN.md): bodies and joints are opaque handles,
// contacts are reported as begin/end events collected during a step, ray casts return the closest hit.
#ifndef CBOX2D_H
#define CBOX2D_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct CB2World CB2World;
typedef void *CB2Body;
typedef void *CB2Joint;

/// A contact that began (began = 1) or ended (began = 0) during the last step, by body user data.
typedef struct {
    uintptr_t bodyA;
    uintptr_t bodyB;
    int32_t began;
} CB2ContactEvent;

/// Material and collision filter of a fixture.
typedef struct {
    float density;
    float friction;
    float restitution;
    uint16_t categoryBits;
    uint16_t maskBits;
    int32_t isSensor;
} CB2FixtureOptions;

CB2World *cb2_world_create(float gravityX, float gravityY);
void cb2_world_destroy(CB2World *world);
/// Advances the world; contact events of this step replace the previous ones.
void cb2_world_step(CB2World *world, float timeStep, int32_t velocityIterations, int32_t positionIterations);
/// Totals over every world of the process: how many steps ran and the nanoseconds spent inside
/// Box2D's b2World::Step (benchmarks report the physics share of a step with it).
void cb2_step_timing(uint64_t *steps, uint64_t *nanoseconds);
/// Copies up to `capacity` contact events of the last step; returns how many there were.
int32_t cb2_world_contact_events(const CB2World *world, CB2ContactEvent *events, int32_t capacity);
/// Casts a ray from (x1, y1) to (x2, y2); returns 1 and the closest hit's fraction, point and body
/// user data, or 0 when nothing with a category in `maskBits` is hit.
int32_t cb2_world_ray_cast(CB2World *world, float x1, float y1, float x2, float y2, uint16_t maskBits,
                           float *fraction, float *hitX, float *hitY, uintptr_t *bodyUserData);

/// type: 0 static, 1 kinematic, 2 dynamic.
CB2Body cb2_body_create(CB2World *world, int32_t type, float x, float y, float angle, uintptr_t userData);
void cb2_body_destroy(CB2World *world, CB2Body body);
void cb2_fixture_polygon(CB2Body body, const float *xy, int32_t count, CB2FixtureOptions options);
void cb2_fixture_box(CB2Body body, float halfWidth, float halfHeight, CB2FixtureOptions options);
void cb2_fixture_edge(CB2Body body, float x1, float y1, float x2, float y2, CB2FixtureOptions options);
void cb2_fixture_circle(CB2Body body, float radius, float centerX, float centerY, CB2FixtureOptions options);

void cb2_body_transform(CB2Body body, float *x, float *y, float *angle);
void cb2_body_velocity(CB2Body body, float *vx, float *vy, float *angularVelocity);
void cb2_body_set_velocity(CB2Body body, float vx, float vy, float angularVelocity);
int32_t cb2_body_awake(CB2Body body);
float cb2_body_mass(CB2Body body);
void cb2_body_apply_force_to_center(CB2Body body, float fx, float fy, int32_t wake);
void cb2_body_apply_force(CB2Body body, float fx, float fy, float px, float py, int32_t wake);
void cb2_body_apply_linear_impulse(CB2Body body, float ix, float iy, float px, float py, int32_t wake);
void cb2_body_apply_torque(CB2Body body, float torque, int32_t wake);
/// The world vector of a body-local vector (for wheel directions).
void cb2_body_world_vector(CB2Body body, float localX, float localY, float *x, float *y);

CB2Joint cb2_revolute_joint_create(CB2World *world, CB2Body bodyA, CB2Body bodyB, float anchorAX, float anchorAY,
                                   float anchorBX, float anchorBY, int32_t enableMotor, float motorSpeed,
                                   float maxMotorTorque, int32_t enableLimit, float lowerAngle, float upperAngle);
void cb2_revolute_joint_set_motor(CB2Joint joint, float motorSpeed, float maxMotorTorque);
float cb2_revolute_joint_angle(CB2Joint joint);
float cb2_revolute_joint_speed(CB2Joint joint);
void cb2_joint_destroy(CB2World *world, CB2Joint joint);

#ifdef __cplusplus
}
#endif

#endif
