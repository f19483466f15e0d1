package expert

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The planners share work between the states they simulate (trigonometry,
// normalised angles) and take math.Mod's fast cases themselves. Those are
// speed-ups only: TestFastPlanners holds them to the plain planners below,
// as they were written before, label for label and bit for bit.

func TestFastPlanners(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	uniform := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	obs, got, want := make([]float64, 6), make([]float64, 1), make([]float64, 1)
	for i := range 1500 {
		th1, th2 := uniform(-math.Pi, math.Pi), uniform(-math.Pi, math.Pi)
		obs[0], obs[1], obs[2], obs[3] = math.Cos(th1), math.Sin(th1), math.Cos(th2), math.Sin(th2)
		obs[4], obs[5] = uniform(-acroMaxVel1, acroMaxVel1), uniform(-acroMaxVel2, acroMaxVel2)
		if i%3 == 0 { // near the bottom at low speed, where episodes start
			obs[4], obs[5] = uniform(-1, 1), uniform(-1, 1)
		}
		acrobot(obs, got)
		refAcrobot(obs, want)
		if got[0] != want[0] {
			t.Fatalf("Acrobot observation %v: action %v, the plain planner's %v", obs, got[0], want[0])
		}
	}
	for range 5000 {
		th := uniform(-math.Pi, math.Pi)
		obs[0], obs[1], obs[2] = math.Cos(th), math.Sin(th), uniform(-pendMaxSpeed, pendMaxSpeed)
		pendulum(obs[:3], got)
		refPendulum(obs[:3], want)
		if got[0] != want[0] {
			t.Fatalf("Pendulum observation %v: action %v, the plain planner's %v", obs[:3], got[0], want[0])
		}
	}
}

func TestMod2Pi(t *testing.T) {
	const twoPi = 2 * math.Pi
	edges := []float64{0, math.Copysign(0, -1), twoPi, -twoPi, 2 * twoPi, -2 * twoPi, 3 * twoPi, math.Pi, -math.Pi,
		math.Nextafter(twoPi, 0), math.Nextafter(twoPi, 10), math.Nextafter(-twoPi, 0), math.Nextafter(-twoPi, -10),
		math.Nextafter(2*twoPi, 0), math.Nextafter(-2*twoPi, 0), 1e300, -1e300, math.Inf(1), math.NaN()}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		edges = append(edges, (rng.Float64()*2-1)*5*twoPi)
	}
	for _, y := range edges {
		got, want := mod2Pi(y), math.Mod(y, twoPi)
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("mod2Pi(%v) = %v, math.Mod gives %v", y, got, want)
		}
	}
}

func TestClamp(t *testing.T) {
	bounds := [][2]float64{{-0.07, 0.07}, {-1.2, 0.6}, {-pendMaxTorq, pendMaxTorq}, {-pendMaxSpeed, pendMaxSpeed},
		{-acroMaxVel1, acroMaxVel1}, {-acroMaxVel2, acroMaxVel2}}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, b := range bounds {
		lo, hi := b[0], b[1]
		xs := []float64{0, math.Copysign(0, -1), lo, hi, math.Nextafter(lo, -10), math.Nextafter(lo, 10),
			math.Nextafter(hi, -10), math.Nextafter(hi, 10), math.Inf(1), math.Inf(-1), math.NaN(), 1e300, -1e300}
		for range 10000 {
			xs = append(xs, (rng.Float64()*2-1)*3*hi)
		}
		for _, x := range xs {
			got, want := clamp(x, lo, hi), refClamp(x, lo, hi)
			if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("clamp(%v, %v, %v) = %v, math.Min and math.Max give %v", x, lo, hi, got, want)
			}
		}
	}
}

// The plain planners, for TestFastPlanners.

func refClamp(x, lo, hi float64) float64 { return math.Min(math.Max(x, lo), hi) }

func refAcroDeriv(s acroState, a float64) acroState {
	const m1, m2, l1, lc1, lc2, i1, i2 = 1.0, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0
	th1, th2, dth1, dth2 := s[0], s[1], s[2], s[3]
	c2, s2 := math.Cos(th2), math.Sin(th2)
	d1 := m1*lc1*lc1 + m2*(l1*l1+lc2*lc2+2*l1*lc2*c2) + i1 + i2
	d2 := m2*(lc2*lc2+l1*lc2*c2) + i2
	phi2 := m2 * lc2 * acroG * math.Cos(th1+th2-math.Pi/2)
	phi1 := -m2*l1*lc2*dth2*dth2*s2 - 2*m2*l1*lc2*dth2*dth1*s2 +
		(m1*lc1+m2*l1)*acroG*math.Cos(th1-math.Pi/2) + phi2
	ddth2 := (a + d2/d1*phi1 - m2*l1*lc2*dth1*dth1*s2 - phi2) / (m2*lc2*lc2 + i2 - d2*d2/d1)
	ddth1 := -(d2*ddth2 + phi1) / d1
	return acroState{dth1, dth2, ddth1, ddth2}
}

func refAcroStep(s acroState, a float64) acroState {
	const h = acroDt / 2
	add := func(x acroState, k acroState, f float64) acroState {
		return acroState{x[0] + f*k[0], x[1] + f*k[1], x[2] + f*k[2], x[3] + f*k[3]}
	}
	k1 := refAcroDeriv(s, a)
	k2 := refAcroDeriv(add(s, k1, h), a)
	k3 := refAcroDeriv(add(s, k2, h), a)
	k4 := refAcroDeriv(add(s, k3, acroDt), a)
	var n acroState
	for i := range n {
		n[i] = s[i] + acroDt/6*(k1[i]+2*k2[i]+2*k3[i]+k4[i])
	}
	n[0] = wrapAngle(n[0])
	n[1] = wrapAngle(n[1])
	n[2] = refClamp(n[2], -acroMaxVel1, acroMaxVel1)
	n[3] = refClamp(n[3], -acroMaxVel2, acroMaxVel2)
	return n
}

func refAcroHeight(s acroState) float64 { return -math.Cos(s[0]) - math.Cos(s[0]+s[1]) }

func refAcroEnergy(s acroState) float64 {
	th1, th2, w1, w2 := s[0], s[1], s[2], s[3]
	pot := -acroG * (1.5*math.Cos(th1) + 0.5*math.Cos(th1+th2))
	c2 := math.Cos(th2)
	d11 := 0.25 + (1 + 0.25 + c2) + 2
	d12 := 0.25 + 0.5*c2 + 1
	const d22 = 1.25
	kin := 0.5 * (d11*w1*w1 + 2*d12*w1*w2 + d22*w2*w2)
	return pot + kin
}

func refAcrobot(obs, act []float64) {
	s := acroState{math.Atan2(obs[1], obs[0]), math.Atan2(obs[3], obs[2]), obs[4], obs[5]}
	best, bestV := 1, math.Inf(-1)
	for _, a := range [...]int{1, 0, 2} { // zero torque first: it wins ties
		v := refAcroSearch(refAcroStep(s, float64(a-1)), acroDepth-1, 1)
		if v > bestV {
			best, bestV = a, v
		}
	}
	act[0] = float64(best)
}

func refAcroSearch(s acroState, depth, steps int) float64 {
	if refAcroHeight(s) > 1 {
		return 1000 - float64(steps)
	}
	if depth == 0 {
		return refAcroValue(s)
	}
	best := math.Inf(-1)
	for a := -1.0; a <= 1; a++ {
		best = math.Max(best, refAcroSearch(refAcroStep(s, a), depth-1, steps+1))
	}
	return best
}

func refAcroValue(s acroState) float64 {
	return refAcroEnergy(s) + 4*refAcroHeight(s)
}

func refPendStep(th, thDot, u float64) (float64, float64, float64) {
	u = refClamp(u, -pendMaxTorq, pendMaxTorq)
	a := refAngleNormalize(th)
	cost := a*a + 0.1*thDot*thDot + 0.001*u*u
	thDot = refClamp(thDot+(15*math.Sin(th)+3*u)*pendDt, -pendMaxSpeed, pendMaxSpeed)
	return th + thDot*pendDt, thDot, cost
}

func refAngleNormalize(x float64) float64 {
	return math.Mod(math.Mod(x+math.Pi, 2*math.Pi)+2*math.Pi, 2*math.Pi) - math.Pi
}

func refPendBase(th, thDot float64) float64 {
	a := refAngleNormalize(th)
	e := 0.5*thDot*thDot + 15*(math.Cos(th)-1)
	if math.Abs(a) < 0.6 && e < 2 {
		return refClamp(-(12*a + 2.6*thDot), -pendMaxTorq, pendMaxTorq)
	}
	if e < 0 {
		if thDot >= 0 {
			return pendMaxTorq
		}
		return -pendMaxTorq
	}
	return refClamp(-0.5*thDot, -pendMaxTorq, pendMaxTorq)
}

func refPendulum(obs, act []float64) {
	th, thDot := math.Atan2(obs[1], obs[0]), obs[2]
	base := refPendBase(th, thDot)
	best, bestC := base, refPendRollout(th, thDot, base)
	for _, u := range pendCandidates {
		if c := refPendRollout(th, thDot, u); c < bestC {
			best, bestC = u, c
		}
	}
	act[0] = best
}

func refPendRollout(th, thDot, u float64) float64 {
	th, thDot, total := refPendStep(th, thDot, u)
	for t := 1; t < pendHorizon; t++ {
		var c float64
		th, thDot, c = refPendStep(th, thDot, refPendBase(th, thDot))
		total += c
	}
	return total
}
