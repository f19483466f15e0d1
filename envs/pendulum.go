package envs

import (
	"math"

	"github.com/smgrnn/arena/envs/internal/pymath"
	"github.com/smgrnn/arena/framework"
)

func init() {
	framework.RegisterEnv(PendulumID, func() (framework.Env, error) { return NewPendulum(), nil })
}

// PendulumID is the Gymnasium ID of the pendulum.
const PendulumID = "Pendulum-v1"

// PendulumEnv's constants (variables, so that expressions round in float64
// as in Python).
var (
	pdMaxSpeed  = 8.0
	pdMaxTorque = 2.0
	pdDt        = 0.05
	pdG         = 10.0
	pdM         = 1.0
	pdL         = 1.0
	pdSinCoef   = 3 * pdG / (2 * pdL)       // 3 * g / (2 * l)
	pdUCoef     = 3.0 / (pdM * (pdL * pdL)) // 3.0 / (m * l**2)
	pdTwoPi     = 2 * pi
	pdInitHigh  = [2]float64{pi, 1.0} // DEFAULT_X, DEFAULT_Y
)

// Pendulum is Pendulum-v1: a pendulum swung up and held upright by a
// torque in [-2, 2] (actions beyond are clipped, and the reward charges the
// clipped torque, as in Gymnasium). The state is (theta, theta_dot) with
// theta = 0 upright; the reward is -(theta² + 0.1 theta_dot² + 0.001 u²)
// with theta normalised to [-pi, pi). It never terminates and is truncated
// after 200 steps; Gymnasium defines no reward threshold.
type Pendulum struct {
	ep       episode
	spec     framework.EnvSpec
	act      *framework.Box
	state    [2]float64
	lastU    float64
	hasLastU bool
}

// NewPendulum returns a Pendulum-v1 that needs a Reset before its first
// Step.
func NewPendulum() *Pendulum {
	act := framework.NewBox(f32s(-pdMaxTorque), f32s(pdMaxTorque))
	high := f32s(1, 1, pdMaxSpeed)
	return &Pendulum{
		ep:  episode{id: PendulumID, maxSteps: 200},
		act: act,
		spec: framework.EnvSpec{
			ID:               PendulumID,
			ObservationSpace: framework.NewBox(negate(high), high),
			ActionSpace:      act,
			MaxEpisodeSteps:  200,
			RenderFPS:        30,
		},
	}
}

// Spec implements framework.Env.
func (e *Pendulum) Spec() framework.EnvSpec { return e.spec }

// Reset implements framework.Env.
func (e *Pendulum) Reset(seed *uint64) ([]float64, error) { return framework.ResetAlloc(e, 3, seed) }

// Step implements framework.Env.
func (e *Pendulum) Step(action []float64) (framework.Step, error) {
	return framework.StepAlloc(e, 3, action)
}

// Close implements framework.Env; there is nothing to release.
func (e *Pendulum) Close() error { return nil }

// ResetInto implements framework.InPlaceEnv: theta is drawn from
// uniform(-pi, pi), then theta_dot from uniform(-1, 1).
func (e *Pendulum) ResetInto(seed *uint64, obs []float64) error {
	if err := checkObs(PendulumID, obs, 3); err != nil {
		return err
	}
	if err := e.ep.reset(seed); err != nil {
		return err
	}
	for i, h := range pdInitHigh {
		e.state[i] = e.ep.rng.Uniform(-h, h)
	}
	e.lastU, e.hasLastU = 0, false
	e.observe(obs)
	return nil
}

// StepInto implements framework.InPlaceEnv with PendulumEnv.step's
// arithmetic.
func (e *Pendulum) StepInto(action, obs []float64) (reward float64, terminated, truncated bool, err error) {
	if !e.ep.running {
		return 0, false, false, e.ep.needsReset()
	}
	u, err := boxAction(PendulumID, e.act, action)
	if err != nil {
		return 0, false, false, err
	}
	if err := checkObs(PendulumID, obs, 3); err != nil {
		return 0, false, false, err
	}
	th, thdot := e.state[0], e.state[1]
	u = clip(u, -pdMaxTorque, pdMaxTorque)
	e.lastU, e.hasLastU = u, true
	// angle_normalize(th)**2 + 0.1*thdot**2 + 0.001*(u**2): the first two
	// squares are glibc's pow; u is a float32, whose square is exact.
	costs := pymath.Square(angleNormalize(th)) + float64(0.1*pymath.Square(thdot))
	costs += float64(0.001 * (u * u))

	newthdot := thdot + float64((float64(pdSinCoef*pymath.NumpySin(th))+float64(pdUCoef*u))*pdDt)
	newthdot = clip(newthdot, -pdMaxSpeed, pdMaxSpeed)
	newth := th + float64(newthdot*pdDt)
	e.state = [2]float64{newth, newthdot}

	truncated = e.ep.finish(false)
	e.observe(obs)
	return -costs, false, truncated, nil
}

// angleNormalize is ((x + pi) % (2 pi)) - pi with Python's floored modulo:
// fmod, shifted by the divisor when the signs differ.
func angleNormalize(x float64) float64 {
	m := math.Mod(x+pi, pdTwoPi)
	if m != 0 && m < 0 {
		m += pdTwoPi
	}
	return m - pi
}

func (e *Pendulum) observe(obs []float64) {
	obs[0] = f32(pymath.NumpyCos(e.state[0]))
	obs[1] = f32(pymath.NumpySin(e.state[0]))
	obs[2] = f32(e.state[1])
}

// State returns the internal state (theta, theta_dot).
func (e *Pendulum) State() []float64 { return append([]float64(nil), e.state[:]...) }

// SetState overwrites the internal state (theta, theta_dot), as assigning
// env.unwrapped.state does in Gymnasium. The episode's step count, whether
// it may step and the last torque shown by Render are unchanged.
func (e *Pendulum) SetState(state []float64) error {
	if err := setState(PendulumID, state, 2); err != nil {
		return err
	}
	copy(e.state[:], state)
	return nil
}
