// Package envcheck checks that an environment keeps framework.Env's
// contract, like Gymnasium's check_env: well-formed spaces and spec,
// observations inside the observation space, reproducible episodes for a
// seed, distinct starts for distinct seeds, errors (never panics) for
// misuse, and an idempotent Close.
//
// Every check makes its own fresh instance, so one broken behaviour shows
// up in one named check instead of cascading through the rest.
package envcheck

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/smgrnn/arena/framework"
)

// Result is the outcome of one named check.
type Result struct {
	// Name identifies the check, e.g. "reset-observation".
	Name string
	// Err says why the check failed; nil when it passed.
	Err error
	// Note adds detail to a pass, e.g. that the check did not apply.
	Note string
}

// Passed reports whether the check passed.
func (r Result) Passed() bool { return r.Err == nil }

// String gives one line: "PASS name", "PASS name (note)" or
// "FAIL name: reason".
func (r Result) String() string {
	switch {
	case r.Err != nil:
		return fmt.Sprintf("FAIL %s: %v", r.Name, r.Err)
	case r.Note != "":
		return fmt.Sprintf("PASS %s (%s)", r.Name, r.Note)
	}
	return "PASS " + r.Name
}

// Failed counts the failed results.
func Failed(results []Result) int {
	n := 0
	for _, r := range results {
		if !r.Passed() {
			n++
		}
	}
	return n
}

// Options tune Check.
type Options struct {
	// Seed is the base seed of every episode the checks run.
	Seed uint64
	// MaxSteps caps an episode of an environment whose spec has no time
	// limit (default 1000).
	MaxSteps int
}

// Check runs every check on environments made by make, with Options{}.
func Check(make framework.EnvMaker) []Result {
	return CheckWith(make, Options{})
}

// CheckWith runs every check, in a fixed order, and returns one result
// each. If make fails, the only result is the failed "make" check.
func CheckWith(make framework.EnvMaker, opt Options) []Result {
	if opt.MaxSteps <= 0 {
		opt.MaxSteps = 1000
	}
	c := &checker{make: make, opt: opt}
	first := c.run("make", func() (string, error) {
		env, err := make()
		if err != nil {
			return "", err
		}
		if env == nil {
			return "", errors.New("maker returned a nil environment")
		}
		c.spec = env.Spec()
		return "", closeErr(env)
	})
	if !first.Passed() {
		return []Result{first}
	}
	results := []Result{first}
	for _, ch := range []struct {
		name string
		fn   func() (string, error)
	}{
		{"spaces", c.spaces},
		{"spec", c.specSane},
		{"step-before-reset", c.stepBeforeReset},
		{"reset-observation", c.resetObservation},
		{"step-observations", c.stepObservations},
		{"rewards-finite", c.rewardsFinite},
		{"time-limit", c.timeLimit},
		{"same-seed-same-episode", c.sameSeed},
		{"different-seeds-differ", c.differentSeeds},
		{"step-after-done", c.stepAfterDone},
		{"invalid-actions", c.invalidActions},
		{"in-place", c.inPlace},
		{"vector", c.vector},
		{"render", c.render},
		{"close-twice", c.closeTwice},
	} {
		results = append(results, c.run(ch.name, ch.fn))
	}
	return results
}

type checker struct {
	make framework.EnvMaker
	opt  Options
	spec framework.EnvSpec
	// ep caches the episode every observation check inspects.
	ep *episode
}

// run calls fn, turning a panic into a failure: a panic on misuse is
// itself one of the contract breaches this package looks for.
func (c *checker) run(name string, fn func() (string, error)) (res Result) {
	res.Name = name
	defer func() {
		if p := recover(); p != nil {
			res.Err = fmt.Errorf("panicked: %v", p)
			res.Note = ""
		}
	}()
	res.Note, res.Err = fn()
	return res
}

// fresh makes an environment for one check.
func (c *checker) fresh() (framework.Env, error) {
	env, err := c.make()
	if err != nil {
		return nil, fmt.Errorf("making the environment: %w", err)
	}
	if env == nil {
		return nil, errors.New("maker returned a nil environment")
	}
	return env, nil
}

func closeErr(env framework.Env) error {
	if err := env.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

func (c *checker) spaces() (string, error) {
	if err := framework.Validate(c.spec.ObservationSpace); err != nil {
		return "", fmt.Errorf("observation space: %w", err)
	}
	if err := framework.Validate(c.spec.ActionSpace); err != nil {
		return "", fmt.Errorf("action space: %w", err)
	}
	return fmt.Sprintf("observations %s, actions %s", c.spec.ObservationSpace, c.spec.ActionSpace), nil
}

func (c *checker) specSane() (string, error) {
	s := c.spec
	if s.ID == "" {
		return "", errors.New("spec has an empty ID")
	}
	if s.MaxEpisodeSteps < 0 {
		return "", fmt.Errorf("max episode steps is %d", s.MaxEpisodeSteps)
	}
	if s.RewardThreshold != nil && (math.IsNaN(*s.RewardThreshold) || math.IsInf(*s.RewardThreshold, 0)) {
		return "", fmt.Errorf("reward threshold is %v", *s.RewardThreshold)
	}
	// The spec must not change with the instance or over time: vector
	// environments and students are built from one copy's spec.
	env, err := c.fresh()
	if err != nil {
		return "", err
	}
	defer env.Close()
	if _, err := env.Reset(framework.Seed(c.opt.Seed)); err != nil {
		return "", fmt.Errorf("reset: %w", err)
	}
	t := env.Spec()
	if t.ID != s.ID || t.MaxEpisodeSteps != s.MaxEpisodeSteps ||
		!framework.SameSpace(t.ObservationSpace, s.ObservationSpace) ||
		!framework.SameSpace(t.ActionSpace, s.ActionSpace) {
		return "", fmt.Errorf("the spec of a second instance after a reset differs: %s %s %s vs %s %s %s",
			t.ID, t.ObservationSpace, t.ActionSpace, s.ID, s.ObservationSpace, s.ActionSpace)
	}
	return "", nil
}

func (c *checker) stepBeforeReset() (string, error) {
	env, err := c.fresh()
	if err != nil {
		return "", err
	}
	defer env.Close()
	a := make([]float64, c.spec.ActionSpace.Dim())
	c.spec.ActionSpace.Sample(c.actionRNG(), a)
	if _, err := env.Step(a); err == nil {
		return "", errors.New("step before the first reset was accepted")
	} else if !errors.Is(err, framework.ErrNeedsReset) {
		return fmt.Sprintf("error %q does not wrap framework.ErrNeedsReset", err), nil
	}
	return "", nil
}

// checkObs says why obs is not a valid observation, or returns nil.
func (c *checker) checkObs(obs []float64) error {
	space := c.spec.ObservationSpace
	if len(obs) != space.Dim() {
		return fmt.Errorf("observation has %d values, the space has %d", len(obs), space.Dim())
	}
	if !space.Contains(obs) {
		return fmt.Errorf("observation %v is outside %s", obs, space)
	}
	for i, v := range obs {
		// Gymnasium's observations are float32: arena carries them as
		// float64 values that convert back exactly.
		if float64(float32(v)) != v {
			return fmt.Errorf("observation value %d (%v) is not a float32", i, v)
		}
	}
	return nil
}

func (c *checker) resetObservation() (string, error) {
	env, err := c.fresh()
	if err != nil {
		return "", err
	}
	defer env.Close()
	for _, seed := range []*uint64{framework.Seed(c.opt.Seed), nil, framework.Seed(c.opt.Seed + 7)} {
		obs, err := env.Reset(seed)
		if err != nil {
			return "", fmt.Errorf("reset(%s): %w", seedString(seed), err)
		}
		if err := c.checkObs(obs); err != nil {
			return "", fmt.Errorf("reset(%s): %w", seedString(seed), err)
		}
	}
	return "", nil
}

func seedString(s *uint64) string {
	if s == nil {
		return "nil"
	}
	return fmt.Sprint(*s)
}

// episode is one recorded episode under sampled actions.
type episode struct {
	first   []float64
	actions [][]float64
	steps   []framework.Step
	// ended reports whether the episode terminated or was truncated
	// within the step cap.
	ended bool
}

// actionRNG returns the stream actions are sampled from; the same for
// every check, so the same seed must give the same episode.
func (c *checker) actionRNG() *rand.Rand {
	return rand.New(rand.NewPCG(c.opt.Seed, 0x5eed))
}

// stepCap is how many steps an episode may take before the checks stop
// it: one past the time limit, so overrunning it is visible.
func (c *checker) stepCap() int {
	if c.spec.MaxEpisodeSteps > 0 {
		return c.spec.MaxEpisodeSteps + 1
	}
	return c.opt.MaxSteps
}

// record plays one episode from Reset(seed) with actions drawn from the
// checker's action stream, leaving env at the episode's end.
func (c *checker) record(env framework.Env, seed uint64) (*episode, error) {
	obs, err := env.Reset(framework.Seed(seed))
	if err != nil {
		return nil, fmt.Errorf("reset(%d): %w", seed, err)
	}
	ep := &episode{first: slices.Clone(obs)}
	rng := c.actionRNG()
	for t := 0; t < c.stepCap(); t++ {
		a := make([]float64, c.spec.ActionSpace.Dim())
		c.spec.ActionSpace.Sample(rng, a)
		st, err := env.Step(a)
		if err != nil {
			return ep, fmt.Errorf("step %d with action %v: %w", t+1, a, err)
		}
		st.Obs = slices.Clone(st.Obs)
		ep.actions = append(ep.actions, a)
		ep.steps = append(ep.steps, st)
		if st.Done() {
			ep.ended = true
			break
		}
	}
	return ep, nil
}

// baseEpisode records (once) the episode from the base seed.
func (c *checker) baseEpisode() (*episode, error) {
	if c.ep != nil {
		return c.ep, nil
	}
	env, err := c.fresh()
	if err != nil {
		return nil, err
	}
	defer env.Close()
	ep, err := c.record(env, c.opt.Seed)
	if err != nil {
		return nil, err
	}
	c.ep = ep
	return ep, nil
}

func (c *checker) stepObservations() (string, error) {
	ep, err := c.baseEpisode()
	if err != nil {
		return "", err
	}
	for t, st := range ep.steps {
		if err := c.checkObs(st.Obs); err != nil {
			return "", fmt.Errorf("step %d: %w", t+1, err)
		}
	}
	return fmt.Sprintf("%d steps", len(ep.steps)), nil
}

func (c *checker) rewardsFinite() (string, error) {
	ep, err := c.baseEpisode()
	if err != nil {
		return "", err
	}
	for t, st := range ep.steps {
		if math.IsNaN(st.Reward) || math.IsInf(st.Reward, 0) {
			return "", fmt.Errorf("step %d: reward %v", t+1, st.Reward)
		}
	}
	return "", nil
}

func (c *checker) timeLimit() (string, error) {
	limit := c.spec.MaxEpisodeSteps
	if limit == 0 {
		return "no time limit in the spec", nil
	}
	ep, err := c.baseEpisode()
	if err != nil {
		return "", err
	}
	// The recording stops at the first done step or one step past the
	// limit, so a longer or unfinished episode overran the limit.
	if len(ep.steps) > limit || (len(ep.steps) == limit && !ep.steps[limit-1].Done()) {
		return "", fmt.Errorf("episode not done after the time limit of %d steps", limit)
	}
	if len(ep.steps) < limit {
		return fmt.Sprintf("episode ended at step %d, before the limit of %d", len(ep.steps), limit), nil
	}
	return "", nil
}

// sameEpisode says where two episodes first differ, or returns nil.
func sameEpisode(a, b *episode) error {
	if !slices.Equal(a.first, b.first) {
		return fmt.Errorf("initial observations differ: %v vs %v", a.first, b.first)
	}
	if len(a.steps) != len(b.steps) {
		return fmt.Errorf("episodes last %d and %d steps", len(a.steps), len(b.steps))
	}
	for t := range a.steps {
		x, y := a.steps[t], b.steps[t]
		switch {
		case !slices.Equal(x.Obs, y.Obs):
			return fmt.Errorf("step %d: observations differ: %v vs %v", t+1, x.Obs, y.Obs)
		case x.Reward != y.Reward && !(math.IsNaN(x.Reward) && math.IsNaN(y.Reward)):
			return fmt.Errorf("step %d: rewards differ: %v vs %v", t+1, x.Reward, y.Reward)
		case x.Terminated != y.Terminated || x.Truncated != y.Truncated:
			return fmt.Errorf("step %d: terminated/truncated differ: %v/%v vs %v/%v", t+1, x.Terminated, x.Truncated, y.Terminated, y.Truncated)
		}
	}
	return nil
}

func (c *checker) sameSeed() (string, error) {
	base, err := c.baseEpisode()
	if err != nil {
		return "", err
	}
	env, err := c.fresh()
	if err != nil {
		return "", err
	}
	defer env.Close()
	// A second instance from the same seed, then the same instance
	// reseeded mid-stream (after one episode of its own): both must replay
	// the base episode exactly.
	for _, which := range []string{"a fresh instance", "the same instance reseeded"} {
		ep, err := c.record(env, c.opt.Seed)
		if err != nil {
			return "", fmt.Errorf("%s: %w", which, err)
		}
		if err := sameEpisode(base, ep); err != nil {
			return "", fmt.Errorf("%s with seed %d: %w", which, c.opt.Seed, err)
		}
	}
	return "", nil
}

func (c *checker) differentSeeds() (string, error) {
	env, err := c.fresh()
	if err != nil {
		return "", err
	}
	defer env.Close()
	const n = 4
	starts := make([][]float64, n)
	for i := range starts {
		obs, err := env.Reset(framework.Seed(c.opt.Seed + uint64(i)))
		if err != nil {
			return "", fmt.Errorf("reset(%d): %w", c.opt.Seed+uint64(i), err)
		}
		starts[i] = slices.Clone(obs)
	}
	for i := range starts {
		for j := i + 1; j < n; j++ {
			if slices.Equal(starts[i], starts[j]) {
				return "", fmt.Errorf("seeds %d and %d give the same initial observation %v", c.opt.Seed+uint64(i), c.opt.Seed+uint64(j), starts[i])
			}
		}
	}
	return "", nil
}

func (c *checker) stepAfterDone() (string, error) {
	env, err := c.fresh()
	if err != nil {
		return "", err
	}
	defer env.Close()
	ep, err := c.record(env, c.opt.Seed)
	if err != nil {
		return "", err
	}
	if !ep.ended {
		return fmt.Sprintf("skipped: no episode ended within %d steps", c.stepCap()), nil
	}
	a := slices.Clone(ep.actions[len(ep.actions)-1])
	if _, err := env.Step(a); err == nil {
		return "", fmt.Errorf("step after the episode ended (at step %d) was accepted", len(ep.steps))
	} else if !errors.Is(err, framework.ErrNeedsReset) {
		return fmt.Sprintf("error %q does not wrap framework.ErrNeedsReset", err), nil
	}
	// A reset makes the environment usable again.
	if _, err := env.Reset(nil); err != nil {
		return "", fmt.Errorf("reset after the rejected step: %w", err)
	}
	if _, err := env.Step(a); err != nil {
		return "", fmt.Errorf("step after a reset: %w", err)
	}
	return "", nil
}

func (c *checker) invalidActions() (string, error) {
	space := c.spec.ActionSpace
	var bad [][]float64
	bad = append(bad, nil, make([]float64, space.Dim()+1))
	if d, ok := space.(*framework.Discrete); ok {
		lo, hi := float64(d.Start), float64(d.Start+d.N)
		for _, v := range []float64{lo - 1, hi, lo + 0.5, math.NaN(), math.Inf(1)} {
			bad = append(bad, []float64{v})
		}
	}
	env, err := c.fresh()
	if err != nil {
		return "", err
	}
	defer env.Close()
	for _, a := range bad {
		if _, err := env.Reset(framework.Seed(c.opt.Seed)); err != nil {
			return "", fmt.Errorf("reset: %w", err)
		}
		if _, err := env.Step(a); err == nil {
			return "", fmt.Errorf("action %v (not in %s) was accepted", a, space)
		}
	}
	return fmt.Sprintf("%d invalid actions rejected", len(bad)), nil
}

func (c *checker) inPlace() (string, error) {
	env, err := c.fresh()
	if err != nil {
		return "", err
	}
	defer env.Close()
	ip, ok := env.(framework.InPlaceEnv)
	if !ok {
		return "not an InPlaceEnv", nil
	}
	base, err := c.baseEpisode()
	if err != nil {
		return "", err
	}
	obs := make([]float64, c.spec.ObservationSpace.Dim())
	if err := ip.ResetInto(framework.Seed(c.opt.Seed), obs); err != nil {
		return "", fmt.Errorf("ResetInto: %w", err)
	}
	if !slices.Equal(obs, base.first) {
		return "", fmt.Errorf("ResetInto gave %v, Reset gave %v", obs, base.first)
	}
	for t, a := range base.actions {
		r, term, trunc, err := ip.StepInto(a, obs)
		if err != nil {
			return "", fmt.Errorf("StepInto at step %d: %w", t+1, err)
		}
		want := base.steps[t]
		if !slices.Equal(obs, want.Obs) || r != want.Reward || term != want.Terminated || trunc != want.Truncated {
			return "", fmt.Errorf("step %d: StepInto gave %v %v %v/%v, Step gave %v %v %v/%v",
				t+1, obs, r, term, trunc, want.Obs, want.Reward, want.Terminated, want.Truncated)
		}
	}
	return "", nil
}

// vector steps two copies in a framework.SyncVectorEnv: copy i must start
// as a lone instance reset with seed+i, and copy 0 must replay the base
// episode, its last observation kept in FinalObs when it ends.
func (c *checker) vector() (string, error) {
	base, err := c.baseEpisode()
	if err != nil {
		return "", err
	}
	const n = 2
	copies := make([]framework.Env, 0, n)
	defer func() {
		for _, e := range copies {
			e.Close()
		}
	}()
	for range n {
		e, err := c.fresh()
		if err != nil {
			return "", err
		}
		copies = append(copies, e)
	}
	v, err := framework.NewSyncVectorEnv(copies)
	if err != nil {
		return "", err
	}
	obs, err := v.Reset(framework.Seed(c.opt.Seed))
	if err != nil {
		return "", fmt.Errorf("vector reset: %w", err)
	}
	d, k := c.spec.ObservationSpace.Dim(), c.spec.ActionSpace.Dim()
	lone, err := c.fresh()
	if err != nil {
		return "", err
	}
	defer lone.Close()
	for i := range n {
		want, err := lone.Reset(framework.Seed(c.opt.Seed + uint64(i)))
		if err != nil {
			return "", fmt.Errorf("reset(%d): %w", c.opt.Seed+uint64(i), err)
		}
		if got := obs[i*d : (i+1)*d]; !slices.Equal(got, want) {
			return "", fmt.Errorf("vector copy %d starts at %v, a lone reset(%d) at %v", i, got, c.opt.Seed+uint64(i), want)
		}
	}
	actions := make([]float64, n*k)
	for t, a := range base.actions {
		for i := range n {
			copy(actions[i*k:], a) // every copy gets copy 0's action
		}
		st, err := v.Step(actions)
		if err != nil {
			return "", fmt.Errorf("vector step %d: %w", t+1, err)
		}
		want := base.steps[t]
		got := st.Obs[:d]
		if want.Done() {
			got = st.FinalObs[:d]
		}
		if !slices.Equal(got, want.Obs) || st.Rewards[0] != want.Reward ||
			st.Terminated[0] != want.Terminated || st.Truncated[0] != want.Truncated {
			return "", fmt.Errorf("vector step %d: copy 0 gave %v %v %v/%v, a lone instance %v %v %v/%v",
				t+1, got, st.Rewards[0], st.Terminated[0], st.Truncated[0], want.Obs, want.Reward, want.Terminated, want.Truncated)
		}
	}
	return "", nil
}

func (c *checker) render() (string, error) {
	env, err := c.fresh()
	if err != nil {
		return "", err
	}
	defer env.Close()
	r, ok := env.(framework.Renderer)
	if !ok {
		return "not a Renderer", nil
	}
	if _, err := env.Reset(framework.Seed(c.opt.Seed)); err != nil {
		return "", fmt.Errorf("reset: %w", err)
	}
	img, err := r.Render()
	if err != nil {
		return "", fmt.Errorf("render: %w", err)
	}
	if img == nil || img.Bounds().Empty() {
		return "", errors.New("render returned an empty image")
	}
	b := img.Bounds()
	return fmt.Sprintf("%dx%d", b.Dx(), b.Dy()), nil
}

func (c *checker) closeTwice() (string, error) {
	env, err := c.fresh()
	if err != nil {
		return "", err
	}
	if _, err := env.Reset(framework.Seed(c.opt.Seed)); err != nil {
		env.Close()
		return "", fmt.Errorf("reset: %w", err)
	}
	if err := env.Close(); err != nil {
		return "", fmt.Errorf("first close: %w", err)
	}
	if err := env.Close(); err != nil {
		return "", fmt.Errorf("second close: %w", err)
	}
	return "", nil
}
