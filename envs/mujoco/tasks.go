package mujoco

import (
	"math"

	"github.com/smgrnn/arena/envs/numpyrand"
)

// task is one Gymnasium v5 environment's definition on top of its model:
// everything of Gymnasium's <name>_v5.py with the default arguments.
type task struct {
	id        string
	file      string
	frameSkip int
	maxSteps  int
	threshold *float64
	// terms names the reward terms step reports, Gymnasium's info keys.
	terms []string
	// prepare resolves the body ids the rules read, once per model.
	prepare func(m *model) (rules, error)
}

// rules is a task bound to a loaded model.
type rules interface {
	obsDim() int
	// noise draws the reset state from the episode's stream, in
	// Gymnasium's order, into qpos and qvel (which hold init_qpos and
	// init_qvel on entry).
	noise(rng *numpyrand.Generator, qpos, qvel []float64)
	observe(f *frame, obs []float64)
	// reward scores the step from before to after under action, writing
	// the reward terms; terminated follows the task's health rule.
	reward(dt float64, before, after *frame, action []float64, terms []float64) (r float64, terminated bool)
}

func threshold(v float64) *float64 { return &v }

// tasks are the eight environments, by ID.
var tasks = map[string]*task{
	"InvertedPendulum-v5": {id: "InvertedPendulum-v5", file: "inverted_pendulum.xml", frameSkip: 2, maxSteps: 1000,
		threshold: threshold(950), terms: []string{"reward_survive"},
		prepare: func(m *model) (rules, error) { return invertedPendulum{m}, nil }},
	"InvertedDoublePendulum-v5": {id: "InvertedDoublePendulum-v5", file: "inverted_double_pendulum.xml", frameSkip: 5, maxSteps: 1000,
		threshold: threshold(9100), terms: []string{"reward_survive", "distance_penalty", "velocity_penalty"},
		prepare: func(m *model) (rules, error) { return invertedDoublePendulum{m}, nil }},
	"Reacher-v5": {id: "Reacher-v5", file: "reacher.xml", frameSkip: 2, maxSteps: 50,
		threshold: threshold(-3.75), terms: []string{"reward_dist", "reward_ctrl"},
		prepare: newReacher},
	"Swimmer-v5": {id: "Swimmer-v5", file: "swimmer.xml", frameSkip: 4, maxSteps: 1000,
		threshold: threshold(360), terms: []string{"reward_forward", "reward_ctrl"},
		prepare: func(m *model) (rules, error) {
			return runner{m: m, skip: 2, ctrlWeight: 1e-4, noiseScale: 0.1}, nil
		}},
	"Hopper-v5": {id: "Hopper-v5", file: "hopper.xml", frameSkip: 4, maxSteps: 1000,
		threshold: threshold(3800), terms: []string{"reward_forward", "reward_ctrl", "reward_survive"},
		prepare: func(m *model) (rules, error) {
			return runner{m: m, skip: 1, ctrlWeight: 1e-3, noiseScale: 5e-3, clipVel: true, health: hopperHealthy}, nil
		}},
	"HalfCheetah-v5": {id: "HalfCheetah-v5", file: "half_cheetah.xml", frameSkip: 5, maxSteps: 1000,
		threshold: threshold(4800), terms: []string{"reward_forward", "reward_ctrl"},
		prepare: func(m *model) (rules, error) {
			return runner{m: m, skip: 1, ctrlWeight: 0.1, noiseScale: 0.1, normalVel: true}, nil
		}},
	"Walker2d-v5": {id: "Walker2d-v5", file: "walker2d_v5.xml", frameSkip: 4, maxSteps: 1000,
		terms: []string{"reward_forward", "reward_ctrl", "reward_survive"},
		prepare: func(m *model) (rules, error) {
			return runner{m: m, skip: 1, ctrlWeight: 1e-3, noiseScale: 5e-3, clipVel: true, health: walkerHealthy}, nil
		}},
	"Ant-v5": {id: "Ant-v5", file: "ant.xml", frameSkip: 5, maxSteps: 1000,
		threshold: threshold(6000), terms: []string{"reward_forward", "reward_ctrl", "reward_contact", "reward_survive"},
		prepare: newAnt},
}

// uniform adds numpy's uniform(low, high, size=len(xs)) to xs.
func uniform(rng *numpyrand.Generator, low, high float64, xs []float64) {
	for i := range xs {
		xs[i] += rng.Uniform(low, high)
	}
}

// normal adds scale·standard_normal(len(xs)) to xs.
func normal(rng *numpyrand.Generator, scale float64, xs []float64) {
	for i := range xs {
		xs[i] += scale * rng.StandardNormal()
	}
}

// sumSquares is np.sum(np.square(a)).
func sumSquares(a []float64) float64 {
	s := 0.0
	for _, v := range a {
		s += v * v
	}
	return s
}

func clip(x, lo, hi float64) float64 { return math.Min(math.Max(x, lo), hi) }

// ---- InvertedPendulum-v5 ----

type invertedPendulum struct{ m *model }

func (invertedPendulum) obsDim() int { return 4 }

func (invertedPendulum) noise(rng *numpyrand.Generator, qpos, qvel []float64) {
	uniform(rng, -0.01, 0.01, qpos)
	uniform(rng, -0.01, 0.01, qvel)
}

func (invertedPendulum) observe(f *frame, obs []float64) {
	copy(obs, f.qpos)
	copy(obs[len(f.qpos):], f.qvel)
}

// reward is 1 per step the pole stays within 0.2 rad of upright; the step
// that tips it (or makes the state non-finite) scores 0 and terminates.
func (p invertedPendulum) reward(_ float64, _, after *frame, _ []float64, terms []float64) (float64, bool) {
	var obs [4]float64
	p.observe(after, obs[:])
	terminated := !allFinite(obs[:]) || math.Abs(obs[1]) > 0.2
	r := 1.0
	if terminated {
		r = 0
	}
	terms[0] = r
	return r, terminated
}

func allFinite(xs []float64) bool {
	for _, v := range xs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// ---- InvertedDoublePendulum-v5 ----

type invertedDoublePendulum struct{ m *model }

func (invertedDoublePendulum) obsDim() int { return 9 }

func (invertedDoublePendulum) noise(rng *numpyrand.Generator, qpos, qvel []float64) {
	uniform(rng, -0.1, 0.1, qpos)
	normal(rng, 0.1, qvel)
}

// observe is [cart x, sin θ1, sin θ2, cos θ1, cos θ2, clipped qvel (3),
// the cart's clipped constraint force].
func (invertedDoublePendulum) observe(f *frame, obs []float64) {
	obs[0] = f.qpos[0]
	obs[1], obs[2] = math.Sin(f.qpos[1]), math.Sin(f.qpos[2])
	obs[3], obs[4] = math.Cos(f.qpos[1]), math.Cos(f.qpos[2])
	for i := range 3 {
		obs[5+i] = clip(f.qvel[i], -10, 10)
	}
	obs[8] = clip(f.qfrcConstraint[0], -10, 10)
}

// reward: 10 while the tip site is above 1, less 0.01x² + (y−2)² for the
// tip's distance from upright and 0.001ω1² + 0.005ω2² for the poles'
// speeds; the episode ends when the tip falls to y ≤ 1.
func (invertedDoublePendulum) reward(_ float64, _, after *frame, _ []float64, terms []float64) (float64, bool) {
	x, y := after.siteXPos[0], after.siteXPos[2]
	terminated := y <= 1
	v1, v2 := after.qvel[1], after.qvel[2]
	dist := 0.01*x*x + (y-2)*(y-2)
	vel := 0.001*v1*v1 + 0.005*v2*v2
	alive := 10.0
	if terminated {
		alive = 0
	}
	terms[0], terms[1], terms[2] = alive, -dist, -vel
	return alive - dist - vel, terminated
}

// ---- Reacher-v5 ----

type reacher struct {
	m                 *model
	fingertip, target int
}

func newReacher(m *model) (rules, error) {
	f, err := m.bodyID("fingertip")
	if err != nil {
		return nil, err
	}
	t, err := m.bodyID("target")
	if err != nil {
		return nil, err
	}
	return reacher{m: m, fingertip: f, target: t}, nil
}

func (reacher) obsDim() int { return 10 }

// noise: the arm's angles and the goal's coordinates get uniform(±0.1),
// then the goal is redrawn uniformly in the square of side 0.4 until it
// lies inside the disc of radius 0.2; the arm's speeds get
// uniform(±0.005) and the goal's are zero.
func (reacher) noise(rng *numpyrand.Generator, qpos, qvel []float64) {
	uniform(rng, -0.1, 0.1, qpos)
	n := len(qpos)
	var goal [2]float64
	for {
		goal[0] = rng.Uniform(-0.2, 0.2)
		goal[1] = rng.Uniform(-0.2, 0.2)
		if math.Sqrt(goal[0]*goal[0]+goal[1]*goal[1]) < 0.2 {
			break
		}
	}
	qpos[n-2], qpos[n-1] = goal[0], goal[1]
	uniform(rng, -0.005, 0.005, qvel)
	qvel[len(qvel)-2], qvel[len(qvel)-1] = 0, 0
}

func (r reacher) observe(f *frame, obs []float64) {
	obs[0], obs[1] = math.Cos(f.qpos[0]), math.Cos(f.qpos[1])
	obs[2], obs[3] = math.Sin(f.qpos[0]), math.Sin(f.qpos[1])
	obs[4], obs[5] = f.qpos[2], f.qpos[3]
	obs[6], obs[7] = f.qvel[0], f.qvel[1]
	obs[8] = f.xpos[3*r.fingertip] - f.xpos[3*r.target]
	obs[9] = f.xpos[3*r.fingertip+1] - f.xpos[3*r.target+1]
}

// reward is minus the fingertip's distance to the target (in 3-D) minus
// the action's squared norm. Reacher never terminates.
func (r reacher) reward(_ float64, _, after *frame, action []float64, terms []float64) (float64, bool) {
	var d2 float64
	for k := range 3 {
		d := after.xpos[3*r.fingertip+k] - after.xpos[3*r.target+k]
		d2 += d * d
	}
	dist := -math.Sqrt(d2)
	ctrl := -sumSquares(action)
	terms[0], terms[1] = dist, ctrl
	return dist + ctrl, false
}

// ---- Swimmer, Hopper, HalfCheetah, Walker2d: planar runners ----

// runner is the shared rule of the planar locomotion tasks: reward the
// root's forward speed (qpos[0] over dt), charge ctrlWeight·|a|², add a
// healthy reward of 1 and terminate when health says so (if set).
type runner struct {
	m          *model
	skip       int // leading qpos values left out of the observation
	ctrlWeight float64
	noiseScale float64
	normalVel  bool // qvel noise is scale·N(0,1) instead of uniform
	clipVel    bool // observed qvel is clipped to ±10
	health     func(f *frame) bool
}

func (r runner) obsDim() int { return r.m.nq - r.skip + r.m.nv }

func (r runner) noise(rng *numpyrand.Generator, qpos, qvel []float64) {
	uniform(rng, -r.noiseScale, r.noiseScale, qpos)
	if r.normalVel {
		normal(rng, r.noiseScale, qvel)
	} else {
		uniform(rng, -r.noiseScale, r.noiseScale, qvel)
	}
}

func (r runner) observe(f *frame, obs []float64) {
	n := copy(obs, f.qpos[r.skip:])
	for i, v := range f.qvel {
		if r.clipVel {
			v = clip(v, -10, 10)
		}
		obs[n+i] = v
	}
}

func (r runner) reward(dt float64, before, after *frame, action []float64, terms []float64) (float64, bool) {
	forward := (after.qpos[0] - before.qpos[0]) / dt
	ctrl := r.ctrlWeight * sumSquares(action)
	terms[0], terms[1] = forward, -ctrl
	if r.health == nil {
		return forward - ctrl, false
	}
	healthy := r.health(after)
	survive := 0.0
	if healthy {
		survive = 1
	}
	terms[2] = survive
	return forward + survive - ctrl, !healthy
}

// hopperHealthy: every state value after the root's x and z strictly
// within ±100, the torso's height z > 0.7 and its angle within ±0.2.
func hopperHealthy(f *frame) bool {
	z, angle := f.qpos[1], f.qpos[2]
	for _, v := range f.qpos[2:] {
		if !(-100 < v && v < 100) {
			return false
		}
	}
	for _, v := range f.qvel {
		if !(-100 < v && v < 100) {
			return false
		}
	}
	return 0.7 < z && -0.2 < angle && angle < 0.2
}

// walkerHealthy: the torso's height strictly within (0.8, 2) and its angle
// within (−1, 1).
func walkerHealthy(f *frame) bool {
	z, angle := f.qpos[1], f.qpos[2]
	return 0.8 < z && z < 2 && -1 < angle && angle < 1
}

// ---- Ant-v5 ----

type ant struct {
	m     *model
	torso int
}

func newAnt(m *model) (rules, error) {
	t, err := m.bodyID("torso")
	if err != nil {
		return nil, err
	}
	return ant{m: m, torso: t}, nil
}

// obsDim: qpos without x and y, qvel, and the clipped contact forces of
// every body but the world.
func (a ant) obsDim() int { return a.m.nq - 2 + a.m.nv + 6*(a.m.nbody-1) }

func (ant) noise(rng *numpyrand.Generator, qpos, qvel []float64) {
	uniform(rng, -0.1, 0.1, qpos)
	normal(rng, 0.1, qvel)
}

func (a ant) observe(f *frame, obs []float64) {
	n := copy(obs, f.qpos[2:])
	n += copy(obs[n:], f.qvel)
	for i, v := range f.cfrcExt[6:] {
		obs[n+i] = clip(v, -1, 1)
	}
}

// reward: the torso's x speed, plus 1 while healthy, less 0.5·|a|² and
// 5e-4 times the sum of squared contact forces clipped to ±1 (world
// included, as Gymnasium sums all of cfrc_ext). Unhealthy: a non-finite
// state or the torso's z outside [0.2, 1].
func (a ant) reward(dt float64, before, after *frame, action []float64, terms []float64) (float64, bool) {
	forward := (after.xpos[3*a.torso] - before.xpos[3*a.torso]) / dt
	healthy := allFinite(after.qpos) && allFinite(after.qvel) && 0.2 <= after.qpos[2] && after.qpos[2] <= 1
	survive := 0.0
	if healthy {
		survive = 1
	}
	ctrl := 0.5 * sumSquares(action)
	var contact float64
	for _, v := range after.cfrcExt {
		c := clip(v, -1, 1)
		contact += c * c
	}
	contact *= 5e-4
	terms[0], terms[1], terms[2], terms[3] = forward, -ctrl, -contact, survive
	return forward + survive - (ctrl + contact), !healthy
}
