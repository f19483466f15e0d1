package framework

import (
	"errors"
	"fmt"
)

// EnvSpec describes an environment, like gymnasium.envs.registration.EnvSpec.
type EnvSpec struct {
	// ID is the registered name, e.g. "CartPole-v1".
	ID string
	// ObservationSpace and ActionSpace are the environment's spaces.
	ObservationSpace Space
	ActionSpace      Space
	// MaxEpisodeSteps is the time limit after which an episode is truncated
	// (0: none).
	MaxEpisodeSteps int
	// RewardThreshold is the return at which the task counts as solved, or
	// nil when Gymnasium defines none.
	RewardThreshold *float64
	// RenderFPS is the frame rate at which a Renderer's frames play at the
	// episode's own speed, Gymnasium's metadata["render_fps"] (0: unknown).
	RenderFPS int
}

// Step is the outcome of one Env.Step, as in Gymnasium's five-tuple less info.
type Step struct {
	// Obs is the next observation; the caller owns it.
	Obs        []float64
	Reward     float64
	Terminated bool
	Truncated  bool
}

// Done reports whether the episode ended (terminated or truncated).
func (s Step) Done() bool { return s.Terminated || s.Truncated }

// Env is one environment instance with Gymnasium's semantics, as returned by
// gymnasium.make: the time limit is included, and stepping before a reset or
// after an episode ended is an error (ErrNeedsReset).
type Env interface {
	// Spec describes the environment.
	Spec() EnvSpec
	// Reset starts a new episode. A non-nil seed reseeds the environment's
	// random stream exactly as Gymnasium's reset(seed=s) does; nil continues
	// the current stream. The caller owns the returned observation.
	Reset(seed *uint64) ([]float64, error)
	// Step applies one action (a point of the action space).
	Step(action []float64) (Step, error)
	// Close releases the environment; closing twice is not an error.
	Close() error
}

// InPlaceEnv is implemented by environments that can write observations into
// memory the caller owns. Vector environments use it to step without
// allocating.
type InPlaceEnv interface {
	Env
	// ResetInto is Reset writing the observation into obs.
	ResetInto(seed *uint64, obs []float64) error
	// StepInto is Step writing the next observation into obs.
	StepInto(action []float64, obs []float64) (reward float64, terminated, truncated bool, err error)
}

// ResetAlloc is Reset in terms of ResetInto, for an environment whose
// observations have dim values: what an InPlaceEnv's Reset can simply
// return.
func ResetAlloc(e InPlaceEnv, dim int, seed *uint64) ([]float64, error) {
	obs := make([]float64, dim)
	if err := e.ResetInto(seed, obs); err != nil {
		return nil, err
	}
	return obs, nil
}

// StepAlloc is Step in terms of StepInto, for an environment whose
// observations have dim values: what an InPlaceEnv's Step can simply
// return.
func StepAlloc(e InPlaceEnv, dim int, action []float64) (Step, error) {
	obs := make([]float64, dim)
	r, term, trunc, err := e.StepInto(action, obs)
	if err != nil {
		return Step{}, err
	}
	return Step{Obs: obs, Reward: r, Terminated: term, Truncated: trunc}, nil
}

// Renderer is implemented by environments that can draw their current state.
type Renderer interface {
	// Render draws the current state, the same scene Gymnasium draws.
	Render() (Image, error)
}

// ErrNeedsReset is returned by Step before the first Reset or after an
// episode ended.
var ErrNeedsReset = errors.New("step called without a reset: the episode has not started or has ended")

// Seed returns a pointer to s, for Env.Reset.
func Seed(s uint64) *uint64 { return &s }

// ActionError says that an action is not a point of the action space.
type ActionError struct {
	Action []float64
	Space  Space
}

func (e *ActionError) Error() string {
	return fmt.Sprintf("action %v is not in the action space %s", e.Action, e.Space)
}
