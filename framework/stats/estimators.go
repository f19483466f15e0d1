package stats

import (
	"math"
	"slices"
)

// hasNaN reports whether any value of x is NaN.
func hasNaN(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) {
			return true
		}
	}
	return false
}

// IQM returns the interquartile mean of x exactly as
// scipy.stats.trim_mean(x, 0.25): sort, cut k = ⌊n/4⌋ values from each end
// (none when n < 4), and average the remaining n − 2k. It returns NaN when
// x is empty or holds a NaN (sorting would otherwise put the NaN at an
// arbitrary end and trim or keep it by accident). x is not modified.
func IQM(x []float64) float64 {
	n := len(x)
	if n == 0 || hasNaN(x) {
		return math.NaN()
	}
	return trimmedSorted(slices.Clone(x))
}

// trimmedSorted sorts s in place and returns its 25% trimmed mean; s is
// non-empty and NaN-free.
func trimmedSorted(s []float64) float64 {
	slices.Sort(s)
	n := len(s)
	// scipy computes int(0.25*n); 0.25*n is exact in float64, so integer
	// division gives the same cut.
	k := n / 4
	return Mean(s[k : n-k])
}

// OptimalityGap returns (1/n) Σ max(gamma − x_i, 0), how far the scores
// fall short of gamma on average, with scores above gamma counting as
// gamma (rliable's aggregate_optimality_gap; gamma = 1 for normalised
// scores, the teacher's level). It returns NaN when x is empty or holds a
// NaN.
func OptimalityGap(x []float64, gamma float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	var s float64
	for _, v := range x {
		if math.IsNaN(v) {
			return math.NaN()
		}
		if d := gamma - v; d > 0 {
			s += d
		}
	}
	return s / float64(len(x))
}

// improvement returns U/(n·m) for one task: the fraction of pairs (x_i,
// y_j) with x_i > y_j, ties counting ½. It is the Mann–Whitney U of x
// against y, which is what scipy.stats.mannwhitneyu returns for its first
// sample and rliable divides by n·m. The direct double loop is exact and
// costs n·m comparisons, trivial for tens of seeds.
func improvement(x, y []float64) float64 {
	var u float64
	for _, a := range x {
		for _, b := range y {
			switch {
			case a > b:
				u++
			case a == b:
				u += 0.5
			}
		}
	}
	return u / float64(len(x)*len(y))
}

// ProbabilityOfImprovement returns the probability that a run of X scores
// higher than a run of Y on the same task, averaged over tasks: the mean
// over tasks t of U_t/(n_t·m_t), with U_t the Mann–Whitney U statistic of
// x[t] against y[t] and ties counting ½ (rliable's
// probability_of_improvement). It is 1 when X beats Y on every pair, 0.5
// for identical samples and 0 when Y always wins. It returns NaN when the
// task counts differ, there are no tasks, a task has no runs in x or y, or
// a value is NaN.
func ProbabilityOfImprovement(x, y [][]float64) float64 {
	if len(x) == 0 || len(x) != len(y) {
		return math.NaN()
	}
	var s float64
	for t := range x {
		if len(x[t]) == 0 || len(y[t]) == 0 || hasNaN(x[t]) || hasNaN(y[t]) {
			return math.NaN()
		}
		s += improvement(x[t], y[t])
	}
	return s / float64(len(x))
}

// MatrixStat is a statistic of a score matrix scores[task][run], such as
// PooledIQM. BootstrapCI calls it on resampled matrices, which it owns and
// overwrites after the call; a MatrixStat may reorder the values it is given
// but must not keep a reference to them.
type MatrixStat func(scores [][]float64) float64

// TwoSampleStat is a statistic of two score matrices over the same tasks,
// such as ProbabilityOfImprovement. The same rules as for MatrixStat apply.
type TwoSampleStat func(x, y [][]float64) float64

// Pooled turns a statistic of a flat sample into a MatrixStat that applies
// it to every (task, run) entry pooled together, as rliable's aggregate_iqm
// flattens its matrix before trimming.
func Pooled(f func(x []float64) float64) MatrixStat {
	return func(scores [][]float64) float64 {
		n := 0
		for _, row := range scores {
			n += len(row)
		}
		flat := make([]float64, 0, n)
		for _, row := range scores {
			flat = append(flat, row...)
		}
		return f(flat)
	}
}

// PooledIQM returns the IQM of all entries of scores pooled together:
// rliable's aggregate_iqm, the headline across-environment metric. It is
// NaN when scores has no entries or holds a NaN.
func PooledIQM(scores [][]float64) float64 {
	// Equal to Pooled(IQM)(scores), sorting the flattened copy in place
	// instead of copying it again: half the allocations in the bootstrap.
	n := 0
	for _, row := range scores {
		n += len(row)
	}
	flat := make([]float64, 0, n)
	for _, row := range scores {
		flat = append(flat, row...)
	}
	if len(flat) == 0 || hasNaN(flat) {
		return math.NaN()
	}
	return trimmedSorted(flat)
}
