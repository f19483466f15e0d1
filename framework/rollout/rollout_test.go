package rollout

import (
	"math"
	"reflect"
	"testing"

	"github.com/smgrnn/arena/framework"
)

// countdown is a toy environment: a reset with seed s starts an episode that
// lasts 1 + s%5 steps, rewarding each step with the action taken plus s, so
// a return tells which seed and which actions produced it.
type countdown struct {
	seed    uint64
	left    int
	started bool
}

var countdownSpec = framework.EnvSpec{
	ID:               "Countdown-v0",
	ObservationSpace: framework.NewBox([]float64{0}, []float64{100}),
	ActionSpace:      &framework.Discrete{N: 2},
}

func (c *countdown) Spec() framework.EnvSpec { return countdownSpec }

func (c *countdown) Reset(seed *uint64) ([]float64, error) {
	if seed != nil {
		c.seed = *seed
	} else {
		c.seed += 1000 // a fresh episode without a seed differs visibly
	}
	c.left = 1 + int(c.seed%5)
	c.started = true
	return []float64{float64(c.left)}, nil
}

func (c *countdown) Step(a []float64) (framework.Step, error) {
	if !c.started {
		return framework.Step{}, framework.ErrNeedsReset
	}
	c.left--
	done := c.left == 0
	if done {
		c.started = false
	}
	return framework.Step{Obs: []float64{float64(c.left)}, Reward: a[0] + float64(c.seed), Terminated: done}, nil
}

func (c *countdown) Close() error { return nil }

func toyVector(t *testing.T, n int) framework.VectorEnv {
	t.Helper()
	envs := make([]framework.Env, n)
	for i := range envs {
		envs[i] = &countdown{}
	}
	v, err := framework.NewSyncVectorEnv(envs)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// constPolicy always takes action 1.
type constPolicy struct{}

func (constPolicy) Act(obs []float64, n int, actions []float64) error {
	for i := 0; i < n; i++ {
		actions[i] = 1
	}
	return nil
}

func TestEvaluateSeedsIndependentOfCopies(t *testing.T) {
	const episodes, seed = 13, 40
	want := Episodes{Returns: make([]float64, episodes), Lengths: make([]int, episodes)}
	for i := range episodes {
		s := uint64(seed + i)
		l := 1 + int(s%5)
		want.Lengths[i] = l
		want.Returns[i] = float64(l) * (1 + float64(s))
	}
	for _, n := range []int{1, 3, 4, 13, 16} {
		got, err := Evaluate(toyVector(t, n), constPolicy{}, episodes, seed)
		if err != nil {
			t.Fatalf("%d copies: %v", n, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%d copies: got %+v, want %+v", n, got, want)
		}
	}
}

func TestEvaluateBadInput(t *testing.T) {
	tests := []struct {
		name     string
		venv     framework.VectorEnv
		p        framework.Policy
		episodes int
	}{
		{"zero episodes", toyVector(t, 2), constPolicy{}, 0},
		{"negative episodes", toyVector(t, 2), constPolicy{}, -1},
		{"nil policy", toyVector(t, 2), nil, 3},
		{"nil env", nil, constPolicy{}, 3},
	}
	for _, tt := range tests {
		if _, err := Evaluate(tt.venv, tt.p, tt.episodes, 0); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestRandomPolicyDeterministic(t *testing.T) {
	spaces := []framework.Space{
		&framework.Discrete{N: 3},
		framework.NewBox([]float64{-2, 0}, []float64{2, 1}),
	}
	for _, sp := range spaces {
		act := func(seed uint64) []float64 {
			a := make([]float64, 50*sp.Dim())
			if err := RandomPolicy(sp, seed).Act(nil, 50, a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		a, b, c := act(7), act(7), act(8)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: same seed gave different actions", sp)
		}
		if reflect.DeepEqual(a, c) {
			t.Errorf("%s: different seeds gave the same actions", sp)
		}
		for i := 0; i < 50; i++ {
			if row := a[i*sp.Dim() : (i+1)*sp.Dim()]; !sp.Contains(row) {
				t.Errorf("%s: action %v outside the space", sp, row)
			}
		}
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		xs   []float64
		want Summary
	}{
		{[]float64{1, 2, 3, 4}, Summary{2.5, math.Sqrt(1.25), 1, 4}},
		{[]float64{-5}, Summary{-5, 0, -5, -5}},
		{[]float64{2, 2, 2}, Summary{2, 0, 2, 2}},
	}
	for _, tt := range tests {
		got := Summarize(tt.xs)
		if math.Abs(got.Mean-tt.want.Mean) > 1e-12 || math.Abs(got.Std-tt.want.Std) > 1e-12 || got.Min != tt.want.Min || got.Max != tt.want.Max {
			t.Errorf("Summarize(%v) = %+v, want %+v", tt.xs, got, tt.want)
		}
	}
	if s := Summarize(nil); !math.IsNaN(s.Mean) || !math.IsNaN(s.Std) {
		t.Errorf("Summarize(nil) = %+v, want NaNs", s)
	}
	if m := MeanInt([]int{1, 2, 6}); m != 3 {
		t.Errorf("MeanInt = %v, want 3", m)
	}
}

func BenchmarkEvaluate(b *testing.B) {
	envs := make([]framework.Env, 16)
	for i := range envs {
		envs[i] = &countdown{}
	}
	v, err := framework.NewSyncVectorEnv(envs)
	if err != nil {
		b.Fatal(err)
	}
	p := RandomPolicy(countdownSpec.ActionSpace, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Evaluate(v, p, 100, uint64(i)); err != nil {
			b.Fatal(err)
		}
	}
}
