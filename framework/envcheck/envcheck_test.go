package envcheck

import (
	"errors"
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework"
)

// toy is a small, correct InPlaceEnv and Renderer: a point on a line
// pushed left or right by a Discrete(2) action. Each field breaks one
// part of the contract, so every check can be seen failing.
type toy struct {
	badSpace        bool // observation space with low > high
	emptyID         bool // spec without an ID
	obsOutside      bool // observations leave the space
	wrongLen        bool // step observations of the wrong length
	notFloat32      bool // observations not representable as float32
	nondet          bool // the same seed gives a different episode
	ignoreSeed      bool // every seed gives the same start
	stepAfterDone   bool // steps after the end are accepted
	panicAfterDone  bool // steps after the end panic
	acceptBad       bool // out-of-space actions are clamped
	nanReward       bool // rewards are NaN
	noLimit         bool // ignores its time limit
	inPlaceMismatch bool // StepInto differs from Step
	renderErr       bool // Render fails
	closeTwiceErr   bool // the second Close fails
	unstableSpec    bool // a second instance has another spec
	sharedRNG       bool // instances share one random stream

	rng     **rand.Rand // the instance's stream, or the one all share
	x       float64
	t       int
	started bool
	closed  bool
	calls   *int // counts instances, for nondet and unstableSpec
}

const toyLimit = 30

func (e *toy) Spec() framework.EnvSpec {
	low, high := []float64{-1, -1}, []float64{1, 1}
	if e.badSpace {
		low[0] = 2
	}
	id := "Toy-v0"
	if e.emptyID {
		id = ""
	}
	if e.unstableSpec && e.calls != nil && *e.calls > 1 {
		id = "Toy-v1"
	}
	return framework.EnvSpec{
		ID:               id,
		ObservationSpace: framework.NewBox(low, high),
		ActionSpace:      &framework.Discrete{N: 2},
		MaxEpisodeSteps:  toyLimit,
	}
}

func (e *toy) obs(dst []float64) {
	dst[0] = float64(float32(e.x))
	dst[1] = float64(float32(float64(e.t) / toyLimit))
	if e.obsOutside && e.t > 2 {
		dst[0] = 5
	}
	if e.notFloat32 {
		dst[1] = 0.1
	}
}

func (e *toy) ResetInto(seed *uint64, obs []float64) error {
	if seed != nil {
		s := *seed
		if e.ignoreSeed {
			s = 0
		}
		if e.nondet {
			*e.calls++
			s += uint64(*e.calls)
		}
		*e.rng = rand.New(rand.NewPCG(s, 1))
	}
	if *e.rng == nil {
		*e.rng = rand.New(rand.NewPCG(0, 1))
	}
	e.x = (*e.rng).Float64()*0.2 - 0.1
	e.t = 0
	e.started = true
	e.obs(obs)
	return nil
}

func (e *toy) StepInto(action, obs []float64) (float64, bool, bool, error) {
	if !e.started {
		if e.panicAfterDone {
			panic("toy: step without reset")
		}
		if !e.stepAfterDone {
			return 0, false, false, framework.ErrNeedsReset
		}
	}
	d := &framework.Discrete{N: 2}
	if !d.Contains(action) {
		if !e.acceptBad {
			return 0, false, false, &framework.ActionError{Action: action, Space: d}
		}
		action = []float64{0}
	}
	e.x += 0.05*(2*action[0]-1) + 1e-3*(*e.rng).Float64()
	e.t++
	term := math.Abs(e.x) > 0.5
	trunc := !term && e.t >= toyLimit && !e.noLimit
	if e.noLimit && e.t >= toyLimit {
		e.t = toyLimit // keep the observation inside the space
	}
	e.started = !(term || trunc)
	e.obs(obs)
	r := 1.0
	if e.nanReward {
		r = math.NaN()
	}
	return r, term, trunc, nil
}

func (e *toy) Reset(seed *uint64) ([]float64, error) {
	obs := make([]float64, 2)
	return obs, e.ResetInto(seed, obs)
}

func (e *toy) Step(action []float64) (framework.Step, error) {
	obs := make([]float64, 2)
	r, term, trunc, err := e.StepInto(action, obs)
	if e.wrongLen {
		obs = append(obs, 0)
	}
	if e.inPlaceMismatch {
		r += 1
	}
	return framework.Step{Obs: obs, Reward: r, Terminated: term, Truncated: trunc}, err
}

func (e *toy) Close() error {
	if e.closed && e.closeTwiceErr {
		return errors.New("already closed")
	}
	e.closed = true
	return nil
}

func (e *toy) Render() (framework.Image, error) {
	if e.renderErr {
		return nil, errors.New("no display")
	}
	return image.NewRGBA(image.Rect(0, 0, 4, 4)), nil
}

// maker returns an EnvMaker of toys configured by set.
func maker(set func(*toy)) framework.EnvMaker {
	calls := new(int)
	shared := new(*rand.Rand)
	return func() (framework.Env, error) {
		e := &toy{calls: calls, rng: new(*rand.Rand)}
		if set != nil {
			set(e)
		}
		if e.sharedRNG {
			e.rng = shared
		}
		if e.unstableSpec {
			*calls++
		}
		return e, nil
	}
}

func failedNames(rs []Result) []string {
	var names []string
	for _, r := range rs {
		if !r.Passed() {
			names = append(names, r.Name)
		}
	}
	return names
}

func TestCorrectToyPasses(t *testing.T) {
	rs := Check(maker(nil))
	if len(rs) != 16 {
		t.Errorf("got %d results, want 16", len(rs))
	}
	for _, r := range rs {
		if !r.Passed() {
			t.Errorf("%s", r)
		}
	}
}

func TestEachCheckCanFail(t *testing.T) {
	tests := []struct {
		name string
		set  func(*toy)
		want string // a check that must fail
	}{
		{"bad space", func(e *toy) { e.badSpace = true }, "spaces"},
		{"empty ID", func(e *toy) { e.emptyID = true }, "spec"},
		{"unstable spec", func(e *toy) { e.unstableSpec = true }, "spec"},
		{"step before reset panics", func(e *toy) { e.panicAfterDone = true }, "step-before-reset"},
		{"step before reset accepted", func(e *toy) { e.stepAfterDone = true }, "step-before-reset"},
		{"observation outside", func(e *toy) { e.obsOutside = true }, "step-observations"},
		{"wrong length", func(e *toy) { e.wrongLen = true }, "step-observations"},
		{"not float32", func(e *toy) { e.notFloat32 = true }, "reset-observation"},
		{"NaN reward", func(e *toy) { e.nanReward = true }, "rewards-finite"},
		{"no time limit", func(e *toy) { e.noLimit = true }, "time-limit"},
		{"nondeterministic", func(e *toy) { e.nondet = true }, "same-seed-same-episode"},
		{"seed ignored", func(e *toy) { e.ignoreSeed = true }, "different-seeds-differ"},
		{"step after done accepted", func(e *toy) { e.stepAfterDone = true }, "step-after-done"},
		{"step after done panics", func(e *toy) { e.panicAfterDone = true }, "step-after-done"},
		{"bad action clamped", func(e *toy) { e.acceptBad = true }, "invalid-actions"},
		{"in-place mismatch", func(e *toy) { e.inPlaceMismatch = true }, "in-place"},
		{"shared random stream", func(e *toy) { e.sharedRNG = true }, "vector"},
		{"render error", func(e *toy) { e.renderErr = true }, "render"},
		{"close twice", func(e *toy) { e.closeTwiceErr = true }, "close-twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := Check(maker(tt.set))
			failed := failedNames(rs)
			if !slices.Contains(failed, tt.want) {
				t.Errorf("check %q passed; failed: %v", tt.want, failed)
			}
			if Failed(rs) != len(failed) {
				t.Errorf("Failed = %d, want %d", Failed(rs), len(failed))
			}
			for _, r := range rs {
				if r.Name == tt.want && !strings.HasPrefix(r.String(), "FAIL "+tt.want+": ") {
					t.Errorf("String() = %q", r.String())
				}
			}
		})
	}
}

func TestMakeFailure(t *testing.T) {
	for _, m := range []framework.EnvMaker{
		func() (framework.Env, error) { return nil, errors.New("no such file") },
		func() (framework.Env, error) { return nil, nil },
	} {
		rs := Check(m)
		if len(rs) != 1 || rs[0].Name != "make" || rs[0].Passed() {
			t.Errorf("got %v, want one failed make check", rs)
		}
	}
}

// plainEnv hides the toy's InPlaceEnv and Renderer methods.
type plainEnv struct{ e *toy }

func (p plainEnv) Spec() framework.EnvSpec                  { return p.e.Spec() }
func (p plainEnv) Reset(s *uint64) ([]float64, error)       { return p.e.Reset(s) }
func (p plainEnv) Step(a []float64) (framework.Step, error) { return p.e.Step(a) }
func (p plainEnv) Close() error                             { return p.e.Close() }

func TestOptionalInterfacesAreNoted(t *testing.T) {
	rs := Check(func() (framework.Env, error) { return plainEnv{&toy{calls: new(int), rng: new(*rand.Rand)}}, nil })
	notes := map[string]string{}
	for _, r := range rs {
		if !r.Passed() {
			t.Errorf("%s", r)
		}
		notes[r.Name] = r.Note
	}
	if notes["in-place"] != "not an InPlaceEnv" || notes["render"] != "not a Renderer" {
		t.Errorf("notes: in-place %q, render %q", notes["in-place"], notes["render"])
	}
}

func TestSeedOption(t *testing.T) {
	for _, seed := range []uint64{0, 1, 1 << 40} {
		if n := Failed(CheckWith(maker(nil), Options{Seed: seed})); n != 0 {
			t.Errorf("seed %d: %d checks failed", seed, n)
		}
	}
}

func BenchmarkCheckToy(b *testing.B) {
	m := maker(nil)
	for b.Loop() {
		Check(m)
	}
}
