package envs

import (
	"math"

	"github.com/smgrnn/arena/envs/internal/pymath"
	"github.com/smgrnn/arena/framework"
)

func init() {
	framework.RegisterEnv(AcrobotID, func() (framework.Env, error) { return NewAcrobot(), nil })
}

// AcrobotID is the Gymnasium ID of Acrobot.
const AcrobotID = "Acrobot-v1"

// AcrobotEnv's constants (variables, so that products of them round in
// float64 as in Python; see the CartPole constants).
var (
	acDt      = 0.2
	acL1      = 1.0 // LINK_LENGTH_1
	acM1      = 1.0 // LINK_MASS_1
	acM2      = 1.0 // LINK_MASS_2
	acLC1     = 0.5 // LINK_COM_POS_1
	acLC2     = 0.5 // LINK_COM_POS_2
	acI1      = 1.0 // LINK_MOI
	acI2      = 1.0
	acG       = 9.8
	acMaxVel1 = 4 * pi
	acMaxVel2 = 9 * pi
	acTorque  = [3]float64{-1, 0, 1} // AVAIL_TORQUE

	// Python evaluates these constant subexpressions of _dsdt left to
	// right in float64; they are hoisted here with the same roundings.
	acD1Const    = acM1 * (acLC1 * acLC1)                 // m1 * lc1**2
	acD1Inner    = acL1*acL1 + acLC2*acLC2                // l1**2 + lc2**2
	acD1Cos      = 2 * acL1 * acLC2                       // 2 * l1 * lc2
	acD2Cos      = acL1 * acLC2                           // l1 * lc2
	acPhi2Coef   = acM2 * acLC2 * acG                     // m2 * lc2 * g
	acPhi1Coef1  = -acM2 * acL1 * acLC2                   // -m2 * l1 * lc2
	acPhi1Coef2  = 2 * acM2 * acL1 * acLC2                // 2 * m2 * l1 * lc2
	acPhi1Coef3  = (acM1*acLC1 + acM2*acL1) * acG         // (m1*lc1 + m2*l1) * g
	acDdt2Coef   = acM2 * acL1 * acLC2                    // m2 * l1 * lc2
	acDdt2DenPre = acM2*(acLC2*acLC2) + acI2              // m2 * lc2**2 + I2
	acHalfPi     = pi / 2.0                               // pi / 2.0 and pi / 2
	acRK4Dt      = acDt - 0                               // t[1] - t[0]
	acRK4Dt2     = acRK4Dt / 2.0                          // dt / 2.0
	acRK4Dt6     = acRK4Dt / 6.0                          // dt / 6.0
	acWrapDiff   = pi - (-pi)                             // wrap's M - m
	acLowHigh    = [2]float64{-acMaxVel1, acMaxVel1}      // bound for dtheta1
	acLowHigh2   = [2]float64{-acMaxVel2, acMaxVel2}      // bound for dtheta2
	acObsHigh    = f32s(1, 1, 1, 1, acMaxVel1, acMaxVel2) // observation bounds
)

// Acrobot is Acrobot-v1 with the book dynamics: two links hanging from a
// fixed joint, torque -1, 0 or +1 applied at the middle joint, integrated
// with Gymnasium's fourth-order Runge-Kutta over one 0.2 s step. The state
// is (theta1, theta2, dtheta1, dtheta2); the episode terminates when the
// free end rises above the bar (-cos(theta1) - cos(theta1+theta2) > 1),
// and is truncated after 500 steps. Each step earns -1, the terminating
// one 0.
type Acrobot struct {
	ep    episode
	spec  framework.EnvSpec
	act   *framework.Discrete
	state [4]float64
}

// NewAcrobot returns an Acrobot-v1 that needs a Reset before its first
// Step.
func NewAcrobot() *Acrobot {
	act := &framework.Discrete{N: 3}
	return &Acrobot{
		ep:  episode{id: AcrobotID, maxSteps: 500},
		act: act,
		spec: framework.EnvSpec{
			ID:               AcrobotID,
			ObservationSpace: framework.NewBox(negate(acObsHigh), acObsHigh),
			ActionSpace:      act,
			MaxEpisodeSteps:  500,
			RenderFPS:        15,
			RewardThreshold:  threshold(-100),
		},
	}
}

// Spec implements framework.Env.
func (e *Acrobot) Spec() framework.EnvSpec { return e.spec }

// Reset implements framework.Env.
func (e *Acrobot) Reset(seed *uint64) ([]float64, error) { return framework.ResetAlloc(e, 6, seed) }

// Step implements framework.Env.
func (e *Acrobot) Step(action []float64) (framework.Step, error) {
	return framework.StepAlloc(e, 6, action)
}

// Close implements framework.Env; there is nothing to release.
func (e *Acrobot) Close() error { return nil }

// ResetInto implements framework.InPlaceEnv: the four state variables are
// drawn from uniform(-0.1, 0.1) and, as in Gymnasium, stored as float32.
func (e *Acrobot) ResetInto(seed *uint64, obs []float64) error {
	if err := checkObs(AcrobotID, obs, 6); err != nil {
		return err
	}
	if err := e.ep.reset(seed); err != nil {
		return err
	}
	for i := range e.state {
		e.state[i] = f32(e.ep.rng.Uniform(-0.1, 0.1))
	}
	e.observe(obs)
	return nil
}

// StepInto implements framework.InPlaceEnv: one RK4 step of _dsdt over
// [0, dt], then the angles wrapped to [-pi, pi] and the velocities bounded.
func (e *Acrobot) StepInto(action, obs []float64) (reward float64, terminated, truncated bool, err error) {
	if !e.ep.running {
		return 0, false, false, e.ep.needsReset()
	}
	a, err := discreteAction(AcrobotID, e.act, action)
	if err != nil {
		return 0, false, false, err
	}
	if err := checkObs(AcrobotID, obs, 6); err != nil {
		return 0, false, false, err
	}
	ns := acrobotRK4(e.state, acTorque[a])
	ns[0] = wrap(ns[0], -pi, pi)
	ns[1] = wrap(ns[1], -pi, pi)
	ns[2] = math.Min(math.Max(ns[2], acLowHigh[0]), acLowHigh[1])
	ns[3] = math.Min(math.Max(ns[3], acLowHigh2[0]), acLowHigh2[1])
	e.state = ns

	terminated = -pymath.NumpyCos(ns[0])-pymath.NumpyCos(ns[1]+ns[0]) > 1.0
	reward = -1.0
	if terminated {
		reward = 0.0
	}
	truncated = e.ep.finish(terminated)
	e.observe(obs)
	return reward, terminated, truncated, nil
}

// acrobotRK4 is Gymnasium's rk4(_dsdt, s + [torque], [0, dt]) returning the
// first four components; the torque's derivative is zero, so it stays a.
func acrobotRK4(s [4]float64, a float64) [4]float64 {
	k1 := acrobotDsdt(s, a)
	var y [4]float64
	for i := range y {
		y[i] = s[i] + float64(acRK4Dt2*k1[i])
	}
	k2 := acrobotDsdt(y, a)
	for i := range y {
		y[i] = s[i] + float64(acRK4Dt2*k2[i])
	}
	k3 := acrobotDsdt(y, a)
	for i := range y {
		y[i] = s[i] + float64(acRK4Dt*k3[i])
	}
	k4 := acrobotDsdt(y, a)
	var out [4]float64
	for i := range out {
		// y0 + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4), element by element.
		sum := k1[i] + float64(2*k2[i])
		sum += float64(2 * k3[i])
		sum += k4[i]
		out[i] = s[i] + float64(acRK4Dt6*sum)
	}
	return out
}

// acrobotDsdt is AcrobotEnv._dsdt with book_or_nips = "book", written so
// that every operation happens in the order Python evaluates it, with
// numpy's sin and cos and Python's ** for the squares of variables.
func acrobotDsdt(s [4]float64, a float64) [4]float64 {
	theta1, theta2, dtheta1, dtheta2 := s[0], s[1], s[2], s[3]
	cos2 := pymath.NumpyCos(theta2)
	sin2 := pymath.NumpySin(theta2)
	// d1 = m1*lc1**2 + m2*(l1**2 + lc2**2 + 2*l1*lc2*cos(theta2)) + I1 + I2
	d1 := acD1Const + float64(acM2*(acD1Inner+float64(acD1Cos*cos2)))
	d1 += acI1
	d1 += acI2
	// d2 = m2*(lc2**2 + l1*lc2*cos(theta2)) + I2
	d2 := float64(acM2*(acLC2*acLC2+float64(acD2Cos*cos2))) + acI2
	// phi2 = m2*lc2*g*cos(theta1 + theta2 - pi/2.0)
	phi2 := acPhi2Coef * pymath.NumpyCos(theta1+theta2-acHalfPi)
	// phi1 = -m2*l1*lc2*dtheta2**2*sin(theta2)
	//        - 2*m2*l1*lc2*dtheta2*dtheta1*sin(theta2)
	//        + (m1*lc1 + m2*l1)*g*cos(theta1 - pi/2) + phi2
	phi1 := float64(acPhi1Coef1*pymath.Square(dtheta2)*sin2) - float64(acPhi1Coef2*dtheta2*dtheta1*sin2)
	phi1 += float64(acPhi1Coef3 * pymath.NumpyCos(theta1-acHalfPi))
	phi1 += phi2
	// ddtheta2 = (a + d2/d1*phi1 - m2*l1*lc2*dtheta1**2*sin(theta2) - phi2)
	//            / (m2*lc2**2 + I2 - d2**2/d1)
	num := a + float64(d2/d1*phi1)
	num -= float64(acDdt2Coef * pymath.Square(dtheta1) * sin2)
	num -= phi2
	ddtheta2 := num / (acDdt2DenPre - pymath.Square(d2)/d1)
	// ddtheta1 = -(d2*ddtheta2 + phi1)/d1
	ddtheta1 := -(float64(d2*ddtheta2) + phi1) / d1
	return [4]float64{dtheta1, dtheta2, ddtheta1, ddtheta2}
}

// wrap is Gymnasium's acrobot wrap: shift x by whole turns into [m, M].
func wrap(x, m, M float64) float64 {
	for x > M {
		x -= acWrapDiff
	}
	for x < m {
		x += acWrapDiff
	}
	return x
}

func (e *Acrobot) observe(obs []float64) {
	s := e.state
	obs[0] = f32(pymath.NumpyCos(s[0]))
	obs[1] = f32(pymath.NumpySin(s[0]))
	obs[2] = f32(pymath.NumpyCos(s[1]))
	obs[3] = f32(pymath.NumpySin(s[1]))
	obs[4] = f32(s[2])
	obs[5] = f32(s[3])
}

// State returns the internal state (theta1, theta2, dtheta1, dtheta2).
func (e *Acrobot) State() []float64 { return append([]float64(nil), e.state[:]...) }

// SetState overwrites the internal state (theta1, theta2, dtheta1,
// dtheta2), as assigning env.unwrapped.state does in Gymnasium. The
// episode's step count and whether it may step are unchanged.
func (e *Acrobot) SetState(state []float64) error {
	if err := setState(AcrobotID, state, 4); err != nil {
		return err
	}
	copy(e.state[:], state)
	return nil
}
