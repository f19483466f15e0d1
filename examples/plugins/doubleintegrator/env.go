package main

import (
	"math"
	"math/rand/v2"

	"github.com/smgrnn/arena/framework"
)

// EnvID is the environment's registered name.
const EnvID = "DoubleIntegrator-v0"

// Physics of the double integrator: a unit mass on a line pushed by a
// bounded force, d²x/dt² = u, integrated with explicit Euler.
const (
	dt       = 0.05
	maxForce = 1.0
	maxPos   = 5.0 // leaving [-maxPos, maxPos] terminates the episode
	maxVel   = 5.0
	maxSteps = 200
	// Cost weights: the reward is -(qPos x² + qVel v² + rForce u²) dt.
	qPos, qVel, rForce = 1.0, 0.1, 0.01
)

// Env is the double integrator: observation (x, v), action a force in
// [-1, 1]; the reward penalises distance from the origin, speed and force,
// so the best policy brings the mass to rest at 0 quickly.
type Env struct {
	rng     *rand.Rand
	x, v    float64
	steps   int
	started bool
	spec    framework.EnvSpec
}

// NewEnv returns an unstarted environment.
func NewEnv() *Env {
	return &Env{rng: rand.New(rand.NewPCG(0, 0)), spec: framework.EnvSpec{
		ID:               EnvID,
		ObservationSpace: framework.NewBox([]float64{-maxPos, -maxVel}, []float64{maxPos, maxVel}),
		ActionSpace:      framework.NewBox([]float64{-maxForce}, []float64{maxForce}),
		MaxEpisodeSteps:  maxSteps,
	}}
}

// Spec implements framework.Env.
func (e *Env) Spec() framework.EnvSpec { return e.spec }

// Reset implements framework.Env: x uniform in [-2, 2], v in [-1, 1].
func (e *Env) Reset(seed *uint64) ([]float64, error) {
	if seed != nil {
		e.rng = rand.New(rand.NewPCG(*seed, 0x6469))
	}
	e.x = float64(float32(4*e.rng.Float64() - 2))
	e.v = float64(float32(2*e.rng.Float64() - 1))
	e.steps, e.started = 0, true
	return []float64{e.x, e.v}, nil
}

// Step implements framework.Env.
func (e *Env) Step(action []float64) (framework.Step, error) {
	if !e.started {
		return framework.Step{}, framework.ErrNeedsReset
	}
	if !e.spec.ActionSpace.Contains(action) {
		return framework.Step{}, &framework.ActionError{Action: action, Space: e.spec.ActionSpace}
	}
	u := action[0]
	reward := -(qPos*e.x*e.x + qVel*e.v*e.v + rForce*u*u) * dt
	// Observations are float32 values, as in Gymnasium.
	e.x = float64(float32(e.x + e.v*dt))
	e.v = float64(float32(e.v + u*dt))
	e.steps++
	st := framework.Step{Obs: []float64{e.x, e.v}, Reward: reward,
		Terminated: math.Abs(e.x) > maxPos || math.Abs(e.v) > maxVel}
	if st.Terminated {
		st.Obs[0] = math.Max(-maxPos, math.Min(maxPos, e.x))
		st.Obs[1] = math.Max(-maxVel, math.Min(maxVel, e.v))
		st.Reward -= 100 // leaving the track is worse than any episode inside it
	}
	st.Truncated = !st.Terminated && e.steps >= maxSteps
	if st.Done() {
		e.started = false
	}
	return st, nil
}

// Close implements framework.Env.
func (e *Env) Close() error { return nil }
