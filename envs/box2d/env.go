package box2d

import (
	"fmt"
	"image"
	"maps"
	"math"
	"slices"

	"github.com/smgrnn/arena/envs/numpyrand"
	"github.com/smgrnn/arena/framework"
)

// Shared by the environments, as in Gymnasium's sources.
const (
	fps       = 50
	scale     = 30.0
	viewportW = 600
	viewportH = 400
	// gravity is both environments' default (LunarLander's gravity
	// argument, pybox2d's b2World default for BipedalWalker).
	gravity = -10.0
	// Box2D's iterations per step, 6·30 velocity and 2·30 position.
	velocityIterations = 6 * 30
	positionIterations = 2 * 30
)

// game is what differs between the environments: building the world for
// an episode and stepping it.
type game interface {
	// build makes the episode's bodies in w, drawing from rng as
	// Gymnasium's reset does (before its final no-op step).
	build(w world, rng *numpyrand.Generator)
	// noop is the action Gymnasium's reset steps with.
	noop() []float64
	// step applies an already validated action, steps w, and writes the
	// observation; it returns the reward and whether the episode ended.
	step(w world, rng *numpyrand.Generator, action, obs []float64) (reward float64, terminated bool)
	// validate checks an action and returns it as the environment takes it.
	validate(action []float64, dst []float64) bool
	// render draws the current state as Gymnasium's rgb_array render does.
	render(w world) *image.RGBA
}

// registration is one environment ID with Gymnasium's registered limits.
type registration struct {
	id        string
	maxSteps  int
	threshold float64
	obsLow    []float64
	obsHigh   []float64
	action    framework.Space
	newGame   func() game
}

var registrations = map[string]registration{}

func register(r registration) { registrations[r.id] = r }

// IDs lists the environments of this package, sorted.
func IDs() []string { return slices.Sorted(maps.Keys(registrations)) }

// Env is one Box2D environment with Gymnasium's semantics, time limit
// included. It implements framework.InPlaceEnv and framework.Renderer. It
// is not safe for concurrent use.
type Env struct {
	reg     registration
	g       game
	spec    framework.EnvSpec
	w       world
	rng     numpyrand.Generator
	act     []float64
	seeded  bool
	running bool
	closed  bool
	elapsed int
}

// New makes the environment id; it fails with ErrNotBuilt in a build
// without Box2D.
func New(id string) (*Env, error) {
	r, ok := registrations[id]
	if !ok {
		return nil, fmt.Errorf("box2d: unknown environment %q (known: %v)", id, IDs())
	}
	if newWorld == nil {
		return nil, ErrNotBuilt
	}
	th := r.threshold
	spec := framework.EnvSpec{
		ID: r.id, ObservationSpace: framework.NewBox(r.obsLow, r.obsHigh), ActionSpace: r.action,
		MaxEpisodeSteps: r.maxSteps, RewardThreshold: &th, RenderFPS: fps,
	}
	return &Env{reg: r, g: r.newGame(), spec: spec, act: make([]float64, r.action.Dim())}, nil
}

// Spec implements framework.Env.
func (e *Env) Spec() framework.EnvSpec { return e.spec }

// Reset implements framework.Env.
func (e *Env) Reset(seed *uint64) ([]float64, error) {
	return framework.ResetAlloc(e, len(e.reg.obsLow), seed)
}

// ResetInto implements framework.InPlaceEnv: a new world, built from the
// stream, then Gymnasium's no-op step, whose observation is the reset's.
func (e *Env) ResetInto(seed *uint64, obs []float64) error {
	if e.closed {
		return fmt.Errorf("%s: reset after close", e.reg.id)
	}
	if len(obs) != len(e.reg.obsLow) {
		return fmt.Errorf("%s: observation buffer has %d values, want %d", e.reg.id, len(obs), len(e.reg.obsLow))
	}
	if err := numpyrand.Reseed(&e.rng, &e.seeded, seed); err != nil {
		return fmt.Errorf("%s: seeding an unseeded reset: %w", e.reg.id, err)
	}
	if e.w != nil {
		e.w.close()
	}
	e.w = newWorld(vec{0, gravity})
	e.g = e.reg.newGame()
	e.g.build(e.w, &e.rng)
	e.g.step(e.w, &e.rng, e.g.noop(), obs)
	toFloat32(obs)
	e.elapsed, e.running = 0, true
	return nil
}

// Step implements framework.Env.
func (e *Env) Step(action []float64) (framework.Step, error) {
	return framework.StepAlloc(e, len(e.reg.obsLow), action)
}

// StepInto implements framework.InPlaceEnv.
func (e *Env) StepInto(action, obs []float64) (float64, bool, bool, error) {
	if !e.running {
		return 0, false, false, fmt.Errorf("%s: %w", e.reg.id, framework.ErrNeedsReset)
	}
	if len(obs) != len(e.reg.obsLow) {
		return 0, false, false, fmt.Errorf("%s: observation buffer has %d values, want %d", e.reg.id, len(obs), len(e.reg.obsLow))
	}
	if !e.g.validate(action, e.act) {
		return 0, false, false, fmt.Errorf("%s: %w", e.reg.id, &framework.ActionError{Action: slices.Clone(action), Space: e.spec.ActionSpace})
	}
	r, terminated := e.g.step(e.w, &e.rng, e.act, obs)
	toFloat32(obs)
	e.elapsed++
	truncated := e.elapsed >= e.reg.maxSteps
	if terminated || truncated {
		e.running = false
	}
	return r, terminated, truncated, nil
}

// Render implements framework.Renderer.
func (e *Env) Render() (framework.Image, error) {
	if e.w == nil {
		return nil, fmt.Errorf("%s: render before the first reset", e.reg.id)
	}
	return e.g.render(e.w), nil
}

// Close implements framework.Env; closing twice is not an error.
func (e *Env) Close() error {
	if !e.closed {
		e.closed, e.running = true, false
		if e.w != nil {
			e.w.close()
			e.w = nil
		}
	}
	return nil
}

// toFloat32 rounds an observation to the float32 values Gymnasium returns.
func toFloat32(obs []float64) {
	for i, v := range obs {
		obs[i] = float64(float32(v))
	}
}

// boxAction validates a Box action of dim values: finite and within
// float32's range, taken as the float32 values a float32 Box holds.
func boxAction(action, dst []float64, dim int) bool {
	if len(action) != dim {
		return false
	}
	for i, v := range action {
		if math.IsNaN(v) || math.Abs(v) > math.MaxFloat32 {
			return false
		}
		dst[i] = float64(float32(v))
	}
	return true
}

// clip is numpy's clip for one value.
func clip(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}
