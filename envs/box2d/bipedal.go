package box2d

import (
	"math"

	"github.com/smgrnn/arena/envs/numpyrand"
	"github.com/smgrnn/arena/framework"
)

// BipedalWalker's constants, as in Gymnasium's bipedal_walker.py.
const (
	motorsTorque     = 80
	speedHip         = 4
	speedKnee        = 6
	lidarRange       = 160 / scale
	walkerRandom     = 5
	walkerLegDown    = -8 / scale
	walkerLegW       = 8 / scale
	walkerLegH       = 34 / scale
	terrainStep      = 14 / scale
	terrainLength    = 200
	terrainHeight    = viewportH / scale / 4
	terrainGrass     = 10
	terrainStartpad  = 20
	terrainFriction  = 2.5
	walkerLidarCount = 10
)

var hullPoly = []vec{{-30, 9}, {6, 9}, {34, 1}, {34, -8}, {-30, -8}}

func init() {
	lo := []float64{-math.Pi, -5, -5, -5, -math.Pi, -5, -math.Pi, -5, -0, -math.Pi, -5, -math.Pi, -5, -0}
	hi := []float64{math.Pi, 5, 5, 5, math.Pi, 5, math.Pi, 5, 5, math.Pi, 5, math.Pi, 5, 5}
	for range walkerLidarCount {
		lo, hi = append(lo, -1), append(hi, 1)
	}
	for i := range lo {
		lo[i], hi[i] = float64(float32(lo[i])), float64(float32(hi[i]))
	}
	register(registration{id: "BipedalWalker-v3", maxSteps: 1600, threshold: 300, obsLow: lo, obsHigh: hi,
		action: framework.NewBox([]float64{-1, -1, -1, -1}, []float64{1, 1, 1, 1}), newGame: func() game { return &walker{} }})
}

// walker is BipedalWalker's episode (not hardcore): the terrain, the hull,
// four leg segments (upper and lower, left then right) and their four
// joints (hip, knee, hip, knee).
type walker struct {
	hull        int
	legs        [4]int
	joints      [4]int
	contact     [4]bool // only the lower legs' (1 and 3) are read
	gameOver    bool
	prevShaping float64
	hasPrev     bool
	terrainX    []float64
	terrainY    []float64
	clouds      [][]vec
	lidar       [walkerLidarCount]float64
	parts       []part
	events      []contactEvent
}

func (wk *walker) noop() []float64 { return []float64{0, 0, 0, 0} }

func (wk *walker) validate(action, dst []float64) bool { return boxAction(action, dst, 4) }

// terrain is Gymnasium's _generate_terrain for hardcore=False: grass whose
// height follows a damped random walk after the start pad, with the
// length of each grass run drawn from the stream. It returns the points.
func terrain(rng *numpyrand.Generator) (xs, ys []float64) {
	velocity := 0.0
	y := terrainHeight
	counter := int64(terrainStartpad)
	oneshot := false
	for i := range terrainLength {
		x := float64(i) * terrainStep
		xs = append(xs, x)
		if !oneshot { // state is always GRASS off hardcore
			velocity = 0.8*velocity + 0.01*sign(terrainHeight-y)
			if i > terrainStartpad {
				velocity += rng.Uniform(-1, 1) / scale
			}
			y += velocity
		}
		oneshot = false
		ys = append(ys, y)
		counter--
		if counter == 0 {
			counter = rng.Integers(terrainGrass/2, terrainGrass)
			oneshot = true
		}
	}
	return xs, ys
}

// sign is numpy's sign for a float: −1, 0 or 1.
func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// clouds is Gymnasium's _generate_clouds: drawn only for the picture, but
// drawn from the stream between the terrain and the push, so they are
// drawn here too.
func clouds(rng *numpyrand.Generator) [][]vec {
	var out [][]vec
	for range terrainLength / 20 {
		x := rng.Uniform(0, terrainLength) * terrainStep
		y := float64(viewportH) / scale * 3 / 4
		poly := make([]vec, 5)
		for a := range poly {
			px := x + 15*terrainStep*math.Sin(3.14*2*float64(a)/5) + rng.Uniform(0, 5*terrainStep)
			py := y + 5*terrainStep*math.Cos(3.14*2*float64(a)/5) + rng.Uniform(0, 5*terrainStep)
			poly[a] = vec{px, py}
		}
		out = append(out, poly)
	}
	return out
}

func (wk *walker) build(w world, rng *numpyrand.Generator) {
	wk.terrainX, wk.terrainY = terrain(rng)
	edge := fixtureDef{friction: terrainFriction, category: 0x0001, mask: 0xFFFF}
	for i := 0; i < terrainLength-1; i++ {
		t := w.body(false, vec{}, 0)
		w.edge(t, vec{wk.terrainX[i], wk.terrainY[i]}, vec{wk.terrainX[i+1], wk.terrainY[i+1]}, edge)
	}
	wk.clouds = clouds(rng)

	initX := terrainStep * terrainStartpad / 2
	initY := terrainHeight + 2*walkerLegH
	wk.hull = w.body(true, vec{initX, initY}, 0)
	hull := make([]vec, len(hullPoly))
	for i, p := range hullPoly {
		hull[i] = vec{p.x / scale, p.y / scale}
	}
	addPart(w, &wk.parts, wk.hull, hull, fixtureDef{density: 5, friction: 0.1, category: 0x0020, mask: 0x001}, rgb(127, 51, 229), rgb(76, 76, 127))
	w.forceCenter(wk.hull, vec{rng.Uniform(-walkerRandom, walkerRandom), 0})

	legFD := fixtureDef{density: 1, friction: 0.2, category: 0x0020, mask: 0x001}
	for k, i := range []float64{-1, +1} {
		// Gymnasium's leg colours: darker for the right leg by 25·i.
		shade := func(base float64) uint8 { return uint8(base - 25*i) }
		fill, outline := rgb(shade(153), shade(76), shade(127)), rgb(shade(102), shade(51), shade(76))
		leg := w.body(true, vec{initX, initY - walkerLegH/2 - walkerLegDown}, i*0.05)
		addPart(w, &wk.parts, leg, box(walkerLegW/2, walkerLegH/2), legFD, fill, outline)
		wk.joints[2*k] = w.revolute(revoluteDef{a: wk.hull, b: leg, anchorA: vec{0, walkerLegDown}, anchorB: vec{0, walkerLegH / 2},
			motor: true, limit: true, maxTorque: motorsTorque, speed: i, lowerAngle: -0.8, upperAngle: 1.1})
		lower := w.body(true, vec{initX, initY - walkerLegH*3/2 - walkerLegDown}, i*0.05)
		addPart(w, &wk.parts, lower, box(0.8*walkerLegW/2, walkerLegH/2), legFD, fill, outline)
		wk.joints[2*k+1] = w.revolute(revoluteDef{a: leg, b: lower, anchorA: vec{0, -walkerLegH / 2}, anchorB: vec{0, walkerLegH / 2},
			motor: true, limit: true, maxTorque: motorsTorque, speed: 1, lowerAngle: -1.6, upperAngle: -0.1})
		wk.legs[2*k], wk.legs[2*k+1] = leg, lower
	}
}

// contacts applies the listener's events in order, as Gymnasium's
// ContactDetector: any contact of the hull ends the game, and a lower
// leg's flag follows its last begin or end.
func (wk *walker) contacts(events []contactEvent) {
	for _, ev := range events {
		if ev.begin && (ev.a == wk.hull || ev.b == wk.hull) {
			wk.gameOver = true
		}
		for _, k := range []int{1, 3} {
			if ev.a == wk.legs[k] || ev.b == wk.legs[k] {
				wk.contact[k] = ev.begin
			}
		}
	}
}

// motors is Gymnasium's torque control: each joint turns at its full speed
// in the action's direction, with the action's magnitude of the torque.
func motors(action []float64) (speed, torque [4]float64) {
	for i, a := range action {
		s := float64(speedHip)
		if i%2 == 1 {
			s = speedKnee
		}
		speed[i] = s * sign(a)
		torque[i] = motorsTorque * clip(math.Abs(a), 0, 1)
	}
	return speed, torque
}

func (wk *walker) step(w world, _ *numpyrand.Generator, action, obs []float64) (float64, bool) {
	speed, torque := motors(action)
	for i := range wk.joints {
		w.motor(wk.joints[i], speed[i], torque[i])
	}
	w.step(1.0/fps, velocityIterations, positionIterations)
	wk.events = w.events(wk.events[:0])
	wk.contacts(wk.events)
	s := w.state(wk.hull)
	for i := range wk.lidar {
		a := 1.5 * float64(i) / 10.0
		wk.lidar[i] = w.raycast(s.pos, vec{s.pos.x + math.Sin(a)*lidarRange, s.pos.y - math.Cos(a)*lidarRange}, 1)
	}
	var joints [4][2]float64
	for i := range joints {
		joints[i][0], joints[i][1] = w.joint(wk.joints[i])
	}
	wk.observe(s, joints, obs)
	return wk.reward(obs, s.pos.x, action)
}

// observe writes Gymnasium's state vector: the hull's angle and
// velocities, each joint's angle and speed, the lower legs' contacts and
// the ten lidar fractions.
func (wk *walker) observe(s bodyState, joints [4][2]float64, obs []float64) {
	obs[0] = s.angle
	obs[1] = 2.0 * s.angVel / fps
	obs[2] = 0.3 * s.vel.x * (float64(viewportW) / scale) / fps
	obs[3] = 0.3 * s.vel.y * (float64(viewportH) / scale) / fps
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	obs[4], obs[5] = joints[0][0], joints[0][1]/speedHip
	obs[6], obs[7] = joints[1][0]+1.0, joints[1][1]/speedKnee
	obs[8] = b(wk.contact[1])
	obs[9], obs[10] = joints[2][0], joints[2][1]/speedHip
	obs[11], obs[12] = joints[3][0]+1.0, joints[3][1]/speedKnee
	obs[13] = b(wk.contact[3])
	copy(obs[14:], wk.lidar[:])
}

// reward is the change in the walker's potential (forward progress, a
// level hull) less the motors' torque, replaced by −100 when the hull
// touched the ground or the walker left the left edge; reaching the end of
// the terrain ends the episode too.
func (wk *walker) reward(state []float64, x float64, action []float64) (float64, bool) {
	sh := 130 * x / scale
	sh -= 5.0 * math.Abs(state[0])
	var r float64
	if wk.hasPrev {
		r = sh - wk.prevShaping
	}
	wk.prevShaping, wk.hasPrev = sh, true
	for _, a := range action {
		r -= 0.00035 * motorsTorque * clip(math.Abs(a), 0, 1)
	}
	terminated := false
	if wk.gameOver || x < 0 {
		r, terminated = -100, true
	}
	if x > (terrainLength-terrainGrass)*terrainStep {
		terminated = true
	}
	return r, terminated
}
