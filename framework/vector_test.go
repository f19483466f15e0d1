package framework

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// countEnv is a toy InPlaceEnv. Its observation is [start, t]: start is
// the reset's seed, or the previous start plus 100 on a reset without a
// seed (standing for a continuing random stream), and t counts steps. An
// episode ends after length steps (terminated, or truncated when truncate
// is set); the reward is the action's value.
type countEnv struct {
	id       string
	length   int
	truncate bool
	failAt   int // Step fails at this step of an episode (0: never)
	closeErr error

	start   float64
	t       int
	started bool
	closed  int
}

func (e *countEnv) Spec() EnvSpec {
	id := e.id
	if id == "" {
		id = "Count-v0"
	}
	return EnvSpec{
		ID:               id,
		ObservationSpace: NewBox([]float64{-math.Inf(1), 0}, []float64{math.Inf(1), math.Inf(1)}),
		ActionSpace:      countActions,
	}
}

// countActions is countEnv's action space, shared so that checking an
// action does not allocate.
var countActions = &Discrete{N: 3}

func (e *countEnv) ResetInto(seed *uint64, obs []float64) error {
	if seed != nil {
		e.start = float64(*seed)
	} else {
		e.start += 100
	}
	e.t, e.started = 0, true
	obs[0], obs[1] = e.start, 0
	return nil
}

func (e *countEnv) StepInto(action, obs []float64) (float64, bool, bool, error) {
	if !e.started {
		return 0, false, false, ErrNeedsReset
	}
	if !countActions.Contains(action) {
		return 0, false, false, &ActionError{Action: action, Space: countActions}
	}
	e.t++
	if e.t == e.failAt {
		return 0, false, false, errors.New("simulated failure")
	}
	length := max(e.length, 1)
	done := e.t >= length
	e.started = !done
	obs[0], obs[1] = e.start, float64(e.t)
	return action[0], done && !e.truncate, done && e.truncate, nil
}

func (e *countEnv) Reset(seed *uint64) ([]float64, error) { return ResetAlloc(e, 2, seed) }

func (e *countEnv) Step(action []float64) (Step, error) { return StepAlloc(e, 2, action) }

func (e *countEnv) Close() error {
	e.closed++
	return e.closeErr
}

// plainEnv exposes only a countEnv's Env methods, forcing the vector env's
// fallback path; extra appends a value to every step's observation.
type plainEnv struct {
	e     *countEnv
	extra bool
}

func (p plainEnv) Spec() EnvSpec                         { return p.e.Spec() }
func (p plainEnv) Reset(seed *uint64) ([]float64, error) { return p.e.Reset(seed) }
func (p plainEnv) Close() error                          { return p.e.Close() }
func (p plainEnv) Step(a []float64) (Step, error) {
	st, err := p.e.Step(a)
	if p.extra {
		st.Obs = append(st.Obs, 0)
	}
	return st, err
}

// counts makes count envs of the given episode lengths, plain or in place.
func counts(plain bool, lengths ...int) ([]Env, []*countEnv) {
	envs := make([]Env, len(lengths))
	raw := make([]*countEnv, len(lengths))
	for i, l := range lengths {
		raw[i] = &countEnv{length: l}
		envs[i] = raw[i]
		if plain {
			envs[i] = plainEnv{e: raw[i]}
		}
	}
	return envs, raw
}

func TestSyncVectorEnvConstruction(t *testing.T) {
	if _, err := NewSyncVectorEnv(nil); err == nil {
		t.Error("no copies accepted")
	}
	if _, err := NewSyncVectorEnv([]Env{&countEnv{}, &countEnv{id: "Other-v0"}}); err == nil || !strings.Contains(err.Error(), "copy 1 is Other-v0") {
		t.Errorf("copies of different envs: %v", err)
	}
	RegisterEnv("test-Count-v0", func() (Env, error) { return &countEnv{id: "test-Count-v0"}, nil })
	if _, err := MakeVectorEnv("test-Count-v0", 0); err == nil {
		t.Error("zero copies accepted")
	}
	if _, err := MakeVectorEnv("test-Missing-v0", 2); err == nil || !strings.Contains(err.Error(), "unknown environment") {
		t.Errorf("unknown env: %v", err)
	}
	v, err := MakeVectorEnv("test-Count-v0", 4)
	if err != nil {
		t.Fatal(err)
	}
	if v.NumEnvs() != 4 || v.Spec().ID != "test-Count-v0" {
		t.Errorf("NumEnvs %d, Spec %s", v.NumEnvs(), v.Spec().ID)
	}
}

func TestSyncVectorEnvResetSeeds(t *testing.T) {
	for _, plain := range []bool{false, true} {
		envs, _ := counts(plain, 3, 3, 3)
		v, err := NewSyncVectorEnv(envs)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Step([]float64{0, 0, 0}); !errors.Is(err, ErrNeedsReset) {
			t.Errorf("plain=%v: step before reset: %v", plain, err)
		}
		obs, err := v.Reset(Seed(10))
		if err != nil || !slices.Equal(obs, []float64{10, 0, 11, 0, 12, 0}) {
			t.Errorf("plain=%v: Reset(10) = %v, %v; want copy i seeded 10+i", plain, obs, err)
		}
		obs, err = v.Reset(nil)
		if err != nil || !slices.Equal(obs, []float64{110, 0, 111, 0, 112, 0}) {
			t.Errorf("plain=%v: Reset(nil) = %v, %v; want each copy to continue", plain, obs, err)
		}
		for _, bad := range [][]float64{nil, {0, 0}, {0, 0, 0, 0}} {
			if _, err := v.Step(bad); err == nil || !strings.Contains(err.Error(), "want 3 copies") {
				t.Errorf("plain=%v: %d actions: %v", plain, len(bad), err)
			}
		}
	}
}

// TestSyncVectorEnvAutoreset checks Gymnasium's SAME_STEP mode: a copy whose
// episode ends is reset in the same step, its last observation kept in
// FinalObs.
func TestSyncVectorEnvAutoreset(t *testing.T) {
	for _, plain := range []bool{false, true} {
		lengths := []int{1, 2, 3}
		envs, raw := counts(plain, lengths...)
		raw[2].truncate = true
		v, _ := NewSyncVectorEnv(envs)
		if _, err := v.Reset(Seed(0)); err != nil {
			t.Fatal(err)
		}
		starts := []float64{0, 1, 2}
		steps := []int{0, 0, 0}
		for k := 1; k <= 6; k++ {
			st, err := v.Step([]float64{0, 1, 2})
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range lengths {
				steps[i]++
				done := steps[i] == l
				if st.Rewards[i] != float64(i) {
					t.Errorf("plain=%v step %d copy %d: reward %v", plain, k, i, st.Rewards[i])
				}
				if st.Terminated[i] != (done && i != 2) || st.Truncated[i] != (done && i == 2) {
					t.Errorf("plain=%v step %d copy %d: terminated %v truncated %v, episode done %v",
						plain, k, i, st.Terminated[i], st.Truncated[i], done)
				}
				row := st.Obs[2*i : 2*i+2]
				if !done {
					if !slices.Equal(row, []float64{starts[i], float64(steps[i])}) {
						t.Errorf("plain=%v step %d copy %d: obs %v", plain, k, i, row)
					}
					continue
				}
				if fin := st.FinalObs[2*i : 2*i+2]; !slices.Equal(fin, []float64{starts[i], float64(l)}) {
					t.Errorf("plain=%v step %d copy %d: final obs %v, want [%v %d]", plain, k, i, fin, starts[i], l)
				}
				starts[i] += 100 // the autoreset continues the copy's stream
				steps[i] = 0
				if !slices.Equal(row, []float64{starts[i], 0}) {
					t.Errorf("plain=%v step %d copy %d: obs after autoreset %v, want [%v 0]", plain, k, i, row, starts[i])
				}
			}
		}
	}
}

func TestSyncVectorEnvPathsAgree(t *testing.T) {
	record := func(plain bool) string {
		envs, _ := counts(plain, 2, 5, 3, 1)
		v, _ := NewSyncVectorEnv(envs)
		obs, _ := v.Reset(Seed(7))
		out := fmt.Sprint(obs)
		for k := range 12 {
			st, err := v.Step([]float64{float64(k % 3), 1, 2, 0})
			if err != nil {
				t.Fatal(err)
			}
			// FinalObs rows of copies that did not end are unspecified.
			for i := range 4 {
				fin := []float64(nil)
				if st.Terminated[i] || st.Truncated[i] {
					fin = st.FinalObs[2*i : 2*i+2]
				}
				out += fmt.Sprint(st.Obs[2*i:2*i+2], st.Rewards[i], st.Terminated[i], st.Truncated[i], fin)
			}
		}
		return out
	}
	if a, b := record(false), record(true); a != b {
		t.Errorf("in-place and fallback paths differ:\n%s\n%s", a, b)
	}
}

func TestSyncVectorEnvZeroAllocs(t *testing.T) {
	envs, _ := counts(false, 1, 2, 3, 4)
	v, _ := NewSyncVectorEnv(envs)
	if _, err := v.Reset(Seed(1)); err != nil {
		t.Fatal(err)
	}
	actions := []float64{0, 1, 2, 1}
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := v.Step(actions); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per Step, want 0", allocs)
	}
}

func TestSyncVectorEnvCopyErrors(t *testing.T) {
	for _, plain := range []bool{false, true} {
		envs, raw := counts(plain, 5, 5)
		raw[1].failAt = 2
		v, _ := NewSyncVectorEnv(envs)
		v.Reset(Seed(0))
		if _, err := v.Step([]float64{0, 0}); err != nil {
			t.Fatal(err)
		}
		_, err := v.Step([]float64{0, 0})
		if err == nil || !strings.Contains(err.Error(), "vector env copy 1: simulated failure") {
			t.Errorf("plain=%v: failing copy: %v", plain, err)
		}
		if _, err := v.Step([]float64{0, 0}); !errors.Is(err, ErrNeedsReset) {
			t.Errorf("plain=%v: step after a failure: %v, want ErrNeedsReset", plain, err)
		}
		if _, err := v.Reset(Seed(0)); err != nil {
			t.Errorf("plain=%v: reset after a failure: %v", plain, err)
		}
	}
	// A fallback copy whose observation has the wrong length.
	v, _ := NewSyncVectorEnv([]Env{plainEnv{e: &countEnv{length: 3}, extra: true}})
	v.Reset(nil)
	if _, err := v.Step([]float64{1}); err == nil || !strings.Contains(err.Error(), "3 values") {
		t.Errorf("wrong observation length: %v", err)
	}
	// A copy rejecting its action: the error keeps its type.
	v, _ = NewSyncVectorEnv([]Env{&countEnv{length: 3}})
	v.Reset(nil)
	var ae *ActionError
	if _, err := v.Step([]float64{7}); !errors.As(err, &ae) {
		t.Errorf("action error not wrapped: %v", err)
	}
}

func TestSyncVectorEnvClose(t *testing.T) {
	envs, raw := counts(false, 1, 1, 1)
	raw[1].closeErr = errors.New("first")
	raw[2].closeErr = errors.New("second")
	v, _ := NewSyncVectorEnv(envs)
	if err := v.Close(); err == nil || err.Error() != "first" {
		t.Errorf("Close = %v, want the first error", err)
	}
	for i, e := range raw {
		if e.closed != 1 {
			t.Errorf("copy %d closed %d times", i, e.closed)
		}
	}
}

func BenchmarkSyncVectorEnvStep(b *testing.B) {
	envs, _ := counts(false, 7, 11, 13, 17, 19, 23, 29, 31)
	v, _ := NewSyncVectorEnv(envs)
	v.Reset(Seed(0))
	actions := make([]float64, 8)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Step(actions); err != nil {
			b.Fatal(err)
		}
	}
}

// ResetAlloc and StepAlloc return what ResetInto and StepInto wrote into
// a fresh slice, and nothing but the error when those fail.
func TestAllocWrappers(t *testing.T) {
	e := &countEnv{length: 2}
	if st, err := StepAlloc(e, 2, []float64{1}); !errors.Is(err, ErrNeedsReset) || st.Obs != nil {
		t.Errorf("step before reset: %+v, %v; want no observation and ErrNeedsReset", st, err)
	}
	obs, err := ResetAlloc(e, 2, Seed(7))
	if err != nil || !slices.Equal(obs, []float64{7, 0}) {
		t.Fatalf("reset: %v, %v; want [7 0]", obs, err)
	}
	st, err := StepAlloc(e, 2, []float64{2})
	if err != nil || !slices.Equal(st.Obs, []float64{7, 1}) || st.Reward != 2 || st.Terminated || st.Truncated {
		t.Errorf("step: %+v, %v; want obs [7 1], reward 2, not done", st, err)
	}
	st, _ = StepAlloc(e, 2, []float64{0})
	if !st.Terminated || st.Truncated {
		t.Errorf("second step of a 2-step episode: %+v, want terminated", st)
	}
}
