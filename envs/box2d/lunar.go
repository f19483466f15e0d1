package box2d

import (
	"math"

	"github.com/smgrnn/arena/envs/numpyrand"
	"github.com/smgrnn/arena/framework"
)

// LunarLander's constants, as in Gymnasium's lunar_lander.py.
const (
	mainEnginePower     = 13.0
	sideEnginePower     = 0.6
	initialRandom       = 1000.0
	legAway             = 20
	legDown             = 18
	legW, legH          = 2, 8
	legSpringTorque     = 40
	sideEngineHeight    = 14
	sideEngineAway      = 12
	mainEngineYLocation = 4
	landerChunks        = 11
)

// landerPoly is the lander's hull in pixels.
var landerPoly = []vec{{-14, 17}, {-17, 0}, {-17, -10}, {17, -10}, {17, 0}, {14, 17}}

func init() {
	obsLow := []float64{-2.5, -2.5, -10, -10, -2 * math.Pi, -10, -0, -0}
	obsHigh := []float64{2.5, 2.5, 10, 10, 2 * math.Pi, 10, 1, 1}
	for i := range obsLow {
		obsLow[i], obsHigh[i] = float64(float32(obsLow[i])), float64(float32(obsHigh[i]))
	}
	register(registration{id: "LunarLander-v3", maxSteps: 1000, threshold: 200, obsLow: obsLow, obsHigh: obsHigh,
		action: &framework.Discrete{N: 4}, newGame: func() game { return &lander{} }})
	register(registration{id: "LunarLanderContinuous-v3", maxSteps: 1000, threshold: 200, obsLow: obsLow, obsHigh: obsHigh,
		action: framework.NewBox([]float64{-1, -1}, []float64{1, 1}), newGame: func() game { return &lander{continuous: true} }})
}

// lander is LunarLander's episode: the world's bodies and what the
// contact listener has set.
type lander struct {
	continuous bool
	moon, body int
	legs       [2]int
	legContact [2]bool
	gameOver   bool
	// prevShaping is the last step's shaping; hasPrev is false before the
	// first step (Gymnasium's prev_shaping = None).
	prevShaping float64
	hasPrev     bool
	helipadX1   float64
	helipadX2   float64
	helipadY    float64
	// surface is the moon's outline (chunk points), for rendering.
	surface []vec
	parts   []part
	events  []contactEvent
}

func (l *lander) noop() []float64 {
	if l.continuous {
		return []float64{0, 0}
	}
	return []float64{0}
}

func (l *lander) validate(action, dst []float64) bool {
	if l.continuous {
		return boxAction(action, dst, 2)
	}
	if len(action) != 1 || action[0] != math.Trunc(action[0]) || action[0] < 0 || action[0] > 3 {
		return false
	}
	dst[0] = action[0]
	return true
}

// build is the body of Gymnasium's reset, before its final no-op step:
// the terrain's 12 heights, then the initial force's two components.
func (l *lander) build(w world, rng *numpyrand.Generator) {
	const W, H = float64(viewportW) / scale, float64(viewportH) / scale
	var height [landerChunks + 1]float64
	for i := range height {
		height[i] = rng.Uniform(0, H/2)
	}
	var chunkX [landerChunks]float64
	for i := range chunkX {
		chunkX[i] = W / (landerChunks - 1) * float64(i)
	}
	l.helipadX1 = chunkX[landerChunks/2-1]
	l.helipadX2 = chunkX[landerChunks/2+1]
	l.helipadY = H / 4
	for i := landerChunks/2 - 2; i <= landerChunks/2+2; i++ {
		height[i] = l.helipadY
	}
	l.surface = make([]vec, landerChunks)
	for i := range l.surface {
		// Python's height[i-1] is the last height for i = 0.
		prev := height[(i+len(height)-1)%len(height)]
		l.surface[i] = vec{chunkX[i], 0.33 * (prev + height[i] + height[i+1])}
	}

	ground := fixtureDef{friction: 0.2, category: 0x0001, mask: 0xFFFF} // pybox2d's defaults
	l.moon = w.body(false, vec{}, 0)
	w.edge(l.moon, vec{0, 0}, vec{W, 0}, ground)
	ground.friction = 0.1
	for i := 0; i < landerChunks-1; i++ {
		w.edge(l.moon, l.surface[i], l.surface[i+1], ground)
	}

	initial := vec{float64(viewportW) / scale / 2, float64(viewportH) / scale}
	l.body = w.body(true, initial, 0)
	hull := make([]vec, len(landerPoly))
	for i, p := range landerPoly {
		hull[i] = vec{p.x / scale, p.y / scale}
	}
	landerFill, landerOutline := rgb(128, 102, 230), rgb(77, 77, 128)
	addPart(w, &l.parts, l.body, hull, fixtureDef{density: 5, friction: 0.1, category: 0x0010, mask: 0x001}, landerFill, landerOutline)
	fx := rng.Uniform(-initialRandom, initialRandom)
	fy := rng.Uniform(-initialRandom, initialRandom)
	w.forceCenter(l.body, vec{fx, fy})

	for k, i := range []float64{-1, +1} {
		leg := w.body(true, vec{initial.x - i*legAway/scale, initial.y}, i*0.05)
		addPart(w, &l.parts, leg, box(legW/scale, legH/scale), fixtureDef{density: 1, friction: 0.2, category: 0x0020, mask: 0x001}, landerFill, landerOutline)
		j := revoluteDef{a: l.body, b: leg, anchorB: vec{i * legAway / scale, legDown / scale},
			motor: true, limit: true, maxTorque: legSpringTorque, speed: 0.3 * i}
		if i == -1 {
			j.lowerAngle, j.upperAngle = 0.9-0.5, 0.9
		} else {
			j.lowerAngle, j.upperAngle = -0.9, -0.9+0.5
		}
		w.revolute(j)
		l.legs[k] = leg
	}
}

// box is pybox2d's polygonShape(box=(hx, hy)): a rectangle of half-widths
// hx, hy about the body's origin.
func box(hx, hy float64) []vec {
	return []vec{{-hx, -hy}, {hx, -hy}, {hx, hy}, {-hx, hy}}
}

// contacts applies the listener's events in order: any contact of the
// lander's hull ends the game, and a leg's flag follows its last begin or
// end, as Gymnasium's ContactDetector sets them.
func (l *lander) contacts(events []contactEvent) {
	for _, ev := range events {
		if ev.begin && (ev.a == l.body || ev.b == l.body) {
			l.gameOver = true
		}
		for i, leg := range l.legs {
			if ev.a == leg || ev.b == leg {
				l.legContact[i] = ev.begin
			}
		}
	}
}

// thrust is one engine's firing: its impulse, where it acts, and its
// power (0 when it does not fire).
type thrust struct {
	impulse, at vec
	power       float64
}

// engines returns the main and side engines' thrusts for an action, the
// lander's pose and the step's two dispersion draws, as Gymnasium's step
// computes them.
func (l *lander) engines(action []float64, pos vec, angle float64, dispersion [2]float64) (main, side thrust) {
	tip := vec{math.Sin(angle), math.Cos(angle)}
	sidev := vec{-tip.y, tip.x}
	fire := l.continuous && action[0] > 0 || !l.continuous && action[0] == 2
	if fire {
		main.power = 1
		if l.continuous {
			main.power = (clip(action[0], 0, 1) + 1) * 0.5
		}
		ox := tip.x*(mainEngineYLocation/scale+2*dispersion[0]) + sidev.x*dispersion[1]
		oy := -tip.y*(mainEngineYLocation/scale+2*dispersion[0]) - sidev.y*dispersion[1]
		main.at = vec{pos.x + ox, pos.y + oy}
		main.impulse = vec{-ox * mainEnginePower * main.power, -oy * mainEnginePower * main.power}
	}
	var direction float64
	switch {
	case l.continuous && math.Abs(action[1]) > 0.5:
		direction = math.Copysign(1, action[1])
		side.power = clip(math.Abs(action[1]), 0.5, 1)
	case !l.continuous && (action[0] == 1 || action[0] == 3):
		direction = action[0] - 2
		side.power = 1
	default:
		return main, side
	}
	ox := tip.x*dispersion[0] + sidev.x*(3*dispersion[1]+direction*sideEngineAway/scale)
	oy := -tip.y*dispersion[0] - sidev.y*(3*dispersion[1]+direction*sideEngineAway/scale)
	side.at = vec{pos.x + ox - tip.x*17/scale, pos.y + oy + tip.y*sideEngineHeight/scale}
	side.impulse = vec{-ox * sideEnginePower * side.power, -oy * sideEnginePower * side.power}
	return main, side
}

func (l *lander) step(w world, rng *numpyrand.Generator, action, obs []float64) (float64, bool) {
	if l.continuous {
		// The action is the environment's own copy (validate's), so it is
		// clipped in place rather than copied on every step.
		action[0], action[1] = clip(action[0], -1, 1), clip(action[1], -1, 1)
	}
	s := w.state(l.body)
	dispersion := [2]float64{rng.Uniform(-1, 1) / scale, rng.Uniform(-1, 1) / scale}
	main, side := l.engines(action, s.pos, s.angle, dispersion)
	if main.power > 0 {
		w.impulse(l.body, main.impulse, main.at)
	}
	if side.power > 0 {
		w.impulse(l.body, side.impulse, side.at)
	}
	w.step(1.0/fps, velocityIterations, positionIterations)
	l.events = w.events(l.events[:0])
	l.contacts(l.events)
	s = w.state(l.body)
	l.observe(s, obs)
	return l.reward(obs, main.power, side.power, !s.awake)
}

// observe writes Gymnasium's state vector (before its float32 rounding).
func (l *lander) observe(s bodyState, obs []float64) {
	const halfW, halfH = float64(viewportW) / scale / 2, float64(viewportH) / scale / 2
	obs[0] = (s.pos.x - halfW) / halfW
	obs[1] = (s.pos.y - (l.helipadY + legDown/scale)) / halfH
	obs[2] = s.vel.x * halfW / fps
	obs[3] = s.vel.y * halfH / fps
	obs[4] = s.angle
	obs[5] = 20.0 * s.angVel / fps
	obs[6], obs[7] = 0, 0
	if l.legContact[0] {
		obs[6] = 1
	}
	if l.legContact[1] {
		obs[7] = 1
	}
}

// shaping is LunarLander's potential: closeness to the pad, slowness,
// uprightness and ten points per leg on the ground.
func shaping(s []float64) float64 {
	return -100*math.Sqrt(s[0]*s[0]+s[1]*s[1]) - 100*math.Sqrt(s[2]*s[2]+s[3]*s[3]) - 100*math.Abs(s[4]) + 10*s[6] + 10*s[7]
}

// reward is the step's reward from the unrounded state: the change of the
// shaping less the fuel, replaced by −100 when the hull touched the ground
// or the lander left the screen, and by +100 when it came to rest (which
// wins over −100, as in Gymnasium's order of the two tests).
func (l *lander) reward(state []float64, mPower, sPower float64, asleep bool) (float64, bool) {
	var r float64
	sh := shaping(state)
	if l.hasPrev {
		r = sh - l.prevShaping
	}
	l.prevShaping, l.hasPrev = sh, true
	r -= mPower * 0.30
	r -= sPower * 0.03
	terminated := false
	if l.gameOver || math.Abs(state[0]) >= 1 {
		terminated, r = true, -100
	}
	if asleep {
		terminated, r = true, 100
	}
	return r, terminated
}
