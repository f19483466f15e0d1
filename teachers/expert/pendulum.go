package expert

import "math"

func init() {
	Register("Pendulum-v1", pendulum)
}

// Pendulum-v1's physics, from Gymnasium's pendulum.py: θ = 0 is upright,
// θ̈ = 3g/(2l)·sin θ + 3/(m l²)·u = 15 sin θ + 3u with g = 10, m = l = 1,
// semi-implicit Euler with dt = 0.05, speed clipped to ±8, torque to ±2.
const (
	pendDt       = 0.05
	pendMaxSpeed = 8.0
	pendMaxTorq  = 2.0
)

// pendStep advances (θ, θ̇) by one step under torque u and returns the
// step's cost (the negative reward); a is angleNormalize(θ), sin is
// sin θ.
func pendStep(th, a, sin, thDot, u float64) (float64, float64, float64) {
	u = clamp(u, -pendMaxTorq, pendMaxTorq)
	cost := a*a + 0.1*thDot*thDot + 0.001*u*u
	thDot = clamp(thDot+(15*sin+3*u)*pendDt, -pendMaxSpeed, pendMaxSpeed)
	return th + thDot*pendDt, thDot, cost
}

// angleNormalize maps x into [-π, π) as Gymnasium's angle_normalize does.
func angleNormalize(x float64) float64 {
	return mod2Pi(mod2Pi(x+math.Pi)+2*math.Pi) - math.Pi
}

// mod2Pi is math.Mod(y, 2π) bit for bit, faster for the angles a rollout
// meets: for 2π ≤ |y| < 4π, y ∓ 2π is exact (Sterbenz's lemma), so it is
// the remainder itself, as is y when |y| < 2π. (At y = −2π, math.Mod gives
// −0, which the subtraction would not, so that case is left to it.)
func mod2Pi(y float64) float64 {
	const twoPi = 2 * math.Pi
	switch {
	case y > -twoPi && y < twoPi:
		return y
	case y >= twoPi && y < 2*twoPi:
		return y - twoPi
	case y < -twoPi && y > -2*twoPi:
		return y + twoPi
	}
	return math.Mod(y, twoPi)
}

// pendBase is the swing-up-and-balance law the planner improves on.
//
// Near the top (|θ| < 0.6 rad with little excess energy) it is linear
// state feedback u = −(K1·θ + K2·θ̇): the linearised plant θ̈ = 15θ + 3u
// becomes θ̈ = (15 − 3K1)θ − 3K2·θ̇, stable when K1 > 5 and K2 > 0; K1 = 12,
// K2 = 2.6 puts the poles at −3.9 ± 2.7i rad/s (natural frequency 4.6
// rad/s, damping ratio 0.85), fast but within the ±2 torque limit for the
// small angles where it is used.
//
// Elsewhere it pumps energy: with E = ½θ̇² + 15(cos θ − 1) (zero when
// standing still upright), dE/dt = 3u·θ̇, so u = 2·sign(θ̇) while E < 0
// raises the energy as fast as the motor allows, and the pendulum arrives
// at the top with just enough energy to be caught.
//
// a is angleNormalize(θ), cos is cos θ.
func pendBase(a, cos, thDot float64) float64 {
	e := 0.5*thDot*thDot + 15*(cos-1)
	if math.Abs(a) < 0.6 && e < 2 {
		return clamp(-(12*a + 2.6*thDot), -pendMaxTorq, pendMaxTorq)
	}
	if e < 0 {
		if thDot >= 0 {
			return pendMaxTorq
		}
		return -pendMaxTorq
	}
	// Too much energy: brake.
	return clamp(-0.5*thDot, -pendMaxTorq, pendMaxTorq)
}

// pendHorizon is the planner's simulated horizon in steps (2 s, longer
// than a swing-up from a standstill at the bottom).
const pendHorizon = 60

// pendCandidates are the first torques the planner compares.
var pendCandidates = [...]float64{-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2}

// pendulum swings the pendulum up and holds it upright, minimising
// Gymnasium's cost θ² + 0.1θ̇² + 0.001u² per step, with one step of policy
// improvement over pendBase: for each candidate torque it simulates
// applying it and then following pendBase for pendHorizon steps, and takes
// the torque with the lowest total cost (ties go to the base law's own
// choice, tried first).
//
// Why: pendBase alone is a good swing-up (energy pumping is the fastest
// way to gain height with a bounded torque) but it switches between its two
// modes at fixed thresholds; the cost is dominated by θ², so every step the
// pendulum reaches the top sooner saves about as much as the whole balance
// phase costs. Comparing first moves on the exact model picks, at every
// step, the better of pumping further or starting to decelerate, which
// the thresholds can only approximate. The improved policy is never worse
// than the base law over the horizon, by construction.
//
// Each simulated step normalises its angle and takes its sine and cosine
// once for the base law and the physics together (TestFastPlanners checks
// that this, and mod2Pi, change no label).
func pendulum(obs, act []float64) {
	th, thDot := math.Atan2(obs[1], obs[0]), obs[2]
	base := pendBase(angleNormalize(th), math.Cos(th), thDot)
	best, bestC := base, pendRollout(th, thDot, base)
	for _, u := range pendCandidates {
		if c := pendRollout(th, thDot, u); c < bestC {
			best, bestC = u, c
		}
	}
	act[0] = best
}

// pendRollout is the cost of applying u once and pendBase afterwards for
// pendHorizon steps in all.
func pendRollout(th, thDot, u float64) float64 {
	th, thDot, total := pendStep(th, angleNormalize(th), math.Sin(th), thDot, u)
	for t := 1; t < pendHorizon; t++ {
		var c float64
		a := angleNormalize(th)
		sin, cos := math.Sincos(th) // bit for bit math.Sin and math.Cos
		th, thDot, c = pendStep(th, a, sin, thDot, pendBase(a, cos, thDot))
		total += c
	}
	return total
}
