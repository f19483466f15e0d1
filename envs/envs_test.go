package envs

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/smgrnn/arena/envs/numpyrand"
	"github.com/smgrnn/arena/framework"
)

// stateful is every environment of this package.
type stateful interface {
	framework.InPlaceEnv
	framework.Renderer
	State() []float64
	SetState([]float64) error
}

var ids = []string{CartPoleID, AcrobotID, MountainCarID, MountainCarContinuousID, PendulumID}

func mustMake(t testing.TB, id string) stateful {
	t.Helper()
	e, err := framework.MakeEnv(id)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := e.(stateful)
	if !ok {
		t.Fatalf("%s (%T) lacks InPlaceEnv, Render, State or SetState", id, e)
	}
	return s
}

// action is a fixed, varied action pattern for step i.
func action(space framework.Space, i int, dst []float64) {
	switch s := space.(type) {
	case *framework.Discrete:
		dst[0] = float64(s.Start + (i*7+i/5)%s.N)
	case *framework.Box:
		// Sweeps 1.25 × the bounds, so clipping happens too.
		dst[0] = s.High[0] * 1.25 * math.Sin(float64(i)*0.37)
	}
}

func TestSpecs(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		id        string
		low, high []float64
		act       framework.Space
		maxSteps  int
		threshold float64 // NaN: none
		fps       int     // Gymnasium's metadata["render_fps"]
	}{
		{CartPoleID, []float64{-4.8, -inf, -0.41887903, -inf}, []float64{4.8, inf, 0.41887903, inf}, &framework.Discrete{N: 2}, 500, 475, 50},
		{AcrobotID, []float64{-1, -1, -1, -1, -12.566371, -28.274334}, []float64{1, 1, 1, 1, 12.566371, 28.274334}, &framework.Discrete{N: 3}, 500, -100, 15},
		{MountainCarID, []float64{-1.2, -0.07}, []float64{0.6, 0.07}, &framework.Discrete{N: 3}, 200, -110, 30},
		{MountainCarContinuousID, []float64{-1.2, -0.07}, []float64{0.6, 0.07}, framework.NewBox([]float64{-1}, []float64{1}), 999, 90, 30},
		{PendulumID, []float64{-1, -1, -8}, []float64{1, 1, 8}, framework.NewBox([]float64{-2}, []float64{2}), 200, math.NaN(), 30},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			spec := mustMake(t, tt.id).Spec()
			if spec.ID != tt.id || spec.MaxEpisodeSteps != tt.maxSteps || spec.RenderFPS != tt.fps {
				t.Errorf("ID %q, max steps %d, render fps %d", spec.ID, spec.MaxEpisodeSteps, spec.RenderFPS)
			}
			switch {
			case math.IsNaN(tt.threshold) && spec.RewardThreshold != nil:
				t.Errorf("reward threshold %v, want none", *spec.RewardThreshold)
			case !math.IsNaN(tt.threshold) && (spec.RewardThreshold == nil || *spec.RewardThreshold != tt.threshold):
				t.Errorf("reward threshold %v, want %v", spec.RewardThreshold, tt.threshold)
			}
			// Bounds are float32 values (the given ones rounded).
			want := framework.NewBox(f32s(tt.low...), f32s(tt.high...))
			if !framework.SameSpace(spec.ObservationSpace, want) {
				t.Errorf("observation space %s, want %s", spec.ObservationSpace, want)
			}
			if !framework.SameSpace(spec.ActionSpace, tt.act) {
				t.Errorf("action space %s, want %s", spec.ActionSpace, tt.act)
			}
			for _, s := range []framework.Space{spec.ObservationSpace, spec.ActionSpace} {
				if err := framework.Validate(s); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// episode plays one episode from seed with the fixed action pattern and
// returns everything it observed.
func playEpisode(t *testing.T, e stateful, seed *uint64) (obs [][]float64, rewards []float64, end framework.Step) {
	t.Helper()
	o, err := e.Reset(seed)
	if err != nil {
		t.Fatal(err)
	}
	obs = append(obs, o)
	a := make([]float64, e.Spec().ActionSpace.Dim())
	for i := 0; ; i++ {
		action(e.Spec().ActionSpace, i, a)
		st, err := e.Step(a)
		if err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
		if !e.Spec().ObservationSpace.Contains(st.Obs) {
			t.Fatalf("step %d: observation %v outside %s", i+1, st.Obs, e.Spec().ObservationSpace)
		}
		obs = append(obs, st.Obs)
		rewards = append(rewards, st.Reward)
		if st.Done() {
			return obs, rewards, st
		}
		if i > e.Spec().MaxEpisodeSteps {
			t.Fatal("episode outlived the time limit")
		}
	}
}

func TestSameSeedSameEpisode(t *testing.T) {
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			obs1, r1, end1 := playEpisode(t, mustMake(t, id), framework.Seed(11))
			obs2, r2, end2 := playEpisode(t, mustMake(t, id), framework.Seed(11))
			if !slices.EqualFunc(obs1, obs2, slices.Equal) || !slices.Equal(r1, r2) || end1.Terminated != end2.Terminated {
				t.Fatal("two episodes from seed 11 differ")
			}
			// Reseeding the same instance replays it too.
			e := mustMake(t, id)
			playEpisode(t, e, framework.Seed(5))
			obs3, _, _ := playEpisode(t, e, framework.Seed(11))
			if !slices.EqualFunc(obs1, obs3, slices.Equal) {
				t.Fatal("reseeding a used environment does not replay the episode")
			}
			if !end1.Done() || (end1.Truncated && len(r1) != e.Spec().MaxEpisodeSteps) {
				t.Fatalf("episode ended after %d steps: %+v", len(r1), end1)
			}
		})
	}
}

func TestDifferentSeedsDifferentStarts(t *testing.T) {
	for _, id := range ids {
		e := mustMake(t, id)
		a, _ := e.Reset(framework.Seed(1))
		b, _ := e.Reset(framework.Seed(2))
		if slices.Equal(a, b) {
			t.Errorf("%s: seeds 1 and 2 start at the same observation %v", id, a)
		}
	}
}

// TestResetWithoutSeedContinuesStream checks Reset(nil) against the numpy
// stream: after reset(seed=3), CartPole's next reset draws the next four
// uniforms of Generator(PCG64(SeedSequence(3))).
func TestResetWithoutSeedContinuesStream(t *testing.T) {
	e := NewCartPole()
	if _, err := e.Reset(framework.Seed(3)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Reset(nil); err != nil {
		t.Fatal(err)
	}
	g := numpyrand.New(3)
	for range 4 {
		g.Uniform(-0.05, 0.05)
	}
	for i, got := range e.State() {
		if want := g.Uniform(-0.05, 0.05); got != want {
			t.Errorf("state[%d] = %v after an unseeded reset, want the stream's next draw %v", i, got, want)
		}
	}
	// Every env: seeded then unseeded resets are reproducible and move on.
	for _, id := range ids {
		a, b := mustMake(t, id), mustMake(t, id)
		a1, _ := a.Reset(framework.Seed(8))
		a2, _ := a.Reset(nil)
		b.Reset(framework.Seed(8))
		b2, _ := b.Reset(nil)
		if !slices.Equal(a2, b2) || slices.Equal(a1, a2) {
			t.Errorf("%s: unseeded resets after seed 8 give %v and %v (first %v)", id, a2, b2, a1)
		}
	}
}

func TestFirstUnseededResetUsesEntropy(t *testing.T) {
	for _, id := range ids {
		a, _ := mustMake(t, id).Reset(nil)
		b, _ := mustMake(t, id).Reset(nil)
		if slices.Equal(a, b) {
			t.Errorf("%s: two fresh environments reset without a seed start alike: %v", id, a)
		}
	}
}

func TestStepOutsideEpisode(t *testing.T) {
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			e := mustMake(t, id)
			a := make([]float64, e.Spec().ActionSpace.Dim())
			action(e.Spec().ActionSpace, 0, a)
			if _, err := e.Step(a); !errors.Is(err, framework.ErrNeedsReset) {
				t.Fatalf("step before reset: %v, want ErrNeedsReset", err)
			}
			_, _, end := playEpisode(t, e, framework.Seed(4))
			if _, err := e.Step(a); !errors.Is(err, framework.ErrNeedsReset) {
				t.Fatalf("step after the episode ended (%+v): %v, want ErrNeedsReset", end, err)
			}
			if _, _, _, err := e.StepInto(a, make([]float64, e.Spec().ObservationSpace.Dim())); !errors.Is(err, framework.ErrNeedsReset) {
				t.Fatalf("StepInto after the episode ended: %v", err)
			}
			if _, err := e.Reset(nil); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Step(a); err != nil {
				t.Fatalf("step after a new reset: %v", err)
			}
		})
	}
}

func TestBothEndingsHappen(t *testing.T) {
	// CartPole under the fixed pattern falls over (terminated); Pendulum
	// never terminates and is truncated at 200 steps.
	_, _, end := playEpisode(t, mustMake(t, CartPoleID), framework.Seed(0))
	if !end.Terminated || end.Truncated {
		t.Errorf("CartPole episode ended %+v, want terminated", end)
	}
	_, r, end := playEpisode(t, mustMake(t, PendulumID), framework.Seed(0))
	if end.Terminated || !end.Truncated || len(r) != 200 {
		t.Errorf("Pendulum episode ended %+v after %d steps, want truncated after 200", end, len(r))
	}
}

func TestBadActions(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		id     string
		action []float64
	}{
		{CartPoleID, []float64{2}},
		{CartPoleID, []float64{-1}},
		{CartPoleID, []float64{0.5}},
		{CartPoleID, []float64{nan}},
		{CartPoleID, []float64{0, 1}},
		{CartPoleID, nil},
		{AcrobotID, []float64{3}},
		{AcrobotID, []float64{1e300}},
		{MountainCarID, []float64{inf}},
		{MountainCarContinuousID, []float64{nan}},
		{MountainCarContinuousID, []float64{inf}},
		{MountainCarContinuousID, []float64{1e39}}, // beyond float32
		{MountainCarContinuousID, []float64{0.1, 0.2}},
		{PendulumID, []float64{-inf}},
		{PendulumID, []float64{}},
	}
	for _, tt := range tests {
		e := mustMake(t, tt.id)
		e.Reset(framework.Seed(0))
		before := e.State()
		_, err := e.Step(tt.action)
		var ae *framework.ActionError
		if !errors.As(err, &ae) {
			t.Errorf("%s: action %v gave %v, want an ActionError", tt.id, tt.action, err)
			continue
		}
		if !slices.Equal(e.State(), before) {
			t.Errorf("%s: a rejected action changed the state", tt.id)
		}
		// The episode goes on.
		a := make([]float64, e.Spec().ActionSpace.Dim())
		if _, err := e.Step(a); err != nil {
			t.Errorf("%s: step after a rejected action: %v", tt.id, err)
		}
	}
}

func TestBoxActionClipping(t *testing.T) {
	// MountainCarContinuous: the dynamics clip, the reward charges the
	// action as given.
	step := func(id string, a float64) (framework.Step, []float64) {
		e := mustMake(t, id)
		e.Reset(framework.Seed(1))
		st, err := e.Step([]float64{a})
		if err != nil {
			t.Fatal(err)
		}
		return st, e.State()
	}
	s1, x1 := step(MountainCarContinuousID, 1)
	s2, x2 := step(MountainCarContinuousID, 1.5)
	if !slices.Equal(x1, x2) || s1.Reward != -0.1 || s2.Reward != -0.225 {
		t.Errorf("MountainCarContinuous: states %v %v, rewards %v %v", x1, x2, s1.Reward, s2.Reward)
	}
	// Pendulum: both the dynamics and the reward use the clipped torque.
	p1, y1 := step(PendulumID, -2)
	p2, y2 := step(PendulumID, -7)
	if !slices.Equal(y1, y2) || p1.Reward != p2.Reward {
		t.Errorf("Pendulum: states %v %v, rewards %v %v", y1, y2, p1.Reward, p2.Reward)
	}
}

func TestStateAndSetState(t *testing.T) {
	for _, id := range ids {
		e := mustMake(t, id)
		n := len(e.State())
		st := make([]float64, n)
		for i := range st {
			st[i] = 0.01 * float64(i+1)
		}
		if err := e.SetState(st); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(e.State(), st) {
			t.Errorf("%s: State() = %v after SetState(%v)", id, e.State(), st)
		}
		got := e.State()
		got[0] = 99 // State returns a copy
		if e.State()[0] == 99 {
			t.Errorf("%s: State shares memory with the environment", id)
		}
		nanState := []float64{math.NaN(), 0, 0, 0}[:n]
		for _, bad := range [][]float64{st[:n-1], append(slices.Clone(st), 0), nanState} {
			if err := e.SetState(bad); err == nil {
				t.Errorf("%s: SetState(%v) accepted", id, bad)
			}
		}
		if _, err := e.Step(make([]float64, e.Spec().ActionSpace.Dim())); !errors.Is(err, framework.ErrNeedsReset) {
			t.Errorf("%s: SetState started an episode: %v", id, err)
		}
	}
}

func TestObservationBuffer(t *testing.T) {
	for _, id := range ids {
		e := mustMake(t, id)
		dim := e.Spec().ObservationSpace.Dim()
		if err := e.ResetInto(framework.Seed(0), make([]float64, dim+1)); err == nil {
			t.Errorf("%s: ResetInto accepted a buffer of %d values", id, dim+1)
		}
		if err := e.ResetInto(framework.Seed(0), make([]float64, dim)); err != nil {
			t.Fatal(err)
		}
		a := make([]float64, e.Spec().ActionSpace.Dim())
		if _, _, _, err := e.StepInto(a, make([]float64, dim-1)); err == nil {
			t.Errorf("%s: StepInto accepted a buffer of %d values", id, dim-1)
		}
	}
}

func TestRender(t *testing.T) {
	sizes := map[string][2]int{CartPoleID: {600, 400}, AcrobotID: {500, 500}, MountainCarID: {600, 400}, MountainCarContinuousID: {600, 400}, PendulumID: {500, 500}}
	for _, id := range ids {
		e := mustMake(t, id)
		e.Reset(framework.Seed(0))
		e.Step(make([]float64, e.Spec().ActionSpace.Dim()))
		img, err := e.Render()
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != sizes[id][0] || b.Dy() != sizes[id][1] {
			t.Errorf("%s: image %v, want %v", id, b, sizes[id])
		}
	}
}

func TestCloseTwice(t *testing.T) {
	for _, id := range ids {
		e := mustMake(t, id)
		if err := e.Close(); err != nil {
			t.Error(err)
		}
		if err := e.Close(); err != nil {
			t.Errorf("%s: second close: %v", id, err)
		}
	}
}

func TestStepDoesNotAllocate(t *testing.T) {
	for _, id := range ids {
		e := mustMake(t, id)
		obs := make([]float64, e.Spec().ObservationSpace.Dim())
		a := make([]float64, e.Spec().ActionSpace.Dim())
		e.ResetInto(framework.Seed(0), obs)
		i := 0
		allocs := testing.AllocsPerRun(1000, func() {
			action(e.Spec().ActionSpace, i, a)
			i++
			if _, term, trunc, _ := e.StepInto(a, obs); term || trunc {
				e.ResetInto(nil, obs)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: StepInto/ResetInto allocate %v times a step", id, allocs)
		}
	}
}

func TestVectorEnvDoesNotAllocate(t *testing.T) {
	for _, id := range ids {
		v, err := framework.MakeVectorEnv(id, 8)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Reset(framework.Seed(0)); err != nil {
			t.Fatal(err)
		}
		actDim := v.Spec().ActionSpace.Dim()
		actions := make([]float64, 8*actDim)
		i := 0
		allocs := testing.AllocsPerRun(1000, func() {
			for j := range 8 {
				action(v.Spec().ActionSpace, i+j, actions[j*actDim:(j+1)*actDim])
			}
			i++
			if _, err := v.Step(actions); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: vector step allocates %v times", id, allocs)
		}
	}
}
