package box2d

import "errors"

// ErrNotBuilt is returned when the environments are made in a build
// without Box2D: the simulation needs cgo, libbox2d and the box2d tag.
var ErrNotBuilt = errors.New("box2d: built without Box2D; build the plugin with: " + BuildCommand)

// BuildCommand builds the plugin binary that serves these environments.
const BuildCommand = "CGO_ENABLED=1 go build -tags box2d -o bin/arena-box2d ./envs/box2d/cmd/arena-box2d (needs apt-get install -y libbox2d-dev)"

// vec is a point or vector in world coordinates (metres).
type vec struct{ x, y float64 }

// fixtureDef is the part of Box2D's b2FixtureDef the environments set.
type fixtureDef struct {
	density, friction, restitution float64
	category, mask                 uint16
}

// revoluteDef is the part of b2RevoluteJointDef the environments set. The
// reference angle is 0, as in pybox2d's revoluteJointDef with explicit
// local anchors.
type revoluteDef struct {
	a, b                   int
	anchorA, anchorB       vec
	motor, limit           bool
	maxTorque, speed       float64
	lowerAngle, upperAngle float64
}

// bodyState is a body's pose and velocity as Box2D holds them (float32,
// widened).
type bodyState struct {
	pos    vec
	angle  float64
	vel    vec
	angVel float64
	awake  bool
}

// contactEvent is one BeginContact (begin) or EndContact call of the
// world's contact listener, between the bodies a and b.
type contactEvent struct {
	a, b  int
	begin bool
}

// world is one Box2D world. The cgo build provides it (newWorld is nil
// otherwise); bodies and joints are named by the indices that body and
// revolute return, in creation order.
type world interface {
	body(dynamic bool, at vec, angle float64) int
	polygon(body int, verts []vec, f fixtureDef)
	edge(body int, a, b vec, f fixtureDef)
	forceCenter(body int, f vec)
	impulse(body int, impulse, point vec)
	state(body int) bodyState
	revolute(d revoluteDef) int
	motor(joint int, speed, maxTorque float64)
	joint(joint int) (angle, speed float64)
	step(dt float64, velocityIterations, positionIterations int)
	// events returns the contact events since the last call, appended to dst.
	events(dst []contactEvent) []contactEvent
	// raycast is the fraction along p1→p2 of the closest fixture whose
	// category shares a bit with mask (1 when none is hit).
	raycast(p1, p2 vec, mask uint16) float64
	close()
}

// newWorld makes a world with gravity g; nil in builds without Box2D.
var newWorld func(g vec) world
