// Package envs holds Gymnasium 1.4's classic-control environments —
// CartPole-v1, Acrobot-v1, MountainCar-v0, MountainCarContinuous-v0 and
// Pendulum-v1 — reproduced step for step, registered with the framework
// under their Gymnasium IDs.
//
// Each environment behaves as gymnasium.make(ID) does: the internal state is
// float64 and follows Gymnasium's arithmetic operation for operation (same
// order, same intermediate roundings, including the places where Gymnasium
// stores its state as float32), observations are float32 values carried as
// float64(float32(x)), the TimeLimit wrapper's truncation is included, and
// Reset(seed) draws the initial state from the same numpy stream
// (SeedSequence → PCG64 → uniform, see package numpyrand) that Gymnasium's
// reset(seed=s) draws from.
//
// Where Gymnasium would assert or warn, these environments return errors:
// stepping before a reset or after an episode ended wraps
// framework.ErrNeedsReset, and an action outside the action space (a
// Discrete action that is not an integer in range, a Box action of the wrong
// length, NaN, infinite or beyond float32's range) is a
// *framework.ActionError. Other Box actions are taken as the float32 values
// Gymnasium's float32 Box holds, and clipped to the bounds as Gymnasium
// does (MountainCarContinuous's reward charges the unclipped action,
// Pendulum's the clipped one, as in Gymnasium).
//
// A Reset(nil) continues the environment's random stream. On an environment
// that was never seeded, the first Reset(nil) seeds it from operating-system
// entropy, as Gymnasium does (np_random() with no seed), so two fresh
// environments reset without seeds start differently.
//
// Bit-exactness rests on redoing the arithmetic of the libraries Gymnasium
// calls: numpy's float64 sin and cos, and Python's x**2 and
// math.cos, which are glibc's pow and cos (package envs/internal/pymath).
//
// An environment is not safe for concurrent use; give each goroutine its
// own (a framework.SyncVectorEnv steps its copies in one goroutine).
package envs

import (
	"fmt"
	"math"
	"slices"

	"github.com/smgrnn/arena/envs/numpyrand"
	"github.com/smgrnn/arena/framework"
)

// episode is the bookkeeping every environment shares: the random stream,
// the TimeLimit wrapper's step count, and whether an episode is under way.
type episode struct {
	id       string
	rng      numpyrand.Generator
	seeded   bool
	maxSteps int
	elapsed  int
	running  bool
}

// reset reseeds the stream for a non-nil seed (or seeds it from entropy on
// the first unseeded reset) and starts a new episode.
func (e *episode) reset(seed *uint64) error {
	if err := numpyrand.Reseed(&e.rng, &e.seeded, seed); err != nil {
		return fmt.Errorf("%s: seeding an unseeded reset: %w", e.id, err)
	}
	e.elapsed = 0
	e.running = true
	return nil
}

// needsReset is the error of a step outside an episode.
func (e *episode) needsReset() error {
	return fmt.Errorf("%s: %w", e.id, framework.ErrNeedsReset)
}

// finish counts one step and applies the time limit (gymnasium's TimeLimit:
// truncated once max_episode_steps steps have been taken). The episode is
// over if it terminated or was truncated.
func (e *episode) finish(terminated bool) (truncated bool) {
	e.elapsed++
	truncated = e.elapsed >= e.maxSteps
	if terminated || truncated {
		e.running = false
	}
	return truncated
}

// discreteAction validates a Discrete action and returns its integer.
func discreteAction(id string, space *framework.Discrete, action []float64) (int, error) {
	if len(action) == 1 {
		v := action[0]
		if v == math.Trunc(v) && v >= float64(space.Start) && v < float64(space.Start+space.N) {
			return int(v), nil
		}
	}
	return 0, actionError(id, space, action)
}

// boxAction validates a one-dimensional Box action and returns its value
// as the float32 Gymnasium's Box(dtype=float32) action holds, unclipped
// (some rewards charge the unclipped action). NaN, infinities and values
// beyond float32's range are rejected: Gymnasium only warns about them,
// but they would make the state or the reward NaN or infinite.
func boxAction(id string, space *framework.Box, action []float64) (float64, error) {
	if len(action) == 1 && math.Abs(action[0]) <= math.MaxFloat32 {
		return f32(action[0]), nil
	}
	return 0, actionError(id, space, action)
}

func actionError(id string, space framework.Space, action []float64) error {
	return fmt.Errorf("%s: %w", id, &framework.ActionError{Action: slices.Clone(action), Space: space})
}

// clip is numpy's clip for scalars: min(max(x, lo), hi).
func clip(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

// f32 rounds to float32 and back, what np.array(..., dtype=np.float32)
// does to each value of an observation.
func f32(x float64) float64 { return float64(float32(x)) }

// f32s rounds each bound to float32, as np.array(bounds, dtype=np.float32)
// does for Gymnasium's space bounds.
func f32s(xs ...float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = f32(x)
	}
	return out
}

func negate(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = -x
	}
	return out
}

func threshold(v float64) *float64 { return &v }

// checkObs reports a caller's observation buffer of the wrong length.
func checkObs(id string, obs []float64, n int) error {
	if len(obs) != n {
		return fmt.Errorf("%s: observation buffer has %d values, want %d", id, len(obs), n)
	}
	return nil
}

// setState validates a state vector for SetState.
func setState(id string, state []float64, n int) error {
	if len(state) != n {
		return fmt.Errorf("%s: state has %d values, want %d", id, len(state), n)
	}
	for i, v := range state {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: state value %d is %v", id, i, v)
		}
	}
	return nil
}
