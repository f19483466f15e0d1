package envs

import (
	"math"

	"github.com/smgrnn/arena/envs/internal/pymath"
	"github.com/smgrnn/arena/framework"
)

func init() {
	framework.RegisterEnv(MountainCarContinuousID, func() (framework.Env, error) { return NewMountainCarContinuous(), nil })
}

// MountainCarContinuousID is the Gymnasium ID of the continuous mountain
// car.
const MountainCarContinuousID = "MountainCarContinuous-v0"

// Continuous_MountainCarEnv's constants (variables, so that expressions
// round in float64 as in Python).
var (
	mccMinAction    = -1.0
	mccMaxAction    = 1.0
	mccGoalPosition = 0.45
	mccPower        = 0.0015
	mccGravity      = 0.0025
)

// MountainCarContinuous is MountainCarContinuous-v0: the mountain car
// driven by a force in [-1, 1] (actions beyond are clipped for the
// dynamics, but the reward's action cost uses the action as given, as in
// Gymnasium). The state (position, velocity) is stored as float32 after
// every step, as Gymnasium stores it. The episode terminates at the flag
// (position >= 0.45, non-negative velocity) with a bonus of 100 and is
// truncated after 999 steps; each step costs 0.1 × action².
type MountainCarContinuous struct {
	mcBase
	act *framework.Box
}

// NewMountainCarContinuous returns a MountainCarContinuous-v0 that needs a
// Reset before its first Step.
func NewMountainCarContinuous() *MountainCarContinuous {
	act := framework.NewBox(f32s(mccMinAction), f32s(mccMaxAction))
	return &MountainCarContinuous{act: act, mcBase: mcBase{
		ep: episode{id: MountainCarContinuousID, maxSteps: 999},
		spec: framework.EnvSpec{
			ID:               MountainCarContinuousID,
			ObservationSpace: framework.NewBox(mcObsLow, mcObsHigh),
			ActionSpace:      act,
			MaxEpisodeSteps:  999,
			RenderFPS:        30,
			RewardThreshold:  threshold(90),
		},
	}}
}

// Reset implements framework.Env.
func (e *MountainCarContinuous) Reset(seed *uint64) ([]float64, error) {
	return framework.ResetAlloc(e, 2, seed)
}

// Step implements framework.Env.
func (e *MountainCarContinuous) Step(action []float64) (framework.Step, error) {
	return framework.StepAlloc(e, 2, action)
}

// StepInto implements framework.InPlaceEnv with
// Continuous_MountainCarEnv.step's arithmetic.
func (e *MountainCarContinuous) StepInto(action, obs []float64) (reward float64, terminated, truncated bool, err error) {
	if !e.ep.running {
		return 0, false, false, e.ep.needsReset()
	}
	u, err := boxAction(MountainCarContinuousID, e.act, action)
	if err != nil {
		return 0, false, false, err
	}
	if err := checkObs(MountainCarContinuousID, obs, 2); err != nil {
		return 0, false, false, err
	}
	position, velocity := e.state[0], e.state[1]
	force := math.Min(math.Max(u, mccMinAction), mccMaxAction)
	velocity += float64(force*mccPower) - float64(mccGravity*pymath.Cos(3*position))
	if velocity > mcMaxSpeed {
		velocity = mcMaxSpeed
	}
	if velocity < -mcMaxSpeed {
		velocity = -mcMaxSpeed
	}
	position += velocity
	if position > mcMaxPosition {
		position = mcMaxPosition
	}
	if position < mcMinPosition {
		position = mcMinPosition
	}
	if position == mcMinPosition && velocity < 0 {
		velocity = 0
	}
	terminated = position >= mccGoalPosition && velocity >= mcGoalVelocity
	if terminated {
		reward = 100.0
	}
	// The reward charges the unclipped action: math.pow(action[0], 2) * 0.1.
	reward -= float64(u*u) * 0.1
	e.state = [2]float64{f32(position), f32(velocity)}
	truncated = e.ep.finish(terminated)
	obs[0], obs[1] = e.state[0], e.state[1]
	return reward, terminated, truncated, nil
}
