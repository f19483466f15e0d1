//go:build box2d && cgo

#include "shim.h"

#include <box2d/box2d.h>
#include <vector>

namespace {

struct Listener : b2ContactListener {
	std::vector<int> events;
	void record(b2Contact *c, int begin) {
		events.push_back((int)c->GetFixtureA()->GetBody()->GetUserData().pointer);
		events.push_back((int)c->GetFixtureB()->GetBody()->GetUserData().pointer);
		events.push_back(begin);
	}
	void BeginContact(b2Contact *c) override { record(c, 1); }
	void EndContact(b2Contact *c) override { record(c, 0); }
};

struct Ray : b2RayCastCallback {
	uint16_t mask;
	float fraction = 1;
	float ReportFixture(b2Fixture *f, const b2Vec2 &, const b2Vec2 &, float frac) override {
		if ((f->GetFilterData().categoryBits & mask) == 0) return -1;
		fraction = frac;
		return frac;
	}
};

} // namespace

struct ab2_world {
	b2World world;
	Listener listener;
	std::vector<b2Body *> bodies;
	std::vector<b2RevoluteJoint *> joints;
	explicit ab2_world(b2Vec2 g) : world(g) { world.SetContactListener(&listener); }
};

extern "C" {

ab2_world *ab2_world_new(float gx, float gy) { return new ab2_world(b2Vec2(gx, gy)); }

void ab2_world_free(ab2_world *w) { delete w; }

int ab2_body_new(ab2_world *w, int dynamic, float x, float y, float angle) {
	b2BodyDef d;
	d.type = dynamic ? b2_dynamicBody : b2_staticBody;
	d.position.Set(x, y);
	d.angle = angle;
	d.userData.pointer = (uintptr_t)w->bodies.size();
	w->bodies.push_back(w->world.CreateBody(&d));
	return (int)w->bodies.size() - 1;
}

static void fixture(ab2_world *w, int body, const b2Shape *s, float density, float friction,
                    float restitution, uint16_t category, uint16_t mask) {
	b2FixtureDef f;
	f.shape = s;
	f.density = density;
	f.friction = friction;
	f.restitution = restitution;
	f.filter.categoryBits = category;
	f.filter.maskBits = mask;
	w->bodies[body]->CreateFixture(&f);
}

void ab2_polygon(ab2_world *w, int body, const float *xy, int n, float density, float friction,
                 float restitution, uint16_t category, uint16_t mask) {
	b2Vec2 v[b2_maxPolygonVertices];
	for (int i = 0; i < n && i < b2_maxPolygonVertices; i++) v[i].Set(xy[2 * i], xy[2 * i + 1]);
	b2PolygonShape s;
	s.Set(v, n < b2_maxPolygonVertices ? n : b2_maxPolygonVertices);
	fixture(w, body, &s, density, friction, restitution, category, mask);
}

void ab2_edge(ab2_world *w, int body, float x1, float y1, float x2, float y2, float friction,
              uint16_t category, uint16_t mask) {
	b2EdgeShape s;
	s.SetTwoSided(b2Vec2(x1, y1), b2Vec2(x2, y2));
	fixture(w, body, &s, 0, friction, 0, category, mask);
}

void ab2_force_center(ab2_world *w, int body, float fx, float fy) {
	w->bodies[body]->ApplyForceToCenter(b2Vec2(fx, fy), true);
}

void ab2_impulse(ab2_world *w, int body, float ix, float iy, float px, float py) {
	w->bodies[body]->ApplyLinearImpulse(b2Vec2(ix, iy), b2Vec2(px, py), true);
}

void ab2_body_state(ab2_world *w, int body, float *out) {
	const b2Body *b = w->bodies[body];
	out[0] = b->GetPosition().x;
	out[1] = b->GetPosition().y;
	out[2] = b->GetAngle();
	out[3] = b->GetLinearVelocity().x;
	out[4] = b->GetLinearVelocity().y;
	out[5] = b->GetAngularVelocity();
	out[6] = b->IsAwake() ? 1 : 0;
}

int ab2_revolute(ab2_world *w, int a, int b, float ax, float ay, float bx, float by, int motor,
                 int limit, float max_torque, float speed, float lower, float upper) {
	b2RevoluteJointDef d;
	d.bodyA = w->bodies[a];
	d.bodyB = w->bodies[b];
	d.localAnchorA.Set(ax, ay);
	d.localAnchorB.Set(bx, by);
	d.enableMotor = motor != 0;
	d.enableLimit = limit != 0;
	d.maxMotorTorque = max_torque;
	d.motorSpeed = speed;
	d.lowerAngle = lower;
	d.upperAngle = upper;
	w->joints.push_back((b2RevoluteJoint *)w->world.CreateJoint(&d));
	return (int)w->joints.size() - 1;
}

void ab2_joint_motor(ab2_world *w, int joint, float speed, float max_torque) {
	w->joints[joint]->SetMotorSpeed(speed);
	w->joints[joint]->SetMaxMotorTorque(max_torque);
}

void ab2_joint_state(ab2_world *w, int joint, float *out) {
	out[0] = w->joints[joint]->GetJointAngle();
	out[1] = w->joints[joint]->GetJointSpeed();
}

void ab2_step(ab2_world *w, float dt, int vi, int pi) { w->world.Step(dt, vi, pi); }

int ab2_event_count(ab2_world *w) { return (int)w->listener.events.size() / 3; }

int ab2_events(ab2_world *w, int *out, int cap) {
	int n = (int)w->listener.events.size() / 3;
	if (n > cap) n = cap;
	for (int i = 0; i < 3 * n; i++) out[i] = w->listener.events[i];
	w->listener.events.clear();
	return n;
}

float ab2_raycast(ab2_world *w, float x1, float y1, float x2, float y2, uint16_t mask) {
	Ray r;
	r.mask = mask;
	w->world.RayCast(&r, b2Vec2(x1, y1), b2Vec2(x2, y2));
	return r.fraction;
}

} // extern "C"
