package envs

import (
	"math"

	"github.com/smgrnn/arena/envs/internal/pymath"
	"github.com/smgrnn/arena/framework"
)

func init() {
	framework.RegisterEnv(CartPoleID, func() (framework.Env, error) { return NewCartPole(), nil })
}

// CartPoleID is the Gymnasium ID of CartPole.
const CartPoleID = "CartPole-v1"

// CartPoleEnv's constants. They are variables, not Go constants, so that
// derived values (total mass, pole mass × length, the angle threshold) are
// computed in float64 the way Python computes them, instead of exactly at
// compile time.
var (
	cpGravity        = 9.8
	cpMassCart       = 1.0
	cpMassPole       = 0.1
	cpTotalMass      = cpMassPole + cpMassCart
	cpLength         = 0.5 // half the pole's length
	cpPoleMassLength = cpMassPole * cpLength
	cpForceMag       = 10.0
	cpTau            = 0.02
	cpThetaThreshold = 12 * 2 * pi / 360
	cpXThreshold     = 2.4
)

// pi is math.Pi as a float64 variable, so expressions using it round like
// Python's math.pi expressions.
var pi = math.Pi

// CartPole is CartPole-v1: a pole balanced on a cart pushed left or right
// with a force of 10 N, Euler-integrated every 0.02 s. The state is (x,
// x_dot, theta, theta_dot); the episode terminates when |x| > 2.4 or
// |theta| > 12°, and is truncated after 500 steps. Every step, including
// the terminating one, earns 1.
type CartPole struct {
	ep    episode
	spec  framework.EnvSpec
	act   *framework.Discrete
	state [4]float64
}

// NewCartPole returns a CartPole-v1 that needs a Reset before its first
// Step.
func NewCartPole() *CartPole {
	// Gymnasium 1.x bounds the velocities by np.inf (before 1.0 it used
	// np.finfo(np.float32).max).
	high := f32s(cpXThreshold*2, math.Inf(1), cpThetaThreshold*2, math.Inf(1))
	act := &framework.Discrete{N: 2}
	return &CartPole{
		ep:  episode{id: CartPoleID, maxSteps: 500},
		act: act,
		spec: framework.EnvSpec{
			ID:               CartPoleID,
			ObservationSpace: framework.NewBox(negate(high), high),
			ActionSpace:      act,
			MaxEpisodeSteps:  500,
			RenderFPS:        50,
			RewardThreshold:  threshold(475),
		},
	}
}

// Spec implements framework.Env.
func (e *CartPole) Spec() framework.EnvSpec { return e.spec }

// Reset implements framework.Env.
func (e *CartPole) Reset(seed *uint64) ([]float64, error) { return framework.ResetAlloc(e, 4, seed) }

// Step implements framework.Env.
func (e *CartPole) Step(action []float64) (framework.Step, error) {
	return framework.StepAlloc(e, 4, action)
}

// Close implements framework.Env; there is nothing to release.
func (e *CartPole) Close() error { return nil }

// ResetInto implements framework.InPlaceEnv: every state variable is drawn
// from uniform(-0.05, 0.05), in order.
func (e *CartPole) ResetInto(seed *uint64, obs []float64) error {
	if err := checkObs(CartPoleID, obs, 4); err != nil {
		return err
	}
	if err := e.ep.reset(seed); err != nil {
		return err
	}
	for i := range e.state {
		e.state[i] = e.ep.rng.Uniform(-0.05, 0.05)
	}
	e.observe(obs)
	return nil
}

// StepInto implements framework.InPlaceEnv with CartPoleEnv.step's
// arithmetic. The float64 conversions around products stop the compiler
// from fusing a multiply and an add, which would round differently from
// numpy.
func (e *CartPole) StepInto(action, obs []float64) (reward float64, terminated, truncated bool, err error) {
	if !e.ep.running {
		return 0, false, false, e.ep.needsReset()
	}
	a, err := discreteAction(CartPoleID, e.act, action)
	if err != nil {
		return 0, false, false, err
	}
	if err := checkObs(CartPoleID, obs, 4); err != nil {
		return 0, false, false, err
	}
	x, xDot, theta, thetaDot := e.state[0], e.state[1], e.state[2], e.state[3]
	force := -cpForceMag
	if a == 1 {
		force = cpForceMag
	}
	cos, sin := pymath.NumpyCos(theta), pymath.NumpySin(theta)
	temp := (force + float64(cpPoleMassLength*(thetaDot*thetaDot)*sin)) / cpTotalMass
	thetaAcc := (float64(cpGravity*sin) - float64(cos*temp)) /
		(cpLength * (4.0/3.0 - float64(cpMassPole*(cos*cos))/cpTotalMass))
	xAcc := temp - float64(cpPoleMassLength*thetaAcc*cos)/cpTotalMass

	x += float64(cpTau * xDot)
	xDot += float64(cpTau * xAcc)
	theta += float64(cpTau * thetaDot)
	thetaDot += float64(cpTau * thetaAcc)
	e.state = [4]float64{x, xDot, theta, thetaDot}

	terminated = x < -cpXThreshold || x > cpXThreshold || theta < -cpThetaThreshold || theta > cpThetaThreshold
	truncated = e.ep.finish(terminated)
	e.observe(obs)
	return 1, terminated, truncated, nil
}

func (e *CartPole) observe(obs []float64) {
	for i, v := range e.state {
		obs[i] = f32(v)
	}
}

// State returns the internal state (x, x_dot, theta, theta_dot).
func (e *CartPole) State() []float64 { return append([]float64(nil), e.state[:]...) }

// SetState overwrites the internal state (x, x_dot, theta, theta_dot), as
// assigning env.unwrapped.state does in Gymnasium. The episode's step count
// and whether it may step are unchanged.
func (e *CartPole) SetState(state []float64) error {
	if err := setState(CartPoleID, state, 4); err != nil {
		return err
	}
	copy(e.state[:], state)
	return nil
}
