// A small C interface to Box2D 2.4 (a C++ library) for cgo: a world holds
// its bodies and joints in arrays and hands out their indices, and records
// contact begin/end events for the caller to read after a step.
#ifndef ARENA_BOX2D_SHIM_H
#define ARENA_BOX2D_SHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ab2_world ab2_world;

ab2_world *ab2_world_new(float gx, float gy);
void ab2_world_free(ab2_world *w);

// Bodies: dynamic (1) or static (0); the result is the body's index.
int ab2_body_new(ab2_world *w, int dynamic, float x, float y, float angle);
// A polygon fixture from n vertices (x0, y0, x1, y1, ...).
void ab2_polygon(ab2_world *w, int body, const float *xy, int n, float density,
                 float friction, float restitution, uint16_t category, uint16_t mask);
// A two-sided edge fixture.
void ab2_edge(ab2_world *w, int body, float x1, float y1, float x2, float y2,
              float friction, uint16_t category, uint16_t mask);
void ab2_force_center(ab2_world *w, int body, float fx, float fy);
void ab2_impulse(ab2_world *w, int body, float ix, float iy, float px, float py);
// out: x, y, angle, vx, vy, angular velocity, awake (0 or 1).
void ab2_body_state(ab2_world *w, int body, float *out);

// A revolute joint between two bodies; the result is the joint's index.
int ab2_revolute(ab2_world *w, int a, int b, float ax, float ay, float bx, float by,
                 int motor, int limit, float max_torque, float speed, float lower, float upper);
void ab2_joint_motor(ab2_world *w, int joint, float speed, float max_torque);
// out: joint angle, joint speed.
void ab2_joint_state(ab2_world *w, int joint, float *out);

void ab2_step(ab2_world *w, float dt, int velocity_iterations, int position_iterations);
// The number of contact events recorded since the last ab2_events.
int ab2_event_count(ab2_world *w);
// Writes the contact events recorded since the last call, in the order
// Box2D reported them, as triples (body a, body b, 1 begin / 0 end), at
// most cap of them, and forgets them all; returns how many were written.
int ab2_events(ab2_world *w, int *out, int cap);
// The fraction along p1→p2 of the closest fixture whose category has any
// bit of mask (1 when none is hit), as a ray-cast callback that filters the
// others out (-1) and clips to each hit does.
float ab2_raycast(ab2_world *w, float x1, float y1, float x2, float y2, uint16_t mask);

#ifdef __cplusplus
}
#endif

#endif
