package envs

import (
	"github.com/smgrnn/arena/envs/internal/pymath"
	"github.com/smgrnn/arena/framework"
)

func init() {
	framework.RegisterEnv(MountainCarID, func() (framework.Env, error) { return NewMountainCar(), nil })
}

// MountainCarID is the Gymnasium ID of the discrete mountain car.
const MountainCarID = "MountainCar-v0"

// MountainCarEnv's constants (variables, so that expressions round in
// float64 as in Python).
var (
	mcMinPosition  = -1.2
	mcMaxPosition  = 0.6
	mcMaxSpeed     = 0.07
	mcGoalPosition = 0.5
	mcGoalVelocity = 0.0
	mcForce        = 0.001
	mcGravity      = 0.0025
	mcObsLow       = f32s(mcMinPosition, -mcMaxSpeed)
	mcObsHigh      = f32s(mcMaxPosition, mcMaxSpeed)
)

// MountainCar is MountainCar-v0: a car in a valley pushed left (0), not at
// all (1) or right (2), which must build momentum to reach the flag at
// position 0.5. The state is (position, velocity); the episode terminates
// at the flag with a non-negative velocity and is truncated after 200
// steps. Every step earns -1.
type MountainCar struct {
	mcBase
	act *framework.Discrete
}

// mcBase is what both mountain cars share: the episode, the spec, the
// state (position, velocity) and the reset, which draws the position from
// uniform(-0.6, -0.4) with velocity 0 (kept in float64 until the first
// step, as in Gymnasium).
type mcBase struct {
	ep    episode
	spec  framework.EnvSpec
	state [2]float64
}

// Spec implements framework.Env.
func (e *mcBase) Spec() framework.EnvSpec { return e.spec }

// Close implements framework.Env; there is nothing to release.
func (e *mcBase) Close() error { return nil }

// ResetInto implements framework.InPlaceEnv.
func (e *mcBase) ResetInto(seed *uint64, obs []float64) error {
	if err := checkObs(e.spec.ID, obs, 2); err != nil {
		return err
	}
	if err := e.ep.reset(seed); err != nil {
		return err
	}
	e.state = [2]float64{e.ep.rng.Uniform(-0.6, -0.4), 0}
	obs[0], obs[1] = f32(e.state[0]), f32(e.state[1])
	return nil
}

// State returns the internal state (position, velocity).
func (e *mcBase) State() []float64 { return append([]float64(nil), e.state[:]...) }

// SetState overwrites the internal state (position, velocity), as
// assigning env.unwrapped.state does in Gymnasium. The episode's step count
// and whether it may step are unchanged.
func (e *mcBase) SetState(state []float64) error {
	if err := setState(e.spec.ID, state, 2); err != nil {
		return err
	}
	copy(e.state[:], state)
	return nil
}

// NewMountainCar returns a MountainCar-v0 that needs a Reset before its
// first Step.
func NewMountainCar() *MountainCar {
	act := &framework.Discrete{N: 3}
	return &MountainCar{act: act, mcBase: mcBase{
		ep: episode{id: MountainCarID, maxSteps: 200},
		spec: framework.EnvSpec{
			ID:               MountainCarID,
			ObservationSpace: framework.NewBox(mcObsLow, mcObsHigh),
			ActionSpace:      act,
			MaxEpisodeSteps:  200,
			RenderFPS:        30,
			RewardThreshold:  threshold(-110),
		},
	}}
}

// Reset implements framework.Env.
func (e *MountainCar) Reset(seed *uint64) ([]float64, error) { return framework.ResetAlloc(e, 2, seed) }

// Step implements framework.Env.
func (e *MountainCar) Step(action []float64) (framework.Step, error) {
	return framework.StepAlloc(e, 2, action)
}

// StepInto implements framework.InPlaceEnv with MountainCarEnv.step's
// arithmetic (Python's "velocity += a + b" adds the sum a + b).
func (e *MountainCar) StepInto(action, obs []float64) (reward float64, terminated, truncated bool, err error) {
	if !e.ep.running {
		return 0, false, false, e.ep.needsReset()
	}
	a, err := discreteAction(MountainCarID, e.act, action)
	if err != nil {
		return 0, false, false, err
	}
	if err := checkObs(MountainCarID, obs, 2); err != nil {
		return 0, false, false, err
	}
	position, velocity := e.state[0], e.state[1]
	velocity += float64(float64(a-1)*mcForce) + float64(pymath.Cos(3*position)*(-mcGravity))
	velocity = clip(velocity, -mcMaxSpeed, mcMaxSpeed)
	position += velocity
	position = clip(position, mcMinPosition, mcMaxPosition)
	if position == mcMinPosition && velocity < 0 {
		velocity = 0
	}
	terminated = position >= mcGoalPosition && velocity >= mcGoalVelocity
	e.state = [2]float64{position, velocity}
	truncated = e.ep.finish(terminated)
	obs[0], obs[1] = f32(position), f32(velocity)
	return -1, terminated, truncated, nil
}
