package main

import (
	"fmt"
	"math"

	"github.com/smgrnn/arena/framework"
)

// LQR is the infinite-horizon discrete-time linear-quadratic regulator of
// the double integrator, u = clip(-K s): the optimal policy for the
// environment's cost while the force bound is not active.
type LQR struct {
	K        [2]float64
	obs, act framework.Space
}

// NewLQR makes the teacher; it only knows DoubleIntegrator-v0 and takes no
// argument.
func NewLQR(env framework.EnvSpec, arg string) (framework.Teacher, error) {
	if env.ID != EnvID {
		return nil, fmt.Errorf("the lqr teacher only drives %s, not %s", EnvID, env.ID)
	}
	if arg != "" {
		return nil, fmt.Errorf("the lqr teacher takes no argument, got %q", arg)
	}
	k, err := lqrGain(dt, qPos*dt, qVel*dt, rForce*dt)
	if err != nil {
		return nil, err
	}
	return &LQR{K: k, obs: env.ObservationSpace, act: env.ActionSpace}, nil
}

// lqrGain solves the discrete algebraic Riccati equation of
// A = [[1, h], [0, 1]], B = [0, h]ᵀ, Q = diag(q1, q2), R = r by fixed-point
// iteration and returns K = (R + BᵀPB)⁻¹ BᵀPA.
func lqrGain(h, q1, q2, r float64) ([2]float64, error) {
	// P is symmetric: p11, p12, p22.
	p11, p12, p22 := q1, 0.0, q2
	var k [2]float64
	for range 100000 {
		// BᵀPB = h² p22; BᵀPA = h·[p12, h p12 + p22].
		s := r + h*h*p22
		k = [2]float64{h * p12 / s, h * (h*p12 + p22) / s}
		// P' = Q + AᵀPA - AᵀPB K, with AᵀPB = h·[p12, h p12 + p22]ᵀ.
		a11 := p11
		a12 := h*p11 + p12
		a22 := h*h*p11 + 2*h*p12 + p22
		b1, b2 := h*p12, h*(h*p12+p22)
		n11 := q1 + a11 - b1*k[0]
		n12 := a12 - b1*k[1]
		n22 := q2 + a22 - b2*k[1]
		d := math.Abs(n11-p11) + math.Abs(n12-p12) + math.Abs(n22-p22)
		p11, p12, p22 = n11, n12, n22
		if d < 1e-12*(1+math.Abs(p11)+math.Abs(p22)) {
			return k, nil
		}
	}
	return k, fmt.Errorf("lqr: Riccati iteration did not converge")
}

// Spaces implements framework.Teacher.
func (l *LQR) Spaces() (obs, act framework.Space) { return l.obs, l.act }

// Act implements framework.Policy.
func (l *LQR) Act(obs []float64, n int, actions []float64) error {
	if len(obs) != 2*n || len(actions) != n {
		return fmt.Errorf("lqr: %d observation values and room for %d actions for a batch of %d", len(obs), len(actions), n)
	}
	for i := range n {
		u := -(l.K[0]*obs[2*i] + l.K[1]*obs[2*i+1])
		actions[i] = math.Max(-maxForce, math.Min(maxForce, u))
	}
	return nil
}

// Label implements framework.Teacher: the actions, no distribution (the
// regulator is deterministic).
func (l *LQR) Label(obs []float64, n int, out *framework.Labels) error {
	out.Actions = framework.Resize(out.Actions, n)
	out.Probs, out.Mean, out.Std = nil, nil, nil
	return l.Act(obs, n, out.Actions)
}
