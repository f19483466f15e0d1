//go:build box2d && cgo

package box2d

// #cgo CXXFLAGS: -std=c++17 -O2
// #cgo LDFLAGS: -lbox2d -lstdc++
// #include "shim.h"
import "C"

import "unsafe"

func init() {
	newWorld = func(g vec) world { return &cWorld{w: C.ab2_world_new(C.float(g.x), C.float(g.y))} }
}

// cWorld is a world on Box2D through the C shim. Every number crosses as
// a C float, as pybox2d hands Python's doubles to Box2D's float32.
type cWorld struct {
	w   *C.ab2_world
	buf []C.int
}

func f32(x float64) C.float { return C.float(x) }

func (c *cWorld) body(dynamic bool, at vec, angle float64) int {
	d := 0
	if dynamic {
		d = 1
	}
	return int(C.ab2_body_new(c.w, C.int(d), f32(at.x), f32(at.y), f32(angle)))
}

func (c *cWorld) polygon(body int, verts []vec, f fixtureDef) {
	xy := make([]C.float, 2*len(verts))
	for i, v := range verts {
		xy[2*i], xy[2*i+1] = f32(v.x), f32(v.y)
	}
	C.ab2_polygon(c.w, C.int(body), &xy[0], C.int(len(verts)), f32(f.density), f32(f.friction),
		f32(f.restitution), C.uint16_t(f.category), C.uint16_t(f.mask))
}

func (c *cWorld) edge(body int, a, b vec, f fixtureDef) {
	C.ab2_edge(c.w, C.int(body), f32(a.x), f32(a.y), f32(b.x), f32(b.y), f32(f.friction),
		C.uint16_t(f.category), C.uint16_t(f.mask))
}

func (c *cWorld) forceCenter(body int, f vec) {
	C.ab2_force_center(c.w, C.int(body), f32(f.x), f32(f.y))
}

func (c *cWorld) impulse(body int, impulse, point vec) {
	C.ab2_impulse(c.w, C.int(body), f32(impulse.x), f32(impulse.y), f32(point.x), f32(point.y))
}

func (c *cWorld) state(body int) bodyState {
	var out [7]C.float
	C.ab2_body_state(c.w, C.int(body), &out[0])
	return bodyState{
		pos: vec{float64(out[0]), float64(out[1])}, angle: float64(out[2]),
		vel: vec{float64(out[3]), float64(out[4])}, angVel: float64(out[5]), awake: out[6] != 0,
	}
}

func (c *cWorld) revolute(d revoluteDef) int {
	b := func(v bool) C.int {
		if v {
			return 1
		}
		return 0
	}
	return int(C.ab2_revolute(c.w, C.int(d.a), C.int(d.b), f32(d.anchorA.x), f32(d.anchorA.y),
		f32(d.anchorB.x), f32(d.anchorB.y), b(d.motor), b(d.limit), f32(d.maxTorque), f32(d.speed),
		f32(d.lowerAngle), f32(d.upperAngle)))
}

func (c *cWorld) motor(joint int, speed, maxTorque float64) {
	C.ab2_joint_motor(c.w, C.int(joint), f32(speed), f32(maxTorque))
}

func (c *cWorld) joint(joint int) (angle, speed float64) {
	var out [2]C.float
	C.ab2_joint_state(c.w, C.int(joint), &out[0])
	return float64(out[0]), float64(out[1])
}

func (c *cWorld) step(dt float64, vi, pi int) { C.ab2_step(c.w, f32(dt), C.int(vi), C.int(pi)) }

func (c *cWorld) events(dst []contactEvent) []contactEvent {
	n := int(C.ab2_event_count(c.w))
	if n == 0 {
		return dst
	}
	if cap(c.buf) < 3*n {
		c.buf = make([]C.int, 3*n)
	}
	buf := c.buf[:3*n]
	n = int(C.ab2_events(c.w, (*C.int)(unsafe.Pointer(&buf[0])), C.int(n)))
	for i := range n {
		dst = append(dst, contactEvent{a: int(buf[3*i]), b: int(buf[3*i+1]), begin: buf[3*i+2] != 0})
	}
	return dst
}

func (c *cWorld) raycast(p1, p2 vec, mask uint16) float64 {
	return float64(C.ab2_raycast(c.w, f32(p1.x), f32(p1.y), f32(p2.x), f32(p2.y), C.uint16_t(mask)))
}

func (c *cWorld) close() {
	if c.w != nil {
		C.ab2_world_free(c.w)
		c.w = nil
	}
}
