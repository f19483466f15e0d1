// Package rollout runs policies in vector environments and summarises the
// episodes they play: the measuring stick of `arena eval` and of the
// distillation matches.
package rollout

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/smgrnn/arena/framework"
)

// Episodes holds the outcome of evaluated episodes: Returns[i] and Lengths[i]
// belong to the episode reset with seed S+i.
type Episodes struct {
	Returns []float64
	Lengths []int
}

// Evaluate plays episodes episodes of p in venv; episode i is reset with
// seed seed+i, whatever the number of copies, so a score does not depend on
// how many copies measured it.
//
// It works in batches of N = venv.NumEnvs() episodes: venv.Reset(seed+b*N)
// seeds copy j with seed+b*N+j, and all copies step together with one
// batched Act call per step until every copy's first episode has ended. A
// copy whose episode ended keeps stepping (the vector env has reset it), but
// what it does is ignored. In the last batch only the first k copies count.
// A policy must therefore be deterministic per observation for the scores to
// be reproducible, which every policy in arena is.
func Evaluate(venv framework.VectorEnv, p framework.Policy, episodes int, seed uint64) (Episodes, error) {
	if episodes <= 0 {
		return Episodes{}, fmt.Errorf("evaluate needs a positive number of episodes, got %d", episodes)
	}
	if venv == nil || p == nil {
		return Episodes{}, errors.New("evaluate needs a vector environment and a policy")
	}
	spec := venv.Spec()
	n := venv.NumEnvs()
	if n <= 0 {
		return Episodes{}, fmt.Errorf("vector env of %s has %d copies", spec.ID, n)
	}
	actDim := spec.ActionSpace.Dim()
	obsDim := spec.ObservationSpace.Dim()
	out := Episodes{Returns: make([]float64, episodes), Lengths: make([]int, episodes)}
	actions := make([]float64, n*actDim)
	// obs is our copy of the observations: the vector env's slice is
	// overwritten by the next step, and a policy must not see it change.
	obs := make([]float64, n*obsDim)
	done := make([]bool, n)
	for first := 0; first < episodes; first += n {
		k := min(n, episodes-first)
		o, err := venv.Reset(framework.Seed(seed + uint64(first)))
		if err != nil {
			return Episodes{}, fmt.Errorf("reset for episodes %d..%d of %s: %w", first, first+k-1, spec.ID, err)
		}
		copy(obs, o)
		for j := range done {
			done[j] = j >= k // copies past the last episode never count
		}
		remaining := k
		for remaining > 0 {
			if err := p.Act(obs, n, actions); err != nil {
				return Episodes{}, fmt.Errorf("policy on %s: %w", spec.ID, err)
			}
			st, err := venv.Step(actions)
			if err != nil {
				return Episodes{}, fmt.Errorf("step in %s: %w", spec.ID, err)
			}
			copy(obs, st.Obs)
			for j := 0; j < k; j++ {
				if done[j] {
					continue
				}
				e := first + j
				out.Returns[e] += st.Rewards[j]
				out.Lengths[e]++
				if st.Terminated[j] || st.Truncated[j] {
					done[j] = true
					remaining--
				}
			}
		}
	}
	return out, nil
}

// Summary holds the usual statistics of a sample.
type Summary struct {
	Mean, Std, Min, Max float64
}

// Summarize returns the mean, population standard deviation (numpy's
// default, ddof=0), minimum and maximum of xs; all are NaN for an empty
// sample.
func Summarize(xs []float64) Summary {
	if len(xs) == 0 {
		nan := math.NaN()
		return Summary{nan, nan, nan, nan}
	}
	return Summary{Mean: Mean(xs), Std: Std(xs), Min: Min(xs), Max: Max(xs)}
}

// Mean is the arithmetic mean of xs (NaN when empty).
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// Std is the population standard deviation of xs (divides by n, like
// numpy.std), computed about the mean in a second pass for accuracy; NaN
// when empty.
func Std(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	m := Mean(xs)
	s := 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(xs)))
}

// Min is the smallest value of xs (NaN when empty).
func Min(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	m := xs[0]
	for _, x := range xs[1:] {
		m = math.Min(m, x)
	}
	return m
}

// Max is the largest value of xs (NaN when empty).
func Max(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	m := xs[0]
	for _, x := range xs[1:] {
		m = math.Max(m, x)
	}
	return m
}

// MeanInt is the mean of integer values such as episode lengths.
func MeanInt(xs []int) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0
	for _, x := range xs {
		s += x
	}
	return float64(s) / float64(len(xs))
}

// randomPolicy samples uniformly from an action space.
type randomPolicy struct {
	space framework.Space
	rng   *rand.Rand
}

// RandomPolicy returns a policy that ignores its observations and samples
// each action uniformly from space with its own generator seeded by seed
// (PCG), so a run is reproducible. It is the baseline every teacher must
// beat. It is not safe for concurrent use.
func RandomPolicy(space framework.Space, seed uint64) framework.Policy {
	return &randomPolicy{space: space, rng: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))}
}

// Act implements framework.Policy.
func (r *randomPolicy) Act(obs []float64, n int, actions []float64) error {
	d := r.space.Dim()
	if len(actions) < n*d {
		return fmt.Errorf("random policy: %d action values for %d rows of %d", len(actions), n, d)
	}
	for i := 0; i < n; i++ {
		r.space.Sample(r.rng, actions[i*d:(i+1)*d])
	}
	return nil
}
