package mujoco

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/smgrnn/arena/envs/numpyrand"
	"github.com/smgrnn/arena/framework"
)

// physics is one MuJoCo simulation (an mjData over a shared mjModel). The
// cgo build provides it; tests substitute hand-made frames.
type physics interface {
	// reset is Gymnasium's reset: mj_resetData, set qpos and qvel,
	// mj_forward; then it copies the frame out.
	reset(qpos, qvel []float64, out *frame)
	// step writes ctrl, runs mj_step frames times and mj_rnePostConstraint
	// (Gymnasium's do_simulation), then copies the frame out.
	step(ctrl []float64, frames int, out *frame)
	// geoms writes every geom's world position (ngeom×3) and orientation
	// (ngeom×9, row-major) for rendering.
	geoms(xpos, xmat []float64)
	close()
}

// IDs lists the environments this package provides, sorted.
func IDs() []string { return slices.Sorted(maps.Keys(tasks)) }

// Env is one MuJoCo environment with Gymnasium v5 semantics, time limit
// included. It implements framework.InPlaceEnv, framework.Renderer and
// framework.VectorMaker. It is not safe for concurrent use.
type Env struct {
	t               *task
	m               *model
	r               rules
	sim             physics
	spec            framework.EnvSpec
	dt              float64
	dim             int
	rng             numpyrand.Generator
	seeded, running bool
	elapsed         int

	before, after frame
	qpos, qvel    []float64
	ctrl          []float64
	terms         []float64
	closed        bool
}

// newEnv binds a task to a model and a simulation of it.
func newEnv(t *task, m *model, sim physics) (*Env, error) {
	r, err := t.prepare(m)
	if err != nil {
		return nil, err
	}
	e := &Env{t: t, m: m, r: r, sim: sim, dt: m.timestep * float64(t.frameSkip), dim: r.obsDim(),
		qpos: make([]float64, m.nq), qvel: make([]float64, m.nv), ctrl: make([]float64, m.nu),
		terms: make([]float64, len(t.terms))}
	e.before = newFrame(m, make([]float64, frameSize(m)))
	e.after = newFrame(m, make([]float64, frameSize(m)))
	e.spec = specOf(t, m, e.dim)
	return e, nil
}

// specOf is the EnvSpec of a task: observations are unbounded float64
// (Gymnasium's Box(-inf, inf, float64)), actions the actuators' ctrlrange
// as float32.
func specOf(t *task, m *model, dim int) framework.EnvSpec {
	lo, hi := make([]float64, dim), make([]float64, dim)
	for i := range lo {
		lo[i], hi[i] = math.Inf(-1), math.Inf(1)
	}
	alo, ahi := make([]float64, m.nu), make([]float64, m.nu)
	for i := range alo {
		alo[i], ahi[i] = float64(float32(m.ctrlLow[i])), float64(float32(m.ctrlHigh[i]))
	}
	return framework.EnvSpec{ID: t.id, ObservationSpace: framework.NewBox(lo, hi),
		ActionSpace: framework.NewBox(alo, ahi), MaxEpisodeSteps: t.maxSteps, RewardThreshold: t.threshold,
		// Gymnasium's metadata["render_fps"]: one frame per env step.
		RenderFPS: int(math.Round(1 / (m.timestep * float64(t.frameSkip))))}
}

// Spec implements framework.Env.
func (e *Env) Spec() framework.EnvSpec { return e.spec }

// Reset implements framework.Env.
func (e *Env) Reset(seed *uint64) ([]float64, error) { return framework.ResetAlloc(e, e.dim, seed) }

// ResetInto implements framework.InPlaceEnv.
func (e *Env) ResetInto(seed *uint64, obs []float64) error {
	if e.closed {
		return fmt.Errorf("%s: reset after close", e.t.id)
	}
	if len(obs) != e.dim {
		return fmt.Errorf("%s: observation buffer has %d values, want %d", e.t.id, len(obs), e.dim)
	}
	if err := numpyrand.Reseed(&e.rng, &e.seeded, seed); err != nil {
		return fmt.Errorf("%s: seeding an unseeded reset: %w", e.t.id, err)
	}
	copy(e.qpos, e.m.qpos0)
	clear(e.qvel)
	e.r.noise(&e.rng, e.qpos, e.qvel)
	e.sim.reset(e.qpos, e.qvel, &e.after)
	e.r.observe(&e.after, obs)
	toFloat32(obs)
	clear(e.terms)
	e.elapsed, e.running = 0, true
	return nil
}

// Step implements framework.Env.
func (e *Env) Step(action []float64) (framework.Step, error) {
	return framework.StepAlloc(e, e.dim, action)
}

// StepInto implements framework.InPlaceEnv.
func (e *Env) StepInto(action, obs []float64) (float64, bool, bool, error) {
	if !e.running {
		return 0, false, false, fmt.Errorf("%s: %w", e.t.id, framework.ErrNeedsReset)
	}
	if len(obs) != e.dim {
		return 0, false, false, fmt.Errorf("%s: observation buffer has %d values, want %d", e.t.id, len(obs), e.dim)
	}
	if err := e.takeAction(action, e.ctrl); err != nil {
		return 0, false, false, err
	}
	copy(e.before.buf, e.after.buf)
	e.sim.step(e.ctrl, e.t.frameSkip, &e.after)
	return e.finish(&e.before, &e.after, e.ctrl, obs, e.terms)
}

// takeAction validates an action and writes it as the float32 values
// Gymnasium's float32 Box holds. Actions are not clipped, as in Gymnasium:
// MuJoCo clamps the controls to ctrlrange, and the control cost charges
// the action as given.
func (e *Env) takeAction(action, ctrl []float64) error {
	if len(action) != e.m.nu {
		return e.actionError(action)
	}
	for i, v := range action {
		if math.IsNaN(v) || math.Abs(v) > math.MaxFloat32 {
			return e.actionError(action)
		}
		ctrl[i] = float64(float32(v))
	}
	return nil
}

func (e *Env) actionError(action []float64) error {
	return fmt.Errorf("%s: %w", e.t.id, &framework.ActionError{Action: slices.Clone(action), Space: e.spec.ActionSpace})
}

// finish scores a step, writes its observation and applies the time limit.
func (e *Env) finish(before, after *frame, ctrl, obs, terms []float64) (float64, bool, bool, error) {
	r, terminated := e.r.reward(e.dt, before, after, ctrl, terms)
	e.r.observe(after, obs)
	toFloat32(obs)
	for i, v := range obs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			e.running = false
			return 0, false, false, fmt.Errorf("%s: the simulation diverged (observation %d is %v)", e.t.id, i, v)
		}
	}
	e.elapsed++
	truncated := e.elapsed >= e.t.maxSteps
	if terminated || truncated {
		e.running = false
	}
	return r, terminated, truncated, nil
}

// toFloat32 rounds an observation to float32: arena's Box spaces are
// float32 (Gymnasium's classic control), so a v5 environment's float64
// observation is handed over as the nearest float32. The simulation
// itself keeps float64.
func toFloat32(obs []float64) {
	for i, v := range obs {
		obs[i] = float64(float32(v))
	}
}

// RewardTerms returns the last step's reward terms by Gymnasium's info
// keys (reward_forward, reward_ctrl, ...); after a reset they are zero.
func (e *Env) RewardTerms() map[string]float64 {
	out := make(map[string]float64, len(e.terms))
	for i, k := range e.t.terms {
		out[k] = e.terms[i]
	}
	return out
}

// State returns copies of the simulation's qpos and qvel.
func (e *Env) State() (qpos, qvel []float64) {
	return slices.Clone(e.after.qpos), slices.Clone(e.after.qvel)
}

// Close implements framework.Env; closing twice is not an error.
func (e *Env) Close() error {
	if !e.closed {
		e.closed, e.running = true, false
		e.sim.close()
	}
	return nil
}
