package main

import (
	"math"
	"testing"

	"github.com/smgrnn/arena/framework"
)

// episodeReturn runs one seeded episode under a policy.
func episodeReturn(t *testing.T, p framework.Policy, seed uint64) float64 {
	t.Helper()
	env := NewEnv()
	obs, err := env.Reset(framework.Seed(seed))
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	act := make([]float64, 1)
	for {
		if err := p.Act(obs, 1, act); err != nil {
			t.Fatal(err)
		}
		st, err := env.Step(act)
		if err != nil {
			t.Fatal(err)
		}
		total += st.Reward
		obs = st.Obs
		if st.Done() {
			return total
		}
	}
}

type constant float64

func (c constant) Act(obs []float64, n int, actions []float64) error {
	for i := range n {
		actions[i] = float64(c)
	}
	return nil
}

func TestLQRBeatsSimplePolicies(t *testing.T) {
	teacher, err := NewLQR(NewEnv().Spec(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range []uint64{0, 1, 2, 3} {
		lqr := episodeReturn(t, teacher, seed)
		for _, other := range []constant{0, 1, -1} {
			if r := episodeReturn(t, other, seed); r >= lqr {
				t.Errorf("seed %d: constant force %v returns %.3f, LQR only %.3f", seed, other, r, lqr)
			}
		}
	}
}

func TestEnvIsDeterministicForASeed(t *testing.T) {
	teacher, _ := NewLQR(NewEnv().Spec(), "")
	a, b := episodeReturn(t, teacher, 42), episodeReturn(t, teacher, 42)
	if math.Float64bits(a) != math.Float64bits(b) {
		t.Errorf("two episodes of seed 42 return %v and %v", a, b)
	}
}

func TestEnvRejectsBadUse(t *testing.T) {
	tests := []struct {
		name   string
		reset  bool
		action []float64
	}{
		{"step before reset", false, []float64{0}},
		{"force too large", true, []float64{2}},
		{"NaN force", true, []float64{math.NaN()}},
		{"two values", true, []float64{0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := NewEnv()
			if tc.reset {
				env.Reset(framework.Seed(1))
			}
			if _, err := env.Step(tc.action); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestLQRRejectsOtherEnvs(t *testing.T) {
	spec := NewEnv().Spec()
	spec.ID = "CartPole-v1"
	if _, err := NewLQR(spec, ""); err == nil {
		t.Error("lqr accepted CartPole-v1")
	}
	if _, err := NewLQR(NewEnv().Spec(), "x"); err == nil {
		t.Error("lqr accepted an argument")
	}
}

func BenchmarkEnvStep(b *testing.B) {
	env := NewEnv()
	env.Reset(framework.Seed(0))
	act := []float64{0.1}
	for b.Loop() {
		st, _ := env.Step(act)
		if st.Done() {
			env.Reset(nil)
		}
	}
}
